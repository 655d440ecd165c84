/* check_csv_speed.c -- the CSV reader's speed work (issue 10, target 5):
 * the parallel parse of a file without quotes gives the serial reader's
 * result (threads = 1) to the bit -- X, y, names, n, dropped -- or its
 * error, word for word (the first in file order), for 2, 3 and 7 threads,
 * on files with LF, CRLF and CR line ends, a byte-order mark, missing
 * values with na_drop, trailing blank lines, quotes (read serially) and
 * errors placed early, late and in several ranges at once. And the fast
 * float parser (lr_parse_double) equals strtod to the bit wherever it
 * answers: on 1e5 random doubles of every exponent (subnormals too)
 * printed with %.17g, as the reader reads them from a file, and on an
 * edge-case list (halfway cases, limits, 17-20+ digits, odd spellings).
 * The fused fast path (csvfast): lr_parse_number against strtod on a
 * seeded corpus of 8e5 numbers (random decimals of 1-25 digits with
 * leading and trailing zeros and exponents near the limits, normal doubles
 * at 1-17 digits, near-halfway midpoints, subnormals), every SWAR word
 * length, bounded by its end; and records it reads beside ones it hands
 * to the general reader, every value strtod's, errors at their line; and
 * the record counts taken from the scan pass's line feeds. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "check_common.h"
#include "lr_internal.h"

/* A growing text. */
typedef struct {
    char *s;
    size_t n, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
        va_end(ap);
        /* ck_assert only on a failure: each passed one is a write to
         * Check's pipe, millions of them for the large files */
        if (k < 0)
            ck_abort_msg("vsnprintf failed");
        if ((size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = 2 * t->cap + (size_t)k + 1;
        t->s = realloc(t->s, t->cap);
        if (!t->s)
            ck_abort_msg("out of memory");
    }
}

/* rows records of 3 features and y (y second), line ends eol; row r's
 * special text (if any) from special(r). */
static char *make_csv(size_t rows, const char *eol, int bom,
                      const char *(*special)(size_t r, size_t j))
{
    text_t t = {malloc(64), 0, 64};
    ck_assert(t.s != NULL);
    t.s[0] = '\0';
    put(&t, "%sa,y,b,c%s", bom ? "\xEF\xBB\xBF" : "", eol);
    uint64_t z = 12345;
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < 4; j++) {
            z = z * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *sp = special ? special(r, j) : NULL;
            double v = (double)(int64_t)(z >> 11) * 0x1p-40
                       * (j == 3 ? 1e-300 : 1.0);
            if (sp)
                put(&t, "%s%s", j ? "," : "", sp);
            else
                put(&t, "%s%.17g", j ? "," : "", v);
        }
        put(&t, "%s", eol);
    }
    return t.s;
}

