/* check_train.c -- gradient descent against outside oracles: GSL's
 * least-squares solution, NIST StRD certified values, the NumPy tutorial;
 * the stopping rules and divergence; every error code of the training API. */
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_matrix.h>

#include "check_common.h"

static lr_data *sk_data(size_t n, size_t p, double noise, uint64_t seed,
                        double *coef)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = noise;
    gp.bias = -1.75;
    gp.seed = seed;
    lr_data *d = lr_data_alloc(n, p);
    double tmp[64];
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, coef ? coef : tmp), LR_SUCCESS);
    return d;
}

/* On well-conditioned data (X standard normal, L ~ 1.3) 3000 steps of 0.5
 * contract the error by ~(1 - 0.5*0.6)^3000: the iterates reach GSL's
 * optimum to rounding. Tolerance 1e-9 relative (the SVD solve itself is
 * good to ~1e-14 here). */
START_TEST(test_converges_to_gsl_optimum)
{
    const size_t n = 2000, p = 6;
    lr_data *d = sk_data(n, p, 4.25, 77, NULL);
    double wopt[6], bopt, mseopt;
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, n, p), d->y, wopt, &bopt, &mseopt),
                     LR_SUCCESS);
    lr_params par = lr_params_default();
    par.lr = 0.5;
    par.max_iter = 3000;
    lr_model *m = lr_model_alloc(p);
    lr_result res;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, &res), LR_SUCCESS);
    ck_assert_int_eq(res.stop_reason, LR_STOP_MAX_ITER);
    ck_assert_uint_eq(res.iterations, 3000);
    for (size_t j = 0; j < p; j++)
        ck_assert_msg(rel_err(lr_model_weights(m)[j], wopt[j]) < 1e-9,
                      "w[%zu] %.17g vs GSL %.17g", j, lr_model_weights(m)[j],
                      wopt[j]);
    ck_assert_double_le(fabs(lr_model_bias(m) - bopt), 1e-9 * fabs(bopt));
    /* the loss gap to the optimum is at rounding level */
    ck_assert_double_le((res.final_mse - mseopt) / mseopt, 1e-12);
    ck_assert_double_ge(res.final_mse, mseopt * (1 - 1e-14));
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* NIST StRD Norris: certified b0, b1 reached by gradient descent to 1e-6
 * relative. Condition number of Xa^T Xa / n is 7.3e5; with lr = 1.9/trace
 * the slow mode contracts by 1 - 2.6e-6 per step, so 1.2e7 steps shrink
 * the initial error by ~1e-13. */
START_TEST(test_nist_norris_gd)
{
    lr_data *d = load_csv(nist_path("Norris.csv"), "y");
    ck_assert_uint_eq(d->n, 36);
    lr_params par = lr_params_default();
    par.init = LR_INIT_ZEROS;
    par.lr = 1.9 / lr_trace_bound(lr_matrix_f64(d->X, d->n, d->p));
    par.max_iter = 12000000;
    lr_model *m = lr_model_alloc(1);
    lr_result res;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &res), LR_SUCCESS);
    double b0 = nist_certified("Norris", "b0"), b1 = nist_certified("Norris", "b1");
    ck_assert_msg(rel_err(lr_model_bias(m), b0) < 1e-6, "b0 %.15g vs %.15g",
                  lr_model_bias(m), b0);
    ck_assert_msg(rel_err(lr_model_weights(m)[0], b1) < 1e-6, "b1 %.15g vs %.15g",
                  lr_model_weights(m)[0], b1);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* The reference solver on NIST data: Norris to 1e-9 relative, and Pontius
 * (cond 1.4e13; column balancing in GSL's SVD) to 1e-6. */
START_TEST(test_nist_solver)
{
    lr_data *d = load_csv(nist_path("Norris.csv"), "y");
    double w[2], b, mse;
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, d->n, d->p), d->y, w, &b, &mse),
                     LR_SUCCESS);
    ck_assert_double_le(rel_err(b, nist_certified("Norris", "b0")), 1e-9);
    ck_assert_double_le(rel_err(w[0], nist_certified("Norris", "b1")), 1e-9);
    lr_data_free(d);
    d = load_csv(nist_path("Pontius.csv"), "y");
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, d->n, d->p), d->y, w, &b, &mse),
                     LR_SUCCESS);
    ck_assert_double_le(rel_err(b, nist_certified("Pontius", "b0")), 1e-6);
    ck_assert_double_le(rel_err(w[0], nist_certified("Pontius", "b1")), 1e-6);
    ck_assert_double_le(rel_err(w[1], nist_certified("Pontius", "b2")), 1e-6);
    lr_data_free(d);
}
END_TEST

