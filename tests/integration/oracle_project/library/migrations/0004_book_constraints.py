from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0003_rename_author")]

    operations = [
        migrations.AddIndex("book", models.Index(fields=["name", "-pages"], name="book_name_pages_idx")),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(check=models.Q(pages__gte=0), name="book_pages_positive"),
        ),
        migrations.AlterUniqueTogether("book", {("author", "name"), ("isbn", "slug")}),
        migrations.AlterModelTable("writer", "library_authors"),
        migrations.AlterIndexTogether("book", [("slug", "pages")]),
    ]
