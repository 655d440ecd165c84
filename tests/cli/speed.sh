# tests/cli/speed.sh -- the kernels' instruction sets (LR_ISA), the wait
# policy the program sets, the default thread count and `bench --sweep`.
# Timings are never asserted. Sourced by tests/cli.sh.

# ------------------------------------------------------- instruction sets

run --help
expect_rc 0; expect_out "LR_ISA=baseline|avx2|avx512" "GOMP_SPINCOUNT" "OMP_WAIT_POLICY"
report "linreg --help documents LR_ISA and the wait policy"

LR_ISA=sse9 run --version
expect_rc 2; expect_prefix ""; expect_err "LR_ISA=sse9" "unknown instruction set" "baseline, avx2 or avx512"
report "LR_ISA with an unknown name is a usage error"

# the paths this CPU runs (from /proc/cpuinfo, not from linreg)
isas="baseline"
grep -qw avx2 /proc/cpuinfo && isas="$isas avx2"
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo \
    && grep -qw avx512dq /proc/cpuinfo; then
    isas="$isas avx512"
else
    LR_ISA=avx512 run --version
    expect_rc 2; expect_err "LR_ISA=avx512" "this CPU cannot run it"
    report "LR_ISA=avx512 on a CPU without AVX-512 is a usage error"
    echo "# speed.sh: this CPU lacks AVX-512: that path is not tested" >&2
fi

# --deterministic: the same model file, to the bit, on every path and for
# 1 and 3 threads, at widths that take each kind of kernel (p = 1; a
# compile-time width; the four-row vector kernel; wide rows), double and
# float X.
for spec in "120001 1" "9001 7" "6001 16" "501 300"; do
    read -r rows pw <<<"$spec"
    for prec in double float; do
        ref=""
        for isa in $isas; do
            for t in 1 3; do
                f=m-$pw-$prec-$isa-$t.json
                LR_ISA=$isa run train --samples "$rows" --features "$pw" --generator fast \
                    --noise 3 --seed 5 --iters 30 --lr 0.05 --threads $t --deterministic \
                    --precision $prec --no-exact --quiet --model-out "$f" --report r.json
                expect_rc 0
                pycheck "report.json machine.kernels is not $isa" \
    "import json,sys; m=json.load(open('r.json'))['machine']; \
sys.exit(m['kernels'] != '$isa')"
                [ -z "$ref" ] && ref=$f
                cmp -s "$ref" "$f" || fail "$f differs from $ref"
            done
        done
        report "--deterministic, p = $pw, $prec: same bits on {$isas} x {1, 3} threads"
    done
done

# ------------------------------------------------------------ wait policy

run train --samples 2000 --features 3 --iters 5 --no-exact --quiet --report r.json
expect_rc 0
pycheck "machine: GOMP_SPINCOUNT is not a count in [100, 10000]" \
    "import json,sys; m=json.load(open('r.json'))['machine']; sc=m['GOMP_SPINCOUNT']; \
sys.exit(not sc.isdigit() or not 100 <= int(sc) <= 10000 or m['OMP_WAIT_POLICY'] != '')"
report "without OMP_WAIT_POLICY/GOMP_SPINCOUNT the program sets GOMP_SPINCOUNT (timed: $(sed -n 's/.*"GOMP_SPINCOUNT": *"\([0-9]*\)".*/\1/p' r.json | head -n 1))"

OMP_WAIT_POLICY=active run train --samples 2000 --features 3 --iters 5 --no-exact \
    --quiet --report r.json
expect_rc 0
pycheck "machine: the user's OMP_WAIT_POLICY was overridden" \
    "import json,sys; m=json.load(open('r.json'))['machine']; \
sys.exit(m['GOMP_SPINCOUNT'] != '' or m['OMP_WAIT_POLICY'] != 'active')"
GOMP_SPINCOUNT=12345 run train --samples 2000 --features 3 --iters 5 --no-exact \
    --quiet --report r.json