/* The NumPy tutorial (tests/fixtures/tutorial.csv, by scripts/tutorial_gd.py)
 * on make_regression(500, 1, noise=15, random_state=4): weights and bias
 * within 1e-9 relative (only summation order differs). */
START_TEST(test_tutorial_fixture)
{
    FILE *f = fopen(fixture_path("tutorial.csv"), "r");
    ck_assert(f != NULL);
    char line[512];
    int rows = 0;
    ck_assert(fgets(line, sizeof line, f) != NULL);
    lr_data *d = load_csv(fixture_path("gen_tutorial.csv"), "y");
    while (fgets(line, sizeof line, f)) {
        unsigned long long seed, iters, n;
        double lr, w, b, mse;
        ck_assert_int_eq(sscanf(line, "%llu,%lf,%llu,%llu,%lf,%lf,%lf", &seed, &lr,
                                &iters, &n, &w, &b, &mse), 7);
        /* the data from our generator, not the fixture's CSV */
        lr_gen_params gp = lr_gen_params_default();
        gp.n_samples = n;
        gp.n_features = 1;
        gp.noise = 15;
        gp.seed = 4;
        double *X = malloc(n * sizeof *X), *y = malloc(n * sizeof *y), c;
        ck_assert_int_eq(lr_generate(&gp, X, y, &c), LR_SUCCESS);
        lr_params par = lr_params_default();
        par.lr = lr;
        par.max_iter = iters;
        par.init_seed = seed;
        lr_model *m = lr_model_alloc(1);
        lr_result res;
        ck_assert_int_eq(lr_fit(lr_matrix_f64(X, n, 1), y, &par, m, &res), LR_SUCCESS);
        ck_assert_msg(rel_err(lr_model_weights(m)[0], w) < 1e-9, "w %.17g vs %.17g",
                      lr_model_weights(m)[0], w);
        ck_assert_msg(rel_err(lr_model_bias(m), b) < 1e-9, "b %.17g vs %.17g",
                      lr_model_bias(m), b);
        ck_assert_double_le(rel_err(res.final_mse, mse), 1e-9);
        /* and the same on the fixture's copy of the data */
        ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, 1), d->y, &par, m, &res), LR_SUCCESS);
        ck_assert_double_le(rel_err(lr_model_weights(m)[0], w), 1e-9);
        lr_model_free(m);
        free(X);
        free(y);
        rows++;
    }
    fclose(f);
    lr_data_free(d);
    ck_assert_int_ge(rows, 3);
}
END_TEST

/* A step far above 2/L: the loss becomes non-finite -> LR_EDIVERGE, and
 * lr_fit leaves the model untouched. */
START_TEST(test_diverges_nonfinite)
{
    lr_data *d = sk_data(300, 3, 1.0, 5, NULL);
    lr_params par = lr_params_default();
    par.lr = 50.0;
    par.max_iter = 100000;
    lr_model *m = lr_model_alloc(3);
    lr_model_set_bias(m, 2.385);
    lr_result res;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &res), LR_EDIVERGE);
    ck_assert_int_eq(res.stop_reason, LR_STOP_DIVERGED);
    ck_assert(res.iterations < 100000);
    ck_assert(lr_model_bias(m) == 2.385);
    for (size_t j = 0; j < 3; j++)
        ck_assert(lr_model_weights(m)[j] == 0.0);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* Just above 2/L the loss grows geometrically but stays finite for long:
 * the growing-loss rule stops it (well before 2000 iterations). L is taken
 * from the exact 2x2 eigenvalue for p = 1. */
