#!/usr/bin/env python3
"""Compares `shmconform report --json` files of several targets row by row.

usage: ci/cross/compare_reports.py x86_64.json i386.json aarch64.json armhf.json
Prints the summary of each, then every row whose verdict is not the same on all
targets (docs/ports.md explains each). Exits 1 if a row FAILs anywhere.
"""
import json
import sys
from pathlib import Path


def main():
    reports = {Path(p).stem: json.load(open(p)) for p in sys.argv[1:]}
    for name, r in reports.items():
        print(f"{name:8} {r['summary']}  [{r['platform_summary']}]")
    verdicts = {}
    for name, r in reports.items():
        for c in r["checks"]:
            verdicts.setdefault(c["id"], {})[name] = (c["verdict"], c["reason"])
    failed = False
    print("\nrows whose verdict differs between targets:")
    for cid, per in verdicts.items():
        seen = {v for v, _ in per.values()}
        failed |= "FAIL" in seen
        if len(seen) > 1 or len(per) != len(reports):
            cells = ", ".join(f"{t}: {per[t][0] if t in per else 'absent'}" for t in reports)
            print(f"  {cid}: {cells}")
    sys.exit(1 if failed else 0)


main()
