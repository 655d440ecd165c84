#!/usr/bin/env bash
# shellcheck disable=SC2086 # $gen and $common are option lists on purpose
# mpi.sh [BUILD] -- tests of linreg-mpi under mpirun -np 1, 2 and 3 (more
# ranks than cores oversubscribes: fine for correctness). Prints "ok N -" or
# "not ok N -" lines and ends with "mpi: N passed, M failed".
set -u
build=${1:-build}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
py=/usr/bin/python3
lin=$(cd "$build" && pwd)/linreg
mpi=$(cd "$build" && pwd)/linreg-mpi
work=$(mktemp -d "${TMPDIR:-/tmp}/linreg-mpi.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0; pass=0; fail=0
report() { # report OK DESCRIPTION [DETAIL]
    n=$((n + 1))
    if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n - $2"
    else fail=$((fail + 1)); echo "not ok $n - $2"; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/    /'; fi
}
# same_model A B: weights and bias equal to the bit (JSON keeps 17 digits)
same_model() {
    "$py" -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if a["weights"] == b["weights"] and a["bias"] == b["bias"] else 1)' "$1" "$2"
}
run_mpi() { # run_mpi NP ARGS...
    local np=$1; shift
    # no output of an earlier run survives to pass a check on this one
    rm -f m.json r.json c.json nf.json bad.json div.json nc.json h.json
    mpirun -np "$np" --bind-to none "$mpi" train "$@" >out.txt 2>err.txt
}

gen="--samples 60000 --features 6 --generator fast --seed 9 --noise 1.5"
common="--iters 30 --lr 0.2 --deterministic --quiet --no-exact"
"$lin" train $gen $common --threads 2 --model-out single.json >/dev/null 2>&1
for np in 1 2 3; do
    for t in 1 2; do
        # shellcheck disable=SC2086
        run_mpi "$np" $gen $common --threads "$t" --model-out "m.json"
        rc=$?
        ok=1
        [ $rc -eq 0 ] && same_model single.json m.json && ok=0
        report $ok "generated data, --deterministic, $np ranks x $t threads: the single-process model to the bit" "$(cat err.txt)"
    done
done

"$lin" generate --samples 50000 --features 5 --generator fast --seed 4 --noise 1 \
    --out X.npy --target-out y.npy 2>/dev/null
"$lin" train --data X.npy --target-file y.npy $common --model-out snp.json >/dev/null 2>&1
for np in 2 3; do
    # shellcheck disable=SC2086
    run_mpi "$np" --data X.npy --target-file y.npy $common --threads 2 --model-out m.json
    rc=$?; ok=1
    [ $rc -eq 0 ] && same_model snp.json m.json && ok=0
    report $ok ".npy data, --deterministic, $np ranks: the single-process model to the bit" "$(cat err.txt)"
done

# CSV: every rank reads its byte range
"$lin" generate --samples 40000 --features 4 --generator fast --seed 2 --noise 1 \
    --out d.csv 2>/dev/null
"$lin" train --data d.csv $common --model-out scsv.json >/dev/null 2>&1
for np in 2 3; do
    run_mpi "$np" --data d.csv $common --threads 2 --model-out m.json
    rc=$?; ok=1
    [ $rc -eq 0 ] && same_model scsv.json m.json && ok=0
    report $ok "CSV by byte ranges, --deterministic, $np ranks: the single-process model to the bit" "$(cat err.txt)"
done
# a bad cell near the end: reported by the rank that reads it, with its line
awk 'NR == 39000 { $0 = "1,2,oops,4,5" } { print }' d.csv > dbad.csv
run_mpi 3 --data dbad.csv $common --model-out bad.json
rc=$?; ok=1
if [ $rc -ne 0 ] && [ "$(grep -c linreg-mpi err.txt)" -eq 1 ] \
   && grep -q "rank 2 of 3" err.txt && grep -q "dbad.csv:39000:" err.txt \
   && [ ! -e bad.json ]; then ok=0; fi
report $ok "a bad CSV cell in rank 2's bytes: one message with its line, no model" "$(cat err.txt)"

# float storage: the deterministic float model, to the bit; the gram solver
# to rounding
"$lin" train $gen $common --precision float --model-out sf.json >/dev/null 2>&1
run_mpi 3 $gen $common --precision float --threads 2 --model-out m.json
rc=$?; ok=1
[ $rc -eq 0 ] && same_model sf.json m.json && ok=0
report $ok "--precision float --deterministic, 3 ranks: the single-process model to the bit" "$(cat err.txt)"
"$lin" train $gen $common --solver gram --model-out sg.json >/dev/null 2>&1
run_mpi 2 $gen $common --solver gram --threads 2 --model-out m.json
rc=$?
"$py" -c '
import json, sys
a, b = json.load(open("sg.json")), json.load(open("m.json"))
d = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a["weights"], b["weights"]))
sys.exit(0 if d < 1e-10 else 1)' 2>/dev/null
ok=$?; [ $rc -ne 0 ] && ok=1
report $ok "--solver gram, 2 ranks: the single-process gram model to 1e-10" "$(cat err.txt)"

