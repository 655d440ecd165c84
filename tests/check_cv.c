/* check_cv.c -- cross-validation (linreg_cv.h): the fold boundaries of
 * KFold, the fold MSEs against scikit-learn fixtures
 * (scripts/cv-fixtures.py), each fold's fit against GSL's exact solve of
 * the training rows, the permutation against NumPy's, the same bits for
 * any thread count, the summary and its one-standard-error rule on a
 * hand-made table, the stream route and its warm start, and every error
 * status. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "check_common.h"
#include "linreg_cv.h"

/* KFold(K).split: the first n mod K folds have n / K + 1 rows. */
START_TEST(test_cv_folds)
{
    size_t lo[6];
    ck_assert_int_eq(lr_cv_folds(103, 4, lo), LR_SUCCESS);
    const size_t want[5] = {0, 26, 52, 78, 103};
    for (int k = 0; k < 5; k++)
        ck_assert_uint_eq(lo[k], want[k]);
    size_t lo2[4];
    ck_assert_int_eq(lr_cv_folds(10, 3, lo2), LR_SUCCESS);
    ck_assert(lo2[1] == 4 && lo2[2] == 7 && lo2[3] == 10);
    ck_assert_int_eq(lr_cv_folds(5, 5, lo), LR_SUCCESS); /* K = n: one row each */
    ck_assert(lo[1] == 1 && lo[4] == 4 && lo[5] == 5);
    ck_assert_int_eq(lr_cv_folds(5, 6, lo), LR_EINVAL);
    ck_assert_int_eq(lr_cv_folds(5, 1, lo), LR_EINVAL);
    ck_assert_int_eq(lr_cv_folds(5, 2, NULL), LR_EINVAL);
}
END_TEST

static cJSON *load_expected(void)
{
    FILE *f = fopen(fixture_path("cv/expected.json"), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", fixture_path("cv/expected.json"));
    static char buf[1 << 17];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert(len > 0 && len < sizeof buf - 1);
    buf[len] = '\0';
    cJSON *doc = cJSON_Parse(buf);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

/* Every case of tests/fixtures/cv/expected.json: fold MSEs from
 * scikit-learn (cross_val_score, or the same estimator fold by fold),
 * which the fixture script checked against an SVD reference to 1e-10;
 * 1e-8 relative leaves room for the rounding of the normal equations on
 * the ill-conditioned case (correlation 1 - 5e-9, a column at 1e4 with
 * sd 1), where 1e-10 is measured. Shuffled cases: the permutation is
 * NumPy's RandomState(seed).permutation(n), to the index. */
START_TEST(test_cv_sklearn_fixtures)
{
    cJSON *doc = load_expected();
    const cJSON *cases = cJSON_GetObjectItem(doc, "cases"), *c;
    int ncase = 0;
    cJSON_ArrayForEach(c, cases) {
        char path[64];
        snprintf(path, sizeof path, "cv/%s",
                 cJSON_GetObjectItem(c, "data")->valuestring);
        lr_data *d = load_csv(fixture_path(path), "y");
        const size_t K = (size_t)cJSON_GetObjectItem(c, "folds")->valuedouble;
        const cJSON *jl = cJSON_GetObjectItem(c, "l2");
        const size_t A = (size_t)cJSON_GetArraySize(jl);
        double *l2 = malloc(A * sizeof *l2), *fm = malloc(A * K * sizeof *fm);
        ck_assert(l2 && fm);
        for (size_t a = 0; a < A; a++)
            l2[a] = cJSON_GetArrayItem(jl, (int)a)->valuedouble;
        lr_params par = lr_params_default();
        par.standardize = cJSON_IsTrue(cJSON_GetObjectItem(c, "standardize"));
        par.intercept = cJSON_IsTrue(cJSON_GetObjectItem(c, "intercept"));
        size_t *perm = NULL;
        if (cJSON_IsTrue(cJSON_GetObjectItem(c, "shuffle"))) {
            perm = malloc(d->n * sizeof *perm);
            ck_assert_ptr_nonnull(perm);
            uint64_t seed = (uint64_t)cJSON_GetObjectItem(c, "seed")->valuedouble;
            ck_assert_int_eq(lr_cv_permutation(d->n, seed, perm), LR_SUCCESS);
            const cJSON *jp = cJSON_GetObjectItem(c, "permutation");
            ck_assert_int_eq(cJSON_GetArraySize(jp), (int)d->n);
            for (size_t i = 0; i < d->n; i++)
                ck_assert_uint_eq(perm[i],
                                  (size_t)cJSON_GetArrayItem(jp, (int)i)->valuedouble);
        }
        ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(d->X, d->n, d->p), d->y, perm, K,
                                     l2, A, &par, fm), LR_SUCCESS);
        const cJSON *jm = cJSON_GetObjectItem(c, "fold_mse");
        for (size_t a = 0; a < A; a++)
            for (size_t k = 0; k < K; k++) {
                double want = cJSON_GetArrayItem(cJSON_GetArrayItem(jm, (int)a),
                                                 (int)k)->valuedouble;
                ck_assert_msg(rel_err(fm[a * K + k], want) <= 1e-8,
                              "%s, l2 %g, fold %zu: %.17g, scikit-learn %.17g",
                              c->string, l2[a], k, fm[a * K + k], want);
            }
        free(perm);
        free(l2);
        free(fm);
        lr_data_free(d);
        ncase++;
    }
    ck_assert_int_ge(ncase, 8);
    cJSON_Delete(doc);
}
END_TEST

