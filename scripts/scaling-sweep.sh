#!/bin/sh
# scaling-sweep.sh [BUILD] [THREADS] -- every scaling result results/ shows,
# in one command: strong scaling at 1e6 x 16 and 1e5 x 256, weak scaling at
# 5e5 x 16 rows per thread (both reductions, both precisions), then the
# driver's table of `make run`, each with its plots:
#   results/scaling/<name>.txt, results/scaling/<name>/{scaling.csv,
#       summary.csv,env.json,loss.csv,time.png,speedup.png,loss.png}
#   results/driver/{scaling.csv,scaling_summary.csv,driver.json,
#       scaling.png,tutorial_*} (what `make run` writes)
# THREADS defaults to 1, 2, 4, ... up to the cores present. Builds BUILD
# first, and stops before running anything when gnuplot is missing (the
# committed plots would no longer match the tables). On a machine with
# neither a compiler nor gnuplot (the 16-core device machine), MAKE=0 runs
# the BUILD/linreg already there and PLOTS=0 leaves the plots to
# plot-scaling.sh and plot.sh afterwards, on the tables it wrote.
#
# Run it on a quiet machine: before each run it waits (at most
# SETTLE_MAX seconds, default 240) for the 1-minute load average to leave
# as many free cores as threads, as `linreg scale` checks; the previous
# run's own load takes about 80 s to decay. Rows the runs flag (speedup
# above 1.1 x threads, IQR above 10% of the median, oversubscription) and
# warnings (busy machine, oversubscription) end up in the .txt files,
# summary.csv and env.json. RESULTS (default results) is where it writes.
set -e
build=${1:-build}
threads=${2:-}
results=${RESULTS:-results}
settle_max=${SETTLE_MAX:-240}
here=$(dirname "$0")

plots=${PLOTS:-1}
if [ "${MAKE:-1}" != 0 ]; then
    make --no-print-directory BUILD="$build" all >/dev/null
    "$here/deps.sh" run || true
fi
[ -x "$build/linreg" ] || { echo "scaling-sweep.sh: no $build/linreg" >&2; exit 1; }
if [ "$plots" != 0 ] && ! command -v gnuplot >/dev/null 2>&1; then
    echo "scaling-sweep.sh: gnuplot is missing: apt-get install -y gnuplot-nox" >&2
    exit 1
fi

cores=$(getconf _NPROCESSORS_ONLN)
maxt=$cores
if [ -n "$threads" ]; then
    maxt=$(echo "$threads" | tr , '\n' | sort -n | tail -n 1)
fi
# the largest 1-minute load that leaves min(maxt, cores) cores free, with
# half a core of slack (as src/cli/sweep.c)
limit=$(awk -v c="$cores" -v t="$maxt" 'BEGIN { u = t < c ? t : c; print c - u + 0.5 }')

# settle: wait until the load average is below $limit, or settle_max s.
settle() {
    waited=0
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
        awk -v l="$load" -v m="$limit" 'BEGIN { exit !(l >= m) }' || return 0
        if [ "$waited" -ge "$settle_max" ]; then
            echo "scaling-sweep.sh: load average still $load (limit $limit) after" \
                 "${waited} s: running anyway (the run will say it was busy)" >&2
            return 0
        fi
        [ "$waited" -eq 0 ] && echo "scaling-sweep.sh: load average $load, waiting" \
            "for it to fall below $limit (at most $settle_max s)" >&2
        sleep 10
        waited=$((waited + 10))
    done
}

topt=""
[ -n "$threads" ] && topt="--threads $threads"
out=$results/scaling
mkdir -p "$out"
status=$(mktemp)
trap 'rm -f "$status"' EXIT

# run NAME ARGS...: one `linreg scale` sweep, its table (stdout and the
# warnings) in NAME.txt, its plots.
run() {
    name=$1; shift
    settle
    echo "== $name: linreg scale $* $topt"
    : >"$status"
    # shellcheck disable=SC2086 # $topt is empty or one option and its value
    { "$build/linreg" scale "$@" $topt --reduce clause,deterministic \
        --precision double,float --repeat 7 --warmup 2 --out "$out/$name" 2>&1
      echo $? >"$status"; } | tee "$out/$name.txt"
    [ "$(cat "$status")" = 0 ] || { echo "scaling-sweep.sh: $name failed" >&2; exit 1; }
    [ "$plots" = 0 ] || "$here/plot-scaling.sh" "$out/$name"
}
start=$(date +%s)
run strong-1e6x16 --samples 1000000 --features 16 --iters 50
run strong-1e5x256 --samples 100000 --features 256 --iters 30
run weak-5e5x16 --mode weak --samples 500000 --features 16 --iters 50

# the driver's table, as `make run` makes it
settle
mopt=""
[ -n "$threads" ] && mopt="--max-threads $maxt"
echo "== make run: linreg driver --out $results/driver $mopt"
# shellcheck disable=SC2086 # $mopt is empty or one option and its value
"$build/linreg" driver --out "$results/driver" $mopt
[ "$plots" = 0 ] || "$here/plot.sh" "$results/driver"
echo "scaling-sweep.sh: done in $(( $(date +%s) - start )) s; flagged rows (the last"
echo "three columns: flag_speedup, flag_iqr, flag_oversub):"
for f in "$out"/*/summary.csv "$results/driver/scaling_summary.csv"; do
    awk -F, -v f="$f" 'NR > 1 && $NF + $(NF - 1) + $(NF - 2) > 0 { n++ }
        END { printf "  %s: %d\n", f, n }' "$f"
done
