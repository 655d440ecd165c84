/* cmd_cv.c -- `linreg cv`: K-fold cross-validation over a grid of ridge
 * penalties (the library's lr_cv_exact / lr_cv_stream, linreg_cv.h): the
 * table, the best penalty by the mean and by the one-standard-error rule,
 * and the refit, the report and the picture asked for. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cli.h"
#include "linreg_cv.h"

static void usage(FILE *f)
{
    fputs("usage: linreg cv --data FILE --folds K (--l2 A1,A2,... | --l2-path N\n"
          "                 --l2-min A --l2-max B) [OPTIONS]\n"
          "\n"
          "K-fold cross-validation of ridge penalties. Folds are contiguous\n"
          "blocks of rows in file order, as scikit-learn's KFold(n_splits=K): the\n"
          "first n mod K folds have floor(n/K) + 1 rows, the others floor(n/K).\n"
          "Each (fold,\n"
          "penalty) pair is fitted on the other folds and scored by the MSE on\n"
          "fold k. The penalty is train's --l2: minimise MSE/2 + l2/2 |w|^2 on\n"
          "the training folds, the intercept unpenalised (with --standardize, on\n"
          "the standardized weights, population sd of the training folds).\n"
          "scikit-learn: Ridge(alpha) on n training rows is --l2 alpha/n, and\n"
          "--standardize is StandardScaler() then Ridge(alpha = n l2) fitted on\n"
          "the training folds, so fold k's MSE is -cross_val_score(Ridge(alpha =\n"
          "n_train l2), X, y, cv=KFold(K), scoring='neg_mean_squared_error')[k].\n"
          "\n"
          "data:\n"
          "  --data FILE        CSV, or .npy (with --target-file y.npy, or one\n"
          "                     (n, p+1) array, the target last)\n"
          "  --target NAME      target column of a CSV file (default y), or #K\n"
          "  --delimiter C      the CSV field separator (default ','; 'tab')\n"
          CLI_NA_HELP
          "cross-validation:\n"
          "  --folds K          folds, 2 <= K <= rows (default 5)\n"
          "  --l2 A1,A2,...     the penalties (each >= 0), in the table's order\n"
          "  --l2-path N        N penalties spaced evenly in log10 from --l2-min A\n"
          "                     to --l2-max B (0 < A <= B): numpy.logspace(log10 A,\n"
          "                     log10 B, N)\n"
          "  --standardize      fit on columns scaled to mean 0, sd 1 (population\n"
          "                     sd of the training folds); weights in raw units\n"
          "  --no-intercept     fit y = X w\n"
          "  --shuffle          permute the rows before cutting folds: the\n"
          "                     permutation is NumPy's\n"
          "                     np.random.RandomState(S).permutation(n), Fisher-Yates\n"
          "                     driven by MT19937 (GSL's gsl_rng_mt19937 seeded S as\n"
          "                     NumPy seeds it), so the folds are those of\n"
          "                     KFold(K, shuffle=True, random_state=S)\n"
          "  --seed S           the permutation's seed, 0..4294967295 (default 0;\n"
          "                     only with --shuffle)\n"
          "  --solver S         exact (default): one parallel pass accumulates each\n"
          "                     fold's Gram matrix, one eigendecomposition per fold\n"
          "                     serves every penalty, a second pass scores the\n"
          "                     held-out rows; the same bits for any thread count.\n"
          "                     stream: gradient descent per (fold, penalty), from\n"
          "                     the largest penalty to the smallest, each fit\n"
          "                     starting from the previous one's weights; the\n"
          "                     training rows of each fold are copied (n p doubles)\n"
          "  --lr RATE|auto     stream: the step (default auto: 1/L)\n"
          "  --iters N          stream: iterations per fit (default 1000)\n"
          "  --tol T            stream: train's --tol (default 0)\n"
          "  --optimizer O      stream: gd (default), momentum or nesterov\n"
          "  --threads T        threads (default: one per 24576 elements of X, up\n"
          "                     to the cores)\n",
          f);
    fputs("output:\n"
          "  --select min|1se   the penalty of --model-out: the smallest mean MSE\n"
          "                     (default), or the one-standard-error rule: the\n"
          "                     largest penalty whose mean is at most the best\n"
          "                     mean plus its standard error, sd / sqrt(K)\n"
          "  --model-out FILE   the model refitted on all rows with the selected\n"
          "                     penalty (what `linreg solve --l2` writes)\n"
          "  --report FILE      JSON: \"folds\", \"results\" (a list of {\"l2\",\n"
          "                     \"mse_mean\", \"mse_std\", \"fold_mse\"}), \"best_l2\",\n"
          "                     \"best_l2_1se\"; mse_std is the sample sd of the\n"
          "                     fold MSEs (ddof = 1; GridSearchCV's std_test_score\n"
          "                     is the population sd, mse_std sqrt((K-1)/K))\n"
          "  --plot FILE.png    the CV curve, mean MSE with sd error bars against\n"
          "                     the penalty, by gnuplot\n",
          f);
}

typedef struct {
    const char *data, *target, *tfile, *model_out, *report, *plot;
    char delim;
    int na_drop, shuffle, seed_given, stream, select_1se, stream_opt;
    uint64_t seed;
    size_t folds, path_n;
    double path_lo, path_hi;
    double *l2;
    size_t nl2;
    lr_params par;
} cv_args;

/* "A1,A2,..." into a->l2 (malloc'd). 0 or -1 (printed). */
static int parse_l2_list(const char *C, const char *s, cv_args *a)
{
    size_t cnt = 1;
    for (const char *q = s; *q; q++)
        cnt += *q == ',';
    free(a->l2);
    a->l2 = malloc(cnt * sizeof *a->l2);
    if (!a->l2) {
        cli_err(C, "out of memory");
        return -1;
    }
    a->nl2 = 0;
    for (const char *q = s;; q++) {
        const size_t l = strcspn(q, ",");
        char item[64];
        if (l == 0 || l >= sizeof item) {
            cli_err(C, "--l2: '%s' %s", s, l ? "has an item too long"
                    : "has an empty item: give penalties like 0.1,1,10");
            return -1;
        }
        memcpy(item, q, l);
        item[l] = '\0';
        if (cli_double(C, "l2", item, 0.0, 0, &a->l2[a->nl2++]))
            return -1;
        q += l;
        if (!*q)
            return 0;
    }
}

