#!/usr/bin/env bash
# Report benchmark at national scale: after `compute` and both evaluations of the last year are stored, the time
# and peak memory of one county's report (countyedu report --county) and of one province's league (--province),
# whole processes, RUNS (3) alternating runs, medians. The issue's bound for a county's report is 2 s.
#
#   bench/report.sh
#   COUNTIES=300 bench/report.sh
source "$(dirname "$0")/common.sh"

W="$WORK/w.duckdb"
LAST="${YEARS##*-}"
"$BIN" ingest --quiet --db "$W" "$DATA"
"$BIN" compute --db "$W" --format csv > /dev/null 2>&1
"$BIN" evaluate --scheme criteria/national.toml --year "$LAST" --db "$W" --format csv > /dev/null 2>&1
"$BIN" evaluate --scheme criteria/quality_balance_2017.toml --year "$LAST" --db "$W" --format csv > /dev/null 2>&1
COUNTY=$("$BIN" sql --db "$W" --format csv "SELECT county_code FROM counties ORDER BY county_code LIMIT 1" | tail -1)
PROVINCE=$("$BIN" sql --db "$W" --format csv "SELECT province_code FROM counties WHERE county_code = '$COUNTY'" | tail -1)

step_county() { measure "$BIN" report --county "$COUNTY" --year "$LAST" --db "$W" -o "$WORK/county.html"; }
step_league() { measure "$BIN" report --province "$PROVINCE" --year "$LAST" --db "$W" -o "$WORK/league.html"; }
alternate county league
# A report whose figures were all read from the stored tables says nothing was computed now.
if grep -q "本次计算" "$WORK/county.html"; then echo "the county report computed figures instead of reading them" >&2; exit 1; fi

schools=$("$BIN" sql --db "$W" --format csv "SELECT count(*) FROM schools" | tail -1)
echo "warehouse: $schools school-years, every metric stored; ${RUNS:-3} alternating runs, medians"
printf '%-62s %10s %12s\n' "step (whole process)" "seconds" "peak MiB"
printf '%-62s %10s %12s\n' "countyedu report --county $COUNTY --year $LAST" "$(med county secs)" "$(med county mib)"
printf '%-62s %10s %12s\n' "countyedu report --province $PROVINCE --year $LAST" "$(med league secs)" "$(med league mib)"
