from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("product", models.ForeignKey(on_delete=models.deletion.PROTECT, to="shop.product")),
                ("total", models.DecimalField(decimal_places=2, max_digits=10)),
            ],
        ),
    ]
