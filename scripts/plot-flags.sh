# shellcheck shell=sh
# plot-flags.sh -- sourced by plot.sh and plot-scaling.sh: gnuplot plot
# clauses that ring the points `linreg scale` and `linreg driver` flagged
# as not to be read as scaling (their flag_* columns).

# has_flag FILE COL: some data row of the CSV FILE has a non-zero column COL.
has_flag() {
    awk -F, -v c="$2" 'NR > 1 && $c + 0 > 0 { f = 1 } END { exit !f }' "$1"
}

# flag_plots FILE XCOL YCOL SPEEDUPCOL IQRCOL OVERSUBCOL: ", CLAUSE, ..."
# for each kind of flag present in FILE, marking (XCOL, YCOL) where it is
# set; nothing when no row is flagged.
flag_plots() {
    f=$1 x=$2 y=$3
    set -- "$4:6:3:#d62728:speedup > 1.1 x threads" \
        "$5:4:2.5:#ff7f0e:IQR > 10% of the median" \
        "$6:2:2.5:#7f7f7f:more threads than cores"
    for spec in "$@"; do
        c=${spec%%:*}; rest=${spec#*:}
        pt=${rest%%:*}; rest=${rest#*:}
        ps=${rest%%:*}; rest=${rest#*:}
        lc=${rest%%:*}; what=${rest#*:}
        has_flag "$f" "$c" || continue
        printf ', "%s" every ::1 using %s:($%s > 0 ? $%s : 1/0) with points pt %s ps %s lw 2 lc rgb "%s" title "flagged: %s"' \
            "$f" "$x" "$c" "$y" "$pt" "$ps" "$lc" "$what"
    done
}
