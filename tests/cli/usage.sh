# tests/cli/usage.sh -- usage errors: exit 2, a "linreg CMD:" message naming
# the option, no output file created or clobbered (usage_error in lib.sh).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

usage_error "unknown option" train "--bogus" -- --samples 10 --bogus
usage_error "--lr abc" train "--lr" "abc" -- --lr abc
usage_error "--lr -1" train "--lr" "-1" -- --lr -1
usage_error "--lr 0" train "--lr" -- --lr 0
usage_error "--lr 1e400 (overflow)" train "--lr" -- --lr 1e400
usage_error "--lr nan" train "--lr" -- --lr nan
usage_error "--iters -5" train "--iters" "-5" -- --iters -5
usage_error "--iters 12x" train "--iters" -- --iters 12x
usage_error "--samples 0" train "--samples" -- --samples 0
usage_error "--features 0" train "--features" -- --features 0
usage_error "--threads 0" train "--threads" -- --threads 0
usage_error "--tol 2" train "--tol" -- --tol 2
usage_error "--seed 4294967296" train "--seed" "4294967296" -- --seed 4294967296
usage_error "--init bogus" train "--init" "bogus" -- --init bogus
usage_error "--generator bogus" train "--generator" "bogus" -- --generator bogus
usage_error "--lr without a value" train "--lr" -- --samples 10 --lr
usage_error "--data together with --samples" train "--data" "--samples" \
    -- --data x.csv --samples 5
usage_error "generate --samples 0" generate "--samples" -- --samples 0
usage_error "generate --features 0" generate "--features" -- --features 0
usage_error "generate --seed 4294967296" generate "--seed" -- --seed 4294967296
usage_error "generate --generator bogus" generate "--generator" "bogus" \
    -- --generator bogus

run nosuch
expect_rc 2; expect_prefix ""; expect_err "nosuch"
report "usage error: unknown command"

run
expect_rc 2; expect_err "usage"
report "usage error: no command"

run generate --samples 5 --features 2
expect_rc 2; expect_prefix generate; expect_err "--out"
report "usage error: generate without --out"

good_csv >g.csv
rm -f p.csv
run predict --data g.csv --out p.csv
expect_rc 2; expect_prefix predict; expect_err "--model"
expect_absent p.csv
report "usage error: predict without --model"

run predict --model m.json --data g.csv --out p.csv --bogus
expect_rc 2; expect_prefix predict; expect_err "--bogus"
expect_absent p.csv
report "usage error: predict with an unknown option"

plant s.csv
run generate --samples 0 --features 2 --out s.csv
expect_rc 2; expect_kept s.csv
report "usage error: generate --samples 0 keeps a pre-existing --out file"

# ------------------------------------ solvers, precision, scale, bandwidth

usage_error "train --solver bogus" train "--solver" "bogus" -- --solver bogus
usage_error "train --precision half" train "--precision" "half" -- --precision half
usage_error "scale --reduce bogus" scale "--reduce" "bogus" -- --reduce bogus
usage_error "scale --precision half" scale "--precision" -- --precision double,half
usage_error "scale --mode sideways" scale "--mode" -- --mode sideways
usage_error "scale --threads 0" scale "--threads" -- --threads 1,0
usage_error "scale --mode weak with --data" scale "weak" -- --mode weak --data x.csv
usage_error "bandwidth --mb 0" bandwidth "--mb" -- --mb 0
