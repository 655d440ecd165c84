/* check_io.c -- CSV and model files: round trips to the bit, and every
 * malformed input refused with its status and a message naming the place. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "check_common.h"

static const char *write_tmp(const char *text)
{
    const char *path = tmp_path(".csv");
    FILE *f = fopen(path, "wb");
    ck_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Expects status st and the fragment `what` in the message. */
static void expect_csv_error(const char *text, int st, const char *what)
{
    const char *path = write_tmp(text);
    char err[512] = "";
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), st);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err, what) != NULL, "message '%s' lacks '%s'", err, what);
    ck_assert_msg(strstr(err, path) != NULL, "message '%s' lacks the file", err);
    unlink(path);
}

START_TEST(test_csv_errors)
{
    char err[512];
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read("/nonexistent/x.csv", "y", &d, err, sizeof err),
                     LR_EIO);
    ck_assert(strstr(err, "/nonexistent/x.csv") != NULL);
    expect_csv_error("", LR_EFORMAT, "empty");
    expect_csv_error("x1,y\n", LR_EFORMAT, "header only");
    expect_csv_error("x1,x2,y\n1,2,3\n4,5\n", LR_EFORMAT, ":3:");
    expect_csv_error("x1,y\n1,2\n3,abc\n", LR_EFORMAT, "not a number");
    expect_csv_error("x1,y\n1,2\nnan,3\n", LR_ERANGE, "NaN");
    expect_csv_error("x1,y\n1,inf\n", LR_ERANGE, "infinite");
    expect_csv_error("x1,y\n1,1e400\n", LR_ERANGE, "too large");
    expect_csv_error("x1,x2\n1,2\n", LR_EFORMAT, "no target column 'y'");
    expect_csv_error("a,a,y\n1,2,3\n", LR_EFORMAT, "twice");
    expect_csv_error("x1,y\n1,2\n\n3,4\n", LR_EFORMAT, "blank line");
    expect_csv_error("x1,y\n1,\n", LR_EFORMAT, "column 2");
    expect_csv_error("y\n1\n", LR_EFORMAT, "no feature columns");
}
END_TEST

/* CRLF, a UTF-8 byte-order mark, spaces and a blank last line are fine;
 * the target may be any column. */
START_TEST(test_csv_accepts)
{
    const char *path = write_tmp("\xEF\xBB\xBF" "a, target ,b\r\n1.5,2,-3e2\r\n"
                                 " 4 ,5,6\r\n\r\n");
    char err[512];
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read(path, "target", &d, err, sizeof err), LR_SUCCESS);
    ck_assert_uint_eq(d->n, 2);
    ck_assert_uint_eq(d->p, 2);
    ck_assert_str_eq(d->names[0], "a");
    ck_assert_str_eq(d->names[1], "b");
    ck_assert(d->X[0] == 1.5 && d->X[1] == -300.0 && d->X[2] == 4 && d->X[3] == 6);
    ck_assert(d->y[0] == 2 && d->y[1] == 5);
    lr_data_free(d);
    unlink(path);
}
END_TEST

/* lr_csv_write then lr_csv_read gives back the same bits (%.17g). */
START_TEST(test_csv_roundtrip)
{
    lr_data *d = lr_data_alloc(40, 3);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = 40;
    gp.n_features = 3;
    gp.noise = 0.3;
    gp.seed = 12;
    double c[3];
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, c), LR_SUCCESS);
    d->X[5] = 4.9406564584124654e-324; /* the smallest subnormal */
    d->X[6] = -1.7976931348623157e308;
    const char *path = tmp_path(".csv");
    char err[512];
    ck_assert_int_eq(lr_csv_write(path, d, err, sizeof err), LR_SUCCESS);
    lr_data *e = NULL;
    ck_assert_int_eq(lr_csv_read(path, "y", &e, err, sizeof err), LR_SUCCESS);
    ck_assert(memcmp(d->X, e->X, 120 * sizeof(double)) == 0);
    ck_assert(memcmp(d->y, e->y, 40 * sizeof(double)) == 0);
    ck_assert_str_eq(e->names[2], "x3");
    /* an unwritable path fails without leaving anything behind */
    ck_assert_int_eq(lr_csv_write("/nonexistent/dir/d.csv", d, err, sizeof err),
                     LR_EIO);
    ck_assert(strstr(err, "/nonexistent/dir/d.csv") != NULL);
    unlink(path);
    lr_data_free(d);
    lr_data_free(e);
}
END_TEST

