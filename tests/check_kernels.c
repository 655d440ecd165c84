/* check_kernels.c -- the row kernels on every instruction set this CPU
 * runs (baseline, AVX2, AVX-512: lr_kernel_isa_set), at every width from
 * 1 to 40 and at wide rows: the gradient against the serial reference
 * lr_gradient (metrics.c, a plain loop), the same bits on every
 * instruction set and thread count with --deterministic, float X giving
 * the bits of double X holding the same values, and the default thread
 * count. A path the CPU lacks is skipped and said so on stderr. */
#include <math.h>
#include <stdio.h>

#include "check_common.h"
#include "kernel_ops.h"
#include "lr_internal.h"

/* Rows for width p: at least 32768 elements (the parallel path, not the
 * small problems' double-double one), and a count that leaves a partial last
 * block and chunk (odd, not a multiple of 4 or 8). */
static size_t krows(size_t p)
{
    size_t n = 40000 / p + 37;
    return n | 1;
}

/* The gradient at the tutorial's initial weights (seed 55), bias 0.3, on
 * instruction set `isa`, threads t. */
static void kgrad(const lr_data *d, const float *Xf, const char *isa, int t,
                  int det, double *g, double *gb, double *mse)
{
    ck_assert_int_eq(lr_kernel_isa_set(isa), LR_SUCCESS);
    ck_assert_str_eq(lr_kernel_isa_name(), isa);
    lr_params par = lr_params_default();
    par.init_seed = 55;
    par.threads = t;
    par.deterministic = det;
    lr_gd *gd = ck_gd_alloc(lr_matrix_of(Xf ? NULL : d->X, Xf, d->n, d->p), d->y,
                            &par);
    ck_assert_ptr_nonnull(gd);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    memcpy(g, lr_gd_gradient(gd), d->p * sizeof *g);
    *gb = lr_gd_bias_gradient(gd);
    *mse = lr_gd_mse(gd);
    lr_gd_free(gd);
}

/* Every instruction set, 1 and 2 threads, clause and deterministic, double
 * and float X: the gradient within 1e-10 of the largest component of the
 * serial reference (sums of ~1e4 terms in another order lose ~1e-12), and
 * with --deterministic the same bits as the baseline at 1 thread. */
static void check_width(size_t p)
{
    const size_t n = krows(p);
    lr_data *d = gen_fast_data(n, p, 1000 + p, 2.25, -1.375);
    float *Xf = malloc(n * p * sizeof *Xf);
    lr_data *dw = lr_data_alloc(n, p); /* the float values, widened */
    for (size_t i = 0; i < n * p; i++) {
        Xf[i] = (float)d->X[i];
        dw->X[i] = (double)Xf[i];
    }
    memcpy(dw->y, d->y, n * sizeof *d->y);
    double *w = malloc(p * sizeof *w), *gref = malloc(p * sizeof *gref);
    double *g = malloc(p * sizeof *g), *g0 = malloc(p * sizeof *g0);
    ck_assert_int_eq(lr_numpy_rand(55, p, w), LR_SUCCESS);
    for (int prec = 0; prec < 2; prec++) {
        const lr_data *ref = prec ? dw : d;
        double gbref, mseref, gb0 = 0, mse0 = 0;
        lr_gradient(lr_matrix_f64(ref->X, n, p), ref->y, w, 0.0, gref, &gbref, &mseref);
        double scale = fabs(gbref);
        for (size_t j = 0; j < p; j++)
            scale = fmax(scale, fabs(gref[j]));
        for (int k = 0; k < CK_NISA; k++) {
            if (lr_kernel_isa_available(ck_isa(k)) != 1) {
                fprintf(stderr, "check_kernels: this CPU lacks %s: not tested\n",
                        ck_isa(k));
                continue;
            }
            for (int det = 0; det <= 1; det++) {
                for (int t = 1; t <= 2; t++) {
                    double gb, mse;
                    kgrad(d, prec ? Xf : NULL, ck_isa(k), t, det, g, &gb, &mse);
                    for (size_t j = 0; j < p; j++)
                        ck_assert_msg(fabs(g[j] - gref[j]) <= 1e-10 * scale,
                                      "p=%zu %s %s det=%d t=%d: g[%zu] %.17g, "
                                      "reference %.17g", p, prec ? "float" : "double",
                                      ck_isa(k), det, t, j, g[j], gref[j]);
                    ck_assert_double_le(fabs(gb - gbref), 1e-10 * scale);
                    ck_assert_double_le(rel_err(mse, mseref), 1e-10);
                    if (!det)
                        continue;
                    if (k == 0 && t == 1) {
                        memcpy(g0, g, p * sizeof *g);
                        gb0 = gb;
                        mse0 = mse;
                        continue;
                    }
                    ck_assert_msg(memcmp(g, g0, p * sizeof *g) == 0 && gb == gb0
                                  && mse == mse0,
                                  "p=%zu %s: %s at %d threads differs from "
                                  "baseline at 1", p, prec ? "float" : "double",
                                  ck_isa(k), t);
                }
            }
        }
        if (prec == 0)
            continue;
        /* float X: the bits of double X holding the same values */
        double gb, mse, gbd, msed;
        kgrad(d, Xf, "baseline", 2, 1, g0, &gb, &mse);
        kgrad(dw, NULL, "baseline", 2, 1, g, &gbd, &msed);
        ck_assert_msg(memcmp(g, g0, p * sizeof *g) == 0 && gb == gbd && mse == msed,
                      "p=%zu: float X and its double copy differ", p);
    }
    free(w);
    free(gref);
    free(g);
    free(g0);
    free(Xf);
    lr_data_free(dw);
    lr_data_free(d);
}

