/* check_input.c -- the readers' edge cases of issue 8 (section 4): line
 * ends (LF, CRLF, CR alone) parsed alike and stray CRs refused with their
 * line and column, also for parts of a file; missing values and na_drop;
 * Fortran-order .npy transposed (and refused where only mapping will do);
 * negative and overflowing shapes; zip archives named; model JSON with
 * trailing text or duplicate keys refused. Expected values are written
 * into the inputs by hand (the transpose: element (i, j) = 10 i + j). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

#include "check_common.h"

static const char *write_bytes(const char *suffix, const void *data, size_t len)
{
    const char *path = tmp_path(suffix);
    FILE *f = fopen(path, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static const char *write_text(const char *text)
{
    return write_bytes(".csv", text, strlen(text));
}

static lr_data *read_ok(const char *text, int na_drop)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.na_drop = na_drop;
    const char *path = write_text(text);
    lr_data *d = NULL;
    char err[512] = "";
    int st = lr_csv_read_opts(path, &o, &d, err, sizeof err);
    ck_assert_msg(st == LR_SUCCESS, "%s", err);
    unlink(path);
    return d;
}

/* Status st and each of the fragments (NULL-terminated) in the message. */
static void read_fails(const char *text, int na_drop, int st, const char *what)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.na_drop = na_drop;
    const char *path = write_text(text);
    lr_data *d = NULL;
    char err[512] = "";
    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), st);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err, what) != NULL, "message '%s' lacks '%s'", err, what);
    unlink(path);
}

/* The same values, to the bit (memcmp: also tells -0.0 from 0.0). */
static void same_data(const lr_data *a, const lr_data *b)
{
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->p, b->p);
    ck_assert(memcmp(a->X, b->X, a->n * a->p * sizeof *a->X) == 0);
    ck_assert(memcmp(a->y, b->y, a->n * sizeof *a->y) == 0);
}

START_TEST(test_line_ends)
{
    lr_data *lf = read_ok("x,y\n1.5,2\n3,-5.25\n5,9\n", 0);
    lr_data *crlf = read_ok("x,y\r\n1.5,2\r\n3,-5.25\r\n5,9\r\n", 0);
    lr_data *cr = read_ok("x,y\r1.5,2\r3,-5.25\r5,9\r", 0);
    lr_data *cr_noend = read_ok("x,y\r1.5,2\r3,-5.25\r5,9", 0);
    lr_data *cr_blank = read_ok("x,y\r1.5,2\r3,-5.25\r5,9\r\r \r", 0);
    lr_data *mixed = read_ok("x,y\n1.5,2\r\n3,-5.25\n5,9\r\n", 0);
    ck_assert_uint_eq(lf->n, 3);
    ck_assert(lf->X[2] == 5.0 && lf->y[1] == -5.25);
    same_data(lf, crlf);
    same_data(lf, cr);
    same_data(lf, cr_noend);
    same_data(lf, cr_blank);
    same_data(lf, mixed);
    lr_data_free(lf);
    lr_data_free(crlf);
    lr_data_free(cr);
    lr_data_free(cr_noend);
    lr_data_free(cr_blank);
    lr_data_free(mixed);
    /* quoted line breaks: a CR file's CR becomes LF; an LF file's CR stays */
    lr_data *q = read_ok("\"a\rb\",y\r1,2\r", 0);
    ck_assert_str_eq(q->names[0], "a\nb");
    lr_data_free(q);
    q = read_ok("\"a\rb\",y\n1,2\n", 0);
    ck_assert_str_eq(q->names[0], "a\rb");
    lr_data_free(q);
}
END_TEST