/* 0: parsed; -1: --help printed; else an exit status (printed). */
static int cv_parse(const char *C, int argc, char **argv, cv_args *a)
{
    enum { O_DATA = 1, O_TARGET, O_TFILE, O_DELIM, O_NA, O_FOLDS, O_L2,
           O_PATH, O_LMIN, O_LMAX, O_STD, O_NOI, O_SHUF, O_SEED, O_SOLVER,
           O_LR, O_ITERS, O_TOL, O_OPTIM, O_THREADS, O_SELECT, O_MODEL,
           O_REPORT, O_PLOT, O_HELP };
    static const struct option longopts[] = {
        {"data", 1, 0, O_DATA}, {"target", 1, 0, O_TARGET},
        {"target-file", 1, 0, O_TFILE}, {"delimiter", 1, 0, O_DELIM},
        {"na", 1, 0, O_NA}, {"folds", 1, 0, O_FOLDS}, {"l2", 1, 0, O_L2},
        {"l2-path", 1, 0, O_PATH}, {"l2-min", 1, 0, O_LMIN},
        {"l2-max", 1, 0, O_LMAX}, {"standardize", 0, 0, O_STD},
        {"no-intercept", 0, 0, O_NOI}, {"shuffle", 0, 0, O_SHUF},
        {"seed", 1, 0, O_SEED}, {"solver", 1, 0, O_SOLVER},
        {"lr", 1, 0, O_LR}, {"iters", 1, 0, O_ITERS}, {"tol", 1, 0, O_TOL},
        {"optimizer", 1, 0, O_OPTIM}, {"threads", 1, 0, O_THREADS},
        {"select", 1, 0, O_SELECT}, {"model-out", 1, 0, O_MODEL},
        {"report", 1, 0, O_REPORT}, {"plot", 1, 0, O_PLOT},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    static const char *const solvers[] = {"exact", "stream", NULL};
    static const char *const selects[] = {"min", "1se", NULL};
    static const char *const optims[] = {"gd", "momentum", "nesterov", NULL};
    int opt, bad = 0, have_min = 0, have_max = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case O_DATA: a->data = optarg; break;
        case O_TARGET: a->target = optarg; break;
        case O_TFILE: a->tfile = optarg; break;
        case O_DELIM: bad = cli_delimiter(C, optarg, &a->delim); break;
        case O_NA: bad = cli_na(C, optarg, &a->na_drop); break;
        case O_FOLDS: bad = cli_size(C, "folds", optarg, 2, &a->folds); break;
        case O_L2: bad = parse_l2_list(C, optarg, a); break;
        case O_PATH: bad = cli_size(C, "l2-path", optarg, 1, &a->path_n); break;
        case O_LMIN:
            have_min = 1;
            bad = cli_double(C, "l2-min", optarg, 0.0, 1, &a->path_lo);
            break;
        case O_LMAX:
            have_max = 1;
            bad = cli_double(C, "l2-max", optarg, 0.0, 1, &a->path_hi);
            break;
        case O_STD: a->par.standardize = 1; break;
        case O_NOI: a->par.intercept = 0; break;
        case O_SHUF: a->shuffle = 1; break;
        case O_SEED: a->seed_given = 1; bad = cli_u32(C, "seed", optarg, &a->seed); break;
        case O_SOLVER: bad = cli_choice(C, "solver", optarg, solvers, &a->stream); break;
        case O_LR:
            a->stream_opt = 1;
            if (strcmp(optarg, "auto") == 0)
                a->par.lr = LR_LR_AUTO;
            else
                bad = cli_double(C, "lr", optarg, 0.0, 1, &a->par.lr);
            break;
        case O_ITERS:
            a->stream_opt = 1;
            bad = cli_size(C, "iters", optarg, 0, &a->par.max_iter);
            break;
        case O_TOL:
            a->stream_opt = 1;
            bad = cli_double(C, "tol", optarg, 0.0, 0, &a->par.tol);
            break;
        case O_OPTIM:
            a->stream_opt = 1;
            bad = cli_choice(C, "optimizer", optarg, optims, &a->par.optimizer);
            if (!bad && a->par.optimizer == LR_OPT_MOMENTUM)
                a->par.momentum = 0.9; /* train's default */
            break;
        case O_THREADS: bad = cli_threads(C, "threads", optarg, &a->par.threads); break;
        case O_SELECT: bad = cli_choice(C, "select", optarg, selects, &a->select_1se); break;
        case O_MODEL: a->model_out = optarg; break;
        case O_REPORT: a->report = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_HELP: usage(stdout); return -1;
        default: return cli_bad_option(C, argv, usage);
        }
    }
    if (bad || cli_operands(C, argc, argv))
        return EXIT_USAGE;
    const char *why = NULL;
    if (!a->data)
        why = "--data is required";
    else if (!a->l2 == !a->path_n)
        why = a->l2 ? "give --l2 or --l2-path, not both"
                    : "give the penalties: --l2 A1,A2,... or --l2-path N "
                      "--l2-min A --l2-max B";
    else if (a->path_n && (!have_min || !have_max))
        why = "--l2-path needs --l2-min and --l2-max";
    else if (!a->path_n && (have_min || have_max))
        why = "--l2-min and --l2-max go with --l2-path";
    else if (a->path_n && a->path_lo > a->path_hi)
        why = "--l2-min is above --l2-max";
    else if (a->seed_given && !a->shuffle)
        why = "--seed goes with --shuffle";
    else if (a->stream_opt && !a->stream)
        why = "--lr, --iters, --tol and --optimizer go with --solver stream";
    if (why) {
        cli_err(C, "%s", why);
        return EXIT_USAGE;
    }
    if (a->path_n) {
        a->l2 = malloc(a->path_n * sizeof *a->l2);
        if (!a->l2) {
            cli_err(C, "out of memory");
            return 1;
        }
        a->nl2 = a->path_n;
        lr_cv_logspace(a->path_lo, a->path_hi, a->path_n, a->l2);
    }
    return 0;
}