static const char *path_of(const char *text)
{
    const char *path = tmp_path(".csv");
    FILE *f = fopen(path, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
    return path;
}

/* d against the reference read ref: the same rows, targets and names. */
static void same_data(const lr_data *d, const lr_data *ref, const char *how)
{
    ck_assert_msg(d->n == ref->n && d->p == ref->p
                  && d->dropped == ref->dropped,
                  "%s: %zu x %zu (%zu dropped), the reference %zu x %zu (%zu)",
                  how, d->n, d->p, d->dropped, ref->n, ref->p, ref->dropped);
    ck_assert((d->y == NULL) == (ref->y == NULL));
    /* (one ck_assert a row would be one write to Check's pipe a row) */
    for (size_t i = 0; i < d->n; i++)
        if (memcmp(d->X + i * d->p, ref->X + i * d->p, d->p * sizeof *d->X)
            || (d->y && memcmp(&d->y[i], &ref->y[i], sizeof *d->y)))
            ck_abort_msg("%s: row %zu differs", how, i);
    for (size_t j = 0; j < d->p; j++)
        ck_assert_str_eq(d->names[j], ref->names[j]);
}

/* The reference read of path: 1 thread through the mapping alone (no
 * pread windows, no pread scan). */
static int ref_read(const char *path, const lr_csv_opts *opts, lr_data **ref,
                    char *err)
{
    lr_csv_opts o = *opts;
    const size_t w = lr_csv_window;
    o.threads = 1;
    lr_csv_window = 0;
    const int st = lr_csv_read_opts(path, &o, ref, err, 512);
    lr_csv_window = w;
    return st;
}

/* path read by the first nt of 1, 2, 3 and 7 threads, each with pread
 * windows of each size in windows[0..nw), against ref_read: the same
 * status, and the same data or message. Returns the status. */
static int same_path(const char *path, const lr_csv_opts *opts,
                     const size_t *windows, size_t nw, size_t nt)
{
    lr_data *ref = NULL;
    char rerr[512] = "";
    const int rst = ref_read(path, opts, &ref, rerr);
    static const int threads[] = {1, 2, 3, 7};
    const size_t w0 = lr_csv_window;
    for (size_t w = 0; w < nw; w++) {
        for (size_t t = 0; t < nt && t < 4; t++) {
            lr_csv_opts o = *opts;
            o.threads = threads[t];
            lr_csv_window = windows[w];
            lr_data *d = NULL;
            char err[512] = "", how[64];
            const int st = lr_csv_read_opts(path, &o, &d, err, sizeof err);
            lr_csv_window = w0;
            snprintf(how, sizeof how, "%d threads, %zu-byte windows",
                     threads[t], windows[w]);
            ck_assert_msg(st == rst, "%s: status %d, reference %d (%s | %s)",
                          how, st, rst, err, rerr);
            if (rst) {
                ck_assert_msg(strcmp(err, rerr) == 0, "%s: '%s', reference '%s'",
                              how, err, rerr);
                ck_assert_ptr_null(d);
                continue;
            }
            same_data(d, ref, how);
            lr_data_free(d);
        }
    }
    lr_data_free(ref);
    return rst;
}

/* text in a file, read as same_path does at 1, 2, 3 and 7 threads with
 * windows of 300 bytes (most records cross a window's edge, many lines
 * are longer than one), 4 KB and the default 2 MB. */
static int same_read(const char *text, int na_drop, int target_required)
{
    static const size_t windows[] = {300, 4096, (size_t)1 << 21};
    const char *path = path_of(text);
    lr_csv_opts o = lr_csv_opts_default();
    o.na_drop = na_drop;
    o.target_required = target_required;
    o.target = target_required ? "y" : "none";
    const int rst = same_path(path, &o, windows, 3, 4);
    unlink(path);
    return rst;
}

static const char *sp_none(size_t r, size_t j)
{
    (void)r;
    (void)j;
    return NULL;
}

/* missing values of every spelling, scattered */
static const char *sp_missing(size_t r, size_t j)
{
    static const char *const na[] = {"", "NA", "NaN", "nan", " "};
    return r % 7 == 3 && j == r % 4 ? na[r % 5] : NULL;
}

START_TEST(test_same_data)
{
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    for (size_t e = 0; e < 3; e++) {
        for (int bom = 0; bom < 2; bom++) {
            char *s = make_csv(1500, eols[e], bom, sp_none);
            ck_assert_int_eq(same_read(s, 0, 1), LR_SUCCESS);
            ck_assert_int_eq(same_read(s, 0, 0), LR_SUCCESS);
            free(s);
        }
        char *s = make_csv(1500, eols[e], 0, sp_missing);
        ck_assert_int_eq(same_read(s, 1, 1), LR_SUCCESS);
        ck_assert_int_ne(same_read(s, 0, 1), LR_SUCCESS);
        free(s);
    }
    /* small files: fewer lines than threads, one line, trailing blanks */
    static const char *const small[] = {
        "y,x\n1,2\n", "y,x\n1,2", "y,x\n1,2\n3,4\n\n \n\t\n",
        "y,x\n1,2\r\n3,4\r\n\r\n", "\xEF\xBB\xBFy,x\n1,2\n3,4\n",
        "y;x\n1,2\n", "y,x\n\n\n", "y,x\n", "\"y\",\"x\"\n1,2\n3,4\n",
        "y,x\n\"1\",2\n3,\"4\"\n", "y,x\n1,\"2\n\"\n",
        /* a blank line at the end of a range, records after it */
        "y,x\n1,2\n\n3,4\n", "y,x\n1,2\n\n\n\n3,4\n5,6\n",
        "\xEF\xBB\xBFx;y\n1;2\n\n\xBFx;y\n1;2\n\n",
    };
    for (size_t k = 0; k < sizeof small / sizeof *small; k++) {
        (void)same_read(small[k], 0, 1);
        (void)same_read(small[k], 1, 1);
        (void)same_read(small[k], 0, 0);
    }
}
END_TEST

/* errors at row err_row (and later ones, which must not win) */
static size_t err_row, err_kind;
static const char *sp_error(size_t r, size_t j)
{
    static const char *const bad[] = {"1x", "1e999", "NaN", "inf", "", "-"};
    if ((r == err_row || r == err_row + 700 || r + 3 == err_row + 1100)
        && j == 2)
        return bad[(err_kind + r) % 6];
    return NULL;
}

START_TEST(test_same_errors)
{
    static const size_t rows[] = {0, 1, 499, 500, 1001, 1999};
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        for (err_kind = 0; err_kind < 6; err_kind++) {
            err_row = rows[r];
            char *s = make_csv(2000, r % 2 ? "\r\n" : "\n", 0, sp_error);
            ck_assert_int_ne(same_read(s, 0, 1), LR_SUCCESS);
            (void)same_read(s, 1, 1);
            free(s);
        }
    }
    /* a blank line inside the data, a short and a long record, early and
     * late: the first one is named */
    char *s = make_csv(2000, "\n", 0, sp_none);
    const size_t len = strlen(s);
    char *t = malloc(len + 64);
    ck_assert(t != NULL);
    static const size_t at[] = {10, 30000, 60000, 90000};
    static const char *const what[] = {"\n\n", "\n1,2\n", "\n1,2,3,4,5\n"};
    for (size_t a = 0; a < 4; a++) {
        for (size_t w = 0; w < 3; w++) {
            const char *nl = strchr(s + at[a], '\n');
            const size_t k = (size_t)(nl - s);
            memcpy(t, s, k);
            strcpy(t + k, what[w]);
            strcat(t + k, nl + 1);
            ck_assert_int_ne(same_read(t, 0, 1), LR_SUCCESS);
        }
    }
    free(t);
    free(s);
}
END_TEST