START_TEST(test_diverges_growing)
{
    lr_data *d = sk_data(400, 1, 3.0, 8, NULL);
    double m1 = 0, m2 = 0;
    for (size_t i = 0; i < d->n; i++) {
        m1 += d->X[i];
        m2 += d->X[i] * d->X[i];
    }
    m1 /= (double)d->n;
    m2 /= (double)d->n;
    double tr = 1 + m2, det = m2 - m1 * m1;
    double L = 0.5 * (tr + sqrt(tr * tr - 4 * det));
    lr_params par = lr_params_default();
    par.lr = 2.05 / L;
    par.max_iter = 2000;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_test(gd), LR_CONTINUE);
    int st;
    while ((st = lr_gd_iterate(gd, 7)) == LR_CONTINUE)
        ;
    ck_assert_int_eq(st, LR_EDIVERGE);
    ck_assert_int_eq(lr_gd_stop_reason(gd), LR_STOP_DIVERGED);
    ck_assert(isfinite(lr_gd_mse(gd)));
    ck_assert(lr_gd_iter(gd) < 2000);
    ck_assert_int_eq(lr_gd_test(gd), LR_EDIVERGE);
    /* and just below 2/L it converges */
    lr_gd_free(gd);
    par.lr = 1.95 / L;
    lr_model *m = lr_model_alloc(1);
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, NULL), LR_SUCCESS);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* tol: stops once the measure lr_gd_grad_rel (the gradient in
 * standardized coordinates over sd(y); check_convergence.c checks it
 * against its definition) is <= tol, and not before. */
START_TEST(test_tol_stop)
{
    lr_data *d = sk_data(500, 4, 2.0, 9, NULL);
    lr_params par = lr_params_default();
    par.lr = 0.3;
    par.tol = 1e-7;
    par.max_iter = 100000;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    double prev = lr_gd_grad_rel(gd);
    while (lr_gd_iterate(gd, 1) == LR_CONTINUE) {
        ck_assert_double_gt(lr_gd_grad_rel(gd), 1e-7);
        prev = lr_gd_grad_rel(gd);
    }
    ck_assert_int_eq(lr_gd_test(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_stop_reason(gd), LR_STOP_TOL);
    ck_assert_double_le(lr_gd_grad_rel(gd), 1e-7);
    ck_assert_double_gt(prev, 1e-7);
    ck_assert(lr_gd_iter(gd) < 100000);
    /* iterating a finished fit changes nothing */
    size_t it = lr_gd_iter(gd);
    ck_assert_int_eq(lr_gd_iterate(gd, 10), LR_SUCCESS);
    ck_assert_uint_eq(lr_gd_iter(gd), it);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

/* max_iter = 0 returns the initial weights; zeros init gives w = 0. */
START_TEST(test_zero_iterations)
{
    lr_data *d = sk_data(50, 2, 1.0, 10, NULL);
    lr_params par = lr_params_default();
    par.max_iter = 0;
    par.init_seed = 42;
    lr_model *m = lr_model_alloc(2);
    lr_result res;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, &res), LR_SUCCESS);
    double w0[2];
    lr_numpy_rand(42, 2, w0);
    ck_assert(memcmp(lr_model_weights(m), w0, sizeof w0) == 0);
    ck_assert(lr_model_bias(m) == 0.0);
    ck_assert_uint_eq(res.iterations, 0);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* Every error code of the training API. */
START_TEST(test_error_codes)
{
    lr_data *d = sk_data(20, 2, 1.0, 11, NULL);
    lr_params par = lr_params_default();
    const char *field;
    lr_model *m = lr_model_alloc(2), *m3 = lr_model_alloc(3);
    par.lr = -0.1;
    ck_assert_int_eq(lr_params_check(&par, &field), LR_EINVAL);
    ck_assert_str_eq(field, "lr");
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, NULL), LR_EINVAL);
    par = lr_params_default();
    par.tol = NAN;
    ck_assert_int_eq(lr_params_check(&par, &field), LR_EINVAL);
    ck_assert_str_eq(field, "tol");
    par = lr_params_default();
    par.init_seed = 1ULL << 33;
    ck_assert_int_eq(lr_params_check(&par, &field), LR_EINVAL);
    ck_assert_str_eq(field, "init_seed");
    par = lr_params_default();
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m3, NULL), LR_ESHAPE);
    /* n * p overflows: refused before touching X */
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, SIZE_MAX / 2, 3), d->y, &par, m3, NULL),
                     LR_ENOMEM);
    lr_gd *none;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 0, 2), d->y, &par, &none),
                     LR_EINVAL);
    ck_assert_ptr_null(none);
    ck_assert_ptr_null(lr_model_alloc(0));
    /* under-determined: no unique optimum */
    double w[2], b, mse;
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, 2, 2), d->y, w, &b, &mse), LR_ESOLVE);
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    ck_assert_int_eq(lr_gd_iterate(gd, 1), LR_EINVAL); /* before init */
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_test(gd), LR_CONTINUE);
    ck_assert_int_eq(lr_gd_model(gd, m3), LR_ESHAPE);
    lr_gd_free(gd);
    lr_gd_free(NULL);
    lr_model_free(NULL);
    /* a NaN in the data: the first loss is not finite */
    d->y[3] = NAN;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, NULL), LR_EDIVERGE);
    for (int s = LR_SUCCESS; s <= LR_ERANGE; s++)
        ck_assert(strcmp(lr_strerror(s), "unknown status") != 0);
    ck_assert_str_eq(lr_strerror(-77), "unknown status");
    lr_model_free(m);
    lr_model_free(m3);
    lr_data_free(d);
}
END_TEST

