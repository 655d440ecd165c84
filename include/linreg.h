/* linreg.h -- linear regression by batch gradient descent, on OpenMP.
 *
 * The public header of liblinreg for fitting and predicting: data, the
 * generator, training, the exact solution and metrics. File formats are in
 * linreg_io.h, the hooks of a fit spread over processes in linreg_dist.h.
 * Everything is prefixed lr_/LR_. Matrices are passed as lr_matrix views
 * of row-major arrays. No GSL or OpenMP type appears here; the library
 * never prints, exits, aborts, or changes global OpenMP settings (GSL's
 * error handler is not called on its paths: it is switched off around
 * each GSL call, by a thread-safe lock, and GSL's status returned as
 * LR_ESOLVE or LR_ENOMEM).
 */
#ifndef LINREG_H
#define LINREG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LR_VERSION "0.1.0"

/* The functions of the shared library (the build hides everything else). */
#if defined(__GNUC__) && !defined(LR_STATIC_ONLY)
#define LR_API __attribute__((visibility("default")))
#else
#define LR_API
#endif

/* Status codes. Every call that can fail returns one of these. */
enum {
    LR_SUCCESS = 0,   /* done (a fit: a stopping rule was met) */
    LR_CONTINUE = 1,  /* iterate/test loop: not finished yet */
    LR_EINVAL = 2,    /* invalid argument or parameter */
    LR_ENOMEM = 3,    /* allocation failed, or a size overflows */
    LR_EDIVERGE = 4,  /* training diverged (non-finite or growing loss) */
    LR_EIO = 5,       /* a file could not be opened, read or written */
    LR_EFORMAT = 6,   /* a file is malformed */
    LR_ESHAPE = 7,    /* shapes do not match (features, rows) */
    LR_ESOLVE = 8,    /* the reference least-squares solve failed */
    LR_ERANGE = 9     /* a value is NaN, infinite or out of range */
};

/* Text for a status code; never NULL. */
LR_API const char *lr_strerror(int status);

/* -------------------------------------------------------------- matrix */

/* Element types of a matrix view. */
enum { LR_F64 = 0, LR_F32 = 1 };

/* A view of a row-major matrix owned by the caller: element (i, j) is
 * data[i * stride + j], of type double (LR_F64) or float (LR_F32: half the
 * memory traffic; the library still sums in double). stride >= cols; a
 * stride above cols (rows padded, or a block of a wider array) is taken by
 * the functions that say so, and refused by the others with LR_EINVAL.
 * Passed by value. */
typedef struct {
    size_t rows, cols;
    int type;           /* LR_F64 or LR_F32 */
    const void *data;
    size_t stride;      /* elements from one row to the next */
} lr_matrix;

/* Views of contiguous rows (stride = cols). Data that starts on a 64-byte
 * line streams faster (the library's own arrays do: lr_data_alloc; on the
 * AMD EPYC development VM, double rows of 1000 at 1.45x the time of aligned
 * ones when 16 bytes off a line, as malloc's large blocks are). */
static inline lr_matrix lr_matrix_f64(const double *data, size_t rows,
                                      size_t cols)
{
    lr_matrix a = {rows, cols, LR_F64, data, cols};
    return a;
}
static inline lr_matrix lr_matrix_f32(const float *data, size_t rows,
                                      size_t cols)
{
    lr_matrix a = {rows, cols, LR_F32, data, cols};
    return a;
}

/* ---------------------------------------------------------------- data */

/* A data set: X (n x p, row-major), target y (n), and p feature names
 * (may be NULL). Made by lr_data_alloc, lr_csv_read or lr_generate_alloc;
 * the struct owns X, y and names. */
typedef struct {
    size_t n, p;
    double *X;
    double *y;
    char **names;
    size_t dropped;     /* rows skipped for a missing value (a CSV read
                           with lr_csv_opts.na_drop), else 0 */
} lr_data;

/* Allocates an n x p data set (contents uninitialised, names NULL).
 * Returns NULL if n*p overflows or memory is short. */
