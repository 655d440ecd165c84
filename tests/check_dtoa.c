/* check_dtoa.c -- the shortest round-trip printer (src/dtoa.c) and the
 * parallel CSV writer (src/csv_write.c), issue 10 target 5. The printer
 * against Python's repr, character for character, on a committed fixture
 * (scripts/make-dtoa-fixture.py: edge cases, powers of 2 and 10 and their
 * neighbours, halfway cases, 17-digit values, random bit patterns); against
 * strtod (round trip to the bit) and against the shorter candidates
 * (neither decimal of one digit fewer around the value reads back to it)
 * on millions of random bit patterns and on every power of two. The
 * writer: the same bytes for 1, 2 and 3 threads over many blocks, every
 * value read back to the bit by the project's reader, a write error
 * reported, NaN and infinities as %g writes them. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "check_common.h"
#include "dtoa.h"
#include "lr_internal.h"

/* ck_assert in a hot loop: Check records every passing assertion (a
 * write to its temporary file per call), so millions of them cost minutes;
 * this one calls into Check only on failure. */
#define REQUIRE(cond, ...)                                                    \
    do {                                                                      \
        if (!(cond))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

static double of_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* xorshift64*: a fixed, high-entropy stream of bit patterns. */
static uint64_t next_bits(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* The significant digits D (no leading or trailing zeros) and exponent e of
 * the decimal text s, value D 10^e; returns the digit count. */
static int decimal_of(const char *s, uint64_t *D, int *e)
{
    uint64_t d = 0;
    int n = 0, frac = 0, seen_dot = 0, zeros = 0;
    if (*s == '-')
        s++;
    for (; *s && *s != 'e'; s++) {
        if (*s == '.') {
            seen_dot = 1;
            continue;
        }
        REQUIRE(*s >= '0' && *s <= '9', "not a digit in %s", s);
        if (seen_dot)
            frac++;
        if (*s == '0' && n == 0)
            continue; /* leading zero */
        if (*s == '0') {
            zeros++; /* held back: trailing unless a digit follows */
            continue;
        }
        for (; zeros > 0; zeros--, n++)
            d *= 10;
        d = d * 10 + (uint64_t)(*s - '0');
        n++;
    }
    *e = zeros - frac + (*s == 'e' ? atoi(s + 1) : 0);
    *D = d;
    return n;
}

/* lr_dtoa(x) reads back to x by strtod and by the project's parser, and no
 * decimal of fewer digits does: the two of one digit fewer that bracket
 * the value (any shorter one in x's rounding interval would be one of
 * them or make one of them lie in it too). */
static void check_shortest(double x)
{
    if (x == 0.0)
        return;
    char buf[LR_DTOA_MAX + 8], alt[64];
    memset(buf, 'z', sizeof buf);
    size_t len = lr_dtoa(x, buf);
    REQUIRE(len <= 24 && buf[len] == '\0', "%a: length %zu", x, len);
    char *end;
    double y = strtod(buf, &end);
    REQUIRE(*end == '\0' && bits_of(y) == bits_of(x),
                  "%a printed as %s reads back as %a", x, buf, y);
    double z;
    if (lr_parse_double(buf, len, &z))
        REQUIRE(bits_of(z) == bits_of(x), "%s: lr_parse_double gives %a", buf, z);
    uint64_t D;
    int e;
    int n = decimal_of(buf, &D, &e);
    REQUIRE(n >= 1 && n <= 17, "%s: %d digits", buf, n);
    if (n == 1)
        return;
    for (uint64_t c = D / 10; c <= D / 10 + 1; c++) {
        snprintf(alt, sizeof alt, "%s%llue%d", x < 0 ? "-" : "",
                 (unsigned long long)c, e + 1);
        y = strtod(alt, NULL);
        REQUIRE(bits_of(y) != bits_of(x), "%a: %s is shorter than %s", x, alt, buf);
    }
}

/* Python's repr of 5000 doubles, character for character. */
START_TEST(test_dtoa_repr_fixture)
{
    FILE *f = fopen(fixture_path("dtoa_repr.csv"), "r");
    REQUIRE(f != NULL, "no %s (run scripts/make-dtoa-fixture.py)",
                  fixture_path("dtoa_repr.csv"));
    char line[128], buf[LR_DTOA_MAX];
    int count = 0, boundary = 0;
    ck_assert(fgets(line, sizeof line, f) != NULL);
    ck_assert_str_eq(line, "bits,repr\n");
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        REQUIRE(comma != NULL, "no comma in %s", line);
        *comma = '\0';
        comma[1 + strcspn(comma + 1, "\n")] = '\0';
        double x = of_bits(strtoull(line, NULL, 16));
        lr_dtoa(x, buf);
        REQUIRE(strcmp(buf, comma + 1) == 0, "%s (%a): got %s, Python %s", line, x,
                      buf, comma + 1);
        check_shortest(x);
        /* an integer x in [2^53, 2^60) whose repr is an end of its rounding
         * interval, x +- ulp/2 (a halfway case, read back by ties to even) */
        uint64_t D;
        int e;
        decimal_of(comma + 1, &D, &e);
        if (x >= 0x1p53 && x < 0x1p60 && e >= 0 && e < 19) {
            uint64_t r = D, xi = (uint64_t)x, half = (uint64_t)(ldexp(1.0, ilogb(x) - 52) / 2);
            for (int k = 0; k < e; k++)
                r *= 10;
            boundary += r == xi + half || r == xi - half;
        }
        count++;
    }
    fclose(f);
    ck_assert_int_ge(count, 5000);
    ck_assert_int_gt(boundary, 10);
}
END_TEST

/* Values whose text is known (Python 3's repr), and the limits. */
START_TEST(test_dtoa_edges)
{
    static const struct {
        double x;
        const char *text;
    } known[] = {
        {0.0, "0.0"}, {-0.0, "-0.0"}, {1.0, "1.0"}, {-2.5, "-2.5"},
        {0.1, "0.1"}, {0.3, "0.3"}, {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"}, {2.0 / 3.0, "0.6666666666666666"},
        {1e-4, "0.0001"}, {1e-5, "1e-05"}, {1.5e-5, "1.5e-05"},
        {123.456, "123.456"}, {1e15, "1000000000000000.0"}, {1e16, "1e+16"},
        {9007199254740992.0, "9007199254740992.0"}, {1e22, "1e+22"},
        {1e23, "1e+23"}, {5e-324, "5e-324"}, {-5e-324, "-5e-324"},
        {DBL_MIN, "2.2250738585072014e-308"}, {DBL_MAX, "1.7976931348623157e+308"},
        {0x0.fffffffffffffp-1022, "2.225073858507201e-308"},
        {DBL_EPSILON, "2.220446049250313e-16"}, {M_PI, "3.141592653589793"},
        {-7.0076692210158456, "-7.0076692210158456"}, {1e100, "1e+100"},
        {0x1p-1052, "2.0722615e-317"},
    };
    char buf[LR_DTOA_MAX];
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        size_t len = lr_dtoa(known[i].x, buf);
        ck_assert_str_eq(buf, known[i].text);
        ck_assert_uint_eq(len, strlen(known[i].text));
        check_shortest(known[i].x);
    }
    /* every power of two and power of ten, with both neighbours */
    for (int k = -1074; k <= 1023; k++) {
        double x = ldexp(1.0, k);
        check_shortest(x);
        check_shortest(nextafter(x, 0.0));
        check_shortest(nextafter(x, INFINITY));
        check_shortest(-x);
    }
    for (int k = -323; k <= 308; k++) {
        char s[16];
        snprintf(s, sizeof s, "1e%d", k);
        double x = strtod(s, NULL);
        check_shortest(x);
        check_shortest(nextafter(x, 0.0));
        check_shortest(nextafter(x, INFINITY));
    }
    /* every subnormal with a single bit, the largest subnormals */
    for (int k = 0; k < 52; k++)
        check_shortest(of_bits(UINT64_C(1) << k));
    for (uint64_t b = UINT64_C(0x000fffffffffff00); b <= UINT64_C(0x0010000000000100); b++)
        check_shortest(of_bits(b));
    /* integers around 2^53 and the largest doubles */
    for (uint64_t b = UINT64_C(0x433fffffffffff00); b <= UINT64_C(0x4340000000000100); b++)
        check_shortest(of_bits(b));
    for (uint64_t b = UINT64_C(0x7feffffffffff000); b <= UINT64_C(0x7fefffffffffffff); b++)
        check_shortest(of_bits(b));
}
END_TEST

/* Millions of random bit patterns (every exponent, subnormals too), and
 * random values of the size `linreg generate` writes. Fewer under the
 * sanitizers, which slow strtod tenfold. */
START_TEST(test_dtoa_random)
{
#if defined(__SANITIZE_ADDRESS__)
    const long count = 300000;
#else
    const long count = 3000000;
#endif
    uint64_t s = UINT64_C(0x9e3779b97f4a7c15);
    long tested = 0;
    for (long i = 0; i < count; i++) {
        double x = of_bits(next_bits(&s));
        if (!isfinite(x))
            continue;
        check_shortest(x);
        /* and one of |x| < 1000, 52 random fraction bits */
        double g = ldexp(1.0 + ldexp((double)(next_bits(&s) >> 12), -52),
                         (int)(next_bits(&s) % 30) - 20);
        check_shortest(i & 1 ? g : -g);
        tested += 2;
    }
    ck_assert_int_gt(tested, count);
}
END_TEST

/* NaN and infinities: the text glibc's %.17g gives (as the writer always
 * wrote them). */
START_TEST(test_dtoa_nonfinite)
{
    const double v[] = {NAN, -NAN, INFINITY, -INFINITY};
    char buf[LR_DTOA_MAX], ref[64];
    for (size_t i = 0; i < 4; i++) {
        lr_dtoa(v[i], buf);
        snprintf(ref, sizeof ref, "%.17g", v[i]);
        ck_assert_str_eq(buf, ref);
    }
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert(s != NULL);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    s[n] = '\0';
    *len = (size_t)n;
    return s;
}

/* 70001 x 3 (about 7 blocks of text): 1, 2 and 3 threads write the same
 * bytes, and the project's reader gets back every value to the bit. */
START_TEST(test_csv_write_threads)
{
    const size_t n = 70001, p = 3;
    lr_data *dd = lr_data_alloc(n, p), d;
    ck_assert(dd != NULL);
    d = *dd;
    uint64_t s = 20261129;
    for (size_t i = 0; i < n * p; i++) {
        uint64_t b = next_bits(&s);
        /* mostly |x| near 1, some of any exponent, zeros of both signs */
        d.X[i] = i % 97 == 0 ? (i % 2 ? -0.0 : 0.0)
                 : i % 13 == 0 ? of_bits(b & UINT64_C(0xffefffffffffffff))
                 : ldexp((double)(b >> 11), -53 + (int)(b % 7)) - 1.5;
    }
    for (size_t i = 0; i < n; i++) /* finite: at most 5/6 DBL_MAX */
        d.y[i] = d.X[i * p] * 0.5 - d.X[i * p + 2] / 3.0;
    char paths[3][256];
    for (int t = 1; t <= 3; t++) {
        snprintf(paths[t - 1], sizeof paths[0], "%s", tmp_path(".csv"));
        FILE *f = fopen(paths[t - 1], "w");
        ck_assert(f != NULL);
        ck_assert_int_eq(lr_csv_fwrite_threads(f, &d, t), LR_SUCCESS);
        ck_assert_int_eq(fclose(f), 0);
    }
    size_t l1, l2, l3;
    char *a = slurp(paths[0], &l1), *b = slurp(paths[1], &l2), *c = slurp(paths[2], &l3);
    ck_assert_uint_gt(l1, (size_t)3 << 20); /* several blocks */
    ck_assert_uint_eq(l1, l2);
    ck_assert_uint_eq(l1, l3);
    ck_assert(memcmp(a, b, l1) == 0 && memcmp(a, c, l1) == 0);
    ck_assert(strncmp(a, "x1,x2,x3,y\n", 11) == 0);
    free(a);
    free(b);
    free(c);
    lr_data *r = load_csv(paths[1], "y");
    ck_assert_uint_eq(r->n, n);
    ck_assert_uint_eq(r->p, p);
    for (size_t i = 0; i < n * p; i++)
        REQUIRE(bits_of(r->X[i]) == bits_of(d.X[i]), "X[%zu] %a read as %a", i, d.X[i],
                r->X[i]);
    for (size_t i = 0; i < n; i++)
        REQUIRE(bits_of(r->y[i]) == bits_of(d.y[i]), "y[%zu] %a read as %a", i, d.y[i],
                r->y[i]);
    lr_data_free(r);
    for (int t = 0; t < 3; t++)
        remove(paths[t]);
    lr_data_free(dd);
}
END_TEST

/* A write error (a full device) comes back as LR_EIO from the threaded
 * writer too; an empty data set writes its header. */
START_TEST(test_csv_write_errors)
{
    const size_t n = 50000, p = 2;
    lr_data *dd = lr_data_alloc(n, p), d;
    ck_assert(dd != NULL);
    d = *dd;
    for (size_t i = 0; i < n * p; i++)
        d.X[i] = 0.1234567 * (double)i;
    for (size_t i = 0; i < n; i++)
        d.y[i] = -2.75 * (double)i;
    FILE *f = fopen("/dev/full", "w");
    if (f) {
        ck_assert_int_eq(lr_csv_fwrite_threads(f, &d, 2), LR_EIO);
        fclose(f);
    }
    const char *path = tmp_path(".csv");
    f = fopen(path, "w");
    ck_assert(f != NULL);
    d.n = 0;
    ck_assert_int_eq(lr_csv_fwrite_threads(f, &d, 2), LR_SUCCESS);
    ck_assert_int_eq(fclose(f), 0);
    size_t len;
    char *text = slurp(path, &len);
    ck_assert_str_eq(text, "x1,x2,y\n");
    free(text);
    remove(path);
    lr_data_free(dd);
}
END_TEST

Suite *suite_dtoa(void)
{
    Suite *s = suite_create("dtoa");
    TCase *tc = tcase_create("dtoa");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_dtoa_repr_fixture);
    tcase_add_test(tc, test_dtoa_edges);
    tcase_add_test(tc, test_dtoa_random);
    tcase_add_test(tc, test_dtoa_nonfinite);
    tcase_add_test(tc, test_csv_write_threads);
    tcase_add_test(tc, test_csv_write_errors);
    suite_add_tcase(s, tc);
    return s;
}
