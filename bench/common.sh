# Shared set-up of the benchmark scripts (sourced, not run): build, the generated national-scale data set
# (kept in $BENCH_DATA and reused), a scratch folder, and `measure`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/countyedu-target}"
COUNTIES="${COUNTIES:-2850}"
YEARS="${YEARS:-2015-2024}"
DATA="${BENCH_DATA:-$HOME/.cache/countyedu-bench}/national-$COUNTIES-$YEARS"

# COUNTYEDU_BIN: a countyedu binary to measure (the tests pass theirs); otherwise this checkout, built now.
if [ -n "${COUNTYEDU_BIN:-}" ]; then
    BIN="$COUNTYEDU_BIN"
else
    cargo build --quiet --locked
    BIN="$CARGO_TARGET_DIR/debug/countyedu"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Runs a command under /usr/bin/time, output discarded; prints "seconds peak_MiB".
measure() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
    read -r secs kib < "$WORK/time"
    echo "$secs $((kib / 1024))"
}

if [ ! -f "$DATA/.complete" ]; then
    echo "generating $COUNTIES counties, $YEARS into $DATA" >&2
    read -r gsecs gmib < <(measure "$BIN" generate "$DATA" --counties "$COUNTIES" --years "$YEARS")
    echo "generate: ${gsecs} s, peak ${gmib} MiB" >&2
    touch "$DATA/.complete"
fi

# Alternating runs: `alternate NAME…` calls the shell function step_NAME (which prints "seconds peak_MiB", usually
# through `measure`) for each name in turn, RUNS times (default 3), and keeps every figure; `med NAME secs|mib`
# prints the median of a step's runs.
declare -A SECS MIB
alternate() {
    for _ in $(seq "${RUNS:-3}"); do
        for name in "$@"; do
            read -r s m < <("step_$name")
            SECS[$name]+="$s "
            MIB[$name]+="$m "
        done
    done
}
med() {
    local values
    if [ "$2" = secs ]; then values=${SECS[$1]}; else values=${MIB[$1]}; fi
    echo "$values" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
