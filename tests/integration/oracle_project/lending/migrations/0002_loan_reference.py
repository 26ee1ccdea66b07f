import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lending", "0001_initial"),
        ("library", "0005_two_phase"),
    ]

    operations = [
        migrations.AddField("loan", "reference", models.UUIDField(default=uuid.uuid4, editable=False)),
        migrations.AddField("loan", "note", models.CharField(max_length=50, blank=True, null=True)),
        migrations.RemoveField("loan", "returned"),
        migrations.AlterField("loan", "due", models.DateField(db_index=True)),
        migrations.RenameField("loan", "note", "remark"),
        migrations.AddConstraint(
            "loan",
            models.UniqueConstraint(fields=["book", "borrower"], name="one_loan_per_book"),
        ),
        migrations.AddField(
            "loan",
            "renewed_from",
            models.OneToOneField(null=True, on_delete=models.SET_NULL, to="lending.loan", db_constraint=False),
        ),
    ]
