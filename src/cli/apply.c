/* apply.c -- a model applied to data, shared by `predict` and `evaluate`:
 * their options, the model and the data loaded with their feature columns
 * matched, and the predictions. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_applied_free(cli_applied *a)
{
    lr_names_free(a->names, a->p);
    lr_model_free(a->m);
    cli_dataset_free(&a->ds);
}

int cli_applied_load(const char *C, cli_applied *a, const char *model,
                     const char *data, const char *target, const char *tfile,
                     char delim, int need_target, int na_drop)
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
        cli_applied_free(a);
        return 1;
    }
    /* .npy columns have no names of their own (x1..xp): match by position */
    if (!cli_is_npy(data))
        for (size_t j = 0; j < a->p; j++)
            if (strcmp(d->names[j], a->names[j]) != 0) {
                cli_err(C, "%s: feature column %zu is '%s', but the model %s "
                        "expects '%s'", data, j + 1, d->names[j], model,
                        a->names[j]);
                cli_applied_free(a);
                return 1;
            }
    return 0;
}

void cli_applied_predict(const cli_applied *a, double *pred)
{
    const lr_data *d = &a->ds.view;
    lr_predict(lr_matrix_of(d->X, a->ds.Xf, d->n, d->p), lr_model_weights(a->m),
               lr_model_bias(a->m), pred);
}

enum { O_MODEL = 1, O_DATA, O_OUT, O_TARGET, O_TFILE, O_DELIM, O_HELP, O_NA,
       O_INTERVAL, O_LEVEL };
static const struct option longopts[] = {
    {"model", 1, 0, O_MODEL}, {"data", 1, 0, O_DATA}, {"out", 1, 0, O_OUT},
    {"target", 1, 0, O_TARGET}, {"target-file", 1, 0, O_TFILE},
    {"delimiter", 1, 0, O_DELIM}, {"na", 1, 0, O_NA},
    {"interval", 1, 0, O_INTERVAL}, {"level", 1, 0, O_LEVEL},
    {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};

int cli_applied_parse(const char *C, int argc, char **argv, cli_applied_args *g,
                      void (*usage)(FILE *))
{
    int opt;
    memset(g, 0, sizeof *g);
    g->target = "y";
    g->delim = ',';
    g->level = 0.95;
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
        case O_INTERVAL:
            if (strcmp(optarg, "confidence") == 0) {
                g->interval = LR_INTERVAL_CONFIDENCE;
            } else if (strcmp(optarg, "prediction") == 0) {
                g->interval = LR_INTERVAL_PREDICTION;
            } else {
                cli_err(C, "--interval: '%s' is not confidence or prediction", optarg);
                return EXIT_USAGE;
            }
            break;
        case O_LEVEL: {
            lr_stats_opts so = lr_stats_opts_default();
            if (cli_stats_option(C, 1, optarg, &so))
                return EXIT_USAGE;
            g->level = so.level;
            g->level_given = 1;
            break;
        }
        case O_HELP: usage(stdout); return -1;
        default:
            return cli_bad_option(C, argv, usage);
        }
    }
    if (cli_operands(C, argc, argv))
        return EXIT_USAGE;
    return 0;
}
