#!/bin/sh
# bench-read.sh BUILD -- issue 10, target 5, end to end: the file that
# `linreg generate` writes for 1e6 x 16 (shortest round-trip digits, about
# 333 MB), read by `linreg train --iters 1 --no-exact` at 1 and 2 threads:
# the whole run's wall time (best of 5: reading, plus one iteration and the
# checks around it), the file's MB over that time, and the peak RSS against
# X and y (the issue's bound: X and y plus 10% plus one 8 MB chunk). Writes
# results/bench/bench-read.txt. Timings are reported, never asserted.
set -e
. "$(dirname "$0")/run-stamp.sh"
build=${1:-build}
out=results/bench/bench-read.txt
if [ ! -x /usr/bin/time ]; then
    echo "bench-read.sh: /usr/bin/time (GNU time) missing: skipped" >&2
    exit 0
fi
mkdir -p results/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=1000000
p=16
"$build/linreg" generate --samples $n --features $p --out "$tmp/big.csv" >/dev/null 2>&1
size=$(stat -c %s "$tmp/big.csv")
xy_kb=$((n * (p + 1) * 8 / 1024))
{
    echo "# linreg train --data FILE --iters 1 --no-exact --quiet --threads T"
    echo "# FILE: linreg generate --samples $n --features $p ($size bytes)"
    run_stamp
    echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for t in 1 2; do
        best=
        rss=0
        for _ in 1 2 3 4 5; do
            # shellcheck disable=SC2046 # the two numbers, split on purpose
            set -- $(/usr/bin/time -f '%e %M' "$build/linreg" train --data "$tmp/big.csv" \
                --iters 1 --no-exact --quiet --threads $t 2>&1 >/dev/null | tail -n 1)
            if [ -z "$best" ] || awk "BEGIN{exit !($1 < $best)}"; then best=$1; fi
            [ "$2" -gt "$rss" ] && rss=$2
        done
        awk -v t=$t -v s="$best" -v b="$size" -v m="$rss" -v xy=$xy_kb 'BEGIN{
            printf "threads %d: %.2f s, %.0f MB/s end to end; peak RSS %d KB = X and y (%d KB) x %.3f, bound %d KB\n",
                t, s, b / 1e6 / s, m, xy, m / xy, xy * 1.1 + 8192 }'
    done
    echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