/* Each fold against GSL: the training rows copied, solved by lr_solve
 * (SVD of the design for this size), scored by lr_score on the held-out
 * rows: 1e-10 relative (two exact methods on a well-conditioned problem,
 * y noise 2.5 on coefficients up to 100: each loses a few digits). For
 * raw and standardized fits, with and without an intercept (standardized
 * without one: sd about 0, the rms, as train), K = 3 on 200 rows: folds
 * of 67, 67 and 66. */
START_TEST(test_cv_folds_match_solve)
{
    lr_data *d = gen_fast_data(200, 6, 2385, 2.5, 7.125);
    const size_t n = d->n, p = d->p, K = 3;
    const double l2[3] = {1e-3, 0.37, 5.5};
    size_t lo[4];
    lr_cv_folds(n, K, lo);
    ck_assert(lo[1] == 67 && lo[2] == 134);
    double *Xt = malloc(n * p * sizeof *Xt), *yt = malloc(n * sizeof *yt);
    double fm[9], w[6], b, mse, r2;
    ck_assert(Xt && yt);
    for (int mode = 0; mode < 4; mode++) {
        lr_params par = lr_params_default();
        par.standardize = mode == 1 || mode == 3;
        par.intercept = mode < 2;
        ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(d->X, n, p), d->y, NULL, K, l2, 3,
                                     &par, fm), LR_SUCCESS);
        for (size_t k = 0; k < K; k++) {
            size_t nt = 0;
            for (size_t i = 0; i < n; i++)
                if (i < lo[k] || i >= lo[k + 1]) {
                    memcpy(Xt + nt * p, d->X + i * p, p * sizeof *Xt);
                    yt[nt++] = d->y[i];
                }
            for (size_t a = 0; a < 3; a++) {
                par.l2 = l2[a];
                ck_assert_int_eq(lr_solve(lr_matrix_f64(Xt, nt, p), yt, &par, w, &b,
                                          &mse), LR_SUCCESS);
                const size_t nk = lo[k + 1] - lo[k];
                ck_assert_int_eq(lr_score(lr_matrix_f64(d->X + lo[k] * p, nk, p),
                                          d->y + lo[k], w, b, &mse, &r2), LR_SUCCESS);
                ck_assert_msg(rel_err(fm[a * K + k], mse) <= 1e-10,
                              "mode %d fold %zu l2 %g: %.17g vs lr_solve %.17g",
                              mode, k, l2[a], fm[a * K + k], mse);
            }
            par.l2 = 0.0;
        }
    }
    free(Xt);
    free(yt);
    lr_data_free(d);
}
END_TEST

/* The same bits for 1, 2 and 3 threads (units added in order), shuffled
 * or not; and float X equals double X holding the same values. */
