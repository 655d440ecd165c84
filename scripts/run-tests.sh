#!/bin/sh
# run-tests.sh BUILD -- `make check`: the Check suites, then the
# command-line tests; ends with one "N passed, M failed" line for both.
# Each runner's exit status is kept (not lost in a pipe through tee).
build=${1:-build}
status=0
"$build/check_linreg" >"$build/check.log" 2>&1 || status=1
cat "$build/check.log"
tests/cli.sh "$build" >"$build/cli.log" 2>&1 || status=1
cat "$build/cli.log"
p=0; f=0
for log in "$build/check.log" "$build/cli.log"; do
    line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "run-tests.sh: no summary line in $log" >&2
        status=1
        continue
    fi
    p=$((p + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
    f=$((f + $(echo "$line" | sed -E 's/.*, ([0-9]+) failed/\1/')))
done
echo "total: $p passed, $f failed"
[ "$f" -eq 0 ] && [ "$status" -eq 0 ]