START_TEST(test_stray_cr)
{
    read_fails("x,y\n1,2\n3,5\r7,11\n", 0, LR_EFORMAT, ":3: column 2: a carriage return");
    read_fails("x,y\r\n1,2\r\n3\r,5\r\n", 0, LR_EFORMAT, ":3: column 1: a carriage return");
    read_fails("x,y\n1,2\n3,\"5\"\r\n7,\"11\"\r7\n", 0, LR_EFORMAT,
               ":4: column 2: a carriage return");
    read_fails("x,y\r1,2\r3,5\n7,11\r", 0, LR_EFORMAT, ":3: column 2: a line feed");
    read_fails("x,y\r1,2\r3,5\r\n", 0, LR_EFORMAT, ":3: column 2: a line feed");
    /* the first line end decides: a CR in the header makes a CR file */
    read_fails("x\r,y\n1,2\n", 0, LR_EFORMAT, ":2: column 2: a line feed");
    /* lines inside a quoted field are counted: the error is on line 4 */
    read_fails("\"x\n\",y\n1,2\n3,5\r7\n", 0, LR_EFORMAT, ":4: column 2");
}
END_TEST

/* The reader of parts (linreg-mpi): a CR-only file is refused when the
 * header is looked for, and a stray CR in a part is named by its line in
 * the whole file. */
START_TEST(test_parts)
{
    char err[512] = "";
    size_t start, nrec, *starts = NULL;
    lr_data *d = NULL;
    lr_csv_opts o = lr_csv_opts_default();
    const char *path = write_text("x,y\r1,2\r3,5\r5,9\r");
    ck_assert_int_eq(lr_csv_scan(path, 0, 100, &start, &nrec, &starts, err,
                                 sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "CR") && strstr(err, "LF or CRLF"), "%s", err);
    ck_assert_int_eq(lr_csv_columns(path, &o, &d, err, sizeof err), LR_EFORMAT);
    ck_assert_ptr_null(d);
    unlink(path);
    /* "x,y\n" is 4 bytes, each record 4 */
    path = write_text("x,y\n1,2\n3,5\n5\r9\n7,8\n");
    ck_assert_int_eq(lr_csv_scan(path, 0, 100, &start, &nrec, &starts, err,
                                 sizeof err), LR_SUCCESS);
    ck_assert_uint_eq(start, 4);
    ck_assert_uint_eq(nrec, 4);
    free(starts);
    ck_assert_int_eq(lr_csv_read_part(path, &o, 4, 12, 2, &d, err, sizeof err),
                     LR_SUCCESS);
    ck_assert_uint_eq(d->n, 2);
    lr_data_free(d);
    d = NULL;
    ck_assert_int_eq(lr_csv_read_part(path, &o, 12, 20, 4, &d, err, sizeof err),
                     LR_EFORMAT);
    ck_assert_msg(strstr(err, ":4: column 1: a carriage return") != NULL, "%s", err);
    unlink(path);
}
END_TEST

START_TEST(test_missing)
{
    const char *text = "x1,x2,y\n1,2,3.5\n,1,4\n3,5,6.25\n4,NA,2\n2,2,NaN\n"
                       "5,1,nan\n6,3,1.5\n";
    read_fails(text, 0, LR_EFORMAT, ":3: column 1 ('x1'): an empty cell");
    read_fails("x,y\n1,2\n3,NA\n", 0, LR_EFORMAT, ":3: column 2 ('y'): 'NA' is a missing value");
    read_fails("x,y\n1,2\nNaN,3\n", 0, LR_ERANGE, ":3: column 1 ('x'): 'NaN' is NaN");
    lr_data *d = read_ok(text, 1);
    lr_data *kept = read_ok("x1,x2,y\n1,2,3.5\n3,5,6.25\n6,3,1.5\n", 0);
    same_data(d, kept);
    ck_assert_uint_eq(d->dropped, 4);
    ck_assert_uint_eq(kept->dropped, 0);
    lr_data_free(d);
    lr_data_free(kept);
    /* other errors stay errors; every row missing is one */
    read_fails("x,y\n1,NA\n2,abc\n", 1, LR_EFORMAT, ":3: column 2 ('y'): 'abc'");
    read_fails("x,y\n1,NA\n2,inf\n", 1, LR_ERANGE, "infinite");
    read_fails("x,y\n1,NA\n,2\n", 1, LR_EFORMAT, "every one of the 2 rows");
    /* R's write.csv row names */
    read_fails("\"\",\"x\",\"y\"\n\"1\",1,2\n", 0, LR_EFORMAT, "row.names = FALSE");
}
END_TEST

