/* linreg.h -- linear regression by batch gradient descent, on OpenMP.
 *
 * The one public header of liblinreg. Everything is prefixed lr_/LR_.
 * Matrices are plain row-major arrays: X is n x p, X[i*p + j].
 * No GSL or OpenMP type appears here; the library never prints, exits,
 * or changes global OpenMP settings.
 */
#ifndef LINREG_H
#define LINREG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LR_VERSION "0.1.0"

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
const char *lr_strerror(int status);

/* A monotonic wall clock, in seconds (for timings). */
double lr_now(void);

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
lr_data *lr_data_alloc(size_t n, size_t p);
void lr_data_free(lr_data *d);

/* Reads a CSV file with a header row. The column named `target` (NULL:
 * "y") is y; every other column is a feature, in file order. On failure
 * returns a status and writes a message naming the file, line and column
 * into err (errlen bytes); *out is set only on success. */
int lr_csv_read(const char *path, const char *target, lr_data **out,
                char *err, size_t errlen);

/* CSV reading options. */
typedef struct {
    const char *target;   /* the target column's name ("y"), or "#K" for the
                             K-th column (1-based) */
    char delimiter;       /* field separator (','); not a quote or newline */
    int target_required;  /* 1: an error without it; 0: d->y is NULL */
    int na_drop;          /* 1: skip the rows with a missing value (an empty
                             cell, NA or NaN), counted in d->dropped; 0 (the
                             default): such a value is an error */
} lr_csv_opts;
lr_csv_opts lr_csv_opts_default(void);
/* Reads a CSV file (RFC 4180: quoted fields with delimiters, line breaks and
 * "" inside; a UTF-8 byte-order mark; blank lines only at the end). Lines
 * end in LF or CRLF, or in CR alone when the first line does; a CR (or, in
 * a CR file, an LF) outside quotes that breaks that rule is an error. Errors name the file, line and column: LR_EIO, LR_EFORMAT,
 * LR_ERANGE (NaN, Inf, overflow), LR_ENOMEM, LR_EINVAL (bad options). */
int lr_csv_read_opts(const char *path, const lr_csv_opts *opts, lr_data **out,
                     char *err, size_t errlen);

/* For processes that each read a part of one CSV file (no record may
 * span lines): the byte after the header (*data_start), and the byte
 * offsets of the record starts in [lo, hi) (*starts, malloc'd, *nrec of
 * them; blank lines are not records). Reads only the header and [lo, hi). */
int lr_csv_scan(const char *path, size_t lo, size_t hi, size_t *data_start,
                size_t *nrec, size_t **starts, char *err, size_t errlen);
/* Reads the records in bytes [lo, hi) of a CSV file (lo a record start
 * after the header, hi a record start or the end), with the header's
 * columns; first_line is the line of the first record, for messages. */
int lr_csv_read_part(const char *path, const lr_csv_opts *opts, size_t lo,
                     size_t hi, size_t first_line, lr_data **out, char *err,
                     size_t errlen);

/* The header alone: a data set with n = 0, no X or y, p and the feature
 * names, after the same checks as lr_csv_read_opts. */
int lr_csv_columns(const char *path, const lr_csv_opts *opts, lr_data **out,
                   char *err, size_t errlen);

/* As lr_csv_read, but the target column is optional: without it d->y is
 * NULL (data to predict on). */
int lr_csv_read_features(const char *path, const char *target, lr_data **out,
                         char *err, size_t errlen);

/* Writes one column (header `name`, %.17g values) atomically. */
int lr_csv_write_vector(const char *path, const char *name, const double *v,
                        size_t n, char *err, size_t errlen);

/* Writes X and y as CSV (header names or x1..xp, then "y"; %.17g values,
 * which round-trip). The file is written to a temporary file in the same
 * directory and renamed into place. Returns LR_SUCCESS or LR_EIO. */
int lr_csv_write(const char *path, const lr_data *d, char *err, size_t errlen);
/* lr_csv_write and lr_csv_write_vector to an open stream (the caller
 * closes it and checks the close): LR_SUCCESS or LR_EIO on a write error. */
int lr_csv_fwrite(FILE *f, const lr_data *d);
int lr_csv_fwrite_vector(FILE *f, const char *name, const double *v, size_t n);

