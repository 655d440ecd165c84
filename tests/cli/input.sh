# tests/cli/input.sh -- reading data and models (issue 8, section 4): line
# ends (LF, CRLF, CR alone; stray CRs), Fortran-order .npy, .npz and bad
# shapes, missing values and --na drop, R's row names, model JSON with
# trailing text or duplicate keys, list options, a space delimiter with
# quotes. Sourced by tests/cli.sh.

# ------------------------------------------------------------ line ends

printf 'x,y\n1,2\n3,5\n5,9\n7,11\n' >lf.csv
printf 'x,y\r1,2\r3,5\r5,9\r7,11\r' >cr.csv
printf 'x,y\r\n1,2\r\n3,5\r\n5,9\r\n7,11\r\n' >crlf.csv
train_quiet lf.csv m-lf.json
train_quiet cr.csv m-cr.json
expect_rc 0; expect_err "cr.csv: 4 samples, 1 features"
pycheck "CR vs LF model" "$same_model_py" m-lf.json m-cr.json
report "CR-only line ends: all 4 rows are read, the model of the LF file to the bit"

train_quiet crlf.csv m-crlf.json
expect_rc 0; expect_err "crlf.csv: 4 samples"
pycheck "CRLF vs LF model" "$same_model_py" m-lf.json m-crlf.json
report "CRLF line ends: the model of the LF file to the bit"

# a CR file whose last line has no line end, and a blank last line
printf 'x,y\r1,2\r3,5\r5,9\r7,11\r\r' >cr2.csv
train_quiet cr2.csv m-cr2.json
expect_rc 0
pycheck "CR (blank last line) vs LF model" "$same_model_py" m-lf.json m-cr2.json
report "CR-only line ends with a blank last line"

printf 'x,y\n1,2\n3,5\r5,9\n7,11\n' >stray.csv
rm -f m.json
train_quiet stray.csv m.json
expect_rc 1; expect_prefix train
expect_err "stray.csv:3: column 2:" "carriage return (CR)" "LF or CRLF"
expect_absent m.json
report "a stray CR inside a record of an LF file: an error naming line 3, column 2"

printf 'x,y\r\n1,2\r\n3,5\r7,11\r\n' >stray2.csv
train_quiet stray2.csv m.json
expect_rc 1; expect_err "stray2.csv:3: column 2:" "carriage return"
report "a lone CR in a CRLF file is a stray CR"

printf 'x,y\r1,2\r3,5\n5,9\r' >mixed.csv
train_quiet mixed.csv m.json
expect_rc 1; expect_err "mixed.csv:3: column 2:" "line feed (LF)" "CR alone"
expect_absent m.json
report "an LF in a file whose lines end in CR: an error naming line 3, column 2"

# quoted fields keep their CR and LF; line numbers count the LF inside
printf '"x\r\nname",y\n1,2\n3,5\n5,oops\n' >quoted.csv
train_quiet quoted.csv m.json
expect_rc 1; expect_err "quoted.csv:5: column 2" "'oops' is not a number"
report "a quoted header name holding CRLF: line numbers after it still right"

printf '"x\rname",y\n1,2\n3,5\n5,9\n7,11\n' >quoted2.csv
train_quiet quoted2.csv m.json
expect_rc 0; expect_err "quoted2.csv: 4 samples"
report "a CR inside a quoted field is data, not a line end"

# ------------------------------------------------------------ delimiter

printf 'x y\n"1" 2\n3 "5"\n"5" 9\n7 11\n' >space.csv
train_quiet space.csv m-sp.json --delimiter ' '
expect_rc 0; expect_err "space.csv: 4 samples"
pycheck "space vs comma model" "$same_model_py" m-lf.json m-sp.json
report "a space delimiter with quoted fields: the model of the comma file"

printf 'x\ty\n"1"\t2\n3\t"5"\n5\t9\n7\t11\n' >tab.csv
train_quiet tab.csv m-tab.json --delimiter tab
expect_rc 0
pycheck "tab vs comma model" "$same_model_py" m-lf.json m-tab.json
report "a tab delimiter with quoted fields"

# -------------------------------------------------------- missing values

printf 'x1,x2,y\n1,2,3.5\n,1,4\n3,5,6.25\n4,NA,2\n2,2,NaN\n5,1,7\n6,3,1.5\n' >na.csv
# the same file without the rows holding a missing value, written apart
printf 'x1,x2,y\n1,2,3.5\n3,5,6.25\n5,1,7\n6,3,1.5\n' >na-kept.csv

train_quiet na.csv m.json
expect_rc 1; expect_err "na.csv:3: column 1 ('x1'): an empty cell" "--na drop"
expect_absent m.json
report "a missing value (empty cell) is refused by default, naming --na drop"

printf 'x1,y\n1,2\n4,NA\n' >na2.csv
train_quiet na2.csv m.json
expect_rc 1; expect_err "na2.csv:3: column 2 ('y'): 'NA' is a missing value" "--na drop"
report "NA is refused by default"

