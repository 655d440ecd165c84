/* cmd_predict.c -- `linreg predict` (a model applied to data) and
 * `linreg evaluate` (its MSE, RMSE, MAE and R^2 on data with a target). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A model and data whose feature columns match it. */
typedef struct {
    lr_model *m;
    char **names;
    size_t p;
    cli_dataset ds;
} applied;

static void applied_free(applied *a)
{
    lr_names_free(a->names, a->p);
    lr_model_free(a->m);
    cli_dataset_free(&a->ds);
}

/* Loads the model and the data and checks the features match, by count and
 * by name. 0, or an exit status (printed). */
static int load(const char *C, applied *a, const char *model, const char *data,
                const char *target, const char *tfile, char delim, int need_target,
                int na_drop)
{
    char err[512];
    memset(a, 0, sizeof *a);
    if (lr_model_load(model, &a->m, &a->names, err, sizeof err) != LR_SUCCESS) {
        cli_err(C, "%s", err);
        return 1;
    }
    a->p = lr_model_nfeatures(a->m);
    int rc = cli_dataset_load(C, &a->ds, data, target, tfile, delim, need_target,
                              na_drop);
    if (rc) {
        lr_names_free(a->names, a->p);
        lr_model_free(a->m);
        memset(a, 0, sizeof *a);
        return rc;
    }
    const lr_data *d = &a->ds.view;
    if (d->p != a->p) {
        cli_err(C, "%s has %zu feature columns, but the model %s has %zu", data,
                d->p, model, a->p);
        applied_free(a);
        return 1;
    }
    /* .npy columns have no names of their own (x1..xp): match by position */
    if (!cli_is_npy(data))
        for (size_t j = 0; j < a->p; j++)
            if (strcmp(d->names[j], a->names[j]) != 0) {
                cli_err(C, "%s: feature column %zu is '%s', but the model %s "
                        "expects '%s'", data, j + 1, d->names[j], model,
                        a->names[j]);
                applied_free(a);
                return 1;
            }
    return 0;
}

static void predict_all(const applied *a, double *pred)
{
    const lr_data *d = &a->ds.view;
    lr_predict(lr_matrix_of(d->X, a->ds.Xf, d->n, d->p), lr_model_weights(a->m),
               lr_model_bias(a->m), pred);
}

