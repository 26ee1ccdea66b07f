# -*- coding: latin-1 -*-
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("menu", "0001_initial")]
    operations = [
        migrations.RemoveField("dish", "catégorie"),
    ]
