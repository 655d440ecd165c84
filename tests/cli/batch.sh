# tests/cli/batch.sh -- linreg batch (issue 12): a file of train option
# lines run J at once x T threads, results rows for ok and failing jobs,
# shell-like quoting, comments and blank lines, exit statuses, --resume
# after SIGINT, each data set loaded once, J x T within the cores by
# default (LINREG_TEST_CORES fakes the count), and models byte-identical
# to the same `linreg train` alone. Sourced by tests/cli.sh.

# rows_py: the results file ($1) parsed by Python's csv module; prints
# "LINE STATUS EXIT" per row, for comparing with the expected rows
rows_py='
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
if head != ["line", "options", "status", "exit", "message", "iterations",
            "stop_reason", "final_mse", "r2", "gap", "seconds", "model"]:
    print("header", head); sys.exit(1)
for r in rows[1:]:
    if len(r) != 12:
        print("row of", len(r), "fields:", r); sys.exit(1)
got = sorted((int(r[0]), r[2], r[3]) for r in rows[1:])
want = [tuple(w.split(":")) for w in sys.argv[2:]]
want = [(int(a), b, c) for a, b, c in want]
if got != want:
    print("rows", got, "expected", want)
'

# the data: a CSV file (a name with a blank) and generated ones
"$linreg" generate --samples 600 --features 3 --noise 2 --seed 11 \
    --out 'my data.csv' >/dev/null 2>&1
ln -sf 'my data.csv' link.csv

# --------------------------------------------------------------- usage

run batch --help
expect_rc 0
expect_out "usage: linreg batch JOBS" "J x T never exceeds" "NOT all or nothing" \
    "LINREG_TEST_CORES" "--resume"
report "batch --help states the J x T rule, the results file and the hook"

run batch
expect_rc 2; expect_prefix batch; expect_err "JOBS"
report "batch without JOBS: usage error"

printf -- '--samples 50 --features 2 --iters 5\n' >one.jobs
run batch one.jobs --bogus
expect_rc 2; expect_prefix batch; expect_err "--bogus"
report "batch --bogus: usage error"

run batch one.jobs --resume
expect_rc 2; expect_err "--resume" "--out"
report "batch --resume without --out: usage error"

run batch one.jobs --jobs 0
expect_rc 2; expect_err "--jobs"
report "batch --jobs 0: usage error"

cp one.jobs keep.jobs
run batch keep.jobs --out ./keep.jobs
expect_rc 2; expect_err "JOBS file"
cmp -s one.jobs keep.jobs || fail "the JOBS file was changed"
report "--out naming the JOBS file: usage error, JOBS kept"

run batch nosuch.jobs
expect_rc 1; expect_prefix batch; expect_err "nosuch.jobs"
report "an unreadable JOBS file: exit 1 naming it"

# ------------------------------------- rows for ok and failing jobs, quoting

cat >mixed.jobs <<'EOF'
# comments and blank lines are no jobs

  # an indented comment
--data 'my data.csv' --iters 50 --lr auto --model-out "m a.json" --quiet
--data my\ data.csv --iters 50 --lr "0.1" --report r.json   # a trailing comment
--data 'my data.csv' --bogus
--data 'my data.csv' --lr 400 --iters 50
--data nosuch.csv --iters 5
--data 'my data.csv --iters 5
--data "my data.csv" --iters 5 --model-out 'm a.json'
--data "my data.csv" --iters 5 --model-out res.csv
--data "my \"data.csv" --iters 5
EOF
rm -f res.csv 'm a.json' r.json
run batch mixed.jobs --out res.csv --jobs 2 --threads 2
expect_rc 1
expect_exists res.csv 'm a.json' r.json
need res.csv && pycheck "rows of ok and failing jobs" "$rows_py" res.csv \
    4:ok:0 5:ok:0 6:error:2 7:error:1 8:error:1 9:error:2 10:error:2 \
    11:error:2 12:error:1
need res.csv && pycheck "messages, options text and columns" '
import csv, sys
rows = {int(r[0]): r for r in list(csv.reader(open(sys.argv[1], newline="")))[1:]}
lines = open(sys.argv[2]).read().split("\n")
for k, r in rows.items():
    if r[1] != lines[k - 1].strip():
        print("options of line", k, repr(r[1]), "!=", repr(lines[k - 1].strip()))
want = {6: "--bogus", 7: "exceeds 2/L", 8: "nosuch.csv", 9: "unterminated",
        10: "line 4 writes that file too", 11: "results file",
        12: "my \"data.csv"}
