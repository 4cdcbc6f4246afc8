#!/usr/bin/env bash
# Every metric in one run at national scale: `countyedu compute` (balance, equity, equity across counties,
# urban–rural, growth and its checks; computed and stored) on an ingested warehouse, beside the single commands
# that store the same tables run one after another. RUNS (3) alternating runs, medians. Goal of issue 12: compute
# under 20 s with a peak under 1.5 GB.
#
#   bench/compute.sh                # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
source "$(dirname "$0")/common.sh"

"$BIN" ingest --quiet --db "$WORK/w.duckdb" "$DATA"
step_compute() { measure "$BIN" compute --db "$WORK/w.duckdb" --format csv; }
step_each() {
    local total=0 peak=0 s m
    for cmd in "balance" "equity" "equity --across prefecture" "equity --across province" "urban-rural" "growth"; do
        read -r s m < <(measure "$BIN" $cmd --db "$WORK/w.duckdb" --format csv)
        total=$(python3 -c "print(round($total + $s, 2))")
        peak=$((m > peak ? m : peak))
    done
    echo "$total $peak"
}
alternate compute each
printf '%-62s %10s %12s\n' "step (whole processes)" "seconds" "peak MiB"
printf '%-62s %10s %12s\n' "countyedu compute (every metric table, stored)" "$(med compute secs)" "$(med compute mib)"
printf '%-62s %10s %12s\n' "the six single commands one after another (sum, largest peak)" "$(med each secs)" "$(med each mib)"