/* A NumPy .npy array, memory-mapped read-only: float64 or float32,
 * little-endian, 1-D (n,) or 2-D (n, p); a Fortran-order (column-major)
 * 2-D array is transposed into a row-major copy. */
typedef struct {
    size_t n, p;        /* rows and columns (p = 1 for 1-D) */
    int ndim;           /* 1 or 2 */
    int f32;            /* 1: float32 data, 0: float64 */
    const void *data;   /* n*p elements, row-major */
    void *map;          /* the mapping (internal) */
    size_t maplen;
    void *copy;         /* non-NULL: data is this row-major copy of a
                           Fortran-order file (owned; the file is unmapped) */
} lr_npy;

/* Maps a .npy file (or copies a Fortran-order one, see a->copy). Refuses
 * bad magic, versions, headers, dtypes, negative or overflowing shapes,
 * sizes that do not match the file (truncated or trailing data) and NaN or
 * infinite values, with a message naming the file (and the row).
 * LR_SUCCESS, LR_EIO, LR_EFORMAT, LR_ERANGE or LR_ENOMEM. */
int lr_npy_open(const char *path, lr_npy *a, char *err, size_t errlen);
void lr_npy_close(lr_npy *a);
/* lr_npy_open without the scan for NaN and Inf (which reads every value):
 * for processes that each check only their rows with lr_npy_check_rows.
 * It never copies: a Fortran-order 2-D array is refused. */
int lr_npy_map(const char *path, lr_npy *a, char *err, size_t errlen);
int lr_npy_check_rows(const lr_npy *a, const char *path, size_t lo, size_t hi,
                      char *err, size_t errlen);
/* Writes a (n,) (ndim 1) or (n, p) float64 array atomically; np.load reads
 * it back. */
int lr_npy_write(const char *path, const double *a, size_t n, size_t p,
                 int ndim, char *err, size_t errlen);
/* lr_npy_write to an open stream: LR_SUCCESS or LR_EIO on a write error. */
int lr_npy_fwrite(FILE *f, const double *a, size_t n, size_t p, int ndim);

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

lr_gen_params lr_gen_params_default(void);
/* Names the bad field in *field (may be NULL); LR_SUCCESS or LR_EINVAL. */
int lr_gen_params_check(const lr_gen_params *gp, const char **field);

/* Fills X (n x p), y (n) and coef (p) from gp.
 * LR_GEN_SKLEARN: X and coef identical to the bit to
 *   sklearn.datasets.make_regression(..., random_state=seed, coef=True);
 *   y equal up to the rounding of its dot product (a few ulps).
 * LR_GEN_FAST: fixed row blocks, each with its own GSL streams seeded from
 *   (seed, block); parallel, identical output for any thread count.
 * Returns LR_SUCCESS, LR_EINVAL or LR_ENOMEM. */
int lr_generate(const lr_gen_params *gp, double *X, double *y, double *coef);

/* Rows [row_lo, row_lo + nrows) of the LR_GEN_FAST data set that
 * lr_generate would make (X row 0 is row row_lo), for processes that each
 * hold a part (any row_lo). coef (p) is the whole set's. LR_SUCCESS or
 * LR_EINVAL. */
int lr_generate_rows(const lr_gen_params *gp, size_t row_lo, size_t nrows,
                     double *X, double *y, double *coef);

/* Rows per block of the fast generator (fixed, thread-count independent). */
#define LR_GEN_BLOCK_ROWS 4096

/* numpy.random.RandomState(seed).rand(p), to the bit, into out.
 * seed must be below 2^32. LR_SUCCESS, LR_EINVAL or LR_ENOMEM. */
int lr_numpy_rand(uint64_t seed, size_t p, double *out);

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

enum {
    LR_STOP_NONE = 0,     /* not stopped */
    LR_STOP_MAX_ITER = 1, /* ran every iteration */
    LR_STOP_TOL = 2,      /* lr_gd_grad_rel <= tol */
    LR_STOP_DIVERGED = 3, /* loss or weights not finite, loss growing, or
                             far above the first (10x; 1e6x with momentum) */
    LR_STOP_TARGET = 4    /* the MSE reached stop_mse ("target_gap") */
};
const char *lr_stop_name(int reason);

/* Training options: fill from lr_params_default(), then change fields. */
typedef struct {
    double lr;          /* step size, default 0.01, > 0 */
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
    double momentum;    /* beta: default 0.9 for momentum; for nesterov
                           0 = adaptive (default), else constant */
} lr_params;

