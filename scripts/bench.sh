#!/bin/sh
# shellcheck disable=SC2086 # $spec and $cmd below are word lists on purpose
# bench.sh BUILD -- `make bench`: every speed and memory measurement of the
# issue's eight targets, in one run, written under results/bench/ and summed up
# in results/bench/bench.md by scripts/bench-report.py. Timings are reported,
# never asserted. Takes several minutes; not part of CI.
#   1, 2, 4, 5, 6: linreg bench (read, clause, deterministic, float, generator)
#   7: peak RSS of linreg train on in-memory data (GNU time)
#   3: scripts/compare-numpy.py     8: scripts/compare-sklearn.py
# and the memory-speed issue's four (scripts/bench-speed.sh): every p,
# float, the instruction set, threads under load.
set -e
build=${1:-build}
mkdir -p results/bench
"$build/linreg" bench --threads 1,2 --out results/bench/bench.csv
scripts/bench-speed.sh "$build"
# the Gram pass against the FMA peak, and NumPy's X.T @ X (results/bench/gram.md)
scripts/bench-gram.sh "$build"

# CSV parsing speed: one core (the data issue's 100 MB/s) and 2 threads
# (issue 10's 1 GB/s)
"$build/linreg" bench --sizes a --threads 1 --repeat 3 --csv-mb 100 | grep '^csv:' | tee results/bench/bench-csv.txt
scripts/bench-read.sh "$build"  # end to end through train: results/bench/bench-read.txt
scripts/bench-passes.sh "$build"  # the checks and the score after it: results/bench/passes.csv
# CSV writing speed (issue 10's 500 MB/s at 2 threads)
scripts/bench-write.sh "$build"

# many small fits: linreg batch against sequential train and xargs (issue 12)
scripts/bench-batch.sh "$build"

# 7. peak resident memory against the size of X and y
echo "size,n,p,x_and_y_kb,peak_rss_kb,ratio,command" > results/bench/bench-rss.csv
for spec in "b 1000000 16" "c 100000 256" "d 4000000 8"; do
    set -- $spec
    cmd="$build/linreg train --samples $2 --features $3 --generator fast --no-exact --iters 20 --quiet"
    if [ -x /usr/bin/time ]; then
        rss=$(/usr/bin/time -f %M $cmd 2>&1 >/dev/null | tail -n 1)
    else
        rss=$(/usr/bin/python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' $cmd)
    fi
    xy=$(( $2 * ($3 + 1) * 8 / 1024 ))
    echo "$1,$2,$3,$xy,$rss,$(awk "BEGIN{printf \"%.4f\", $rss/$xy}"),$cmd" >> results/bench/bench-rss.csv
done
cat results/bench/bench-rss.csv

# Debian's OpenBLAS 0.3.21 gives a CPU it does not know its oldest
# x86-64 kernels (Prescott) where it cannot tell the family: so on the
# Intel Xeon VM (family 6 model 207), where scikit-learn's
# LinearRegression (LAPACK's gelsd) then returned coefficients 0.33 off
# Ridge's at d (4e6 x 8), and right ones with the Haswell or SkylakeX
# kernels. Unless the user chose, the peers run on the kernels of the
# CPU's vector unit, as an OpenBLAS that knew the CPU would pick; the
# tables name the kernels that ran.
ob=
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    core=$(/usr/bin/python3 -c '
import numpy
from threadpoolctl import threadpool_info
print(next((d.get("architecture") or "" for d in threadpool_info()
        if d.get("internal_api") == "openblas"), ""))' 2>/dev/null || true)
    if [ "$core" = Prescott ]; then
        if grep -qw avx512f /proc/cpuinfo; then ob=SkylakeX
        elif grep -qw avx2 /proc/cpuinfo; then ob=Haswell; fi
    fi
    [ -z "$ob" ] || echo "bench.sh: OpenBLAS picked its Prescott kernels on this CPU: the NumPy and scikit-learn comparisons run with OPENBLAS_CORETYPE=$ob"
fi
# 3 and 8: against NumPy and scikit-learn (Debian python3-numpy, -sklearn)
if /usr/bin/python3 -c 'import numpy, sklearn' 2>/dev/null; then
    env ${ob:+OPENBLAS_CORETYPE=$ob} /usr/bin/python3 scripts/compare-numpy.py --build "$build" --out results/bench/compare-numpy.csv
    env ${ob:+OPENBLAS_CORETYPE=$ob} /usr/bin/python3 scripts/compare-sklearn.py --build "$build" --out results/bench/compare-sklearn.csv
else
    echo "bench.sh: python3-numpy/python3-sklearn missing: skipped the NumPy and scikit-learn comparisons" >&2
    echo "bench.sh: to run them: apt-get install -y python3-numpy python3-sklearn" >&2
fi
env ${ob:+OPENBLAS_CORETYPE=$ob} scripts/bench-cv.sh "$build"   # linreg cv vs one gram fit vs GridSearchCV: results/bench/cv.md
/usr/bin/python3 scripts/bench-report.py results/bench > results/bench/bench.md
echo "bench.sh: wrote results/bench/bench.md"
