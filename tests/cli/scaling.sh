# tests/cli/scaling.sh -- scaling results that do not mislead: `scale` and
# `driver` flag a speedup above 1.1 x threads, an IQR above 10% of the
# median and oversubscription in their tables, CSVs and plots; they warn of
# more threads than cores and of a busy machine; env.json records the load,
# the governor and the binding. Timing never decides: the times come from
# the test hook LINREG_TEST_TIMES, the load average from LINREG_TEST_LOADAVG
# (see src/cli/sweep.c). Expected medians, quartiles and speedups are
# NumPy's (np.median, np.percentile, linear interpolation). Sourced by
# tests/cli.sh.

scripts_dir=$here/../scripts
printf '0.00 0.01 0.05 1/99 12345\n' >quiet.loadavg

# ------------------------------------------------------ scale, injected

# threads 1,2,3 x reduce clause,deterministic, 3 repeats each, in run order
# (warm-up fits take none). At 2 threads clause's speedup is 2.15 (below
# 1.1 x 2 = 2.2), deterministic's 2.25 (above); at 3 threads clause's IQR is
# 9% of the median, deterministic's 11%.
sc_times="0.0430,0.0430,0.0430, 0.0450,0.0450,0.0450,\
 0.0200,0.0200,0.0200, 0.0200,0.0200,0.0200,\
 0.0218,0.0182,0.0200, 0.0222,0.0178,0.0200"
sc_times=$(printf '%s' "$sc_times" | tr -d ' ')
rm -rf sc
LINREG_TEST_TIMES=$sc_times LINREG_TEST_LOADAVG=quiet.loadavg \
    OMP_PROC_BIND=close OMP_PLACES=cores \
    run scale --samples 20000 --features 4 --threads 1,2,3 --iters 3 --repeat 3 \
    --warmup 1 --reduce clause,deterministic --out sc
expect_rc 0
expect_exists sc/summary.csv sc/scaling.csv sc/env.json
expect_out "flags (rows not to be read as scaling)"
need sc/env.json && pycheck "flags against NumPy" '
import csv, json, sys
import numpy as np
times = [float(v) for v in sys.argv[1].split(",")]
env = json.load(open("sc/env.json"))
cores = env["cores"]
rows = list(csv.DictReader(open("sc/summary.csv")))
raw = [float(r["time_per_iter_s"]) for r in csv.DictReader(open("sc/scaling.csv"))]
if raw != times:
    print("scaling.csv times", raw, "are not the injected", times)
table = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 16 and f[0] == "strong":
        table[(f[1], int(f[3]))] = f[15]
k = 0
med1 = {}
words = set()
for T in (1, 2, 3):
    for red in ("clause", "deterministic"):
        v = np.array(times[k:k + 3]); k += 3
        med = np.median(v)
        iqr = np.percentile(v, 75) - np.percentile(v, 25)
        if T == 1:
            med1[red] = med
        S = med1[red] / med
        # the rules: speedup > 1.1 T, IQR > 0.1 median, T > cores
        want = {"flag_speedup": int(S > 1.1 * T), "flag_iqr": int(iqr > 0.1 * med),
                "flag_oversub": int(T > cores)}
        r = [r for r in rows if r["reduce"] == red and int(r["threads"]) == T]
        if len(r) != 1:
            print("no summary row for", red, T); continue
        r = r[0]
        # tolerances: the CSV prints %.6g (median), %.4g (IQR), %.4f (speedup)
        if abs(float(r["median_s"]) - med) > 1e-6 * med:
            print(red, T, "median", r["median_s"], "numpy", med)
        if abs(float(r["iqr_s"]) - iqr) > 1e-3 * max(iqr, 1e-12):
            print(red, T, "iqr", r["iqr_s"], "numpy", iqr)
        if abs(float(r["speedup"]) - S) > 1e-4:
            print(red, T, "speedup", r["speedup"], "numpy", S)
        got = {c: int(r[c]) for c in want}
        if got != want:
            print(red, T, "flags", got, "expected", want)
        w = [n for n, c in (("speedup", "flag_speedup"), ("iqr", "flag_iqr"),
                            ("oversub", "flag_oversub")) if want[c]]
        words |= set(w)
        if table.get((red, T)) != ("+".join(w) or "-"):
            print(red, T, "table flags", table.get((red, T)), "expected", "+".join(w) or "-")
