#!/usr/bin/python3
"""`godwit plan` against Django: the rollback it prints must do what it says.

1. Migrate a fresh SQLite database to the state before the release, and record
   `showmigrations --plan` (what production has).
2. Migrate everything (the deploy).
3. Ask `godwit plan --applied <that file> --format json` for the rollback.
4. Run its commands in order: each must succeed where godwit says it is reversible, and fail
   with the error godwit names exactly at the migration it names; afterwards exactly the
   migrations godwit says were unapplied are unapplied.

usage: rollback_oracle.py GODWIT PROJECT_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

PRE_RELEASE = [("inventory", "0002_product_sku"), ("billing", "0001_initial"), ("crm", "0001_initial"), ("audit", "0001_initial")]


def manage(project, env, *args):
    return subprocess.run(["/usr/bin/python3", "manage.py", *args], cwd=project, env=env, capture_output=True, text=True)


def applied(project, env):
    out = manage(project, env, "showmigrations", "--plan")
    assert out.returncode == 0, out.stderr
    return {line.split()[1] for line in out.stdout.splitlines() if line.startswith("[X]")}


def main():
    godwit, project = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ROLLBACK_DB=os.path.join(tmp, "db.sqlite3"))
        for app, target in PRE_RELEASE:
            out = manage(project, env, "migrate", app, target)
            assert out.returncode == 0, out.stderr
        applied_file = os.path.join(tmp, "showmigrations.txt")
        with open(applied_file, "w") as f:
            f.write(manage(project, env, "showmigrations", "--plan").stdout)
        out = manage(project, env, "migrate")
        assert out.returncode == 0, out.stderr

        plan = subprocess.run([godwit, "plan", "--applied", applied_file, "--format", "json"], cwd=project,
                              capture_output=True, text=True)
        assert plan.returncode == 0, plan.stderr
        plan = json.loads(plan.stdout)
        if not plan["rollback"]:
            problems.append("godwit printed no rollback")
        for step in plan["rollback"]:
            before = applied(project, env)
            app, target = step["app"], step["target"]
            out = manage(project, env, "migrate", app, target)
            after = applied(project, env)
            unapplied = before - after
            names = ["%s.%s" % (u["app"], u["name"]) for u in step["unapplies"]]
            if step["fails_at"] is None:
                if out.returncode != 0:
                    problems.append("%s: godwit says it succeeds, Django failed:\n%s" % (step["command"], out.stderr[-800:]))
                if unapplied != set(names):
                    problems.append("%s: godwit says it unapplies %s, Django unapplied %s" % (step["command"], names, sorted(unapplied)))
            else:
                stop = "%s.%s" % (step["fails_at"]["app"], step["fails_at"]["name"])
                error = step["fails_at"]["error"]
                expected_gone = set(names[:names.index(stop)])
                if out.returncode == 0:
                    problems.append("%s: godwit says it fails at %s, Django succeeded" % (step["command"], stop))
                elif error not in out.stderr:
                    problems.append("%s: godwit says %s, Django said:\n%s" % (step["command"], error, out.stderr[-800:]))
                if stop not in after:
                    problems.append("%s: godwit says %s stays applied, Django unapplied it" % (step["command"], stop))
                if unapplied != expected_gone:
                    problems.append("%s: godwit says %s are unapplied before it stops, Django unapplied %s" % (
                        step["command"], sorted(expected_gone), sorted(unapplied)))
            print("%-60s %s" % (step["command"], "ok" if not problems else "problem"))
    for p in problems:
        print(p)
    print("%d rollback steps, %d problems" % (len(plan["rollback"]), len(problems)))
    sys.exit(min(len(problems), 100))


if __name__ == "__main__":
    main()