START_TEST(test_widths)
{
    /* _i: 1..40, every compile-time width and the first generic ones */
    check_width((size_t)_i);
}
END_TEST

/* generic widths with 8, 4, 2 and 1 rows a block; float on AVX-512
 * widens a block's rows once up to p = 1024 (one row a block from 769),
 * or from p = 257 each element twice where lr_kf32_l1 says so; float past
 * 1024 and double past 1536 take the pipelined pass (rows_pipe), or
 * double past 1024 blocks of four rows where lr_kdbl_blk4 says so; the
 * pipelined pass's tails after the last sixteen columns are p mod 16 =
 * 1 and 2 (a part of one or two only), 5 (a group of four and a part), 8
 * (two groups: float on AVX-512 one whole vector of eight), 12 (three
 * groups), 13 and 15 (three and a part of one or three) here */
static const size_t wide_ps[] = {50, 64, 100, 256, 257, 512, 513, 768, 769,
                                 1000, 1024, 1025, 1100, 1536, 1537, 1538,
                                 1541, 1544, 1548, 1549, 1551, 2049};

START_TEST(test_wide_rows)
{
    /* both ways of float rows on AVX-512 from p = 257 to 1024 and of
     * double rows past 1024, whatever this CPU's vendor (kernel_ops.h:
     * lr_kf32_l1 and lr_kdbl_blk4, set by the hooks at each
     * lr_kernel_isa_set); other widths run the same code either way */
    const size_t p = wide_ps[_i];
    const int ways = (p >= LR_F32_L1_MIN && p <= LR_F32_L1_MAX)
                     || p > LR_DBL_BLK4_MIN ? 2 : 1;
    for (int on = 0; on < ways; on++) {
        ck_assert_int_eq(setenv("LINREG_F32_L1", on ? "1" : "0", 1), 0);
        ck_assert_int_eq(setenv("LINREG_DBL_BLK4", on ? "1" : "0", 1), 0);
        check_width(p);
        ck_assert_int_eq(__atomic_load_n(&lr_kf32_l1, __ATOMIC_RELAXED), on);
        ck_assert_int_eq(__atomic_load_n(&lr_kdbl_blk4, __ATOMIC_RELAXED), on);
    }
    ck_assert_int_eq(unsetenv("LINREG_F32_L1"), 0);
    ck_assert_int_eq(unsetenv("LINREG_DBL_BLK4"), 0);
}
END_TEST

/* Whole fits: 40 iterations with --deterministic give the same weights,
 * bias and MSE, to the bit, on every instruction set and at 1 and 3
 * threads. */
