from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_normalize_skus")]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="sku",
            field=models.CharField(max_length=32, unique=True),
        ),
    ]