if set(env["flag_notes"]) != words:
    print("env.json flag_notes", sorted(env["flag_notes"]), "expected", sorted(words))
for key, want in (("OMP_PROC_BIND", "close"), ("OMP_PLACES", "cores"),
                  ("injected_times", True), ("loadavg_start", [0.0, 0.01, 0.05]),
                  ("busy_at_start", False), ("oversubscribed", cores < 3)):
    if env.get(key) != want:
        print("env.json", key, env.get(key), "expected", want)
if "cpu_governor" not in env or "loadavg_end" not in env:
    print("env.json lacks cpu_governor or loadavg_end")
' "$sc_times" "$out"
report "scale: speedup > 1.1 x threads and IQR > 10% of the median flagged in table, summary.csv, env.json (injected times vs NumPy)"

cores=$("$python" -c 'import json; print(json.load(open("sc/env.json"))["cores"])' \
        2>/dev/null || echo 1)

# ----------------------------------------------------------- warnings

over=$((cores + 1))
LINREG_TEST_TIMES=0.01 LINREG_TEST_LOADAVG=quiet.loadavg \
    run scale --samples 5000 --features 4 --threads "1,$over" --iters 2 --repeat 1 --warmup 0
expect_rc 0
expect_err "linreg scale: warning: $over threads asked for on $cores cores"
grep -E "^strong +clause +double +$over .* oversub\$" "$out" >/dev/null \
    || fail "the $over-thread row is not flagged oversub"
report "scale --threads 1,cores+1: oversubscription warning and flag"

LINREG_TEST_TIMES=0.01 LINREG_TEST_LOADAVG=quiet.loadavg \
    run scale --samples 5000 --features 4 --threads 1 --iters 2 --repeat 1 --warmup 0
expect_rc 0
grep -q warning "$err" && fail "a warning on a quiet machine at 1 thread"
report "scale: no warning at 1 thread on a quiet machine"

printf '%d.25 3.50 1.75 7/321 4242\n' $((cores + 2)) >busy.loadavg
rm -rf busy
LINREG_TEST_TIMES=0.01 LINREG_TEST_LOADAVG=busy.loadavg \
    run scale --samples 5000 --features 4 --threads 1 --iters 2 --repeat 1 --warmup 0 \
    --out busy
expect_rc 0
expect_err "linreg scale: warning: the machine is busy at the start: load average $((cores + 2)).25"
need busy/env.json && pycheck "busy env.json" '
import json, sys
e = json.load(open("busy/env.json"))
want = [int(sys.argv[1]) + 2.25, 3.5, 1.75]
if e["loadavg_start"] != want or e["busy_at_start"] is not True:
    print("loadavg_start", e["loadavg_start"], "busy", e["busy_at_start"], "expected", want, True)
' "$cores"
report "scale: busy machine at the start (fake load average) warned and recorded"

rm -rf noload
LINREG_TEST_TIMES=0.01 LINREG_TEST_LOADAVG=no-such.loadavg \
    run scale --samples 5000 --features 4 --threads 1 --iters 2 --repeat 1 --warmup 0 \
    --out noload
expect_rc 0
grep -q "busy" "$err" && fail "busy warning without a load average"
need noload/env.json && pycheck "env.json without load" '
import json
e = json.load(open("noload/env.json"))
if e["loadavg_start"] is not None or e["busy_at_start"] is not False:
    print("loadavg_start", e["loadavg_start"], "busy", e["busy_at_start"])
'
report "scale: an unreadable load average is recorded as null, no warning"

# --threads 2,1 runs 1 thread first: the 2-thread row has its speedup
# (0.03 / 0.01 = 3 > 2.2) and its flag
LINREG_TEST_TIMES=0.03,0.01 LINREG_TEST_LOADAVG=quiet.loadavg \
    run scale --samples 5000 --features 4 --threads 2,1 --iters 2 --repeat 1 --warmup 0
expect_rc 0
grep -E "^strong +clause +double +2 .* 3\.000 .* speedup(\+oversub)?\$" "$out" >/dev/null \
    || fail "the 2-thread row lacks speedup 3.000 and its flag"
report "scale --threads 2,1: the 1-thread base runs first, the 2-thread row is flagged"

LINREG_TEST_TIMES=0.01,abc run scale --samples 5000 --features 4 --threads 1 --iters 2
expect_rc 2
expect_prefix scale
expect_err "LINREG_TEST_TIMES" "abc"
report "scale: a malformed LINREG_TEST_TIMES is a usage error"