START_TEST(test_fit_bits)
{
    const size_t ps[] = {3, 16, 24, 200};
    const size_t p = ps[_i], n = krows(p);
    lr_data *d = gen_fast_data(n, p, 77, 2.25, -1.375);
    lr_model *m0 = lr_model_alloc(p), *m = lr_model_alloc(p);
    lr_result r0, r;
    for (int k = 0; k < CK_NISA; k++) {
        if (lr_kernel_isa_available(ck_isa(k)) != 1)
            continue;
        for (int t = 1; t <= 3; t += 2) {
            ck_assert_int_eq(lr_kernel_isa_set(ck_isa(k)), LR_SUCCESS);
            lr_params par = lr_params_default();
            par.lr = 0.1;
            par.max_iter = 40;
            par.threads = t;
            par.deterministic = 1;
            par.init_seed = 9;
            lr_model *into = k == 0 && t == 1 ? m0 : m;
            lr_result *res = k == 0 && t == 1 ? &r0 : &r;
            ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, into, res), LR_SUCCESS);
            if (into == m0)
                continue;
            double b = lr_model_bias(m), b0 = lr_model_bias(m0);
            ck_assert_msg(memcmp(lr_model_weights(m), lr_model_weights(m0),
                                 p * sizeof(double)) == 0
                          && memcmp(&b, &b0, sizeof b) == 0
                          && memcmp(&r.final_mse, &r0.final_mse, sizeof b) == 0,
                          "p=%zu: %s at %d threads differs from baseline", p,
                          ck_isa(k), t);
        }
    }
    lr_model_free(m0);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

START_TEST(test_isa_names)
{
    const char *def = lr_kernel_isa_name();
    ck_assert(strcmp(def, "baseline") == 0 || strcmp(def, "avx2") == 0
              || strcmp(def, "avx512") == 0);
    ck_assert_int_eq(lr_kernel_isa_available(def), 1);
    ck_assert_int_eq(lr_kernel_isa_available("baseline"), 1);
    ck_assert_int_eq(lr_kernel_isa_available("sse9"), -1);
    ck_assert_int_eq(lr_kernel_isa_available(NULL), -1);
    ck_assert_int_eq(lr_kernel_isa_set("AVX2"), LR_EINVAL); /* names are exact */
    ck_assert_int_eq(lr_kernel_isa_set("sse9"), LR_EINVAL);
    ck_assert_str_eq(lr_kernel_isa_name(), def); /* unchanged by a refusal */
    ck_assert_int_eq(lr_kernel_isa_set("baseline"), LR_SUCCESS);
    ck_assert_str_eq(lr_kernel_isa_name(), "baseline");
    ck_assert_int_eq(lr_kernel_isa_set(""), LR_SUCCESS); /* back to the widest */
    ck_assert_str_eq(lr_kernel_isa_name(), def);
}
END_TEST

/* lr_kernel_symv against the loop along each row it replaces (s_j =
 * 0.0 + G_j0 x_0 + G_j1 x_1 + ... in that order): the same bits on every
 * instruction set this CPU runs, at sizes around its four-column sweeps
 * and vector widths, with values spread over many binades so that any
 * other order of the additions would show. */
static double ck_unif(uint64_t *st) /* splitmix64, [0, 1) */
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

START_TEST(test_symv_bits)
{
    const size_t ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 257};
    for (size_t q = 0; q < sizeof ms / sizeof *ms; q++) {
        const size_t m = ms[q];
        double *G = malloc(m * m * sizeof *G), *x = malloc(m * sizeof *x);
        double *s = malloc(m * sizeof *s), *ref = malloc(m * sizeof *ref);
        uint64_t st = 77 + m;
        for (size_t j = 0; j < m; j++) {
            x[j] = ldexp(ck_unif(&st) - 0.5, (int)(j % 23) - 11);
            for (size_t k = 0; k <= j; k++)
                G[j * m + k] = G[k * m + j] = ldexp(ck_unif(&st) - 0.3, (int)((j + k) % 31) - 15);
        }
        for (size_t j = 0; j < m; j++) {
            double t = 0.0;
            for (size_t k = 0; k < m; k++)
                t += G[j * m + k] * x[k];
            ref[j] = t;
        }
        for (int k = 0; k < CK_NISA; k++) {
            if (lr_kernel_isa_available(ck_isa(k)) != 1)
                continue;
            ck_assert_int_eq(lr_kernel_isa_set(ck_isa(k)), LR_SUCCESS);
            memset(s, 0xff, m * sizeof *s);
            lr_kernel_symv(G, m, x, s);
            for (size_t j = 0; j < m; j++)
                ck_assert_msg(memcmp(&s[j], &ref[j], sizeof *s) == 0,
                              "m=%zu %s: s[%zu] %.17g, row loop %.17g", m,
                              ck_isa(k), j, s[j], ref[j]);
        }
        ck_assert_int_eq(lr_kernel_isa_set(""), LR_SUCCESS);
        free(G);
        free(x);
        free(s);
        free(ref);
    }
}
END_TEST