/* L by power iteration against GSL's symmetric eigensolver on
 * Xa^T Xa / n (an independent route): columns scaled 1..p so the top
 * eigenvalue stands apart. The Gram path converges to 1e-6 relative; the
 * streaming path stops at 1e-3 change, so it is checked to lie within 2%
 * and never above lambda_max (a Rayleigh quotient cannot exceed it). */
START_TEST(test_lipschitz_vs_gsl)
{
    const size_t n = 3000, p = 6, m = p + 1;
    lr_data *d = sk_data(n, p, 1.0, 14, NULL);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            d->X[i * p + j] *= (double)(j + 1);
    gsl_matrix *A = gsl_matrix_calloc(m, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            for (size_t k = 0; k < m; k++) {
                double xj = j < p ? d->X[i * p + j] : 1.0;
                double xk = k < p ? d->X[i * p + k] : 1.0;
                *gsl_matrix_ptr(A, j, k) += xj * xk / (double)n;
            }
    gsl_vector *ev = gsl_vector_alloc(m);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(m);
    ck_assert_int_eq(gsl_eigen_symm(A, ev, ws), 0);
    double lmax = gsl_vector_max(ev);
    for (int solver = 0; solver <= 1; solver++) {
        lr_params par = lr_params_default();
        par.solver = solver;
        par.threads = 2;
        lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
        ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
        double L;
        ck_assert_int_eq(lr_gd_lipschitz(gd, &L), LR_SUCCESS);
        ck_assert_double_le(L, lmax * (1 + 1e-12));
        ck_assert_double_ge(L, lmax * (solver ? 1 - 1e-6 : 0.98));
        /* 1/L converges where the trace bound's step would be slow */
        ck_assert_int_eq(lr_gd_set_lr(gd, 1.0 / L), LR_SUCCESS);
        ck_assert_int_eq(lr_gd_set_lr(gd, -1.0), LR_EINVAL);
        lr_gd_free(gd);
    }
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(A);
    lr_data_free(d);
}
END_TEST

/* stop_mse: training stops at the first iterate within the target gap of
 * the exact optimum, for both solvers; the gram solver's target is set in
 * its own loss measure (lr_gd_loss at the optimum). */
START_TEST(test_stop_target)
{
    const size_t n = 4000, p = 5;
    lr_data *d = sk_data(n, p, 3.0, 15, NULL);
    double wopt[5], bopt, mopt;
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, n, p), d->y, wopt, &bopt, &mopt),
                     LR_SUCCESS);
    for (int solver = 0; solver <= 1; solver++) {
        lr_params par = lr_params_default();
        par.solver = solver;
        par.lr = 0.5;
        par.max_iter = 100000;
        lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
        ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
        double f;
        ck_assert_int_eq(lr_gd_loss(gd, wopt, bopt, &f), LR_SUCCESS);
        ck_assert_double_le(rel_err(f, mopt), 1e-9);
        ck_assert_int_eq(lr_gd_set_stop_mse(gd, f + 1e-9 * mopt), LR_SUCCESS);
        while (lr_gd_iterate(gd, 50) == LR_CONTINUE)
            ;
        ck_assert_int_eq(lr_gd_stop_reason(gd), LR_STOP_TARGET);
        ck_assert_str_eq(lr_stop_name(LR_STOP_TARGET), "target_gap");
        double pred[4000], mse;
        lr_predict(lr_matrix_f64(d->X, n, p), lr_gd_weights(gd), lr_gd_bias(gd), pred);
        lr_metrics(pred, d->y, n, &mse, NULL);
        ck_assert_double_le((mse - mopt) / mopt, 2e-9);
        ck_assert(lr_gd_iter(gd) < 100000);
        lr_gd_free(gd);
    }
    lr_data_free(d);
}
END_TEST

