/* cli.h -- shared pieces of the linreg command-line program. The program
 * parses arguments, calls the library and prints; the math is in the
 * library. Exit status: 0 success, 1 a runtime error (bad data, divergence,
 * I/O), 2 a usage error. */
#ifndef LR_CLI_H
#define LR_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "linreg.h"
#include "linreg_stats.h"
#include "lr_util.h"

#define EXIT_USAGE 2

/* How long a waiting thread spins before it sleeps, unless the user set
 * OMP_WAIT_POLICY or GOMP_SPINCOUNT: main gives libgomp the spin count
 * (GOMP_SPINCOUNT, one pause instruction a count) that takes this long on
 * this CPU (cli_spin_count): 400 on the AMD EPYC development VM (24 ns a
 * pause), about 770 on the Intel Xeon one (13 ns). */
#define CLI_SPIN_US "10"
#define CLI_SPIN_NS 10000.0
/* The spin count of CLI_SPIN_US on this CPU, within [100, 10000]; 400 where
 * there is no pause instruction to time. */
long cli_spin_count(void);
/* Bounds OpenMP's default team by --threads T (T > 0; 0 leaves it), as
 * training is bounded: the library's own passes over X that take that
 * default (lr_score, lr_max_abs, lr_design_check, the statistics) then
 * use no more threads than the user gave, in a job of `batch` too.
 * Returns the previous default, for cli_team_restore. */
int cli_team_bound(int threads);
void cli_team_restore(int saved);
/* Sets GOMP_SPINCOUNT to cli_spin_count() and runs the program again
 * (libgomp reads it when loaded), unless the user chose a policy or a
 * binding. */
void cli_wait_policy(char **argv);