# ------------------------------------------------------- driver, injected

# 1 thread: median 0.030, IQR 0.001 (3.3%); 2 threads: median 0.012, speedup
# 2.5 > 2.2, IQR 0.001 (8.3%)
dr_times=0.030,0.031,0.029,0.012,0.013,0.011
rm -rf dr
LINREG_TEST_TIMES=$dr_times LINREG_TEST_LOADAVG=busy.loadavg \
    run driver --samples 20000 --features 4 --iters 5 --repeat 3 --max-threads 2 --out dr
expect_rc 0
expect_exists dr/scaling_summary.csv dr/driver.json
expect_err "linreg driver: warning: the machine is busy at the start"
expect_out "flags (rows not to be read as scaling)"
need dr/driver.json && pycheck "driver flags against NumPy" '
import csv, json, sys
import numpy as np
t = [float(v) for v in sys.argv[1].split(",")]
doc = json.load(open("dr/driver.json"))
m = doc["machine"]
cores = m["cores"]
rows = list(csv.DictReader(open("dr/scaling_summary.csv")))
table = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 9 and f[0].isdigit():
        table[int(f[0])] = f[8]
med1 = np.median(t[0:3])
for T, v in ((1, t[0:3]), (2, t[3:6])):
    med = np.median(v)
    iqr = np.percentile(v, 75) - np.percentile(v, 25)
    S = med1 / med
    want = {"flag_speedup": int(S > 1.1 * T), "flag_iqr": int(iqr > 0.1 * med),
            "flag_oversub": int(T > cores)}
    r = rows[T - 1]
    got = {c: int(r[c]) for c in want}
    if got != want:
        print(T, "scaling_summary.csv flags", got, "expected", want)
    if abs(float(r["iqr_rel"]) - iqr / med) > 1e-4:
        print(T, "iqr_rel", r["iqr_rel"], "numpy", iqr / med)
    j = doc["scaling"][T - 1]
    if {c: int(j[c]) for c in want} != want:
        print(T, "driver.json flags", j, "expected", want)
    w = [n for n, c in (("speedup", "flag_speedup"), ("iqr", "flag_iqr"),
                        ("oversub", "flag_oversub")) if want[c]]
    if table.get(T) != ("+".join(w) or "-"):
        print(T, "table flags", table.get(T), "expected", "+".join(w) or "-")
if "speedup" not in m["flag_notes"] or m["busy_at_start"] is not True:
    print("driver.json machine", m)
for key in ("cpu_governor", "OMP_PROC_BIND", "OMP_PLACES", "loadavg_start"):
    if key not in m:
        print("driver.json machine lacks", key)
' "$dr_times" "$out"
report "driver: flags in table, scaling_summary.csv and driver.json (injected times vs NumPy); busy warning"

# --------------------------------------------------------------- plots

# The plot clauses that ring flagged points, without gnuplot: one per kind
# of flag present, none for a summary without flags.
pl=$(. "$scripts_dir/plot-flags.sh" && flag_plots sc/summary.csv 4 11 19 20 21)
case $pl in *"speedup > 1.1 x threads"*) ;; *) fail "no ring for the speedup flag: $pl" ;; esac
case $pl in *"IQR > 10% of the median"*) ;; *) fail "no ring for the IQR flag: $pl" ;; esac
case $pl in *'using 4:($19 > 0 ? $11 : 1/0)'*) ;; *) fail "speedup ring not on column 19: $pl" ;; esac
printf 'h1,h2,h3\n1,0,0\n2,0,0\n' >noflags.csv
pl=$(. "$scripts_dir/plot-flags.sh" && flag_plots noflags.csv 1 1 2 3 3)
[ -z "$pl" ] || fail "rings on a summary without flags: $pl"
if command -v gnuplot >/dev/null 2>&1; then
    "$scripts_dir/plot-scaling.sh" sc >/dev/null 2>"$err" || fail "plot-scaling.sh failed"
    "$scripts_dir/plot.sh" dr >/dev/null 2>"$err" || fail "plot.sh failed"
    expect_exists sc/speedup.png sc/time.png dr/scaling.png
else
    echo "# skipped: plot-scaling.sh and plot.sh (gnuplot is not installed)"
fi
report "plots: flagged points ringed (gnuplot runs when installed)"