/* Digits of agreement with a certified value (LRE, capped at 15). */
static double lre(double x, double cert)
{
    double e = cert != 0 ? fabs(x - cert) / fabs(cert) : fabs(x);
    return e == 0 ? 15.0 : fmin(15.0, -log10(e));
}

/* NIST StRD by gradient descent: --standardize --lr auto --optimizer
 * nesterov from zero weights reaches at least 6 certified digits of every
 * coefficient (the bar) on Pontius, NoInt1, NoInt2 and Longley. */
static void check_nist_gd(const char *name, int intercept, size_t iters)
{
    char file[64];
    snprintf(file, sizeof file, "%s.csv", name);
    lr_data *d = load_csv(nist_path(file), "y");
    lr_params par = lr_params_default();
    par.init = LR_INIT_ZEROS;
    par.standardize = 1;
    par.intercept = intercept;
    par.optimizer = LR_OPT_NESTEROV;
    par.max_iter = iters;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    ck_assert_ptr_nonnull(gd);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    double L;
    ck_assert_int_eq(lr_gd_lipschitz(gd, &L), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_set_lr(gd, 1.0 / L), LR_SUCCESS);
    while (lr_gd_iterate(gd, iters) == LR_CONTINUE)
        ;
    ck_assert_int_eq(lr_gd_test(gd), LR_SUCCESS);
    char pn[32];
    for (size_t j = 0; j < d->p; j++) {
        snprintf(pn, sizeof pn, "b%zu", j + 1);
        double cert = nist_certified(name, pn), got = lr_gd_weights(gd)[j];
        ck_assert_msg(lre(got, cert) >= 6.0, "%s %s: %.15g vs certified %.15g",
                      name, pn, got, cert);
    }
    if (intercept) {
        double cert = nist_certified(name, "b0");
        ck_assert_msg(lre(lr_gd_bias(gd), cert) >= 6.0, "%s b0: %.15g vs %.15g",
                      name, lr_gd_bias(gd), cert);
    } else {
        ck_assert(lr_gd_bias(gd) == 0.0);
    }
    lr_gd_free(gd);
    lr_data_free(d);
}

START_TEST(test_nist_pontius_gd) { check_nist_gd("Pontius", 1, 200000); }
END_TEST
START_TEST(test_nist_noint1_gd) { check_nist_gd("NoInt1", 0, 20000); }
END_TEST
START_TEST(test_nist_noint2_gd) { check_nist_gd("NoInt2", 0, 20000); }
END_TEST
START_TEST(test_nist_longley_gd) { check_nist_gd("Longley", 1, 1000000); }
END_TEST

/* Ridge: gradient descent with l2 reaches the closed form
 * (Xc^T Xc + n alpha I) w = Xc^T yc on centred data, b = ybar - xbar.w,
 * solved here by GSL's Cholesky (not by the code under test); 1e-9. */