lr_params lr_params_default(void);
/* Validates p; on LR_EINVAL names the bad field in *field (may be NULL). */
int lr_params_check(const lr_params *par, const char **field);

/* A linear model y = X w + b (opaque). */
typedef struct lr_model lr_model;
lr_model *lr_model_alloc(size_t p);
void lr_model_free(lr_model *m);
size_t lr_model_nfeatures(const lr_model *m);
const double *lr_model_weights(const lr_model *m);
double *lr_model_weights_mut(lr_model *m);
double lr_model_bias(const lr_model *m);
void lr_model_set_bias(lr_model *m, double b);

/* The gradient-descent workspace (opaque). X and y are borrowed and must
 * outlive it. Allocation is done here; nothing is allocated while
 * iterating. Returns NULL on bad sizes or when memory is short. */
typedef struct lr_gd lr_gd;
lr_gd *lr_gd_alloc(const double *X, const double *y, size_t n, size_t p,
                   const lr_params *par);
/* The same with X stored in single precision (sums in double): half the
 * memory traffic. */
lr_gd *lr_gd_alloc_f32(const float *X, const double *y, size_t n, size_t p,
                       const lr_params *par);
void lr_gd_free(lr_gd *gd);

/* Sets the initial weights (from par->init) and computes the first loss
 * and gradient. LR_SUCCESS, LR_EINVAL, or LR_EDIVERGE if the loss of the
 * initial weights is not finite. */
int lr_gd_init(lr_gd *gd);
/* Runs up to k iterations inside one parallel region, stopping early when
 * a stopping rule is met. Returns LR_CONTINUE (more to do), LR_SUCCESS
 * (stopped: max_iter or tol) or LR_EDIVERGE. */
int lr_gd_iterate(lr_gd *gd, size_t k);
/* LR_CONTINUE, LR_SUCCESS or LR_EDIVERGE for the current state. */
int lr_gd_test(const lr_gd *gd);

size_t lr_gd_iter(const lr_gd *gd);          /* updates done */
double lr_gd_mse(const lr_gd *gd);           /* MSE of the current weights */
double lr_gd_grad_norm(const lr_gd *gd);     /* |(dw, db)| at current weights */
double lr_gd_grad_norm0(const lr_gd *gd);    /* |(dw, db)| at the start */
/* The tol rule's measure (tol > 0, else NaN): the gradient with respect to
 * the standardized weights (columns at mean 0, sd 1), over sd(y) (rms(y)
 * without an intercept); the same for any initial weights and any scale of
 * y or of the columns. */
double lr_gd_grad_rel(const lr_gd *gd);
double lr_gd_mse0(const lr_gd *gd);          /* MSE of the initial weights */
int lr_gd_stop_reason(const lr_gd *gd);
int lr_gd_threads(const lr_gd *gd);          /* threads actually used */
const double *lr_gd_weights(const lr_gd *gd);
double lr_gd_bias(const lr_gd *gd);
/* Gradient (p) and bias gradient at the current weights (of MSE/2, plus
 * the l2 term; with standardize, with respect to the standardized weights). */
const double *lr_gd_gradient(const lr_gd *gd);
double lr_gd_bias_gradient(const lr_gd *gd);
/* L = lambda_max(Xa^T Xa / n), Xa = [X 1], by power iteration (from the
 * Gram matrix with the gram solver after lr_gd_init, else one pass over X
 * per step: until the Rayleigh quotient changes by less than 1e-3 relative,
 * at most 60 passes; 1e-9 and 2000 steps from the Gram matrix). The iteration is stable for lr < 2/L; 1/L is the
 * classic safe step. LR_SUCCESS, LR_ENOMEM or LR_EINVAL. */
int lr_gd_lipschitz(lr_gd *gd, double *L);
/* The MSE of (w, b) computed the way this workspace computes its loss
 * (the Gram formula with the gram solver, after lr_gd_init; a serial pass
 * over X otherwise), so that a stopping target set from it compares like
 * with like. LR_SUCCESS or LR_EINVAL. */
