#!/usr/bin/env python3
"""Prints the LTP parity table of docs/conformance.md from a report's JSON.

usage: shmconform report --json r.json; suite/conformance/ltp_parity.py r.json
The LTP assertions listed are those the open_posix_testsuite has a real test
for (not a PTS_UNTESTED stub) for the 13 interfaces; each row of the report
names the assertions it covers ("ltp" field, from SHMC_CHECK's fourth argument).
"""
import json
import sys

LTP_TESTED = {
    "shm_open": "1 5 8 11 13 14 15 16 17 18 20 21 22 23 25 26 28 32 34 37 38 39 41",
    "shm_unlink": "1 2 3 5 6 8 9 10 11",
    "sem_open": "1 2 3 4 5 6 10 15",
    "sem_unlink": "1 2 3 4 5 6 7 9",
    "sem_init": "1 2 3 5 6 7",
    "sem_close": "1 2 3",
    "sem_post": "1 2 4 5 6 8",
    "sem_wait": "1 3 5 7 11 12 13",
    "sem_destroy": "3 4",
    "sem_getvalue": "1 2 4 5",
    "sem_timedwait": "1 2 3 4 6 7 9 10 11",
    "mmap": "1 3 5 6 7 9 10 11 12 13 14 18 19 21 23 24 27 31 32",
    "munmap": "1 2 3 4 8 9",
}


def main():
    report = json.load(open(sys.argv[1]))
    rows = {}
    for c in report["checks"]:
        for a in c["ltp"]:
            rows.setdefault(a, []).append(c)
    total = covered = 0
    print("| LTP assertion | rows (verdict on " + report["platform"]["built_for"] + ") |")
    print("| --- | --- |")
    for iface, ids in LTP_TESTED.items():
        for i in ids.split():
            total += 1
            key = f"{iface}/{i}"
            cs = rows.get(key, [])
            if cs and any(c["verdict"] in ("PASS", "FINDING", "FAIL") for c in cs):
                covered += 1
            text = ", ".join(f"`{c['id']}` {c['verdict']}" for c in cs) or "**none**"
            print(f"| {key} | {text} |")
    print(f"\n{covered} of {total} LTP-tested assertions have a row that ran here; the rest have a row that says why not.")


main()
