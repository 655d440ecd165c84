#!/bin/sh
# bench-batch.sh BUILD -- the throughput of `linreg batch` (issue 12), part
# of `make bench` (scripts/bench.sh), written to results/bench/batch.md:
# 64 jobs of 20190 x 9 (a CSV file) x 2000 iterations, each with its own
# --init-seed and model file, run three ways over the same option lines:
#   sequential  `linreg train LINE` one after another, default threads
#               (one per 24576 elements of X, up to the cores)
#   xargs       `xargs -P C linreg train --threads 1` (C the cores)
#   batch       `linreg batch JOBS` with its default J x T
# Each is timed once, wall clock; the targets: batch at least 1.6x the
# sequential throughput and no slower than xargs. Timings are reported,
# never asserted; run on a quiet machine.
set -e
build=${1:-build}
linreg=$(cd "$build" && pwd)/linreg
out=results/bench/batch.md
mkdir -p results/bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/linreg-bench-batch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)
njobs=64

"$linreg" generate --samples 20190 --features 9 --noise 10 --seed 12 \
    --out "$tmp/d.csv" >/dev/null 2>&1
: >"$tmp/jobs"
i=1
while [ "$i" -le "$njobs" ]; do
    echo "--data $tmp/d.csv --iters 2000 --init-seed $i --quiet --model-out $tmp/m$i.json" >>"$tmp/jobs"
    i=$((i + 1))
done

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

load0=$(load)
t0=$(now)
while IFS= read -r line; do
    # shellcheck disable=SC2086 # the line's words, as batch splits them
    "$linreg" train $line >/dev/null 2>&1
done <"$tmp/jobs"
t1=$(now)
xargs -P "$cores" -L 1 "$linreg" train --threads 1 <"$tmp/jobs" >/dev/null 2>&1
t2=$(now)
"$linreg" batch "$tmp/jobs" --out "$tmp/results.csv" >"$tmp/batch.out" 2>/dev/null
t3=$(now)
load1=$(load)
ok=$(grep -c ',ok,' "$tmp/results.csv" || true)
jt=$(sed -n 's/^linreg batch: \(.*\) at once x \(.*\) each.*/\1 x \2/p' "$tmp/batch.out")

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
awk -v s="$t0" -v a="$t1" -v x="$t2" -v b="$t3" -v n="$njobs" -v c="$cores" \
    -v cpu="$cpu" -v l0="$load0" -v l1="$load1" -v ok="$ok" -v jt="$jt" \
    -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" 'BEGIN {
    seq = a - s; xa = x - a; ba = b - x
    print "# linreg batch: throughput of many small fits"
    print ""
    printf "%d jobs of 20190 x 9 (one CSV file) x 2000 iterations, each its own\n", n
    print "`--init-seed` and `--model-out`; the same option lines run three ways,"
    print "each timed once (wall clock). Produced by `scripts/bench-batch.sh`"
    print "(`make bench`)."
    print ""
    printf "Machine: %s, %d cores; %s; load average %s at the start,\n", cpu, c, date, l0
    printf "%s at the end.\n", l1
    print ""
    print "| run | command | seconds | jobs/s | batch speedup |"
    print "|---|---|---|---|---|"
    printf "| sequential | `linreg train LINE`, one after another, default threads | %.2f | %.2f | %.2fx |\n", seq, n / seq, seq / ba
    printf "| xargs | `xargs -P %d -L 1 linreg train --threads 1` | %.2f | %.2f | %.2fx |\n", c, xa, n / xa, xa / ba
    printf "| batch | `linreg batch JOBS` (%s; %d of %d ok) | %.2f | %.2f | 1 |\n", jt, ok, n, ba, n / ba
    print ""
    printf "Targets (issue 12): batch >= 1.6x the sequential throughput (here %.2fx),\n", seq / ba
    printf "and no slower than xargs (here %.2fx). Batch reads the CSV file once\n", xa / ba
    print "and forks a job per line; the other two start a process and parse the"
    print "file per job."
    split(l0, la, " ")
    if (la[1] + 0 > c / 2) {
        print ""
        printf "The machine was busy (load average %s at the start, on %d cores): these\n", la[1], c
        print "timings are not those of a quiet machine; rerun `make bench` on one."
    }
}' >"$out"
cat "$out"
