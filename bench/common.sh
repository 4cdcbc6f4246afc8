# Shared set-up of the benchmark scripts (sourced, not run): build, the generated national-scale data set
# (kept in $BENCH_DATA and reused), a scratch folder, and `measure`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/countyedu-target}"
COUNTIES="${COUNTIES:-2850}"
YEARS="${YEARS:-2015-2024}"
DATA="${BENCH_DATA:-$HOME/.cache/countyedu-bench}/national-$COUNTIES-$YEARS"

cargo build --quiet --locked
BIN="$CARGO_TARGET_DIR/debug/countyedu"
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