START_TEST(test_quoted_space)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.delimiter = ' ';
    const char *path = write_text("\"a b\" y\n\"1.5\" 2\n3 \"-4\"\n");
    lr_data *d = NULL;
    char err[512] = "";
    ck_assert_msg(lr_csv_read_opts(path, &o, &d, err, sizeof err) == LR_SUCCESS,
                  "%s", err);
    ck_assert_str_eq(d->names[0], "a b");
    ck_assert(d->n == 2 && d->X[0] == 1.5 && d->X[1] == 3.0 && d->y[1] == -4.0);
    lr_data_free(d);
    unlink(path);
}
END_TEST

/* A .npy with header dict `dict` (padded as NumPy pads) and data. */
static const char *write_npy(const char *dict, const void *data, size_t len)
{
    char buf[512];
    size_t l0 = strlen(dict), hl = l0 + 1 + (64 - (10 + l0 + 1) % 64) % 64;
    ck_assert(10 + hl + len <= sizeof buf);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)(hl & 0xff);
    buf[9] = (char)(hl >> 8);
    memset(buf + 10, ' ', hl);
    memcpy(buf + 10, dict, l0);
    buf[10 + hl - 1] = '\n';
    if (len)
        memcpy(buf + 10 + hl, data, len);
    return write_bytes(".npy", buf, 10 + hl + len);
}

START_TEST(test_npy_fortran)
{
    /* a 3 x 2 array with element (i, j) = 10 i + j, stored column by column */
    const double colmajor[6] = {0, 10, 20, 1, 11, 21};
    const float colmajor32[6] = {0, 10, 20, 1, 11, 21};
    char err[512] = "";
    lr_npy a;
    const char *path = write_npy("{'descr': '<f8', 'fortran_order': True, "
                                 "'shape': (3, 2), }", colmajor, sizeof colmajor);
    ck_assert_msg(lr_npy_open(path, &a, err, sizeof err) == LR_SUCCESS, "%s", err);
    ck_assert(a.copied && a.data != NULL && lr_npy_mapping(&a) == NULL);
    ck_assert(a.n == 3 && a.p == 2 && a.ndim == 2 && !a.f32);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            ck_assert(((const double *)a.data)[i * 2 + j] == (double)(10 * i + j));
    lr_npy_close(&a);
    ck_assert_int_eq(a.copied, 0);
    /* the mapping reader (linreg-mpi) cannot copy: refused */
    ck_assert_int_eq(lr_npy_map(path, &a, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "Fortran-order") && strstr(err, "np.ascontiguousarray"),
                  "%s", err);
    ck_assert_ptr_null(lr_npy_mapping(&a));
    unlink(path);
    path = write_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }",
                     colmajor32, sizeof colmajor32);
    ck_assert_msg(lr_npy_open(path, &a, err, sizeof err) == LR_SUCCESS, "%s", err);
    ck_assert(a.copied && a.f32);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            ck_assert(((const float *)a.data)[i * 2 + j] == (float)(10 * i + j));
    lr_npy_close(&a);
    unlink(path);
    /* 1-D, or one column: the same bytes either way, mapped, not copied */
    path = write_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (6,), }",
                     colmajor, sizeof colmajor);
    ck_assert_int_eq(lr_npy_map(path, &a, err, sizeof err), LR_SUCCESS);
    ck_assert(!a.copied && lr_npy_mapping(&a) != NULL && a.n == 6);
    ck_assert(((const double *)a.data)[3] == 1.0);
    lr_npy_close(&a);
    unlink(path);
    /* a NaN in a Fortran array is named by its row and column */
    const double withnan[6] = {0, 10, 20, 1, NAN, 21};
    path = write_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }",
                     withnan, sizeof withnan);
    ck_assert_int_eq(lr_npy_open(path, &a, err, sizeof err), LR_ERANGE);
    ck_assert_msg(strstr(err, "row 2, column 2 is NaN") != NULL, "%s", err);
    ck_assert(!a.copied && lr_npy_mapping(&a) == NULL);
    unlink(path);
}
END_TEST

