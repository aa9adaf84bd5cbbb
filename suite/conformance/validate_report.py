#!/usr/bin/env python3
"""Runs `shmconform report --json J --junit X` and validates both outputs.

usage: validate_report.py SHMCONFORM WORKDIR
Fails (exit 1) if the report FAILs, if either file does not parse, or if the
JSON and the JUnit disagree with each other or with the schema below.
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

VERDICTS = {"PASS", "FAIL", "FINDING", "UNSUPPORTED", "UNTESTED"}


def fail(why):
    print("validate_report: " + why, file=sys.stderr)
    sys.exit(1)


def main():
    tool, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    js, xm = work / "report.json", work / "report.xml"
    run = subprocess.run([tool, "report", "--json", str(js), "--junit", str(xm)], capture_output=True, text=True,
                         timeout=120)
    sys.stdout.write(run.stdout[-4000:])
    if run.returncode != 0:
        fail(f"report exited {run.returncode}: {run.stderr[-2000:]}")

    j = json.loads(js.read_text())
    if j.get("schema") != "shmconform-report" or j.get("schema_version") != 2:
        fail("wrong schema or schema_version")
    for key in ("name", "version", "commit"):
        if not isinstance(j["tool"].get(key), str) or not j["tool"][key]:
            fail(f"tool.{key} missing")
    if not j["timestamp"].endswith("Z") or "T" not in j["timestamp"]:
        fail("timestamp is not ISO 8601 UTC")
    p = j["platform"]
    for key in ("built_for", "compiler", "user", "sanitizer"):
        if not isinstance(p.get(key), str):
            fail(f"platform.{key} is not a string")
    for key in ("pointer_bits", "uid", "euid", "cpus"):
        if not isinstance(p.get(key), int):
            fail(f"platform.{key} is not a number")
    if not all(isinstance(p["kernel"].get(k), str) for k in ("name", "release", "machine")):
        fail("platform.kernel incomplete")
    if not all(isinstance(p["libc"].get(k), str) and p["libc"][k] for k in ("name", "version")):
        fail("platform.libc incomplete")
    if not isinstance(p["dev_shm"].get("size_bytes"), int) or not isinstance(p["dev_shm"].get("fstype"), str):
        fail("platform.dev_shm incomplete")
    checks = j["checks"]
    if not checks:
        fail("no checks")
    ids = [c["id"] for c in checks]
    if len(set(ids)) != len(ids):
        fail("duplicate check ids")
    for c in checks:
        if c["verdict"] not in VERDICTS:
            fail(f"{c['id']}: verdict {c['verdict']}")
        if c["verdict"] != "PASS" and not c["reason"]:
            fail(f"{c['id']}: {c['verdict']} without a reason")
        if not isinstance(c["ltp"], list) or not all("/" in x for x in c["ltp"]):
            fail(f"{c['id']}: ltp ids malformed: {c['ltp']}")
    counts = j["counts"]
    for v in VERDICTS:
        if counts[v.lower()] != sum(1 for c in checks if c["verdict"] == v):
            fail(f"counts.{v.lower()} disagrees with the rows")
    if sum(s["counts"]["total"] for s in j["sections"]) != len(checks):
        fail("section counts do not add up to the rows")

    root = ET.parse(xm).getroot()
    if root.tag != "testsuites":
        fail("JUnit root is not <testsuites>")
    cases = root.findall("./testsuite/testcase")
    if [c.get("name") for c in cases] != ids:
        fail("JUnit test cases are not the JSON rows in order")
    if int(root.get("tests")) != len(cases) or int(root.get("failures")) != counts["fail"]:
        fail("JUnit totals disagree")
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    if skipped != counts["unsupported"] + counts["untested"] or int(root.get("skipped")) != skipped:
        fail("JUnit skipped count disagrees")
    for suite in root.findall("testsuite"):
        if int(suite.get("tests")) != len(suite.findall("testcase")):
            fail(f"testsuite {suite.get('name')}: tests attribute wrong")
    print(f"validate_report: {len(checks)} rows, JSON schema 2 and JUnit agree")


main()
