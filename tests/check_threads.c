/* check_threads.c -- thread-count invariance: --deterministic gives the
 * same bits for 1, 2, 3, 4 and 8 threads (identity 1 thread vs N); the
 * reduction-clause path agrees to rounding. More threads than cores is
 * fine here: this is correctness, not speed. */
#include <limits.h>
#include <math.h>
#include <stdio.h>

#include <omp.h>

#include "check_common.h"
#include "lr_internal.h"

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
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, res), LR_SUCCESS);
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
START_TEST(test_det_heap) { check_det(1100, 600); } /* 9 blocks of 128 rows */
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

/* lr_spin_parse reads OMP_WAIT_POLICY and GOMP_SPINCOUNT as libgomp does
 * (libgomp/env.c: parse_wait_policy, parse_spincount). */
START_TEST(test_spin_parse)
{
    ck_assert(lr_spin_parse(NULL, NULL) == 300000ULL);
    ck_assert(lr_spin_parse("", "") == 300000ULL);
    ck_assert(lr_spin_parse("ACTIVE", NULL) == ULLONG_MAX);
    ck_assert(lr_spin_parse("passive", "5000") == 0); /* the policy first */
    ck_assert(lr_spin_parse("sideways", "5000") == 5000ULL);
    ck_assert(lr_spin_parse(NULL, "437") == 437ULL);
    ck_assert(lr_spin_parse(NULL, " 12k ") == 12000ULL);
    ck_assert(lr_spin_parse(NULL, "3M") == 3000000ULL);
    ck_assert(lr_spin_parse(NULL, "2g") == 2000000000ULL);
    ck_assert(lr_spin_parse(NULL, "1T") == 1000000000000ULL);
    ck_assert(lr_spin_parse(NULL, "infinite") == ULLONG_MAX);
    ck_assert(lr_spin_parse(NULL, "Infinity") == ULLONG_MAX);
    ck_assert(lr_spin_parse(NULL, "0") == 0);
    ck_assert(lr_spin_parse(NULL, "99999999999T") == ULLONG_MAX); /* saturates */
    /* malformed: ignored, as libgomp ignores it */
    ck_assert(lr_spin_parse(NULL, "-5") == 300000ULL);
    ck_assert(lr_spin_parse(NULL, "12q") == 300000ULL);
    ck_assert(lr_spin_parse(NULL, "lots") == 300000ULL);
}
END_TEST

/* The team barrier of the training loop (barrier.c). Each round every
 * thread writes its slot, waits, reads every slot (each must hold this
 * round), and waits again before the next round overwrites them: a
 * barrier that let a thread through early, or lost a wake-up (the test
 * would then hang until Check's timeout), fails. Teams of 2, 3 and 5
 * (more than this machine's cores: waiters must yield them), with no spin
 * (every wait sleeps on the futex), a short spin (both ways mixed) and a
 * long one (about 0.5 ms: the waits spin). */
START_TEST(test_barrier)
{
    enum { MAXT = 5 };
    /* under valgrind every wait is a switch of its serialised threads:
     * fewer rounds (the CLI tells valgrind the same way) */
    const char *pre = getenv("LD_PRELOAD");
    const long ROUNDS = pre && strstr(pre, "vgpreload") ? 100 : 3000;
    const int teams[] = {2, 3, 5};
    const unsigned long long spins[] = {0, 40, 20000};
    for (int a = 0; a < 3; a++)
        for (int c = 0; c < 3; c++) {
            const int nt = teams[a];
            lr_barrier bar;
            lr_barrier_init(&bar, nt);
            bar.spins = spins[c];
            volatile long slot[MAXT * 16];
            long bad = 0, seen = 0;
#pragma omp parallel num_threads(nt) reduction(+: bad, seen)
            {
                const int t = omp_get_thread_num(), size = omp_get_num_threads();
                for (long r = 1; r <= ROUNDS; r++) {
                    slot[t * 16] = r;
                    lr_barrier_wait(&bar, size);
                    for (int u = 0; u < size; u++) {
                        bad += slot[u * 16] != r;
                        seen++;
                    }
                    lr_barrier_wait(&bar, size);
                }
            }
            ck_assert_msg(bad == 0, "team %d, spin %llu: %ld of %ld slots read "
                          "early or late", nt, spins[c], bad, seen);
            ck_assert_int_eq(atomic_load(&bar.sleepers), 0);
            ck_assert_uint_eq(atomic_load(&bar.count), 0);
        }
}
END_TEST

