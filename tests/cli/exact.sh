# tests/cli/exact.sh -- the exact reference (issue 8, section 5): a method
# whose cost fits the shape (the dual for p > n, Cholesky of the Gram
# matrix for large p), checked against scikit-learn's Ridge (or its 'svd'
# formula in NumPy when scikit-learn is missing: tests/cli/exact_ref.py);
# p >= n without --l2; rank-deficient columns; the reference skipped with a
# note when it would cost far more than the training. Sourced by
# tests/cli.sh.

ref_script=$(cat "$here/cli/exact_ref.py")

# ridge_check WHAT DATA MODEL L2 OPTIONS TOL: the model's weights and bias
# against the reference, relative error <= TOL.
ridge_check() {
    pycheck "$1" "$ref_script" "$2" "$3" "$4" "$5" "$6"
}

# report_is FILE KEY EXPECT: prints a difference when report KEY is not
# EXPECT (Python literal; None for null).
report_is() {
    pycheck "report $2" "import json, sys
r = json.load(open(sys.argv[1]))
want = $3
if r.get(sys.argv[2], 'absent') != want:
    print('%s is %r, expected %r' % (sys.argv[2], r.get(sys.argv[2], 'absent'), want))" "$1" "$2"
}

# 5 x 3000 CSV (75 KB of random normals, y from 7 of them plus noise)
"$python" -c "import numpy as np
r = np.random.RandomState(8); n, p = 5, 3000
X = r.randn(n, p); y = X[:, :7] @ np.arange(1.5, 8.5) + 0.3 * r.randn(n)
np.savetxt('wide.csv', np.column_stack([X, y]), delimiter=',', fmt='%.4f',
           header=','.join(['x%d' % (j + 1) for j in range(p)] + ['y']),
           comments='')"

# ------------------------------------------------- 5 x 3000: fast (the dual)
# (--lr auto: the default step 0.01 exceeds 2/L on this data, which is now
# caught as a divergence at iteration 1; the reference is what is tested here)
timeout 60 "$linreg" train --data wide.csv --iters 5 --l2 1 --lr auto --quiet \
    --report r.json >"$out" 2>"$err"
rc=$?
last_cmd="timeout 60 linreg train --data wide.csv --iters 5 --l2 1 --lr auto"
expect_rc 0
expect_out "optimal mse"
report_is r.json exact_method "'dual'"
report_is r.json exact_note None
pycheck "optimal_mse is a positive number" "import json, sys
v = json.load(open(sys.argv[1]))['optimal_mse']
if not (isinstance(v, float) and v > 0): print(repr(v))" r.json
report "train 5 x 3000 --iters 5 --l2 1 finishes (within 60 s) with the dual reference"

timeout 60 "$linreg" solve --data wide.csv --l2 1 --model-out m.json \
    >"$out" 2>"$err"
rc=$?
last_cmd="timeout 60 linreg solve --data wide.csv --l2 1"
expect_rc 0
expect_out "method          dual"
report "solve 5 x 3000 --l2 1 finishes (within 60 s) by the dual"

# the dual against Ridge(alpha = n l2): both are exact solutions of a
# well-conditioned system (n l2 = 1.2 against eigenvalues of order p), so
# they agree to a few hundred ulps; 1e-10 leaves room for the compilers
for opts in "" "--standardize" "--no-intercept" "--standardize --no-intercept"; do
    # shellcheck disable=SC2086
    run solve --data wide.csv --l2 0.24 $opts --model-out m.json
    expect_rc 0
    expect_out "method          dual"
    ridge_check "dual vs Ridge" wide.csv m.json 0.24 "$opts" 1e-10
    report "solve 5 x 3000 --l2 0.24 $opts: the dual = Ridge(alpha=n l2) to 1e-10"
done

# ------------------------------------------------ p >= n without a ridge
run train --data wide.csv --iters 5 --lr auto --quiet --report r.json
expect_rc 0
expect_err "the least-squares solution is not unique" "--l2"
report_is r.json optimal_mse None
pycheck "exact_note says why" "import json, sys
v = json.load(open(sys.argv[1]))['exact_note']
if 'not unique' not in v: print(repr(v))" r.json
report "train p >= n without --l2: a note that the solution is not unique, optimal_mse null"

plant m.json
run solve --data wide.csv --model-out m.json
expect_rc 1
expect_prefix solve
expect_err "wide.csv: the least-squares solution is not unique" \
    "3001 unknowns (3000 features and the intercept) for 5 samples" "--l2 ALPHA"
grep -q "failed: least-squares solve failed" "$err" \
    && fail "the old doubled message is still there"
expect_kept m.json
report "solve p >= n without --l2: not unique, suggests --l2 (exit 1, model kept)"

run train --data wide.csv --iters 5 --stop-gap 1e-3 --quiet
expect_rc 1
expect_prefix train
expect_err "--stop-gap needs the exact optimum: the least-squares solution is not unique"
report "train --stop-gap with p >= n and no --l2: an error that says why"

