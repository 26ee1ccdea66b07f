from django.db import migrations, models


def fill_totals(apps, schema_editor):
    Invoice = apps.get_model("billing", "Invoice")
    Invoice.objects.update(total=models.F("amount"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [
        migrations.AddField("invoice", "total", models.IntegerField(null=True)),
        migrations.RunPython(fill_totals),
    ]