/* Small problems (n p < 32768, 2 <= p <= 64: the serial path's
 * double-double pass) on ill-conditioned data: x_ij = 1000 + u (float
 * values), y_i = x_i.w rounded, plus e_i of 1e-7 to 1e-6, so that the
 * residuals at the initial weights are 1e9 times smaller than x_i.w.
 * Reference: the same sums in binary128 (__float128, GCC's software
 * arithmetic, 113-bit significands) from the same double inputs. The
 * gradient within 1e-12 of each component (the x87 long double pass this
 * replaced missed by 1e-10 to 1e-9; plain double loses about 1e-5 of a
 * residual here), the bias gradient and the mse too; every instruction set, both modes and 1 and 2 threads give the
 * same bits, and float X the bits of double X. */
__extension__ typedef __float128 ck_q;
static const size_t small_ps[] = {2, 3, 5, 9, 17, 33, 64};
START_TEST(test_small_precise)
{
    const size_t p = small_ps[_i], n = (32767 / p - 3) | 1;
    lr_data *d = lr_data_alloc(n, p);
    float *Xf = malloc(n * p * sizeof *Xf);
    double *w = malloc(p * sizeof *w), *g = malloc(p * sizeof *g);
    double *g0 = malloc(p * sizeof *g0), *gref = malloc(p * sizeof *gref);
    ck_q *gq = calloc(p, sizeof *gq);
    ck_assert_ptr_nonnull(gq);
    ck_assert_int_eq(lr_numpy_rand(55, p, w), LR_SUCCESS); /* kgrad's init */
    uint64_t st = 4242 + p;
    ck_q sbq = 0, sseq = 0;
    for (size_t i = 0; i < n; i++) {
        ck_q s = 0;
        for (size_t j = 0; j < p; j++) {
            Xf[i * p + j] = (float)(1000.0 + ck_unif(&st));
            d->X[i * p + j] = (double)Xf[i * p + j];
            s += (ck_q)d->X[i * p + j] * (ck_q)w[j];
        }
        d->y[i] = (double)s + (ck_unif(&st) + 0.1) * 1e-6 * (i % 2 ? 1 : -1);
        const ck_q r = s - (ck_q)d->y[i]; /* b = 0 */
        for (size_t j = 0; j < p; j++)
            gq[j] += r * (ck_q)d->X[i * p + j];
        sbq += r;
        sseq += r * r;
    }
    for (size_t j = 0; j < p; j++)
        gref[j] = (double)(gq[j] / (ck_q)n);
    const double gbref = (double)(sbq / (ck_q)n), mseref = (double)(sseq / (ck_q)n);
    double gb0 = 0, mse0 = 0;
    int first = 1;
    for (int k = 0; k < CK_NISA; k++) {
        if (lr_kernel_isa_available(ck_isa(k)) != 1)
            continue;
        for (int prec = 0; prec < 2; prec++)
            for (int det = 0; det <= 1; det++)
                for (int t = 1; t <= 2; t++) {
                    double gb, mse;
                    kgrad(d, prec ? Xf : NULL, ck_isa(k), t, det, g, &gb, &mse);
                    for (size_t j = 0; j < p; j++)
                        ck_assert_msg(fabs(g[j] - gref[j]) <= 1e-12 * fabs(gref[j]),
                                      "p=%zu %s: g[%zu] %.17g, binary128 %.17g", p,
                                      ck_isa(k), j, g[j], gref[j]);
                    ck_assert_double_le(fabs(gb - gbref), 1e-12 * fabs(gbref));
                    ck_assert_double_le(rel_err(mse, mseref), 1e-12);
                    if (first) {
                        memcpy(g0, g, p * sizeof *g);
                        gb0 = gb;
                        mse0 = mse;
                        first = 0;
                    }
                    ck_assert_msg(memcmp(g, g0, p * sizeof *g) == 0 && gb == gb0
                                  && mse == mse0,
                                  "p=%zu: %s %s det=%d t=%d differs from the first",
                                  p, ck_isa(k), prec ? "float" : "double", det, t);
                }
    }
    lr_kernel_isa_set(NULL);
    free(gq);
    free(gref);
    free(g0);
    free(g);
    free(w);
    free(Xf);
    lr_data_free(d);
}
END_TEST

