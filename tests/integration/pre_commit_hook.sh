#!/usr/bin/env bash
# The real pre-commit (Debian's package) with this repository's .pre-commit-hooks.yaml, and with
# the `repo: local` configuration the README tells users to paste: committing an unsafe migration
# is blocked with the diagnostic shown; a safe one passes.
#
# Usage: pre_commit_hook.sh GODWIT_BINARY SOURCE_DIR
set -euo pipefail
godwit=$1
source_dir=$2
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (apt-get install pre-commit)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$godwit"):$PATH" PRE_COMMIT_HOME="$work/pre-commit-cache" HOME="$work/home"
export GIT_AUTHOR_NAME=godwit GIT_AUTHOR_EMAIL=godwit@example.invalid
export GIT_COMMITTER_NAME=godwit GIT_COMMITTER_EMAIL=godwit@example.invalid
export GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global init.defaultBranch main
passed=0
failed=0
fail() {
  echo "FAILED: $*"
  failed=$((failed + 1))
}

# The hook repository as pre-commit clones it: this checkout's manifest, committed.
mkdir "$work/hooks"
cp "$source_dir/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" init -q
git -C "$work/hooks" add .pre-commit-hooks.yaml
git -C "$work/hooks" commit -qm "hooks"
rev=$(git -C "$work/hooks" rev-parse HEAD)

manifest_config="repos:
  - repo: $work/hooks
    rev: $rev
    hooks:
      - id: godwit"
# The README's block between its pre-commit-local markers, as users paste it.
local_config=$(sed -n '/<!-- pre-commit-local:begin -->/,/<!-- pre-commit-local:end -->/p' "$source_dir/README.md" |
  sed -n '/^```yaml$/,/^```$/p' | sed '1d;$d')
[[ -n $local_config ]] || { echo "README.md has no pre-commit-local block"; exit 1; }

try_config() {
  local name=$1 config=$2
  local repo="$work/project-$name"
  mkdir -p "$repo/shop/migrations"
  cd "$repo"
  git init -q
  printf '%s\n' "$config" >.pre-commit-config.yaml
  touch shop/__init__.py shop/migrations/__init__.py
  cat >shop/migrations/0001_initial.py <<'PY'
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel("Order", [("id", models.BigAutoField(primary_key=True, serialize=False))]),
    ]
PY
  git add -A
  pre-commit install >/dev/null
  if git commit -qm "initial" >"$work/out.txt" 2>&1; then
    passed=$((passed + 1))
  else
    cat "$work/out.txt"
    fail "$name: committing a safe migration was blocked"
  fi

  cat >shop/migrations/0002_backfill.py <<'PY'
from django.db import migrations


def forwards(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.update()


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.RunPython(forwards),
    ]
PY
  git add shop/migrations/0002_backfill.py
  local head
  head=$(git rev-parse HEAD)
  if git commit -qm "backfill" >"$work/out.txt" 2>&1; then
    fail "$name: committing an unsafe migration was not blocked"
  elif ! grep -q 'error\[RV001\] runpython-without-reverse' "$work/out.txt" ||
       ! grep -q 'shop/migrations/0002_backfill.py:12:9' "$work/out.txt"; then
    cat "$work/out.txt"
    fail "$name: the commit was blocked without the diagnostic shown"
  elif [[ $(git rev-parse HEAD) != "$head" ]]; then
    fail "$name: the unsafe commit went in"
  else
    passed=$((passed + 1))
  fi

  # Fixed with a reverse: the commit passes.
  sed -i 's/migrations.RunPython(forwards),/migrations.RunPython(forwards, migrations.RunPython.noop),/' \
    shop/migrations/0002_backfill.py
  git add shop/migrations/0002_backfill.py
  if git commit -qm "backfill" >"$work/out.txt" 2>&1; then
    passed=$((passed + 1))
  else
    cat "$work/out.txt"
    fail "$name: committing the fixed migration was blocked"
  fi
  cd "$work"
}

try_config manifest "$manifest_config"
try_config readme-local "$local_config"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