int cmd_generate(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_driver(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_scale(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_bandwidth(int argc, char **argv);
int cmd_cv(int argc, char **argv);
int cmd_batch(int argc, char **argv);

/* "linreg <cmd>: message" on stderr. */
void cli_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Strict number parsing for option values: the whole string must be a
 * number in range. On failure prints "linreg CMD: --OPT: ..." and returns
 * -1. */
int cli_size(const char *cmd, const char *opt, const char *s, size_t min,
             size_t *out);
int cli_u32(const char *cmd, const char *opt, const char *s, uint64_t *out);
int cli_double(const char *cmd, const char *opt, const char *s, double min,
               int min_open, double *out);
int cli_threads(const char *cmd, const char *opt, const char *s, int *out);
/* A comma-separated list of thread counts (1,2,4) into t[0..max): the
 * count, or -1 (printed) for an empty list or item or a bad count. */
int cli_threads_list(const char *cmd, const char *opt, const char *s, int *t,
                     int max);
/* The thread counts of a sweep: "1,2,4" -> the list in increasing order
 * (so the 1-thread rows, the base of every speedup and its flag, come
 * first); "" or NULL -> 1, 2, 4, ... up to the cores, and the core count
 * itself. The count, or -1 (printed). */
int cli_threads_sweep(const char *cmd, const char *s, int *t, int max);
/* Median read bandwidth (GB/s) of a[0..len) over `reps` reads (at most 16)
 * at `threads`, after a warm-up read (cmd_bandwidth.c). */
double cli_read_gbs(const double *a, size_t len, int threads, int reps);
/* After getopt_long: an unknown or incomplete option (the message, and the
 * usage when not NULL, on stderr): returns EXIT_USAGE. */
int cli_bad_option(const char *cmd, char **argv, void (*usage)(FILE *));
/* Arguments left after the options: -1 (printed), else 0. */
int cli_operands(const char *cmd, int argc, char **argv);
/* s is a non-empty string of letters from `allowed` ("abcd"). 0 or -1. */
int cli_letters(const char *cmd, const char *opt, const char *s,
                const char *allowed);
/* s must be one of the NULL-terminated names; *out receives its index
 * (the option's enum values follow that order). */
int cli_choice(const char *cmd, const char *opt, const char *s,
               const char *const *names, int *out);

/* Options of make_regression shared by generate, train and the driver:
 * returns 1 if opt was one of them (parsed into gp), 0 if not, -1 on a bad
 * value. */
enum {
    OPT_SAMPLES = 1000, OPT_FEATURES, OPT_INFORMATIVE, OPT_BIAS, OPT_NOISE,
    OPT_NO_SHUFFLE, OPT_SEED, OPT_GENERATOR,
    OPT_GEN_LAST
};
#define CLI_GEN_LONGOPTS \
    {"samples", 1, 0, OPT_SAMPLES}, {"features", 1, 0, OPT_FEATURES}, \
    {"informative", 1, 0, OPT_INFORMATIVE}, {"bias", 1, 0, OPT_BIAS}, \
    {"noise", 1, 0, OPT_NOISE}, {"no-shuffle", 0, 0, OPT_NO_SHUFFLE}, \
    {"seed", 1, 0, OPT_SEED}, {"generator", 1, 0, OPT_GENERATOR}
#define CLI_GEN_HELP \
    "  --samples N        rows (default 100)\n" \
    "  --features P       features (default 100)\n" \
    "  --informative K    informative features (default 10)\n" \
    "  --bias B           intercept of the true model (default 0)\n" \
    "  --noise S          standard deviation of the Gaussian noise (default 0)\n" \
    "  --no-shuffle       keep rows and features in generation order\n" \
    "  --seed S           random_state, 0..4294967295 (default 0)\n" \
    "  --generator G      sklearn (bit-identical to make_regression, default)\n" \
    "                     or fast (parallel, same output for any thread count)\n"
int cli_gen_option(const char *cmd, int opt, const char *arg, lr_gen_params *gp);

/* Generates gp into a new data set (names x1..xp); coef (may be NULL)
 * receives a malloc'd copy of the true coefficients. Prints errors. */
lr_data *cli_generate(const char *cmd, const lr_gen_params *gp, double **coef);

/* The outputs of one command, one unit (outputs.c): declared before any
 * work, checked, each written to a temporary file, and renamed into place
 * together by cli_out_finish only when all are complete; on failure, or on
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE (exit 128 + signal), every temporary
 * is removed. Symbolic links are written through, FIFOs and devices in
 * place, an existing file keeps its permission bits. Every function prints
 * its errors. */
#define CLI_OUT_MAX 16
typedef struct {
    const char *opt, *path;   /* option (for messages) and path as given */
    int std;                  /* "-": standard output */
    int opened;               /* cli_out_open was called */
    lr_output o;
} cli_out_entry;
typedef struct cli_outset {
    const char *cmd;
    size_t n;
    cli_out_entry e[CLI_OUT_MAX];
} cli_outset;
void cli_out_init(cli_outset *s, const char *cmd);
/* path NULL: not asked for. dash_stdout: "-" means standard output. */
void cli_out_add(cli_outset *s, const char *opt, const char *path,
                 int dash_stdout);
/* Two outputs naming one file: EXIT_USAGE; one that cannot be written: 1;
 * else 0. Installs the signal handlers; the set must outlive the writes. */
int cli_out_check(cli_outset *s);
/* The stream for a declared path, or NULL. cli_out_close closes it (not
 * yet renamed): 0, or -1 when ok is 0 or a write failed. */
FILE *cli_out_open(cli_outset *s, const char *path);
int cli_out_close(cli_outset *s, const char *path, int ok);
/* Opens, writes text (or the JSON document and a newline), closes: 0 or -1. */
int cli_out_text(cli_outset *s, const char *path, const char *text);
int cli_out_json(cli_outset *s, const char *path, const cJSON *doc);
/* lr_model_fwrite into a declared output: 0 or -1. */
int cli_out_model(cli_outset *s, const char *path, const lr_model *m,
                  char *const *names, const char *extra_json);
/* rc 0: renames every output into place (1 if one fails); otherwise
 * removes every temporary. Returns the exit status. */
int cli_out_finish(cli_outset *s, int rc);
/* --out DIR of driver, scale and bench: created if missing, and checked to
 * be a directory one can write in, before any work. 0 or 1 (printed). */
int cli_out_dir(const char *cmd, const char *dir);
/* The file an output path stands for: its links followed, its directory
 * made absolute (malloc'd; NULL without memory): a.csv, ./a.csv and a link
 * to it, even dangling, give one text. */
char *cli_path_canonical(const char *path);
/* A SIGBUS inside [base, base+len) (the file shrank under its mapping)
 * prints "linreg CMD: PATH changed while being read", removes the
 * temporaries and exits 1. */
void cli_watch_mapping(const char *cmd, const void *base, size_t len,
                       const char *path);
void cli_signals_install(void);
/* A scratch file (not an output) removed on those signals too; NULL: none. */
void cli_scratch(const char *path);

/* A data set from --data: CSV (owned), a .npy X mapped with y from
 * --target-file (not copied; float32 X stays float), or one (n, p+1) .npy
 * split into a copy. `view` is what training reads. */
typedef struct {
    lr_data *owned;
    lr_data view;
    lr_npy ax, ay;
    double *ybuf;
    const float *Xf;  /* X when it is float32 (view.X is then NULL) */
    char **names;
    const char *how;  /* for the summary: " (memory-mapped)", " (Fortran
                         order: copied to rows)", ... or "" */
} cli_dataset;
int cli_is_npy(const char *path);
/* Returns 0, or an exit status after printing the error. na_drop: skip
 * the CSV rows with a missing value (lr_csv_opts.na_drop) and print how
 * many on stderr; with a .npy it is a usage error. */
int cli_dataset_load(const char *cmd, cli_dataset *ds, const char *path,
                     const char *target, const char *target_file, char delim,
                     int need_target, int na_drop);
/* As cli_dataset_load, a CSV file parsed by `threads` threads (0: the
 * OpenMP default). */
int cli_dataset_load_threads(const char *cmd, cli_dataset *ds,
                             const char *path, const char *target,
                             const char *target_file, char delim,
                             int need_target, int na_drop, int threads);
/* --na error|drop: *drop is 0 or 1. 0 or -1 (printed). */
int cli_na(const char *cmd, const char *s, int *drop);
#define CLI_NA_HELP \
    "  --na error|drop    a missing value (an empty cell, NA or NaN) in a CSV\n" \
    "                     file is an error (default), or drop: its row is\n" \
    "                     skipped, and the count printed\n"
/* --delimiter: one character, or "tab". 0 or -1 (printed). */
int cli_delimiter(const char *cmd, const char *s, char *out);
void cli_dataset_free(cli_dataset *ds);

/* A model and data whose feature columns match it (apply.c), for
 * `predict` and `evaluate`, and their options. */
typedef struct {
    lr_model *m;
    char **names;
    size_t p;
    cli_dataset ds;
} cli_applied;
typedef struct {
    const char *model, *data, *out, *target, *tfile;
    char delim;
    int na_drop;
    int interval;       /* predict --interval: 0, LR_INTERVAL_* */
    double level;       /* --level (0.95) */
    int level_given;
} cli_applied_args;
/* 0 to go on, -1 after --help, or an exit status (printed). */
int cli_applied_parse(const char *cmd, int argc, char **argv,
                      cli_applied_args *g, void (*usage)(FILE *));
/* Loads the model and the data and checks the features match, by count and
 * by name. 0, or an exit status (printed). */
int cli_applied_load(const char *cmd, cli_applied *a, const char *model,
                     const char *data, const char *target, const char *tfile,
                     char delim, int need_target, int na_drop);
/* The model's predictions of every row into pred (n). */
void cli_applied_predict(const cli_applied *a, double *pred);
void cli_applied_free(cli_applied *a);

/* cJSON number, or null when not finite (JSON has no NaN). */
cJSON *cli_num(double v);
cJSON *cli_array(const double *v, size_t n);

/* The machine: CPU model, logical cores, host name, compiler and flags. */
void cli_machine(char *cpu, size_t cpulen, int *cores);
cJSON *cli_env_json(void);
const char *cli_build_flags(void);

/* Where a training session's rows are and how its numbers travel
 * (linreg-mpi): each process holds its rows (lr_dist.row_lo..), and the
 * session's sums go through dist->sum, its maxima through max. Every
 * process takes the same decisions from the same numbers; the front end
 * silences the standard streams of all but the writer, which alone writes
 * the files. */
typedef struct cli_comm {
    const lr_dist *dist;
    /* buf[0..count) replaced by its elementwise maximum over all processes */
    int (*max)(double *buf, size_t count, void *ctx);
    /* 1 when any process failed; the lowest failing one prints msg */
    int (*agree)(void *ctx, int failed, const char *msg);
    /* after the summary, on every process (it may be collective): the front
     * end's lines on stdout and its fields in the report */
    void (*finish)(void *ctx, cJSON *rep, double elapsed, size_t iters);
    int writer;
    void *ctx;
} cli_comm;

/* An exact reference shared by processes (batch's forked jobs that train
 * on the same data with the same solve options, in memory mapped shared):
 * the first job to solve it publishes it, later ones copy it instead of
 * solving again. state: 0 empty, 1 being written, 2 ready (atomics). */
typedef struct {
    int state;
    double b, mse;
    double w[];               /* p */
} cli_xslot;

/* One training session with its convergence report (session.c), shared by
 * `train`, the driver and linreg-mpi. */
typedef struct {
    lr_params par;
    int f32;                  /* train on a single-precision copy of X */
    int lr_auto;              /* step 1/L, L by power iteration */
    double stop_gap;          /* stop at a gap (cli_gap) <= stop_gap; 0: off */
    const float *Xf;          /* X in single precision when the data have no
                                 double X (a float32 .npy): d->X is NULL */
    size_t log_every;         /* history/table every K iterations; 0: auto */
    size_t print_every;       /* table rows every K (a multiple of log_every);
                                 0: log_every */
    const char *history_out;  /* history as CSV iter,mse,grad_norm; may be NULL */
    int table;                /* print the table (or progress line) on stderr */
    int exact;                /* compute the exact optimum with GSL */
    int stats;                /* and print its statistics (one process) */
    lr_stats_opts stats_opts; /* their --se and --level (zero: the defaults) */
    int stats_opts_given;
    int require_conv;         /* --require-convergence: unconverged is exit 1 */
    const char *model_out;    /* may be NULL */
    struct cli_outset *outs;  /* where model, report and history go
                                 (declared there; committed by the caller) */
    const char *report_out;   /* may be NULL */
    const double *true_coef;  /* generated data: the true coefficients */
    double true_bias;
    const cli_comm *comm;     /* NULL: one process holds every row */
    cli_xslot *xslot;         /* a shared exact reference, or NULL */
} cli_train_opts;

/* Trains on d, prints the summary on stdout, writes the files asked for.
 * *report (may be NULL) receives the report as JSON (caller deletes).
 * Returns an exit status: 0, or 1 on divergence or a failed write. */
int cli_train(const char *cmd, const lr_data *d, const cli_train_opts *o,
              cJSON **report);

/* The exact reference of train (exact.c). Its cost model: the
 * reference's estimated flops (lr_solve_plan) against the training's,
 * 4 n p (iters + 1) for the stream solver, n m^2 + 2 m^2 iters for the
 * gram solver (m = p + 1); it is skipped when it would cost more than
 * CLI_EXACT_RATIO times the training and more than CLI_EXACT_FREE flops,
 * unless `required` (--stop-gap). */
#define CLI_EXACT_RATIO 10.0
#define CLI_EXACT_FREE 1e9
typedef struct {
    int method;          /* LR_EXACT_*, or LR_EXACT_AUTO when none */
    double flops;        /* the reference's estimated cost */
    double train_flops;  /* the training's */
    char note[512];      /* why there is no optimum ("" when there is one) */
} cli_exact;
/* 1 when the reference is to be computed; else 0 with ex->note set. */
int cli_exact_plan(size_t n, size_t p, const lr_params *par, int required,
                   cli_exact *ex);
/* Warns on stderr about constant and duplicated columns (names may be
 * NULL: columns are then numbered from 1). */
void cli_design_warn(const char *cmd, const lr_data *d, const float *Xf,
                     const lr_params *par);
/* The gap of a fit: (mse - mse*) / max(mse*, 1e-6 mse_null), mse_null
 * the MSE of the best constant (var(y)) or, without an intercept, of zero
 * (mean(y^2)); NaN when mse* or mse_null is not known. *basis (may be
 * NULL) names the denominator: "mse*" or "1e-6 var(y)". */
#define CLI_GAP_FLOOR 1e-6
double cli_gap(double mse, double mse_opt, double mse_null, const char **basis);
/* A run that ends by max_iter more than this gap from the optimum has not
 * converged. */
#define CLI_CONVERGED_GAP 1e-6
/* Whether a finished run converged: 1, 0, or -1 when it cannot be told
 * (ended by max_iter without a known gap). Stopping by tol or the target
 * gap counts as converged. */
int cli_converged(int stop_reason, double gap);
/* The warning (or, with require, the error) for an unconverged run, on
 * stderr. */
void cli_not_converged(const char *cmd, double gap, int require);
/* Refuses data whose scales the iterations cannot represent: values of X
 * or y beyond 1e100 or below 1e-100 in magnitude (per column; zero columns
 * are fine), values outside float's range with f32, and an all-zero X
 * without an intercept. xmax and ymax from lr_max_abs; names may be NULL.
 * 0, or 1 after printing the message. */
int cli_check_scales(const char *cmd, char *const *names, size_t p,
                     const double *xmax, double ymax, int intercept, int f32);

/* The options of `train`, parsed (shared with linreg-mpi). */
typedef struct {
    cli_train_opts o;
    lr_gen_params gp;
    const char *data, *target, *target_file;
    char delim;
    int gen_given;
    int na_drop;              /* --na drop */
} cli_train_args;
/* 0: parsed; -1: --help was printed; else an exit status (printed). */
int cli_train_parse(const char *cmd, int argc, char **argv, cli_train_args *a);

/* Timing sweeps (`scale`, `driver`, sweep.c): statistics of repeated
 * timings, flags on rows that must not be read as scaling, and the state
 * of the machine. */
enum {
    CLI_FLAG_SPEEDUP = 1,  /* speedup above 1.1 x the threads */
    CLI_FLAG_IQR = 2,      /* IQR above 10% of the median */
    CLI_FLAG_OVERSUB = 4,  /* more threads than cores */
    CLI_WARN_BUSY = 8      /* (a warning only) load average high at the start */
};
int cli_cmp_double(const void *a, const void *b);
typedef struct {
    double med, iqr, min, max, q1, q3;
} cli_stats;
/* Sorts v[0..n), n >= 1; quartiles interpolated linearly (NumPy's default). */
cli_stats cli_stats_of(double *v, size_t n);
/* The CLI_FLAG_ bits of one row. */
unsigned cli_flags(double speedup, int threads, int cores, double med, double iqr);
/* "speedup+iqr" style, "-" for none; returns buf. */
const char *cli_flag_words(unsigned flags, char *buf, size_t len);
/* One line per flag in `seen`: its word and its likely cause. */
void cli_flag_notes(FILE *f, const char *indent, unsigned seen);
typedef struct {
    int cores, max_threads;
    double load[3];    /* load average at the start; NAN when unknown */
    unsigned warned;   /* CLI_FLAG_OVERSUB, CLI_WARN_BUSY */
    double *fake;      /* LINREG_TEST_TIMES */
    size_t nfake, used;
} cli_sweep;
/* At the start of a sweep up to max_threads: reads the load average and
 * the test hooks (see sweep.c), warns on stderr of oversubscription and of
 * a busy machine. 0, or an exit status (printed). Ends with cli_sweep_end. */
int cli_sweep_begin(const char *cmd, int max_threads, cli_sweep *s);
/* The seconds per iteration to record: measured, or the next injected one. */
double cli_sweep_time(cli_sweep *s, double measured);
/* Adds to e: CPU governor, OMP_PROC_BIND, OMP_PLACES, load average at the
 * start and now, the warnings, and the note of each flag in `seen`
 * ("flag_notes"). */
void cli_sweep_env(const cli_sweep *s, unsigned seen, cJSON *e);
void cli_sweep_end(cli_sweep *s);
/* The timed fits of one configuration at one thread count, shared by
 * `scale` and the driver: `warmup` untimed fits, then `repeat` timed ones,
 * their seconds per iteration (cli_sweep_time) into times[0..repeat); m and
 * res are the last fit's. LR_SUCCESS or the failing fit's status. */
int cli_sweep_fits(cli_sweep *s, const lr_data *d, const float *Xf,
                   const lr_params *par, size_t warmup, size_t repeat,
                   double *times, lr_model *m, lr_result *res);
/* max |a[j] - b[j]| over j < n (0 for n = 0). */
double cli_max_abs_diff(const double *a, const double *b, size_t n);

/* The statistics of a fit on the command line (stats_out.c). --se NAME
 * (is_level 0) or --level L (1) into o: 0, or -1 (printed). */
int cli_stats_option(const char *cmd, int is_level, const char *arg,
                     lr_stats_opts *o);
/* The statistics of the fit of d under par (intercept, standardize, l2
 * copied into so) into *out: 0, or -1 with *out NULL and note (len bytes)
 * saying why: a failure, or a decomposition above CLI_STATS_MAX_FLOPS. */
#define CLI_STATS_MAX_FLOPS 4e9
int cli_stats_compute(const lr_data *d, const float *Xf, const lr_params *par,
                      lr_stats_opts *so, lr_stats **out, char *note, size_t len);
/* The summary(lm)-like table (note: one more line, or NULL). */
void cli_stats_print(FILE *f, const lr_stats *s, char *const *names,
                     const char *note);
/* The report keys of issue 11 added to obj: 0 or -1 (out of memory). */
int cli_stats_json(cJSON *obj, const lr_stats *s, char *const *names,
                   const char *note);
/* The model-file members predict --interval needs (cov_unscaled, sigma,
 * df_residual), added to ex; none for a ridge fit or one without residual
 * degrees of freedom. 0 or -1. */
int cli_stats_model_json(cJSON *ex, const lr_stats *s);
/* {"intercept": ..., and those members (s may be NULL)} as text (free). */
char *cli_stats_model_extra(const lr_stats *s, int intercept);
/* Those members read back from the model file of p features: 0, or 1
 * (printed: a model without them says so). Free ms->cov. */
typedef struct {
    int intercept;
    size_t k;
    double sigma, df, *cov;
} cli_model_stats;
int cli_stats_model_read(const char *cmd, const char *path, size_t p,
                         cli_model_stats *ms);

#endif