/* rows records of ncol - 1 features and y (y last), line ends eol (none
 * after the last record unless last_eol); what = 1: row rows - 5 has a
 * missing value (NA) and row rows / 3 an empty one; what = 2: also row
 * rows * 3 / 4 a bad number at column 2. */
static char *wide_csv(size_t rows, size_t ncol, const char *eol, int last_eol,
                      int what)
{
    text_t t = {malloc(64), 0, 64};
    ck_assert(t.s != NULL);
    t.s[0] = '\0';
    for (size_t j = 0; j + 1 < ncol; j++)
        put(&t, "x%zu,", j);
    put(&t, "y%s", eol);
    uint64_t z = 99;
    for (size_t r = 0; r < rows; r++) {
        for (size_t j = 0; j < ncol; j++) {
            const char *sep = j ? "," : "";
            z = z * 6364136223846793005ULL + 1442695040888963407ULL;
            if (what && r == rows - 5 && j == ncol / 2)
                put(&t, "%sNA", sep);
            else if (what && r == rows / 3 && j == 0)
                put(&t, "%s", sep);
            else if (what == 2 && r == rows * 3 / 4 && j == 1)
                put(&t, "%s1.5.5", sep);
            else
                put(&t, "%s%.17g", sep,
                    (double)(int64_t)(z >> 11) * 0x1p-30);
        }
        if (r + 1 < rows || last_eol)
            put(&t, "%s", eol);
    }
    return t.s;
}

/* The pread windows on files large enough that each thread's range takes
 * several (4.8 MB: windows of 64 KB, and the default 2 MB at 1 and 2
 * threads), and lines longer than a window (1500 columns, 30 KB: 4 KB
 * windows hand each to the mapping, 64 KB ones take two): LF and CRLF,
 * with and without a final line end, missing values kept out or refused,
 * and an error late in the file; every read as the mapped reference's
 * (same_path), at 1, 2 and 3 threads. */
START_TEST(test_windows)
{
    static const struct {
        size_t rows, ncol;
        size_t windows[3];
    } shape[] = {{60000, 4, {65536, (size_t)1 << 21, 0}},
                 {40, 1500, {4096, 65536, (size_t)1 << 21}}};
    static const struct {
        int crlf, what;
    } var[] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}};
    for (size_t k = 0; k < 2; k++) {
        const size_t nw = shape[k].windows[2] ? 3 : 2;
        for (size_t v = 0; v < sizeof var / sizeof *var; v++) {
            const int what = var[v].what;
            char *s = wide_csv(shape[k].rows, shape[k].ncol,
                               var[v].crlf ? "\r\n" : "\n", what != 1, what);
            const char *path = path_of(s);
            lr_csv_opts o = lr_csv_opts_default();
            o.na_drop = 1;
            ck_assert_int_eq(same_path(path, &o, shape[k].windows, nw, 3) != 0,
                             what == 2);
            if (what == 1) {
                o.na_drop = 0;
                ck_assert_int_ne(same_path(path, &o, shape[k].windows, nw, 3),
                                 0);
            }
            unlink(path);
            free(s);
        }
    }
}
END_TEST

/* strtod's double for s, to the bit, where lr_parse_double answers; 1 if
 * it did. */
static int same_as_strtod(const char *s)
{
    double fast, ref;
    char *end;
    errno = 0;
    ref = strtod(s, &end);
    const int range = errno == ERANGE;
    if (!lr_parse_double(s, strlen(s), &fast))
        return 0;
    ck_assert_msg(*end == '\0' && !range, "'%s': the fast parser answered "
                  "where strtod stops or sets ERANGE", s);
    ck_assert_msg(memcmp(&fast, &ref, sizeof fast) == 0,
                  "'%s': fast %a, strtod %a", s, fast, ref);
    return 1;
}

