/* check_generate.c -- the generators against scikit-learn fixtures
 * (scripts/make-fixtures.py) and the fast generator's invariances. */
#include <math.h>
#include <stdio.h>

#include "check_common.h"

typedef struct {
    char name[64];
    lr_gen_params gp;
} gen_case;

static int read_manifest(gen_case *cases, int max)
{
    FILE *f = fopen(fixture_path("manifest.csv"), "r");
    ck_assert_msg(f != NULL, "no %s (run scripts/make-fixtures.py)",
                  fixture_path("manifest.csv"));
    char line[512];
    int k = 0;
    ck_assert(fgets(line, sizeof line, f) != NULL); /* header */
    while (k < max && fgets(line, sizeof line, f)) {
        unsigned long long n, p, inf, seed;
        int shuffle;
        double bias, noise;
        gen_case *c = &cases[k];
        if (sscanf(line, "%63[^,],%llu,%llu,%llu,%lf,%lf,%d,%llu", c->name, &n,
                   &p, &inf, &bias, &noise, &shuffle, &seed) != 8)
            continue;
        c->gp = lr_gen_params_default();
        c->gp.n_samples = n;
        c->gp.n_features = p;
        c->gp.n_informative = inf;
        c->gp.bias = bias;
        c->gp.noise = noise;
        c->gp.shuffle = shuffle;
        c->gp.seed = seed;
        k++;
    }
    fclose(f);
    return k;
}

/* X and the coefficients identical to the bit; y within 4 ulps (NumPy
 * computes X @ coef through BLAS, whose summation order may differ). */
START_TEST(test_sklearn_fixtures)
{
    gen_case cases[32];
    int nc = read_manifest(cases, 32);
    ck_assert_int_ge(nc, 8);
    for (int k = 0; k < nc; k++) {
        char path[128];
        snprintf(path, sizeof path, "gen_%s.csv", cases[k].name);
        lr_data *ref = load_csv(fixture_path(path), "y");
        snprintf(path, sizeof path, "gen_%s_coef.csv", cases[k].name);
        lr_data *rc = NULL;
        char err[256];
        ck_assert_int_eq(lr_csv_read_features(fixture_path(path), NULL, &rc, err,
                                              sizeof err), LR_SUCCESS);
        const size_t n = cases[k].gp.n_samples, p = cases[k].gp.n_features;
        ck_assert_uint_eq(ref->n, n);
        ck_assert_uint_eq(ref->p, p);
        ck_assert_uint_eq(rc->p, p);
        double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
        double *coef = malloc(p * sizeof *coef);
        ck_assert_int_eq(lr_generate(&cases[k].gp, X, y, coef), LR_SUCCESS);
        ck_assert_msg(memcmp(X, ref->X, n * p * sizeof *X) == 0,
                      "%s: X differs from make_regression", cases[k].name);
        ck_assert_msg(memcmp(coef, rc->X, p * sizeof *coef) == 0,
                      "%s: coef differs from make_regression", cases[k].name);
        uint64_t worst = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t u = ulp_diff(y[i], ref->y[i]);
            worst = u > worst ? u : worst;
        }
        ck_assert_msg(worst <= 4, "%s: y differs by %llu ulps", cases[k].name,
                      (unsigned long long)worst);
        free(X);
        free(y);
        free(coef);
        lr_data_free(ref);
        lr_data_free(rc);
    }
}
END_TEST

/* numpy.random.RandomState(seed).rand(5), to the bit. */
START_TEST(test_numpy_rand)
{
    FILE *f = fopen(fixture_path("rand.csv"), "r");
    ck_assert(f != NULL);
    char line[256];
    int checked = 0;
    ck_assert(fgets(line, sizeof line, f) != NULL);
    while (fgets(line, sizeof line, f)) {
        unsigned long long seed;
        unsigned idx;
        double v;
        ck_assert_int_eq(sscanf(line, "%llu,%u,%lf", &seed, &idx, &v), 3);
        double out[16];
        ck_assert_int_eq(lr_numpy_rand(seed, idx + 1, out), LR_SUCCESS);
        ck_assert_msg(memcmp(&out[idx], &v, sizeof v) == 0,
                      "seed %llu index %u: %.17g vs %.17g", seed, idx, out[idx], v);
        checked++;
    }
    fclose(f);
    ck_assert_int_ge(checked, 20);
    double out[1];
    ck_assert_int_eq(lr_numpy_rand(1ULL << 32, 1, out), LR_EINVAL);
}
END_TEST

static void gen_fast(size_t n, size_t p, int threads, double noise, double **X,
                     double **y, double **coef)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = 3;
    gp.noise = noise;
    gp.seed = 2718;
    gp.generator = LR_GEN_FAST;
    gp.threads = threads;
    *X = malloc(n * p * sizeof **X);
    *y = malloc(n * sizeof **y);
    *coef = malloc(p * sizeof **coef);
    ck_assert_int_eq(lr_generate(&gp, *X, *y, *coef), LR_SUCCESS);
}

/* The fast generator gives the same bits for 1, 2, 3 and 8 threads. */
START_TEST(test_fast_thread_invariance)
{
    const size_t n = 3 * LR_GEN_BLOCK_ROWS + 123, p = 5;
    double *X1, *y1, *c1;
    gen_fast(n, p, 1, 0.7, &X1, &y1, &c1);
    const int threads[] = {2, 3, 8};
    for (int k = 0; k < 3; k++) {
        double *X, *y, *c;
        gen_fast(n, p, threads[k], 0.7, &X, &y, &c);
        ck_assert_msg(memcmp(X, X1, n * p * sizeof *X) == 0, "X, %d threads",
                      threads[k]);
        ck_assert_msg(memcmp(y, y1, n * sizeof *y) == 0, "y, %d threads",
                      threads[k]);
        ck_assert(memcmp(c, c1, p * sizeof *c) == 0);
        free(X);
        free(y);
        free(c);
    }
    free(X1);
    free(y1);
    free(c1);
}
END_TEST

