/* check_gram.c -- the Gram pass (gram_blas.c, gram_kernel_t.h): exact sums
 * on data whose products and sums are exact in double, agreement with the
 * row kernel (kernels.c) to rounding and with a long-double reference to
 * a proven bound on every path, float X summed in double, the same bits
 * for any thread count with det and on every instruction set of our
 * kernel, and the thread settings of OpenMP and OpenBLAS left as they
 * were. */
#include <math.h>
#include <stdio.h>
#include <omp.h>

#include "check_common.h"
#include "gram_blas.h"

int openblas_get_num_threads(void);

/* n x p data, x_ij and y_i drawn from a fixed LCG; with `small` the values
 * are integers in [-6, 6] (every product and sum exact in double). */
static void fill(double *X, double *y, size_t n, size_t p, int small)
{
    uint64_t s = 0x2545F4914F6CDD1DULL;
    for (size_t k = 0; k < n * p + n; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = (double)(s >> 11) * 0x1.0p-53;
        const double v = small ? floor(13.0 * u) - 6.0 : 3.17 * u - 1.2 + (double)(k % 7);
        if (k < n * p)
            X[k] = v;
        else
            y[k - n * p] = v;
    }
}

/* fill's data (not small) in float Xf and the same values in double X. */
static void fill_same(double *X, float *Xf, double *y, size_t n, size_t p)
{
    fill(X, y, n, p, 0);
    for (size_t k = 0; k < n * p; k++) {
        Xf[k] = (float)X[k];
        X[k] = (double)Xf[k];
    }
}

static double *gram_of(const double *X, const float *Xf, const double *y,
                       size_t n, size_t p, int threads, int det)
{
    const size_t m = p + 1, len = m * m + m + 1;
    double *buf = malloc(len * sizeof *buf);
    lr_kernel_state ks;
    lr_kernel_setup(&ks, X, Xf, y, n, p, threads, LR_KMODE_CLAUSE);
    ck_assert_int_eq(lr_gram_sums(&ks, det, buf), LR_SUCCESS);
    return buf;
}

/* The row kernel's sums (serial), the reference of the BLAS path. */
static double *gram_own(const double *X, const float *Xf, const double *y,
                        size_t n, size_t p)
{
    const size_t m = p + 1, len = m * m + m + 1;
    double *buf = malloc(len * sizeof *buf);
    lr_kernel_state ks;
    lr_kernel_setup(&ks, X, Xf, y, n, p, 1, LR_KMODE_CLAUSE);
    lr_kernel_gram(&ks, buf, NULL, 0);
    return buf;
}

/* Integers in [-6, 6]: every product and partial sum is an integer below
 * 2^53, so any order of summation gives the exact value, computed here in
 * 64-bit integers: equality, no tolerance. n = 7001 is not a multiple of
 * the block rows, so the last block is partial. */
START_TEST(test_exact_integers)
{
    const size_t n = 7001, p = 67, m = p + 1, len = m * m + m + 1;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    long long *E = calloc(len, sizeof *E);
    fill(X, y, n, p, 1);
    /* the exact sums, upper triangle of G, then c and yy */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m; j++) {
            const long long xj = (long long)(j < p ? X[i * p + j] : 1.0);
            for (size_t k = j; k < m; k++)
                E[j * m + k] += xj * (long long)(k < p ? X[i * p + k] : 1.0);
            E[m * m + j] += xj * (long long)y[i];
        }
        E[m * m + m] += (long long)y[i] * (long long)y[i];
    }
    for (int det = 0; det < 2; det++)
        for (int t = 1; t <= 3; t++) {
            double *G = gram_of(X, NULL, y, n, p, t, det);
            for (size_t j = 0; j < m; j++)
                for (size_t k = j; k < m; k++)
                    ck_assert_msg(G[j * m + k] == (double)E[j * m + k],
                                  "G[%zu][%zu] = %.17g, exact %lld (det %d, "
                                  "%d threads)", j, k, G[j * m + k],
                                  E[j * m + k], det, t);
            for (size_t j = 0; j <= m; j++)
                ck_assert_msg(G[m * m + j] == (double)E[m * m + j],
                              "c/yy entry %zu (det %d, %d threads)", j, det, t);
            free(G);
        }
    free(E);
    free(X);
    free(y);
}
END_TEST

/* Each entry of the BLAS sums against the row kernel's, within 1e-13 of
 * sqrt(G_jj G_kk) (which bounds sum |x_j x_k| by Cauchy-Schwarz; two
 * summation orders of n = 20000 positive-scale terms differ by a few
 * hundred eps of it at most, 2e-14). */
