#!/bin/sh
# check-kernel-bits.sh save|check DIR [BUILD] -- the bits of the row kernels.
#
# Trains 20 iterations (no exact solve) at every p of the speed sweep plus
# the block and vector edges (4, 6, 8, 9, 31, 33, 63, 65, 257) and the wide
# passes (1025, 1537, 2049), double and
# float storage, with and without --deterministic, at 1 and 2 threads, on
# each instruction-set path (LR_ISA=avx512, avx2, baseline; on a CPU that
# lacks one, its runs fail with FAILED lines). `save` writes the model
# files under DIR (from the reference build, e.g. main's); `check` trains
# the same runs with BUILD (default build) and compares each model byte
# for byte with DIR's, listing every one that differs. Exit 0 when all are
# identical, 1 otherwise.
# The rows of each run: 40000 / p + 5003 (odd: every kernel's tail rows;
# n p >= 32768: the fused pass, not the small problems' double-double one).
set -e
mode=$1
dir=$2
build=${3:-build}
case $mode in save | check) ;; *)
    echo "usage: $0 save|check DIR [BUILD]" >&2
    exit 2 ;;
esac
[ -n "$dir" ] || { echo "$0: DIR missing" >&2; exit 2; }
linreg=$build/linreg
[ -x "$linreg" ] || { echo "$0: $linreg not built" >&2; exit 2; }
ps="1 2 3 4 5 6 7 8 9 13 16 24 31 32 33 50 63 64 65 100 128 200 257 512 1000 1025 1537 2049"
mkdir -p "$dir"
out=$dir
if [ "$mode" = check ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/kbits.XXXXXX")
    trap 'rm -rf "$out"' EXIT
fi
jobs=$out/jobs.txt
: > "$jobs"
for isa in avx512 avx2 baseline; do
    for p in $ps; do
        n=$((40000 / p + 5003))
        for prec in double float; do
            for det in plain det; do
                for t in 1 2; do
                    name=$isa-p$p-$prec-$det-t$t.json
                    args="train --samples $n --features $p --generator fast"
                    args="$args --iters 20 --no-exact --quiet --threads $t"
                    [ "$prec" = float ] && args="$args --precision float"
                    [ "$det" = det ] && args="$args --deterministic"
                    echo "$isa $out/$name $args" >> "$jobs"
                done
            done
        done
    done
done
# two runs at a time; each line: ISA MODEL ARGS...
xargs -P 2 -L 1 sh -c 'isa=$1 m=$2; shift 2
    LR_ISA=$isa "$0" "$@" --model-out "$m" > /dev/null 2>&1 || echo "FAILED: $m" >&2' "$linreg" \
    < "$jobs"
rm -f "$jobs"
[ "$mode" = save ] && { echo "saved $(ls "$dir" | wc -l) models in $dir"; exit 0; }
bad=0
total=0
for f in "$dir"/*.json; do
    total=$((total + 1))
    name=$(basename "$f")
    if ! cmp -s "$f" "$out/$name"; then
        echo "DIFFERS: $name"
        bad=$((bad + 1))
    fi
done
echo "$bad of $total models differ"
[ "$bad" -eq 0 ]
