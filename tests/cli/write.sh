# tests/cli/write.sh -- generate's CSV text (issue 10, target 5): the same
# bytes at 1, 2 and 3 threads over many blocks, every value as Python's
# repr writes it and equal to the bit to the .npy output of the same data,
# and the size generate reports. Sourced by tests/cli.sh after lib.sh.

spec=(--samples 60000 --features 5 --generator fast --seed 9 --noise 2.5 --bias -3.75)
for t in 1 2 3; do
    run generate "${spec[@]}" --threads "$t" --out "w$t.csv" --coef-out "c$t.csv"
    expect_rc 0; expect_exists "w$t.csv"
done
cmp -s w1.csv w2.csv || fail "--threads 2 wrote other bytes than --threads 1"
cmp -s w1.csv w3.csv || fail "--threads 3 wrote other bytes than --threads 1"
cmp -s c1.csv c3.csv || fail "--coef-out differs between thread counts"
size=$(wc -c <w3.csv)
grep -q "wrote $size bytes of CSV" "$err" || fail "generate did not report $size bytes: $(cat "$err")"
report "generate 60000 x 5 (9 blocks of rows): the same CSV bytes at 1, 2 and 3 threads"

run generate "${spec[@]}" --out w.npy --target-out wy.npy
expect_rc 0
pycheck "CSV values = .npy values, text = Python's repr" "import sys, numpy as np
X, y = np.load('w.npy'), np.load('wy.npy')
rows = open('w1.csv').read().split('\n')
assert rows[0] == 'x1,x2,x3,x4,x5,y' and rows[-1] == '', rows[0]
got = [r.split(',') for r in rows[1:-1]]
assert len(got) == X.shape[0] == 60000, len(got)
want = np.column_stack([X, y]).tolist()
bad = [(i, j, t) for i, r in enumerate(got) for j, t in enumerate(r)
       if t != repr(want[i][j])]
assert not bad, 'fields not repr of the .npy value (row, column, text): %s' % bad[:3]
coef = open('c1.csv').read().split('\n')[1].split(',')
assert all(t == repr(float(t)) for t in coef), coef"
report "generate --out CSV: every field is Python's repr of the .npy's double"
