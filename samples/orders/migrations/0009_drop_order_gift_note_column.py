from django.db import migrations
from django_safemigrate import Safe


class Migration(migrations.Migration):
    """Release 2.4, phase 2 of two: drop the column that 0008 removed from the model state."""

    safe = Safe.after_deploy()

    dependencies = [
        ('orders', '0008_remove_gift_note_and_cart_from_state'),
    ]

    operations = [
        migrations.RunSQL(
            sql='ALTER TABLE "orders_order" DROP COLUMN "gift_note"',
            reverse_sql='ALTER TABLE "orders_order" ADD COLUMN "gift_note" text NULL',
        ),
    ]
