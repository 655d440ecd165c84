# tests/cli/output.sh -- output files: all or nothing, and never a file that
# was not asked for (issue 8, section 3): links written through, FIFOs and
# devices written in place, '-' for standard output, permission bits kept,
# the outputs of one command renamed together or not at all, two outputs on
# one path refused, signals and SIGBUS leaving no temporary file, and the
# history size checked for overflow. Sourced by tests/cli.sh.

# no_temps: no temporary file (*.tmp.*) is left under the current directory.
no_temps() {
    local left
    left=$(find . -name '*.tmp.*' 2>/dev/null | head -n 3)
    [ -z "$left" ] || fail "temporary files left: $left"
}

# mode_of FILE: its permission bits in octal.
mode_of() {
    stat -c %a "$1"
}

# -------------------------------------------------------- permission bits

rm -f g.csv && plant g.csv && chmod 600 g.csv
run generate --samples 4 --features 2 --out g.csv
expect_rc 0
[ "$(mode_of g.csv)" = 600 ] || fail "g.csv is now $(mode_of g.csv), was 600"
head -n 1 g.csv | grep -qx 'x1,x2,y' || fail "g.csv was not rewritten"
report "an existing output keeps its permission bits (0600 stays 0600)"

good_csv >pb.csv
plant pbm.json && chmod 640 pbm.json
run train --data pb.csv --iters 5 --model-out pbm.json --quiet
expect_rc 0
[ "$(mode_of pbm.json)" = 640 ] || fail "pbm.json is now $(mode_of pbm.json), was 640"
grep -q '"weights"' pbm.json || fail "pbm.json holds no model"
report "train --model-out over a 0640 model keeps 0640"

rm -f nb.csv
(umask 027 && "$linreg" generate --samples 3 --features 1 --out nb.csv 2>/dev/null)
[ "$(mode_of nb.csv)" = 640 ] || fail "new file under umask 027 is $(mode_of nb.csv), not 640"
report "a new output gets 0666 less the umask"

# ---------------------------------------------------------- links, devices

rm -rf lk && mkdir -p lk/sub && plant lk/real.csv
ln -s ../real.csv lk/sub/link.csv
run generate --samples 4 --features 2 --out lk/sub/link.csv
expect_rc 0
[ -L lk/sub/link.csv ] || fail "the link lk/sub/link.csv was replaced by a file"
[ "$(readlink lk/sub/link.csv)" = ../real.csv ] || fail "the link now points elsewhere"
head -n 1 lk/real.csv | grep -qx 'x1,x2,y' || fail "the link's target lk/real.csv was not written"
[ "$(wc -l <lk/real.csv)" -eq 5 ] || fail "lk/real.csv has $(wc -l <lk/real.csv) lines, not 5"
no_temps
report "a relative symbolic link as output is written through and stays a link"

rm -f dang.csv made.csv && ln -s made.csv dang.csv
run generate --samples 3 --features 1 --coef-out dang.csv
expect_rc 0
[ -L dang.csv ] && [ -s made.csv ] || fail "a dangling link did not get its target made.csv"
report "a dangling symbolic link creates its target"

# As root a regular file replacing /dev/null would break the machine: put
# the device back if a regression ever replaces it.
run generate --samples 5 --features 2 --out /dev/null --coef-out /dev/null
expect_rc 0
if [ ! -c /dev/null ]; then
    fail "/dev/null is no longer a character device"
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3
fi
ls /dev/null.tmp.* >/dev/null 2>&1 && fail "temporary files left in /dev"
report "--out /dev/null --coef-out /dev/null write to the device, not over it"

rm -f ff ff.got && mkfifo ff
timeout 20 cat ff >ff.got &  # bounded: a broken run never opens the FIFO
reader=$!
run generate --samples 6 --features 2 --out ff
expect_rc 0
wait "$reader"
[ -p ff ] || fail "the FIFO ff was replaced by a regular file"
[ "$(wc -l <ff.got)" -eq 7 ] || fail "the FIFO's reader got $(wc -l <ff.got) lines, not 7"
no_temps
report "a FIFO as output is written in place (a reader gets the data)"

rm -f ./-
"$linreg" generate --samples 4 --features 2 --seed 3 --out - >dash.out 2>"$err"
rc=$?; last_cmd="linreg generate --out -"
expect_rc 0
"$linreg" generate --samples 4 --features 2 --seed 3 --out dash.ref 2>/dev/null
cmp -s dash.out dash.ref || fail "--out - did not print what --out FILE writes"
[ ! -e ./- ] || fail "a file named '-' was created"
report "generate --out - writes the data to standard output"

