# tests/cli/gram.sh -- the Gram pass by the BLAS (src/gram_blas.c):
# --deterministic gives the same model for any thread count, in double and
# float storage, through the gram solver and through the exact reference's
# Gram route (X above 2e6 cells).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

for prec in double float; do
    ok=1
    for t in 1 2 3 8; do
        rm -f "g$t.json"
        run train --samples 30000 --features 70 --generator fast --seed 9 \
            --noise 2 --solver gram --iters 40 --lr 0.2 --deterministic \
            --precision "$prec" --threads "$t" --model-out "g$t.json" --quiet \
            --no-exact
        if [ "$rc" -ne 0 ] || [ ! -s "g$t.json" ]; then
            fail "--threads $t: exit status $rc, g$t.json missing"
            ok=0
        fi
    done
    if [ "$ok" -eq 1 ]; then
        for t in 2 3 8; do
            cmp -s g1.json "g$t.json" ||
                fail "g$t.json differs from g1.json (--threads $t vs 1)"
        done
    fi
    report "--solver gram --deterministic --precision $prec: identical models for 1, 2, 3 and 8 threads"
done

# the exact reference's Gram route (30000 x 80: 2.4e6 cells): its optimum
# matches the gram solver run to its gap target (the Gram build and the
# refinement both by the BLAS path), and the gap is reached
rm -f r.json
run train --samples 30000 --features 80 --generator fast --seed 4 --noise 1.5 \
    --solver gram --lr auto --stop-gap 1e-10 --iters 100000 --threads 2 \
    --quiet --report r.json
expect_rc 0
need r.json && pycheck r.json '
import json, sys
r = json.load(open(sys.argv[1]))
if r["exact_method"] != "gram":
    print("exact_method", r["exact_method"], "not gram")
if r["stop_reason"] != "target_gap" or not r["gap"] <= 1e-10:
    print("stop", r["stop_reason"], "gap", r["gap"])
' r.json
report "train 30000 x 80 --solver gram --stop-gap 1e-10: the Gram reference, gap reached"
