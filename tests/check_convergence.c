/* check_convergence.c -- the stopping rule of tol (the gradient in
 * standardized coordinates over sd(y)), divergence in short runs, the gram
 * solver's stopping excess, and the scale helpers, against computations
 * made here from the serial reference gradient (lr_gradient) and plain
 * sums. */
#include <math.h>
#include <omp.h>

#include "check_common.h"

static lr_data *gen(size_t n, size_t p, double noise, uint64_t seed)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = noise;
    gp.bias = 3.125;
    gp.seed = seed;
    lr_data *d = lr_data_alloc(n, p);
    double coef[16];
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, coef), LR_SUCCESS);
    return d;
}

/* |g~| / sd(y) from scratch: the raw gradient (g, gb) of MSE/2 by the
 * serial reference, the column means and sds by plain two-pass sums, and
 * the chain rule g~_j = (g_j - mu_j gb)/s_j, g~_b = gb. */
static double rel_measure(const lr_data *d, const double *w, double b)
{
    const size_t n = d->n, p = d->p;
    double g[16], gb, mse, my = 0.0, vy = 0.0;
    lr_gradient(lr_matrix_f64(d->X, n, p), d->y, w, b, g, &gb, &mse);
    for (size_t i = 0; i < n; i++)
        my += d->y[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        vy += (d->y[i] - my) * (d->y[i] - my) / (double)n;
    double s = gb * gb;
    for (size_t j = 0; j < p; j++) {
        double mu = 0.0, v = 0.0;
        for (size_t i = 0; i < n; i++)
            mu += d->X[i * p + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (d->X[i * p + j] - mu) * (d->X[i * p + j] - mu) / (double)n;
        double gj = (g[j] - mu * gb) / sqrt(v);
        s += gj * gj;
    }
    return sqrt(s / vy);
}

/* tol: stops at the first iteration whose measure is <= tol, and not
 * before; the measure agrees with the one computed here to 1e-9 relative
 * (the library sums in another order, and the gradient cancels near the
 * optimum). Columns scaled 1..1000 so raw and standardized differ. */
START_TEST(test_tol_measure)
{
    lr_data *d = gen(400, 3, 1.5, 31);
    for (size_t i = 0; i < d->n; i++) {
        d->X[i * 3 + 1] *= 30.0;
        d->X[i * 3 + 2] = d->X[i * 3 + 2] * 1000.0 + 2500.0;
    }
    for (int stdz = 0; stdz <= 1; stdz++) {
        lr_params par = lr_params_default();
        par.standardize = stdz;
        par.tol = 1e-6;
        par.max_iter = 2000000;
        par.optimizer = LR_OPT_NESTEROV;
        lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
        ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
        double L;
        ck_assert_int_eq(lr_gd_lipschitz(gd, &L), LR_SUCCESS);
        lr_gd_set_lr(gd, 1.0 / L);
        double prev = rel_measure(d, lr_gd_weights(gd), lr_gd_bias(gd));
        ck_assert_double_le(fabs(lr_gd_grad_rel(gd) - prev), 1e-9 * prev);
        while (lr_gd_iterate(gd, 1) == LR_CONTINUE)
            ck_assert_double_gt(lr_gd_grad_rel(gd), 1e-6);
        ck_assert_int_eq(lr_gd_stop_reason(gd), LR_STOP_TOL);
        double fin = rel_measure(d, lr_gd_weights(gd), lr_gd_bias(gd));
        ck_assert_double_le(fabs(lr_gd_grad_rel(gd) - fin), 1e-6 * fin);
        ck_assert_double_le(lr_gd_grad_rel(gd), 1e-6);
        ck_assert_uint_lt(lr_gd_iter(gd), 2000000);
        lr_gd_free(gd);
    }
    lr_data_free(d);
}
END_TEST

/* The measure and so the stopping iteration do not depend on the scale of
 * y: y times 2^10 (exact) from zero weights gives iterates times 2^10 and
 * the same iteration count. Nor, with standardize, on a column's scale
 * (times 2^-7, exact). */
START_TEST(test_tol_scale_invariant)
{
    lr_data *d = gen(300, 4, 2.0, 32);
    lr_params par = lr_params_default();
    par.tol = 1e-9;
    par.max_iter = 1000000;
    par.init = LR_INIT_ZEROS;
    par.lr = 0.37;
    par.standardize = 1;
    lr_result r0, r1;
    lr_model *m = lr_model_alloc(4);
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &r0), LR_SUCCESS);
    for (size_t i = 0; i < d->n; i++) {
        d->y[i] *= 1024.0;
        d->X[i * 4 + 2] /= 128.0;
    }
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &r1), LR_SUCCESS);
    ck_assert_int_eq(r0.stop_reason, LR_STOP_TOL);
    ck_assert_int_eq(r1.stop_reason, LR_STOP_TOL);
    ck_assert_uint_eq(r0.iterations, r1.iterations);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* A run of 8 steps at lr 5 (2/L is about 1.9): the loss passes 10 times
 * its first within a few steps: LR_EDIVERGE, the model untouched. The
 * same for heavy ball, where the rising-loss count (500) never fires in
 * 100 steps. */