START_TEST(test_cv_threads_bitwise)
{
    lr_data *d = gen_fast_data(30011, 9, 77, 4.0, -2.5);
    const size_t n = d->n, p = d->p, K = 7;
    const double l2[4] = {0.0, 1e-4, 0.02, 3.0};
    size_t *perm = malloc(n * sizeof *perm);
    double fm[3][28];
    ck_assert_ptr_nonnull(perm);
    ck_assert_int_eq(lr_cv_permutation(n, 4242, perm), LR_SUCCESS);
    for (int sh = 0; sh < 2; sh++) {
        for (int t = 0; t < 3; t++) {
            lr_params par = lr_params_default();
            par.threads = t + 1;
            par.standardize = sh;
            ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(d->X, n, p), d->y,
                                         sh ? perm : NULL, K, l2, 4, &par, fm[t]),
                             LR_SUCCESS);
        }
        ck_assert_msg(memcmp(fm[0], fm[1], sizeof fm[0]) == 0, "1 vs 2 threads");
        ck_assert_msg(memcmp(fm[0], fm[2], sizeof fm[0]) == 0, "1 vs 3 threads");
    }
    float *Xf = malloc(n * p * sizeof *Xf);
    ck_assert_ptr_nonnull(Xf);
    for (size_t i = 0; i < n * p; i++) {
        Xf[i] = (float)d->X[i];
        d->X[i] = (double)Xf[i];
    }
    lr_params par = lr_params_default();
    par.threads = 2;
    ck_assert_int_eq(lr_cv_exact(lr_matrix_f32(Xf, n, p), d->y, NULL, K, l2, 4, &par,
                                 fm[0]), LR_SUCCESS);
    ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(d->X, n, p), d->y, NULL, K, l2, 4, &par,
                                 fm[1]), LR_SUCCESS);
    ck_assert(memcmp(fm[0], fm[1], sizeof fm[0]) == 0);
    free(Xf);
    free(perm);
    lr_data_free(d);
}
END_TEST

/* A hand-made table, K = 4, penalties out of order. Means: l2 10 -> 2.5,
 * 0.1 -> 2.5, 1 -> 2.0 (the best; folds 1, 1.5, 2.5, 3: sample sd
 * sqrt(2.5/3) = 0.912871, standard error 0.456435), 100 -> 2.42. The
 * 1se rule takes 100: 2.42 <= 2.456435. It would not with the population
 * sd (standard error 0.395285: 2.42 > 2.395). A second table moves l2 100
 * to a mean of 2.47: outside one standard error (the best itself is
 * taken), inside one sd (2.913), so the two are told apart. */
START_TEST(test_cv_summary_1se)
{
    const double l2[4] = {10, 0.1, 100, 1};
    const double fm[16] = {2.4, 2.5, 2.5, 2.6,    /* l2 10 */
                           1.0, 2.5, 3.0, 3.5,    /* l2 0.1 */
                           2.37, 2.40, 2.44, 2.47, /* l2 100 */
                           1.0, 1.5, 2.5, 3.0};   /* l2 1 */
    double mean[4], sd[4];
    size_t best, best1;
    ck_assert_int_eq(lr_cv_summary(fm, l2, 4, 4, mean, sd, &best, &best1),
                     LR_SUCCESS);
    ck_assert_uint_eq(best, 3);
    ck_assert_uint_eq(best1, 2);
    ck_assert(fabs(mean[2] - 2.42) <= 1e-15 && fabs(mean[3] - 2.0) <= 1e-15);
    ck_assert(fabs(sd[3] - sqrt(2.5 / 3.0)) <= 1e-15);
    /* sd with ddof = 1 of l2 10: deviations -0.1, 0, 0, 0.1 */
    ck_assert(fabs(sd[0] - sqrt(0.02 / 3.0)) <= 1e-15);
    /* l2 100 at a mean of 2.47, l2 10 and 0.1 at 2.5: all outside */
    const double fm2[16] = {2.4, 2.5, 2.5, 2.6, 1.0, 2.5, 3.0, 3.5,
                            2.42, 2.45, 2.49, 2.52, 1.0, 1.5, 2.5, 3.0};
    ck_assert_int_eq(lr_cv_summary(fm2, l2, 4, 4, NULL, NULL, &best, &best1),
                     LR_SUCCESS);
    ck_assert_uint_eq(best, 3);
    ck_assert_uint_eq(best1, 3);
    /* a tie in the mean: the larger penalty */
    const double l2t[2] = {0.5, 2.0}, ft[4] = {1.0, 3.0, 3.0, 1.0};
    ck_assert_int_eq(lr_cv_summary(ft, l2t, 2, 2, NULL, NULL, &best, &best1),
                     LR_SUCCESS);
    ck_assert_uint_eq(best, 1);
    ck_assert_int_eq(lr_cv_summary(fm, l2, 0, 4, NULL, NULL, &best, NULL), LR_EINVAL);
    ck_assert_int_eq(lr_cv_summary(fm, l2, 4, 1, NULL, NULL, &best, NULL), LR_EINVAL);
    ck_assert_int_eq(lr_cv_summary(NULL, l2, 4, 4, NULL, NULL, &best, NULL), LR_EINVAL);
}
END_TEST

