# tests/cli/report.sh -- results/bench/bench.md is what
# scripts/bench-report.py makes of the raw data committed beside it: no
# hand edits, and no text left from an older script (a change of the
# script fails here until bench.md is made again). No timing is taken.
# Sourced by tests/cli.sh.

bench_dir=$here/../results/bench
last_cmd="/usr/bin/python3 scripts/bench-report.py results/bench"
if "$python" "$here/../scripts/bench-report.py" "$bench_dir" > bench.md 2> report.err; then
    cmp -s bench.md "$bench_dir/bench.md" \
        || fail "results/bench/bench.md differs from scripts/bench-report.py's output (make it again: /usr/bin/python3 scripts/bench-report.py results/bench > results/bench/bench.md)"
else
    fail "bench-report.py failed: $(head -c 300 report.err)"
fi
report "results/bench/bench.md is bench-report.py's output from the committed CSVs"
