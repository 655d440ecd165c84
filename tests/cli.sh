#!/usr/bin/env bash
# End-to-end tests of the linreg command-line program.
#
# usage: tests/cli.sh [BUILD_DIR [GROUP...]]   (default: build, every group)
#
# A GROUP is the name of a file in tests/cli/ without .sh (help, usage,
# train, output, ...).
#
# Runs $BUILD_DIR/linreg in a temporary directory (removed on exit) and
# prints one TAP-like line per test, "ok N - what" or "not ok N - what"
# followed by the reasons, indented.  The last line is
# "cli: N passed, M failed"; the exit status is 0 only if M is 0.
#
# Conventions checked: exit 0 on success, 1 on runtime errors (data
# files, divergence, I/O), 2 on usage errors; errors on stderr as
# "linreg CMD: message" naming the option or file (and line); a failing
# command never creates or clobbers an output file.

set -u

build_dir=${1:-build}
[ $# -gt 0 ] && shift
only=("$@")
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/fixtures
python=/usr/bin/python3

if [ ! -x "$build_dir/linreg" ]; then
    echo "cli: $build_dir/linreg: no such executable (run make first)" >&2
    echo "cli: 0 passed, 1 failed"
    exit 1
fi
linreg=$(cd "$build_dir" && pwd)/linreg

work=$(mktemp -d "${TMPDIR:-/tmp}/linreg-cli.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cd "$work" || exit 1

n_test=0
n_pass=0
n_fail=0
why=""       # reasons of failure of the current test, one per line
rc=0         # exit status of the last run
out=$work/stdout
err=$work/stderr

# Every tests/cli/*.sh but lib.sh is a group of tests, sourced in name
# order after tests/cli/lib.sh, each in its own empty directory: no group
# sees another's files, so the order does not matter.
. "$here/cli/lib.sh"
groups=()
if [ ${#only[@]} -gt 0 ]; then
    for g in "${only[@]}"; do groups+=("$here/cli/$g.sh"); done
else
    for g in "$here"/cli/*.sh; do
        case $g in */lib.sh) ;; *) groups+=("$g") ;; esac
    done
fi
for group in "${groups[@]}"; do
    if [ ! -f "$group" ]; then
        echo "cli: no test group $group" >&2
        n_fail=$((n_fail + 1))
        continue
    fi
    dir=$(mktemp -d "$work/$(basename "$group" .sh).XXXXXX") || exit 1
    cd "$dir" || exit 1
    . "$group"
done

echo "cli: $n_pass passed, $n_fail failed"
[ "$n_fail" -eq 0 ]
