#!/usr/bin/env python3
"""The data audit measured (issue 30): typical slips of office data put into generated data by this script, at
random schools and years, then `countyedu ingest` and `countyedu audit` run on it; prints the share caught
(refused at ingest or flagged by the audit) per kind of slip, and the share of school-years flagged on the same
data without slips.

    python3 bench/audit_slips.py [--counties 40] [--years 2016-2023] [--per-kind 60] [--seed 30]
                                 [--bin target/debug/countyedu] [--rules DIR]

A slip counts as caught when ingest refuses its row (file and line), or when the audit flags its school-year
(any 提示 or 强制 flag of that school and year). The clean flag share counts school-years with a flag other than
the class-size findings (大班额, which are facts about real classes, not suspicions); it is given again without the
empty key values (the generator leaves a few cells empty on purpose: those flags are true).
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

KINDS = [
    ("wan_for_yuan", "equipment_value_yuan typed in 万元 (value ÷ 10,000)"),
    ("decimal_shift", "teaching_area_m2 with a shifted decimal point (× or ÷ 10, 100)"),
    ("part_above_whole", "more backbone teachers than teachers"),
    ("pupils_no_classes", "pupils but 0 classes"),
    ("largest_below_average", "a largest class smaller than the average class"),
    ("empty_school", "a school with nothing in it (pupils, teachers, resources 0)"),
    ("books_trebled", "books trebled while nothing else moved"),
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def number(x):
    try:
        return float(x)
    except ValueError:
        return None


def inject(rows, header, kind, rng):
    """Changes one row in place for `kind`; returns False when the row cannot carry that slip."""
    r = rows
    p = number(r["primary_students"]) or 0
    j = number(r["junior_students"]) or 0
    level = "primary" if p > 0 else "junior"
    if kind == "wan_for_yuan":
        v = number(r["equipment_value_yuan"])
        if not v:
            return False
        r["equipment_value_yuan"] = f"{v / 10000:.4f}"
    elif kind == "decimal_shift":
        v = number(r["teaching_area_m2"])
        if not v:
            return False
        r["teaching_area_m2"] = f"{v * rng.choice([10, 100, 0.1, 0.01]):.2f}"
    elif kind == "part_above_whole":
        t = number(r[f"{level}_teachers"])
        if t is None or t == 0:
            return False
        r[f"{level}_backbone_teachers"] = str(int(t) + rng.randint(1, 5))
    elif kind == "pupils_no_classes":
        if (number(r[f"{level}_students"]) or 0) == 0:
            return False
        r[f"{level}_classes"] = "0"
    elif kind == "largest_below_average":
        s, c = number(r[f"{level}_students"]) or 0, number(r[f"{level}_classes"]) or 0
        if s == 0 or c == 0 or s / c < 10:
            return False
        r["max_class_size"] = str(int(s / c) - 5)
        for col in ("primary_max_class_size", "junior_max_class_size"):
            if col in r and r[col] != "":
                r[col] = str(int(s / c) - 5)
    elif kind == "empty_school":
        for col in header:
            if col in ("year", "county_code", "school_id", "school_name", "school_type", "urban_rural_code"):
                continue
            if r[col] != "":
                r[col] = "0"
    elif kind == "books_trebled":
        v = number(r["books"])
        if not v:
            return False
        r["books"] = str(int(v * 3))
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=40)
    ap.add_argument("--years", default="2016-2023")
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--seed", type=int, default=30)
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "debug", "countyedu"))
    ap.add_argument("--rules")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="countyedu-slips-")
    try:
        clean = os.path.join(work, "clean")
        out = run([a.bin, "generate", clean, "--counties", str(a.counties), "--years", a.years, "--seed", str(a.seed)])
        if out.returncode != 0:
            sys.exit(out.stderr)
        rules = ["--rules", a.rules] if a.rules else []

        # The clean data: every flag is a false one.
        db = os.path.join(work, "clean.duckdb")
        out = run([a.bin, "ingest", "--db", db, "-q", clean])
        if out.returncode != 0:
            sys.exit("the clean data does not load:\n" + out.stderr[-3000:])
        flags = audit(a.bin, db, rules, work)
        school_years = count_school_years(clean)
        flagged = {(f["year"], f["school_id"]) for f in flags if f["school_id"] and f["rule"] not in ("large_class", "very_large_class")}
        suspected = {(f["year"], f["school_id"]) for f in flags if f["school_id"] and f["rule"] not in ("large_class", "very_large_class", "missing_key_value")}
        by_rule = Counter(f["rule"] for f in flags)

        # The same data with slips, a kind at a time at random school-years (not the first year, which has no
        # year before it, for half of them), each slip in a school-year of its own.
        slipped = os.path.join(work, "slipped")
        shutil.copytree(clean, slipped)
        files = sorted(f for f in os.listdir(slipped) if f.startswith("schools"))
        tables = {}
        for f in files:
            with open(os.path.join(slipped, f), encoding="utf-8") as h:
                rd = csv.DictReader(h)
                tables[f] = (rd.fieldnames, list(rd))
        used = set()
        slips = []
        candidates = [(f, i) for f in files for i in range(len(tables[f][1]))]
        for kind, _ in KINDS:
            placed = 0
            while placed < a.per_kind:
                f, i = rng.choice(candidates)
                row = tables[f][1][i]
                key = (row["year"], row["school_id"])
                if key in used:
                    continue
                if inject(row, tables[f][0], kind, rng):
                    used.add(key)
                    slips.append((kind, key, f, i))
                    placed += 1
        for f, (header, rows) in tables.items():
            with open(os.path.join(slipped, f), "w", encoding="utf-8", newline="") as h:
                w = csv.DictWriter(h, fieldnames=header)
                w.writeheader()
                w.writerows(rows)
        # Ingest refuses the impossible rows: those slips are caught there, with their line.
        db2 = os.path.join(work, "slipped.duckdb")
        out = run([a.bin, "ingest", "--db", db2, "-q", "--max-errors", "100000", slipped])
        refused = set()
        for line in out.stderr.splitlines():
            for kind, key, f, i in slips:
                # A problem names the file and the line (header = line 1, rows from line 2).
                if f"{f}:{i + 2}:" in line:
                    refused.add(key)
        out = run([a.bin, "ingest", "--db", db2, "-q", "--allow-out-of-bounds", slipped])
        if out.returncode != 0:
            sys.exit("the slipped data does not load with --allow-out-of-bounds:\n" + out.stderr[-3000:])
        flags2 = audit(a.bin, db2, rules, work)
        flagged2 = {(f["year"], f["school_id"]) for f in flags2 if f["school_id"]}
        caught = defaultdict(lambda: [0, 0, 0])
        for kind, key, f, i in slips:
            c = caught[kind]
            c[0] += 1
            c[1] += key in refused
            c[2] += key in refused or key in flagged2
        print(f"{a.counties} counties, {a.years}: {school_years:,} school-years, seed {a.seed}")
        print(f"clean data: {len(flagged):,} school-years flagged ({100 * len(flagged) / school_years:.2f} %), "
              f"{len(suspected):,} with a suspected value, empty key values aside ({100 * len(suspected) / school_years:.2f} %); "
              f"flags by rule: {dict(by_rule.most_common())}")
        print("kind | slips | refused at ingest | caught (refused or flagged) | share caught")
        total = [0, 0]
        for kind, what in KINDS:
            n, r, c = caught[kind]
            total[0] += n
            total[1] += c
            print(f"{kind} ({what}) | {n} | {r} | {c} | {100 * c / n:.1f} %")
        print(f"all | {total[0]} | | {total[1]} | {100 * total[1] / total[0]:.1f} %")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def audit(binary, db, rules, work):
    path = os.path.join(work, "audit.csv")
    out = run([binary, "audit", "--db", db, "--no-store", "-o", path] + rules)
    if out.returncode != 0:
        sys.exit(out.stderr[-3000:])
    with open(path, encoding="utf-8") as h:
        return list(csv.DictReader(h))


def count_school_years(folder):
    n = 0
    for f in os.listdir(folder):
        if f.startswith("schools"):
            with open(os.path.join(folder, f), encoding="utf-8") as h:
                n += sum(1 for _ in h) - 1
    return n


if __name__ == "__main__":
    main()
