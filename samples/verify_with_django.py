#!/usr/bin/env python3
"""Check the demo shop against real Django: the facts that EXPECTED.md records.

Needs an interpreter with Django 3.2 and psycopg2 (Debian: python3-django, python3-psycopg2):

    /usr/bin/python3 samples/verify_with_django.py

Each check runs `manage.py` on a fresh SQLite database in a temporary folder. With POSTGRES_DB
(and POSTGRES_USER, POSTGRES_HOST, ...) set, the same checks run on that PostgreSQL database
instead; it is emptied before each check.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = os.environ.get("PYTHON", sys.executable)
ON_POSTGRES = bool(os.environ.get("POSTGRES_DB"))

SEED_BEFORE_1_1 = """
from django.db import connection
from django.utils import timezone
now = timezone.now()
with connection.cursor() as c:
    c.execute("INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,"
              " is_staff, is_active, date_joined, phone, marketing_opt_in)"
              " VALUES (1, '!', %s, 'ada', 'Ada', 'L', 'ada@example.com', %s, %s, %s, '', %s)",
              [False, False, True, now, False])
    c.execute("INSERT INTO catalog_category (id, name, slug) VALUES (1, 'Tools', 'tools')")
    c.execute("INSERT INTO catalog_product (id, name, slug, sku, legacy_code, description, price, is_active,"
              " category_id) VALUES (1, '  Hammer ', 'hammer', 'hm-1', 'L-17', '', 9.50, %s, 1)", [True])
    c.execute("INSERT INTO catalog_product (id, name, slug, sku, legacy_code, description, price, is_active,"
              " category_id) VALUES (2, 'Sample nails', 'sample-nails', 'NL-0', 'L-18', '', 0, %s, 1)", [True])
    c.execute("INSERT INTO orders_order (id, status, created_at, gift_note, customer_id)"
              " VALUES (1, 'paid', %s, 'Happy birthday', 1)", [now])
    c.execute("INSERT INTO orders_orderitem (id, quantity, unit_price, order_id, product_id)"
              " VALUES (1, 2, 9.50, 1, 1)")
    c.execute("INSERT INTO orders_cart (id, created_at, updated_at, user_id) VALUES (1, %s, %s, 1)", [now, now])
"""

CHECK_AFTER_MIGRATE = """
from decimal import Decimal
from django.contrib.auth.models import Group
from django.db import connection
from catalog.models import Product
from orders.models import Order
order = Order.objects.get(pk=1)
assert order.total == Decimal("19.00"), order.total
assert order.public_id is not None
assert order.customer_email == "ada@example.com", order.customer_email
hammer, nails = Product.objects.get(pk=1), Product.objects.get(pk=2)
assert (hammer.sku, hammer.name, hammer.is_active) == ("HM-1", "Hammer", True), (hammer.sku, hammer.name)
assert nails.is_active is False
assert Group.objects.count() == 3
with connection.cursor() as c:
    columns = [col.name for col in connection.introspection.get_table_description(c, "orders_order")]
    tables = connection.introspection.table_names(c)
assert "gift_note" not in columns, columns
assert "orders_cart" in tables, "phase 2 for the cart table has not shipped yet"
print("data checks passed")
"""


def manage(db, *args):
    env = dict(os.environ)
    if not ON_POSTGRES:
        env["SHOP_SQLITE_PATH"] = str(db)
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=HERE, env=env, capture_output=True, text=True
    )


def fresh_database(workdir, name):
    db = Path(workdir) / f"{name}.sqlite3"
    if ON_POSTGRES:
        reset = "from django.db import connection\n" \
                "with connection.cursor() as c:\n" \
                "    c.execute('DROP SCHEMA public CASCADE'); c.execute('CREATE SCHEMA public')\n"
        run_ok(db, "shell", "-c", reset)
    return db


def run_ok(db, *args):
    result = manage(db, *args)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def run_fails(db, expected, *args):
    result = manage(db, *args)
    if result.returncode == 0 or expected not in result.stderr:
        raise SystemExit(
            f"manage.py {' '.join(args)} should have failed with {expected!r}:\n{result.stdout}\n{result.stderr}"
        )
    stopped_at = [line for line in result.stdout.splitlines() if "Unapplying" in line][-1].strip()
    error = re.sub(r" at 0x[0-9a-f]+", "", result.stderr.strip().splitlines()[-1])
    return f"{stopped_at} {error}"


def main():
    checks = []
    with tempfile.TemporaryDirectory() as workdir:
        db = fresh_database(workdir, "check")
        run_ok(db, "check")
        out = run_ok(db, "makemigrations", "--check", "--dry-run").stdout.strip()
        checks.append(("makemigrations --check --dry-run", out))

        run_ok(db, "migrate")
        plan = [line.split()[1].rstrip(".") for line in manage(db, "showmigrations", "--plan").stdout.splitlines()
                if line.startswith("[X]")]
        assert "accounts.0001_squashed_0002_user_marketing_opt_in" in plan, "the squash stands for 0001-0002"
        assert "accounts.0001_initial" not in plan
        checks.append(("migrate (from scratch)", f"OK, {len(plan)} migrations applied"))

        db = fresh_database(workdir, "data")
        run_ok(db, "migrate", "orders", "0001")
        run_ok(db, "shell", "-c", SEED_BEFORE_1_1)
        run_ok(db, "migrate")
        checks.append(("migrate with release-1.0 rows", run_ok(db, "shell", "-c", CHECK_AFTER_MIGRATE).stdout.strip()))

        db = fresh_database(workdir, "orders_zero")
        run_ok(db, "migrate")
        run_ok(db, "migrate", "orders", "zero")
        checks.append(("migrate orders zero", "OK: every orders migration is reversible"))

        db = fresh_database(workdir, "catalog_zero")
        run_ok(db, "migrate")
        checks.append(("migrate catalog zero",
                       run_fails(db, "IrreversibleError", "migrate", "catalog", "zero")))

        db = fresh_database(workdir, "catalog_0007")
        run_ok(db, "migrate", "catalog", "0008")
        checks.append(("migrate catalog 0008, then migrate catalog 0007",
                       run_fails(db, "IrreversibleError", "migrate", "catalog", "0007")))

        db = fresh_database(workdir, "accounts_zero")
        run_ok(db, "migrate")
        checks.append(("migrate accounts zero",
                       run_fails(db, "TypeError", "migrate", "accounts", "zero")))

    for command, outcome in checks:
        print(f"{command}:\n    {outcome}")
    print(f"{len(checks)} passed, 0 failed")


if __name__ == "__main__":
    main()
