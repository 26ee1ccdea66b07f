from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("broken", "0003_only_comments"]

    operations = [
        migrations.RunSQL("UPDATE invoice SET total = 0", migrations.RunSQL.noop)),
        migrations.RunPython(lambda apps, schema_editor: None
    ]
