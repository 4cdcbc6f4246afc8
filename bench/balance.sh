#!/usr/bin/env bash
# Balance benchmark at national scale, in one run over one warehouse:
# - `countyedu balance --no-store`: read schools, level units, every CV of both standards, CSV to stdout;
# - the same CVs as one DuckDB SQL query (queries/balance_cv.sql), CSV to stdout through the same writer;
# - `countyedu balance`: also the school rule, verdicts, and storing the three result tables.
#
#   bench/balance.sh                # 2,850 counties, 2015–2024 (uses the data of bench/ingest.sh)
#   COUNTIES=300 bench/balance.sh
source "$(dirname "$0")/common.sh"

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
