/* cmd_predict.c -- `linreg predict`: a model applied to data. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_MODEL = 1, OPT_DATA, OPT_OUT, OPT_TARGET, OPT_HELP };

static void usage(FILE *f)
{
    fputs("usage: linreg predict --model M.json --data X.csv --out pred.csv\n"
          "\n"
          "The data's feature columns must match the model's, by name and\n"
          "order. When the data have the target column (default y), MSE and R^2\n"
          "are printed.\n"
          "  --target NAME      the target column, if present (default y)\n",
          f);
}

int cmd_predict(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", 1, 0, OPT_MODEL}, {"data", 1, 0, OPT_DATA},
        {"out", 1, 0, OPT_OUT}, {"target", 1, 0, OPT_TARGET},
        {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    const char *C = "predict", *model = NULL, *data = NULL, *out = NULL;
    const char *target = "y";
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_MODEL: model = optarg; break;
        case OPT_DATA: data = optarg; break;
        case OPT_OUT: out = optarg; break;
        case OPT_TARGET: target = optarg; break;
        case OPT_HELP: usage(stdout); return 0;
        default:
            cli_err(C, "unknown or incomplete option '%s'", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc || !model || !data || !out) {
        cli_err(C, optind < argc ? "unexpected argument" : "--model, --data and "
                "--out are all required");
        return EXIT_USAGE;
    }
    char err[512];
    const char *outs[] = {out};
    if (cli_outputs_writable(C, outs, 1))
        return 1;
    lr_model *m = NULL;
    char **mnames = NULL;
    lr_data *d = NULL;
    int rc = 1;
    if (lr_model_load(model, &m, &mnames, err, sizeof err) != LR_SUCCESS) {
        cli_err(C, "%s", err);
        return 1;
    }
    const size_t p = lr_model_nfeatures(m);
    int st = lr_csv_read_features(data, target, &d, err, sizeof err);
    if (st != LR_SUCCESS) {
        cli_err(C, "%s", err);
        goto out;
    }
    if (d->p != p) {
        cli_err(C, "%s has %zu feature columns, but the model %s has %zu", data,
                d->p, model, p);
        goto out;
    }
    for (size_t j = 0; j < p; j++)
        if (strcmp(d->names[j], mnames[j]) != 0) {
            cli_err(C, "%s: feature column %zu is '%s', but the model %s "
                    "expects '%s'", data, j + 1, d->names[j], model, mnames[j]);
            goto out;
        }
    double *pred = malloc(d->n * sizeof *pred);
    if (!pred) {
        cli_err(C, "out of memory");
        goto out;
    }
    lr_predict(d->X, d->n, p, lr_model_weights(m), lr_model_bias(m), pred);
    st = lr_csv_write_vector(out, "y_pred", pred, d->n, err, sizeof err);
    if (st != LR_SUCCESS) {
        cli_err(C, "%s", err);
        free(pred);
        goto out;
    }
    if (d->y) {
        double mse, r2;
        lr_metrics(pred, d->y, d->n, &mse, &r2);
        printf("samples %zu\nmse     %.15g\nr2      %.15g\n", d->n, mse, r2);
    } else {
        printf("samples %zu (no '%s' column: no metrics)\n", d->n, target);
    }
    free(pred);
    rc = 0;
out:
    lr_names_free(mnames, p);
    lr_model_free(m);
    lr_data_free(d);
    return rc;
}
