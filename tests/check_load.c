/* check_load.c -- lr_params.adapt_threads: the team follows the load
 * samples (injected by LINREG_TEST_LOAD: the others' runnable tasks, one a
 * pass, 4 to a decision), the deterministic mode keeps its bits across team
 * changes (identity: 1 thread), and the cases that must not adapt do not.
 * Each test sets the hook in its own (forked) process and clears it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_common.h"
#include "linreg_dist.h"

enum { N = 20000, P = 6, ITERS = 40 };

/* A fit of N x P with `threads` threads; weights and bias into w (P + 1),
 * the team's range into the rest. */
static void run_fit(const lr_data *d, int threads, int adapt, int det,
                    double *w, int *tmin, int *tmax, size_t *sw)
{
    lr_params par = lr_params_default();
    par.lr = 0.05;
    par.max_iter = ITERS;
    par.threads = threads;
    par.deterministic = det;
    par.adapt_threads = adapt;
    par.init_seed = 7;
    lr_gd *gd;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, d->n, d->p), d->y, &par,
                                 &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    /* several calls, as the command line makes: the samples carry over */
    while (lr_gd_iterate(gd, 7) == LR_CONTINUE)
        ;
    ck_assert_uint_eq(lr_gd_iter(gd), ITERS);
    memcpy(w, lr_gd_weights(gd), P * sizeof *w);
    w[P] = lr_gd_bias(gd);
    lr_gd_thread_range(gd, tmin, tmax, sw);
    lr_gd_free(gd);
}

/* Two loaded windows, two free: 1 thread, then 3 again; twice. Identity:
 * the deterministic weights of 1 thread, to the bit. */
START_TEST(test_det_across_changes)
{
    lr_data *d = gen_fast_data(N, P, 31, 2.5, 1.25);
    double w1[P + 1], wa[P + 1];
    int lo, hi;
    size_t sw;
    run_fit(d, 1, 0, 1, w1, &lo, &hi, &sw);
    ck_assert(lo == 1 && hi == 1 && sw == 0);
    setenv("LINREG_TEST_LOAD", "99,99,99,99,0,0,0,0,99,99,99,99,0", 1);
    run_fit(d, 3, 1, 1, wa, &lo, &hi, &sw);
    unsetenv("LINREG_TEST_LOAD");
    ck_assert_int_eq(lo, 1);
    ck_assert_int_eq(hi, 3);
    ck_assert_uint_eq(sw, 4);
    /* bits: the same fixed blocks in the same order at any team size */
    ck_assert_mem_eq(w1, wa, sizeof w1);
    lr_data_free(d);
}
END_TEST

/* A partial load: on 3 threads with 2 cores' worth of others on a machine
 * of c cores, c - 2 free: the team shrinks to max(1, c - 2) when that is
 * below 3 (checked by the rule's own arithmetic, not by the code). */
START_TEST(test_partial_shrink)
{
    lr_data *d = gen_fast_data(N, P, 32, 2.5, 1.25);
    double w[P + 1];
    int lo, hi;
    size_t sw;
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    /* others = c - 2: 2 cores free, so 2 threads of 3 */
    char hook[32];
    snprintf(hook, sizeof hook, "%ld", c >= 2 ? c - 2 : 0);
    setenv("LINREG_TEST_LOAD", hook, 1);
    run_fit(d, 3, 1, 0, w, &lo, &hi, &sw);
    unsetenv("LINREG_TEST_LOAD");
    int want = c >= 2 ? 2 : 1;
    ck_assert_int_eq(lo, want);
    ck_assert_int_eq(hi, 3);
    ck_assert_uint_eq(sw, 1);
    lr_data_free(d);
}
END_TEST

static int sum_id(double *buf, size_t count, void *ctx)
{
    (void)buf;
    (void)count;
    (void)ctx;
    return 0;
}

static int gather_copy(const double *local, size_t count, double *all,
                       void *ctx)
{
    (void)ctx;
    memcpy(all, local, count * sizeof *all);
    return 0;
}

/* No adaptation: without the flag, on one thread, or distributed (whose
 * processes wait for each other at every pass anyway). */
START_TEST(test_off)
{
    lr_data *d = gen_fast_data(N, P, 33, 2.5, 1.25);
    double w[P + 1];
    int lo, hi;
    size_t sw;
    setenv("LINREG_TEST_LOAD", "99", 1);
    run_fit(d, 2, 0, 0, w, &lo, &hi, &sw);
    ck_assert(lo == 2 && hi == 2 && sw == 0);
    run_fit(d, 1, 1, 0, w, &lo, &hi, &sw);
    ck_assert(lo == 1 && hi == 1 && sw == 0);
    lr_params par = lr_params_default();
    par.max_iter = ITERS;
    par.threads = 2;
    par.adapt_threads = 1;
    lr_dist dist = {N, 0, sum_id, gather_copy, 0, NULL};
    lr_gd *gd;
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, N, P), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_iterate(gd, ITERS), LR_SUCCESS);
    lr_gd_thread_range(gd, &lo, &hi, &sw);
    ck_assert(lo == 2 && hi == 2 && sw == 0);
    lr_gd_free(gd);
    unsetenv("LINREG_TEST_LOAD");
    lr_data_free(d);
}
END_TEST

START_TEST(test_params)
{
    lr_params par = lr_params_default();
    const char *field = NULL;
    ck_assert_int_eq(par.adapt_threads, 0);
    par.adapt_threads = 2;
    ck_assert_int_eq(lr_params_check(&par, &field), LR_EINVAL);
    ck_assert_str_eq(field, "adapt_threads");
}
END_TEST

Suite *suite_load(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_det_across_changes);
    tcase_add_test(tc, test_partial_shrink);
    tcase_add_test(tc, test_off);
    tcase_add_test(tc, test_params);
    suite_add_tcase(s, tc);
    return s;
}
