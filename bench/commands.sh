#!/usr/bin/env bash
# Time and peak memory of every command at national scale, one run each, in pipeline order, on one warehouse
# (goal of issue 12: every peak under 1.5 GB).
#
#   bench/commands.sh               # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
source "$(dirname "$0")/common.sh"

W="$WORK/w.duckdb"
LAST="${YEARS##*-}"
printf '%-62s %10s %12s\n' "command (each with --db w.duckdb, output as CSV)" "seconds" "peak MiB"
row() {
    read -r s m < <(measure "$BIN" "$@")
    printf '%-62s %10s %12s\n' "$(echo "countyedu $*" | sed "s| --db $W||; s| --format csv||; s|$WORK/||g; s|$DATA|DATA|")" "$s" "$m"
}
row ingest --db "$W" "$DATA"
row sql --db "$W" --format csv "SELECT * FROM schools"
row balance --no-store --db "$W" --format csv
row balance --db "$W" --format csv
row balance --checks --no-store --db "$W" --format csv
row equity --no-store --db "$W" --format csv
row equity --db "$W" --format csv
row equity --across province --db "$W" --format csv
row urban-rural --no-store --db "$W" --format csv
row urban-rural --db "$W" --format csv
row growth --db "$W" --format csv
row compute --db "$W" --format csv
row evaluate --scheme criteria/national.toml --year "$LAST" --db "$W" --format csv
row rank --scheme criteria/national.toml --year "$LAST" --db "$W" --format csv
row query balance_cv --db "$W" --format csv
row export --db "$W" --to "$WORK/export"
