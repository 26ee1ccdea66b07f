# -*- coding: utf-8 -*-
# godwit: ignore-file[ZD013] -- checked by the DBA
from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently as AIC

SQL = ("UPDATE shop_order SET note = 'caf\u00e9' "  # implicit concatenation
       r"WHERE status ~ '\d+'" f"{1}")
TEXT = b"\x00\xff" + b"ok"
EMOJI = "\N{SNOWMAN} 😀 ☃"


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0001_initial"), ("auth", "__first__")]
    replaces = [("shop", "0002_old")]
    operations = [
        migrations.RunSQL(SQL, reverse_sql=migrations.RunSQL.noop),  # godwit: ignore[ZD013, RV002]
        migrations.RunSQL([TEXT, EMOJI], hints={"x": lambda apps, schema_editor: None}),
        # godwit: ignore[*]
        AIC("order", models.Index(fields=["-status", "note"], name="x" * 3)),
        migrations.AddField("order", "code", models.UUIDField(default=__import__("uuid").uuid4, unique=True)),
        migrations.AddField(model_name="customer", name="age", field=models.IntegerField(), preserve_default=False),
        migrations.RenameField("order", "note", "remark"),
        migrations.RemoveField("order", "total"),
        migrations.DeleteModel(name="Customer"),
        *[migrations.RunSQL("SELECT 1")],
    ]