/* Fits from the caller's own parallel region (a program running fits on
 * its threads): each gives the bits of the same fit made alone. The
 * shapes take every kind of pass: the small problems' serial one
 * (500 x 4), the reduction clause (9000 x 9), the heap rows (70 x 600)
 * and the deterministic blocks; fits of 1 thread (the serial path, whose
 * worksharing once bound to the caller's team and hung) and of 2 (a
 * nested region, of one thread unless nesting is on). */
START_TEST(test_fits_in_caller_team)
{
    static const size_t shapes[][2] = {{500, 4}, {9000, 9}, {70, 600}};
    for (int k = 0; k < 3; k++)
        for (int det = 0; det <= 1; det++)
            for (int threads = 1; threads <= 2; threads++) {
                const size_t n = shapes[k][0], p = shapes[k][1];
                lr_data *d = fast_data(n, p, 24 + (uint64_t)k);
                lr_params par = lr_params_default();
                par.lr = LR_LR_AUTO; /* 1/L: stable at every shape */
                par.max_iter = 60;
                par.deterministic = det;
                par.init_seed = 3;
                par.threads = 1;
                lr_model *m1 = lr_model_alloc(p);
                lr_result r1;
                ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par,
                                        m1, &r1), LR_SUCCESS);
                par.threads = threads;
                int bad = 0;
#pragma omp parallel num_threads(3) reduction(+: bad)
                {
                    lr_model *m = lr_model_alloc(p);
                    lr_result r;
                    const int st = lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par,
                                          m, &r);
                    const double b = lr_model_bias(m), b1 = lr_model_bias(m1);
                    bad += st != LR_SUCCESS;
                    /* --deterministic: the same bits at any team; the
                     * clause path, to rounding where the team has more
                     * than one thread (nesting on) */
                    if (det || threads == 1)
                        bad += memcmp(lr_model_weights(m), lr_model_weights(m1),
                                      p * sizeof(double)) != 0
                               || memcmp(&b, &b1, sizeof b) != 0;
                    else {
                        for (size_t j = 0; j < p; j++)
                            bad += !(rel_err(lr_model_weights(m)[j],
                                             lr_model_weights(m1)[j]) <= 1e-12);
                        bad += !(rel_err(b, b1) <= 1e-12);
                    }
                    lr_model_free(m);
                }
                ck_assert_msg(bad == 0, "%zu x %zu det=%d threads=%d: %d "
                              "values of 3 fits in the caller's team differ",
                              n, p, det, threads, bad);
                lr_model_free(m1);
                lr_data_free(d);
            }
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
    tcase_add_test(tc, test_spin_parse);
    tcase_add_test(tc, test_barrier);
    tcase_add_test(tc, test_fits_in_caller_team);
    suite_add_tcase(s, tc);
    return s;
}

static void fit_solver(const lr_data *d, const float *Xf, int solver, int threads,
                       lr_model *m)
{
    lr_params par = lr_params_default();
    par.lr = 0.3;
    par.max_iter = 400;
    par.threads = threads;
    par.solver = solver;
    par.init_seed = 8;
    int st = Xf ? lr_fit(lr_matrix_f32(Xf, d->n, d->p), d->y, &par, m, NULL)
                : lr_fit(lr_matrix_f64(d->X, d->n, d->p), d->y, &par, m, NULL);
    ck_assert_int_eq(st, LR_SUCCESS);
}

/* The gram solver gives the streaming iterates up to rounding: after 400
 * contractive steps the weights agree to 1e-9 relative (rounding in the
 * Gram sums is ~1e-14; the iteration does not amplify it). Both Gram
 * reduction paths: the clause (p = 12) and heap partials (p = 200). */
