# tests/cli/load.sh -- train's default team follows the load: it shrinks
# while other processes keep the cores busy and grows back when they leave
# (LINREG_TEST_LOAD injects the samples: the others' runnable tasks, one a
# pass), with the same bits under --deterministic, the report and the
# summary saying what ran, and a quiet fall back when /proc cannot be read.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# 40000 x 8 = 320000 elements: by the work rule up to 9 threads, so the
# default team is every core (the tests that need two skip on one core).
big=(--samples 40000 --features 8 --generator fast --seed 5 --iters 60
     --lr 0.1 --no-exact)
cores=$(nproc 2>/dev/null || echo 1)

# team_py R.JSON ADAPTIVE THREADS MIN MAX SWITCHES: the report's team
# fields ("T" for THREADS, MAX or MIN stands for the default team: the
# cores, at most 9)
team_py='
import json, sys
r = json.load(open(sys.argv[1]))
T = min(int(sys.argv[7]), 9)
want = [sys.argv[2] == "true"] + [T if v == "T" else int(v) for v in sys.argv[3:7]]
got = [r.get(k) for k in ("threads_adaptive", "threads", "threads_min",
                          "threads_max", "thread_switches")]
if got != want:
    print("adaptive, threads, min, max, switches:", got, "expected", want)
'

# load_run HOOK NAME ARGS...: train the big problem with LINREG_TEST_LOAD
# set to HOOK, model NAME.json, report rNAME.json
load_run() {
    local hook=$1 name=$2
    shift 2
    rm -f "$name.json" "r$name.json"
    LINREG_TEST_LOAD=$hook run train "${big[@]}" --model-out "$name.json" \
        --report "r$name.json" "$@"
}

if [ "$cores" -lt 2 ]; then
    echo "ok - load: skipped, one core (the default team is one thread)"
    return 0 2>/dev/null || exit 0
fi

# ------------------------------------------------ shrinks and grows back

# 4 samples of 64 others (no core free): one thread; 4 of none: all again
load_run 64,64,64,64,0 shrink --deterministic
expect_rc 0
need rshrink.json && pycheck "report" "$team_py" rshrink.json true T 1 T 2 "$cores"
expect_out "(following the load: 1 to $((cores < 9 ? cores : 9)), 2 changes)"
report "default team: shrinks to 1 thread under load, grows back when it leaves (report and summary say so)"

# a team that flaps: 6 changes, and the model of one thread to the bit
run train "${big[@]}" --threads 1 --deterministic --model-out one.json
expect_rc 0
load_run 64,64,64,64,0,0,0,0,64,64,64,64,0,0,0,0,64,64,64,64,0 flap \
    --deterministic
expect_rc 0
need rflap.json && pycheck "report" "$team_py" rflap.json true T 1 T 6 "$cores"
need one.json flap.json && { cmp -s one.json flap.json ||
    fail "--deterministic with 6 team changes: model differs from --threads 1"; }
need one.json shrink.json && { cmp -s one.json shrink.json ||
    fail "--deterministic with 2 team changes: model differs from --threads 1"; }
report "--deterministic: the same model file, to the bit, across forced team changes"

# the reduction clause: bits may follow the team, values to rounding
run train "${big[@]}" --threads 1 --model-out c1.json
expect_rc 0
load_run 64,64,64,64,0,0,0,0,64,64,64,64,0 clause
expect_rc 0
need rclause.json && pycheck "report" "$team_py" rclause.json true T 1 T 4 "$cores"
# 60 steps of a contraction from the same start: sums in another order
# differ by a few ulps a pass; 1e-11 relative is far above that and far
# below any difference in the iteration itself
need c1.json clause.json && pycheck "clause weights against --threads 1" '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for u, v in zip(a["weights"] + [a["bias"]], b["weights"] + [b["bias"]]):
    if abs(u - v) > 1e-11 * max(abs(u), 1e-300):
        print("weight", u, "vs", v)
' c1.json clause.json
report "reduction clause across team changes: weights within 1e-11 of one thread's"

# ------------------------------------------------------ what turns it off

load_run 64 fixed --threads 2
expect_rc 0
need rfixed.json && pycheck "report" "$team_py" rfixed.json false 2 2 2 0 "$cores"
expect_out "threads         2"
grep -q "following the load" "$out" && fail "the summary says the team followed the load"
report "--threads 2: a fixed team, whatever the load"

rm -f romp.json
OMP_NUM_THREADS=2 LINREG_TEST_LOAD=64 run train "${big[@]}" --report romp.json
expect_rc 0
need romp.json && pycheck "report" "$team_py" romp.json false 2 2 2 0 "$cores"
report "OMP_NUM_THREADS=2: a fixed team, whatever the load"

# ------------------------------------------------------------ /proc fails

load_run x quiet
expect_rc 0
need rquiet.json && pycheck "report" "$team_py" rquiet.json true T T T 0 "$cores"
[ -s "$err" ] && grep -qiE 'load|proc' "$err" && fail "stderr mentions the load"
report "an unreadable /proc/loadavg: the full team, silently"

# shrunk, then the reading fails: back to the full team, then no more
load_run 64,64,64,64,64,x,0,0,0,0,64,64,64,64,64 back --deterministic
expect_rc 0
need rback.json && pycheck "report" "$team_py" rback.json true T 1 T 2 "$cores"
need one.json back.json && { cmp -s one.json back.json ||
    fail "model differs from --threads 1"; }
report "a reading that fails after a shrink: back to the full team for good"

# ------------------------------------------------------- the real reading

rm -f rreal.json
run train "${big[@]}" --report rreal.json
expect_rc 0
need rreal.json && pycheck "report" '
import json, sys
r = json.load(open(sys.argv[1]))
T = min(int(sys.argv[2]), 9)
ok = (r["threads_adaptive"] is True and r["threads"] == T
      and 1 <= r["threads_min"] <= r["threads_max"] <= T
      and r["thread_switches"] >= 0)
if not ok:
    print({k: r[k] for k in r if k.startswith("thread")})
' rreal.json "$cores"
report "default run on /proc/loadavg: a team between 1 and the cores, in the report"
