# tests/cli/csv.sh -- the CSV reader's speed work (issue 10, target 5):
# a regular file is mapped, not copied, and anything else (a pipe, an empty
# file) is read; the parallel parse gives the serial reader's data and
# errors. Sourced by tests/cli.sh.

# ------------------------------------------------- mapped or read (step 1)

good_csv >g.csv
train_quiet g.csv m-file.json
expect_rc 0
train_quiet <(good_csv) m-pipe.json
expect_rc 0; expect_err "4 samples, 2 features"
pycheck "pipe vs file model" "$same_model_py" m-file.json m-pipe.json
report "a pipe (not mappable) is read: the model of the mapped file to the bit"

: >empty.csv
train_quiet empty.csv m-empty.json
expect_rc 1; expect_err "empty.csv: empty file (no header row)"
expect_absent m-empty.json
report "an empty file (nothing to map) is read: the empty-file error"

# a file of exactly one page (4096 bytes) with no line end after its last
# value: the reader must stop at the map's end, and read that last value
# whole (the model equals that of the same rows with a final LF)
/usr/bin/python3 -c '
rows = ["x,y"]
while len("\n".join(rows)) < 4000:
    i = len(rows)
    rows.append("%d,%d" % (i % 97, (3 * i) % 89))
s = "\n".join(rows) + "\n1,"
rows.append("1," + "0" * (4096 - len(s) - 2) + "77")
s = "\n".join(rows)
assert len(s) == 4096, len(s)
open("page.csv", "w").write(s)
open("page-lf.csv", "w").write(s + "\n")
'
train_quiet page.csv m-page.json --lr 0.0001
expect_rc 0
train_quiet page-lf.csv m-page-lf.json --lr 0.0001
expect_rc 0
pycheck "one page, no final LF" "$same_model_py" m-page.json m-page-lf.json
report "a file of exactly one page without a final line end: its last value is read whole"

# quoted fields are unquoted in a mapped file's private copy, never in
# the file itself
printf '"x","y"\n"1",2\n"2","4"\n3,"6"\n' >q.csv
cp q.csv q-before.csv
train_quiet q.csv m-q.json
expect_rc 0; expect_err "3 samples, 1 features"
cmp -s q.csv q-before.csv || fail "q.csv changed on disk"
report "quoted fields in a mapped file: read, and the file is left as it was"

# a CR-only file is converted in the private copy of its pages
printf 'x,y\r1,2\r2,4\r3,6\r' >cr.csv
cp cr.csv cr-before.csv
printf 'x,y\n1,2\n2,4\n3,6\n' >lf.csv
train_quiet cr.csv m-cr.json
expect_rc 0
train_quiet lf.csv m-lf.json
cmp -s cr.csv cr-before.csv || fail "cr.csv changed on disk"
pycheck "CR vs LF model" "$same_model_py" m-lf.json m-cr.json
report "a mapped CR-only file: the LF file's model, and the file left as it was"

# -------------------------------------------------- parallel parse (step 2)

# the same message, naming the first bad line, whatever the thread count
/usr/bin/python3 -c '
with open("bad.csv", "w") as f:
    f.write("x1,x2,y\n")
    for i in range(3000):
        bad = {1200: "1,2x,3", 2500: "1,2", 2900: "x,1,2"}
        f.write(bad.get(i, "%d,%d,%d" % (i, i % 7, 2 * i)) + "\n")
'
for t in 1 2 3; do
    run train --data bad.csv --iters 1 --no-exact --quiet --threads $t
    expect_rc 1
    expect_err "bad.csv:1202: column 2 ('x2'): '2x' is not a number"
    cp "$err" "err-$t.txt"
done
cmp -s err-1.txt err-3.txt || fail "--threads 3 message differs from --threads 1"
report "a bad value in the data: the same first error (line 1202) at 1, 2 and 3 threads"