# --stop-gap: the exact optimum over all ranks, then stop at the gap
for solver in stream gram; do
    run_mpi 3 $gen --lr auto --stop-gap 1e-9 --iters 100000 --solver "$solver" \
        --threads 1 --quiet --report r.json
    rc=$?
    "$py" -c '
import json, sys
r = json.load(open("r.json"))
sys.exit(0 if r["stop_reason"] == "target_gap" and r["gap"] <= 2e-9 else 1)' 2>/dev/null
    ok=$?; [ $rc -ne 0 ] && ok=1
    report $ok "--lr auto --stop-gap 1e-9 --solver $solver, 3 ranks: stops at the gap to the exact optimum" "$(cat err.txt)"
done

# the reduction clause path: the same model up to rounding
run_mpi 2 $gen --iters 30 --lr 0.2 --quiet --no-exact --threads 2 --model-out c.json --report r.json
rc=$?
"$py" -c '
import json, sys
a, b = json.load(open("single.json")), json.load(open("c.json"))
d = max(abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a["weights"], b["weights"]))
r = json.load(open("r.json"))
sys.exit(0 if d < 1e-12 and r["ranks"] == 2 and r["comm_time_s"] >= 0 else 1)' 2>/dev/null
ok=$?; [ $rc -ne 0 ] && ok=1
report $ok "reduction clause over 2 ranks: the model to 1e-12, a report with ranks and communication time" "$(cat err.txt)"

# an error on one rank ends all ranks with one message and a non-zero exit
"$py" -c '
import numpy as np
X = np.load("X.npy"); X[45000, 2] = np.nan; np.save("Xbad.npy", X)'
run_mpi 3 --data Xbad.npy --target-file y.npy $common --model-out bad.json
rc=$?
lines=$(grep -c "linreg-mpi" err.txt)
ok=1
if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -q "rank 2 of 3" err.txt \
   && grep -q "row 45001, column 3 is NaN" err.txt && [ ! -e bad.json ]; then ok=0; fi
report $ok "a NaN in rank 2's rows: one message from rank 2, exit $rc, no model" "$(cat err.txt)"

run_mpi 2 --samples 100 --features 3 --iters 5 --quiet
rc=$?; ok=1
[ $rc -eq 2 ] && grep -q "generator fast" err.txt && ok=0
report $ok "the sklearn generator is refused with a usage error" "$(cat err.txt)"

run_mpi 2 $gen --lr 50 --iters 200 --quiet --model-out div.json
rc=$?; ok=1
[ $rc -eq 1 ] && grep -q "diverged" err.txt && [ "$(grep -c diverged err.txt)" -eq 1 ] && [ ! -e div.json ] && ok=0
report $ok "divergence: every rank stops, one message, no model" "$(cat err.txt)"

# input (issue 8): what ranks cannot read by rows is refused, with one
# message: a CR-only CSV (records are found by LF), a Fortran-order X (a
# rank maps its rows), --na drop (rows are placed by counting records)
printf 'x,y\r1,2\r3,5\r5,9\r7,11\r' >cr.csv
run_mpi 2 --data cr.csv $common --model-out bad.json
rc=$?; ok=1
[ $rc -eq 1 ] && [ "$(grep -c linreg-mpi err.txt)" -eq 1 ] && grep -q "cr.csv:1:" err.txt \
    && grep -q "LF or CRLF" err.txt && [ ! -e bad.json ] && ok=0
report $ok "a CR-only CSV: one message asking for LF or CRLF line ends, no model" "$(cat err.txt)"
"$py" -c 'import numpy as np; np.save("Xf.npy", np.asfortranarray(np.load("X.npy")))'
run_mpi 2 --data Xf.npy --target-file y.npy $common --model-out bad.json
rc=$?; ok=1
[ $rc -eq 1 ] && [ "$(grep -c linreg-mpi err.txt)" -eq 1 ] && grep -q "Fortran-order" err.txt \
    && grep -q "np.ascontiguousarray" err.txt && [ ! -e bad.json ] && ok=0
report $ok "a Fortran-order X: one message naming np.ascontiguousarray, no model" "$(cat err.txt)"
run_mpi 2 --data d.csv --na drop $common --model-out bad.json
rc=$?; ok=1
[ $rc -eq 2 ] && grep -q "na drop" err.txt && [ ! -e bad.json ] && ok=0
report $ok "--na drop is a usage error under MPI" "$(cat err.txt)"
# convergence as train reports it (tests/cli/convergence.sh): a short
# divergent run, an unconverged run under --require-convergence, the gap on
# noise-free data, and data beyond double's comfortable range
run_mpi 2 $gen --lr 5 --iters 8 --quiet --model-out div.json
rc=$?; ok=1
[ $rc -eq 1 ] && [ "$(grep -c diverged err.txt)" -eq 1 ] && [ ! -e div.json ] && ok=0
report $ok "--lr 5 --iters 8 on 2 ranks: divergence caught in a short run" "$(cat err.txt)"
run_mpi 2 $gen --lr 0.001 --iters 3 --quiet --require-convergence --model-out nc.json
rc=$?; ok=1
[ $rc -eq 1 ] && [ "$(grep -c "not converged" err.txt)" -eq 1 ] && [ ! -e nc.json ] && ok=0
report $ok "--require-convergence on 2 ranks: an unconverged run exits 1, no model" "$(cat err.txt)"
run_mpi 3 --samples 60000 --features 6 --generator fast --seed 9 --lr auto \
    --stop-gap 1e-9 --iters 100000 --solver gram --threads 1 --quiet --report nf.json
