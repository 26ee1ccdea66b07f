# -*- coding: latin-1 -*-
# godwit-test: select=SY001
# A coding declaration makes Python read the file as Latin-1: its bytes are no error.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("menu", "0004_dish_price")]

    operations = [
        migrations.AlterField("dish", "category", models.CharField(max_length=32, verbose_name="Catégorie")),
    ]