for k, phrase in want.items():
    if phrase not in rows[k][4]:
        print("line", k, "message", repr(rows[k][4]), "lacks", repr(phrase))
ok = rows[4]
if ok[5] != "50" or ok[6] != "max_iter" or not ok[11] == "m a.json":
    print("ok row", ok)
if not (float(ok[8]) > 0.9 and float(ok[7]) > 0 and float(ok[10]) >= 0):
    print("metrics of the ok row", ok[7:11])
if rows[7][11] or rows[7][7]:
    print("a failed job names a model or an MSE", rows[7])
' res.csv mixed.jobs
expect_err "line 6:" "line 7:"
report "rows for ok and failing jobs: quoting, comments, blank lines, messages"

cat >quote.jobs <<'EOF'
--samples 50 --features 2 --iters 5 --model-out 'q'"u"\o\ te.json --report "d\\x\$\`\"y.json"
--samples 50 --features 2 --iters 5 --report 'a\b"c.json' --model-out ''
EOF
rm -f 'quo te.json' 'd\x$`"y.json' 'a\b"c.json'
run batch quote.jobs --out q.csv
expect_rc 1
expect_exists 'quo te.json' 'd\x$`"y.json'
expect_absent 'a\b"c.json'
need q.csv && pycheck "the empty word '' fails its line" "$rows_py" q.csv 1:ok:0 2:error:1
report "quoting: '...', \"...\" with \\\\ \\\$ \\\` \\\", a backslash, and an empty ''"

printf -- '--samples 80 --features 2 --iters 20 --quiet\n\n--samples 90 --features 2 --iters 20\n' >ok.jobs
run batch ok.jobs
expect_rc 0
expect_out "2 jobs: 2 ok, 0 failed"
report "every job ok: exit 0, no results file needed"

# ---------------------------------- models equal to train alone (J, T > 1)

cat >det.jobs <<'EOF'
--data link.csv --iters 400 --lr auto --deterministic --model-out b1.json
--samples 9000 --features 6 --generator fast --seed 5 --iters 300 --lr auto --deterministic --model-out b2.json
--samples 700 --features 4 --seed 3 --noise 1 --iters 300 --standardize --deterministic --model-out b3.json --threads 2
--samples 9000 --features 6 --generator fast --seed 5 --iters 300 --optimizer nesterov --lr auto --deterministic --model-out b4.json
EOF
rm -f b?.json a?.json
run batch det.jobs --jobs 2 --threads 2
expect_rc 0
expect_out "2 jobs at once x 2 threads each" "3 exact optima solved"
i=0
while IFS= read -r l; do
    i=$((i + 1))
    eval "set -- $l"
    "$linreg" train "$@" --model-out "a$i.json" --quiet >/dev/null 2>&1 \
        || fail "train alone failed on line $i"
    cmp -s "a$i.json" "b$i.json" || fail "line $i: the model differs from train alone's"
done <det.jobs
report "models of 2 jobs x 2 threads (CSV, fast and sklearn data; lines 2 and 4 share one exact optimum) byte-identical to train alone"

# -------------------------------------------------- data sets loaded once

cat >share.jobs <<'EOF'
--data 'my data.csv' --iters 30 --quiet
--data ./my\ data.csv --iters 30 --lr 0.02
--data link.csv --iters 30 --init zeros
--data link.csv --target x1 --iters 30 --lr auto
--samples 500 --features 3 --seed 2 --iters 30
--samples 500 --features 3 --seed 2 --iters 40
--samples 500 --features 3 --seed 3 --iters 30
EOF
run batch share.jobs --jobs 2
expect_rc 0
expect_out "7 jobs: 7 ok" "4 data sets loaded for 7 jobs"
report "one data set per distinct file (by real path) and per generator options"

# ---------------------------------------------------- J x T and the cores

printf -- '--samples 60 --features 2 --iters 10\n%.0s' 1 2 3 4 5 >small.jobs
LINREG_TEST_CORES=3 run batch small.jobs
expect_rc 0; expect_out "3 jobs at once x 1 thread each (3 cores)"
report "5 small jobs on 3 cores: 3 jobs x 1 thread"

LINREG_TEST_CORES=1 run batch small.jobs
expect_rc 0; expect_out "1 job at once x 1 thread each (1 core)"
report "5 small jobs on 1 core: 1 job x 1 thread"

