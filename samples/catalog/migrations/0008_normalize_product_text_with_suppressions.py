# godwit: ignore-file[RV001] -- one-off cleanup, nothing to undo
from django.db import migrations


class Migration(migrations.Migration):
    """One-off cleanup of text imported from the supplier feed.

    This migration also shows godwit's suppression comments, used well and badly.
    """

    dependencies = [
        ('catalog', '0007_product_name_trigram'),
    ]

    operations = [
        # godwit: ignore[ZD013] -- reviewed: touches only the few hundred mis-cased SKUs, row locks only
        migrations.RunSQL("UPDATE catalog_product SET sku = UPPER(sku) WHERE sku <> UPPER(sku)"),
        # godwit: ignore[ZD13] -- reviewed
        migrations.RunSQL(
            "UPDATE catalog_product SET name = TRIM(name) WHERE name <> TRIM(name)",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
