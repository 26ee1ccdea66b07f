from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.AddField("book", "pages", models.PositiveIntegerField(default=0), preserve_default=False),
        migrations.AddField(
            model_name="book",
            name="summary",
            field=models.TextField(blank=True, default=""),
        ),
    ]