/* The report: the table, the fold sizes and the choices. NULL when
 * memory is short. */
static cJSON *cv_report(const cv_args *a, const lr_data *d, const size_t *lo,
                        const double *fm, const double *mean, const double *sd,
                        size_t best, size_t best1, double secs)
{
    cJSON *r = cJSON_CreateObject(), *res = cJSON_CreateArray();
    cJSON *sizes = cJSON_CreateArray();
    if (!r || !res || !sizes) {
        cJSON_Delete(r);
        cJSON_Delete(res);
        cJSON_Delete(sizes);
        return NULL;
    }
    for (size_t k = 0; k < a->folds; k++)
        cJSON_AddItemToArray(sizes, cJSON_CreateNumber((double)(lo[k + 1] - lo[k])));
    for (size_t i = 0; i < a->nl2; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "l2", cli_num(a->l2[i]));
        cJSON_AddItemToObject(e, "mse_mean", cli_num(mean[i]));
        cJSON_AddItemToObject(e, "mse_std", cli_num(sd[i]));
        cJSON_AddItemToObject(e, "fold_mse", cli_array(fm + i * a->folds, a->folds));
        cJSON_AddItemToArray(res, e);
    }
    cJSON_AddStringToObject(r, "command", "cv");
    cJSON_AddStringToObject(r, "data", a->data);
    cJSON_AddNumberToObject(r, "samples", (double)d->n);
    cJSON_AddNumberToObject(r, "features", (double)d->p);
    cJSON_AddNumberToObject(r, "folds", (double)a->folds);
    cJSON_AddItemToObject(r, "fold_rows", sizes);
    cJSON_AddBoolToObject(r, "shuffle", a->shuffle);
    if (a->shuffle)
        cJSON_AddNumberToObject(r, "seed", (double)a->seed);
    cJSON_AddBoolToObject(r, "standardize", a->par.standardize);
    cJSON_AddBoolToObject(r, "intercept", a->par.intercept);
    cJSON_AddStringToObject(r, "solver", a->stream ? "stream" : "exact");
    cJSON_AddStringToObject(r, "mse_std_is", "sample standard deviation of the "
                            "fold MSEs (ddof = 1); standard error = mse_std / "
                            "sqrt(folds)");
    cJSON_AddItemToObject(r, "results", res);
    cJSON_AddItemToObject(r, "best_l2", cli_num(a->l2[best]));
    cJSON_AddItemToObject(r, "best_l2_1se", cli_num(a->l2[best1]));
    cJSON_AddStringToObject(r, "select", a->select_1se ? "1se" : "min");
    cJSON_AddNumberToObject(r, "threads", (double)a->par.threads);
    cJSON_AddNumberToObject(r, "time_s", secs);
    return r;
}

