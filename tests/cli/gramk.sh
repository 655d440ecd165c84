# tests/cli/gramk.sh -- the Gram pass's own kernel (src/gram_kernel_t.h):
# with --deterministic, the same bits on each instruction set it is built
# for (LR_ISA picks it along with the row kernels) and any thread count,
# through the gram solver and the exact reference's Gram route.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# the paths this CPU runs, by linreg's own check (speed.sh tests it
# against /proc/cpuinfo)
isas=""
for isa in baseline avx2 avx512; do
    LR_ISA=$isa "$linreg" --version >/dev/null 2>&1 && isas="$isas${isas:+ }$isa"
done
case " $isas " in
*" avx512 "*) ;;
*) echo "# gramk.sh: this CPU lacks AVX-512: that path is not compared" >&2 ;;
esac
grep -qw fma /proc/cpuinfo ||
    echo "# gramk.sh: this CPU lacks FMA: the Gram pass runs dsyrk on every path" >&2

# --solver gram --deterministic: the same model file on every path, for 1
# and 3 threads, double and float X; p = 7 (all of [X 1 y] in the last,
# partial panel), 67 (a remainder of 5 rows) and 134 (1 and y fill a
# panel); rows not a multiple of any block
for spec in "20011 7" "12007 67" "6007 134"; do
    read -r rows pw <<<"$spec"
    for prec in double float; do
        ref=""
        for isa in $isas; do
            for t in 1 3; do
                f=g-$pw-$prec-$isa-$t.json
                LR_ISA=$isa run train --samples "$rows" --features "$pw" \
                    --generator fast --noise 2.5 --seed 13 --solver gram \
                    --iters 25 --lr 0.1 --threads $t --deterministic \
                    --precision $prec --no-exact --quiet --model-out "$f"
                expect_rc 0
                if [ ! -s "$f" ]; then
                    fail "$f missing"
                    continue
                fi
                [ -z "$ref" ] && ref=$f
                cmp -s "$ref" "$f" || fail "$f differs from $ref"
            done
        done
        report "--solver gram --deterministic, p = $pw, $prec: same model on {$isas} x {1, 3} threads"
    done
done

# the exact reference's Gram route (30011 x 70: 2.1e6 cells): the same
# optimal MSE, to the bit, on every path and thread count
ref=""
for isa in $isas; do
    for t in 1 2; do
        LR_ISA=$isa run train --samples 30011 --features 70 --generator fast \
            --seed 21 --noise 1.25 --iters 3 --threads $t --deterministic \
            --quiet --report "r-$isa-$t.json"
        expect_rc 0
        need "r-$isa-$t.json" || continue
        pycheck "r-$isa-$t.json" '
import json, sys
r = json.load(open(sys.argv[1]))
if r["exact_method"] != "gram":
    print("exact_method", r["exact_method"], "not gram")
print(r["optimal_mse"].hex() if isinstance(r["optimal_mse"], float) else r["optimal_mse"],
      file=open(sys.argv[1] + ".opt", "w"))
' "r-$isa-$t.json"
        [ -z "$ref" ] && ref=r-$isa-$t.json.opt
        cmp -s "$ref" "r-$isa-$t.json.opt" ||
            fail "optimal_mse of $isa, $t threads ($(cat "r-$isa-$t.json.opt")) differs from $ref ($(cat "$ref"))"
    done
done
report "exact reference by the Gram route --deterministic: same optimal MSE on {$isas} x {1, 2} threads"
