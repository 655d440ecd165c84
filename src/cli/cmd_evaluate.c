/* cmd_evaluate.c -- `linreg evaluate`: a model's MSE, RMSE, MAE and R^2 on
 * data with a target (apply.c loads and matches). */
#include <math.h>
#include <stdlib.h>

#include "cli.h"

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
    cli_applied_args g;
    int rc = cli_applied_parse(C, argc, argv, &g, evaluate_usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!g.model || !g.data || g.out) {
        cli_err(C, g.out ? "evaluate writes no file: no --out"
                         : "--model and --data are both required");
        return EXIT_USAGE;
    }
    if (g.interval || g.level_given) {
        cli_err(C, "--interval and --level are options of predict");
        return EXIT_USAGE;
    }
    cli_applied a;
    if ((rc = cli_applied_load(C, &a, g.model, g.data, g.target, g.tfile,
                               g.delim, 1, g.na_drop)))
        return rc;
    const lr_data *d = &a.ds.view;
    double *pred = malloc(d->n * sizeof *pred);
    if (!pred) {
        cli_err(C, "out of memory");
        cli_applied_free(&a);
        return 1;
    }
    cli_applied_predict(&a, pred);
    double mse, r2, mae = 0.0;
    lr_metrics(pred, d->y, d->n, &mse, &r2);
    for (size_t i = 0; i < d->n; i++)
        mae += fabs(pred[i] - d->y[i]);
    mae /= (double)d->n;
    printf("samples %zu\nmse     %.15g\nrmse    %.15g\nmae     %.15g\nr2      %.15g\n",
           d->n, mse, sqrt(mse), mae, r2);
    free(pred);
    cli_applied_free(&a);
    return 0;
}