static void agree(const double *A, const double *B, size_t p, const char *what)
{
    const size_t m = p + 1;
    const double yy = B[m * m + m];
    for (size_t j = 0; j < m; j++) {
        for (size_t k = j; k < m; k++) {
            const double sc = sqrt(B[j * m + j] * B[k * m + k]);
            ck_assert_msg(fabs(A[j * m + k] - B[j * m + k]) <= 1e-13 * sc,
                          "%s: G[%zu][%zu] %.17g vs %.17g", what, j, k,
                          A[j * m + k], B[j * m + k]);
        }
        const double sc = sqrt(B[j * m + j] * yy);
        ck_assert_msg(fabs(A[m * m + j] - B[m * m + j]) <= 1e-13 * sc,
                      "%s: c[%zu]", what, j);
    }
    ck_assert(fabs(A[m * m + m] - yy) <= 1e-13 * yy);
}

START_TEST(test_vs_row_kernel)
{
    const size_t n = 20000, ps[] = {1, 3, 16, 64, 130};
    for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
        const size_t p = ps[q];
        double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
        fill(X, y, n, p, 0);
        double *R = gram_own(X, NULL, y, n, p);
        for (int det = 0; det < 2; det++)
            for (int t = 1; t <= 3; t += 2) {
                char what[64];
                snprintf(what, sizeof what, "p=%zu det=%d threads=%d", p, det, t);
                double *G = gram_of(X, NULL, y, n, p, t, det);
                agree(G, R, p, what);
                free(G);
            }
        free(R);
        free(X);
        free(y);
    }
}
END_TEST

/* Float X is summed in double: the BLAS sums of float X equal those of the
 * double X holding the same values (to the same 1e-13 as above; ssyrk's
 * single-precision sums would be off by about 1e-7), and the row kernel's
 * float sums. */
START_TEST(test_float_in_double)
{
    const size_t n = 12000, p = 72;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    float *Xf = malloc(n * p * sizeof *Xf);
    fill_same(X, Xf, y, n, p);
    double *Gf = gram_of(NULL, Xf, y, n, p, 2, 0);
    double *Gd = gram_of(X, NULL, y, n, p, 2, 0);
    double *Rf = gram_own(NULL, Xf, y, n, p);
    agree(Gf, Gd, p, "float vs double of the same values");
    agree(Gf, Rf, p, "float: BLAS vs row kernel");
    free(Gf);
    free(Gd);
    free(Rf);
    free(X);
    free(Xf);
    free(y);
}
END_TEST

/* det: the same bits at 1, 2, 3, 4 and 8 threads (identity 1 vs N), for
 * double and float X, with more blocks than slabs (n = 90001 at p = 40:
 * our kernel's blocks of 512 rows, 176 blocks, 16 slabs). */
START_TEST(test_det_bits)
{
    const size_t n = 90001, p = 40, m = p + 1, len = m * m + m + 1;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    float *Xf = malloc(n * p * sizeof *Xf);
    fill(X, y, n, p, 0);
    for (size_t k = 0; k < n * p; k++)
        Xf[k] = (float)X[k];
    for (int f = 0; f < 2; f++) {
        const double *Xd = f ? NULL : X;
        const float *Xs = f ? Xf : NULL;
        double *G1 = gram_of(Xd, Xs, y, n, p, 1, 1);
        const int ts[] = {2, 3, 4, 8};
        for (int k = 0; k < 4; k++) {
            double *G = gram_of(Xd, Xs, y, n, p, ts[k], 1);
            ck_assert_msg(memcmp(G, G1, len * sizeof *G) == 0,
                          "%s X: det sums differ at %d threads",
                          f ? "float" : "double", ts[k]);
            free(G);
        }
        free(G1);
    }
    free(X);
    free(Xf);
    free(y);
}
END_TEST

/* The pass sets the OpenMP thread count to 1 around its team (OpenBLAS's
 * OpenMP build takes its count from it) and puts it back; OpenBLAS's own
 * count is left alone. */
START_TEST(test_threads_restored)
{
    const size_t n = 3000, p = 20;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    fill(X, y, n, p, 0);
    omp_set_num_threads(3);
    const int blas = openblas_get_num_threads();
    for (int t = 1; t <= 2; t++)
        free(gram_of(X, NULL, y, n, p, t, 0));
    ck_assert_int_eq(omp_get_max_threads(), 3);
    ck_assert_int_eq(openblas_get_num_threads(), blas);
    ck_assert_ptr_nonnull(strstr(lr_blas_name(), "OpenBLAS"));
    free(X);
    free(y);
}
END_TEST

/* GSL's SVD on OpenBLAS runs pinned to one thread: the exact solution has
 * the same bits whatever the OpenMP thread count (unpinned, OpenBLAS's
 * threaded dgemv changes the last bits of the SVD, and at 800 x 531 even
 * its rank decision). 600 x 240 is large enough for OpenBLAS to thread. */