LR_API lr_data *lr_data_alloc(size_t n, size_t p);
LR_API void lr_data_free(lr_data *d);

/* ---------------------------------------------------------- generation */

enum { LR_GEN_SKLEARN = 0, LR_GEN_FAST = 1 };

/* scikit-learn make_regression parameters. */
typedef struct {
    size_t n_samples;      /* > 0 */
    size_t n_features;     /* > 0 */
    size_t n_informative;  /* default 10; min(n_informative, n_features) used */
    double bias;           /* default 0 */
    double noise;          /* default 0, >= 0 */
    int shuffle;           /* default 1 */
    uint64_t seed;         /* sklearn: 0 .. 2^32-1 (NumPy's range) */
    int generator;         /* LR_GEN_SKLEARN (default) or LR_GEN_FAST */
    int threads;           /* fast generator: 0 = OpenMP default */
} lr_gen_params;

LR_API lr_gen_params lr_gen_params_default(void);
/* Names the bad field in *field (may be NULL); LR_SUCCESS or LR_EINVAL. */
LR_API int lr_gen_params_check(const lr_gen_params *gp, const char **field);

/* Fills X (n x p), y (n) and coef (p) from gp.
 * LR_GEN_SKLEARN: X and coef identical to the bit to
 *   sklearn.datasets.make_regression(..., random_state=seed, coef=True);
 *   y equal up to the rounding of its dot product (a few ulps).
 * LR_GEN_FAST: fixed row blocks, each with its own GSL streams seeded from
 *   (seed, block); parallel, identical output for any thread count.
 * Returns LR_SUCCESS, LR_EINVAL or LR_ENOMEM. */
LR_API int lr_generate(const lr_gen_params *gp, double *X, double *y, double *coef);

/* Rows per block of the fast generator (fixed, thread-count independent). */
#define LR_GEN_BLOCK_ROWS 4096

/* ------------------------------------------------------------ training */

enum { LR_INIT_UNIFORM = 0, LR_INIT_ZEROS = 1 };

/* How an iteration gets its gradient:
 * LR_SOLVER_STREAM: one fused pass over X per iteration (default);
 * LR_SOLVER_GRAM: one parallel pass accumulates Xa^T Xa and Xa^T y
 *   (Xa = [X 1]) at the start, then each iteration costs O(p^2) and gives
 *   the same iterates up to rounding. p is limited to LR_GRAM_MAX_P. */
enum { LR_SOLVER_STREAM = 0, LR_SOLVER_GRAM = 1 };

/* The update rule:
 * LR_OPT_GD: theta -= lr g (the tutorial's);
 * LR_OPT_MOMENTUM: heavy ball, theta += beta (theta - theta_prev) - lr g;
 * LR_OPT_NESTEROV: accelerated gradient evaluated at the look-ahead point;
 *   momentum 0 selects the adaptive schedule (FISTA's t_k with restart when
 *   the step goes uphill: O'Donoghue and Candes 2015), which needs no
 *   condition number. */
enum { LR_OPT_GD = 0, LR_OPT_MOMENTUM = 1, LR_OPT_NESTEROV = 2 };
#define LR_GRAM_MAX_P 4096

/* lr_params.lr: the step 1/L, L = lambda_max of the Hessian estimated by
 * lr_gd_lipschitz when the workspace is initialised (a stable step for any
 * data, found at the cost of up to 60 passes over X). */
#define LR_LR_AUTO (-1.0)

enum {
    LR_STOP_NONE = 0,     /* not stopped */
    LR_STOP_MAX_ITER = 1, /* ran every iteration */
    LR_STOP_TOL = 2,      /* lr_gd_grad_rel <= tol */
    LR_STOP_DIVERGED = 3, /* loss or weights not finite, loss growing, or
                             far above the first (10x; 1e6x with momentum) */
    LR_STOP_TARGET = 4    /* the MSE reached stop_mse ("target_gap") */
};
LR_API const char *lr_stop_name(int reason);

