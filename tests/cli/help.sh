# tests/cli/help.sh -- linreg --help and each command's --help.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

run --help
expect_rc 0; expect_out "usage:" "generate" "train" "predict"
report "linreg --help exits 0 and lists the commands"

for c in generate train predict driver bench; do
    run "$c" --help
    expect_rc 0; expect_out "usage: linreg $c"
    report "linreg $c --help exits 0"
done
