/* cmd_predict.c -- `linreg predict`: a model applied to data, the
 * predictions written as CSV (apply.c loads and matches). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
          "                     (the predictions are of the rows kept)\n"
          "  --interval KIND    confidence or prediction: the columns lower and\n"
          "                     upper beside y_pred, as R's predict.lm(...,\n"
          "                     interval = KIND): y_pred -+ t se, se^2 = sigma^2\n"
          "                     x^T (X^T X)^-1 x (+ sigma^2 for prediction), t on\n"
          "                     the fit's residual degrees of freedom; needs a\n"
          "                     model written by solve (or train with the exact\n"
          "                     reference), without --l2\n"
          "  --level L          the intervals' level (default 0.95)\n",
          f);
}

/* The predictions (y_pred), or with intervals the columns y_pred, lower
 * and upper (pred holds the three columns one after the other): 1 when
 * every write succeeded. */
static int write_pred(FILE *f, const double *pred, size_t n, int interval)
{
    if (!interval)
        return lr_csv_fwrite_vector(f, "y_pred", pred, n) == LR_SUCCESS;
    return lr_csv_fwrite_columns(f, "y_pred,lower,upper", pred, n, 3)
           == LR_SUCCESS;
}

int cmd_predict(int argc, char **argv)
{
    const char *C = "predict";
    cli_applied_args g;
    int rc = cli_applied_parse(C, argc, argv, &g, predict_usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!g.model || !g.data || !g.out) {
        cli_err(C, "--model, --data and --out are all required");
        return EXIT_USAGE;
    }
    if (g.level_given && !g.interval) {
        cli_err(C, "--level needs --interval confidence or prediction");
        return EXIT_USAGE;
    }
    cli_outset os;
    cli_out_init(&os, C);
    cli_out_add(&os, "out", g.out, 1);
    if ((rc = cli_out_check(&os)))
        return rc;
    cli_applied a;
    if ((rc = cli_applied_load(C, &a, g.model, g.data, g.target, g.tfile,
                               g.delim, 0, g.na_drop)))
        return cli_out_finish(&os, rc);
    const lr_data *d = &a.ds.view;
    cli_model_stats ms = {0, 0, 0, 0, NULL};
    if (g.interval && cli_stats_model_read(C, g.model, a.p, &ms)) {
        cli_applied_free(&a);
        return cli_out_finish(&os, 1);
    }
    double *pred = malloc((g.interval ? 3 : 1) * d->n * sizeof *pred);
    FILE *f, *info = strcmp(g.out, "-") == 0 ? stderr : stdout; /* not in the data */
    if (!pred) {
        cli_err(C, "out of memory");
        rc = 1;
    } else {
        if (g.interval)
            lr_predict_interval(lr_matrix_of(d->X, a.ds.Xf, d->n, d->p),
                                lr_model_weights(a.m), lr_model_bias(a.m),
                                ms.intercept, ms.cov, ms.sigma, ms.df, g.interval,
                                g.level, pred, pred + d->n, pred + 2 * d->n);
        else
            cli_applied_predict(&a, pred);
        if (!(f = cli_out_open(&os, g.out))
            || cli_out_close(&os, g.out, write_pred(f, pred, d->n, g.interval))
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
    free(ms.cov);
    cli_applied_free(&a);
    return cli_out_finish(&os, rc);
}