/* Training options: fill from lr_params_default(), then change fields. */
typedef struct {
    double lr;          /* step size, default 0.01, > 0; LR_LR_AUTO: 1/L
                           with L from lr_gd_lipschitz, after lr_gd_init */
    size_t max_iter;    /* iterations (updates), default 1000 */
    int threads;        /* 0: OpenMP default (OMP_NUM_THREADS or cores) */
    int init;           /* LR_INIT_UNIFORM (default) or LR_INIT_ZEROS */
    uint64_t init_seed; /* uniform: weights = RandomState(init_seed).rand(p) */
    double tol;         /* stop when lr_gd_grad_rel <= tol (the gradient in
                           standardized units over sd(y)); 0: only at a
                           gradient of exactly 0 */
    int deterministic;  /* 1: same bits for any thread count */
    int solver;         /* LR_SOLVER_STREAM (default) or LR_SOLVER_GRAM */
    double stop_mse;    /* stop once the MSE <= stop_mse (0: off); with the
                           exact optimum mse*, mse*(1 + gap) stops at a gap */
    int intercept;      /* 1 (default): fit the bias b; 0: b = 0 */
    double l2;          /* ridge: minimise MSE/2 + l2/2 |w|^2 (default 0);
                           with standardize, on the standardized weights */
    int standardize;    /* 1: iterate on columns scaled to mean 0 and sd 1
                           (no copy of X; weights reported in original units) */
    int optimizer;      /* LR_OPT_GD (default), LR_OPT_MOMENTUM, LR_OPT_NESTEROV */
    double momentum;    /* beta in [0, 1), default 0. LR_OPT_MOMENTUM: set
                           it (0.9 is usual, and the command line's default);
                           0 is plain gradient descent. LR_OPT_NESTEROV:
                           0 = the adaptive schedule, else constant */
    int adapt_threads;  /* 1: the team (threads, at most) shrinks while other
                           processes keep the cores busy and grows back when
                           they leave (Linux: the runnable tasks of
                           /proc/loadavg, sampled every millisecond); not
                           for a distributed fit. Bits follow the team size
                           unless deterministic. Default 0: a fixed team */
} lr_params;

LR_API lr_params lr_params_default(void);
/* Validates p; on LR_EINVAL names the bad field in *field (may be NULL). */
LR_API int lr_params_check(const lr_params *par, const char **field);

/* A linear model y = X w + b (opaque). */
typedef struct lr_model lr_model;
LR_API lr_model *lr_model_alloc(size_t p);
LR_API void lr_model_free(lr_model *m);
LR_API size_t lr_model_nfeatures(const lr_model *m);
LR_API const double *lr_model_weights(const lr_model *m);
LR_API double *lr_model_weights_mut(lr_model *m);
LR_API double lr_model_bias(const lr_model *m);
LR_API void lr_model_set_bias(lr_model *m, double b);

/* The gradient-descent workspace (opaque). X (double, or float: half the
 * memory traffic, sums still in double; rows contiguous) and y (X.rows)
 * are borrowed and must outlive it. Allocation is done here; nothing is
 * allocated while iterating. *out is the workspace on LR_SUCCESS, else
 * NULL: LR_EINVAL for bad input (a NULL pointer, no rows or columns,
 * strided rows, bad params, the gram solver above LR_GRAM_MAX_P
 * features), LR_ENOMEM when memory is short or a size overflows. */
typedef struct lr_gd lr_gd;
LR_API int lr_gd_alloc(lr_matrix X, const double *y, const lr_params *par,
                lr_gd **out);
LR_API void lr_gd_free(lr_gd *gd);

/* Sets the initial weights (from par->init) and computes the first loss
 * and gradient; with lr = LR_LR_AUTO, then sets the step to 1/L
 * (lr_gd_lipschitz). LR_SUCCESS, LR_EINVAL (also when L cannot be
 * estimated), LR_EDIVERGE if the loss of the initial weights is not
 * finite, LR_EIO when a distributed collective fails. */
LR_API int lr_gd_init(lr_gd *gd);
/* lr_gd_init from the raw weights w (p) and bias b (ignored without an
 * intercept) instead of par.init: a warm start, for example along a path
 * of penalties. The same statuses, and LR_EINVAL for a NULL w or a
 * non-finite b. */
