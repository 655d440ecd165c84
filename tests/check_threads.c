/* check_threads.c -- thread-count invariance: --deterministic gives the
 * same bits for 1, 2, 3, 4 and 8 threads (identity 1 thread vs N); the
 * reduction-clause path agrees to rounding. More threads than cores is
 * fine here: this is correctness, not speed. */
#include <math.h>
#include <stdio.h>

#include "check_common.h"

static lr_data *fast_data(size_t n, size_t p, uint64_t seed)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.n_informative = p;
    gp.noise = 1.5;
    gp.seed = seed;
    gp.generator = LR_GEN_FAST;
    lr_data *d = lr_data_alloc(n, p);
    double *c = malloc(p * sizeof *c);
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, c), LR_SUCCESS);
    free(c);
    return d;
}

static void fit(const lr_data *d, int threads, int det, lr_model *m,
                lr_result *res)
{
    lr_params par = lr_params_default();
    par.lr = 0.2;
    par.max_iter = 60;
    par.threads = threads;
    par.deterministic = det;
    par.init_seed = 3;
    ck_assert_int_eq(lr_fit(d->X, d->y, d->n, d->p, &par, m, res), LR_SUCCESS);
}

static void check_det(size_t n, size_t p)
{
    lr_data *d = fast_data(n, p, 21);
    lr_model *m1 = lr_model_alloc(p), *m = lr_model_alloc(p);
    lr_result r1, r;
    fit(d, 1, 1, m1, &r1);
    const int ts[] = {2, 3, 4, 8};
    for (int k = 0; k < 4; k++) {
        fit(d, ts[k], 1, m, &r);
        ck_assert_msg(memcmp(lr_model_weights(m), lr_model_weights(m1),
                             p * sizeof(double)) == 0,
                      "n=%zu p=%zu: weights differ at %d threads", n, p, ts[k]);
        double b = lr_model_bias(m), b1 = lr_model_bias(m1);
        ck_assert(memcmp(&b, &b1, sizeof b) == 0);
        ck_assert(memcmp(&r.final_mse, &r1.final_mse, sizeof b) == 0);
        ck_assert_int_eq(r.threads, ts[k]); /* really ran in parallel */
    }
    lr_model_free(m1);
    lr_model_free(m);
    lr_data_free(d);
}

START_TEST(test_det_p1) { check_det(200000, 1); }
END_TEST
START_TEST(test_det_p16) { check_det(30000, 16); }
END_TEST
START_TEST(test_det_heap) { check_det(600, 600); }
END_TEST

/* The reduction clause sums in an unspecified order: weights agree with
 * the deterministic ones to 1e-12 relative (60 contractive steps amplify
 * nothing), though not necessarily to the bit. */
START_TEST(test_clause_close)
{
    const size_t n = 50000, p = 8;
    lr_data *d = fast_data(n, p, 22);
    lr_model *md = lr_model_alloc(p), *m = lr_model_alloc(p);
    lr_result r;
    fit(d, 1, 1, md, &r);
    for (int t = 1; t <= 4; t++) {
        fit(d, t, 0, m, &r);
        for (size_t j = 0; j < p; j++)
            ck_assert_double_le(rel_err(lr_model_weights(m)[j],
                                        lr_model_weights(md)[j]), 1e-12);
    }
    lr_model_free(md);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* Small problems take the serial path whatever threads are asked for. */
START_TEST(test_small_serial)
{
    lr_data *d = fast_data(500, 1, 23);
    lr_model *m = lr_model_alloc(1);
    lr_result r;
    fit(d, 8, 0, m, &r);
    ck_assert_int_eq(r.threads, 1);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

Suite *suite_threads(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_det_p1);
    tcase_add_test(tc, test_det_p16);
    tcase_add_test(tc, test_det_heap);
    tcase_add_test(tc, test_clause_close);
    tcase_add_test(tc, test_small_serial);
    suite_add_tcase(s, tc);
    return s;
}