START_TEST(test_model_roundtrip)
{
    lr_model *m = lr_model_alloc(3);
    double *w = lr_model_weights_mut(m);
    w[0] = 0.1;
    w[1] = -2.0 / 3.0;
    w[2] = 1e-300;
    lr_model_set_bias(m, 12345.678901234567);
    char *names[] = {"alpha", "beta", "gamma"};
    const char *path = tmp_path(".json");
    char err[512];
    ck_assert_int_eq(lr_model_save(path, m, names, err, sizeof err), LR_SUCCESS);
    lr_model *r = NULL;
    char **rn = NULL;
    ck_assert_int_eq(lr_model_load(path, &r, &rn, err, sizeof err), LR_SUCCESS);
    ck_assert_uint_eq(lr_model_nfeatures(r), 3);
    ck_assert(memcmp(lr_model_weights(r), w, 3 * sizeof(double)) == 0);
    ck_assert(lr_model_bias(r) == lr_model_bias(m));
    ck_assert_str_eq(rn[1], "beta");
    lr_names_free(rn, 3);
    lr_model_free(r);
    /* a non-finite weight is never written, and the old file stays */
    w[1] = NAN;
    ck_assert_int_eq(lr_model_save(path, m, names, err, sizeof err), LR_ERANGE);
    ck_assert(strstr(err, "weight 2") != NULL);
    ck_assert_int_eq(lr_model_load(path, &r, NULL, err, sizeof err), LR_SUCCESS);
    ck_assert(lr_model_weights(r)[1] == -2.0 / 3.0);
    lr_model_free(r);
    unlink(path);
    lr_model_free(m);
}
END_TEST

static void expect_model_error(const char *text, int st, const char *what)
{
    const char *path = write_tmp(text);
    char err[512] = "";
    lr_model *m = NULL;
    ck_assert_int_eq(lr_model_load(path, &m, NULL, err, sizeof err), st);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err, what) != NULL, "message '%s' lacks '%s'", err, what);
    unlink(path);
}

START_TEST(test_model_errors)
{
    char err[512];
    lr_model *m = NULL;
    ck_assert_int_eq(lr_model_load("/nonexistent/m.json", &m, NULL, err, sizeof err),
                     LR_EIO);
    expect_model_error("{\"format\":\"linreg-model\",\"version\":1,\"n_feat",
                       LR_EFORMAT, "not valid JSON");
    expect_model_error("{\"format\":\"other\"}", LR_EFORMAT, "not a linreg model");
    expect_model_error("{\"format\":\"linreg-model\",\"version\":9}", LR_EFORMAT,
                       "version");
    expect_model_error("{\"format\":\"linreg-model\",\"version\":1,\"n_features\":2,"
                       "\"weights\":[1],\"bias\":0}", LR_EFORMAT, "weights");
    expect_model_error("{\"format\":\"linreg-model\",\"version\":1,\"n_features\":1,"
                       "\"weights\":[\"a\"],\"bias\":0}", LR_EFORMAT, "weight 1");
    expect_model_error("{\"format\":\"linreg-model\",\"version\":1,\"n_features\":1,"
                       "\"weights\":[1]}", LR_EFORMAT, "bias");
    expect_model_error("{\"format\":\"linreg-model\",\"version\":1,\"n_features\":-3,"
                       "\"weights\":[1],\"bias\":0}", LR_EFORMAT, "n_features");
}
END_TEST

/* .npy: what lr_npy_write writes, lr_npy_open maps back to the bit; every
 * malformed header is refused with LR_EFORMAT and a message. */
START_TEST(test_npy_roundtrip)
{
    double a[12];
    for (int k = 0; k < 12; k++)
        a[k] = 2.385 * k - 7.0 / (k + 1);
    const char *path = tmp_path(".npy");
    char err[512];
    ck_assert_int_eq(lr_npy_write(path, a, 4, 3, 2, err, sizeof err), LR_SUCCESS);
    lr_npy m;
    ck_assert_int_eq(lr_npy_open(path, &m, err, sizeof err), LR_SUCCESS);
    ck_assert_uint_eq(m.n, 4);
    ck_assert_uint_eq(m.p, 3);
    ck_assert_int_eq(m.ndim, 2);
    ck_assert_int_eq(m.f32, 0);
    ck_assert(memcmp(m.data, a, sizeof a) == 0);
    lr_npy_close(&m);
    ck_assert_int_eq(lr_npy_write(path, a, 12, 1, 1, err, sizeof err), LR_SUCCESS);
    ck_assert_int_eq(lr_npy_open(path, &m, err, sizeof err), LR_SUCCESS);
    ck_assert_int_eq(m.ndim, 1);
    ck_assert_uint_eq(m.n, 12);
    lr_npy_close(&m);
    unlink(path);
}
END_TEST

