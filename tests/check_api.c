/* check_api.c -- the library's interface of issue 9: lr_matrix views
 * (double, float, strided rows), statuses of the allocation functions and
 * of the distributed hooks, the automatic step size, and GSL's error
 * handler kept off the library's paths. */
#include <math.h>

#include <omp.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "check_common.h"

static lr_data *api_data(size_t n, size_t p, uint64_t seed)
{
    lr_gen_params gp = lr_gen_params_default();
    gp.n_samples = n;
    gp.n_features = p;
    gp.noise = 1.5;
    gp.bias = 2.0;
    gp.seed = seed;
    lr_data *d = lr_data_alloc(n, p);
    double coef[16];
    ck_assert(p <= 16);
    ck_assert_int_eq(lr_generate(&gp, d->X, d->y, coef), LR_SUCCESS);
    return d;
}

/* X copied into rows of `stride` >= p doubles, the padding NaN (so that a
 * path that read it would show). */
static double *padded(const lr_data *d, size_t stride)
{
    double *Xs = malloc(d->n * stride * sizeof *Xs);
    ck_assert_ptr_nonnull(Xs);
    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; k < stride; k++)
            Xs[i * stride + k] = k < d->p ? d->X[i * d->p + k] : NAN;
    return Xs;
}

/* lr_gd_alloc tells bad input (LR_EINVAL) from a size that overflows
 * (LR_ENOMEM), and leaves *out NULL on failure. */
START_TEST(test_gd_alloc_status)
{
    lr_data *d = api_data(50, 3, 1);
    lr_params par = lr_params_default();
    lr_gd *gd = (lr_gd *)d; /* not NULL, to see it cleared */
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 50, 3), NULL, &par, &gd),
                     LR_EINVAL);
    ck_assert_ptr_null(gd);
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(NULL, 50, 3), d->y, &par, &gd),
                     LR_EINVAL);
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 50, 3), d->y, &par, NULL),
                     LR_EINVAL);
    lr_matrix bad = lr_matrix_f64(d->X, 50, 3);
    bad.type = 7;
    ck_assert_int_eq(lr_gd_alloc(bad, d->y, &par, &gd), LR_EINVAL);
    /* the case of `train --solver gram --features 5000`: invalid, not
     * out of memory */
    par.solver = LR_SOLVER_GRAM;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 1, LR_GRAM_MAX_P + 1),
                                 d->y, &par, &gd), LR_EINVAL);
    ck_assert_ptr_null(gd);
    par = lr_params_default();
    par.lr = -0.5;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 50, 3), d->y, &par, &gd),
                     LR_EINVAL);
    par = lr_params_default();
    /* n * p overflows size_t: no memory could hold it */
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, SIZE_MAX / 2, 3), d->y,
                                 &par, &gd), LR_ENOMEM);
    ck_assert_ptr_null(gd);
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, 50, 3), d->y, &par, &gd),
                     LR_SUCCESS);
    ck_assert_ptr_nonnull(gd);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

/* Strided rows: the passes over X refuse them with LR_EINVAL; the serial
 * metrics and the reference gradient take them and give the bits of the
 * contiguous copy (whose padding, NaN, would show if it were read). */