int lr_gd_loss(const lr_gd *gd, const double *w, double b, double *mse);
/* Sets the stopping target stop_mse of a workspace (0: off). */
int lr_gd_set_stop_mse(lr_gd *gd, double stop_mse);
/* Stops once the MSE is at most `excess` above mse_opt, the MSE of the
 * exact optimum (w, b) (after lr_gd_init). The gram solver measures the
 * excess as d^T Xa^T Xa d / n, d the distance to (w, b), which keeps its
 * digits where the difference of two losses would not; otherwise it is
 * lr_gd_set_stop_mse(mse_opt + excess). LR_SUCCESS, LR_EINVAL, LR_ENOMEM. */
int lr_gd_set_stop_excess(lr_gd *gd, const double *w, double b,
                          double mse_opt, double excess);

/* Changes the step size of a workspace (for example to 1/L after
 * lr_gd_lipschitz). LR_SUCCESS or LR_EINVAL. */
int lr_gd_set_lr(lr_gd *gd, double lr);

/* The column means and sds of --standardize (p each), or NULL for both
 * when the columns are not scaled. Valid after lr_gd_init. */
void lr_gd_scaling(const lr_gd *gd, const double **mean, const double **sd);

/* --------------------------------------------------- distributed fits */

/* Rows per block of the deterministic reduction (and of the OpenMP
 * chunks) for p features: a function of p only. */
size_t lr_block_rows(size_t p);

/* A fit spread over processes (linreg-mpi): this process holds rows
 * [row_lo, row_lo + n) of n_global, with row_lo on a block boundary
 * (a multiple of lr_block_rows(p)); the caller supplies the collectives,
 * called from the thread that called the library. */
typedef struct {
    size_t n_global;
    size_t row_lo;
    /* buf[0..count) summed over all processes, in place; every process must
     * receive the same values */
    int (*sum)(double *buf, size_t count, void *ctx);
    /* every process's `count` doubles gathered in process order into all
     * (whose size is the sum of the counts) */
    int (*gather)(const double *local, size_t count, double *all, void *ctx);
    /* total doubles gather() returns for per-block partial rows of `stride`
     * doubles: stride times the global number of blocks */
    size_t gather_total;
    void *ctx;
} lr_dist;

/* A workspace over this process's rows; with par->deterministic the block
 * partials of all processes are combined in global block order, so the
 * model is the same to the bit for any process and thread count, and equal
 * to lr_gd_alloc on all the rows. X (double) or Xf (float). */
lr_gd *lr_gd_alloc_dist(const double *X, const float *Xf, const double *y,
                        size_t n, size_t p, const lr_params *par,
                        const lr_dist *dist);

/* lr_solve over the processes of a distributed fit (the Gram matrix and
 * the refinement passes summed with dist->sum): every process gets the
 * exact optimum of all the rows. */
int lr_solve_dist(const double *X, const float *Xf, const double *y, size_t n,
                  size_t p, const lr_params *par, const lr_dist *dist, double *w,
                  double *b, double *mse);

/* Copies the current weights and bias into m (same p). */
int lr_gd_model(const lr_gd *gd, lr_model *m);

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
 * (which must have p features). Returns LR_SUCCESS, LR_EINVAL, LR_ENOMEM
 * or LR_EDIVERGE (m is then left unchanged). res may be NULL. */
int lr_fit(const double *X, const double *y, size_t n, size_t p,
           const lr_params *par, lr_model *m, lr_result *res);

/* lr_fit with X stored in single precision. */
int lr_fit_f32(const float *X, const double *y, size_t n, size_t p,
               const lr_params *par, lr_model *m, lr_result *res);

/* One pass: residuals r = Xw + b - y, g = X^T r / n, gb = mean(r), and
 * MSE = mean(r^2), at the given weights. Serial reference used by tests and
 * the command line. g has p entries. */
void lr_gradient(const double *X, const double *y, size_t n, size_t p,
                 const double *w, double b, double *g, double *gb,
                 double *mse);

/* ----------------------------------------------------- reference solve */

/* The exact least-squares solution (with intercept), by GSL's SVD solver
 * (gsl_multifit_linear) for small problems, else as lr_solve_plan says.
 * w (p) and b receive the optimum and *mse the
 * minimal MSE. LR_SUCCESS, LR_ENOMEM or LR_ESOLVE. */
int lr_solve_exact(const double *X, const double *y, size_t n, size_t p,
                   double *w, double *b, double *mse);

/* The exact optimum of the problem par describes (intercept, l2,
 * standardize; the other fields are ignored), for X in double (Xf NULL)
 * or in float (X NULL). *b is 0 without an intercept. LR_SUCCESS,
 * LR_EINVAL, LR_ENOMEM or LR_ESOLVE. */