/* numpy.logspace(-4, 1, 6) is 1e-4 .. 10 by decades: each within 2 ulps of
 * the decimal (pow's rounding), the ends exact. */
START_TEST(test_cv_logspace)
{
    double v[6];
    ck_assert_int_eq(lr_cv_logspace(1e-4, 10.0, 6, v), LR_SUCCESS);
    const double want[6] = {1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0};
    for (int i = 0; i < 6; i++)
        ck_assert_msg(ulp_diff(v[i], want[i]) <= 2, "%d: %.17g", i, v[i]);
    ck_assert(v[0] == 1e-4 && v[5] == 10.0);
    ck_assert_int_eq(lr_cv_logspace(0.25, 0.25, 1, v), LR_SUCCESS);
    ck_assert(v[0] == 0.25);
    ck_assert_int_eq(lr_cv_logspace(0.0, 1.0, 3, v), LR_EINVAL);
    ck_assert_int_eq(lr_cv_logspace(1.0, INFINITY, 3, v), LR_EINVAL);
    ck_assert_int_eq(lr_cv_logspace(1.0, 2.0, 0, v), LR_EINVAL);
}
END_TEST

/* Gradient descent per fold, warm-started along the path: with Nesterov
 * and a tight tol on standardized columns it reaches the exact fold MSEs
 * to 1e-7 relative (the tol rule stops at a gradient of 1e-12 sd(y)). */
START_TEST(test_cv_stream_matches_exact)
{
    lr_data *d = gen_fast_data(600, 4, 31, 3.0, 1.5);
    const double l2[3] = {0.05, 1e-3, 0.8};
    double fe[15], fs[15];
    lr_params par = lr_params_default();
    par.standardize = 1;
    ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(d->X, d->n, d->p), d->y, NULL, 5, l2,
                                 3, &par, fe), LR_SUCCESS);
    par.optimizer = LR_OPT_NESTEROV;
    par.lr = LR_LR_AUTO;
    par.max_iter = 20000;
    par.tol = 1e-12;
    size_t failed[2] = {9, 9};
    ck_assert_int_eq(lr_cv_stream(lr_matrix_f64(d->X, d->n, d->p), d->y, NULL, 5, l2,
                                  3, &par, fs, failed), LR_SUCCESS);
    for (int i = 0; i < 15; i++)
        ck_assert_msg(rel_err(fs[i], fe[i]) <= 1e-7, "%d: %.17g vs %.17g", i, fs[i],
                      fe[i]);
    /* a step far above 2/L diverges: the fold and penalty are named (the
     * largest penalty is fitted first) */
    par.optimizer = LR_OPT_GD;
    par.lr = 50.0;
    par.tol = 0.0;
    par.max_iter = 200;
    ck_assert_int_eq(lr_cv_stream(lr_matrix_f64(d->X, d->n, d->p), d->y, NULL, 5, l2,
                                  3, &par, fs, failed), LR_EDIVERGE);
    ck_assert_uint_eq(failed[0], 0);
    ck_assert_uint_eq(failed[1], 2);
    lr_data_free(d);
}
END_TEST

/* lr_gd_init_from at the exact optimum: the first loss is the optimum's
 * MSE (1e-12 relative) and the gradient is near 0 (1e-8 of its size at
 * zero weights); a NULL w or a non-finite bias is LR_EINVAL. */
