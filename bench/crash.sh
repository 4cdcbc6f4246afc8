#!/usr/bin/env bash
# Crash safety at national scale: an ingest of the national data set, and a `compute` store over it (every metric
# table in one transaction), each killed with
# SIGKILL at CRASH_TRIALS (default 20) seeded random moments; after each kill the warehouse must hold exactly the
# data of before or of after, and the next run must succeed (tests/crash.rs). Prints the counts per operation.
#
#   bench/crash.sh                         # 2,850 counties, 2015–2024 (the data of bench/ingest.sh)
#   CRASH_TRIALS=50 CRASH_SEED=7 bench/crash.sh
source "$(dirname "$0")/common.sh"

CRASH_DATA="$DATA" cargo test --quiet --locked --test crash -- --ignored --nocapture national_scale_kill_trials 2>&1 \
    | grep -E "^(ingest|compute)"
