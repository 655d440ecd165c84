# tests/cli/generate.sh -- generate: the largest seed, unwritable outputs
# (its data and coefficients are checked in predict.sh's round trip).
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

run generate --seed 4294967295 --samples 5 --features 2 --out s.csv
expect_rc 0; expect_exists s.csv
report "generate --seed 4294967295 (the largest seed) is accepted"

rm -f c.csv
run generate --samples 5 --features 2 --out /nonexistent-dir/s.csv --coef-out c.csv
expect_rc 1; expect_prefix generate; expect_err "/nonexistent-dir/s.csv"
expect_absent c.csv
report "unwritable generate --out: exit 1 naming the path, no --coef-out file"

rm -f s.csv
run generate --samples 5 --features 2 --out s.csv --coef-out /nonexistent-dir/c.csv
expect_rc 1; expect_err "/nonexistent-dir/c.csv"; expect_absent s.csv
report "unwritable generate --coef-out: exit 1 naming the path, no --out file"
