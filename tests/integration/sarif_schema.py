"""godwit's SARIF output against the official SARIF 2.1.0 schema, plus what GitHub code scanning
needs beyond the schema (relative URIs against %SRCROOT%, rules with help, fingerprints).

Usage: sarif_schema.py GODWIT_BINARY SOURCE_DIR
Runs on Debian's python3-jsonschema (draft-04 validator), with /usr/bin/python3.
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema


def godwit_sarif(binary, cwd, *paths):
    run = subprocess.run([binary, "check", "--format", "sarif", *paths], cwd=cwd, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"godwit exited {run.returncode}: {run.stderr}")
    return json.loads(run.stdout)


def check_conventions(doc, name):
    problems = []
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    if len(doc["runs"]) != 1:
        problems.append("expected exactly one run")
    if run.get("columnKind") != "unicodeCodePoints":
        problems.append("columnKind must be stated as unicodeCodePoints")
    for rule in rules:
        if not rule.get("help", {}).get("text") or "## What it does" not in rule["help"]["text"]:
            problems.append(f"rule {rule['id']} has no full help text")
    if not run["results"]:
        problems.append("no results: the input is meant to produce findings")
    for i, result in enumerate(run["results"]):
        where = f"results[{i}]"
        if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
            problems.append(f"{where}: ruleIndex does not point at {result['ruleId']}")
        location = result["locations"][0]["physicalLocation"]
        artifact = location["artifactLocation"]
        if artifact.get("uriBaseId") != "%SRCROOT%" or artifact["uri"].startswith("/"):
            problems.append(f"{where}: the URI must be relative to %SRCROOT%")
        region = location["region"]
        if region["startLine"] < 1 or region["startColumn"] < 1:
            problems.append(f"{where}: regions are 1-based")
        if len(result.get("partialFingerprints", {}).get("godwitFindingIdentity/v1", "")) != 16:
            problems.append(f"{where}: no partialFingerprints")
    return [f"{name}: {p}" for p in problems]


def main():
    binary, source = sys.argv[1], Path(sys.argv[2])
    schema = json.loads((source / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(schema)

    documents = {
        "tests/golden/project": godwit_sarif(binary, source / "tests" / "golden" / "project"),
        "samples": godwit_sarif(binary, source, "samples"),
        "tests/golden/expected/check.sarif": json.loads(
            (source / "tests" / "golden" / "expected" / "check.sarif").read_text()),
    }
    failures = []
    passed = 0
    for name, doc in documents.items():
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        found = [f"{name}: schema: {'/'.join(map(str, e.path))}: {e.message}" for e in errors]
        found += check_conventions(doc, name)
        passed += 0 if found else 1
        failures += found

    # The validator must reject what the schema forbids, or this test could not fail.
    broken = copy.deepcopy(documents["samples"])
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["version"]
    if validator.is_valid(broken):
        failures.append("the schema validator accepted a document without `version` and with level `fatal`")
    else:
        passed += 1

    for failure in failures:
        print(failure)
    print(f"{passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
