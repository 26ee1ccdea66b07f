#pragma once

// Migrations that several tests write into a temporary `shop` app.
namespace godwit::test {

// shop/migrations/0001_initial.py: creates Order.
inline constexpr const char* kOrderInitial = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel("Order", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
)py";

// A data migration after it with no reverse: RV001 on line 11, `migrations.RunPython(forwards)`.
inline constexpr const char* kRunPythonWithoutReverse = R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunPython(forwards),
    ]
)py";

}  // namespace godwit::test