printf 'x1,y\n1,2\nnan,3\n' >na3.csv
train_quiet na3.csv m.json
expect_rc 1; expect_err "na3.csv:3: column 1 ('x1'): 'nan' is NaN" "--na drop"
report "NaN is refused by default"

train_quiet na.csv m-drop.json --na drop
expect_rc 0
expect_err "na.csv: --na drop: 3 rows with a missing value dropped, 4 kept" \
    "na.csv: 4 samples, 2 features"
train_quiet na-kept.csv m-kept.json
pycheck "--na drop vs the file without those rows" "$same_model_py" m-kept.json m-drop.json
report "--na drop: prints 3 dropped, and the model of the file without those rows, to the bit"

run solve --data na.csv --na drop
expect_rc 0; expect_out "samples         4"; expect_err "3 rows with a missing value dropped"
report "solve --na drop"

run evaluate --model m-kept.json --data na.csv --na drop
expect_rc 0; expect_err "3 rows with a missing value dropped"
report "evaluate --na drop"

rm -f p.csv
run predict --model m-kept.json --data na.csv --na drop --out p.csv
expect_rc 0; expect_exists p.csv
[ -s p.csv ] && [ "$(wc -l <p.csv)" -eq 5 ] || fail "p.csv does not have a header and 4 rows"
report "predict --na drop: predictions of the 4 rows kept"

printf 'x1,y\n1,2\n3,abc\n4,NA\n' >na4.csv
train_quiet na4.csv m.json --na drop
expect_rc 1; expect_err "na4.csv:3: column 2 ('y'): 'abc' is not a number"
report "--na drop still refuses a cell that is not a number"

printf 'x1,y\n1,\nNA,2\n' >na5.csv
train_quiet na5.csv m.json --na drop
expect_rc 1; expect_err "every one of the 2 rows has a missing value"
expect_absent m.json
report "--na drop when every row has a missing value: an error"

rm -f m.json
run train --data na.csv --na maybe --model-out m.json
expect_rc 2; expect_prefix train; expect_err "--na" "maybe" "error, drop"
expect_absent m.json
report "usage error: --na maybe"

/usr/bin/python3 -c 'import numpy as np; np.save("Xn.npy", np.array([[1., 2.], [3., 4.]])); np.save("yn.npy", np.array([1., 2.]))'
run train --data Xn.npy --target-file yn.npy --na drop
expect_rc 2; expect_err "--na drop reads CSV files"
report "usage error: --na drop with a .npy"

run train --help
expect_rc 0; expect_out "--na error|drop"
report "train --help lists --na"

# R's write.csv(df): the row names in a first column with an empty name
printf '"","x","y"\n"1",1,2\n"2",3,5\n' >rnames.csv
train_quiet rnames.csv m.json
expect_rc 1; expect_err "rnames.csv:1: column 1 has an empty name" "R's write.csv" \
    "row.names = FALSE"
report "R's write.csv row-names column: a message that says so"

printf 'x,,y\n1,2,3\n' >emptyname.csv
train_quiet emptyname.csv m.json
expect_rc 1; expect_err "column 2 has an empty name"; grep -q "write.csv" "$err" \
    && fail "an empty name in column 2 is not R's row names"
report "an empty name elsewhere is not blamed on R"

# ------------------------------------------------------------------ .npy

/usr/bin/python3 -c '
import numpy as np
rng = np.random.RandomState(5)
X = rng.rand(40, 3) * [1.0, 10.0, 0.1]
y = X @ [2.5, -0.375, 8.0] + 0.625 + 0.01 * rng.rand(40)
np.save("Xc.npy", X); np.save("Xf.npy", np.asfortranarray(X)); np.save("y.npy", y)
np.save("Xc32.npy", X.astype(np.float32))
np.save("Xf32.npy", np.asfortranarray(X.astype(np.float32)))
A = np.column_stack([X, y])
np.save("Ac.npy", A); np.save("Af.npy", np.asfortranarray(A))
assert np.load("Xf.npy").flags["F_CONTIGUOUS"] and not np.load("Xf.npy").flags["C_CONTIGUOUS"]
# a 1-D y whose header says fortran_order True (the same bytes)
with open("yf.npy", "wb") as f:
    np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": True, "shape": (40,)})
    f.write(y.tobytes())
'
for pair in "Xc.npy Xf.npy float64" "Xc32.npy Xf32.npy float32"; do
    set -- $pair
    train_quiet "$1" m-c.json --target-file y.npy
    train_quiet "$2" m-f.json --target-file y.npy
    expect_rc 0; expect_err "Fortran order: copied to rows"
    pycheck "Fortran vs C model" "$same_model_py" m-c.json m-f.json
    report "Fortran-order $3 X: accepted, copied to rows (said), the C-order model to the bit"
done

