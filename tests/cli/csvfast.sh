# tests/cli/csvfast.sh -- the CSV reader's fused fast path (issue 10,
# target 5): a record of plain numbers is tokenized and parsed in one scan
# (8 digits a step, Clinger's exact products, Eisel-Lemire), any other
# record by the general reader. Every value read must be Python's float()
# of its text (correctly rounded, as strtod), at 1 and 2 threads, and the
# errors keep their line and column. Sourced by tests/cli.sh.

# A model that predicts its one feature x as it was read (weight 1, bias
# 0: 1 * x + 0 is x exactly, printed by predict with 17 digits).
unit_model() {
    printf '{"format":"linreg-model","version":1,"n_features":1,'
    printf '"feature_names":["x"],"weights":[1.0],"bias":0.0,'
    printf '"intercept":true,"scaling":{"method":"none"}}\n'
}
unit_model >unit.json

# 30000 values of every kind: shortest round-trip spellings (what
# generate writes), %.17g, random decimals of 1-25 digits with leading and
# trailing zeros, exponents near the limits, subnormals, near-halfway
# midpoints, .5 and 5., blanks around some, CRLF on some lines; x first in
# one file, after y in the other (the target column inside the record).
"$python" - <<'EOF'
import random, struct
random.seed(20261129)
def rdec():
    s = random.choice(["", "", "-", "+"])
    nd = random.randint(1, 25)
    dig = "0" * random.choice([0, 0, 0, 1, 4]) + str(random.randint(1, 9)) + \
        "".join(random.choice("0123456789") for _ in range(nd - 1)) + \
        "0" * random.choice([0, 0, 2, 9])
    pt = random.randint(0, len(dig))
    if random.random() < 0.8:
        dig = dig[:pt] + "." + dig[pt:]
    if random.random() < 0.6:
        e = random.choice([0, -22, 22, -300, -310, 290, 300]) + random.randint(-15, 15)
        dig += random.choice("eE") + ("-" if e < 0 else random.choice(["", "+"])) + \
            "%0*d" % (random.randint(1, 3), abs(e))
    return s + dig
def rbits(sub=False):
    while True:
        u = random.getrandbits(52 if sub else 64)
        x = struct.unpack("<d", struct.pack("<Q", u))[0]
        if x == x and abs(x) != float("inf") and x != 0:
            return x
rows = []
while len(rows) < 30000:
    k = len(rows) % 8
    if k == 0: t = repr(rbits())
    elif k == 1: t = "%.17g" % rbits()
    elif k == 2: t = rdec()
    elif k == 3: t = repr(rbits(sub=True))
    elif k == 4: t = repr(random.gauss(0, 1))
    elif k == 5: t = random.choice([".5", "5.", "-.25", "1e23", "8.98846567431158e307",
                                    "9007199254740993", "2.2250738585072011e-308",
                                    "0.000000000000000000000000123", "1E+000"])
    elif k == 6: t = "%.20e" % rbits()
    else: t = " %s " % repr(random.uniform(-1e6, 1e6))
    v = float(t)
    if v == 0 or abs(v) == float("inf"):
        continue
    rows.append(t)
y = ["%.3f" % random.uniform(-9, 9) for _ in rows]
eol = lambda i: "\r\n" if i % 13 == 5 else "\n"
with open("xy.csv", "w", newline="") as f:
    f.write("x,y\n" + "".join(r + "," + b + eol(i) for i, (r, b) in enumerate(zip(rows, y))))
with open("yx.csv", "w", newline="") as f:
    f.write("y,x\n" + "".join(b + "," + r + eol(i) for i, (r, b) in enumerate(zip(rows, y))))
with open("want.txt", "w") as f:
    f.write("".join(t.strip() + "\n" for t in rows))
EOF
same_values_py='
import struct, sys
want = [float(t) for t in open(sys.argv[1])]
got = [float(t) for t in open(sys.argv[2]).read().split()[1:]]
if len(got) != len(want):
    print("%d values read, %d written" % (len(got), len(want))); sys.exit(1)
bad = [i for i, (a, b) in enumerate(zip(want, got))
       if struct.pack("<d", a) != struct.pack("<d", b)]
if bad:
    i = bad[0]
    print("%d values differ from float(), the first on line %d: %r read as %r"
          % (len(bad), i + 2, want[i], got[i]))
'
for th in 1 2; do
    for f in xy yx; do
        rm -f "p-$f-$th.csv"
        OMP_NUM_THREADS=$th run predict --model unit.json --data $f.csv --out "p-$f-$th.csv"
        expect_rc 0
        need "p-$f-$th.csv" && pycheck "values of $f.csv at $th threads" "$same_values_py" want.txt "p-$f-$th.csv"
    done
    report "30000 values of every spelling, x first and after y, $th thread(s): each is float()'s to the bit"
done

# the same numbers with LF, CRLF and CR line ends: the same values
"$python" -c '
import sys
rows = open("xy.csv", newline="").read().replace("\r\n", "\n").split("\n")
for name, eol in (("lf.csv", "\n"), ("crlf.csv", "\r\n"), ("cr.csv", "\r")):
    open(name, "w", newline="").write(eol.join(rows))
'
for f in lf crlf cr; do
    OMP_NUM_THREADS=2 run predict --model unit.json --data $f.csv --out "p-$f.csv"
    expect_rc 0
done
for f in crlf cr; do
    cmp -s p-lf.csv "p-$f.csv" || fail "$f.csv: other values than lf.csv"
done
need p-lf.csv && pycheck "values of lf.csv" "$same_values_py" want.txt p-lf.csv
report "LF, CRLF and CR line ends: the same values read"

# a malformed value after 20000 records the fast path reads: named at its
# line and column, at 1 and 2 threads, and no model written
"$python" -c '
rows = ["x,y"] + ["%r,%r" % (i * 0.7310585786300049, i / 7) for i in range(25000)]
rows[20001] = "1.5.5,2"
open("bad.csv", "w").write("\n".join(rows) + "\n")
'
for th in 1 2; do
    rm -f m-bad.json
    run train --data bad.csv --threads $th --iters 1 --no-exact --quiet --model-out m-bad.json
    expect_rc 1
    expect_err "bad.csv:20002: column 1 ('x'): '1.5.5' is not a number"
    expect_absent m-bad.json
    report "a malformed value after 20000 fast records, $th thread(s): its line and column"
done

# a value too large for a double after fast records: the range error
"$python" -c '
rows = ["x,y"] + ["%r,%r" % (i * 0.25, i * 1.5) for i in range(5000)]
rows[4000] = "1,2.5e308"
open("big.csv", "w").write("\n".join(rows) + "\n")
'
run train --data big.csv --threads 2 --iters 1 --no-exact --quiet
expect_rc 1
expect_err "big.csv:4001: column 2 ('y'): '2.5e308' is too large for a double"
report "an overflow after fast records: 'too large for a double' at its line"