START_TEST(test_ridge_closed_form)
{
    const size_t n = 800, p = 4;
    const double alpha = 0.37;
    lr_data *d = sk_data(n, p, 5.0, 16, NULL);
    double xbar[4] = {0}, ybar = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            xbar[j] += d->X[i * p + j] / (double)n;
        ybar += d->y[i] / (double)n;
    }
    gsl_matrix *A = gsl_matrix_calloc(p, p);
    gsl_vector *rhs = gsl_vector_calloc(p), *wv = gsl_vector_alloc(p);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            double xj = d->X[i * p + j] - xbar[j];
            *gsl_vector_ptr(rhs, j) += xj * (d->y[i] - ybar);
            for (size_t k = 0; k < p; k++)
                *gsl_matrix_ptr(A, j, k) += xj * (d->X[i * p + k] - xbar[k]);
        }
    for (size_t j = 0; j < p; j++)
        *gsl_matrix_ptr(A, j, j) += (double)n * alpha;
    ck_assert_int_eq(gsl_linalg_cholesky_decomp1(A), 0);
    ck_assert_int_eq(gsl_linalg_cholesky_solve(A, rhs, wv), 0);
    double bref = ybar;
    for (size_t j = 0; j < p; j++)
        bref -= gsl_vector_get(wv, j) * xbar[j];
    for (int opt = LR_OPT_GD; opt <= LR_OPT_NESTEROV; opt++) {
        lr_params par = lr_params_default();
        par.l2 = alpha;
        par.lr = 0.5;
        par.optimizer = opt;
        par.momentum = opt == LR_OPT_MOMENTUM ? 0.5 : 0.0;
        par.max_iter = 3000;
        lr_model *m = lr_model_alloc(p);
        ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, NULL), LR_SUCCESS);
        for (size_t j = 0; j < p; j++)
            ck_assert_msg(rel_err(lr_model_weights(m)[j], gsl_vector_get(wv, j))
                          < 1e-9, "optimizer %d w[%zu]", opt, j);
        ck_assert_double_le(fabs(lr_model_bias(m) - bref), 1e-9 * fmax(1, fabs(bref)));
        /* and lr_solve gives the same optimum */
        double ws[4], bs;
        ck_assert_int_eq(lr_solve(lr_matrix_f64(d->X, n, p), d->y, &par, ws, &bs, NULL),
                         LR_SUCCESS);
        for (size_t j = 0; j < p; j++)
            ck_assert_double_le(rel_err(ws[j], gsl_vector_get(wv, j)), 1e-9);
        lr_model_free(m);
    }
    gsl_matrix_free(A);
    gsl_vector_free(rhs);
    gsl_vector_free(wv);
    lr_data_free(d);
}
END_TEST

/* --standardize changes the path, not the optimum: the standardized and
 * raw fits of badly scaled columns both reach GSL's solution, the
 * standardized one in far fewer iterations at its own 1/L. */
