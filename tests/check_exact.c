/* check_exact.c -- the methods of the exact reference against each other
 * and against GSL's SVD of the design (the path small problems keep): the
 * dual for p > n, the Gram matrix factored by Cholesky for large p (with
 * and without a ridge, and rank-deficient), the choice of method and its
 * cost, and the constant / duplicated column check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"

/* X (n x p) standard normal from the fast generator, y with noise. */
static lr_data *gen(size_t n, size_t p, uint64_t seed)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = 2.5;
    gp.bias = 3.125;
    gp.seed = seed;
    gp.generator = LR_GEN_FAST;
    gp.threads = 1;
    lr_data *d = lr_data_alloc(n, p);
    double *coef = malloc(p * sizeof *coef);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(coef);
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, coef), LR_SUCCESS);
    free(coef);
    return d;
}

/* method against the SVD path on the same problem: weights and bias to
 * tol relative to the largest weight, MSE to tol relative. */
static void agree(const lr_data *d, const lr_params *par, int method,
                  double tol, const char *what)
{
    const size_t n = d->n, p = d->p;
    double *w = malloc(p * sizeof *w), *ws = malloc(p * sizeof *ws);
    double b, bs, mse, mses;
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, n, p), d->y, par,
                                     LR_EXACT_SVD, ws, &bs, &mses), LR_SUCCESS);
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, n, p), d->y, par, method, w,
                                     &b, &mse), LR_SUCCESS);
    double wmax = 0.0, err = 0.0;
    for (size_t j = 0; j < p; j++) {
        wmax = fmax(wmax, fabs(ws[j]));
        err = fmax(err, fabs(w[j] - ws[j]));
    }
    ck_assert_msg(err <= tol * wmax, "%s: |w - w_svd| %.3g, |w_svd| %.3g", what,
                  err, wmax);
    ck_assert_msg(fabs(b - bs) <= tol * fmax(wmax, fabs(bs)),
                  "%s: b %.17g vs %.17g", what, b, bs);
    ck_assert_msg(fabs(mse - mses) <= tol * mses, "%s: mse %.17g vs %.17g",
                  what, mse, mses);
    if (!par->intercept)
        ck_assert(b == 0.0);
    free(w);
    free(ws);
}

/* The dual (p > n) equals the SVD of the stacked design [Z 1; sqrt(n l2) I]
 * for every combination of intercept and standardize: two exact methods
 * on a system of condition ~ (p + n l2) / (n l2) ~ 50, so 1e-10 leaves
 * orders of magnitude for rounding. The column 3 is shifted and scaled so
 * that centring and standardizing matter. */
START_TEST(test_dual_vs_svd)
{
    lr_data *d = gen(30, 80, 5);
    for (size_t i = 0; i < d->n; i++)
        d->X[i * d->p + 3] = 40.0 + 7.5 * d->X[i * d->p + 3];
    for (int v = 0; v < 4; v++) {
        lr_params par = lr_params_default();
        par.l2 = 0.0625;
        par.intercept = !(v & 1);
        par.standardize = (v & 2) != 0;
        char what[64];
        snprintf(what, sizeof what, "dual, intercept %d, standardize %d",
                 par.intercept, par.standardize);
        agree(d, &par, LR_EXACT_DUAL, 1e-10, what);
    }
    lr_data_free(d);
}
END_TEST

/* The dual from float X: the same as the SVD path on the same float X. */
START_TEST(test_dual_f32)
{
    lr_data *d = gen(12, 40, 9);
    const size_t n = d->n, p = d->p;
    float *Xf = malloc(n * p * sizeof *Xf);
    for (size_t k = 0; k < n * p; k++)
        Xf[k] = (float)d->X[k];
    lr_params par = lr_params_default();
    par.l2 = 0.3;
    double w[40], ws[40], b, bs, mse, mses;
    ck_assert_int_eq(lr_solve_method(lr_matrix_f32(Xf, n, p), d->y, &par, LR_EXACT_SVD,
                                     ws, &bs, &mses), LR_SUCCESS);
    ck_assert_int_eq(lr_solve_method(lr_matrix_f32(Xf, n, p), d->y, &par, LR_EXACT_DUAL,
                                     w, &b, &mse), LR_SUCCESS);
    for (size_t j = 0; j < p; j++)
        ck_assert_double_le(fabs(w[j] - ws[j]), 1e-10 * fmax(1.0, fabs(ws[j])));
    ck_assert_double_le(fabs(b - bs), 1e-10 * fmax(1.0, fabs(bs)));
    ck_assert_double_le(fabs(mse - mses), 1e-10 * mses);
    free(Xf);
    lr_data_free(d);
}
END_TEST