START_TEST(test_strided_views)
{
    const size_t n = 40, p = 3, stride = 5;
    lr_data *d = api_data(n, p, 2);
    double *Xs = padded(d, stride);
    lr_matrix S = lr_matrix_f64(Xs, n, p), C = lr_matrix_f64(d->X, n, p);
    S.stride = stride;
    lr_params par = lr_params_default();
    lr_model *m = lr_model_alloc(p);
    lr_gd *gd;
    double w[3] = {0.5, -1.25, 2.0}, b = 0.75, wo[3], bo, mse, r2;
    ck_assert_int_eq(lr_gd_alloc(S, d->y, &par, &gd), LR_EINVAL);
    ck_assert_int_eq(lr_fit(S, d->y, &par, m, NULL), LR_EINVAL);
    ck_assert_int_eq(lr_solve(S, d->y, &par, wo, &bo, &mse), LR_EINVAL);
    ck_assert_int_eq(lr_solve_exact(S, d->y, wo, &bo, &mse), LR_EINVAL);
    /* a stride below the columns is never valid */
    lr_matrix T = C;
    T.stride = p - 1;
    ck_assert_int_eq(lr_score(T, d->y, w, b, &mse, &r2), LR_EINVAL);
    ck_assert(isnan(lr_trace_bound(T)));

    double ps[40], pc[40], ms, mc, rs, rc, xs[3], xc[3], ys, yc;
    ck_assert_int_eq(lr_predict(S, w, b, ps), LR_SUCCESS);
    ck_assert_int_eq(lr_predict(C, w, b, pc), LR_SUCCESS);
    ck_assert_mem_eq(ps, pc, sizeof ps);
    ck_assert_int_eq(lr_score(S, d->y, w, b, &ms, &rs), LR_SUCCESS);
    ck_assert_int_eq(lr_score(C, d->y, w, b, &mc, &rc), LR_SUCCESS);
    ck_assert(ms == mc && rs == rc);
    ck_assert_int_eq(lr_max_abs(S, d->y, xs, &ys), LR_SUCCESS);
    ck_assert_int_eq(lr_max_abs(C, d->y, xc, &yc), LR_SUCCESS);
    ck_assert_mem_eq(xs, xc, sizeof xs);
    ck_assert(ys == yc);
    ck_assert(lr_trace_bound(S) == lr_trace_bound(C));
    double gs[3], gc[3], gbs, gbc;
    ck_assert_int_eq(lr_gradient(S, d->y, w, b, gs, &gbs, NULL), LR_SUCCESS);
    ck_assert_int_eq(lr_gradient(C, d->y, w, b, gc, &gbc, NULL), LR_SUCCESS);
    ck_assert_mem_eq(gs, gc, sizeof gs);
    ck_assert(gbs == gbc);
    /* the predictions themselves, against the definition */
    for (size_t i = 0; i < n; i++) {
        double s = b;
        for (size_t j = 0; j < p; j++)
            s += d->X[i * p + j] * w[j];
        ck_assert(fabs(ps[i] - s) <= 1e-12 * (1.0 + fabs(s)));
    }
    /* lr_design_check: a duplicate column found through the stride */
    for (size_t i = 0; i < n; i++)
        Xs[i * stride + 2] = Xs[i * stride + 0];
    long dep[3];
    ck_assert_int_eq(lr_design_check(S, 1, dep), 1);
    ck_assert_int_eq(dep[2], 0);
    free(Xs);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* The passes every fit makes once over X, shared among threads since the
 * CSV target of issue 10: lr_score, lr_max_abs and lr_design_check give
 * the same bits at 1 to 4 threads and on every instruction set the CPU
 * runs (lr_kernel_isa_set), on double, float and strided views.
 * 5003 x 9 (45027 elements: the parallel path; 2 chunks of lr_score's
 * 2048 rows and a tail of 907 = 16 x 56 + 11). Expected values from the
 * definitions: MSE and R^2 in long double (to 1e-13 relative), the maxima
 * exactly, and the columns planted: column 3 constant, column 7 a copy of
 * column 1, column 8 a copy of column 5 with every zero negated. */
START_TEST(test_passes_threads)
{
    const size_t n = 5003, p = 9, stride = 11;
    lr_data *d = api_data(n, p, 5);
    for (size_t i = 0; i < n; i++) {
        double *x = d->X + i * p;
        x[3] = 2.5;
        x[7] = x[1];
        if (i % 7 == 0)
            x[5] = 0.0;
        x[8] = x[5] == 0.0 ? -0.0 : x[5];
    }
    double *Xs = padded(d, stride);
    float *Xf = malloc(n * p * sizeof *Xf);
    ck_assert_ptr_nonnull(Xf);
    for (size_t k = 0; k < n * p; k++)
        Xf[k] = (float)d->X[k];
    const double w[9] = {0.5, -1.25, 2.0, 0.125, 3.0, -0.75, 1.5, 0.25, -2.0};
    const double b = 0.75;
    lr_matrix views[3] = {lr_matrix_f64(d->X, n, p), lr_matrix_f64(Xs, n, p),
                          lr_matrix_f32(Xf, n, p)};
    views[1].stride = stride;
    const int saved = omp_get_max_threads();
    for (int v = 0; v < 3; v++) {
        /* the definitions */
        long double sse = 0, sy = 0, sst = 0;
        double xm[9] = {0}, ym = 0;
        for (size_t i = 0; i < n; i++)
            sy += d->y[i];
        const long double mean = sy / (long double)n;
        for (size_t i = 0; i < n; i++) {
            long double r = (long double)b - d->y[i];
            for (size_t j = 0; j < p; j++) {
                const double x = v == 2 ? (double)Xf[i * p + j] : d->X[i * p + j];
                r += (long double)x * w[j];
                xm[j] = fabs(x) > xm[j] ? fabs(x) : xm[j];
            }
            sse += r * r;
            sst += (d->y[i] - mean) * (d->y[i] - mean);
            ym = fabs(d->y[i]) > ym ? fabs(d->y[i]) : ym;
        }
        const double mse_ref = (double)(sse / (long double)n);
        const double r2_ref = (double)(1.0L - sse / sst);
        double mse1 = 0, r21 = 0, xm1[9];
        int first = 1;
        for (int q = 0; q < 4 * CK_NISA; q++) {
            const int t = q % 4 + 1;
            if (!ck_isa_use(CK_NISA - 1 - q / 4))
                continue; /* not on this CPU */
            omp_set_num_threads(t);
            double mse, r2, xmax[9], ymax;
            long dep[9];
            ck_assert_int_eq(lr_score(views[v], d->y, w, b, &mse, &r2), LR_SUCCESS);
            ck_assert_msg(fabs(mse - mse_ref) <= 1e-13 * mse_ref, "view %d: mse %.17g, ref %.17g",
                          v, mse, mse_ref);
            ck_assert(fabs(r2 - r2_ref) <= 1e-13);
            ck_assert_int_eq(lr_max_abs(views[v], d->y, xmax, &ymax), LR_SUCCESS);
            ck_assert_mem_eq(xmax, xm, sizeof xm);
            ck_assert(ymax == ym);
            ck_assert_int_eq(lr_design_check(views[v], 1, dep), 3);
            for (size_t j = 0; j < p; j++)
                ck_assert_int_eq(dep[j], j == 3 ? LR_COL_CONSTANT
                                         : j == 7 ? 1
                                         : j == 8 ? 5
                                                  : LR_COL_OK);
            if (first) {
                mse1 = mse;
                r21 = r2;
                memcpy(xm1, xmax, sizeof xm1);
                first = 0;
            } else {
                ck_assert_msg(mse == mse1 && r2 == r21, "view %d, %d threads: %.17g %.17g",
                              v, t, mse, mse1);
                ck_assert_mem_eq(xmax, xm1, sizeof xm1);
            }
        }
    }
    ck_assert_int_eq(lr_kernel_isa_set(NULL), LR_SUCCESS);
    omp_set_num_threads(saved);
    free(Xf);
    free(Xs);
    lr_data_free(d);
}
END_TEST

/* lr_score off the shapes above: p from 1 to 70 (chunks of 2048 down to
 * 464 rows in the 16-row vector residuals), n = 12011 (the last chunk's
 * 11 rows after its groups of 16 one at a time), each row's
 * residual cancelling to about 1e-6 of its terms. The bits are the same
 * on every instruction set this CPU runs (lr_kernel_isa_set), at 1 to 3
 * threads and for a strided copy (its NaN padding would show); MSE and
 * R^2 agree with the definitions in long double to 1e-12 relative (1e-8
 * where long double is no wider than double at run time, as under
 * valgrind, whose reference then loses the digits the cancelling takes). */
START_TEST(test_score_shapes)
{
    static const size_t ps[] = {1, 7, 8, 31, 32, 33, 70};
    const size_t n = 12011;
    const int saved = omp_get_max_threads();
    volatile long double one = 1.0L, tiny = 0x1p-60L;
    const double tol = one + tiny != one ? 1e-12 : 1e-8;
    for (size_t q = 0; q < sizeof ps / sizeof *ps; q++) {
        const size_t p = ps[q], stride = p + 3;
        double *X = malloc(n * p * sizeof *X), *Xs = malloc(n * stride * sizeof *Xs);
        double *y = malloc(n * sizeof *y), *w = malloc(p * sizeof *w);
        float *Xf = malloc(n * p * sizeof *Xf);
        ck_assert(X && Xs && y && w && Xf);
        uint64_t st = 0x853c49e6748fea9bULL + p;
        for (size_t j = 0; j < p; j++)
            w[j] = (double)(j % 5) - 1.75;
        const double b = 0.5;
        for (size_t i = 0; i < n; i++) {
            long double dot = b;
            for (size_t j = 0; j < p; j++) {
                st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                /* magnitudes from 1e-3 to 1e3, either sign */
                const double u = (double)(st >> 11) / 9007199254740992.0;
                const double v = (u - 0.5) * pow(10.0, (double)((st >> 3) % 7) - 3.0);
                X[i * p + j] = v;
                Xf[i * p + j] = (float)v;
                dot += (long double)v * w[j];
            }
            y[i] = (double)dot * (1.0 + 1e-6 * ((double)(i % 13) - 6.0));
            for (size_t k = 0; k < stride; k++)
                Xs[i * stride + k] = k < p ? X[i * p + k] : NAN;
        }
        for (int f = 0; f < 2; f++) {
            /* the definitions */
            long double sse = 0, sy = 0, sst = 0;
            for (size_t i = 0; i < n; i++)
                sy += y[i];
            const long double mean = sy / (long double)n;
            for (size_t i = 0; i < n; i++) {
                long double r = (long double)b - y[i];
                for (size_t j = 0; j < p; j++)
                    r += (long double)(f ? (double)Xf[i * p + j] : X[i * p + j]) * w[j];
                sse += r * r;
                sst += (y[i] - mean) * (y[i] - mean);
            }
            const double mse_ref = (double)(sse / (long double)n);
            const double r2_ref = (double)(1.0L - sse / sst);
            double mse0 = 0, r20 = 0;
            int first = 1;
            for (int k = 0; k < CK_NISA; k++) {
                if (!ck_isa_use(k))
                    continue; /* not on this CPU */
                for (int t = 1; t <= 3; t++) {
                    omp_set_num_threads(t);
                    for (int v = 0; v < (f ? 1 : 2); v++) {
                        lr_matrix M = f ? lr_matrix_f32(Xf, n, p)
                                    : lr_matrix_f64(v ? Xs : X, n, p);
                        if (v)
                            M.stride = stride;
                        double mse, r2;
                        ck_assert_int_eq(lr_score(M, y, w, b, &mse, &r2), LR_SUCCESS);
                        if (first) {
                            ck_assert_msg(fabs(mse - mse_ref) <= tol * mse_ref,
                                          "p %zu %s: mse %.17g, ref %.17g", p,
                                          f ? "float" : "double", mse, mse_ref);
                            ck_assert(fabs(r2 - r2_ref) <= tol * fabs(r2_ref));
                            mse0 = mse;
                            r20 = r2;
                            first = 0;
                        } else {
                            ck_assert_msg(mse == mse0 && r2 == r20,
                                          "p %zu %s %s, %d threads, view %d: %a %a against %a %a",
                                          p, f ? "float" : "double", ck_isa(k), t, v,
                                          mse, r2, mse0, r20);
                        }
                    }
                }
            }
        }
        free(X);
        free(Xs);
        free(Xf);
        free(y);
        free(w);
    }
    ck_assert_int_eq(lr_kernel_isa_set(NULL), LR_SUCCESS);
    omp_set_num_threads(saved);
}
END_TEST

/* lr_matrix_f32: the same fit as the float twin it replaces (X rounded to
 * float, then the double path on the rounded values: the kernels sum in
 * double either way, so the weights agree to rounding of the sums). */
START_TEST(test_f32_view)
{
    const size_t n = 300, p = 4;
    lr_data *d = api_data(n, p, 3);
    float *Xf = malloc(n * p * sizeof *Xf);
    double *Xr = malloc(n * p * sizeof *Xr);
    for (size_t k = 0; k < n * p; k++) {
        Xf[k] = (float)d->X[k];
        Xr[k] = (double)Xf[k];
    }
    lr_params par = lr_params_default();
    par.max_iter = 200;
    lr_model *mf = lr_model_alloc(p), *mr = lr_model_alloc(p);
    ck_assert_int_eq(lr_fit(lr_matrix_f32(Xf, n, p), d->y, &par, mf, NULL),
                     LR_SUCCESS);
    ck_assert_int_eq(lr_fit(lr_matrix_f64(Xr, n, p), d->y, &par, mr, NULL),
                     LR_SUCCESS);
    for (size_t j = 0; j < p; j++)
        ck_assert(rel_err(lr_model_weights(mf)[j], lr_model_weights(mr)[j])
                  < 1e-12);
    free(Xf);
    free(Xr);
    lr_model_free(mf);
    lr_model_free(mr);
    lr_data_free(d);
}
END_TEST

/* lambda_max of [X 1]^T [X 1] / n by GSL's symmetric eigensolver. */
static double lambda_max(const lr_data *d)
{
    const size_t n = d->n, p = d->p, m = p + 1;
    gsl_matrix *H = gsl_matrix_calloc(m, m);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            for (size_t k = 0; k < m; k++) {
                double a = j < p ? d->X[i * p + j] : 1.0;
                double c = k < p ? d->X[i * p + k] : 1.0;
                *gsl_matrix_ptr(H, j, k) += a * c / (double)n;
            }
    gsl_vector *ev = gsl_vector_alloc(m);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(m);
    gsl_eigen_symm(H, ev, ws);
    double mx = gsl_vector_max(ev);
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(H);
    return mx;
}

/* lr = LR_LR_AUTO: the step is 1/L_est with L_est between half of GSL's
 * largest eigenvalue and that eigenvalue (the power iteration stops at a
 * 1e-3 relative change: 4% low on these data), and the fit is, to the bit, the one the command line's --lr auto
 * makes by hand (init, lr_gd_lipschitz, lr_gd_set_lr). */
START_TEST(test_auto_lr)
{
    const size_t n = 400, p = 5;
    lr_data *d = api_data(n, p, 4);
    const double L = lambda_max(d);
    lr_params par = lr_params_default();
    par.lr = LR_LR_AUTO;
    par.max_iter = 300;
    lr_gd *a, *h;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par, &a),
                     LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(a), LR_SUCCESS);
    /* a Rayleigh quotient: at most lambda_max (to rounding), and above
     * lambda_max / 2, so that the step 1/L_est is below 2/L: stable */
    const double Le = 1.0 / lr_gd_lr(a);
    ck_assert_msg(Le <= L * (1 + 1e-12) && Le > 0.5 * L, "%.17g %.17g", Le, L);
    par.lr = 0.01;
    ck_assert_int_eq(lr_gd_alloc(lr_matrix_f64(d->X, n, p), d->y, &par, &h),
                     LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(h), LR_SUCCESS);
    double Lh;
    ck_assert_int_eq(lr_gd_lipschitz(h, &Lh), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_set_lr(h, 1.0 / Lh), LR_SUCCESS);
    ck_assert(lr_gd_lr(a) == lr_gd_lr(h));
    ck_assert_int_eq(lr_gd_iterate(a, 300), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_iterate(h, 300), LR_SUCCESS);
    ck_assert_mem_eq(lr_gd_weights(a), lr_gd_weights(h), p * sizeof(double));
    ck_assert(lr_gd_bias(a) == lr_gd_bias(h));
    lr_gd_free(a);
    lr_gd_free(h);
    /* lr_fit takes it too; a negative step other than LR_LR_AUTO is not */
    lr_model *m = lr_model_alloc(p);
    par.lr = LR_LR_AUTO;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, NULL),
                     LR_SUCCESS);
    par.lr = -2.0;
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, NULL),
                     LR_EINVAL);
    lr_model_free(m);
    lr_data_free(d);
}
END_TEST

