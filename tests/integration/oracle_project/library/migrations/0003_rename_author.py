from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0002_book_pages")]
    run_before = [("lending", "0001_initial")]

    operations = [
        migrations.RenameModel("Author", "Writer"),
        migrations.RenameField("book", "title", "name"),
        migrations.AlterField("book", "slug", models.SlugField(max_length=80, db_index=False)),
    ]
