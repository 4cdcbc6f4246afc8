#!/usr/bin/env bash
# Balance benchmark at national scale, against what an expert writes: bench/expert_cv.sql (a units view with the
# combined-school split, one grouped pass per standard of Σw, Σw·x, Σw·x²) run by Python duckdb 2.0 (the same
# engine) with COPY … TO stdout as CSV, beside `countyedu balance --no-store --format csv` (every CV to stdout) and
# `countyedu balance` (CVs, verdicts, school table and school checks, stored). First checks that the engine's CVs
# equal the expert SQL's to 1e-9 on every row (exit 1 otherwise); then RUNS (3) alternating runs, medians.
#
#   bench/balance.sh                # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
#   COUNTIES=300 bench/balance.sh
source "$(dirname "$0")/common.sh"

"$BIN" ingest --quiet --db "$WORK/w.duckdb" "$DATA"
units=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)
EXPERT="import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute('COPY (' + open('bench/expert_cv.sql').read() + ') TO \'/dev/stdout\' (FORMAT csv)')"

# The check: every CV of the engine equals the expert's (both empty, or within 1e-9), on the same keys.
"$BIN" balance --no-store --db "$WORK/w.duckdb" --format csv > "$WORK/engine.csv"
python3 -c "$EXPERT" "$WORK/w.duckdb" > "$WORK/expert.csv"
python3 - "$WORK/engine.csv" "$WORK/expert.csv" <<'PY'
import sys, duckdb
keys = "year, county_code, level, standard, indicator"
con = duckdb.connect()
con.execute(f"CREATE VIEW e AS SELECT * FROM read_csv('{sys.argv[1]}')")
con.execute(f"CREATE VIEW x AS SELECT * FROM read_csv('{sys.argv[2]}')")
n_e, n_x = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("e", "x"))
rows, bad, worst = con.execute(f"""
    SELECT count(*),
           count(*) FILTER (WHERE (e.cv IS NULL) <> (x.cv IS NULL) OR abs(e.cv - x.cv) > 1e-9 OR e.n_schools <> x.n_schools),
           max(abs(e.cv - x.cv))
    FROM e JOIN x USING ({keys})""").fetchone()
print(f"check: {rows:,} CVs of the engine against the expert SQL: {bad} differ by more than 1e-9 (largest difference {worst or 0:.1e})")
if bad or rows != n_e or rows != n_x:
    sys.exit(f"MISMATCH: engine {n_e:,} rows, expert {n_x:,} rows, {rows:,} matched, {bad} differ")
PY

step_cvs() { measure "$BIN" balance --no-store --db "$WORK/w.duckdb" --format csv; }
step_expert() { measure python3 -c "$EXPERT" "$WORK/w.duckdb"; }
step_store() { measure "$BIN" balance --db "$WORK/w.duckdb" --format csv; }
alternate cvs expert store

# What storing alone costs DuckDB itself: the rows `balance` stored, inserted from Arrow into a new file by Python
# duckdb under countyedu's storing memory limit (bench/storing_floor.py; the INSERTs and COMMIT, median of RUNS).
read -r floor stored_rows < <(python3 bench/storing_floor.py "$WORK/w.duckdb" "$WORK" "${RUNS:-3}")

echo "warehouse: $units school-years; ${RUNS:-3} alternating runs, medians"
printf '%-58s %10s %12s\n' "step (whole process)" "seconds" "peak MiB"
printf '%-58s %10s %12s\n' "expert SQL (bench/expert_cv.sql, Python duckdb, CSV)" "$(med expert secs)" "$(med expert mib)"
printf '%-58s %10s %12s\n' "countyedu balance --no-store (every CV, CSV)" "$(med cvs secs)" "$(med cvs mib)"
printf '%-58s %10s %12s\n' "countyedu balance (CVs, verdicts, schools, checks; stored)" "$(med store secs)" "$(med store mib)"
printf '%-58s %10s\n' "DuckDB's own INSERT of the $stored_rows rows stored (from Arrow)" "$floor"
echo "balance --no-store / expert SQL: $(ratio "$(med cvs secs)" "$(med expert secs)")×; balance (stored) / expert SQL: $(ratio "$(med store secs)" "$(med expert secs)")×; storing alone in DuckDB / expert SQL: $(ratio "$floor" "$(med expert secs)")×"