/* The collectives of a one-process "distributed" fit: the sum is the
 * identity, the gather a copy; each fails after `left` calls. */
typedef struct {
    int left;
} hooks;

static int sum_hook(double *buf, size_t count, void *ctx)
{
    (void)buf;
    (void)count;
    hooks *h = ctx;
    return h->left-- > 0 ? 0 : -1;
}

static int gather_hook(const double *local, size_t count, double *all,
                       void *ctx)
{
    hooks *h = ctx;
    if (h->left-- <= 0)
        return -1;
    memcpy(all, local, count * sizeof *all);
    return 0;
}

/* A failing sum or gather is reported (LR_EIO), not ignored. */
START_TEST(test_dist_hook_status)
{
    const size_t n = 200, p = 3;
    lr_data *d = api_data(n, p, 5);
    lr_params par = lr_params_default();
    par.max_iter = 20;
    hooks h = {0};
    lr_dist dist = {n, 0, sum_hook, gather_hook, 0, &h};
    lr_gd *gd;
    /* the first pass's sum fails */
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_EIO);
    lr_gd_free(gd);
    /* the standardization's sums fail */
    par.standardize = 1;
    h.left = 0;
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_EIO);
    lr_gd_free(gd);
    /* a later pass fails: the iteration stops with LR_EIO */
    par.standardize = 0;
    h.left = 5;
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_iterate(gd, 20), LR_EIO);
    ck_assert_uint_lt(lr_gd_iter(gd), 20);
    lr_gd_free(gd);
    /* the deterministic mode's gather */
    par.deterministic = 1;
    /* one block of n rows; partial rows of p + 2 padded to 8 doubles */
    ck_assert_uint_ge(lr_block_rows(p), n);
    dist.gather_total = (p + 2 + 7) / 8 * 8;
    h.left = 0;
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_EIO);
    lr_gd_free(gd);
    /* the exact solve's sums */
    double w[3], b, mse;
    h.left = 0;
    ck_assert_int_eq(lr_solve_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                   &dist, w, &b, &mse), LR_EIO);
    /* and with hooks that work, the one-process fit is lr_fit's */
    h.left = 1 << 30;
    par.deterministic = 0;
    ck_assert_int_eq(lr_gd_alloc_dist(lr_matrix_f64(d->X, n, p), d->y, &par,
                                      &dist, &gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_init(gd), LR_SUCCESS);
    ck_assert_int_eq(lr_gd_iterate(gd, 20), LR_SUCCESS);
    lr_model *m = lr_model_alloc(p);
    ck_assert_int_eq(lr_fit(lr_matrix_f64(d->X, n, p), d->y, &par, m, NULL),
                     LR_SUCCESS);
    ck_assert_mem_eq(lr_gd_weights(gd), lr_model_weights(m), p * sizeof(double));
    lr_model_free(m);
    lr_gd_free(gd);
    lr_data_free(d);
}
END_TEST

