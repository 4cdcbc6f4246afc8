#!/usr/bin/env bash
# Output benchmark at national scale: every school-year of the warehouse written by `countyedu sql` as CSV, JSON,
# Parquet and the terminal table, beside Python duckdb's COPY of the same query to CSV and Parquet (the expert's
# way), alternating, 3 runs each, medians of time and peak memory.
#
#   bench/output.sh                 # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
source "$(dirname "$0")/common.sh"

"$BIN" ingest --quiet --db "$WORK/w.duckdb" "$DATA"
Q="SELECT * FROM schools"
rows=$("$BIN" sql --db "$WORK/w.duckdb" --format csv "SELECT count(*) FROM schools" | tail -1)
COPY="import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(\"COPY ($Q) TO '\" + sys.argv[2] + \"' (FORMAT \" + sys.argv[3] + \")\")"

declare -A secs mib
for run in 1 2 3; do
    for step in csv json parquet table py_csv py_parquet; do
        case $step in
            csv) read -r s m < <(measure "$BIN" sql --db "$WORK/w.duckdb" --format csv "$Q") ;;
            json) read -r s m < <(measure "$BIN" sql --db "$WORK/w.duckdb" --format json "$Q") ;;
            parquet) read -r s m < <(measure "$BIN" sql --db "$WORK/w.duckdb" -o "$WORK/out.parquet" "$Q") ;;
            table) read -r s m < <(measure "$BIN" sql --db "$WORK/w.duckdb" "$Q") ;;
            py_csv) read -r s m < <(measure python3 -c "$COPY" "$WORK/w.duckdb" "$WORK/py.csv" csv) ;;
            py_parquet) read -r s m < <(measure python3 -c "$COPY" "$WORK/w.duckdb" "$WORK/py.parquet" parquet) ;;
        esac
        secs[$step]+="$s "
        mib[$step]+="$m "
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | sed -n 2p; }
echo "warehouse: $rows school-years; 3 alternating runs, medians"
printf '%-46s %10s %12s\n' "step" "seconds" "peak MiB"
for step in csv py_csv json parquet py_parquet table; do
    case $step in
        csv) name="countyedu sql --format csv (to stdout)" ;;
        py_csv) name="Python duckdb COPY … (FORMAT csv)" ;;
        json) name="countyedu sql --format json (to stdout)" ;;
        parquet) name="countyedu sql -o out.parquet" ;;
        py_parquet) name="Python duckdb COPY … (FORMAT parquet)" ;;
        table) name="countyedu sql (table, first and last 20 rows)" ;;
    esac
    printf '%-46s %10s %12s\n' "$name" "$(echo "${secs[$step]}" | median)" "$(echo "${mib[$step]}" | median)"
done