static void npy_fails(const char *dict, const char *what)
{
    char err[512] = "";
    lr_npy a;
    const char *path = write_npy(dict, NULL, 0);
    ck_assert_int_eq(lr_npy_open(path, &a, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, what) != NULL, "message '%s' lacks '%s'", err, what);
    ck_assert_ptr_null(lr_npy_mapping(&a));
    unlink(path);
}

START_TEST(test_npy_shapes)
{
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 2), }",
              "negative dimension");
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2), }",
              "negative dimension");
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
              "negative dimension");
    npy_fails("{'descr': '<f8', 'fortran_order': False, "
              "'shape': (99999999999999999999, 2), }", "overflows");
    npy_fails("{'descr': '<f8', 'fortran_order': False, "
              "'shape': (3, 18446744073709551616), }", "overflows");
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }",
              "more than 2 dimensions");
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
              "no dimensions");
    npy_fails("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }",
              "unreadable");
    npy_fails("{'descr': '<f8', 'fortran_order': maybe, 'shape': (2, 3), }",
              "fortran_order");
    /* a zip archive (np.savez) is named, as .npy and as CSV */
    const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x00\x00rest of an archive";
    const char *path = write_bytes(".npy", zip, sizeof zip - 1);
    char err[512] = "";
    lr_npy a;
    ck_assert_int_eq(lr_npy_open(path, &a, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "zip archive") && strstr(err, "np.save"), "%s", err);
    unlink(path);
    path = write_bytes(".npz", zip, sizeof zip - 1);
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "zip archive") && strstr(err, "np.save"), "%s", err);
    unlink(path);
}
END_TEST

static int load_model(const char *text, char *err, size_t errlen)
{
    const char *path = write_bytes(".json", text, strlen(text));
    lr_model *m = NULL;
    int st = lr_model_load(path, &m, NULL, err, errlen);
    lr_model_free(m);
    unlink(path);
    return st;
}

START_TEST(test_model_json)
{
    char err[512] = "";
#define BODY "\"format\": \"linreg-model\", \"version\": 1, \"n_features\": 2, " \
             "\"weights\": [1.5, -2.25], \"bias\": 0.125, \"extra\": {\"a\": 1}}"
#define MODEL "{" BODY
    ck_assert_msg(load_model(MODEL "\n \t\r\n", err, sizeof err) == LR_SUCCESS,
                  "%s", err);
    ck_assert_int_eq(load_model(MODEL " x", err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "text after the JSON object") != NULL, "%s", err);
    ck_assert_int_eq(load_model(MODEL MODEL, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "text after the JSON object") != NULL, "%s", err);
    ck_assert_int_eq(load_model("{\"bias\": 3, " BODY, err, sizeof err),
                     LR_EFORMAT);
    ck_assert_msg(strstr(err, "key \"bias\" appears twice") != NULL, "%s", err);
    ck_assert_int_eq(load_model("{\"o\": [{\"k\": 1, \"j\": 2, \"k\": 3}], "
                                BODY, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, "key \"k\" appears twice") != NULL, "%s", err);
#undef MODEL
#undef BODY
}
END_TEST

/* The whole-file scan (NUL bytes, CRs that end no line, quotes, line
 * feeds counted for the threads' shares) runs 64 bytes a step in vectors,
 * SSE2 or AVX2 by the kernels' instruction set: a file of 120 rows
 * (about 1.7 KB) with, at each offset from 256 to 383 (two whole steps,
 * so every lane and both edges of a step), a NUL in place of a digit
 * (refused: binary data), the LF ending that row turned into a CR
 * (refused with the row's line), CRLF (read as the plain file) and a
 * quoted field (read as the plain file), on every instruction set this
 * CPU runs, at 1 and 2 threads. */
