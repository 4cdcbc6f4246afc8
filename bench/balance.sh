#!/usr/bin/env bash
# Balance benchmark at national scale, in one run over one warehouse:
# - `countyedu balance --no-store`: read schools, level units, every CV of both standards, CSV to stdout;
# - the same CVs as one DuckDB SQL query (queries/balance_cv.sql), CSV to stdout through the same writer;
# - `countyedu balance`: also the school rule, verdicts, and storing the three result tables.
#
#   bench/balance.sh                # 2,850 counties, 2015–2024 (uses the data of bench/ingest.sh)
#   COUNTIES=300 bench/balance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/countyedu-target}"
COUNTIES="${COUNTIES:-2850}"
YEARS="${YEARS:-2015-2024}"
DATA="${BENCH_DATA:-$HOME/.cache/countyedu-bench}/national-$COUNTIES-$YEARS"

cargo build --quiet --locked
BIN="$CARGO_TARGET_DIR/debug/countyedu"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

measure() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
    read -r secs kib < "$WORK/time"
    echo "$secs $((kib / 1024))"
}

if [ ! -f "$DATA/.complete" ]; then
    "$BIN" generate "$DATA" --counties "$COUNTIES" --years "$YEARS"
    touch "$DATA/.complete"
fi
"$BIN" ingest --quiet --db "$WORK/w.duckdb" "$DATA"
units=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)

read -r nsecs nmib < <(measure "$BIN" balance --no-store --db "$WORK/w.duckdb" --format csv)
read -r bsecs bmib < <(measure "$BIN" balance --db "$WORK/w.duckdb" --format csv)
read -r ssecs smib < <(measure "$BIN" sql --db "$WORK/w.duckdb" --format csv --file queries/balance_cv.sql)
cvrows=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM balance_cv" | tail -1)
schoolrows=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM balance_schools" | tail -1)

echo "warehouse: $units school-years; balance_cv $cvrows rows, balance_schools $schoolrows rows"
printf '%-52s %10s %12s\n' "step" "seconds" "peak MiB"
printf '%-52s %10s %12s\n' "countyedu balance --no-store (CVs only, to stdout)" "$nsecs" "$nmib"
printf '%-52s %10s %12s\n' "countyedu balance (CVs, verdicts, schools, stored)" "$bsecs" "$bmib"
printf '%-52s %10s %12s\n' "queries/balance_cv.sql (CVs only, to stdout)" "$ssecs" "$smib"