static void expect_npy_error(const char *hdr, size_t datalen, int st,
                             const char *what)
{
    const char *path = tmp_path(".npy");
    FILE *f = fopen(path, "wb");
    /* padded with spaces before its newline to 64 bytes, as NumPy does */
    char padded[256];
    size_t l0 = strlen(hdr) - 1, hl = l0 + 1 + (64 - (10 + l0 + 1) % 64) % 64;
    memset(padded, ' ', hl);
    memcpy(padded, hdr, l0);
    padded[hl - 1] = '\n';
    hdr = padded;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(hl & 0xff), (unsigned char)(hl >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, hl, f);
    for (size_t k = 0; k < datalen; k++)
        fputc(0, f);
    fclose(f);
    lr_npy m;
    char err[512] = "";
    ck_assert_int_eq(lr_npy_open(path, &m, err, sizeof err), st);
    ck_assert_msg(strstr(err, what) != NULL, "message '%s' lacks '%s'", err, what);
    if (st == LR_SUCCESS)
        lr_npy_close(&m);
    ck_assert_ptr_null(lr_npy_mapping(&m));
    unlink(path);
}

START_TEST(test_npy_errors)
{
    const char *ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";
    expect_npy_error(ok, 48, LR_SUCCESS, "");
    expect_npy_error(ok, 40, LR_EFORMAT, "truncated");
    expect_npy_error(ok, 56, LR_EFORMAT, "trailing");
    expect_npy_error("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }\n",
                     48, LR_EFORMAT, "'>f8'");
    expect_npy_error("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }\n",
                     48, LR_EFORMAT, "not supported");
    expect_npy_error("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }\n",
                     192, LR_EFORMAT, "shape");
    expect_npy_error("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }\n",
                     0, LR_EFORMAT, "empty");
    expect_npy_error("{'descr': '<f8', 'fortran_order': False, "
                     "'shape': (4611686018427387904, 4), }\n", 0, LR_EFORMAT,
                     "overflows");
    expect_npy_error("{'fortran_order': False, 'shape': (2, 3), }\n", 48, LR_EFORMAT,
                     "descr");
    /* bad magic, and a NaN value */
    const char *path = tmp_path(".npy");
    FILE *f = fopen(path, "wb");
    fwrite("\x93NUMPX\x01\x00\x02\x00{}", 1, 12, f);
    fclose(f);
    lr_npy m;
    char err[512];
    ck_assert_int_eq(lr_npy_open(path, &m, err, sizeof err), LR_EFORMAT);
    ck_assert(strstr(err, "magic") != NULL);
    double a[4] = {1, 2, NAN, 4};
    ck_assert_int_eq(lr_npy_write(path, a, 2, 2, 2, err, sizeof err), LR_SUCCESS);
    ck_assert_int_eq(lr_npy_open(path, &m, err, sizeof err), LR_ERANGE);
    ck_assert(strstr(err, "row 2, column 1") != NULL);
    ck_assert_int_eq(lr_npy_open("/nonexistent/a.npy", &m, err, sizeof err), LR_EIO);
    unlink(path);
}
END_TEST

/* RFC 4180: quoted fields with delimiters, line breaks and "" inside; a
 * custom delimiter; the target by position. */
START_TEST(test_csv_rfc4180)
{
    const char *path = write_tmp("\"a,1\",\"b \"\"q\"\"\",y\r\n"
                                 "\"1.5\",2,3\r\n"
                                 " 4 ,\"5\",\"6\"\n");
    char err[512];
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), LR_SUCCESS);
    ck_assert_str_eq(d->names[0], "a,1");
    ck_assert_str_eq(d->names[1], "b \"q\"");
    ck_assert(d->X[0] == 1.5 && d->X[1] == 2 && d->X[2] == 4 && d->X[3] == 5);
    ck_assert(d->y[0] == 3 && d->y[1] == 6);
    lr_data_free(d);
    unlink(path);
    /* a quoted header name spanning two lines; errors then count lines */
    path = write_tmp("\"x\n1\";y\n1;2\n3;oops\n");
    lr_csv_opts o = lr_csv_opts_default();
    o.delimiter = ';';
    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_EFORMAT);
    ck_assert_msg(strstr(err, ":4:") != NULL, "%s", err);
    unlink(path);
    path = write_tmp("a\tb\tc\n1\t2\t3\n");
    o.delimiter = '\t';
    o.target = "#2";
    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_SUCCESS);
    ck_assert(d->y[0] == 2 && d->X[0] == 1 && d->X[1] == 3);
    ck_assert_str_eq(d->names[1], "c");
    lr_data_free(d);
    o.target = "#7";
    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_EFORMAT);
    ck_assert(strstr(err, "3 columns") != NULL);
    o.delimiter = '"';
    ck_assert_int_eq(lr_csv_read_opts(path, &o, &d, err, sizeof err), LR_EINVAL);
    unlink(path);
    expect_csv_error("x,y\n\"1,2\n", LR_EFORMAT, "no closing quote");
    expect_csv_error("x,y\n\"1\"2,3\n", LR_EFORMAT, "after the closing quote");
    expect_csv_error("\n\nx,y\n1,2\n", LR_EFORMAT, "blank");
}
END_TEST