START_TEST(test_parse_random)
{
    /* random bit patterns: every exponent, subnormals included */
    enum { N = 100000 };
    text_t t = {malloc(64), 0, 64};
    ck_assert(t.s != NULL);
    put(&t, "x,y\n");
    uint64_t z = 42;
    size_t fast = 0;
    double *want = malloc(N * sizeof *want);
    ck_assert(want != NULL);
    for (size_t i = 0; i < N; i++) {
        double v;
        do {
            z = z * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t u = z ^ (z >> 29);
            memcpy(&v, &u, sizeof v);
        } while (!isfinite(v));
        char b[64];
        snprintf(b, sizeof b, "%.17g", v);
        fast += (size_t)same_as_strtod(b);
        want[i] = strtod(b, NULL);
        put(&t, "%s%s", b, i % 2 ? "\n" : ",");
        /* and shorter spellings: 15 and 6 digits, 20+ (strtod's) */
        switch (i % 4) {
        case 0: snprintf(b, sizeof b, "%.15g", v); break;
        case 1: snprintf(b, sizeof b, "%.6e", v); break;
        case 2: snprintf(b, sizeof b, "%.21g", v); break;
        default: snprintf(b, sizeof b, "%.3e", v * 1e-3); break;
        }
        (void)same_as_strtod(b);
    }
    /* nearly all of them are the fast parser's own (not strtod's) */
    ck_assert_msg(fast > N * 9 / 10, "only %zu of %d by the fast parser",
                  fast, N);
    /* the reader, 1 and 2 threads: each value is strtod's */
    const char *path = path_of(t.s);
    for (int th = 1; th <= 2; th++) {
        lr_csv_opts o = lr_csv_opts_default();
        o.threads = th;
        lr_data *d = NULL;
        char err[512] = "";
        ck_assert_msg(lr_csv_read_opts(path, &o, &d, err, sizeof err) == 0,
                      "%s", err);
        ck_assert_uint_eq(d->n, N / 2);
        for (size_t i = 0; i < N / 2; i++) {
            ck_assert(memcmp(&d->X[i], &want[2 * i], sizeof *want) == 0);
            ck_assert(memcmp(&d->y[i], &want[2 * i + 1], sizeof *want) == 0);
        }
        lr_data_free(d);
    }
    unlink(path);
    free(want);
    free(t.s);
}
END_TEST

START_TEST(test_parse_edges)
{
    static const char *const edge[] = {
        /* subnormals, the smallest and largest normals, their neighbours */
        "4.9406564584124654e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1e-324", "1e-400", "2.2250738585072014e-308",
        "2.2250738585072011e-308", "2.2250738585072009e-308",
        "1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623159e308", "1.8e308", "1e308", "1e309", "1e-308",
        "1e-307", "9.9999999999999999e-309",
        /* halfway between adjacent doubles */
        "9007199254740993", "9007199254740992", "9007199254740994",
        "9007199254740995", "9007199254740993.0000000000000001",
        "18014398509481985", "18014398509481986", "18014398509481987",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "0.500000000000000055511151231257827021181583404541015625",
        "2.0000000000000004440892098500626161694526672363281",
        "4503599627370496.5", "4503599627370497.5", "8.98846567431158e307",
        "1.2345678901234567e-5", "7.2057594037927933e16",
        "7.2057594037927936e16", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "18446744073709551616",
        "12345678901234567890", "123456789012345678901",
        "0.12345678901234567890", "1.2345678901234567890123e-100",
        /* leading zeros, signs, short forms */
        "000000000000000000000000001.5", "0.000000000000000000000000123",
        "-0", "+0", "-0.0", "0e999999", "+1", "-1", ".5", "5.", "-.5",
        "1e5", "1E+05", "1e-05", "1E5", "1.e5", "00", "0.0000",
        "3.141592653589793", "2.718281828459045", "1e22", "1e23",
        "9007199254740993e-22", "1e-22", "5e-324", "8e-323",
        /* not numbers (strtod or the reader decides) */
        "", "+", "-", ".", "e5", "1e", "1e+", "1.5.", "0x1p3", "inf", "nan",
        "1,5", " 1", "1 ", "1e99999999999999999999",
    };
    size_t fast = 0;
    for (size_t k = 0; k < sizeof edge / sizeof *edge; k++)
        fast += (size_t)same_as_strtod(edge[k]);
    ck_assert_msg(fast > 40, "only %zu edge cases by the fast parser", fast);
    /* spellings the fast parser must answer itself */
    static const char *const own[] = {".5", "5.", "1e5", "1E+05", "+1", "-0",
                                      "9007199254740993", "1e308"};
    for (size_t k = 0; k < sizeof own / sizeof *own; k++)
        ck_assert_msg(same_as_strtod(own[k]), "'%s' left to strtod", own[k]);
    /* the reader keeps its range rules: overflow an error, underflow 0 */
    const char *path = path_of("x,y\n1e-400,1\n2,1.7976931348623159e308\n");
    lr_data *d = NULL;
    char err[512] = "";
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), LR_ERANGE);
    ck_assert_msg(strstr(err, ":3: column 2 ('y'): '1.7976931348623159e308' "
                          "is too large for a double") != NULL, "%s", err);
    unlink(path);
    path = path_of("x,y\n1e-400,1\n2,1.7976931348623157e308\n");
    ck_assert_int_eq(lr_csv_read(path, "y", &d, err, sizeof err), LR_SUCCESS);
    ck_assert(d->X[0] == 0.0 && d->y[1] == DBL_MAX);
    lr_data_free(d);
    unlink(path);
}
END_TEST

