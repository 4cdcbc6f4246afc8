#!/usr/bin/env bash
# Ingest benchmark at national scale: time and peak memory of `countyedu ingest` (decode, validate, stage,
# check, replace, commit) beside Python duckdb's read_csv of the same files into tables, in the same run.
#
#   bench/ingest.sh                 # 2,850 counties, 2015–2024 (about two million school-years)
#   COUNTIES=300 bench/ingest.sh    # a smaller run
#
# The generated files are kept in $BENCH_DATA (default ~/.cache/countyedu-bench) and reused.
source "$(dirname "$0")/common.sh"

bytes=$(du -cb "$DATA"/*.csv | tail -1 | cut -f1)

read -r isecs imib < <(measure "$BIN" ingest --db "$WORK/ingest.duckdb" "$DATA")
read -r rsecs rmib < <(measure "$BIN" ingest --db "$WORK/ingest.duckdb" "$DATA")
rows=$("$BIN" sql --db "$WORK/ingest.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)

# The expert's way: Python duckdb (the same engine version), read_csv straight into tables of a new file.
RAW="import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute(\"CREATE TABLE raw_counties AS SELECT * FROM read_csv('$DATA/counties.csv')\")
con.execute(\"CREATE TABLE raw_schools AS SELECT * FROM read_csv('$DATA/schools_*.csv')\")
con.execute(\"CREATE TABLE raw_indicators AS SELECT * FROM read_csv('$DATA/county_indicators.csv')\")
print(con.execute('SELECT count(*) FROM raw_schools').fetchone()[0])"
read -r dsecs dmib < <(measure python3 -c "$RAW" "$WORK/raw.duckdb")

ratio=$(python3 -c "print(f'{$isecs / $dsecs:.2f}')")
echo "files: $(ls "$DATA"/*.csv | wc -l) CSV files, $((bytes / 1048576)) MiB, $rows school-years"
printf '%-34s %10s %12s\n' "step" "seconds" "peak MiB"
printf '%-34s %10s %12s\n' "countyedu ingest (validated)" "$isecs" "$imib"
printf '%-34s %10s %12s\n' "countyedu ingest again (replace)" "$rsecs" "$rmib"
printf '%-34s %10s %12s\n' "Python duckdb read_csv into tables" "$dsecs" "$dmib"
echo "ingest / read_csv time ratio: $ratio"
