# tests/cli/data.sh -- data files given to train: malformed files refused
# with file and line, accepted variants giving the same model.
# Sourced by tests/cli.sh, in its own empty directory, after lib.sh.

# ------------------------------------------------------ data file errors

# data_error DESCRIPTION FILE PHRASES...: train on FILE; expect exit 1,
# a "linreg train:" message with each PHRASE, no output files created,
# and a pre-existing model file kept.
data_error() {
    local desc=$1 file=$2
    shift 2
    rm -f r.json
    plant m.json
    run train --data "$file" --model-out m.json --report r.json --quiet
    expect_rc 1
    expect_prefix train
    expect_err "$@"
    expect_absent r.json
    expect_kept m.json
    report "data error: $desc"
}

data_error "missing file" missing.csv "missing.csv"

: >empty.csv
data_error "empty file" empty.csv "empty.csv"

printf 'x1,x2,y\n' >hdr.csv
data_error "header only" hdr.csv "hdr.csv"

printf 'x1,x2,y\n1,2,3\n4,5\n6,7,8\n' >few.csv
data_error "row with too few fields" few.csv "few.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,5,6,7\n' >many.csv
data_error "row with too many fields" many.csv "many.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,abc,5\n' >nn.csv
data_error "non-numeric cell" nn.csv "nn.csv:3:" "abc"

printf 'x1,x2,y\n1,2,3\n4,5,6\n7,8,9\n1,2,3x\n' >nn5.csv
data_error "non-numeric cell on line 5 (trailing garbage)" nn5.csv "nn5.csv:5:" "3x"

printf 'x1,x2,y\n1,2,3\n4,,5\n' >emptycell.csv
data_error "empty cell" emptycell.csv "emptycell.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,nan,5\n' >nan.csv
data_error "NaN cell" nan.csv "nan.csv:3:" "nan"

printf 'x1,x2,y\n1,2,3\n4,inf,5\n' >inf.csv
data_error "inf cell" inf.csv "inf.csv:3:" "inf"

printf 'x1,x2,y\n1,2,3\n4,5,-Infinity\n' >ninf.csv
data_error "-Infinity cell" ninf.csv "ninf.csv:3:"

printf 'x1,x2,y\n1,2,3\n4,1e400,5\n' >ov.csv
data_error "1e400 (overflow)" ov.csv "ov.csv:3:" "1e400"

printf 'x1,x2,z\n1,2,3\n4,1,5\n' >noy.csv
data_error "no y column" noy.csv "noy.csv" "'y'"

printf 'x1,x1,y\n1,2,3\n4,1,5\n' >dup.csv
data_error "duplicated column names" dup.csv "dup.csv" "x1"

printf 'x1,x2,y\r\n1,2,3\r\n4,abc,5\r\n' >crlferr.csv
data_error "CRLF file with a bad cell names line 3" crlferr.csv "crlferr.csv:3:"

good_csv >g.csv
rm -f r.json
plant m.json
run train --data g.csv --target nosuch --model-out m.json --report r.json --quiet
expect_rc 1; expect_prefix train; expect_err "g.csv" "nosuch"
expect_absent r.json; expect_kept m.json
report "data error: --target nosuch"

# ------------------------------------------------------- accepted inputs

# The reference model, from the plain file; the variants must give the
# same model file, byte for byte (same data, same names).
good_csv >g.csv
run train --data g.csv --threads 1 --deterministic --model-out ref.json --quiet
expect_rc 0; expect_exists ref.json
report "train on a small plain CSV succeeds"

# accepted DESCRIPTION FILE: train on FILE succeeds, same model as g.csv.
accepted() {
    rm -f acc.json
    run train --data "$2" --threads 1 --deterministic --model-out acc.json --quiet
    expect_rc 0
    expect_exists acc.json
    if need acc.json ref.json && ! cmp -s ref.json acc.json; then
        fail "model differs from the one trained on the plain file"
    fi
    report "accepted input: $1"
}

good_csv | sed 's/$/\r/' >crlf.csv
accepted "CRLF line endings" crlf.csv

{ printf '\357\273\277'; good_csv; } >bom.csv
accepted "UTF-8 byte order mark" bom.csv

{ good_csv; echo; } >blank.csv
accepted "trailing blank line" blank.csv

good_csv | head -c -1 >nonl.csv
accepted "no newline at the end of the file" nonl.csv