pycheck "machine: the user's GOMP_SPINCOUNT was overridden" \
    "import json,sys; m=json.load(open('r.json'))['machine']; \
sys.exit(m['GOMP_SPINCOUNT'] != '12345')"
report "a wait policy the user set is left alone"

# With a binding set, libgomp binds the first thread before main: the
# program must not run itself again (the new image would inherit a one-core
# mask). The threads used and the cores seen stay those of the machine.
ncores=$(nproc)
OMP_PROC_BIND=close OMP_PLACES=cores run train --samples 100000 --features 4 \
    --iters 3 --threads "$ncores" --no-exact --quiet --report r.json
expect_rc 0
need r.json && pycheck "with OMP_PROC_BIND/OMP_PLACES: cores or threads reduced" \
    "import json,sys; r=json.load(open('r.json')); m=r['machine']; \
sys.exit(m['cores'] != $ncores or r['threads'] != $ncores or m['GOMP_SPINCOUNT'] != '')"
report "OMP_PROC_BIND/OMP_PLACES set: all cores kept, libgomp's wait policy left"

# ---------------------------------------------------- default thread count

run train --help
expect_out "one per 24576 elements"
report "train --help states the default thread rule"

# With OMP_NUM_THREADS=3, one thread per 24576 elements: 5000 x 9 (45000
# elements) takes 1 by default, 7000 x 9 (63000) 2, 20190 x 9 (181710) all
# 3; --threads overrides the rule.
OMP_NUM_THREADS=3 run train --samples 5000 --features 9 --iters 3 --no-exact --quiet
expect_rc 0; expect_out "threads         1"
OMP_NUM_THREADS=3 run train --samples 7000 --features 9 --iters 3 --no-exact --quiet
expect_rc 0; expect_out "threads         2"
OMP_NUM_THREADS=3 run train --samples 20190 --features 9 --iters 3 --no-exact --quiet
expect_rc 0; expect_out "threads         3"
OMP_NUM_THREADS=3 run train --samples 5000 --features 9 --iters 3 --threads 2 \
    --no-exact --quiet
expect_rc 0; expect_out "threads         2"
report "the default thread count follows the size of X; --threads overrides it"

# ------------------------------------------- --threads 1 starts no thread

# --threads T bounds every pass, not only the iterations: reading a CSV
# file, the maxima of the columns, the design check, the final score, the
# gram solve and cv. 60000 x 9 (540000 elements) takes every parallel path.
# strace counts the threads each run starts (the re-exec for the spin
# count is an execve, not a clone); --threads 2 shows it can count them.
if strace -f -qq -o /dev/null true 2>/dev/null; then
    run generate --samples 60000 --features 9 --out t1.csv
    for c in "train --data t1.csv --iters 3" \
             "train --data t1.csv --iters 3 --solver gram" \
             "train --samples 60000 --features 9 --iters 3 --precision float" \
             "cv --data t1.csv --folds 3 --l2 0.01"; do
        for t in 1 2; do
            # LeakSanitizer cannot run under ptrace (the sanitizer build)
            # shellcheck disable=SC2086 # $c is a command line on purpose
            ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
                strace -f -qq -e trace=clone,clone3 -o st.txt "$linreg" $c --threads $t \
                >"$out" 2>"$err"
            rc=$?
            last_cmd="strace -f linreg $c --threads $t"
            expect_rc 0
            k=$(grep -c CLONE_THREAD st.txt)
            if [ "$t" = 1 ] && [ "$k" != 0 ]; then
                fail "$c: $k threads started with --threads 1"
            fi
            if [ "$t" = 2 ] && [ "$k" = 0 ]; then
                fail "$c: no thread started with --threads 2: the count cannot see them"
            fi
        done
    done
    report "--threads 1 starts no thread in train (CSV, gram, float) or cv; --threads 2 does"
else
    echo "# strace cannot trace here: the thread-count check is skipped"
fi

# ------------------------------------------------------------ bench --sweep

