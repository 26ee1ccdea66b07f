from django.db import migrations, models


def classify(apps, schema_editor):
    Entry = apps.get_model("audit", "Entry")
    Entry.objects.filter(level__isnull=True).update(level="info")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.AddField("entry", "level", models.CharField(max_length=10, null=True)),
        # RunPython without a reverse, hidden in database_operations: Django only notices on the
        # way back, with NotImplementedError instead of IrreversibleError.
        migrations.SeparateDatabaseAndState(database_operations=[migrations.RunPython(classify)]),
    ]
