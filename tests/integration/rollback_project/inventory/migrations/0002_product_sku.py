from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [
        migrations.AddField("product", "sku", models.CharField(max_length=20, null=True)),
    ]
