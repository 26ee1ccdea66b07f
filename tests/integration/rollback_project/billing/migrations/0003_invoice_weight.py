from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_invoice_total"),
        ("inventory", "0003_product_weight"),
    ]
    operations = [
        migrations.AddField("invoice", "weight", models.IntegerField(null=True)),
    ]
