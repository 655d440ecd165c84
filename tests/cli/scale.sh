# tests/cli/scale.sh -- the scale and bandwidth commands (scale's flags and
# the driver are in scaling.sh).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

rm -rf sc
run scale --samples 40000 --features 8 --threads 1,2,3 --iters 5 --repeat 3 \
    --reduce clause,deterministic --precision double,float --out sc
expect_rc 0
expect_exists sc/scaling.csv sc/summary.csv sc/env.json sc/loss.csv
need sc/summary.csv && pycheck sc/summary.csv '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if len(rows) != 12:
    print(len(rows), "summary rows, expected 3 threads x 2 reduce x 2 precision = 12")
for r in rows:
    if r["reduce"] == "deterministic" and float(r["max_abs_dw"]) != 0.0:
        print("deterministic row with max|dw|", r["max_abs_dw"], r)
    if r["threads"] == "1" and float(r["speedup"]) != 1.0:
        print("1-thread speedup", r["speedup"])
' sc/summary.csv
if ! [ -s sc/scaling.csv ] || [ "$(wc -l < sc/scaling.csv)" -ne 37 ]; then
    fail "scaling.csv should have 36 rows (12 configurations x 3 repeats) and a header"
fi
report "scale: strong scaling table, CSVs and env.json; deterministic rows identical"

run bandwidth --threads 1,2 --mb 16
expect_rc 0
expect_out "read GB/s"
report "bandwidth: read probe at 1 and 2 threads"
