# tests/cli/library.sh -- the command line on top of the library's statuses
# (issue 9): an invalid request is not reported as lack of memory. Sourced
# by tests/cli.sh.

rm -f gram5000.json
run train --solver gram --features 5000 --samples 10 --iters 1 \
    --model-out gram5000.json
expect_rc 1
expect_err "the gram solver takes at most 4096 features"
grep -qF "out of memory" "$err" && fail "an invalid request reported as out of memory"
expect_absent gram5000.json
report "train --solver gram --features 5000: invalid (at most 4096 features), not 'out of memory'"
