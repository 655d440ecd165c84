# run-stamp.sh -- sourced by the bench scripts that write a text record of
# their run: run_stamp prints its "# cpu:" line (name, family, model,
# cores) and its "# run:" line (UTC time and commit), the machine and the
# moment every figure is named with; its argument, if any, ends the
# "# run:" line.
run_stamp() {
    echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') (family $(grep -m1 'cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model[[:space:]]' /proc/cpuinfo | sed 's/.*: //')), $(nproc) cores"
    echo "# run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '(not a git checkout)')${1-}"
}
