#!/usr/bin/env bash
# Microsoft's SARIF multitool (`validate`, with its SARIF and GitHub code scanning rule sets) on
# godwit's SARIF output. The tool is a self-contained Linux x64 binary shipped in the npm
# registry's @microsoft/sarif-multitool package: SARIF_MULTITOOL names it when set, else it is
# installed (pinned) with npm into TOOLS_DIR. Exit 77 (skipped) when it cannot be had.
#
# Usage: sarif_multitool.sh GODWIT_BINARY SOURCE_DIR TOOLS_DIR
set -euo pipefail
godwit=$1
source_dir=$2
tools=$3
version=5.7.0

tool=${SARIF_MULTITOOL:-}
if [[ -z $tool ]]; then
  if [[ $(uname -m) != x86_64 ]]; then
    echo "skipped: the multitool package ships a Linux x64 binary only"
    exit 77
  fi
  tool=$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
  if [[ ! -e $tool ]]; then
    if ! command -v npm >/dev/null; then
      echo "skipped: npm is not installed"
      exit 77
    fi
    mkdir -p "$tools"
    if ! npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$version" >"$tools/npm-install.log" 2>&1; then
      cat "$tools/npm-install.log"
      echo "skipped: @microsoft/sarif-multitool@$version could not be installed"
      exit 77
    fi
  fi
  # The package's postinstall script makes the binary executable; npm may not run it.
  chmod u+x "$tool"
fi
# No ICU needed: the tool's messages are English.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Judges the multitool's own SARIF log: no error and no warning except SARIF2005 (the tool has no
# public informationUri yet).
judge() {
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
bad = [r for run in log["runs"] for r in run.get("results", [])
       if r.get("level", "warning") in ("error", "warning") and r["ruleId"] != "SARIF2005"]
for r in bad:
    print(r.get("level", "warning"), r["ruleId"], json.dumps(r["message"]))
sys.exit(1 if bad else 0)
PY
}

validate() {
  local input=$1 output=$2
  rm -f "$output"
  "$tool" validate "$input" --output "$output" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" --quiet \
    >"$work/tool.log" 2>&1 || true
  if [[ ! -s $output ]]; then
    cat "$work/tool.log"
    echo "the multitool wrote no log for $input"
    exit 1
  fi
}

passed=0
failed=0
(cd "$source_dir/tests/golden/project" && "$godwit" check --format sarif >"$work/golden.sarif") || [[ $? -eq 1 ]]
(cd "$source_dir" && "$godwit" check --format sarif samples >"$work/samples.sarif") || [[ $? -eq 1 ]]
for name in golden samples; do
  validate "$work/$name.sarif" "$work/$name.log.sarif"
  if judge "$work/$name.log.sarif"; then
    passed=$((passed + 1))
  else
    echo "FAILED: the multitool reports problems in godwit's SARIF for $name"
    failed=$((failed + 1))
  fi
done

# The check must be able to fail: a region starting at line 0 is invalid SARIF.
sed 's/"startLine": 8,/"startLine": 0,/' "$work/golden.sarif" >"$work/broken.sarif"
validate "$work/broken.sarif" "$work/broken.log.sarif"
if judge "$work/broken.log.sarif" >/dev/null; then
  echo "FAILED: the multitool accepted a region starting at line 0"
  failed=$((failed + 1))
else
  passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