static int handler_calls;
static void count_handler(const char *reason, const char *file, int line,
                          int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    handler_calls++;
}

/* GSL's handler is never called from inside the library: the Gram solve of
 * a rank-deficient design above 512 columns factors by Cholesky, whose
 * first attempt fails (GSL_EDOM through GSL_ERROR: with GSL's default
 * handler, an abort); the caller's handler is back afterwards. */
START_TEST(test_gsl_handler_off)
{
    const size_t n = 700, p = 520;
    lr_data *d = lr_data_alloc(n, p);
    uint64_t s = 12345;
    for (size_t k = 0; k < n * p; k++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        d->X[k] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (size_t i = 0; i < n; i++) {
        d->X[i * p + 7] = d->X[i * p + 3]; /* a duplicate column */
        d->y[i] = d->X[i * p] - 2.0 * d->X[i * p + 1];
    }
    gsl_error_handler_t *prev = gsl_set_error_handler(count_handler);
    /* the handler counts: a failing Cholesky outside the library calls it */
    gsl_matrix *A = gsl_matrix_calloc(1, 1);
    gsl_matrix_set(A, 0, 0, -1.0);
    ck_assert_int_ne(gsl_linalg_cholesky_decomp1(A), GSL_SUCCESS);
    ck_assert_int_eq(handler_calls, 1);
    lr_params par = lr_params_default();
    double *w = malloc(p * sizeof *w), b, mse;
    ck_assert_int_eq(lr_solve_method(lr_matrix_f64(d->X, n, p), d->y, &par,
                                     LR_EXACT_GRAM, w, &b, &mse), LR_SUCCESS);
    ck_assert_int_eq(handler_calls, 1);
    /* the exact fit y = x0 - 2 x1 is found all the same */
    ck_assert(fabs(w[0] - 1.0) < 1e-8 && fabs(w[1] + 2.0) < 1e-8);
    ck_assert(gsl_set_error_handler(prev) == count_handler);
    gsl_matrix_free(A);
    free(w);
    lr_data_free(d);
}
END_TEST

/* X starts on a 64-byte line for every shape, small (malloc's heap) and
 * large (its own mapping, where malloc's blocks start 16 bytes into a
 * page), and lr_alloc_rows rounds to whole lines; per-thread partial rows
 * (lr_part_stride, lr_alloc_part) lie on pages of their own, a page
 * apart */
START_TEST(test_rows_aligned)
{
    const size_t shapes[][2] = {{1, 1}, {3, 7}, {100, 13}, {1000, 1000},
                                {250000, 64}, {31250, 512}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        lr_data *d = lr_data_alloc(shapes[k][0], shapes[k][1]);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq((uintptr_t)d->X % 64, 0);
        /* the whole of X is writable */
        d->X[shapes[k][0] * shapes[k][1] - 1] = 1.0;
        lr_data_free(d);
    }
    for (size_t bytes = 1; bytes < 300; bytes += 37) {
        char *b = lr_alloc_rows(bytes);
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq((uintptr_t)b % 64, 0);
        memset(b, 1, bytes);
        free(b);
    }
    ck_assert_ptr_null(lr_alloc_rows(SIZE_MAX - 10));
    /* from LR_HUGE_ROWS on: whole 2 MB pages, all of them writable */
    const size_t big[] = {LR_HUGE_ROWS - 64, LR_HUGE_ROWS, LR_HUGE_ROWS + 8,
                          3 * LR_HUGE_ROWS + 4096};
    for (size_t k = 0; k < sizeof big / sizeof big[0]; k++) {
        char *b = lr_alloc_rows(big[k]);
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq((uintptr_t)b % (big[k] < LR_HUGE_ROWS ? 64 : (1u << 21)), 0);
        memset(b, 1, big[k]);
        free(b);
    }
    ck_assert_ptr_null(lr_alloc_rows(SIZE_MAX - (1u << 20)));
    /* per-thread partial rows: whole pages, a page apart, on a page */
    for (size_t m = 1; m < 3000; m += 511) {
        const size_t st = lr_part_stride(m);
        ck_assert_uint_eq(st % 512, 0);
        ck_assert_uint_ge(st, m + 512);
        ck_assert_uint_lt(st, m + 1024);
        double *part = lr_alloc_part(3, st);
        ck_assert_ptr_nonnull(part);
        ck_assert_uint_eq((uintptr_t)part % LR_PART_ALIGN, 0);
        memset(part, 0, 3 * st * sizeof *part);
        free(part);
    }
    ck_assert_ptr_null(lr_alloc_part(SIZE_MAX / 4, 512));
}
END_TEST

Suite *suite_api(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gd_alloc_status);
    tcase_add_test(tc, test_strided_views);
    tcase_add_test(tc, test_passes_threads);
    tcase_add_test(tc, test_score_shapes);
    tcase_add_test(tc, test_f32_view);
    tcase_add_test(tc, test_auto_lr);
    tcase_add_test(tc, test_dist_hook_status);
    tcase_add_test(tc, test_gsl_handler_off);
    tcase_add_test(tc, test_rows_aligned);
    suite_add_tcase(s, tc);
    return s;
}