enum { O_MODEL = 1, O_DATA, O_OUT, O_TARGET, O_TFILE, O_DELIM, O_HELP, O_NA };
static const struct option longopts[] = {
    {"model", 1, 0, O_MODEL}, {"data", 1, 0, O_DATA}, {"out", 1, 0, O_OUT},
    {"target", 1, 0, O_TARGET}, {"target-file", 1, 0, O_TFILE},
    {"delimiter", 1, 0, O_DELIM}, {"na", 1, 0, O_NA},
    {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};

typedef struct {
    const char *model, *data, *out, *target, *tfile;
    char delim;
    int na_drop;
} args;

/* 0 to go on, -1 after --help, or an exit status. */
static int parse(const char *C, int argc, char **argv, args *g,
                 void (*usage)(FILE *))
{
    int opt;
    memset(g, 0, sizeof *g);
    g->target = "y";
    g->delim = ',';
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case O_MODEL: g->model = optarg; break;
        case O_DATA: g->data = optarg; break;
        case O_OUT: g->out = optarg; break;
        case O_TARGET: g->target = optarg; break;
        case O_TFILE: g->tfile = optarg; break;
        case O_DELIM:
            if (cli_delimiter(C, optarg, &g->delim))
                return EXIT_USAGE;
            break;
        case O_NA:
            if (cli_na(C, optarg, &g->na_drop))
                return EXIT_USAGE;
            break;
        case O_HELP: usage(stdout); return -1;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_err(C, "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    return 0;
}

static void predict_usage(FILE *f)
{
    fputs("usage: linreg predict --model M.json --data X.csv --out pred.csv\n"
          "\n"
          "The data's feature columns must match the model's, by name and\n"
          "order (a .npy X: by position). When the data have the target (column\n"
          "y of a CSV, or --target-file), MSE and R^2 are printed.\n"
          "  --out FILE         the predictions (header y_pred); - for standard\n"
          "                     output (the metrics then go to stderr)\n"
          "  --target NAME      the target column, if present (default y)\n"
          "  --target-file Y    the target of a .npy X\n"
          "  --delimiter C      the CSV field separator (default ',')\n"
          CLI_NA_HELP
          "                     (the predictions are of the rows kept)\n",
          f);
}

int cmd_predict(int argc, char **argv)
{
    const char *C = "predict";
    args g;
    int rc = parse(C, argc, argv, &g, predict_usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!g.model || !g.data || !g.out) {
        cli_err(C, "--model, --data and --out are all required");
        return EXIT_USAGE;
    }
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "out", g.out, 1);
    if ((rc = cli_out_check(&os)))
        return rc;
    applied a;
    if ((rc = load(C, &a, g.model, g.data, g.target, g.tfile, g.delim, 0,
                   g.na_drop)))
        return cli_out_finish(&os, rc);
    const lr_data *d = &a.ds.view;
    double *pred = malloc(d->n * sizeof *pred);
    FILE *f, *info = strcmp(g.out, "-") == 0 ? stderr : stdout; /* not in the data */
    if (!pred) {
        cli_err(C, "out of memory");
        rc = 1;
    } else {
        predict_all(&a, pred);
        if (!(f = cli_out_open(&os, g.out))
            || cli_out_close(&os, g.out, lr_csv_fwrite_vector(f, "y_pred", pred, d->n)
                                         == LR_SUCCESS)
            || (rc = cli_out_finish(&os, 0))) {
            rc = 1;
        } else if (d->y) {
            double mse, r2;
            lr_metrics(pred, d->y, d->n, &mse, &r2);
            fprintf(info, "samples %zu\nmse     %.15g\nr2      %.15g\n", d->n, mse,
                    r2);
        } else {
            fprintf(info, "samples %zu (no target: no metrics)\n", d->n);
        }
    }
    free(pred);
    applied_free(&a);
    return cli_out_finish(&os, rc);
}

static void evaluate_usage(FILE *f)
{
    fputs("usage: linreg evaluate --model M.json --data FILE\n"
          "\n"
          "Prints MSE, RMSE, MAE and R^2 of the model on data with a target\n"
          "(column y of a CSV, --target NAME, or a .npy with --target-file or\n"
          "the target as its last column).\n"
          "  --delimiter C      the CSV field separator (default ',')\n"
          CLI_NA_HELP,
          f);
}

int cmd_evaluate(int argc, char **argv)
{
    const char *C = "evaluate";
    args g;
    int rc = parse(C, argc, argv, &g, evaluate_usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!g.model || !g.data || g.out) {
        cli_err(C, g.out ? "evaluate writes no file: no --out"
                         : "--model and --data are both required");
        return EXIT_USAGE;
    }
    applied a;
    if ((rc = load(C, &a, g.model, g.data, g.target, g.tfile, g.delim, 1,
                   g.na_drop)))
        return rc;
    const lr_data *d = &a.ds.view;
    double *pred = malloc(d->n * sizeof *pred);
    if (!pred) {
        cli_err(C, "out of memory");
        applied_free(&a);
        return 1;
    }
    predict_all(&a, pred);
    double mse, r2, mae = 0.0;
    lr_metrics(pred, d->y, d->n, &mse, &r2);
    for (size_t i = 0; i < d->n; i++)
        mae += fabs(pred[i] - d->y[i]);
    mae /= (double)d->n;
    printf("samples %zu\nmse     %.15g\nrmse    %.15g\nmae     %.15g\nr2      %.15g\n",
           d->n, mse, sqrt(mse), mae, r2);
    free(pred);
    applied_free(&a);
    return 0;
}
