#!/usr/bin/env bash
# Every speed benchmark at national scale, one after another, with the date and the machine first: what README's
# Benchmarks section shows. (bench/crash.sh, a robustness harness, runs separately.)
#
#   bench/all.sh | tee bench/last-run.txt
set -euo pipefail
cd "$(dirname "$0")/.."
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(python3 -c 'import duckdb; print("Python duckdb", duckdb.__version__)')"
for b in ingest balance compute equity output commands report plan; do
    echo
    echo "## bench/$b.sh"
    "bench/$b.sh"
done