# p = n without an intercept is square: unique, solved
printf 'a,b,y\n1,2,3.5\n2,1,4.25\n' >sq.csv
run solve --data sq.csv --no-intercept
expect_rc 0
expect_out "mse             " "method          svd"
report "solve p = n --no-intercept: a square system, solved"

# ------------------------------------------------------ rank-deficient X
# x2 constant, x4 = x1, x5 = x3 = x6 (x6 also equal to x3 to the bit)
"$python" -c "import numpy as np
r = np.random.RandomState(11); n = 40
a, c = r.randn(n), r.randn(n)
X = np.column_stack([a, np.full(n, 2.375), c, a, c, c, r.randn(n)])
y = 1.5 * a - 0.75 * c + 0.1 * r.randn(n)
np.savetxt('rank.csv', np.column_stack([X, y]), delimiter=',', fmt='%.17g',
           header='x1,x2,x3,x4,x5,x6,x7,y', comments='')"
run solve --data rank.csv
expect_rc 0
expect_err "warning: X is rank-deficient" "'x2' is constant (collinear with the intercept)" \
    "'x4' duplicates 'x1'" "'x5' duplicates 'x3'" "'x6' duplicates 'x3'" "add --l2"
grep -q "'x7'" "$err" && fail "x7 is independent, yet named"
grep -q "'x1' duplicates" "$err" && fail "x1 is the first of its pair"
report "solve: a constant column and duplicated columns are named in a warning"

# the minimal MSE is unique even so: numpy.linalg.lstsq's, to 1e-10
pycheck "mse = numpy lstsq's" "import numpy as np, sys
A = np.loadtxt('rank.csv', delimiter=',', skiprows=1); X, y = A[:, :-1], A[:, -1]
D = np.column_stack([X, np.ones(len(y))])
c = np.linalg.lstsq(D, y, rcond=None)[0]
ref = np.mean((D @ c - y) ** 2)
got = float(open(sys.argv[1]).read().split('mse')[1].split()[0])
if abs(got - ref) > 1e-10 * ref: print(got, ref)" "$out"
report "solve on the rank-deficient X: the optimal MSE of numpy.linalg.lstsq to 1e-10"

run train --data rank.csv --iters 10 --quiet
expect_rc 0
expect_err "'x2' is constant" "'x4' duplicates 'x1'"
report "train: the same warning"

run train --data rank.csv --iters 10 --quiet --no-intercept
expect_rc 0
expect_err "'x4' duplicates 'x1'"
grep -q "'x2' is constant" "$err" && fail "without an intercept a constant column is fine"
report "train --no-intercept: a nonzero constant column is not flagged"

run train --data rank.csv --iters 10 --quiet --l2 0.1
expect_rc 0
expect_err "'x4' duplicates 'x1'" "The ridge term shares the weight"
report "train --l2: the warning says the ridge shares the weight"

# -------------------------------------- Cholesky of the Gram matrix (large p)
"$linreg" generate --samples 1500 --features 600 --noise 3 --seed 7 \
    --generator fast --out X.npy --target-out y.npy >/dev/null 2>&1
for case in "0.01 --standardize" "0.003 " "0 --standardize"; do
    l2=${case%% *}
    opts=${case#* }
    # shellcheck disable=SC2086
    run solve --data X.npy --target-file y.npy --l2 "$l2" $opts --model-out g.json
    expect_rc 0
    expect_out "method          gram"
    ridge_check "gram (Cholesky) vs Ridge" X.npy,y.npy g.json "$l2" "$opts" 1e-10
    report "solve 1500 x 600 --l2 $l2 $opts: Gram + Cholesky = Ridge(alpha=n l2) to 1e-10"
done

# -------------------------- skipped when it would dominate the training
# 2000 x 800: the Gram route costs about 1.5e9 flops, one iteration 1.3e7
run train --samples 2000 --features 800 --generator fast --iters 1 --quiet \
    --report r.json
expect_rc 0
expect_err "note: no exact optimum: skipped: the exact reference (gram method"
report_is r.json optimal_mse None
report_is r.json exact_method None
pycheck "exact_note says why" "import json, sys
v = json.load(open(sys.argv[1]))['exact_note']
if not v.startswith('skipped:') or 'flops' not in v: print(repr(v))" r.json
report "train 2000 x 800 --iters 1: the reference is skipped with a note (optimal_mse null)"

run train --samples 2000 --features 800 --generator fast --iters 1 --quiet \
    --report r.json --no-exact
expect_rc 0
report_is r.json exact_note "'not asked for (--no-exact)'"
report "train --no-exact: exact_note says so"

run train --samples 2000 --features 800 --generator fast --iters 1 --quiet \
    --stop-gap 1e-3 --report r.json
expect_rc 0
report_is r.json exact_method "'gram'"
report_is r.json exact_note None
report "train --stop-gap computes the reference whatever it costs"

run train --samples 2000 --features 800 --generator fast --iters 100 --quiet \
    --report r.json --lr 0.001
expect_rc 0
report_is r.json exact_method "'gram'"
report "train 2000 x 800 --iters 100: worth the reference, computed"

run train --help
expect_out "over 10x the training's (4 n p (iters+1)"
report "train --help states the cost model"
