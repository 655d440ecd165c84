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

#define EXIT_USAGE 2

/* The spin count main gives libgomp (GOMP_SPINCOUNT) unless the user set
 * OMP_WAIT_POLICY or GOMP_SPINCOUNT: each count is one pause instruction,
 * about 24 ns on the AMD EPYC development machine, so about 10 us of
 * spinning before a waiting thread sleeps. */
#define CLI_SPINCOUNT "400"
#define CLI_SPIN_US "10"

int cmd_generate(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_driver(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_scale(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_bandwidth(int argc, char **argv);

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

/* Checks that every non-NULL path in paths[0..n) can be written; prints
 * the first failure. 0 or -1. */
int cli_outputs_writable(const char *cmd, const char *const *paths, size_t n);

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
} cli_dataset;
int cli_is_npy(const char *path);
/* Returns 0, or an exit status after printing the error. */
int cli_dataset_load(const char *cmd, cli_dataset *ds, const char *path,
                     const char *target, const char *target_file, char delim,
                     int need_target);
/* --delimiter: one character, or "tab". 0 or -1 (printed). */
int cli_delimiter(const char *cmd, const char *s, char *out);
void cli_dataset_free(cli_dataset *ds);

/* Writes a cJSON document atomically to path; prints errors. 0 or -1. */
int cli_write_json(const char *cmd, const char *path, const cJSON *doc);
/* cJSON number, or null when not finite (JSON has no NaN). */
cJSON *cli_num(double v);
cJSON *cli_array(const double *v, size_t n);

/* The machine: CPU model, logical cores, host name, compiler and flags. */
void cli_machine(char *cpu, size_t cpulen, int *cores);
cJSON *cli_env_json(void);
const char *cli_build_flags(void);

/* One training run with its convergence report, shared by `train` and the
 * driver. */
typedef struct {
    lr_params par;
    int f32;                  /* train on a single-precision copy of X */
    int lr_auto;              /* step 1/L, L by power iteration */
    double stop_gap;          /* stop at (mse - mse*)/mse* <= stop_gap; 0: off */
    const float *Xf;          /* X in single precision when the data have no
                                 double X (a float32 .npy): d->X is NULL */
    size_t log_every;         /* history/table every K iterations; 0: auto */
    size_t print_every;       /* table rows every K (a multiple of log_every);
                                 0: log_every */
    const char *history_out;  /* history as CSV iter,mse,grad_norm; may be NULL */
    int table;                /* print the table (or progress line) on stderr */
    int exact;                /* compute the exact optimum with GSL */
    const char *model_out;    /* may be NULL */
    const char *report_out;   /* may be NULL */
    const double *true_coef;  /* generated data: the true coefficients */
    double true_bias;
} cli_train_opts;

/* Trains on d, prints the summary on stdout, writes the files asked for.
 * *report (may be NULL) receives the report as JSON (caller deletes).
 * Returns an exit status: 0, or 1 on divergence or a failed write. */
int cli_train(const char *cmd, const lr_data *d, const cli_train_opts *o,
              cJSON **report);

/* The options of `train`, parsed (shared with linreg-mpi). */
typedef struct {
    cli_train_opts o;
    lr_gen_params gp;
    const char *data, *target, *target_file;
    char delim;
    int gen_given;
} cli_train_args;
/* 0: parsed; -1: --help was printed; else an exit status (printed). */
int cli_train_parse(const char *cmd, int argc, char **argv, cli_train_args *a);

#endif