START_TEST(test_gd_init_from)
{
    lr_data *d = gen_fast_data(500, 3, 5, 1.0, 2.0);
    lr_params par = lr_params_default();
    par.l2 = 0.01;
    double w[3], b, mse;
    ck_assert_int_eq(lr_solve(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, w, &b, &mse),
                     LR_SUCCESS);
    par.init = LR_INIT_ZEROS;
    lr_gd *g0 = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    lr_gd *g1 = ck_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par);
    ck_assert(g0 && g1);
    ck_assert_int_eq(lr_gd_init(g0), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init_from(g1, w, b), LR_SUCCESS);
    ck_assert_msg(rel_err(lr_gd_mse(g1), mse) <= 1e-12, "%.17g vs %.17g",
                  lr_gd_mse(g1), mse);
    ck_assert(lr_gd_grad_norm(g1) <= 1e-8 * lr_gd_grad_norm(g0));
    ck_assert(lr_gd_bias(g1) == b);
    ck_assert_int_eq(lr_gd_init_from(g1, NULL, 0.0), LR_EINVAL);
    ck_assert_int_eq(lr_gd_init_from(g1, w, NAN), LR_EINVAL);
    lr_gd_free(g0);
    lr_gd_free(g1);
    lr_data_free(d);
}
END_TEST

/* Every LR_EINVAL of the boundary, and the permutation's seed range. */
START_TEST(test_cv_errors)
{
    lr_data *d = gen_fast_data(50, 3, 9, 1.0, 0.0);
    const lr_matrix X = lr_matrix_f64(d->X, d->n, d->p);
    lr_params par = lr_params_default();
    double ok[2] = {0.1, 1.0}, neg[2] = {0.1, -1.0}, nan2[2] = {NAN, 1.0};
    double fm[20];
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 5, neg, 2, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 5, nan2, 2, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 5, ok, 0, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 1, ok, 2, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 51, ok, 2, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, NULL, NULL, 5, ok, 2, &par, fm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 5, ok, 2, &par, NULL), LR_EINVAL);
    lr_matrix S = X;
    S.rows = 25;
    S.stride = 6; /* strided rows: refused like training's passes */
    ck_assert_int_eq(lr_cv_exact(S, d->y, NULL, 5, ok, 2, &par, fm), LR_EINVAL);
    size_t perm[50];
    for (size_t i = 0; i < 50; i++)
        perm[i] = i;
    perm[7] = 3; /* 3 twice, 7 never */
    ck_assert_int_eq(lr_cv_exact(X, d->y, perm, 5, ok, 2, &par, fm), LR_EINVAL);
    perm[7] = 50; /* out of range */
    ck_assert_int_eq(lr_cv_stream(X, d->y, perm, 5, ok, 2, &par, fm, NULL), LR_EINVAL);
    lr_params bad = par;
    bad.lr = -3.0;
    ck_assert_int_eq(lr_cv_exact(X, d->y, NULL, 5, ok, 2, &bad, fm), LR_EINVAL);
    /* above LR_GRAM_MAX_P features */
    double *W = calloc(2 * (LR_GRAM_MAX_P + 1), sizeof *W), y2[2] = {1, 2};
    ck_assert_ptr_nonnull(W);
    ck_assert_int_eq(lr_cv_exact(lr_matrix_f64(W, 2, LR_GRAM_MAX_P + 1), y2, NULL, 2,
                                 ok, 2, &par, fm), LR_EINVAL);
    free(W);
    ck_assert_int_eq(lr_cv_permutation(50, 0x100000000ULL, perm), LR_EINVAL);
    ck_assert_int_eq(lr_cv_permutation(50, 1, NULL), LR_EINVAL);
    lr_data_free(d);
}
END_TEST

Suite *suite_cv(void)
{
    Suite *s = suite_create("cv");
    TCase *tc = tcase_create("cv");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_cv_folds);
    tcase_add_test(tc, test_cv_sklearn_fixtures);
    tcase_add_test(tc, test_cv_folds_match_solve);
    tcase_add_test(tc, test_cv_threads_bitwise);
    tcase_add_test(tc, test_cv_summary_1se);
    tcase_add_test(tc, test_cv_logspace);
    tcase_add_test(tc, test_cv_stream_matches_exact);
    tcase_add_test(tc, test_gd_init_from);
    tcase_add_test(tc, test_cv_errors);
    suite_add_tcase(s, tc);
    return s;
}
