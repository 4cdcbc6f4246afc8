#!/usr/bin/env bash
# Planner benchmark at national scale: `countyedu plan --year LAST` plans every county-level of the last year that
# misses 优质均衡 and checks each plan with the engine's verdict; whole process, RUNS (3) runs, medians. Fails when
# a plan does not bring its county-level to 达到. The issue's bound is 30 s on this machine.
#
#   bench/plan.sh
#   COUNTIES=300 bench/plan.sh
source "$(dirname "$0")/common.sh"

W="$WORK/w.duckdb"
LAST="${YEARS##*-}"
"$BIN" ingest --quiet --db "$W" "$DATA"
step_plan() { measure "$BIN" plan --year "$LAST" --summary --no-store --db "$W" --format csv; }
alternate plan
"$BIN" plan --year "$LAST" --summary --no-store --db "$W" --format csv 2> "$WORK/check" > /dev/null
check=$(grep "county-levels missing" "$WORK/check")
echo "$check"
read -r reached _ missed _ <<< "$(echo "$check" | sed 's/^check: //')"
if [ "$reached" != "$missed" ]; then echo "PLANS THAT DO NOT REACH 达到: $reached of $missed" >&2; exit 1; fi
schools=$("$BIN" sql --db "$W" --format csv "SELECT count(*) FROM schools WHERE year = $LAST" | tail -1)
echo "year $LAST: $schools school-years; ${RUNS:-3} runs, medians"
printf '%-62s %10s %12s\n' "step (whole process)" "seconds" "peak MiB"
printf '%-62s %10s %12s\n' "countyedu plan --year $LAST (every county, checked)" "$(med plan secs)" "$(med plan mib)"