LR_API int lr_gd_init_from(lr_gd *gd, const double *w, double b);
/* Runs up to k iterations inside one parallel region, stopping early when
 * a stopping rule is met. Returns LR_CONTINUE (more to do), LR_SUCCESS
 * (stopped: max_iter, tol or the target), LR_EDIVERGE, or LR_EIO when a
 * collective of a distributed fit failed. */
LR_API int lr_gd_iterate(lr_gd *gd, size_t k);
/* LR_CONTINUE, LR_SUCCESS or LR_EDIVERGE for the current state. */
LR_API int lr_gd_test(const lr_gd *gd);

LR_API size_t lr_gd_iter(const lr_gd *gd);          /* updates done */
LR_API double lr_gd_mse(const lr_gd *gd);           /* MSE of the current weights */
LR_API double lr_gd_grad_norm(const lr_gd *gd);     /* |(dw, db)| at current weights */
LR_API double lr_gd_grad_norm0(const lr_gd *gd);    /* |(dw, db)| at the start */
/* The tol rule's measure (tol > 0, else NaN): the gradient with respect to
 * the standardized weights (columns at mean 0, sd 1), over sd(y) (rms(y)
 * without an intercept); the same for any initial weights and any scale of
 * y or of the columns. */
LR_API double lr_gd_grad_rel(const lr_gd *gd);
LR_API double lr_gd_mse0(const lr_gd *gd);
/* The step size in use (1/L after lr_gd_init with lr = LR_LR_AUTO). */
LR_API double lr_gd_lr(const lr_gd *gd);          /* MSE of the initial weights */
LR_API int lr_gd_stop_reason(const lr_gd *gd);
LR_API int lr_gd_threads(const lr_gd *gd);          /* threads used (at the start) */
/* The smallest and largest team a fit with adapt_threads ran, and the
 * number of changes (without it: lr_gd_threads twice, and 0). */
LR_API void lr_gd_thread_range(const lr_gd *gd, int *tmin, int *tmax,
                               size_t *switches);
LR_API const double *lr_gd_weights(const lr_gd *gd);
LR_API double lr_gd_bias(const lr_gd *gd);
/* Gradient (p) and bias gradient at the current weights (of MSE/2, plus
 * the l2 term; with standardize, with respect to the standardized weights). */
LR_API const double *lr_gd_gradient(const lr_gd *gd);
LR_API double lr_gd_bias_gradient(const lr_gd *gd);
/* L = lambda_max(Xa^T Xa / n), Xa = [X 1], by power iteration (from the
 * Gram matrix with the gram solver after lr_gd_init, else one pass over X
 * per step: until the Rayleigh quotient changes by less than 1e-3 relative,
 * at most 60 passes; 1e-9 and 2000 steps from the Gram matrix). The
 * iteration is stable for lr < 2/L; 1/L is the classic safe step.
 * LR_SUCCESS, LR_ENOMEM, LR_EINVAL or LR_EIO (distributed). */
LR_API int lr_gd_lipschitz(lr_gd *gd, double *L);
/* The MSE of (w, b) computed the way this workspace computes its loss
 * (the Gram formula with the gram solver, after lr_gd_init; a serial pass
 * over X otherwise), so that a stopping target set from it compares like
 * with like. LR_SUCCESS, LR_EINVAL or LR_EIO (distributed). */
LR_API int lr_gd_loss(const lr_gd *gd, const double *w, double b, double *mse);
/* Sets the stopping target stop_mse of a workspace (0: off). */
LR_API int lr_gd_set_stop_mse(lr_gd *gd, double stop_mse);
/* Stops once the MSE is at most `excess` above mse_opt, the MSE of the
 * exact optimum (w, b) (after lr_gd_init). The gram solver measures the
 * excess as d^T Xa^T Xa d / n, d the distance to (w, b), which keeps its
 * digits where the difference of two losses would not; otherwise it is
 * lr_gd_set_stop_mse(mse_opt + excess). LR_SUCCESS, LR_EINVAL, LR_ENOMEM. */
