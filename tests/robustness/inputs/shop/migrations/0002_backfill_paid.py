from django.db import migrations


def mark_paid(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.filter(reference__startswith="PAID-").update(paid=True)


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(mark_paid),  # expect: [RV001] "cannot be rolled back"
    ]
