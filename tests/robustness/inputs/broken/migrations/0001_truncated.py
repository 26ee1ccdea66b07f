from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="total",
            field=models.DecimalField(max_digits=10, decimal_pl
