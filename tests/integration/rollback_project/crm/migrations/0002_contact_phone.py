from django.db import migrations, models


def normalize(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [
        migrations.AddField("contact", "phone", models.CharField(max_length=30, null=True)),
        migrations.SeparateDatabaseAndState(database_operations=[migrations.RunPython(normalize)]),
    ]
