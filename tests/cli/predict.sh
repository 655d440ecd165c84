# tests/cli/predict.sh -- the round trip generate -> train -> predict, and
# predict's errors (model and data that do not match).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# ------------------------------------------------------------ round trip

run generate --samples 300 --features 4 --noise 0.5 --seed 11 \
    --out d.csv --coef-out c.csv
expect_rc 0; expect_exists d.csv c.csv
if [ -f d.csv ]; then
    [ "$(head -n 1 d.csv)" = "x1,x2,x3,x4,y" ] ||
        fail "d.csv header is '$(head -n 1 d.csv)', expected x1,x2,x3,x4,y"
    lines=$(wc -l <d.csv)
    [ "$lines" -eq 301 ] || fail "d.csv has $lines lines, expected 301"
fi
if [ -f c.csv ]; then
    [ "$(head -n 1 c.csv)" = "x1,x2,x3,x4,bias" ] ||
        fail "c.csv header is '$(head -n 1 c.csv)', expected x1,x2,x3,x4,bias"
    lines=$(wc -l <c.csv)
    [ "$lines" -eq 2 ] || fail "c.csv has $lines lines, expected 2"
fi
report "round trip: generate writes data and coefficients"

run train --data d.csv --lr 0.1 --iters 2000 --model-out m.json --report r.json
expect_rc 0; expect_exists m.json r.json
report "round trip: train on the generated data"

pycheck "r.json" '
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("iterations", "stop_reason", "final_mse", "optimal_mse", "r2",
          "time_s", "time_per_iter_s", "threads", "history"):
    if k not in r:
        print("no key", k)
h = r.get("history")
if not isinstance(h, list) or not h:
    print("history is not a non-empty list")
else:
    for e in h:
        if not isinstance(e, dict) or not all(k in e for k in ("iter", "mse", "grad_norm")):
            print("history entry lacks iter/mse/grad_norm:", e)
            break
if r.get("iterations") != 2000:
    print("iterations", r.get("iterations"), "expected 2000")
if r.get("stop_reason") != "max_iter":
    print("stop_reason", r.get("stop_reason"), "expected max_iter")
' r.json
report "round trip: the report is JSON with the expected keys"

pycheck "m.json" '
import json, sys
m = json.load(open(sys.argv[1]))
w = m.get("weights")
if not isinstance(w, list) or len(w) != 4:
    print("weights is not a list of 4:", w)
if not isinstance(m.get("bias"), (int, float)):
    print("no numeric bias")
if m.get("n_features") != 4:
    print("n_features", m.get("n_features"), "expected 4")
' m.json
report "round trip: the model is JSON with 4 weights, bias, n_features 4"

pycheck "coefficients" '
import csv, json, sys
m = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
true = [float(v) for v in rows[1]]
w = m["weights"] + [m["bias"]]
for name, a, b in zip(rows[0], w, true):
    if abs(a - b) > 0.5:
        print(name, "fitted", a, "true", b)
' m.json c.csv
report "round trip: the fitted coefficients are close to the true ones"

rm -f p.csv
run predict --model m.json --data d.csv --out p.csv
expect_rc 0; expect_exists p.csv; expect_out "mse" "r2"
if [ -f p.csv ]; then
    lines=$(wc -l <p.csv)
    [ "$lines" -eq 301 ] || fail "p.csv has $lines lines, expected 301"
fi
report "round trip: predict writes 301 lines and prints mse and r2"

pycheck "predict mse vs report" '
import json, re, sys
r = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
m = re.search(r"^\s*mse\s*[:=]?\s*(\S+)", text, re.M)
if not m:
    print("no mse line in the predict output")
else:
    got, want = float(m.group(1)), r["final_mse"]
    if abs(got - want) > 1e-9 * abs(want):
        print("predict mse", got, "report final_mse", want)
' r.json "$out"
report "round trip: predict's MSE equals the report's final_mse (1e-9 rel)"

# --------------------------------------------------- predict: mismatches

{ echo "a,b,c,d,y"; tail -n +2 d.csv; } >abcd.csv
rm -f p.csv
run predict --model m.json --data abcd.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "abcd.csv" "'a'" "x1"
expect_absent p.csv
report "predict: feature names differ from the model's"

cut -d, -f2- d.csv >d3.csv
plant p.csv
run predict --model m.json --data d3.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "d3.csv" "feature"
expect_kept p.csv
report "predict: 3 feature columns for a 4-feature model (p.csv kept)"

rm -f p.csv
run predict --model nosuch.json --data d.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "nosuch.json"
expect_absent p.csv
report "predict: missing model file"

echo '{"format": "linreg-model"' >bad.json
run predict --model bad.json --data d.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "bad.json"
expect_absent p.csv
report "predict: malformed model JSON"

printf 'x1,x2,y\n1,2,3\n4,nan,5\n' >nan.csv
run predict --model m.json --data nan.csv --out p.csv
expect_rc 1; expect_prefix predict; expect_err "nan.csv:3:"
expect_absent p.csv
report "predict: bad data file names the file and line"

# ------------------------------------------- numbers that read back exactly
# cJSON's printer stops at 15 digits when they are within one DBL_EPSILON of
# the value; the model's weights must read back as the very doubles the
# solve printed (%.17g), not one unit in the last place off.
run generate --samples 200 --features 8 --seed 3 --out exact.csv
run solve --data exact.csv --model-out exact.json
expect_rc 0; expect_exists exact.json
cp "$out" exact.txt
pycheck "model and report numbers" '
import json, sys
txt = [l for l in open(sys.argv[1]) if l.startswith("weights")][0].split()[1:]
printed = [float(t) for t in txt]
m = json.load(open(sys.argv[2]))
if m["weights"] != printed:
    print("model weights differ from the printed ones:", m["weights"], printed)
' exact.txt exact.json
report "model JSON keeps every double exactly (17 digits where needed)"

# Predictions are written as data CSVs are: each value Python's repr of the
# double (the shortest text that reads back to it), with and without
# intervals; the values are the model's x.w + b (within 1e-12 relative:
# Python sums in another order).
run predict --model exact.json --data exact.csv --out short.csv
expect_rc 0; expect_exists short.csv
run predict --model exact.json --data exact.csv --out shorti.csv \
    --interval prediction
expect_rc 0; expect_exists shorti.csv
pycheck "shortest predictions" '
import csv, json, sys
m = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
for path, cols in ((sys.argv[3], ["y_pred"]),
                   (sys.argv[4], ["y_pred", "lower", "upper"])):
    out = list(csv.DictReader(open(path)))
    if len(out) != len(rows) or list(out[0].keys()) != cols:
        sys.exit("%s: %d rows, columns %s" % (path, len(out), list(out[0])))
    for r, o in zip(rows, out):
        for c in cols:
            if repr(float(o[c])) != o[c]:
                sys.exit("%s: %r is not the shortest text" % (path, o[c]))
        x = [float(r["x%d" % (j + 1)]) for j in range(len(m["weights"]))]
        want = sum(a * b for a, b in zip(x, m["weights"])) + m["bias"]
        got = float(o["y_pred"])
        if abs(got - want) > 1e-12 * max(1.0, abs(want)):
            sys.exit("%s: y_pred %r, x.w + b %r" % (path, got, want))
        if c == "upper" and not float(o["lower"]) < got < float(o["upper"]):
            sys.exit("%s: interval %s %s around %r" % (path, o["lower"], o["upper"], got))
' exact.json exact.csv short.csv shorti.csv
report "predict --out: shortest round-trip values, with and without intervals"