LR_API int lr_gd_set_stop_excess(lr_gd *gd, const double *w, double b,
                          double mse_opt, double excess);

/* Changes the step size of a workspace (for example to 1/L after
 * lr_gd_lipschitz). LR_SUCCESS or LR_EINVAL. */
LR_API int lr_gd_set_lr(lr_gd *gd, double lr);

/* The column means and sds of --standardize (p each), or NULL for both
 * when the columns are not scaled. Valid after lr_gd_init. */
LR_API void lr_gd_scaling(const lr_gd *gd, const double **mean, const double **sd);

/* Copies the current weights and bias into m (same p). */
LR_API int lr_gd_model(const lr_gd *gd, lr_model *m);

/* The result of a whole fit. */
typedef struct {
    size_t iterations;
    int stop_reason;
    double final_mse;
    double grad_norm;
    double grad_norm0;
    double time_s;
    int threads;
} lr_result;

/* A whole fit: alloc, init, iterate to the end, copy the model into m
 * (which must have X.cols features). Returns LR_SUCCESS, LR_EINVAL,
 * LR_ENOMEM, LR_ESHAPE or LR_EDIVERGE (m is then left unchanged). res may
 * be NULL. */
LR_API int lr_fit(lr_matrix X, const double *y, const lr_params *par, lr_model *m,
           lr_result *res);

/* One pass: residuals r = Xw + b - y, g = X^T r / n, gb = mean(r), and
 * MSE = mean(r^2), at the given weights. Serial reference used by the
 * tests. g has X.cols entries; gb and mse may be NULL; strided rows are
 * taken. LR_SUCCESS or LR_EINVAL. */
LR_API int lr_gradient(lr_matrix X, const double *y, const double *w, double b,
                       double *g, double *gb, double *mse);

/* ----------------------------------------------------- reference solve */

/* The exact least-squares solution (with intercept), by GSL's SVD solver
 * (gsl_multifit_linear) for small problems, else as lr_solve_plan says.
 * w (p) and b receive the optimum and *mse the
 * minimal MSE. LR_SUCCESS, LR_ENOMEM or LR_ESOLVE. */
LR_API int lr_solve_exact(lr_matrix X, const double *y, double *w, double *b,
                   double *mse);

/* The exact optimum of the problem par describes (intercept, l2,
 * standardize; the other fields are ignored), for X in double or float
 * (rows contiguous). *b is 0 without an intercept. LR_SUCCESS, LR_EINVAL,
 * LR_ENOMEM or LR_ESOLVE. */
LR_API int lr_solve(lr_matrix X, const double *y, const lr_params *par, double *w,
             double *b, double *mse);

/* How lr_solve computes the optimum, chosen by the shape (lr_solve_plan):
 * LR_EXACT_SVD: GSL's SVD of the design [X 1] (ridge rows appended), the
 *   most accurate; small problems (the NIST data among them);
 * LR_EXACT_GRAM: the Gram matrix of [X 1] in one parallel pass, the ridge
 *   on its diagonal, factored by SVD (p + 1 <= 512) or Cholesky, then
 *   refined by Newton steps whose gradients are fresh passes over X;
 * LR_EXACT_DUAL: for p > n with l2 > 0, the n x n system
 *   (Zc Zc^T + n l2 I) a = yc of the centred (and scaled) columns by
 *   Cholesky, w = Zc^T a, refined the same way. */
enum { LR_EXACT_AUTO = 0, LR_EXACT_SVD = 1, LR_EXACT_GRAM = 2,
       LR_EXACT_DUAL = 3 };
LR_API const char *lr_exact_name(int method);

/* The method lr_solve takes for n x p under par (intercept, l2) and its
 * estimated cost in floating-point operations (*flops, may be NULL):
 * SVD 6 r m^2 + 20 m^3 (r = n, + p with l2; m = p + 1 with an intercept,
 * else p), Gram n m^2 + 21 m^3 (SVD) or m^3 / 3 (Cholesky) + 20 n p,
 * dual n^2 p + n^3 / 3 + 16 n p. LR_SUCCESS, LR_EINVAL, or LR_ESOLVE when
 * the least-squares solution is not unique: m > n and l2 = 0 (*method is
 * then LR_EXACT_AUTO). */
