# tests/cli/lib.sh -- helpers of the command-line tests, sourced by
# tests/cli.sh before every tests/cli/*.sh file. Each file is a group of
# tests, run in its own empty directory under the runner's temporary one:
# a group makes every file it reads (or calls a helper here that does),
# so groups run alone or in any order.

# ---------------------------------------------------------------- helpers

# fail MESSAGE: record a reason of failure of the current test.
fail() {
    why="$why$1
"
}

# run ARGS...: run linreg with ARGS, stdout to $out, stderr to $err.
run() {
    "$linreg" "$@" >"$out" 2>"$err"
    rc=$?
    last_cmd="linreg $*"
}

# report DESCRIPTION: print the result of the current test and reset.
report() {
    n_test=$((n_test + 1))
    if [ -z "$why" ]; then
        n_pass=$((n_pass + 1))
        echo "ok $n_test - $1"
    else
        n_fail=$((n_fail + 1))
        echo "not ok $n_test - $1"
        echo "    command: $last_cmd"
        printf '%s' "$why" | sed 's/^/    /'
        if [ -s "$err" ]; then
            echo "    stderr:"
            head -n 8 "$err" | sed 's/^/      | /'
        fi
    fi
    why=""
}

# expect_rc CODE: the last run exited with CODE.
expect_rc() {
    [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"
}

# expect_err PHRASE...: stderr contains each PHRASE (fixed strings).
expect_err() {
    local p
    for p in "$@"; do
        grep -qF -- "$p" "$err" || fail "stderr lacks '$p'"
    done
}

# expect_out PHRASE...: stdout contains each PHRASE (fixed strings).
expect_out() {
    local p
    for p in "$@"; do
        grep -qF -- "$p" "$out" || fail "stdout lacks '$p'"
    done
}

# expect_prefix CMD: the first line of stderr starts with "linreg CMD: "
# (or "linreg: " when CMD is empty).
expect_prefix() {
    local want="linreg: "
    [ -n "$1" ] && want="linreg $1: "
    local first
    first=$(head -n 1 "$err")
    case $first in
        "$want"*) ;;
        *) fail "the first line of stderr does not start with '$want': '$first'" ;;
    esac
}

# expect_absent FILE...: the failed run created none of the FILEs.
expect_absent() {
    local f
    for f in "$@"; do
        [ ! -e "$f" ] || fail "output file $f was created by a failing run"
    done
}

# expect_exists FILE...: the run created each FILE, non-empty.
expect_exists() {
    local f
    for f in "$@"; do
        [ -s "$f" ] || fail "output file $f missing or empty"
    done
}

# need FILE...: each FILE exists and is non-empty; otherwise a reason of
# failure and status 1, so that `need f && pycheck ... f` never passes by
# skipping its check.
need() {
    local f missing=0
    for f in "$@"; do
        if [ ! -s "$f" ]; then
            fail "$f missing or empty: its checks could not run"
            missing=1
        fi
    done
    return "$missing"
}

# plant FILE: create FILE with known content (to detect clobbering).
plant() {
    printf 'previous content of %s\n' "$1" >"$1"
}

# expect_kept FILE: FILE still has the content given by plant.
expect_kept() {
    if [ ! -f "$1" ]; then
        fail "pre-existing output file $1 was removed by a failing run"
    elif [ "$(cat "$1")" != "previous content of $1" ]; then
        fail "pre-existing output file $1 was clobbered by a failing run"
    fi
}

# pycheck DESCRIPTION-OF-CHECK SCRIPT ARGS...: run a Python check; its
# stdout (if any) and a non-zero exit are reasons of failure.
pycheck() {
    local what=$1 script=$2 msg
    shift 2
    if ! msg=$("$python" -c "$script" "$@" 2>&1); then
        fail "$what: $(printf '%s' "$msg" | tail -n 3)"
    elif [ -n "$msg" ]; then
        fail "$what: $msg"
    fi
}

# usage_error DESCRIPTION CMD PHRASES -- ARGS...: expect exit 2, a
# "linreg CMD:" message with each PHRASE, and no --model-out/--report
# file (train) nor --out/--coef-out file (generate) created. (That a
# pre-existing file is kept is tested apart, with plant and expect_kept.)
usage_error() {
    local desc=$1 cmd=$2
    shift 2
    local phrases=()
    while [ "$1" != "--" ]; do phrases+=("$1"); shift; done
    shift
    rm -f m.json r.json
    case $cmd in
        train) run train --model-out m.json --report r.json "$@" ;;
        generate) run generate --out m.json --coef-out r.json "$@" ;;
        *) run "$cmd" "$@" ;;
    esac
    expect_rc 2
    expect_prefix "$cmd"
    expect_err "${phrases[@]}"
    expect_absent m.json r.json
    report "usage error: $desc"
}

# same_model_py (for pycheck with two model files): weights and bias equal
# to the bit (JSON keeps 17 digits)
same_model_py='
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if a["weights"] != b["weights"] or a["bias"] != b["bias"]:
    print("models differ:", a["weights"], a["bias"], "vs", b["weights"], b["bias"])
'
# train_quiet DATA MODEL [ARGS...]: a short deterministic fit
train_quiet() {
    local data=$1 model=$2
    shift 2
    rm -f "$model"
    run train --data "$data" --init zeros --lr 0.01 --iters 200 --quiet \
        --no-exact --model-out "$model" "$@"
}

# A small valid data set: header x1,x2,y and four rows.
good_csv() {
    printf 'x1,x2,y\n1,2,3\n2,1,4\n3,5,6\n4,4,2\n'
}