train_quiet Af.npy m-f.json
expect_rc 0; expect_err "Af.npy: 40 samples, 3 features (Fortran order: copied to rows)"
train_quiet Ac.npy m-c.json
pycheck "Fortran vs C (n, p+1) model" "$same_model_py" m-c.json m-f.json
report "Fortran-order single (n, p+1) array: the C-order model to the bit"

train_quiet Xc.npy m-c.json --target-file y.npy
train_quiet Xc.npy m-f.json --target-file yf.npy
expect_rc 0
pycheck "1-D Fortran y vs C y" "$same_model_py" m-c.json m-f.json
report "a 1-D y marked fortran_order True: read as it is"

run solve --data Xf.npy --target-file y.npy
expect_rc 0
pycheck "solve on Fortran X vs numpy lstsq" '
import numpy as np, sys
X = np.load("Xc.npy"); y = np.load("y.npy")
w = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
got = {}
for line in open(sys.argv[1]):
    k, *v = line.split() or [""]  # the statistics table has blank lines
    if k in ("weights", "bias"):
        got[k] = [float(t) for t in v]
ok = np.allclose(got["weights"], w[:3], rtol=1e-10, atol=0) and abs(got["bias"][0] - w[3]) <= 1e-10 * abs(w[3])
if not ok: print("solve", got["weights"], got["bias"], "lstsq", w)
' "$out"
report "solve on a Fortran-order X: numpy lstsq's coefficients (rtol 1e-10)"

/usr/bin/python3 -c '
import numpy as np
np.savez("z.npz", X=np.ones((3, 2)))
def hdr(name, shape):
    with open(name, "wb") as f:
        h = "{\x27descr\x27: \x27<f8\x27, \x27fortran_order\x27: False, \x27shape\x27: %s, }" % shape
        h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
        f.write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode())
        f.write(b"\0" * 48)
hdr("neg.npy", "(-3, 2)")
hdr("neg1.npy", "(6, -1)")
hdr("ovf.npy", "(99999999999999999999, 2)")
'
run train --data z.npz
expect_rc 1; expect_prefix train; expect_err "z.npz" "zip archive" ".npz" "np.save"
report "an .npz given as data: named as a zip archive, with np.save to use"

cp z.npz z.npy
run train --data z.npy --target-file y.npy
expect_rc 1; expect_err "z.npy" "zip archive" "np.save"
report "an .npz named .npy: named as a zip archive"

for f in neg.npy neg1.npy; do
    run train --data $f --target-file y.npy
    expect_rc 1; expect_err "$f: shape has a negative dimension"
    report "a .npy shape with a negative dimension ($f) is refused"
done
run train --data ovf.npy --target-file y.npy
expect_rc 1; expect_err "ovf.npy: shape has a dimension that overflows"
report "a .npy shape with an overflowing dimension is refused"

# ------------------------------------------------------------ model JSON

good_csv >g.csv
run train --data g.csv --iters 10 --quiet --no-exact --model-out mj.json
expect_rc 0
report "a model to load"
{ cat mj.json; printf '  \n\t\n'; } >mj-ws.json
run evaluate --model mj-ws.json --data g.csv
expect_rc 0
report "model JSON: trailing white space is fine"

{ cat mj.json; printf 'garbage\n'; } >mj-trail.json
run evaluate --model mj-trail.json --data g.csv
expect_rc 1; expect_prefix evaluate; expect_err "mj-trail.json: text after the JSON object"
report "model JSON: text after the object is an error"

{ cat mj.json; cat mj.json; } >mj-two.json
run predict --model mj-two.json --data g.csv --out p2.csv
expect_rc 1; expect_err "text after the JSON object"; expect_absent p2.csv
report "model JSON: two objects in one file is an error"

sed 's/^{/{"bias": 12.5,/' mj.json >mj-dup.json
run evaluate --model mj-dup.json --data g.csv
expect_rc 1; expect_err "mj-dup.json: key \"bias\" appears twice"
report "model JSON: a duplicate key is an error"

/usr/bin/python3 -c '
import sys
t = open("mj.json").read()
i = t.index("{", 1)   # the first nested object (the options)
open("mj-dup2.json", "w").write(t[:i + 1] + "\"zz\": 1, \"zz\": 2, " + t[i + 1:])
'
run evaluate --model mj-dup2.json --data g.csv
expect_rc 1; expect_err "key \"zz\" appears twice"
report "model JSON: a duplicate key in a nested object is an error"

# ------------------------------------------------------------ list options

for args in "bandwidth --threads ,," "bandwidth --threads 1,,2" \
            "bandwidth --threads 2," "scale --threads ,," "bench --threads ," \
            "bench --sizes zzz" "bench --sizes ab9" "bench --sizes="; do
    set -- $args
    run "$@"
    expect_rc 2; expect_prefix "$1"; expect_err "${2%%=*}"
    case $args in *=) expect_err "is empty" ;; esac
    report "usage error, not an empty run: linreg $args"
done