START_TEST(test_diverge_short)
{
    lr_data *d = gen(500, 1, 15.0, 4);
    lr_model *m = lr_model_alloc(1);
    lr_model_set_bias(m, 7.5);
    for (int opt = LR_OPT_GD; opt <= LR_OPT_MOMENTUM; opt++) {
        lr_params par = lr_params_default();
        par.lr = 5.0;
        par.optimizer = opt;
        par.momentum = opt == LR_OPT_MOMENTUM ? 0.9 : 0.0;
        par.max_iter = opt == LR_OPT_GD ? 8 : 100;
        lr_result res;
        ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &res),
                         LR_EDIVERGE);
        ck_assert_int_eq(res.stop_reason, LR_STOP_DIVERGED);
        ck_assert(lr_model_bias(m) == 7.5);
    }
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* The gram solver's target by lr_gd_set_stop_excess on noise-free data,
 * where mse* is rounding: it stops at the target, and the MSE by a fresh
 * pass is within the excess of the optimum's (the excess 1e-15 var(y) is
 * below the rounding of the gram loss formula, a few ulps of mean(y^2)). */
START_TEST(test_stop_excess_gram)
{
    lr_data *d = gen(5000, 8, 0.0, 33);
    const size_t n = d->n, p = d->p;
    double wopt[8], bopt, mopt;
    lr_params par = lr_params_default();
    ck_assert_int_eq(lr_solve(lr_matrix_f64(d->X, n, p), d->y, &par, wopt, &bopt, &mopt),
                     LR_SUCCESS);
    par.solver = LR_SOLVER_GRAM;
    par.max_iter = 100000;
    par.init = LR_INIT_ZEROS;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
    ck_assert_int_eq(lr_gd_set_stop_excess(gd, wopt, bopt, mopt, 1.0), LR_EINVAL);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    double L, vy = lr_null_mse(d->y, n, 1);
    ck_assert_int_eq(lr_gd_lipschitz(gd, &L), LR_SUCCESS);
    lr_gd_set_lr(gd, 1.0 / L);
    const double excess = 1e-15 * vy;
    ck_assert_int_eq(lr_gd_set_stop_excess(gd, wopt, bopt, mopt, -1.0), LR_EINVAL);
    ck_assert_int_eq(lr_gd_set_stop_excess(gd, wopt, bopt, mopt, excess),
                     LR_SUCCESS);
    while (lr_gd_iterate(gd, 100) == LR_CONTINUE)
        ;
    ck_assert_int_eq(lr_gd_stop_reason(gd), LR_STOP_TARGET);
    ck_assert_uint_lt(lr_gd_iter(gd), 100000);
    double mse, r2;
    lr_score(lr_matrix_f64(d->X, n, p), d->y, lr_gd_weights(gd), lr_gd_bias(gd), &mse, &r2);
    ck_assert_double_le(mse - mopt, 1.01 * excess);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

/* lr_null_mse: var(y) and mean(y^2) against plain sums (1e-14 relative),
 * and var(y) of y + 1e9 (mean large against the spread) equal to var(y)
 * to 1e-9, over 1000 values and over 997 (a tail after the lanes) (the shifted doubles round y at 1e-7 absolute: var changes by
 * about 1e-7 sd(y) relative at most here). lr_max_abs per column. */
START_TEST(test_scale_helpers)
{
    lr_data *d = gen(1000, 3, 1.0, 34);
    const size_t n = d->n;
    double m = 0.0, v = 0.0, q = 0.0;
    for (size_t i = 0; i < n; i++)
        m += d->y[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        v += (d->y[i] - m) * (d->y[i] - m);
        q += d->y[i] * d->y[i];
    }
    v /= (double)n;
    q /= (double)n;
    ck_assert_double_le(fabs(lr_null_mse(d->y, n, 1) - v), 1e-14 * v);
    ck_assert_double_le(fabs(lr_null_mse(d->y, n, 0) - q), 1e-14 * q);
    double *ys = malloc(n * sizeof *ys);
    for (size_t i = 0; i < n; i++)
        ys[i] = d->y[i] + 1e9;
    ck_assert_double_le(fabs(lr_null_mse(ys, n, 1) - v), 1e-9 * v);
    /* 997 values: the four lanes' sums and a tail of one after them */
    long double m2 = 0, v2 = 0;
    for (size_t i = 0; i < 997; i++)
        m2 += d->y[i];
    m2 /= 997;
    for (size_t i = 0; i < 997; i++)
        v2 += (d->y[i] - m2) * (d->y[i] - m2);
    v2 /= 997;
    ck_assert_double_le(fabs(lr_null_mse(d->y, 997, 1) - (double)v2), 1e-14 * (double)v2);
    ck_assert_double_le(fabs(lr_null_mse(ys, 997, 1) - (double)v2), 1e-9 * (double)v2);
    free(ys);
    double xm[3], ym, want[3] = {0, 0, 0}, wy = 0;
    d->X[7 * 3 + 1] = -1e50;
    lr_max_abs(lr_matrix_f64(d->X, n, 3), d->y, xm, &ym);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < 3; j++)
            want[j] = fmax(want[j], fabs(d->X[i * 3 + j]));
        wy = fmax(wy, fabs(d->y[i]));
    }
    for (size_t j = 0; j < 3; j++)
        ck_assert(xm[j] == want[j]);
    ck_assert(xm[1] == 1e50);
    ck_assert(ym == wy);
    lr_data_free(d);
}
END_TEST