/* ---------------------------------------- the fused fast path (csvfast) */

/* ck_assert_msg, but silent when it holds: Check records every passing
 * assertion (a write), and these run millions of times */
#define REQUIRE(cond, ...) \
    do { \
        if (!(cond)) \
            ck_abort_msg(__VA_ARGS__); \
    } while (0)

/* lr_parse_number on s (NUL-terminated) against strtod: where it answers,
 * it stops where strtod stops, without ERANGE, with strtod's bits; and it
 * reads nothing at or past its end: the same text followed by digits it
 * must not take, by a delimiter, or cut short, gives the same or nothing.
 * Returns 1 when it answered. */
static int number_as_strtod(const char *s)
{
    const size_t len = strlen(s);
    char *e;
    errno = 0;
    const double ref = strtod(s, &e);
    const int range = errno == ERANGE;
    double v = -1.0;
    const char *got = lr_parse_number(s, s + len, &v);
    /* in a buffer with digits after its end (which SWAR words would see
     * if they read past it), and with a delimiter after it */
    char *b = malloc(len + 32);
    REQUIRE(b != NULL, "out of memory");
    memcpy(b, s, len);
    memcpy(b + len, "98765432109876543210", 21);
    double w = -2.0;
    const char *gb = lr_parse_number(b, b + len, &w);
    REQUIRE((got == NULL) == (gb == NULL) && (!got || gb - b == got - s),
                  "'%s': another answer with digits after the end", s);
    if (got)
        REQUIRE(memcmp(&v, &w, sizeof v) == 0, "'%s': %a, then %a", s,
                      v, w);
    static const char after[] = {',', '\n', '\r', ';', '/', ':', '\x80',
                                 '\xff', ' '};
    for (size_t k = 0; got && got == s + len && k < sizeof after; k++) {
        b[len] = after[k];
        gb = lr_parse_number(b, b + len + 1 + k % 3, &w);
        REQUIRE(gb == b + len && memcmp(&v, &w, sizeof v) == 0,
                      "'%s' before byte 0x%02x: read another way", s,
                      (unsigned)(unsigned char)after[k]);
    }
    free(b);
    if (!got)
        return 0;
    REQUIRE(got == e && !range, "'%s': the fast parser stops after %td "
                  "bytes, strtod after %td%s", s, got - s, e - s,
                  range ? " with ERANGE" : "");
    REQUIRE(memcmp(&v, &ref, sizeof v) == 0, "'%s': fast %a, strtod %a",
                  s, v, ref);
    return 1;
}

static uint64_t next_z(uint64_t *z)
{
    *z = *z * 6364136223846793005ULL + 1442695040888963407ULL;
    return *z ^ (*z >> 29);
}

/* A random decimal: sign, leading zeros, 1-25 digits (trailing zeros
 * too), a point anywhere or none (".5", "5."), an exponent of any size or
 * near the limits of a double, with or without its sign and zeros. */