static void check_gram(size_t n, size_t p, int threads)
{
    lr_data *d = fast_data(n, p, 31);
    lr_model *ms = lr_model_alloc(p), *mg = lr_model_alloc(p);
    fit_solver(d, NULL, LR_SOLVER_STREAM, threads, ms);
    fit_solver(d, NULL, LR_SOLVER_GRAM, threads, mg);
    for (size_t j = 0; j < p; j++)
        ck_assert_msg(rel_err(lr_model_weights(mg)[j], lr_model_weights(ms)[j])
                      < 1e-9, "p=%zu w[%zu]: gram %.17g stream %.17g", p, j,
                      lr_model_weights(mg)[j], lr_model_weights(ms)[j]);
    ck_assert_double_le(fabs(lr_model_bias(mg) - lr_model_bias(ms)),
                        1e-9 * fmax(1.0, fabs(lr_model_bias(ms))));
    lr_model_free(ms);
    lr_model_free(mg);
    lr_data_free(d);
}

START_TEST(test_gram_clause) { check_gram(20000, 12, 2); }
END_TEST
START_TEST(test_gram_heap) { check_gram(3000, 200, 3); }
END_TEST
START_TEST(test_gram_serial) { check_gram(500, 5, 1); }
END_TEST

/* X in single precision: the model is the double model of X rounded to
 * float, so it differs from the double-X model by about the relative
 * rounding of X (6e-8) times the conditioning: 1e-5 relative is a loose
 * bound. The deterministic float path is thread-invariant to the bit. */
START_TEST(test_f32)
{
    const size_t n = 40000, p = 9;
    lr_data *d = fast_data(n, p, 32);
    float *Xf = malloc(n * p * sizeof *Xf);
    for (size_t k = 0; k < n * p; k++)
        Xf[k] = (float)d->X[k];
    lr_model *md = lr_model_alloc(p), *mf = lr_model_alloc(p), *m3 = lr_model_alloc(p);
    fit_solver(d, NULL, LR_SOLVER_STREAM, 1, md);
    fit_solver(d, Xf, LR_SOLVER_STREAM, 2, mf);
    for (size_t j = 0; j < p; j++)
        ck_assert_double_le(rel_err(lr_model_weights(mf)[j], lr_model_weights(md)[j]),
                            1e-5);
    /* float through the gram solver agrees with float streaming */
    fit_solver(d, Xf, LR_SOLVER_GRAM, 2, m3);
    for (size_t j = 0; j < p; j++)
        ck_assert_double_le(rel_err(lr_model_weights(m3)[j], lr_model_weights(mf)[j]),
                            1e-9);
    lr_params par = lr_params_default();
    par.deterministic = 1;
    par.max_iter = 50;
    par.lr = 0.2;
    par.threads = 1;
    ck_assert_int_eq(lr_fit(lr_matrix_f32(Xf, n, p), d->y, &par, mf, NULL), LR_SUCCESS);
    par.threads = 3;
    ck_assert_int_eq(lr_fit(lr_matrix_f32(Xf, n, p), d->y, &par, m3, NULL), LR_SUCCESS);
    ck_assert(memcmp(lr_model_weights(mf), lr_model_weights(m3), p * sizeof(double)) == 0);
    /* p above the gram limit is refused */
    par.solver = LR_SOLVER_GRAM;
    lr_gd *none;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f32(Xf, 1, LR_GRAM_MAX_P + 1), d->y, &par,
                                 &none), LR_EINVAL);
    ck_assert_ptr_null(none);
    free(Xf);
    lr_model_free(md);
    lr_model_free(mf);
    lr_model_free(m3);
    lr_data_free(d);
}
END_TEST

Suite *suite_solvers(void)
{
    Suite *s = suite_create("solvers");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gram_clause);
    tcase_add_test(tc, test_gram_heap);
    tcase_add_test(tc, test_gram_serial);
    tcase_add_test(tc, test_f32);
    suite_add_tcase(s, tc);
    return s;
}