good_csv >pd.csv
"$linreg" train --data pd.csv --iters 20 --model-out pdm.json --quiet >/dev/null 2>&1
rm -f ./-
"$linreg" predict --model pdm.json --data pd.csv --out - >pd.out 2>"$err"
rc=$?; last_cmd="linreg predict --out -"
expect_rc 0
"$linreg" predict --model pdm.json --data pd.csv --out pd.ref >/dev/null 2>&1
cmp -s pd.out pd.ref || fail "predict --out - did not print exactly the predictions file"
expect_err "mse"
[ ! -e ./- ] || fail "a file named '-' was created"
report "predict --out - prints the predictions only (the metrics go to stderr)"

# /dev/stdout as an unprivileged user: a dup of descriptor 1, not a
# temporary file in /dev (Permission denied before)
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    rm -f nobody.out
    setpriv --reuid=65534 --regid=65534 --clear-groups "$linreg" generate \
        --samples 3 --features 2 --out /dev/stdout >nobody.out 2>"$err"
    rc=$?; last_cmd="(as nobody) linreg generate --out /dev/stdout"
    expect_rc 0
    [ "$(wc -l <nobody.out)" -eq 4 ] || fail "stdout got $(wc -l <nobody.out) lines, not 4"
    report "--out /dev/stdout as an unprivileged user writes to standard output"
else
    echo "# skipped: /dev/stdout as an unprivileged user (needs root and setpriv)"
fi

# ------------------------------------------------- two outputs, one path

rm -f same.csv
run generate --samples 3 --features 2 --out same.csv --coef-out ./same.csv
expect_rc 2; expect_prefix generate; expect_err "--out and --coef-out" "same file"
expect_absent same.csv
report "usage error: generate --out and --coef-out on one path (a.csv, ./a.csv)"

rm -f sm.json && ln -sf sm.json sm-link.json
run train --samples 20 --features 2 --iters 3 --model-out sm.json --report sm-link.json
expect_rc 2; expect_prefix train; expect_err "--model-out and --report" "same file"
expect_absent sm.json
report "usage error: train --model-out and --report on one file (through a link)"

plant hl.csv && ln -f hl.csv hl2.csv
run generate --samples 3 --features 2 --out hl.csv --coef-out hl2.csv
expect_rc 2; expect_err "same file"
expect_kept hl.csv
report "usage error: two outputs that are hard links of one file"

# ------------------------------------------------- all or nothing

# the second output on a full device: the first is not left behind
rm -f an.npy && ln -sf /dev/full full.npy
run generate --samples 500 --features 3 --out an.npy --target-out full.npy
expect_rc 1; expect_prefix generate; expect_err "full.npy" "No space left on device"
expect_absent an.npy
no_temps
report "generate X.npy + y.npy: y on a full device leaves no X.npy"

plant ok.json
run train --samples 30 --features 2 --iters 10 --model-out ok.json --report full.npy
expect_rc 1; expect_err "No space left on device"
expect_kept ok.json
no_temps
report "train: a failing --report leaves the old --model-out untouched"

# a file-size limit (ulimit -f): EFBIG reported, nothing left
rm -f lim.csv lim-coef.csv
(ulimit -f 20 && "$linreg" generate --samples 2000 --features 4 --out lim.csv \
    --coef-out lim-coef.csv >/dev/null 2>"$err")
rc=$?; last_cmd="(ulimit -f 20) linreg generate --out lim.csv --coef-out lim-coef.csv"
expect_rc 1; expect_err "lim.csv" "write failed"
expect_absent lim.csv lim-coef.csv
no_temps
report "a write past ulimit -f fails with a message and leaves no output"

# a real full file system, when this machine lets root mount a tmpfs
rm -rf small && mkdir small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
    plant small/m.json
    run train --samples 200 --features 3 --iters 2000 --log-every 1 --quiet \
        --model-out small/m.json --report small/r.json
    expect_rc 1; expect_err "small/r.json" "No space left on device"
    expect_kept small/m.json
    expect_absent small/r.json
    [ -z "$(ls small | grep -v '^m.json$')" ] || fail "left in small/: $(ls small)"
    report "train on a full tmpfs: the model fits, the report does not: neither is written"
    umount small
else
    echo "# skipped: full tmpfs (mount not permitted here)"
fi

# driver and scale: a failure at the last file removes all the others
rm -rf dd && mkdir dd && ln -s /dev/full dd/driver.json
run driver --out dd --samples 2000 --features 4 --iters 5 --repeat 1 --max-threads 1
expect_rc 1; expect_err "driver.json"
left=$(ls dd | grep -v '^driver.json$')
[ -z "$left" ] || fail "a failed driver left: $left"
report "driver: a failing driver.json leaves none of the other 6 files"

rm -rf sd && mkdir sd && ln -s /dev/full sd/loss.csv
run scale --threads 1 --samples 2000 --features 4 --iters 3 --repeat 1 --warmup 0 --out sd
expect_rc 1; expect_err "loss.csv"
left=$(ls sd | grep -v '^loss.csv$')
[ -z "$left" ] || fail "a failed scale left: $left"
report "scale: a failing loss.csv leaves none of the other 3 files"