static void random_decimal(uint64_t *z, char *b, size_t cap)
{
    size_t at = 0;
    const uint64_t r = next_z(z);
    if (r % 3 == 0)
        b[at++] = r % 2 ? '-' : '+';
    const size_t lead = (r >> 8) % 4 == 0 ? (r >> 10) % 6 : 0;
    const size_t nd = 1 + (r >> 13) % 25;
    const size_t trail = (r >> 18) % 3 == 0 ? (r >> 20) % 13 : 0;
    const size_t all = lead + nd + trail;
    const size_t point = (r >> 24) % 4 == 0 ? SIZE_MAX : (r >> 26) % (all + 1);
    for (size_t i = 0; i < all && at + 40 < cap; i++) {
        if (i == point)
            b[at++] = '.';
        const uint64_t d = next_z(z) % 10;
        b[at++] = (char)(i < lead || i >= lead + nd ? '0'
                         : '0' + (i == lead && d == 0 ? 7 : d));
    }
    if (point == all)
        b[at++] = '.';
    const uint64_t x = next_z(z);
    if (x % 3 != 0) {
        static const int base[] = {0, -22, 22, -308, -324, 308, -340, 290};
        const int e10 = base[x % 8] + (int)((x >> 4) % 41) - 20;
        at += (size_t)snprintf(b + at, cap - at, "%c%s%0*d",
                               (x >> 12) % 2 ? 'e' : 'E',
                               e10 < 0 ? "-" : (x >> 13) % 2 ? "+" : "",
                               (int)((x >> 14) % 4), e10 < 0 ? -e10 : e10);
    }
    b[at] = '\0';
}

START_TEST(test_number_corpus)
{
    enum { N = 200000 };
    uint64_t z = 20261129;
    char b[128];
    size_t answered = 0, normal = 0, normal_answered = 0;
    for (size_t i = 0; i < N; i++) {
        /* random decimals */
        random_decimal(&z, b, sizeof b);
        answered += (size_t)number_as_strtod(b);
        /* a normal double printed with 1-17 digits (strtod gives back a
         * normal double): the fast parser must answer all of these but
         * the algorithm's rare undecided products */
        double v;
        do {
            uint64_t u = next_z(&z);
            memcpy(&v, &u, sizeof v);
        } while (!isnormal(v));
        snprintf(b, sizeof b, "%.*g", (int)(1 + i % 17), v);
        errno = 0;
        const double back = strtod(b, NULL);
        if (isnormal(back) && errno != ERANGE) {
            normal++;
            normal_answered += (size_t)number_as_strtod(b);
        }
        /* next to halfway between v and its neighbour: the midpoint
         * (exact in long double) to 17-21 and 40 digits */
        const long double mid = ((long double)v
                                 + (long double)nextafter(v, INFINITY)) / 2;
        snprintf(b, sizeof b, "%.*Le", i % 6 == 5 ? 40 : (int)(16 + i % 5),
                 mid);
        (void)number_as_strtod(b);
        /* a subnormal, printed as %.17g and shorter */
        uint64_t u = next_z(&z) >> 12;
        memcpy(&v, &u, sizeof v);
        snprintf(b, sizeof b, "%.*g", (int)(1 + i % 17), v);
        (void)number_as_strtod(b);
    }
    ck_assert_msg(normal_answered * 1000 >= normal * 999,
                  "only %zu of %zu normal doubles by the fast parser",
                  normal_answered, normal);
    ck_assert_msg(answered > N / 4, "only %zu of %d random decimals by the "
                  "fast parser", answered, N);
    /* every length of digits on both sides of the point: each SWAR word
     * length, whole and partial, and every place of the end */
    for (int a = 0; a <= 20; a++) {
        for (int f = -1; f <= 20; f++) {
            size_t at = 0;
            for (int k = 0; k < a; k++)
                b[at++] = (char)('1' + (k * 7 + f + 10) % 9);
            if (f >= 0)
                b[at++] = '.';
            for (int k = 0; k < f; k++)
                b[at++] = (char)('1' + (k * 3 + a) % 9);
            b[at] = '\0';
            if (a + f > 0)
                ck_assert_msg(number_as_strtod(b) == (a + (f > 0 ? f : 0) <= 19),
                              "'%s': answered or not against its digits", b);
        }
    }
    /* the fast paths' edges: Clinger's (2^53, 10^22) and Eisel-Lemire's */
    static const char *const own[] = {
        "9007199254740992", "9007199254740993", "1e22", "1e23", "-1e-22",
        "1e-23", "9007199254740993e22", "0.1", "0.3", "123456789012345678",
        "1234567890123456789", "1.5e300", "2.2250738585072014e-308",
        "1.7976931348623157e308", "12345678.12345678", ".00000000001",
        "00000000000000000000012345", "0.0000000000000000000000012345e30",
        "1e0005", "1E+000", "-0.8540957393870336", "1.2e-05",
    };
    for (size_t k = 0; k < sizeof own / sizeof *own; k++)
        ck_assert_msg(number_as_strtod(own[k]), "'%s' left to strtod", own[k]);
    static const char *const strtods[] = {
        "1e", "1e+", ".", "-", "+.e1", "inf", "nan", "0x10",
        "12345678901234567890", "1.5000000000000000000000", "4e-324",
        "1e-400", "1e309", "1e400000",
    };
    for (size_t k = 0; k < sizeof strtods / sizeof *strtods; k++)
        ck_assert_msg(!number_as_strtod(strtods[k]), "'%s' answered",
                      strtods[k]);
}
END_TEST