/* The table on stdout. */
#define CV_PRINT_FOLDS 20
static void cv_print(const cv_args *a, const lr_data *d, const size_t *lo,
                     const double *fm, const double *mean, const double *sd,
                     size_t best, size_t best1, double secs)
{
    /* each fold's column up to CV_PRINT_FOLDS folds; beyond (leave-one-out),
     * the report has them */
    const size_t K = a->folds, shown = K <= CV_PRINT_FOLDS ? K : 0;
    const size_t extra = d->n % K, base = d->n / K;
    printf("samples %zu  features %zu  folds %zu (rows", d->n, d->p, K);
    for (size_t k = 0; k < shown; k++)
        printf(" %zu", lo[k + 1] - lo[k]);
    if (!shown && extra)
        printf(": %zu of %zu, %zu of %zu", extra, base + 1, K - extra, base);
    else if (!shown)
        printf(": %zu each", base);
    printf(")%s  solver %s  threads %d  time %.6g s\n",
           a->shuffle ? "  shuffled" : "", a->stream ? "stream" : "exact",
           a->par.threads, secs);
    if (!shown)
        printf("(more than %d folds: each fold's MSE is in --report)\n",
               CV_PRINT_FOLDS);
    printf("%-13s %-13s %-13s", "l2", "mse_mean", "mse_std");
    for (size_t k = 0; k < shown; k++)
        printf(" fold%-9zu", k + 1);
    printf("\n");
    for (size_t i = 0; i < a->nl2; i++) {
        printf("%-13.6g %-13.7g %-13.5g", a->l2[i], mean[i], sd[i]);
        for (size_t k = 0; k < shown; k++)
            printf(" %-13.7g", fm[i * a->folds + k]);
        printf("%s\n", i == best && i == best1 ? "  <- min, 1se"
                       : i == best ? "  <- min" : i == best1 ? "  <- 1se" : "");
    }
    printf("best l2 (min)   %.17g  mse %.17g\n", a->l2[best], mean[best]);
    printf("best l2 (1se)   %.17g  mse %.17g  (within %.6g of the best: its "
           "standard error, sd / sqrt(%zu))\n", a->l2[best1], mean[best1],
           sd[best] / sqrt((double)a->folds), a->folds);
}