START_TEST(test_svd_thread_invariant)
{
    const size_t n = 600, p = 240;
    double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
    double *w1 = malloc(p * sizeof *w1), *w = malloc(p * sizeof *w);
    double b1, b;
    fill(X, y, n, p, 0);
    lr_params par = lr_params_default();
    for (int t = 1; t <= 4; t++) {
        omp_set_num_threads(t);
        ck_assert_int_eq(lr_solve_method(lr_matrix_f64(X, n, p), y, &par,
                                         LR_EXACT_SVD, t == 1 ? w1 : w,
                                         t == 1 ? &b1 : &b, NULL),
                         LR_SUCCESS);
        ck_assert_int_eq(omp_get_max_threads(), t);
        if (t > 1) {
            ck_assert_msg(memcmp(w, w1, p * sizeof *w) == 0,
                          "SVD weights differ at %d OpenMP threads", t);
            ck_assert(memcmp(&b, &b1, sizeof b) == 0);
        }
    }
    free(X);
    free(y);
    free(w1);
    free(w);
}
END_TEST

/* The paths this CPU runs (our kernel per instruction set, dsyrk). */
static int runs(int path)
{
    double buf[3 * 3 + 3 + 1];
    const double X[2] = {1.5, -2.25}, y[2] = {0.75, 3.5};
    lr_kernel_state ks;
    lr_kernel_setup(&ks, X, NULL, y, 2, 1, 1, LR_KMODE_CLAUSE);
    return lr_gram_sums_path(&ks, 0, path, buf) == LR_SUCCESS;
}

static double *gram_path(const double *X, const float *Xf, const double *y,
                         size_t n, size_t p, int threads, int det, int path)
{
    const size_t m = p + 1, len = m * m + m + 1;
    double *buf = malloc(len * sizeof *buf);
    lr_kernel_state ks;
    lr_kernel_setup(&ks, X, Xf, y, n, p, threads, LR_KMODE_CLAUSE);
    ck_assert_int_eq(lr_gram_sums_path(&ks, det, path, buf), LR_SUCCESS);
    return buf;
}

/* p from 1 to 513 around the tile and panel sizes (8-column panels, tiles
 * of 24 columns, the 1 and y columns in the last panel or past it; at
 * p = 512 the AVX2 build packs double X, which it reads in place at the
 * others), n not a multiple of the block rows (64 at p = 513 .. 512 at
 * p = 1). */
static const size_t gram_ps[] = {1, 2, 6, 7, 63, 64, 65, 130, 257, 512, 513};
enum { GRAM_NPS = sizeof gram_ps / sizeof *gram_ps };

/* Every path against sums in long double (64-bit mantissa) of the same
 * data, double and float X: each entry within (n + 2) u S + 2^-60 S, S the
 * sum of |a_rj a_rk| (computed alongside), u = 2^-53: any order of n
 * rounded additions and products errs by at most (n + 1) u S (Higham,
 * Accuracy and Stability, 3.1), the reference by n 2^-64 S. A lost,
 * repeated or misplaced row or column errs by a whole term, far above it. */
START_TEST(test_vs_long_double)
{
    const size_t n = 1037;
    for (size_t q = 0; q < GRAM_NPS; q++) {
        const size_t p = gram_ps[q], m = p + 1, ld = p + 2;
        double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
        float *Xf = malloc(n * p * sizeof *Xf);
        long double *R = calloc(ld * ld, sizeof *R), *S = calloc(ld * ld, sizeof *S);
        fill_same(X, Xf, y, n, p);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < ld; j++) {
                const long double a = j < p ? X[i * p + j] : j == p ? 1.0L : y[i];
                for (size_t k = j; k < ld; k++) {
                    const long double b = k < p ? X[i * p + k] : k == p ? 1.0L : y[i];
                    R[j * ld + k] += a * b;
                    S[j * ld + k] += fabsl(a * b);
                }
            }
        for (int path = LR_GRAM_BASE; path <= LR_GRAM_DSYRK; path++) {
            if (!runs(path))
                continue;
            for (int f = 0; f < 2; f++) {
                double *G = gram_path(f ? NULL : X, f ? Xf : NULL, y, n, p,
                                      2, 1, path);
                for (size_t j = 0; j < ld; j++)
                    for (size_t k = j; k < ld; k++) {
                        const double g = k < m ? G[j * m + k]
                                       : j < m ? G[m * m + j] : G[m * m + m];
                        const double tol = (double)(((long double)(n + 2) * 0x1p-53L
                                                     + 0x1p-60L) * S[j * ld + k]);
                        ck_assert_msg(fabs(g - (double)R[j * ld + k]) <= tol,
                                      "%s, p = %zu, %s X: entry (%zu, %zu) = %.17g, "
                                      "long double %.17Lg, bound %.3g",
                                      lr_gram_path_name(path), p, f ? "float" : "double",
                                      j, k, g, R[j * ld + k], tol);
                    }
                free(G);
            }
        }
        free(R);
        free(S);
        free(X);
        free(Xf);
        free(y);
    }
}
END_TEST