int lr_solve(const double *X, const float *Xf, const double *y, size_t n,
             size_t p, const lr_params *par, double *w, double *b, double *mse);

/* The same with X in single precision. */
int lr_solve_exact_f32(const float *X, const double *y, size_t n, size_t p,
                       double *w, double *b, double *mse);

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
const char *lr_exact_name(int method);

/* The method lr_solve takes for n x p under par (intercept, l2) and its
 * estimated cost in floating-point operations (*flops, may be NULL):
 * SVD 6 r m^2 + 20 m^3 (r = n, + p with l2; m = p + 1 with an intercept,
 * else p), Gram n m^2 + 21 m^3 (SVD) or m^3 / 3 (Cholesky) + 20 n p,
 * dual n^2 p + n^3 / 3 + 16 n p. LR_SUCCESS, LR_EINVAL, or LR_ESOLVE when
 * the least-squares solution is not unique: m > n and l2 = 0 (*method is
 * then LR_EXACT_AUTO). */
int lr_solve_plan(size_t n, size_t p, const lr_params *par, int *method,
                  double *flops);

/* lr_solve by a given method (LR_EXACT_AUTO: lr_solve_plan's choice);
 * LR_EXACT_DUAL needs l2 > 0, LR_EXACT_GRAM p <= LR_GRAM_MAX_P. */
int lr_solve_method(const double *X, const float *Xf, const double *y,
                    size_t n, size_t p, const lr_params *par, int method,
                    double *w, double *b, double *mse);

/* Columns that make X rank-deficient for certain, in one pass (O(n p)):
 * dep[j] (p entries) is LR_COL_CONSTANT for a column whose values are all
 * equal (with an intercept; without one, all zero), k (< j) when column j
 * equals column k to the bit, and LR_COL_OK otherwise. Returns the number
 * of flagged columns, or -1 when memory is short (dep then all OK). */
enum { LR_COL_OK = -1, LR_COL_CONSTANT = -2 };
long lr_design_check(const double *X, const float *Xf, size_t n, size_t p,
                     int intercept, long *dep);

/* ------------------------------------------------------------- metrics */

/* pred (n) = X w + b. */
void lr_predict(const double *X, size_t n, size_t p, const double *w,
                double b, double *pred);
/* MSE and R^2 = 1 - SSE/SST of predictions against y, SST about the mean
 * of y; two passes and compensated sums, so both keep their digits when
 * the mean of y is large against its spread. r2 is NaN when y is
 * constant. */
void lr_metrics(const double *pred, const double *y, size_t n, double *mse,
                double *r2);
/* MSE and R^2 of the model (w, b) on (X, y), computed in passes without
 * storing predictions (no allocation). */
void lr_score(const double *X, const double *y, size_t n, size_t p,
              const double *w, double b, double *mse, double *r2);
void lr_score_f32(const float *X, const double *y, size_t n, size_t p,
                  const double *w, double b, double *mse, double *r2);
/* xmax[j] = max_i |X_ij| (p entries) and *ymax = max_i |y_i| (y may be NULL,
 * ymax may be NULL): the scales checked before training. X or Xf. */
void lr_max_abs(const double *X, const float *Xf, const double *y, size_t n,
                size_t p, double *xmax, double *ymax);
/* The MSE of the best constant model, var(y) (center 1), or of the zero
 * model, mean(y^2) (center 0), with compensated two-pass sums: the yardstick
 * of the gap when the optimum is an exact fit. */
double lr_null_mse(const double *y, size_t n, int center);
/* The trace bound L <= 1 + sum_j mean(x_j^2) on the largest eigenvalue of
 * [X 1]^T [X 1] / n: any lr below 2/bound is stable. */
double lr_trace_bound(const double *X, size_t n, size_t p);
/* lr_predict and lr_trace_bound with X in single precision. */
void lr_predict_f32(const float *X, size_t n, size_t p, const double *w,
                    double b, double *pred);
double lr_trace_bound_f32(const float *X, size_t n, size_t p);

/* The sum of a[0..len) by a plain parallel read (threads: 0 = OpenMP
 * default): the yardstick for the memory bandwidth one pass over X can
 * reach. */