/* The picture: gnuplot reads the script on its standard input and writes
 * the PNG on its standard output, copied into the declared output. 0 or
 * -1 (printed). */
static int cv_plot(const char *C, cli_outset *os, const cv_args *a,
                   const double *mean, const double *sd, size_t best,
                   size_t best1)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        cli_err(C, "--plot: pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        cli_err(C, "--plot: fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    FILE *g = fdopen(in[1], "w");
    int log = a->l2[0] > 0;
    for (size_t i = 0; i < a->nl2; i++)
        log = log && a->l2[i] > 0;
    if (g) {
        fprintf(g, "set terminal pngcairo size 800,560 font \",11\"\nset output\n"
                "set title \"%zu-fold cross-validation%s\"\n"
                "set xlabel \"l2 (train's --l2)\"\nset ylabel \"held-out MSE\"\n"
                "set grid\nset key top left\n%s"
                "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lw 2 "
                "lc rgb \"#1a9850\"\n"
                "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 3 lw 2 "
                "lc rgb \"#d73027\"\n"
                "plot '-' using 1:2:3 with yerrorlines lw 2 pt 7 "
                "title \"mean MSE, sd of the folds\", "
                "NaN dt 2 lw 2 lc rgb \"#1a9850\" title \"best (min) l2 %g\", "
                "NaN dt 3 lw 2 lc rgb \"#d73027\" title \"best (1se) l2 %g\"\n",
                a->folds, a->par.standardize ? ", standardized" : "",
                log ? "set logscale x\n" : "", a->l2[best], a->l2[best],
                a->l2[best1], a->l2[best1], a->l2[best], a->l2[best1]);
        for (size_t i = 0; i < a->nl2; i++)
            fprintf(g, "%.17g %.17g %.17g\n", a->l2[i], mean[i], sd[i]);
        fprintf(g, "e\n");
        fclose(g);
    } else {
        close(in[1]);
    }
    FILE *f = cli_out_open(os, a->plot);
    char buf[65536];
    ssize_t got;
    size_t total = 0;
    int ok = f != NULL;
    while ((got = read(out[0], buf, sizeof buf)) > 0) {
        if (ok && fwrite(buf, 1, (size_t)got, f) != (size_t)got)
            ok = 0;
        total += (size_t)got;
    }
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || total == 0) {
        cli_err(C, "--plot: gnuplot %s", WIFEXITED(status) && WEXITSTATUS(status) == 127
                ? "is not installed (apt-get install gnuplot-nox)" : "failed");
        ok = 0;
    }
    if (f && cli_out_close(os, a->plot, ok) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* gnuplot on the PATH (checked before any work). */
static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char buf[4096];
    for (const char *q = path;;) {
        size_t l = strcspn(q, ":");
        if (l > 0 && l + 9 < sizeof buf) {
            memcpy(buf, q, l);
            memcpy(buf + l, "/gnuplot", 9);
            if (access(buf, X_OK) == 0)
                return 1;
        }
        q += l;
        if (!*q++)
            return 0;
    }
}