/* The Gram route with p + 1 > 512 factors by Cholesky; after refinement it
 * equals the SVD of the design to 1e-10 (X standard normal, n = 1.3 p:
 * condition of X about 15), ridge or not. */
START_TEST(test_gram_cholesky_vs_svd)
{
    lr_data *d = gen(700, 520, 13);
    for (int v = 0; v < 2; v++) {
        lr_params par = lr_params_default();
        par.l2 = v ? 0.02 : 0.0;
        par.standardize = v;
        agree(d, &par, LR_EXACT_GRAM, 1e-10, v ? "gram, ridge, standardize"
                                               : "gram, least squares");
    }
    lr_data_free(d);
}
END_TEST

/* Rank-deficient without a ridge (a duplicated column and a constant one
 * beside the intercept): the Cholesky of the singular Gram matrix needs its
 * shift; the weights are not unique, but the minimal MSE is: equal to the
 * SVD path's (which truncates the null space) to 1e-10. */
START_TEST(test_gram_cholesky_rank_deficient)
{
    lr_data *d = gen(800, 530, 17);
    const size_t n = d->n, p = d->p;
    for (size_t i = 0; i < n; i++) {
        d->X[i * p + 7] = d->X[i * p + 2];
        d->X[i * p + 11] = -0.625;
    }
    lr_params par = lr_params_default();
    double *w = malloc(p * sizeof *w), *ws = malloc(p * sizeof *ws);
    double b, bs, mse, mses;
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, n, p), d->y, &par, LR_EXACT_SVD,
                                     ws, &bs, &mses), LR_SUCCESS);
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, n, p), d->y, &par,
                                     LR_EXACT_GRAM, w, &b, &mse), LR_SUCCESS);
    ck_assert_msg(fabs(mse - mses) <= 1e-10 * mses, "mse %.17g vs %.17g", mse,
                  mses);
    /* and the duplicated pair carries the same total weight */
    ck_assert_double_le(fabs((w[2] + w[7]) - (ws[2] + ws[7])),
                        1e-8 * fmax(1.0, fabs(ws[2] + ws[7])));
    free(w);
    free(ws);
    lr_data_free(d);
}
END_TEST

/* The choice of method and its cost, from the formulas of linreg.h. */
START_TEST(test_plan)
{
    lr_params par = lr_params_default();
    int m;
    double f;
    /* 5 x 3000 without a ridge: not unique */
    ck_assert_int_eq(lr_solve_plan(5, 3000, &par, &m, &f), LR_ESOLVE);
    ck_assert_int_eq(m, LR_EXACT_AUTO);
    /* without an intercept p = n is square */
    par.intercept = 0;
    ck_assert_int_eq(lr_solve_plan(5, 5, &par, &m, NULL), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_SVD);
    par.intercept = 1;
    /* with one: the dual, n^2 p + n^3/3 + 16 n p */
    par.l2 = 1.0;
    ck_assert_int_eq(lr_solve_plan(5, 3000, &par, &m, &f), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_DUAL);
    ck_assert_double_eq_tol(f, 25.0 * 3000 + 125.0 / 3 + 16.0 * 5 * 3000, 1e-6);
    /* the NIST shapes keep the SVD path: Longley 16 x 6, Filip 82 x 10 */
    par.l2 = 0.0;
    ck_assert_int_eq(lr_solve_plan(16, 6, &par, &m, &f), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_SVD);
    ck_assert_double_eq_tol(f, 6.0 * 16 * 49 + 20.0 * 343, 1e-9);
    ck_assert_int_eq(lr_solve_plan(82, 10, &par, &m, NULL), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_SVD);
    /* tall: the Gram matrix, SVD of H below m = 513 (21 m^3) */
    ck_assert_int_eq(lr_solve_plan(1000000, 16, &par, &m, &f), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_GRAM);
    ck_assert_double_eq_tol(f, 1e6 * 289 + 20.0 * 1.6e7 + 21.0 * 4913, 1e-3);
    ck_assert_int_eq(lr_solve_plan(100000, 1000, &par, &m, &f), LR_SUCCESS);
    ck_assert_int_eq(m, LR_EXACT_GRAM);
    ck_assert_double_eq_tol(f, 1e5 * 1001.0 * 1001 + 20.0 * 1e8
                               + 1001.0 * 1001 * 1001 / 3, 1.0);
    /* a bad parameter */
    par.l2 = -1.0;
    ck_assert_int_eq(lr_solve_plan(10, 2, &par, &m, &f), LR_EINVAL);
    par.l2 = 0.0;
    ck_assert_int_eq(lr_solve_plan(0, 2, &par, &m, &f), LR_EINVAL);
    ck_assert_int_eq(lr_solve_plan(10, 2, NULL, &m, &f), LR_EINVAL);
    ck_assert_str_eq(lr_exact_name(LR_EXACT_DUAL), "dual");
    ck_assert_str_eq(lr_exact_name(LR_EXACT_GRAM), "gram");
    ck_assert_str_eq(lr_exact_name(LR_EXACT_SVD), "svd");
}
END_TEST