LR_API int lr_solve_plan(size_t n, size_t p, const lr_params *par, int *method,
                  double *flops);

/* lr_solve by a given method (LR_EXACT_AUTO: lr_solve_plan's choice);
 * LR_EXACT_DUAL needs l2 > 0, LR_EXACT_GRAM p <= LR_GRAM_MAX_P. */
LR_API int lr_solve_method(lr_matrix X, const double *y, const lr_params *par,
                    int method, double *w, double *b, double *mse);

/* Columns that make X rank-deficient for certain, in one pass (O(n p)):
 * dep[j] (p entries) is LR_COL_CONSTANT for a column whose values are all
 * equal (with an intercept; without one, all zero), k (< j) when column j
 * equals column k to the bit, and LR_COL_OK otherwise. Returns the number
 * of flagged columns, or -1 when memory is short or X is invalid (dep
 * then all OK). Strided rows are allowed. */
enum { LR_COL_OK = -1, LR_COL_CONSTANT = -2 };
LR_API long lr_design_check(lr_matrix X, int intercept, long *dep);

/* ------------------------------------------------------------- metrics */

/* The functions below take strided rows. */

/* pred (X.rows) = X w + b. LR_SUCCESS or LR_EINVAL. */
LR_API int lr_predict(lr_matrix X, const double *w, double b, double *pred);
/* MSE and R^2 = 1 - SSE/SST of predictions against y, SST about the mean
 * of y; two passes and compensated sums, so both keep their digits when
 * the mean of y is large against its spread. r2 is NaN when y is
 * constant. */
LR_API void lr_metrics(const double *pred, const double *y, size_t n, double *mse,
                double *r2);
/* MSE and R^2 of the model (w, b) on (X, y), computed in passes without
 * storing predictions (no allocation). LR_SUCCESS or LR_EINVAL. */
LR_API int lr_score(lr_matrix X, const double *y, const double *w, double b,
             double *mse, double *r2);
/* xmax[j] = max_i |X_ij| (X.cols entries) and *ymax = max_i |y_i| (y may
 * be NULL, ymax may be NULL): the scales checked before training.
 * LR_SUCCESS or LR_EINVAL. */
LR_API int lr_max_abs(lr_matrix X, const double *y, double *xmax, double *ymax);
/* The MSE of the best constant model, var(y) (center 1), or of the zero
 * model, mean(y^2) (center 0), with compensated two-pass sums: the yardstick
 * of the gap when the optimum is an exact fit. */
LR_API double lr_null_mse(const double *y, size_t n, int center);
/* The trace bound L <= 1 + sum_j mean(x_j^2) on the largest eigenvalue of
 * [X 1]^T [X 1] / n: any lr below 2/bound is stable. NaN for an invalid
 * X. */
LR_API double lr_trace_bound(lr_matrix X);

/* The default thread count of the command line for an n x p fit: OpenMP's
 * default (OMP_NUM_THREADS, else the cores) but no more than one thread per
 * 24576 elements of X, and at least 1. Smaller shares lose more to the
 * per-iteration barriers than another thread gains. */
LR_API int lr_threads_default(size_t n, size_t p);

/* The instruction set the kernels run on: "avx512" (AVX-512 F/VL/DQ),
 * "avx2" or "baseline" (x86-64 SSE2). By default the widest this CPU has,
 * chosen at the first pass. Every one sums in the same order without FMA
 * contraction: the same bits, only the speed differs. */
LR_API const char *lr_kernel_isa_name(void);
/* Pins the kernels to one of those names (NULL or "": back to the
 * widest). LR_EINVAL for an unknown name or one this CPU cannot run. Not
 * to be called while a fit runs. */
LR_API int lr_kernel_isa_set(const char *name);
/* 1 when this CPU runs the named instruction set, 0 when it cannot, -1 for
 * an unknown name. */
LR_API int lr_kernel_isa_available(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_H */