/* Runs the cross-validation on the loaded data and writes the outputs. */
static int cv_run(const char *C, cv_args *a, const cli_dataset *ds,
                  cli_outset *os)
{
    const lr_data *d = &ds->view;
    if (a->folds > d->n) {
        cli_err(C, "--folds %zu: %s has %zu rows (2 <= K <= rows)", a->folds,
                a->data, d->n);
        return EXIT_USAGE;
    }
    if (a->par.threads == 0)
        a->par.threads = lr_threads_default(d->n, d->p);
    const size_t K = a->folds, A = a->nl2;
    size_t *lo = malloc((K + 1) * sizeof *lo);
    size_t *perm = a->shuffle ? malloc(d->n * sizeof *perm) : NULL;
    double *fm = malloc(A * K * sizeof *fm), *mean = malloc(A * sizeof *mean);
    double *sd = malloc(A * sizeof *sd);
    lr_model *m = a->model_out ? lr_model_alloc(d->p) : NULL;
    int rc = 1;
    if (!lo || (a->shuffle && !perm) || !fm || !mean || !sd
        || (a->model_out && !m)) {
        cli_err(C, "out of memory");
        goto done;
    }
    lr_cv_folds(d->n, K, lo);
    if (perm && lr_cv_permutation(d->n, a->seed, perm) != LR_SUCCESS) {
        cli_err(C, "out of memory");
        goto done;
    }
    const lr_matrix X = lr_matrix_of(d->X, ds->Xf, d->n, d->p);
    size_t failed[2] = {0, 0};
    double t0 = lr_now();
    int st = a->stream ? lr_cv_stream(X, d->y, perm, K, a->l2, A, &a->par, fm, failed)
                       : lr_cv_exact(X, d->y, perm, K, a->l2, A, &a->par, fm);
    double secs = lr_now() - t0;
    if (st != LR_SUCCESS) {
        if (a->stream && st == LR_EDIVERGE)
            cli_err(C, "%s: fold %zu, l2 %g: gradient descent diverged (a smaller "
                    "--lr, or --lr auto)", a->data, failed[0] + 1, a->l2[failed[1]]);
        else
            cli_err(C, "%s: %s%s", a->data, lr_strerror(st),
                    st == LR_EINVAL && d->p > LR_GRAM_MAX_P
                    ? " (at most 4096 features)" : "");
        goto done;
    }
    size_t best, best1;
    lr_cv_summary(fm, a->l2, A, K, mean, sd, &best, &best1);
    cv_print(a, d, lo, fm, mean, sd, best, best1, secs);
    rc = 0;
    if (a->model_out) {
        lr_params pr = a->par;
        pr.l2 = a->l2[a->select_1se ? best1 : best];
        double b, mse;
        st = lr_solve(X, d->y, &pr, lr_model_weights_mut(m), &b, &mse);
        if (st != LR_SUCCESS) {
            cli_err(C, "%s: the refit with l2 %g failed (%s)", a->data, pr.l2,
                    lr_strerror(st));
            rc = 1;
        } else {
            lr_model_set_bias(m, b);
            printf("refit (%s)     l2 %.17g on all %zu rows: mse %.17g\n",
                   a->select_1se ? "1se" : "min", pr.l2, d->n, mse);
            if (cli_out_model(os, a->model_out, m, d->names, NULL))
                rc = 1;
        }
    }
    if (!rc && a->report) {
        cJSON *r = cv_report(a, d, lo, fm, mean, sd, best, best1, secs);
        if (!r || cli_out_json(os, a->report, r))
            rc = 1;
        cJSON_Delete(r);
    }
    if (!rc && a->plot && cv_plot(C, os, a, mean, sd, best, best1))
        rc = 1;
done:
    free(lo);
    free(perm);
    free(fm);
    free(mean);
    free(sd);
    lr_model_free(m);
    return rc;
}

int cmd_cv(int argc, char **argv)
{
    const char *C = "cv";
    cv_args a;
    memset(&a, 0, sizeof a);
    a.target = "y";
    a.delim = ',';
    a.folds = 5;
    a.par = lr_params_default();
    a.par.lr = LR_LR_AUTO;
    int rc = cv_parse(C, argc, argv, &a);
    if (rc) {
        free(a.l2);
        return rc < 0 ? 0 : rc;
    }
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "model-out", a.model_out, 0);
    cli_out_add(&os, "report", a.report, 0);
    cli_out_add(&os, "plot", a.plot, 0);
    if ((rc = cli_out_check(&os))) {
        free(a.l2);
        return rc;
    }
    if (a.plot && !have_gnuplot()) {
        cli_err(C, "--plot needs gnuplot, which is not installed (apt-get "
                "install gnuplot-nox)");
        free(a.l2);
        return cli_out_finish(&os, 1);
    }
    cli_dataset ds;
    rc = cli_dataset_load_threads(C, &ds, a.data, a.target, a.tfile, a.delim, 1,
                                  a.na_drop, a.par.threads);
    if (!rc) {
        cli_design_warn(C, &ds.view, ds.Xf, &a.par);
        rc = cv_run(C, &a, &ds, &os);
        cli_dataset_free(&ds);
    }
    free(a.l2);
    return cli_out_finish(&os, rc);
}