START_TEST(test_standardize_same_optimum)
{
    const size_t n = 1500, p = 3;
    lr_data *d = sk_data(n, p, 1.0, 18, NULL);
    for (size_t i = 0; i < n; i++) {
        d->X[i * p] = d->X[i * p] * 1000.0 + 5000.0; /* scale and offset */
        d->y[i] += 2.0 * d->X[i * p];
    }
    double wopt[3], bopt;
    ck_assert_int_eq(lr_solve_exact(lr_matrix_f64(d->X, n, p), d->y, wopt, &bopt, NULL), LR_SUCCESS);
    lr_params par = lr_params_default();
    par.standardize = 1;
    par.init = LR_INIT_ZEROS;
    par.max_iter = 500;
    lr_gd *gd = ck_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    double L;
    ck_assert_int_eq(lr_gd_lipschitz(gd, &L), LR_SUCCESS);
    /* standardized columns with an intercept: L <= p + 1 */
    ck_assert_double_le(L, (double)p + 1.0 + 1e-9);
    lr_gd_set_lr(gd, 1.0 / L);
    while (lr_gd_iterate(gd, 500) == LR_CONTINUE)
        ;
    for (size_t j = 0; j < p; j++)
        ck_assert_double_le(rel_err(lr_gd_weights(gd)[j], wopt[j]), 1e-9);
    ck_assert_double_le(rel_err(lr_gd_bias(gd), bopt), 1e-9);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

/* Large problems take the Gram-and-refine route of lr_solve: it agrees
 * with GSL's SVD least squares on the whole design (called here directly)
 * to 1e-10, with an intercept, without, and with ridge rows appended. */
START_TEST(test_solve_large_vs_svd)
{
    const size_t n = 500000, p = 4, m = p + 1;
    lr_data *d = sk_data(n, p, 3.0, 19, NULL);
    for (size_t i = 0; i < n; i++)
        d->X[i * p + 1] = d->X[i * p + 1] * 50.0 + 300.0; /* badly scaled */
    for (int variant = 0; variant < 3; variant++) {
        lr_params par = lr_params_default();
        par.intercept = variant != 1;
        par.l2 = variant == 2 ? 0.05 : 0.0;
        const size_t cols = par.intercept ? m : p, rows = n + (par.l2 > 0 ? p : 0);
        gsl_matrix *A = gsl_matrix_calloc(rows, cols);
        gsl_vector *yv = gsl_vector_calloc(rows), *c = gsl_vector_alloc(cols);
        gsl_matrix *cov = gsl_matrix_alloc(cols, cols);
        gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(rows, cols);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < p; j++)
                gsl_matrix_set(A, i, j, d->X[i * p + j]);
            if (par.intercept)
                gsl_matrix_set(A, i, p, 1.0);
            gsl_vector_set(yv, i, d->y[i]);
        }
        for (size_t j = 0; j < p && par.l2 > 0; j++)
            gsl_matrix_set(A, n + j, j, sqrt((double)n * par.l2));
        double chisq;
        ck_assert_int_eq(gsl_multifit_linear(A, yv, c, cov, &chisq, ws), 0);
        double w[4], b;
        ck_assert_int_eq(lr_solve(lr_matrix_f64(d->X, n, p), d->y, &par, w, &b, NULL),
                         LR_SUCCESS);
        for (size_t j = 0; j < p; j++)
            ck_assert_msg(rel_err(w[j], gsl_vector_get(c, j)) < 1e-10,
                          "variant %d w[%zu] %.17g vs %.17g", variant, j, w[j],
                          gsl_vector_get(c, j));
        if (par.intercept)
            ck_assert_double_le(fabs(b - gsl_vector_get(c, p)),
                                1e-10 * fmax(1, fabs(b)));
        else
            ck_assert(b == 0.0);
        gsl_matrix_free(A);
        gsl_vector_free(yv);
        gsl_vector_free(c);
        gsl_matrix_free(cov);
        gsl_multifit_linear_free(ws);
    }
    lr_data_free(d);
}
END_TEST

Suite *suite_train(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_converges_to_gsl_optimum);
    tcase_add_test(tc, test_nist_norris_gd);
    tcase_add_test(tc, test_nist_solver);
    tcase_add_test(tc, test_tutorial_fixture);
    tcase_add_test(tc, test_diverges_nonfinite);
    tcase_add_test(tc, test_diverges_growing);
    tcase_add_test(tc, test_tol_stop);
    tcase_add_test(tc, test_zero_iterations);
    tcase_add_test(tc, test_error_codes);
    tcase_add_test(tc, test_lipschitz_vs_gsl);
    tcase_add_test(tc, test_stop_target);
    tcase_add_test(tc, test_nist_pontius_gd);
    tcase_add_test(tc, test_nist_noint1_gd);
    tcase_add_test(tc, test_nist_noint2_gd);
    tcase_add_test(tc, test_nist_longley_gd);
    tcase_add_test(tc, test_ridge_closed_form);
    tcase_add_test(tc, test_standardize_same_optimum);
    tcase_add_test(tc, test_solve_large_vs_svd);
    suite_add_tcase(s, tc);
    return s;
}