rc=$?
"$py" -c '
import json, sys
r = json.load(open("nf.json"))
sys.exit(0 if r["stop_reason"] == "target_gap" and r["gap"] <= 2e-9
         and r["gap_basis"] == "1e-6 var(y)" and r["converged"] is True
         and r["time_to_solution_s"] > 0 else 1)' 2>/dev/null
ok=$?; [ $rc -ne 0 ] && ok=1
report $ok "noise-free data, --stop-gap 1e-9, 3 ranks: stops at the gap relative to 1e-6 var(y)" "$(cat err.txt)"
"$py" -c '
import numpy as np
np.save("Xh.npy", np.load("X.npy") * 1e200)'
run_mpi 2 --data Xh.npy --target-file y.npy $common --model-out h.json
rc=$?; ok=1
[ $rc -eq 1 ] && [ "$(grep -c "above 1e100" err.txt)" -eq 1 ] && [ ! -e h.json ] && ok=0
report $ok "X near 1e200 on 2 ranks: refused with one message naming the scale" "$(cat err.txt)"

# one training session (issue 9): linreg-mpi writes train's files. With
# --deterministic the model file (weights, intercept, scaling, training
# options, metrics) and the history are train's to the byte; the report has
# train's keys and the ranks'; --standardize records the scaling
"$lin" train $gen $common --history sh.csv --report sr.json --model-out sm.json >/dev/null 2>&1
run_mpi 2 $gen $common --threads 2 --history mh.csv --report mr.json --model-out mm.json
rc=$?
"$py" -c '
import json, sys
a, b = json.load(open("sr.json")), json.load(open("mr.json"))
extra = {"ranks", "comm_time_s", "comm_per_iter_s", "load_time_s"}
sys.exit(0 if set(b) == set(a) | extra and b["history"] == a["history"] else 1)' 2>/dev/null
ok=$?
{ [ $rc -ne 0 ] || ! cmp -s sm.json mm.json || ! cmp -s sh.csv mh.csv; } && ok=1
report $ok "2 ranks write train's model, history (both to the byte) and report (train's keys and the ranks')" "$(cat err.txt)"
"$lin" train $gen --iters 30 --lr auto --standardize --no-intercept --deterministic --quiet \
    --model-out ss.json >/dev/null 2>&1
run_mpi 3 $gen --iters 30 --lr auto --standardize --no-intercept --deterministic --quiet \
    --threads 1 --model-out ms.json
rc=$?
"$py" -c '
import json, sys
a, b = json.load(open("ss.json")), json.load(open("ms.json"))
close = lambda x, y: all(abs(u - v) <= 1e-12 * max(abs(v), 1e-300) for u, v in zip(x, y))
ok = (b["intercept"] is False and b["scaling"]["method"] == "standardize"
      and close(a["scaling"]["mean"], b["scaling"]["mean"])
      and close(a["scaling"]["sd"], b["scaling"]["sd"])
      and close(a["weights"], b["weights"]) and b["training"]["lr_auto"] is True
      and abs(a["metrics"]["r2"] - b["metrics"]["r2"]) < 1e-12)
sys.exit(0 if ok else 1)' 2>/dev/null
ok=$?; [ $rc -ne 0 ] && ok=1
report $ok "--standardize --no-intercept --lr auto, 3 ranks: the model records intercept and scaling as train's (to 1e-12)" "$(cat err.txt)"

# the wait policy: linreg-mpi's ranks set GOMP_SPINCOUNT as linreg does,
# unless the user chose one
for pol in "" active; do
    unset OMP_WAIT_POLICY
    if [ -n "$pol" ]; then export OMP_WAIT_POLICY="$pol"; fi
    run_mpi 2 $gen --iters 5 --lr 0.2 --quiet --no-exact --threads 2 --report r.json
    rc=$?
    "$py" -c '
import json, sys
m = json.load(open("r.json"))["machine"]
sc, wp = m["GOMP_SPINCOUNT"], m["OMP_WAIT_POLICY"]
if sys.argv[1]:
    sys.exit(0 if (sc, wp) == ("", sys.argv[1]) else 1)
sys.exit(0 if sc.isdigit() and 100 <= int(sc) <= 10000 and wp == "" else 1)' \
        "$pol" 2>/dev/null
    ok=$?; [ $rc -ne 0 ] && ok=1
    unset OMP_WAIT_POLICY
    report $ok "2 ranks, OMP_WAIT_POLICY=${pol:-(unset)}: GOMP_SPINCOUNT and OMP_WAIT_POLICY as linreg sets them" "$(cat err.txt)"
done

echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
