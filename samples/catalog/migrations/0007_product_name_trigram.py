from django.contrib.postgres.operations import TrigramExtension
from django.db import connection, migrations


class Migration(migrations.Migration):
    """Fuzzy product search: a trigram index on the product name (PostgreSQL only)."""

    dependencies = [
        ('catalog', '0006_product_newest_idx'),
    ]

    operations = [
        TrigramExtension(),
    ]

    if connection.vendor == 'postgresql':
        operations += [
            migrations.RunSQL(
                sql='CREATE INDEX "product_name_trgm_idx" ON "catalog_product" USING gin ("name" gin_trgm_ops)',
                reverse_sql='DROP INDEX "product_name_trgm_idx"',
            ),
        ]