run bench --sweep --ps 1,5,33 --mb 1 --repeat 1 --threads 1 --out sweep.csv
expect_rc 0; expect_out "kernels:" "wrote sweep.csv"
pycheck "sweep.csv: not one row per p and precision with a ratio and the isa" \
    "import csv,sys; r=list(csv.DictReader(open('sweep.csv'))); \
ok = len(r) == 6 and {x['p'] for x in r} == {'1','5','33'} \
 and {x['precision'] for x in r} == {'double','float'} \
 and all(float(x['ratio_to_read']) > 0 and x['isa'] for x in r); sys.exit(not ok)"
report "bench --sweep writes one row per p, precision and thread count"

# the quartiles of the paired ratios, against the same pairs recomputed
# from nothing but the definition: with --repeat 1 all three are the one
# pair's ratio, so q1 = q3 and the ratio of medians equals them (to the
# CSV's four decimals); with --repeat 5, q1 <= q3 and both positive
pycheck "sweep.csv (--repeat 1): the pair quartiles are not the one pair's ratio" \
    "import csv,sys; r=list(csv.DictReader(open('sweep.csv'))); \
ok = all(x['repeats'] == '1' and abs(float(x['ratio_q1']) - float(x['ratio_to_read'])) <= 1e-4 \
 and x['ratio_q1'] == x['ratio_q3'] and x['det_q1'] == x['det_q3'] \
 and abs(float(x['det_q1']) - float(x['det_over_clause'])) <= 1e-4 for x in r); sys.exit(not ok)"
run bench --sweep --ps 3 --mb 1 --repeat 5 --threads 1 --out sweep5.csv
expect_rc 0; expect_out "(pairs q1-q3)"
pycheck "sweep5.csv: quartiles out of order or missing" \
    "import csv,sys; r=list(csv.DictReader(open('sweep5.csv'))); \
ok = len(r) == 2 and all(x['repeats'] == '5' and 0 < float(x['ratio_q1']) <= float(x['ratio_q3']) \
 and 0 < float(x['det_q1']) <= float(x['det_q3']) for x in r); sys.exit(not ok)"
report "bench --sweep reports the quartiles of its paired ratios"

# the size bench (tables 1, 4 and 5) takes the read and its three fits in
# turn and reports the quartiles of each turn's ratios alike: one turn
# gives the turn's own ratios, several give q1 <= q3
run bench --sizes a --repeat 1 --threads 1 --out sizes1.csv
expect_rc 0; expect_out "(q1-q3)" "wrote sizes1.csv"
pycheck "sizes1.csv (--repeat 1): the quartiles are not the one turn's ratios" \
    "import csv,sys; r=list(csv.DictReader(open('sizes1.csv'))); \
ok = len(r) == 1 and all(x['repeats'] == '1' \
 and abs(float(x['ratio_q1']) - float(x['ratio_to_read'])) <= 1e-4 * float(x['ratio_to_read']) \
 and abs(float(x['det_q1']) - float(x['det_over_clause'])) <= 1e-4 * float(x['det_over_clause']) \
 and abs(float(x['dbl_flt_q1']) - float(x['double_over_float'])) <= 1e-4 * float(x['double_over_float']) \
 and x['ratio_q1'] == x['ratio_q3'] and x['det_q1'] == x['det_q3'] \
 and x['dbl_flt_q1'] == x['dbl_flt_q3'] for x in r); sys.exit(not ok)"
run bench --sizes a --repeat 4 --threads 1 --out sizes4.csv
expect_rc 0
pycheck "sizes4.csv: quartiles out of order or missing" \
    "import csv,sys; r=list(csv.DictReader(open('sizes4.csv'))); \
ok = len(r) == 1 and all(x['repeats'] == '4' and 0 < float(x['ratio_q1']) <= float(x['ratio_q3']) \
 and 0 < float(x['det_q1']) <= float(x['det_q3']) \
 and 0 < float(x['dbl_flt_q1']) <= float(x['dbl_flt_q3']) for x in r); sys.exit(not ok)"
report "bench --sizes reports the quartiles of its read and fits taken in turn"

run bench --sweep --ps 1,x --mb 1
expect_rc 2; expect_prefix bench; expect_err "--ps"
report "usage error: bench --sweep --ps with a bad width"