START_TEST(test_scan_offsets)
{
    char base[4096];
    size_t len = (size_t)snprintf(base, sizeof base, "x1,x2,y\n");
    for (int i = 0; i < 120; i++)
        len += (size_t)snprintf(base + len, sizeof base - len, "%d.25,%d,-%d.5\n",
                                i, 3 * i + 1, 7 * i);
    const char *plain = write_text(base);
    lr_csv_opts o = lr_csv_opts_default();
    lr_data *want = NULL;
    char err[512] = "", buf[4200];
    ck_assert_int_eq(lr_csv_read_opts(plain, &o, &want, err, sizeof err), LR_SUCCESS);
    unlink(plain);
    const int saved = omp_get_max_threads();
    for (int k = 0; k < CK_NISA; k++) {
        if (!ck_isa_use(k))
            continue; /* not on this CPU */
        for (int t = 1; t <= 2; t++) {
            omp_set_num_threads(t);
            for (size_t at = 256; at < 384; at++) {
                lr_data *d = NULL;
                /* a NUL where a digit or a comma was */
                memcpy(buf, base, len);
                buf[at] = base[at] == '\n' ? buf[at] : '\0';
                if (base[at] != '\n') {
                    const char *path = write_bytes(".csv", buf, len);
                    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err),
                                     LR_EFORMAT);
                    ck_assert_msg(strstr(err, "NUL") != NULL, "%s at %zu: %s", ck_isa(k), at, err);
                    unlink(path);
                }
                /* the LF at or after `at` as a CR alone, then as CRLF */
                const size_t lf = (size_t)(strchr(base + at, '\n') - base);
                size_t line = 1;
                for (size_t q = 0; q < lf; q++)
                    line += base[q] == '\n';
                memcpy(buf, base, len);
                buf[lf] = '\r';
                const char *path = write_bytes(".csv", buf, len);
                ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_EFORMAT);
                char where[32];
                snprintf(where, sizeof where, ":%zu:", line);
                ck_assert_msg(strstr(err, where) != NULL && strstr(err, "carriage return"),
                              "%s, %d threads, CR at %zu: '%s' lacks '%s'", ck_isa(k), t, lf,
                              err, where);
                unlink(path);
                memcpy(buf, base, lf);
                buf[lf] = '\r';
                memcpy(buf + lf + 1, base + lf, len - lf);
                path = write_bytes(".csv", buf, len + 1);
                ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_SUCCESS);
                same_data(d, want);
                lr_data_free(d);
                unlink(path);
                /* the field at `at` quoted (digits only: a field of its own) */
                size_t a = at, b = at;
                while (a > 0 && base[a - 1] != ',' && base[a - 1] != '\n')
                    a--;
                while (base[b] != ',' && base[b] != '\n')
                    b++;
                if (b > a) {
                    memcpy(buf, base, a);
                    buf[a] = '"';
                    memcpy(buf + a + 1, base + a, b - a);
                    buf[b + 1] = '"';
                    memcpy(buf + b + 2, base + b, len - b);
                    path = write_bytes(".csv", buf, len + 2);
                    d = NULL;
                    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err),
                                     LR_SUCCESS);
                    same_data(d, want);
                    lr_data_free(d);
                    unlink(path);
                }
            }
        }
    }
    ck_assert_int_eq(lr_kernel_isa_set(NULL), LR_SUCCESS);
    omp_set_num_threads(saved);
    lr_data_free(want);
}
END_TEST

Suite *suite_input(void)
{
    Suite *s = suite_create("input");
    TCase *tc = tcase_create("input");
    /* not Check's default of 4 s: test_scan_offsets' 3000 reads take
     * 1.5-2 s on the 2-core VMs, and one timed out on a loaded one */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_line_ends);
    tcase_add_test(tc, test_stray_cr);
    tcase_add_test(tc, test_scan_offsets);
    tcase_add_test(tc, test_parts);
    tcase_add_test(tc, test_missing);
    tcase_add_test(tc, test_quoted_space);
    tcase_add_test(tc, test_npy_fortran);
    tcase_add_test(tc, test_npy_shapes);
    tcase_add_test(tc, test_model_json);
    suite_add_tcase(s, tc);
    return s;
}