double lr_read_sum(const double *a, size_t len, int threads);
/* The same read of float data (sums in double). */
double lr_read_sum_f32(const float *a, size_t len, int threads);

/* The default thread count of the command line for an n x p fit: OpenMP's
 * default (OMP_NUM_THREADS, else the cores) but no more than one thread per
 * 32768 elements of X, and at least 1. Smaller shares lose more to the
 * per-iteration barriers than another thread gains. */
int lr_threads_default(size_t n, size_t p);

/* The instruction set the kernels run on: "avx512" (AVX-512 F/VL/DQ),
 * "avx2" or "baseline" (x86-64 SSE2). By default the widest this CPU has,
 * chosen at the first pass. Every one sums in the same order without FMA
 * contraction: the same bits, only the speed differs. */
const char *lr_kernel_isa_name(void);
/* Pins the kernels to one of those names (NULL or "": back to the
 * widest). LR_EINVAL for an unknown name or one this CPU cannot run. Not
 * to be called while a fit runs. */
int lr_kernel_isa_set(const char *name);
/* 1 when this CPU runs the named instruction set, 0 when it cannot, -1 for
 * an unknown name. */
int lr_kernel_isa_available(const char *name);

/* ---------------------------------------------------------- model file */

/* Writes a model as JSON {"format":"linreg-model","version":1,
 * "n_features", "feature_names", "weights", "bias"}; names may be NULL.
 * Refuses non-finite weights (LR_ERANGE). Written atomically (temporary
 * file then rename). */
int lr_model_save(const char *path, const lr_model *m, char *const *names,
                  char *err, size_t errlen);
/* lr_model_save with more top-level members: extra_json is a JSON object
 * text (or NULL) whose members (training options, metrics, scaling, ...)
 * are added to the file. LR_EINVAL if it is not a JSON object. */
int lr_model_save_ex(const char *path, const lr_model *m, char *const *names,
                     const char *extra_json, char *err, size_t errlen);
/* lr_model_save_ex to an open stream; path only names the file in
 * messages. Writes nothing when it refuses the model. */
int lr_model_fwrite(FILE *f, const char *path, const lr_model *m,
                    char *const *names, const char *extra_json, char *err,
                    size_t errlen);
/* Reads a model written by lr_model_save. *names receives p strings (free
 * with lr_names_free) if names is not NULL. */
int lr_model_load(const char *path, lr_model **out, char ***names,
                  char *err, size_t errlen);
void lr_names_free(char **names, size_t p);

/* Checks, before any work, that path can be written (by creating and
 * removing a temporary file beside it), so a run does not fail after
 * writing some of its outputs. LR_SUCCESS or LR_EIO with a message. */
int lr_path_writable(const char *path, char *err, size_t errlen);

/* One output file, written to a temporary beside it and renamed into place
 * by lr_output_commit; lr_output_discard removes the temporary. Symbolic
 * links are followed (the link stays a link; target is the file replaced),
 * an existing file's owner and permission bits are kept, and a FIFO, a
 * character device or a /proc link is written in place (tmp NULL); a
 * link to one of this process's descriptors (/dev/stdout, /dev/fd/N)
 * through a dup of it. lr_output_open: LR_SUCCESS, LR_EIO or LR_ENOMEM, with a
 * message naming path; lr_output_close flushes and closes the stream (LR_EIO
 * on a write error) and leaves the temporary to commit or discard; commit
 * closes too, and frees in every case. */
typedef struct {
    const char *path;   /* as given (borrowed) */
    char *target;       /* the file written: path with links followed */
    char *tmp;          /* the temporary, or NULL when written in place */
    FILE *fp;           /* open from lr_output_open to close or commit */
    int direct;         /* written in place */
    int fd;             /* >= 0: through a dup of this descriptor */
} lr_output;
int lr_output_open(lr_output *o, const char *path, char *err, size_t errlen);
/* The file lr_output_open would write for path: its symbolic links
 * followed (malloc'd; NULL without memory). */
char *lr_path_target(const char *path);
int lr_output_close(lr_output *o, char *err, size_t errlen);
int lr_output_commit(lr_output *o, char *err, size_t errlen);
void lr_output_discard(lr_output *o);

/* Writes text to path atomically: a temporary file in the same directory,
 * then rename. LR_SUCCESS or LR_EIO. */
int lr_write_file_atomic(const char *path, const char *text, char *err,
                         size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* LINREG_H */
