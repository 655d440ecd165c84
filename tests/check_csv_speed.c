/* check_csv_speed.c -- the CSV reader's speed work (issue 10, target 5):
 * the parallel parse of a file without quotes gives the serial reader's
 * result (threads = 1) to the bit -- X, y, names, n, dropped -- or its
 * error, word for word (the first in file order), for 2, 3 and 7 threads,
 * on files with LF, CRLF and CR line ends, a byte-order mark, missing
 * values with na_drop, trailing blank lines, quotes (read serially) and
 * errors placed early, late and in several ranges at once. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "check_common.h"

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
        ck_assert(k >= 0);
        if ((size_t)k < t->cap - t->n) {
            t->n += (size_t)k;
            return;
        }
        t->cap = 2 * t->cap + (size_t)k + 1;
        t->s = realloc(t->s, t->cap);
        ck_assert(t->s != NULL);
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

/* Reads text with 1 thread (the serial reader) and with 2, 3 and 7:
 * the same status, and the same data or message. Returns the status. */
static int same_read(const char *text, int na_drop, int target_required)
{
    const char *path = path_of(text);
    lr_csv_opts o = lr_csv_opts_default();
    o.na_drop = na_drop;
    o.target_required = target_required;
    o.target = target_required ? "y" : "none";
    o.threads = 1;
    lr_data *ref = NULL;
    char rerr[512] = "";
    const int rst = lr_csv_read_opts(path, &o, &ref, rerr, sizeof rerr);
    static const int threads[] = {2, 3, 7};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        o.threads = threads[t];
        lr_data *d = NULL;
        char err[512] = "";
        const int st = lr_csv_read_opts(path, &o, &d, err, sizeof err);
        ck_assert_msg(st == rst, "%d threads: status %d, serial %d (%s | %s)",
                      threads[t], st, rst, err, rerr);
        if (rst) {
            ck_assert_str_eq(err, rerr);
            ck_assert_ptr_null(d);
            continue;
        }
        ck_assert_uint_eq(d->n, ref->n);
        ck_assert_uint_eq(d->p, ref->p);
        ck_assert_uint_eq(d->dropped, ref->dropped);
        ck_assert(memcmp(d->X, ref->X, d->n * d->p * sizeof *d->X) == 0);
        ck_assert((d->y == NULL) == (ref->y == NULL));
        if (d->y)
            ck_assert(memcmp(d->y, ref->y, d->n * sizeof *d->y) == 0);
        for (size_t j = 0; j < d->p; j++)
            ck_assert_str_eq(d->names[j], ref->names[j]);
        lr_data_free(d);
    }
    lr_data_free(ref);
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
    };
    for (size_t k = 0; k < sizeof small / sizeof *small; k++) {
        (void)same_read(small[k], 0, 1);
        (void)same_read(small[k], 1, 1);
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

Suite *suite_csv_speed(void)
{
    Suite *s = suite_create("csv_speed");
    TCase *tc = tcase_create("csv_speed");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_same_data);
    tcase_add_test(tc, test_same_errors);
    suite_add_tcase(s, tc);
    return s;
}