/* Our kernel sums each entry as one chain of fma() in row order: the
 * scalar, AVX2 and AVX-512 builds give the same bits (those this CPU
 * runs; the scalar one always where it has FMA), with det at 1 and 3
 * threads, and float X gives the bits of double X of the same values.
 * One path alone cannot fail this; the test says so when it runs fewer
 * than two. */
START_TEST(test_isa_bits)
{
    const size_t n = 1037;
    int paths = 0;
    for (int path = LR_GRAM_BASE; path <= LR_GRAM_AVX512; path++)
        paths += runs(path);
    if (paths < 2)
        fprintf(stderr, "check_gram: %d kernel build(s) on this CPU: the "
                "bits across instruction sets are not compared\n", paths);
    for (size_t q = 0; q < GRAM_NPS; q++) {
        const size_t p = gram_ps[q], m = p + 1, len = m * m + m + 1;
        double *X = malloc(n * p * sizeof *X), *y = malloc(n * sizeof *y);
        float *Xf = malloc(n * p * sizeof *Xf);
        fill(X, y, n, p, 0);
        for (size_t k = 0; k < n * p; k++) {
            Xf[k] = (float)X[k];
            X[k] = (double)Xf[k];
        }
        double *G0 = NULL;
        int path0 = 0;
        for (int path = LR_GRAM_BASE; path <= LR_GRAM_AVX512; path++) {
            if (!runs(path))
                continue;
            for (int t = 1; t <= 3; t += 2)
                for (int f = 0; f < 2; f++) {
                    double *G = gram_path(f ? NULL : X, f ? Xf : NULL, y, n,
                                          p, t, 1, path);
                    if (!G0) {
                        G0 = G;
                        path0 = path;
                        continue;
                    }
                    ck_assert_msg(memcmp(G, G0, len * sizeof *G) == 0,
                                  "p = %zu: %s, %d threads, %s X differs from "
                                  "%s, 1 thread, double X", p,
                                  lr_gram_path_name(path), t,
                                  f ? "float" : "double",
                                  lr_gram_path_name(path0));
                    free(G);
                }
        }
        free(G0);
        free(X);
        free(Xf);
        free(y);
    }
}
END_TEST

/* The path taken by default: our kernel for the row kernels' instruction
 * set (on an x86-64 CPU with FMA, which these machines have), following
 * lr_kernel_isa_set; a path the CPU cannot run is refused with LR_EINVAL,
 * and so is an unknown one. */
START_TEST(test_path_choice)
{
    const int fma = runs(LR_GRAM_BASE);
    ck_assert_int_eq(lr_kernel_isa_set("baseline"), LR_SUCCESS);
    ck_assert_int_eq(lr_gram_path(), fma ? LR_GRAM_BASE : LR_GRAM_DSYRK);
    if (lr_kernel_isa_set("avx2") == LR_SUCCESS)
        ck_assert_int_eq(lr_gram_path(), fma ? LR_GRAM_AVX2 : LR_GRAM_DSYRK);
    if (lr_kernel_isa_set("avx512") == LR_SUCCESS)
        ck_assert_int_eq(lr_gram_path(), LR_GRAM_AVX512);
    ck_assert_int_eq(lr_kernel_isa_set(NULL), LR_SUCCESS);
    ck_assert_int_eq(runs(LR_GRAM_AVX512), lr_kernel_isa_available("avx512") == 1);
    ck_assert(runs(LR_GRAM_DSYRK));
    ck_assert(!runs(LR_GRAM_DSYRK + 1));
    ck_assert_str_eq(lr_gram_path_name(LR_GRAM_AVX2), "avx2");
    ck_assert_ptr_null(lr_gram_path_name(-1));
}
END_TEST

Suite *suite_gram(void)
{
    Suite *s = suite_create("gram");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_exact_integers);
    tcase_add_test(tc, test_vs_row_kernel);
    tcase_add_test(tc, test_float_in_double);
    tcase_add_test(tc, test_det_bits);
    tcase_add_test(tc, test_threads_restored);
    tcase_add_test(tc, test_svd_thread_invariant);
    tcase_add_test(tc, test_vs_long_double);
    tcase_add_test(tc, test_isa_bits);
    tcase_add_test(tc, test_path_choice);
    suite_add_tcase(s, tc);
    return s;
}
