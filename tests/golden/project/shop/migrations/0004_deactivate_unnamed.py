from django.db import migrations


def deactivate_unnamed(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.filter(name="").update(active=False)


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_product_sku_unique")]

    operations = [
        migrations.RunPython(deactivate_unnamed, migrations.RunPython.noop),
    ]
