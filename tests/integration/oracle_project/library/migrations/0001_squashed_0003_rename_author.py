from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    replaces = [
        ("library", "0001_initial"),
        ("library", "0002_book_pages"),
        ("library", "0003_rename_author"),
    ]
    initial = True
    dependencies = []
    run_before = [("lending", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Writer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120)),
                ("born", models.DateField(null=True, blank=True)),
            ],
        ),
        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("isbn", models.CharField(max_length=13, unique=True)),
                ("author", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="library.writer")),
                ("slug", models.SlugField(max_length=80, db_index=False)),
                ("pages", models.PositiveIntegerField()),
                ("summary", models.TextField(blank=True, default="")),
                ("name", models.CharField(max_length=200)),
            ],
            options={"ordering": ["title"], "unique_together": {("author", "name")}},
        ),
    ]