/* path read by th threads with --na drop; err holds 512 bytes */
static int read_na_drop(const char *path, int th, lr_data **d, char *err)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.threads = th;
    o.na_drop = 1;
    return lr_csv_read_opts(path, &o, d, err, 512);
}

/* Records the fast path reads, and records it hands to the general
 * reader (blanks, quotes, NA, 20+ digits, an underflow, CRLF, no final
 * line end), side by side: every value strtod's, at 1, 2 and 3 threads,
 * and an error after them named at its line. */
START_TEST(test_fast_records)
{
    static const char *const odd[] = {
        " 1.25", "2.5 ", "NA", "123456789012345678901234", "1e-400",
        "4.9406564584124654e-324", "\t-3", "+7.", ".5", "-0",
        "1.7976931348623157e308",
    };
    enum { R = 3000, NODD = sizeof odd / sizeof *odd };
    for (int quoted = 0; quoted < 2; quoted++) {
        text_t t = {malloc(64), 0, 64};
        ck_assert(t.s != NULL);
        put(&t, "a,b,y\n");
        double *want = malloc(3 * R * sizeof *want);
        ck_assert(want != NULL);
        uint64_t z = 77;
        size_t kept = 0;
        for (size_t r = 0; r < R; r++) {
            char f[3][64];
            int na = 0;
            for (int j = 0; j < 3; j++) {
                uint64_t u = next_z(&z);
                double v = (double)(int64_t)u * 0x1p-62 * (j == 1 ? 1e-5 : 1);
                if (r % 5 == 2 && j == (int)(r % 3))
                    snprintf(f[j], sizeof f[j], "%s", odd[(r / 5) % NODD]);
                else
                    snprintf(f[j], sizeof f[j], "%.*g", (int)(12 + u % 6), v);
                na |= strcmp(f[j], "NA") == 0;
                if (!na)
                    want[3 * kept + (size_t)j] = strtod(f[j], NULL);
            }
            if (quoted && r % 97 == 1 && r % 5 != 2) /* "2.5 " is not */
                put(&t, "\"%s\",%s,%s", f[0], f[1], f[2]);
            else
                put(&t, "%s,%s,%s", f[0], f[1], f[2]);
            if (r + 1 < R)
                put(&t, "%s", r % 11 == 4 ? "\r\n" : "\n");
            kept += !na;
        }
        const char *path = path_of(t.s);
        for (int th = 1; th <= 3; th++) {
            lr_data *d = NULL;
            char err[512] = "";
            ck_assert_msg(read_na_drop(path, th, &d, err) == 0, "%s", err);
            ck_assert_uint_eq(d->n, kept);
            ck_assert_uint_eq(d->dropped, R - kept);
            for (size_t i = 0; i < kept; i++) {
                const double got[3] = {d->X[2 * i], d->X[2 * i + 1], d->y[i]};
                ck_assert_msg(memcmp(got, want + 3 * i, sizeof got) == 0,
                              "row %zu of the kept (quotes %d, %d threads): "
                              "%a %a %a, strtod %a %a %a", i, quoted, th,
                              got[0], got[1], got[2], want[3 * i],
                              want[3 * i + 1], want[3 * i + 2]);
            }
            lr_data_free(d);
        }
        unlink(path);
        /* a bad value after 2400 records, the fast path's and not: its
         * line (header 1, so record r is on line r + 2) and column */
        char *nl = t.s;
        for (int k = 0; k < 2401; k++)
            nl = strchr(nl, '\n') + 1;
        char *comma = strchr(nl, ',');
        comma[1] = 'x';
        path = path_of(t.s);
        for (int th = 1; th <= 3; th++) {
            lr_data *d = NULL;
            char err[512] = "";
            ck_assert_int_eq(read_na_drop(path, th, &d, err), LR_EFORMAT);
            ck_assert_msg(strstr(err, ":2402: column 2 ('b'): '") != NULL,
                          "%d threads: %s", th, err);
        }
        unlink(path);
        free(want);
        free(t.s);
    }
}
END_TEST

/* The record counts that the scan pass gives (line feeds per share, no
 * second pass): blank lines at the end, no final LF, a header longer than
 * a thread's share, a byte-order mark, CRLF, a CR file (counted again),
 * only blank lines, only missing values; at 1, 2, 3 and 7 threads each
 * file reads to its known rows (n, the last row's x) or its known error. */
