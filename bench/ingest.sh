#!/usr/bin/env bash
# Ingest benchmark at national scale: `countyedu ingest` (decode, validate, stage, check, replace, commit) into a
# new warehouse, beside Python duckdb's read_csv of the same files into tables of a new file (the expert's way,
# the same engine version), RUNS (3) alternating runs, medians of time and peak memory.
#
#   bench/ingest.sh                 # 2,850 counties, 2015–2024 (about two million school-years)
#   COUNTIES=300 bench/ingest.sh    # a smaller run
#
# The generated files are kept in $BENCH_DATA (default ~/.cache/countyedu-bench) and reused.
source "$(dirname "$0")/common.sh"

bytes=$(du -cb "$DATA"/*.csv | tail -1 | cut -f1)
RAW="import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute(\"CREATE TABLE raw_counties AS SELECT * FROM read_csv('$DATA/counties.csv')\")
con.execute(\"CREATE TABLE raw_schools AS SELECT * FROM read_csv('$DATA/schools_*.csv')\")
con.execute(\"CREATE TABLE raw_indicators AS SELECT * FROM read_csv('$DATA/county_indicators.csv')\")"

step_ingest() { rm -f "$WORK/ingest.duckdb"; measure "$BIN" ingest --db "$WORK/ingest.duckdb" "$DATA"; }
step_read_csv() { rm -f "$WORK/raw.duckdb"; measure python3 -c "$RAW" "$WORK/raw.duckdb"; }
step_again() { measure "$BIN" ingest --db "$WORK/ingest.duckdb" "$DATA"; }
alternate ingest read_csv again
rows=$("$BIN" sql --db "$WORK/ingest.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)

echo "files: $(ls "$DATA"/*.csv | wc -l) CSV files, $((bytes / 1048576)) MiB, $rows school-years; ${RUNS:-3} alternating runs, medians"
printf '%-46s %10s %12s\n' "step (whole process)" "seconds" "peak MiB"
printf '%-46s %10s %12s\n' "Python duckdb read_csv into tables" "$(med read_csv secs)" "$(med read_csv mib)"
printf '%-46s %10s %12s\n' "countyedu ingest (validated, new warehouse)" "$(med ingest secs)" "$(med ingest mib)"
printf '%-46s %10s %12s\n' "countyedu ingest again (replacing the same)" "$(med again secs)" "$(med again mib)"
echo "ingest / read_csv: $(ratio "$(med ingest secs)" "$(med read_csv secs)")× time, $(ratio "$(med ingest mib)" "$(med read_csv mib)")× memory"