/* The compensated sums keep what plain sums drop: sixteen values whose
 * squares are 2^54, then 1s, which a plain sum past 2^54 drops (below
 * half an ulp): in lr_null_mse's four vector lanes (KSUM_LANES) and in
 * lr_score's sums of squared residuals (ksum_add over each chunk of
 * rows; residuals -y with w = 0 and b = 0). The sums, 2^58 + 40000 and
 * 2^58 + 160000, are doubles, so the compensated means are those divided
 * by n, correctly rounded, to the bit; a plain sum is off by 1.4e-13
 * relative or more. (test_score_shapes covers the compensated dot
 * products of lr_score's row lanes.) */
START_TEST(test_sum_compensation)
{
    const size_t n = 40016, ns = 160016;
    double *y = malloc(ns * sizeof *y), *x = calloc(ns, sizeof *x);
    ck_assert(y && x);
    const double big = 0x1p27;
    for (size_t i = 0; i < ns; i++)
        y[i] = i < 16 ? (i % 2 ? -big : big) : 1.0;
    const double want = (0x1p58 + 40000.0) / (double)n;
    double got = lr_null_mse(y, n, 0);
    ck_assert_msg(got == want, "lr_null_mse: %a, want %a", got, want);
    const double w = 0.0, want_s = (0x1p58 + 160000.0) / (double)ns;
    const int saved = omp_get_max_threads();
    for (int t = 1; t <= 2; t++) {
        omp_set_num_threads(t);
        double mse = 0, r2 = 0;
        ck_assert_int_eq(lr_score(lr_matrix_f64(x, ns, 1), y, &w, 0.0, &mse, &r2),
                         LR_SUCCESS);
        ck_assert_msg(mse == want_s, "lr_score, %d threads: %a, want %a", t, mse, want_s);
    }
    omp_set_num_threads(saved);
    free(x);
    free(y);
}
END_TEST

Suite *suite_convergence(void)
{
    Suite *s = suite_create("convergence");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tol_measure);
    tcase_add_test(tc, test_tol_scale_invariant);
    tcase_add_test(tc, test_diverge_short);
    tcase_add_test(tc, test_stop_excess_gram);
    tcase_add_test(tc, test_scale_helpers);
    tcase_add_test(tc, test_sum_compensation);
    suite_add_tcase(s, tc);
    return s;
}
