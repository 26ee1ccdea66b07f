"""The CI formats as their consumers read them, checked against godwit's JSON output of the same
run: GitHub workflow commands and Azure logging commands are parsed and unescaped by those
platforms' rules and must give back every finding's path, position, rule and text; the GitLab
Code Quality report must have the fields GitLab requires; the JUnit XML must parse and count
right.

Usage: ci_formats.py GODWIT_BINARY SOURCE_DIR
"""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

failures = []
passed = 0


def check(condition, message):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(message)


def godwit(binary, cwd, fmt, *paths):
    run = subprocess.run([binary, "check", "--format", fmt, *paths], cwd=cwd, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"godwit exited {run.returncode}: {run.stderr}")
    return run.stdout


def unescape(text, table):
    for escaped, plain in table:
        text = text.replace(escaped, plain)
    return text


# GitHub's toolkit: data escapes %, CR, LF; properties also ':' and ','. Unescape `%25` last.
GITHUB_DATA = [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
GITHUB_PROPERTY = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]
# azure-pipelines-task-lib: `%` as %AZP25; properties also ';' and ']'.
AZURE_DATA = [("%0D", "\r"), ("%0A", "\n"), ("%AZP25", "%")]
AZURE_PROPERTY = [("%0D", "\r"), ("%0A", "\n"), ("%3B", ";"), ("%5D", "]"), ("%AZP25", "%")]


def expected_text(d):
    return d["message"] + ("\nhelp: " + d["help"] if d["help"] else "")


def check_github(name, output, diagnostics):
    lines = output.splitlines()
    check(len(lines) == len(diagnostics), f"{name}: github: {len(lines)} lines for {len(diagnostics)} findings")
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for line, d in zip(lines, diagnostics):
        m = re.fullmatch(r"::(error|warning|notice) ([^:]*)::(.*)", line)
        if not m:
            failures.append(f"{name}: github: not a workflow command: {line}")
            continue
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        props = {k: unescape(v, GITHUB_PROPERTY) for k, v in props.items()}
        start, end = d["range"]["start"], d["range"]["end"]
        check(m.group(1) == level[d["severity"]], f"{name}: github: level of {line}")
        check(props == {"file": d["path"], "line": str(start["line"]), "col": str(start["column"]),
                        "endLine": str(end["line"]), "endColumn": str(end["column"]),
                        "title": f"{d['rule']} {d['name']}"}, f"{name}: github: properties of {line}: {props}")
        check(unescape(m.group(3), GITHUB_DATA) == expected_text(d), f"{name}: github: message of {line}")


def check_azure(name, output, diagnostics):
    lines = output.splitlines()
    check(len(lines) == len(diagnostics), f"{name}: azure: {len(lines)} lines for {len(diagnostics)} findings")
    for line, d in zip(lines, diagnostics):
        m = re.fullmatch(r"##vso\[task\.logissue ([^\]]*)\](.*)", line)
        if not m:
            failures.append(f"{name}: azure: not a logging command: {line}")
            continue
        props = dict(p.split("=", 1) for p in m.group(1).split(";") if p)
        props = {k: unescape(v, AZURE_PROPERTY) for k, v in props.items()}
        start = d["range"]["start"]
        check(props == {"type": "error" if d["severity"] == "error" else "warning", "sourcepath": d["path"],
                        "linenumber": str(start["line"]), "columnnumber": str(start["column"]), "code": d["rule"]},
              f"{name}: azure: properties of {line}: {props}")
        check(unescape(m.group(2), AZURE_DATA) == f"{d['rule']} {d['name']}: {expected_text(d)}",
              f"{name}: azure: message of {line}")


def check_gitlab(name, output, diagnostics):
    issues = json.loads(output)
    check(isinstance(issues, list) and len(issues) == len(diagnostics), f"{name}: gitlab: one issue per finding")
    fingerprints = set()
    for issue, d in zip(issues, diagnostics):
        for key in ("description", "check_name", "fingerprint", "severity"):
            check(isinstance(issue.get(key), str) and issue[key], f"{name}: gitlab: `{key}` missing in {issue}")
        check(issue["severity"] in ("info", "minor", "major", "critical", "blocker"), f"{name}: gitlab: severity")
        check(issue["location"]["path"] == d["path"], f"{name}: gitlab: path")
        check(issue["location"]["lines"]["begin"] == d["range"]["start"]["line"], f"{name}: gitlab: lines.begin")
        fingerprints.add(issue["fingerprint"])
    check(len(fingerprints) == len(issues), f"{name}: gitlab: fingerprints are not unique")


def check_junit(name, output, doc):
    root = ET.fromstring(output)
    check(root.tag == "testsuites", f"{name}: junit: root is {root.tag}")
    cases = root.findall("./testsuite/testcase")
    check(len(cases) == int(root.get("tests")) == len(doc["migrations"]),
          f"{name}: junit: {len(cases)} test cases, tests={root.get('tests')}, {len(doc['migrations'])} migrations")
    failed = [c for c in cases if c.find("failure") is not None]
    check(len(failed) == int(root.get("failures")), f"{name}: junit: failures={root.get('failures')}")
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    check(len(root.findall(".//failure")) == len(errors), f"{name}: junit: one <failure> per error")
    for suite in root.findall("testsuite"):
        check(len(suite.findall("testcase")) == int(suite.get("tests")), f"{name}: junit: suite {suite.get('name')}")


def main():
    binary, source = sys.argv[1], Path(sys.argv[2])
    runs = {
        "golden": (source / "tests" / "golden" / "project", []),
        "samples": (source, ["samples"]),
    }
    for name, (cwd, paths) in runs.items():
        doc = json.loads(godwit(binary, cwd, "json", *paths))
        check(len(doc["diagnostics"]) > 0, f"{name}: no findings to check")
        check_github(name, godwit(binary, cwd, "github", *paths), doc["diagnostics"])
        check_azure(name, godwit(binary, cwd, "azure", *paths), doc["diagnostics"])
        check_gitlab(name, godwit(binary, cwd, "gitlab", *paths), doc["diagnostics"])
        check_junit(name, godwit(binary, cwd, "junit", *paths), doc)
    for failure in failures:
        print(failure)
    print(f"{passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
