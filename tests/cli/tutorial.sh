# tests/cli/tutorial.sh -- train against runs of the NumPy tutorial (fixture).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# ----------------------------------------------------------- tutorial

# Each row of tests/fixtures/tutorial.csv is a run of the NumPy tutorial
# on make_regression(500, 1, noise=15, random_state=4).
if [ ! -f "$fixtures/tutorial.csv" ]; then
    fail "no fixture $fixtures/tutorial.csv"
    last_cmd="(none)"
    report "tutorial fixture present"
else
    row=0
    while IFS=, read -r init_seed lr iters n_samples w b final_mse; do
        row=$((row + 1))
        rm -f t.json tr.json
        run train --samples "$n_samples" --features 1 --noise 15 --seed 4 \
            --init-seed "$init_seed" --lr "$lr" --iters "$iters" \
            --model-out t.json --report tr.json --quiet
        expect_rc 0; expect_exists t.json tr.json
        if [ -s t.json ] && [ -s tr.json ]; then
            pycheck "against the tutorial" '
import json, sys
m = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
def close(name, got, want):
    if abs(got - want) > 1e-9 * abs(want):
        print(name, got, "expected", want)
close("weight", m["weights"][0], float(sys.argv[3]))
close("bias", m["bias"], float(sys.argv[4]))
close("final_mse", r["final_mse"], float(sys.argv[5]))
' t.json tr.json "$w" "$b" "$final_mse"
        fi
        report "tutorial row $row (init_seed $init_seed, lr $lr, iters $iters): w, b, mse within 1e-9"
    done < <(tail -n +2 "$fixtures/tutorial.csv" | tr -d '\r')
    if [ "$row" -eq 0 ]; then  # an empty fixture must not pass by testing nothing
        fail "no rows in $fixtures/tutorial.csv"
        last_cmd="(none)"
        report "tutorial fixture has rows"
    fi
fi

# results/driver/tutorial_data.csv (written by make run) is the data that
# make tutorial generates, byte for byte, as results/README.md says: a
# change of the generator or of the CSV printer fails here until results/
# is regenerated.
run generate --samples 500 --features 1 --noise 15 --seed 4 --out tut.csv
expect_rc 0; expect_exists tut.csv
if [ -f tut.csv ] && ! cmp -s tut.csv "$here/../results/driver/tutorial_data.csv"; then
    fail "tut.csv differs from results/driver/tutorial_data.csv (regenerate with make run)"
fi
report "the tutorial data is results/driver/tutorial_data.csv, byte for byte"
