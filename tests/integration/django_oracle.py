#!/usr/bin/python3
"""Django is the oracle for godwit's graph and replayed state.

Loads migrations from disk with Django's own MigrationLoader (no database), then compares,
model by model and field by field, with `godwit state --format json`, and compares the leaves
and the plan order with `godwit graph --format json`. Every difference is printed; the exit
code is the number of differences (capped at 100).

usage: django_oracle.py GODWIT contrib
       django_oracle.py GODWIT project PROJECT_DIR SETTINGS_MODULE
"""
import json
import os
import subprocess
import sys

import django
import django.contrib
from django.conf import settings

# Deliberate, documented limits of a static reader (see README, "What godwit cannot know").
KNOWN_LIMITS = set()


def configure(mode, args):
    if mode == "contrib":
        settings.configure(
            INSTALLED_APPS=[
                "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                "django.contrib.flatpages", "django.contrib.redirects", "django.contrib.sessions",
                "django.contrib.sites",
            ],
            DATABASES={}, USE_TZ=True, SECRET_KEY="godwit-oracle",
        )
        return [os.path.dirname(django.contrib.__file__)], os.getcwd()
    project_dir, settings_module = os.path.abspath(args[0]), args[1]
    sys.path.insert(0, project_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    return [project_dir], project_dir


def godwit_json(godwit, command, paths, cwd):
    out = subprocess.run([godwit, command, "--format", "json", *paths], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("godwit %s failed (%d): %s" % (command, out.returncode, out.stderr))
    return json.loads(out.stdout)


def relation_target(field):
    model = field.remote_field.model
    if isinstance(model, str):
        return model.lower()
    return ("%s.%s" % (model._meta.app_label, model._meta.model_name)).lower()


def compare_field(where, django_field, ours, problems):
    def check(name, expected, got):
        if expected != got:
            problems.append("%s: %s: Django has %r, godwit has %r" % (where, name, expected, got))

    check("class", type(django_field).__name__, ours["class"] if ours["class"] != "Field" else ours["class_path"].split(".")[-1])
    check("null", django_field.null, ours["null"])
    check("unique", django_field.unique, ours["unique"])
    check("primary_key", django_field.primary_key, ours["primary_key"])
    check("db_index", django_field.db_index, ours["db_index"])
    check("db_column", django_field.db_column, ours["db_column"])
    if getattr(django_field, "max_length", None) is not None or ours["max_length"] is not None:
        check("max_length", django_field.max_length, ours["max_length"])
    if type(django_field).__name__ == "DecimalField":
        check("max_digits", django_field.max_digits, ours["max_digits"])
        check("decimal_places", django_field.decimal_places, ours["decimal_places"])
    has_default = django_field.has_default()
    check("has default", has_default, ours["default"]["kind"] != "absent")
    if has_default:
        check("default is callable", callable(django_field.default), ours["default"]["kind"].startswith("callable"))
    if django_field.is_relation:
        check("relation target", relation_target(django_field), (ours.get("relation_to") or "").lower())
        if hasattr(django_field, "db_constraint"):
            check("db_constraint", django_field.db_constraint, ours.get("db_constraint"))


def together(value):
    if not value:
        return []
    return sorted(sorted(group) for group in value)


def main():
    godwit, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    paths, cwd = configure(mode, sys.argv[3:])
    django.setup()
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    if mode == "project":
        # Installed apps outside the project (django.contrib) are read too, as Django reads them.
        from django.apps import apps
        paths += sorted(a.path for a in apps.get_app_configs() if not a.path.startswith(paths[0]))

    # The graph: leaves and plan order.
    graph = godwit_json(godwit, "graph", paths, cwd)
    leaves = sorted(loader.graph.leaf_nodes())
    plan = loader.graph._generate_plan(leaves, True)
    ours_leaves = [tuple(x) for x in graph["leaves"]]
    ours_plan = [tuple(x) for x in graph["plan"]]
    if ours_leaves != leaves:
        problems.append("leaves: Django %s, godwit %s" % (leaves, ours_leaves))
    if ours_plan != plan:
        for i, (a, b) in enumerate(zip(plan, ours_plan)):
            if a != b:
                problems.append("plan differs at step %d: Django %s, godwit %s" % (i, a, b))
                break
        else:
            problems.append("plan lengths differ: Django %d, godwit %d" % (len(plan), len(ours_plan)))

    # The state.
    state = loader.project_state()
    ours = {(m["app"], m["name"].lower()): m for m in godwit_json(godwit, "state", paths, cwd)["models"]}
    for key, model_state in sorted(state.models.items()):
        where = "%s.%s" % key
        mine = ours.pop(key, None)
        if mine is None:
            problems.append("%s: in Django's state, not in godwit's" % where)
            continue
        if mine["uncertain"] or not mine["fields_known"]:
            problems.append("%s: godwit could not read this model statically" % where)
            continue
        django_fields = list(model_state.fields.items())
        our_fields = mine["fields"]
        if [n for n, _ in django_fields] != [f["name"] for f in our_fields]:
            problems.append("%s: fields Django %s, godwit %s" % (
                where, [n for n, _ in django_fields], [f["name"] for f in our_fields]))
        by_name = {f["name"]: f for f in our_fields}
        for name, field in django_fields:
            if name in by_name:
                compare_field("%s.%s" % (where, name), field, by_name[name], problems)
        options = model_state.options
        if "db_table" in options:
            if not (mine["db_table_explicit"] and mine["db_table"] == options["db_table"]):
                problems.append("%s: db_table Django %r, godwit %r" % (where, options["db_table"], mine["db_table"]))
        elif mine["db_table_explicit"]:
            problems.append("%s: godwit has an explicit db_table %r, Django none" % (where, mine["db_table"]))
        for option in ("unique_together", "index_together"):
            if together(options.get(option)) != together(mine[option]):
                problems.append("%s: %s Django %s, godwit %s" % (where, option, together(options.get(option)), together(mine[option])))
        django_indexes = sorted(i.name for i in options.get("indexes", []))
        if django_indexes != sorted(i["name"] for i in mine["indexes"]):
            problems.append("%s: indexes Django %s, godwit %s" % (where, django_indexes, [i["name"] for i in mine["indexes"]]))
        django_constraints = sorted(c.name for c in options.get("constraints", []))
        if django_constraints != sorted(c["name"] for c in mine["constraints"]):
            problems.append("%s: constraints Django %s, godwit %s" % (where, django_constraints, [c["name"] for c in mine["constraints"]]))
        if bool(options.get("proxy")) != mine["proxy"]:
            problems.append("%s: proxy Django %s, godwit %s" % (where, bool(options.get("proxy")), mine["proxy"]))
    for key in sorted(ours):
        problems.append("%s.%s: in godwit's state, not in Django's" % key)

    problems = [p for p in problems if p not in KNOWN_LIMITS]
    for p in problems:
        print(p)
    print("%d models compared, %d plan steps, %d differences" % (len(state.models), len(plan), len(problems)))
    sys.exit(min(len(problems), 100))


if __name__ == "__main__":
    main()