/* A 4 MB header line (a million columns) is refused cleanly. */
START_TEST(test_csv_long_line)
{
    const char *path = tmp_path(".csv");
    FILE *f = fopen(path, "w");
    for (int k = 0; k < 1000000; k++)
        fprintf(f, "c%d,", k);
    fputs("y\n", f);
    fclose(f);
    char err[512];
    lr_data *d = NULL;
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), LR_EFORMAT);
    ck_assert(strstr(err, "header only") != NULL);
    unlink(path);
}
END_TEST

/* Reading a file in parts (as MPI ranks do): scan three byte ranges for
 * record starts, cut at those, read each part; together they are the whole
 * file, to the bit, and a bad cell is reported at its real line. */
START_TEST(test_csv_parts)
{
    lr_data *d = lr_data_alloc(1000, 3);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = 1000;
    gp.n_features = 3;
    gp.noise = 0.5;
    gp.seed = 77;
    double c[3];
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, c), LR_SUCCESS);
    const char *path = tmp_path(".csv");
    char err[512];
    ck_assert_int_eq(lr_csv_write(path, d, err, sizeof err), LR_SUCCESS);
    FILE *f = fopen(path, "ab");
    fputs("\n\n", f); /* trailing blank lines are not records */
    long size = ftell(f);
    fclose(f);
    size_t h = 0, total = 0, cut[4], got = 0;
    for (int r = 0; r < 3; r++) {
        size_t n, *starts;
        ck_assert_int_eq(lr_csv_scan(path, (size_t)size * r / 3,
                                     (size_t)size * (r + 1) / 3, &h, &n, &starts,
                                     err, sizeof err), LR_SUCCESS);
        ck_assert_uint_gt(n, 0);
        cut[r] = starts[0];
        total += n;
        free(starts);
    }
    cut[3] = (size_t)size;
    ck_assert_uint_eq(total, 1000);
    ck_assert_uint_eq(cut[0], h);
    for (int r = 0; r < 3; r++) {
        lr_data *part = NULL;
        lr_csv_opts o = lr_csv_opts_default();
        ck_assert_int_eq(lr_csv_read_part(path, &o, cut[r], cut[r + 1], 2 + got,
                                          &part, err, sizeof err), LR_SUCCESS);
        ck_assert(memcmp(part->X, d->X + got * 3, part->n * 3 * sizeof(double)) == 0);
        ck_assert(memcmp(part->y, d->y + got, part->n * sizeof(double)) == 0);
        got += part->n;
        lr_data_free(part);
    }
    ck_assert_uint_eq(got, 1000);
    lr_data_free(d);
    unlink(path);
    /* a bad cell in the second part: its file line, not the part's */
    path = write_tmp("a,y\n1,2\n3,4\n5,x\n7,8\n");
    lr_data *part = NULL;
    lr_csv_opts o = lr_csv_opts_default();
    ck_assert_int_eq(lr_csv_read_part(path, &o, 12, 20, 4, &part, err, sizeof err),
                     LR_EFORMAT);
    ck_assert_msg(strstr(err, ":4:") != NULL, "%s", err);
    ck_assert_int_eq(lr_csv_read_part(path, &o, 1, 8, 1, &part, err, sizeof err),
                     LR_EINVAL);
    unlink(path);
}
END_TEST

Suite *suite_io(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("core");
    /* not Check's default of 4 s, too close on a loaded 2-core machine */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_csv_errors);
    tcase_add_test(tc, test_csv_accepts);
    tcase_add_test(tc, test_csv_roundtrip);
    tcase_add_test(tc, test_model_roundtrip);
    tcase_add_test(tc, test_model_errors);
    tcase_add_test(tc, test_npy_roundtrip);
    tcase_add_test(tc, test_npy_errors);
    tcase_add_test(tc, test_csv_rfc4180);
    tcase_add_test(tc, test_csv_long_line);
    tcase_add_test(tc, test_csv_parts);
    suite_add_tcase(s, tc);
    return s;
}



