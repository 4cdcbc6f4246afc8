#!/usr/bin/env bash
# Equity and urban–rural benchmark at national scale, beside the CVs alone (`balance --no-store`) on the same
# warehouse in the same run. Goal of issue 4: all the extra measures cost less than 2× the CVs alone.
#
#   bench/equity.sh                 # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
#   COUNTIES=300 bench/equity.sh
source "$(dirname "$0")/common.sh"

"$BIN" ingest --quiet --db "$WORK/w.duckdb" "$DATA"
units=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)

printf '%-44s %10s %12s\n' "step (CSV to stdout)" "seconds" "peak MiB"
for cmd in "balance --no-store" "equity --no-store" "urban-rural --no-store" "equity --no-store --across province" \
           "equity" "urban-rural"; do
    read -r secs mib < <(measure "$BIN" $cmd --db "$WORK/w.duckdb" --format csv)
    printf '%-44s %10s %12s\n' "countyedu $cmd" "$secs" "$mib"
    case "$cmd" in
        "balance --no-store") base=$secs ;;
        "equity --no-store") echo "equity / CVs alone: $(python3 -c "print(f'{$secs / $base:.2f}')")" ;;
    esac
done
echo "warehouse: $units school-years"