/* Its X is standard normal: the sample mean within 5 standard errors of 0,
 * the variance within 5 standard errors of 1 (sd of s^2 is sqrt(2/N)); with
 * no noise, y = X coef exactly; 3 informative coefficients in (0, 100). */
START_TEST(test_fast_distribution)
{
    const size_t n = 20000, p = 6, N = n * p;
    double *X, *y, *c;
    gen_fast(n, p, 2, 0.0, &X, &y, &c);
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < N; i++)
        mean += X[i];
    mean /= (double)N;
    for (size_t i = 0; i < N; i++)
        var += (X[i] - mean) * (X[i] - mean);
    var /= (double)(N - 1);
    ck_assert_double_le(fabs(mean), 5.0 / sqrt((double)N));
    ck_assert_double_le(fabs(var - 1.0), 5.0 * sqrt(2.0 / (double)N));
    int nz = 0;
    for (size_t j = 0; j < p; j++) {
        if (c[j] != 0.0) {
            nz++;
            ck_assert(c[j] > 0.0 && c[j] < 100.0);
        }
    }
    ck_assert_int_eq(nz, 3);
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < p; j++)
            s += X[i * p + j] * c[j];
        ck_assert_msg(s == y[i], "row %zu: y is not X coef", i);
    }
    free(X);
    free(y);
    free(c);
}
END_TEST

/* Invalid settings: LR_EINVAL naming the field. */
START_TEST(test_gen_params_invalid)
{
    lr_gen_params gp = lr_gen_params_default();
    const char *field = NULL;
    ck_assert_int_eq(lr_gen_params_check(&gp, &field), LR_SUCCESS);
    ck_assert_ptr_null(field);
    gp.n_samples = 0;
    ck_assert_int_eq(lr_gen_params_check(&gp, &field), LR_EINVAL);
    ck_assert_str_eq(field, "n_samples");
    gp = lr_gen_params_default();
    gp.noise = -1.5;
    ck_assert_int_eq(lr_gen_params_check(&gp, &field), LR_EINVAL);
    ck_assert_str_eq(field, "noise");
    gp = lr_gen_params_default();
    gp.seed = 1ULL << 32;
    ck_assert_int_eq(lr_gen_params_check(&gp, &field), LR_EINVAL);
    ck_assert_str_eq(field, "seed");
    gp = lr_gen_params_default();
    gp.n_samples = SIZE_MAX / 4;
    gp.n_features = 8;
    ck_assert_int_eq(lr_gen_params_check(&gp, &field), LR_EINVAL);
    ck_assert_str_eq(field, "n_samples*n_features");
    double X[4], y[2], c[2];
    gp = lr_gen_params_default();
    gp.n_features = 0;
    ck_assert_int_eq(lr_generate(&gp, X, y, c), LR_EINVAL);
}
END_TEST

/* A row range of the fast generator equals the same rows of the whole. */
START_TEST(test_fast_rows)
{
    const size_t n = 5 * LR_GEN_BLOCK_ROWS + 77, p = 3;
    double *X, *y, *c;
    gen_fast(n, p, 2, 0.4, &X, &y, &c);
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = 3;
    gp.noise = 0.4;
    gp.seed = 2718;
    gp.generator = LR_GEN_FAST;
    const size_t lo = 2 * LR_GEN_BLOCK_ROWS, nr = n - lo;
    double *Xr = malloc(nr * p * sizeof *Xr), *yr = malloc(nr * sizeof *yr), cr[3];
    ck_assert_int_eq(lr_generate_rows(&gp, lo, nr, Xr, yr, cr), LR_SUCCESS);
    ck_assert(memcmp(Xr, X + lo * p, nr * p * sizeof *Xr) == 0);
    ck_assert(memcmp(yr, y + lo, nr * sizeof *yr) == 0);
    ck_assert(memcmp(cr, c, sizeof cr) == 0);
    /* an unaligned start: rows before it in its block are drawn and dropped */
    ck_assert_int_eq(lr_generate_rows(&gp, lo + 1001, 10, Xr, yr, cr), LR_SUCCESS);
    ck_assert(memcmp(Xr, X + (lo + 1001) * p, 10 * p * sizeof *Xr) == 0);
    ck_assert(memcmp(yr, y + lo + 1001, 10 * sizeof *yr) == 0);
    ck_assert_int_eq(lr_generate_rows(&gp, lo, nr + 1, Xr, yr, cr), LR_EINVAL);
    gp.generator = LR_GEN_SKLEARN;
    ck_assert_int_eq(lr_generate_rows(&gp, 0, 10, Xr, yr, cr), LR_EINVAL);
    free(Xr);
    free(yr);
    free(X);
    free(y);
    free(c);
}
END_TEST

Suite *suite_generate(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sklearn_fixtures);
    tcase_add_test(tc, test_numpy_rand);
    tcase_add_test(tc, test_fast_thread_invariance);
    tcase_add_test(tc, test_fast_distribution);
    tcase_add_test(tc, test_gen_params_invalid);
    tcase_add_test(tc, test_fast_rows);
    suite_add_tcase(s, tc);
    return s;
}

