/* check_gradient.c -- the fused kernel's gradient against finite
 * differences of the loss, and against the serial reference pass, in each
 * reduction mode. */
#include <math.h>
#include <stdio.h>

#include "check_common.h"

static lr_data *make_data(size_t n, size_t p, uint64_t seed, double noise)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = p;
    gp.noise = noise;
    gp.bias = 3.7;
    gp.seed = seed;
    gp.generator = LR_GEN_FAST;
    lr_data *d = lr_data_alloc(n, p);
    double *c = malloc(p * sizeof *c);
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, c), LR_SUCCESS);
    free(c);
    return d;
}

/* f(w, b) = MSE/2, computed from predictions (metrics.c, not the kernel). */
static double half_mse(const lr_data *d, const double *w, double b, double *pred)
{
    double mse;
    lr_predict(lr_matrix_f64(d->X, d->n, d->p), w, b, pred);
    lr_metrics(pred, d->y, d->n, &mse, NULL);
    return 0.5 * mse;
}

/* Central differences of a quadratic are exact up to rounding: the error is
 * about eps * f / h. With f ~ 1e3 and h = 1e-3 that is ~ 1e-10 relative to
 * a gradient of order 1..100; 1e-6 relative leaves a wide margin yet catches
 * any wrong factor or sign. */
START_TEST(test_gradient_finite_differences)
{
    const size_t n = 700, p = 7;
    lr_data *d = make_data(n, p, 31, 2.5);
    lr_params par = lr_params_default();
    par.init_seed = 1234;
    par.threads = 1;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
    ck_assert_ptr_nonnull(gd);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    const double *w0 = lr_gd_weights(gd), *g = lr_gd_gradient(gd);
    double w[16], *pred = malloc(n * sizeof *pred);
    const double b0 = lr_gd_bias(gd), h = 1e-3;
    /* the loss the kernel reports is the MSE of the initial weights */
    double f0 = half_mse(d, w0, b0, pred);
    ck_assert_double_le(rel_err(lr_gd_mse(gd), 2 * f0), 1e-12);
    for (size_t j = 0; j <= p; j++) {
        memcpy(w, w0, p * sizeof *w);
        double fp, fm;
        if (j < p) {
            w[j] = w0[j] + h;
            fp = half_mse(d, w, b0, pred);
            w[j] = w0[j] - h;
            fm = half_mse(d, w, b0, pred);
        } else {
            fp = half_mse(d, w, b0 + h, pred);
            fm = half_mse(d, w, b0 - h, pred);
        }
        double fd = (fp - fm) / (2 * h);
        double an = j < p ? g[j] : lr_gd_bias_gradient(gd);
        ck_assert_msg(fabs(an - fd) <= 1e-6 * fmax(1.0, fabs(fd)),
                      "component %zu: kernel %.12g, finite difference %.12g", j,
                      an, fd);
    }
    free(pred);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

/* Every reduction path (reduction clause, heap partials for large p, and
 * deterministic blocks) at 1, 2 and 3 threads gives the serial reference
 * gradient up to summation-order rounding: 1e-10 relative to the largest
 * component (sums of ~1e5 terms lose at most ~1e-11). */
static void check_modes(size_t n, size_t p)
{
    lr_data *d = make_data(n, p, 97, 1.0);
    double *gref = malloc(p * sizeof *gref), *w = malloc(p * sizeof *w);
    double gbref, mseref;
    ck_assert_int_eq(lr_numpy_rand(55, p, w), LR_SUCCESS);
    lr_gradient(lr_matrix_f64(d->X, n, p), d->y, w, 0.0, gref, &gbref, &mseref);
    double scale = fabs(gbref);
    for (size_t j = 0; j < p; j++)
        scale = fmax(scale, fabs(gref[j]));
    for (int det = 0; det <= 1; det++) {
        for (int t = 1; t <= 3; t++) {
            lr_params par = lr_params_default();
            par.init_seed = 55;
            par.threads = t;
            par.deterministic = det;
            lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
            ck_assert_ptr_nonnull(gd);
            ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
            const double *g = lr_gd_gradient(gd);
            for (size_t j = 0; j < p; j++)
                ck_assert_msg(fabs(g[j] - gref[j]) <= 1e-10 * scale,
                              "p=%zu det=%d t=%d: g[%zu] %.17g vs %.17g", p, det,
                              t, j, g[j], gref[j]);
            ck_assert_double_le(fabs(lr_gd_bias_gradient(gd) - gbref),
                                1e-10 * scale);
            ck_assert_double_le(rel_err(lr_gd_mse(gd), mseref), 1e-10);
            if (n * p >= 32768)
                ck_assert_int_eq(lr_gd_threads(gd), t);
            lr_gd_free(gd);
        }
    }
    free(gref);
    free(w);
    lr_data_free(d);
}

START_TEST(test_modes_small_p) { check_modes(20000, 1); }
END_TEST
START_TEST(test_modes_mid_p) { check_modes(9000, 13); }
END_TEST
START_TEST(test_modes_large_p) { check_modes(400, 700); } /* heap path */
END_TEST

Suite *suite_gradient(void)
{
    Suite *s = suite_create("gradient");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_gradient_finite_differences);
    tcase_add_test(tc, test_modes_small_p);
    tcase_add_test(tc, test_modes_mid_p);
    tcase_add_test(tc, test_modes_large_p);
    suite_add_tcase(s, tc);
    return s;
}
