# tests/cli/train.sh -- train: divergence, unwritable outputs, --tol, the gram
# solver and float storage, --lr auto and --stop-gap, absurd sizes.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# ------------------------------------------------------------ divergence

rm -f M R
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 50 \
    --model-out M --report R
expect_rc 1; expect_prefix train; expect_err "learning rate" "50"
expect_absent M R
report "divergence at --lr 50: exit 1, names the learning rate, no outputs"

rm -f R
plant M
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 50 \
    --model-out M --report R --quiet
expect_rc 1; expect_err "learning rate"
expect_kept M; expect_absent R
report "divergence at --lr 50 keeps a pre-existing --model-out file"

# ------------------------------------------------------ unwritable output

rm -f r.json
run train --samples 20 --features 2 --quiet --model-out /nonexistent-dir/m.json
expect_rc 1; expect_prefix train; expect_err "/nonexistent-dir/m.json"
report "unwritable --model-out: exit 1 naming the path"

rm -f r.json
run train --samples 20 --features 2 --quiet --report r.json \
    --model-out /nonexistent-dir/m.json
expect_rc 1; expect_err "/nonexistent-dir/m.json"; expect_absent r.json
report "unwritable --model-out: the --report file is not created"

rm -f m.json
run train --samples 20 --features 2 --quiet --model-out m.json \
    --report /nonexistent-dir/r.json
expect_rc 1; expect_err "/nonexistent-dir/r.json"; expect_absent m.json
report "unwritable --report: the --model-out file is not created"

plant m.json
run train --samples 20 --features 2 --quiet --model-out m.json \
    --report /nonexistent-dir/r.json
expect_rc 1; expect_kept m.json
report "unwritable --report: a pre-existing --model-out file is kept"

# ---------------------------------------------------------------- --tol

rm -f r.json
run train --samples 200 --features 3 --noise 1 --seed 3 --lr 0.1 \
    --tol 1e-6 --iters 100000 --report r.json --quiet
expect_rc 0; expect_exists r.json
if [ -s r.json ]; then
    pycheck "r.json" '
import json, sys
r = json.load(open(sys.argv[1]))
if r.get("stop_reason") != "tol":
    print("stop_reason", r.get("stop_reason"), "expected tol")
it = r.get("iterations")
if not isinstance(it, int) or not 0 < it < 100000:
    print("iterations", it, "expected between 1 and 99999")
' r.json
fi
report "--tol 1e-6 stops early with stop_reason tol"

# ---------------------------------------------- solvers, precision

# the gram solver and float storage reach the optimum: gap below 1e-6
for opts in "--solver gram" "--precision float" "--solver gram --precision float"; do
    rm -f r.json
    # shellcheck disable=SC2086 # opts is a list of options
    run train --samples 3000 --features 5 --noise 2 --seed 21 --lr 0.5 \
        --iters 400 --quiet --report r.json $opts
    expect_rc 0
    need r.json && pycheck r.json '
import json, sys
r = json.load(open(sys.argv[1]))
if not (abs(r["gap"]) < 1e-6):
    print("gap", r["gap"], "not below 1e-6")
' r.json
    report "train $opts: gap to the exact optimum below 1e-6"
done

# --------------------------------------------- --lr auto and --stop-gap

run train --samples 300 --features 3 --noise 1 --seed 3 --lr 5 --quiet
expect_rc 1
expect_err "exceeds 2/L" "--lr auto"
report "divergence names 2/L and suggests --lr auto"

for solver in stream gram; do
    rm -f r.json
    run train --samples 5000 --features 6 --noise 2 --seed 17 --lr auto \
        --stop-gap 1e-9 --iters 100000 --solver "$solver" --quiet --report r.json
    expect_rc 0
    need r.json && pycheck r.json '
import json, sys
r = json.load(open(sys.argv[1]))
if r["stop_reason"] != "target_gap":
    print("stop_reason", r["stop_reason"])
if not (r["gap"] <= 2e-9):
    print("gap", r["gap"], "above the 1e-9 target (+ rounding)")
L = r["lipschitz_L"]
if not (L > 0 and abs(r["max_stable_lr"] - 2 / L) <= 1e-12 * r["max_stable_lr"]):
    print("L", L, "max_stable_lr", r["max_stable_lr"])
if abs(r["lr"] * L - 1) > 1e-12:
    print("lr", r["lr"], "is not 1/L")
if not (r["time_to_solution_s"] > 0):
    print("time_to_solution_s", r["time_to_solution_s"])
' r.json
    report "--lr auto --stop-gap 1e-9 --solver $solver: stops at the gap with lr = 1/L"
done

# ------------------------------------------------ absurd sizes, refused

run train --samples 100000000000 --features 1000 --quiet
expect_rc 1
expect_err "needs" "GB" "this machine has"
report "a problem larger than memory is refused before allocating"

run train --samples 100000000000000 --features 100000000000 --quiet
expect_rc 1
expect_err "overflows"
report "sizes whose product overflows are refused"
