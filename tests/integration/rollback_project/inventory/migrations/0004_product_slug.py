from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    Product = apps.get_model("inventory", "Product")
    for product in Product.objects.all():
        product.slug = "p-%d" % product.pk
        product.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_product_weight")]
    operations = [
        migrations.AddField("product", "slug", models.SlugField(null=True)),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