# output directories checked before any work
plant afile
run scale --threads 1 --samples 2000 --features 4 --iters 3 --repeat 1 --out afile
expect_rc 1; expect_prefix scale; expect_err "afile" "not a directory"
grep -q "linreg scale on" "$out" && fail "scale timed before failing on --out"
expect_kept afile
report "scale --out A-FILE fails before any timing"

run driver --out afile --samples 2000 --features 4 --iters 5 --repeat 1
expect_rc 1; expect_prefix driver; expect_err "afile" "not a directory"
[ -s "$out" ] && fail "driver printed results before failing on --out"
report "driver --out A-FILE fails before any work"

run bench --sizes a --repeat 1 --threads 1 --out no/such/dir/bench.csv
expect_rc 1; expect_prefix bench; expect_err "no/such/dir/bench.csv"
grep -q "^a " "$out" && fail "bench timed before failing on --out"
report "bench --out in a missing directory fails before any timing"

# ------------------------------------------------------------- signals

# start_writer CMD...: run linreg in the background (stderr to $err) and
# wait (up to 60 s) until a temporary file beside its output has data.
start_writer() {
    "$linreg" "$@" >/dev/null 2>"$err" &
    bg=$!
    last_cmd="linreg $*"
    local i
    for i in $(seq 1 1200); do
        [ -n "$(find . -maxdepth 1 -name '*.tmp.*' -size +0 2>/dev/null)" ] && return 0
        kill -0 "$bg" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

n=0
for sig in TERM INT HUP; do
    n=$((n + 1))
    rm -f big.csv
    if start_writer generate --samples 400000 --features 40 --out big.csv; then
        kill -"$sig" "$bg"
        wait "$bg"; rc=$?
        expect_rc $((128 + $(kill -l "$sig")))
    else
        wait "$bg"
        fail "no temporary file with data appeared before generate ended"
    fi
    expect_absent big.csv
    no_temps
    report "SIG$sig during generate --out big.csv: exit 128+$(kill -l "$sig"), no temporary left"
done

"$linreg" generate --samples 1500000 --features 4 --generator fast --out pX.npy --target-out pY.npy \
    2>/dev/null
printf '{"format":"linreg-model","version":1,"n_features":4,"feature_names":["x1","x2","x3","x4"],"weights":[1.5,-2.25,0.75,3.125],"bias":0.5}\n' >p4.json
rm -f pred.csv
if start_writer predict --model p4.json --data pX.npy --out pred.csv; then
    kill -TERM "$bg"
    wait "$bg"; rc=$?
    expect_rc 143
else
    wait "$bg"
    fail "no temporary file with data appeared before predict ended"
fi
expect_absent pred.csv
no_temps
report "SIGTERM during predict --out: exit 143, no temporary left"
rm -f pX.npy pY.npy

# ------------------------------------------------------------- SIGBUS

"$linreg" generate --samples 300000 --features 20 --generator fast \
    --out bX.npy --target-out by.npy 2>/dev/null
rm -f bm.json
timeout 120 "$linreg" train --data bX.npy --target-file by.npy --no-exact \
    --iters 1000000000 --log-every 1000 --model-out bm.json >/dev/null 2>"$err" &
bg=$!
last_cmd="linreg train --data bX.npy (truncated while it runs)"
for i in $(seq 1 1200); do
    grep -q '^ *0  ' "$err" && break  # the first row of the table: iterating
    kill -0 "$bg" 2>/dev/null || break
    sleep 0.05
done
truncate -s 4096 bX.npy
wait "$bg"; rc=$?
expect_rc 1; expect_prefix train; expect_err "bX.npy changed while being read"
expect_absent bm.json
no_temps
report "a .npy truncated while train runs: exit 1, 'changed while being read', no model"
rm -f bX.npy by.npy

# ---------------------------------------------------- sizes from user numbers

run train --samples 20 --features 2 --iters 2305843009213693949 --log-every 1 --quiet
expect_rc 1; expect_prefix train; expect_err "--iters 2305843009213693949" "overflow"
report "train --iters 2^61-3 --log-every 1: history size overflow refused, no crash"

run bench --csv-mb 18446744073709551615 --sizes a --repeat 1
expect_rc 2; expect_prefix bench; expect_err "--csv-mb" "overflows"
report "usage error: bench --csv-mb whose byte count overflows"

run scale --mode weak --samples 1e19 --threads 1,2
expect_rc 2; expect_prefix scale; expect_err "--samples 10000000000000000000 x 2 threads" "overflows"
report "usage error: scale --mode weak whose samples x threads overflows"
