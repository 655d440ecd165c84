# tests/cli/narrow.sh -- the AVX-512 float kernels (the permuted
# transposition of p = 4 to 7, rows widened once at p = 8 to 31, the next
# block's residuals ahead at 17 to 31, the 512-bit dot products with
# masked tails from p = 32) give the model files of the baseline path, to
# the bit, without --deterministic at 1 thread (the clause's single
# chunk-by-chunk sum) and with it at 2. Timings are never asserted.
# Sourced by tests/cli.sh.

if grep -qw avx512f /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo \
    && grep -qw avx512dq /proc/cpuinfo; then
    # odd row counts: a partial last block, the range's last row copied
    for pw in 4 5 6 7 8 13 16 17 24 31 33 50 63 100; do
        rows=$((40000 / pw + 1001))
        for mode in "--threads 1" "--threads 2 --deterministic"; do
            for isa in baseline avx512; do
                # shellcheck disable=SC2086
                LR_ISA=$isa run train --samples "$rows" --features "$pw" \
                    --generator fast --noise 2 --seed 7 --iters 25 --lr 0.05 \
                    --precision float --no-exact --quiet $mode \
                    --model-out "m-$isa.json"
                expect_rc 0
            done
            cmp -s m-baseline.json m-avx512.json \
                || fail "p = $pw ($mode): the avx512 model differs from baseline's"
            report "float, p = $pw, $mode: avx512 gives baseline's model bits"
        done
    done
else
    echo "# narrow.sh: this CPU lacks AVX-512: the narrow float kernels are not tested" >&2
fi
