from django.db import migrations


class Migration(migrations.Migration):
    # contract: only once no running code selects `phone`
    dependencies = [("crm", "0003_contact_tags")]
    operations = [
        migrations.RemoveField("contact", "phone"),
    ]
