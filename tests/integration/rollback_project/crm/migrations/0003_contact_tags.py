from django.db import migrations, models


def add_tags(apps, schema_editor):
    pass


def remove_tags(apps):
    pass


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_contact_phone")]
    operations = [
        migrations.AddField("contact", "tags", models.CharField(max_length=200, null=True)),
        migrations.RunPython(add_tags, remove_tags),
    ]
