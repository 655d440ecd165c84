# tests/cli/determinism.sh -- --deterministic: the same model for any thread count.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# -------------------------------------------------------- determinism

det_ok=1
for t in 1 2 3 8; do
    rm -f "m$t.json"
    run train --samples 40000 --features 8 --generator fast --seed 5 \
        --iters 50 --lr 0.1 --deterministic --threads "$t" \
        --model-out "m$t.json" --quiet
    if [ "$rc" -ne 0 ] || [ ! -s "m$t.json" ]; then
        fail "--threads $t: exit status $rc, model m$t.json missing"
        det_ok=0
    fi
done
if [ "$det_ok" -eq 1 ]; then
    for t in 2 3 8; do
        cmp -s m1.json "m$t.json" ||
            fail "m$t.json differs from m1.json (--threads $t vs 1)"
    done
fi
report "--deterministic: identical model files for 1, 2, 3 and 8 threads"