/* The clause and heap paths on a team cut the rows into units of
 * near-equal size, a multiple of the team (kernels.c: pass_team): team
 * sizes that do not divide the chunks, and units of no rows at all where
 * the team outnumbers the rows (7 x 5000 on 8 threads). Each gradient
 * within 1e-10 of the largest component of the serial reference, double
 * and float X, on the widest instruction set. */
static const size_t unit_shapes[][2] = {{7281, 9}, {3641, 9}, {33001, 1},
                                        {60, 600}, {7, 5000}, {40, 1000}};

START_TEST(test_units)
{
    const size_t n = unit_shapes[_i][0], p = unit_shapes[_i][1];
    lr_data *d = gen_fast_data(n, p, 77 + p, 2.25, -1.375);
    float *Xf = malloc(n * p * sizeof *Xf);
    lr_data *dw = lr_data_alloc(n, p);
    for (size_t i = 0; i < n * p; i++) {
        Xf[i] = (float)d->X[i];
        dw->X[i] = (double)Xf[i];
    }
    memcpy(dw->y, d->y, n * sizeof *d->y);
    double *w = malloc(p * sizeof *w), *gref = malloc(p * sizeof *gref);
    double *g = malloc(p * sizeof *g);
    ck_assert_int_eq(lr_numpy_rand(55, p, w), LR_SUCCESS);
    const char *isa = NULL;
    for (int k = 0; k < CK_NISA && !isa; k++)
        if (lr_kernel_isa_available(ck_isa(k)) == 1)
            isa = ck_isa(k);
    ck_assert_ptr_nonnull(isa);
    for (int prec = 0; prec < 2; prec++) {
        const lr_data *ref = prec ? dw : d;
        double gbref, mseref;
        lr_gradient(lr_matrix_f64(ref->X, n, p), ref->y, w, 0.0, gref, &gbref,
                    &mseref);
        double scale = fabs(gbref);
        for (size_t j = 0; j < p; j++)
            scale = fmax(scale, fabs(gref[j]));
        const int ts[] = {2, 3, 4, 5, 8};
        for (int k = 0; k < 5; k++) {
            double gb, mse;
            kgrad(d, prec ? Xf : NULL, isa, ts[k], 0, g, &gb, &mse);
            for (size_t j = 0; j < p; j++)
                ck_assert_msg(fabs(g[j] - gref[j]) <= 1e-10 * scale,
                              "%zu x %zu %s t=%d: g[%zu] %.17g, reference %.17g",
                              n, p, prec ? "float" : "double", ts[k], j, g[j],
                              gref[j]);
            ck_assert_double_le(fabs(gb - gbref), 1e-10 * scale);
            ck_assert_double_le(rel_err(mse, mseref), 1e-10);
        }
    }
    ck_assert_int_eq(lr_kernel_isa_set(NULL), LR_SUCCESS);
    free(w);
    free(gref);
    free(g);
    free(Xf);
    lr_data_free(dw);
    lr_data_free(d);
}
END_TEST

/* One thread per 24576 elements, at most OpenMP's default, at least 1. */
START_TEST(test_threads_default)
{
    const int max = lr_threads_default(SIZE_MAX / 2, 2); /* overflowing n p */
    ck_assert_int_ge(max, 1);
    ck_assert_int_eq(lr_threads_default(5000, 9), 1);      /* 45000 */
    ck_assert_int_eq(lr_threads_default(49151, 1), 1);
    ck_assert_int_eq(lr_threads_default(0, 0), 1);
    ck_assert_int_eq(lr_threads_default(24576, 2), max < 2 ? max : 2);
    ck_assert_int_eq(lr_threads_default(20190, 9), max < 7 ? max : 7);
    ck_assert_int_eq(lr_threads_default(1000000, 16), max < 651 ? max : 651);
}
END_TEST

Suite *suite_kernels(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_widths, 1, 41);
    tcase_add_loop_test(tc, test_wide_rows, 0, (int)(sizeof wide_ps / sizeof *wide_ps));
    tcase_add_loop_test(tc, test_fit_bits, 0, 4);
    tcase_add_test(tc, test_isa_names);
    tcase_add_test(tc, test_threads_default);
    tcase_add_loop_test(tc, test_units, 0,
                        (int)(sizeof unit_shapes / sizeof *unit_shapes));
    tcase_add_test(tc, test_symv_bits);
    tcase_add_loop_test(tc, test_small_precise, 0,
                        (int)(sizeof small_ps / sizeof *small_ps));
    suite_add_tcase(s, tc);
    return s;
}
