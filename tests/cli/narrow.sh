# tests/cli/narrow.sh -- the AVX-512 and AVX2 kernels (float: the permuted
# transposition of p = 4 to 7 and the shuffled one of 8 to 16, rows
# widened once at 17 to 31, the next block's residuals ahead at 17 to 31,
# the 512-bit dot products with masked tails from p = 32; double: the
# shuffled transposition of p = 8 and 9; on AVX2 the 8 x 8 and 4 x 4
# transpositions of p = 8 to 16) give the model files of the
# baseline path, to the bit, without --deterministic at 1 thread (the
# clause's single chunk-by-chunk sum) and with it at 2. Timings are never
# asserted.
# Sourced by tests/cli.sh.

if grep -qw avx512f /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo \
    && grep -qw avx512dq /proc/cpuinfo; then
    # odd row counts: a partial last block, the range's last row copied
    for pc in float:4 float:5 float:6 float:7 float:8 float:9 float:10 \
        float:13 float:15 float:16 float:17 float:24 float:31 float:33 \
        float:50 float:63 float:100 double:8 double:9 double:10; do
        prec=${pc%%:*} pw=${pc#*:}
        rows=$((40000 / pw + 1001))
        for mode in "--threads 1" "--threads 2 --deterministic"; do
            for isa in baseline avx512 avx2; do
                # shellcheck disable=SC2086
                LR_ISA=$isa run train --samples "$rows" --features "$pw" \
                    --generator fast --noise 2 --seed 7 --iters 25 --lr 0.05 \
                    --precision "$prec" --no-exact --quiet $mode \
                    --model-out "m-$isa.json"
                expect_rc 0
            done
            cmp -s m-baseline.json m-avx512.json \
                || fail "$prec, p = $pw ($mode): the avx512 model differs from baseline's"
            cmp -s m-baseline.json m-avx2.json \
                || fail "$prec, p = $pw ($mode): the avx2 model differs from baseline's"
            report "$prec, p = $pw, $mode: avx512 and avx2 give baseline's model bits"
        done
    done
else
    echo "# narrow.sh: this CPU lacks AVX-512: the narrow float kernels are not tested" >&2
fi
