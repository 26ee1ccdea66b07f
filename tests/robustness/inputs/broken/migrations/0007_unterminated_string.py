from django.db import migrations

class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL("""
            UPDATE invoice SET total = 0;
    ]
