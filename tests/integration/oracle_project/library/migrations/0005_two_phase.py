from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0004_book_constraints")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField("book", "summary")],
            database_operations=[],
        ),
        migrations.RunSQL(
            "ALTER TABLE library_book ADD COLUMN edition integer NULL",
            reverse_sql="ALTER TABLE library_book DROP COLUMN edition",
            state_operations=[migrations.AddField("book", "edition", models.IntegerField(null=True))],
        ),
        migrations.RemoveIndex("book", "book_name_pages_idx"),
        migrations.AddIndex("book", models.Index(fields=["isbn"], name="book_isbn_idx")),
        migrations.AlterField("writer", "name", models.CharField(max_length=200, db_column="full_name")),
    ]