# 20000 x 9: train alone would take 7 threads (one per 24576 elements)
printf -- '--samples 20000 --features 9 --generator fast --iters 5 --no-exact\n' >big.jobs
OMP_NUM_THREADS=8 LINREG_TEST_CORES=4 run batch big.jobs
expect_rc 0; expect_out "1 job at once x 4 threads each (4 cores)"
report "one large job on 4 cores: 1 job x 4 threads"

cat big.jobs big.jobs big.jobs >big3.jobs
OMP_NUM_THREADS=8 LINREG_TEST_CORES=8 run batch big3.jobs
expect_rc 0; expect_out "3 jobs at once x 2 threads each (8 cores)"
report "3 large jobs on 8 cores: 3 jobs x 2 threads"

OMP_NUM_THREADS=8 LINREG_TEST_CORES=5 run batch big3.jobs --threads 2
expect_rc 0; expect_out "2 jobs at once x 2 threads each (5 cores)"
report "--threads 2 on 5 cores: 2 jobs"

run batch small.jobs
expect_rc 0
pycheck "J x T within the affinity mask's cores" '
import os, re, sys
m = re.search(r"(\d+) jobs? at once x (\d+) threads? each \((\d+) cores?\)", open(sys.argv[1]).read())
if not m:
    print("no J x T line"); sys.exit(0)
j, t, c = map(int, m.groups())
if c != len(os.sched_getaffinity(0)) or j * t > c:
    print(j, "x", t, "on", c, "cores; the mask has", len(os.sched_getaffinity(0)))
' "$out"
report "J x T never above the cores by default (no hook)"

LINREG_TEST_CORES=zero run batch small.jobs
expect_rc 2; expect_err "LINREG_TEST_CORES"
report "a bad LINREG_TEST_CORES is refused"

# ---------------------------------------------- --resume after SIGINT

: >long.jobs
for s in 1 2 3 4 5 6; do
    printf -- '--samples 20000 --features 9 --iters 2500 --init-seed %s --deterministic --model-out k%s.json --report k%s.rep\n' "$s" "$s" "$s" >>long.jobs
done
printf -- '--samples 20000 --features 9 --lr 9 --iters 50\n' >>long.jobs
rm -f k*.json k*.rep int.csv full.csv
"$linreg" batch long.jobs --out int.csv --jobs 1 >int.out 2>int.err &
bpid=$!
for _ in $(seq 1 600); do # until the first row (at most 60 s)
    [ -f int.csv ] && [ "$(wc -l <int.csv)" -ge 2 ] && break
    sleep 0.1
done
kill -INT "$bpid"
wait "$bpid"
brc=$?
[ "$brc" -eq 130 ] || fail "the interrupted batch exited $brc, not 130"
left=$(find . -name '*.tmp.*' | head -n 3)
[ -z "$left" ] || fail "temporary files left: $left"
nrows=$(($(wc -l <int.csv) - 1))
[ "$nrows" -ge 1 ] && [ "$nrows" -lt 7 ] || fail "$nrows rows after the interrupt, expected 1..6"
grep -q "interrupted" int.out || fail "the summary does not say interrupted"
printf '7,"--samples 20000' >>int.csv # a row cut short by a kill -9
run batch long.jobs --out int.csv --resume --jobs 2
expect_rc 1 # the diverging line 7
expect_out "skipped (already ok in int.csv)"
"$linreg" batch long.jobs --out full.csv --jobs 2 >/dev/null 2>&1
need int.csv full.csv && pycheck "resumed rows equal an uninterrupted run's but for seconds" '
import csv, sys
def last(path):
    rows = list(csv.reader(open(path, newline="")))
    out = {}
    for r in rows[1:]:
        if len(r) != 12:
            print(path, "has a row of", len(r), "fields"); sys.exit(0)
        out[r[0]] = r[:10] + r[11:]
    return out
a, b = last(sys.argv[1]), last(sys.argv[2])
if a != b:
    print("differ:", {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)})
if sorted(a) != [str(k) for k in range(1, 8)]:
    print("lines", sorted(a))
' int.csv full.csv
report "SIGINT mid-batch: exit 130, no temporaries, rows kept; --resume completes it"

run batch long.jobs --out mixed.jobs --resume
expect_rc 1; expect_err "not a results file"
report "--resume on a file that is not a results file: exit 1"

# ------------------------------------------------------------ progress

run batch small.jobs --progress
expect_rc 0; expect_err "5/5 done, 0 failed"
report "--progress: a line per finished job on stderr when not a terminal"

run batch small.jobs
grep -q "done, " "$err" && fail "a progress line on stderr that is not a terminal"
report "no progress line when stderr is not a terminal"