/* Forced methods refuse what they cannot do. */
START_TEST(test_method_errors)
{
    lr_data *d = gen(6, 9, 3);
    lr_params par = lr_params_default();
    double w[9], b;
    /* the dual needs a ridge */
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, 6, 9), d->y, &par,
                                     LR_EXACT_DUAL, w, &b, NULL), LR_EINVAL);
    /* the Gram route with more unknowns than samples and no ridge */
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, 6, 9), d->y, &par,
                                     LR_EXACT_GRAM, w, &b, NULL), LR_ESOLVE);
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, 6, 9), d->y, &par, 42, w, &b,
                                     NULL), LR_EINVAL);
    ck_assert_int_eq(lr_solve(lr_matrix_f64(d->X, 6, 9), d->y, &par, w, &b, NULL),
                     LR_ESOLVE);
    lr_data_free(d);
}
END_TEST

/* Constant and duplicated columns, by construction. */
START_TEST(test_design_check)
{
    enum { N = 5, P = 7 };
    /* x0 varies; x1 constant 2.5; x2 = x0; x3 all zero (-0.0 in one row);
     * x4 varies; x5 = x0 but one value; x6 = x4 */
    double X[N * P];
    const double a[N] = {1.25, -3.5, 0.75, 8.0, 2.0};
    const double c[N] = {0.5, 0.25, -1.0, 4.5, 3.0};
    for (size_t i = 0; i < N; i++) {
        double *r = X + i * P;
        r[0] = a[i];
        r[1] = 2.5;
        r[2] = a[i];
        r[3] = i == 2 ? -0.0 : 0.0;
        r[4] = c[i];
        r[5] = i == 4 ? 2.0000000000000004 : a[i];
        r[6] = c[i];
    }
    long dep[P];
    ck_assert_int_eq(lr_design_check(lr_matrix_f64(X, N, P), 1, dep), 4);
    const long want[P] = {LR_COL_OK, LR_COL_CONSTANT, 0, LR_COL_CONSTANT,
                          LR_COL_OK, LR_COL_OK, 4};
    for (size_t j = 0; j < P; j++)
        ck_assert_int_eq(dep[j], want[j]);
    /* without an intercept, only the zero column is constant trouble */
    ck_assert_int_eq(lr_design_check(lr_matrix_f64(X, N, P), 0, dep), 3);
    ck_assert_int_eq(dep[1], LR_COL_OK);
    ck_assert_int_eq(dep[3], LR_COL_CONSTANT);
    /* float storage: 2.0000000000000004 rounds to 2.0f, so x5 = x0 there */
    float Xf[N * P];
    for (size_t k = 0; k < N * P; k++)
        Xf[k] = (float)X[k];
    ck_assert_int_eq(lr_design_check(lr_matrix_f32(Xf, N, P), 1, dep), 5);
    ck_assert_int_eq(dep[5], 0);
    /* nothing to say about a full-rank design */
    lr_data *d = gen(50, 6, 21);
    ck_assert_int_eq(lr_design_check(lr_matrix_f64(d->X, 50, 6), 1, dep), 0);
    for (size_t j = 0; j < 6; j++)
        ck_assert_int_eq(dep[j], LR_COL_OK);
    lr_data_free(d);
    ck_assert_int_eq(lr_design_check(lr_matrix_f64(X, N, P), 1, NULL), -1);
}
END_TEST

Suite *suite_exact(void)
{
    Suite *s = suite_create("exact");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_dual_vs_svd);
    tcase_add_test(tc, test_dual_f32);
    tcase_add_test(tc, test_gram_cholesky_vs_svd);
    tcase_add_test(tc, test_gram_cholesky_rank_deficient);
    tcase_add_test(tc, test_plan);
    tcase_add_test(tc, test_method_errors);
    tcase_add_test(tc, test_design_check);
    suite_add_tcase(s, tc);
    return s;
}
