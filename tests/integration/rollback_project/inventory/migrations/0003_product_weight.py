from django.db import migrations, models


def fill_weights(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    Product.objects.filter(weight__isnull=True).update(weight=0)


def clear_weights(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    Product.objects.update(weight=None)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_product_sku")]
    operations = [
        migrations.AddField("product", "weight", models.IntegerField(null=True)),
        migrations.RunPython(fill_weights, clear_weights),
    ]