START_TEST(test_scan_counts)
{
    static const struct {
        const char *text;
        size_t n;        /* rows; 0: the error below */
        double last_x;   /* the last row's x */
        const char *err; /* a phrase of the error */
    } c[] = {
        {"x,y\n1.5,2\n", 1, 1.5, NULL},
        {"x,y\n1.5,2", 1, 1.5, NULL},
        {"x,y\n1.5,2\n-3.25,4", 2, -3.25, NULL},
        {"x,y\n1.5,2\n7e-3,4\n\n\n\n", 2, 7e-3, NULL},
        {"x,y\n1.5,2\n7e-3,4\n \n\t\n\r\n", 2, 7e-3, NULL},
        {"x,y\r\n1.5,2\r\n2.5,3\r\n\r\n", 2, 2.5, NULL},
        {"\xEF\xBB\xBFx,y\n1.5,2\n9.75,3\n", 2, 9.75, NULL},
        {"x,y\r1.5,2\r8.5,3\r", 2, 8.5, NULL},
        {"x,y\r1.5,2\r8.5,3\r\r", 2, 8.5, NULL},
        {"x,y\n1,2\nNA,3\n", 1, 1.0, NULL},
        {"x,y\n", 0, 0, "header only, no data rows"},
        {"x,y\n\n\n", 0, 0, "header only, no data rows"},
        {"x,y\n \n\r\n\t", 0, 0, "header only, no data rows"},
        {"x,y\nNA,1\n\n", 0, 0, "every one of the 1 rows has a missing value"},
        {"x,y\n1,2\n\n3,4\n", 0, 0, ":3: blank line inside the data"},
        /* a quoted header holding a line feed, unquoted in place (the
         * fuzzer's find: its shifted bytes held one more line feed) */
        {"\"a\nb\",y\r\n1.5,2\n3.5,4\n", 2, 3.5, NULL},
        {"\"a\nb\",y\r\n1.5,2\nzz,4\n", 0, 0, ":4: column 1 ('a\nb'): 'zz'"},
        {"\"\xdd\n\",y\r\n2=\n2=", 0, 0, ":3: 1 fields, but the header has 2"},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        const char *path = path_of(c[k].text);
        static const int threads[] = {1, 2, 3, 7};
        for (size_t t = 0; t < 4; t++) {
            lr_data *d = NULL;
            char err[512] = "";
            const int st = read_na_drop(path, threads[t], &d, err);
            if (c[k].n == 0) {
                ck_assert_msg(st == LR_EFORMAT && strstr(err, c[k].err),
                              "case %zu, %d threads: '%s'", k, threads[t], err);
                continue;
            }
            ck_assert_msg(st == 0, "case %zu, %d threads: %s", k, threads[t],
                          err);
            ck_assert_uint_eq(d->n, c[k].n);
            ck_assert(d->X[d->n - 1] == c[k].last_x);
            lr_data_free(d);
        }
        unlink(path);
    }
    /* a header longer than a share at 7 threads (ranges start inside it),
     * then 40 records and 500 blank lines: every value where it belongs */
    text_t t = {malloc(64), 0, 64};
    ck_assert(t.s != NULL);
    for (int j = 0; j < 400; j++)
        put(&t, "a_rather_long_column_name_%03d,", j);
    put(&t, "y\n");
    const size_t head = t.n;
    for (int r = 0; r < 40; r++) {
        for (int j = 0; j < 400; j++)
            put(&t, "%d,", r % 2 ? j % 10 : r);
        put(&t, "%d.5\n", r);
    }
    for (int r = 0; r < 500; r++)
        put(&t, "\n");
    ck_assert(head > t.n / 7);
    const char *path = path_of(t.s);
    for (int th = 1; th <= 7; th += 2) {
        lr_data *d = NULL;
        char err[512] = "";
        ck_assert_msg(read_na_drop(path, th, &d, err) == 0, "%s", err);
        ck_assert_uint_eq(d->n, 40);
        ck_assert_uint_eq(d->p, 400);
        for (size_t r = 0; r < 40; r++) {
            ck_assert(d->y[r] == (double)r + 0.5);
            ck_assert(d->X[r * 400 + 7] == (r % 2 ? 7.0 : (double)r));
        }
        lr_data_free(d);
    }
    unlink(path);
    free(t.s);
}
END_TEST

Suite *suite_csv_speed(void)
{
    Suite *s = suite_create("csv_speed");
    TCase *tc = tcase_create("csv_speed");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_data);
    tcase_add_test(tc, test_same_errors);
    tcase_add_test(tc, test_parse_random);
    tcase_add_test(tc, test_parse_edges);
    tcase_add_test(tc, test_number_corpus);
    tcase_add_test(tc, test_fast_records);
    tcase_add_test(tc, test_scan_counts);
    tcase_add_test(tc, test_windows);
    suite_add_tcase(s, tc);
    return s;
}
