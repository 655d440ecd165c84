/* dataset.c -- the data of a command: generated (cli_generate) or loaded
 * from --data (CSV, or .npy memory-mapped), with the default feature names
 * x1..xp. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* x1..xp (malloc'd, lr_names_free), or NULL when memory is short. */
static char **default_names(size_t p)
{
    char **names = calloc(p, sizeof *names);
    for (size_t j = 0; names && j < p; j++) {
        char buf[32];
        snprintf(buf, sizeof buf, "x%zu", j + 1);
        if (!(names[j] = strdup(buf))) {
            lr_names_free(names, p);
            return NULL;
        }
    }
    return names;
}

lr_data *cli_generate(const char *cmd, const lr_gen_params *gp, double **coef)
{
    const char *field = NULL;
    if (lr_gen_params_check(gp, &field) != LR_SUCCESS) {
        if (strcmp(field, "n_samples*n_features") == 0)
            cli_err(cmd, "--samples %zu x --features %zu overflows the size of "
                    "memory", gp->n_samples, gp->n_features);
        else
            cli_err(cmd, "invalid generator setting: %s", field);
        return NULL;
    }
    /* Refuse, before allocating, what the machine cannot hold: with
     * overcommit a huge malloc succeeds and the process is killed later. */
    double need = ((double)gp->n_samples * (double)gp->n_features
                   + (double)gp->n_samples) * 8.0;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psize > 0 && need > (double)pages * (double)psize) {
        cli_err(cmd, "--samples %zu x --features %zu needs %.3g GB of memory, "
                "and this machine has %.3g GB", gp->n_samples, gp->n_features,
                need / 1e9, (double)pages * (double)psize / 1e9);
        return NULL;
    }
    lr_data *d = lr_data_alloc(gp->n_samples, gp->n_features);
    double *c = malloc(gp->n_features * sizeof *c);
    char **names = d ? default_names(gp->n_features) : NULL;
    if (!d || !c || !names) {
        cli_err(cmd, "out of memory for %zu x %zu samples", gp->n_samples,
                gp->n_features);
        lr_data_free(d);
        free(c);
        return NULL;
    }
    d->names = names;
    int st = lr_generate(gp, d->X, d->y, c);
    if (st != LR_SUCCESS) {
        cli_err(cmd, "generating data: %s", lr_strerror(st));
        lr_data_free(d);
        free(c);
        return NULL;
    }
    if (coef)
        *coef = c;
    else
        free(c);
    return d;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lf = strlen(suffix);
    return ls >= lf && strcmp(s + ls - lf, suffix) == 0;
}

int cli_is_npy(const char *path)
{
    return ends_with(path, ".npy");
}

int cli_dataset_load(const char *cmd, cli_dataset *ds, const char *path,
                     const char *target, const char *target_file, char delim,
                     int need_target, int na_drop)
{
    return cli_dataset_load_threads(cmd, ds, path, target, target_file, delim,
                                    need_target, na_drop, 0);
}

int cli_dataset_load_threads(const char *cmd, cli_dataset *ds,
                             const char *path, const char *target,
                             const char *target_file, char delim,
                             int need_target, int na_drop, int threads)
{
    char err[512];
    memset(ds, 0, sizeof *ds);
    if (!cli_is_npy(path)) {
        if (target_file) {
            cli_err(cmd, "--target-file goes with a .npy --data file");
            return EXIT_USAGE;
        }
        lr_csv_opts co = lr_csv_opts_default();
        co.target = target;
        co.delimiter = delim ? delim : ',';
        co.target_required = need_target;
        co.na_drop = na_drop;
        co.threads = threads;
        if (lr_csv_read_opts(path, &co, &ds->owned, err, sizeof err) != LR_SUCCESS) {
            cli_err(cmd, "%s", err);
            return 1;
        }
        if (na_drop)
            fprintf(stderr, "linreg %s: %s: --na drop: %zu row%s with a missing "
                    "value dropped, %zu kept\n", cmd, path, ds->owned->dropped,
                    ds->owned->dropped == 1 ? "" : "s", ds->owned->n);
        ds->how = "";
        ds->view = *ds->owned;
        return 0;
    }
    if (na_drop) {
        cli_err(cmd, "--na drop reads CSV files; in a .npy, drop the rows with "
                "NaN in NumPy (X[~np.isnan(X).any(axis=1)])");
        return EXIT_USAGE;
    }
    if (lr_npy_open(path, &ds->ax, err, sizeof err) != LR_SUCCESS) {
        cli_err(cmd, "%s", err);
        return 1;
    }
    cli_watch_mapping(cmd, lr_npy_mapping(&ds->ax), lr_npy_mapping_len(&ds->ax), path); /* SIGBUS */
    const lr_npy *a = &ds->ax;
    ds->how = a->copied ? a->f32 ? " (float32, Fortran order: copied to rows)"
                               : " (Fortran order: copied to rows)"
              : a->f32 ? " (float32, memory-mapped)" : " (memory-mapped)";
    if (!need_target || target_file) {
        /* X mapped as it is, not copied: as features only, or with y from
         * its own file */
        if (a->ndim != 2) {
            cli_err(cmd, "%s: X must be a 2-D array (n, p), not 1-D", path);
            cli_dataset_free(ds);
            return 1;
        }
        ds->view.n = a->n;
        ds->view.p = a->p;
        if (a->f32)
            ds->Xf = a->data;
        else
            ds->view.X = (double *)(uintptr_t)a->data; /* read-only view */
    }
    if (target_file) {
        if (lr_npy_open(target_file, &ds->ay, err, sizeof err) != LR_SUCCESS) {
            cli_err(cmd, "%s", err);
            cli_dataset_free(ds);
            return 1;
        }
        cli_watch_mapping(cmd, lr_npy_mapping(&ds->ay), lr_npy_mapping_len(&ds->ay),
                          target_file);
        if (ds->ay.n != a->n || ds->ay.p != 1) {
            cli_err(cmd, "%s has shape (%zu, %zu); the target must have %zu values "
                    "(one per row of %s)", target_file, ds->ay.n, ds->ay.p, a->n,
                    path);
            cli_dataset_free(ds);
            return 1;
        }
        if (ds->ay.f32) {
            ds->ybuf = malloc(a->n * sizeof *ds->ybuf);
            if (!ds->ybuf) {
                cli_err(cmd, "out of memory");
                cli_dataset_free(ds);
                return 1;
            }
            for (size_t i = 0; i < a->n; i++)
                ds->ybuf[i] = ((const float *)ds->ay.data)[i];
            ds->view.y = ds->ybuf;
        } else {
            ds->view.y = (double *)(uintptr_t)ds->ay.data;
        }
    } else if (need_target) {
        /* one (n, p+1) array, the last column the target: split (a copy) */
        if (a->ndim != 2 || a->p < 2) {
            cli_err(cmd, "%s: a single .npy needs shape (n, p+1) with the target "
                    "in the last column (or give --target-file)", path);
            cli_dataset_free(ds);
            return 1;
        }
        const size_t n = a->n, p = a->p - 1;
        ds->owned = lr_data_alloc(n, p);
        if (!ds->owned) {
            cli_err(cmd, "out of memory for %zu x %zu", n, p);
            cli_dataset_free(ds);
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j <= p; j++) {
                double v = a->f32 ? (double)((const float *)a->data)[i * (p + 1) + j]
                                  : ((const double *)a->data)[i * (p + 1) + j];
                if (j < p)
                    ds->owned->X[i * p + j] = v;
                else
                    ds->owned->y[i] = v;
            }
        }
        ds->how = a->copied ? " (Fortran order: copied to rows)" : "";
        lr_npy_close(&ds->ax);
        ds->view = *ds->owned;
    }
    if (!ds->view.names) {
        ds->names = default_names(ds->view.p);
        if (!ds->names) {
            cli_err(cmd, "out of memory");
            cli_dataset_free(ds);
            return 1;
        }
        ds->view.names = ds->names;
    }
    return 0;
}

void cli_dataset_free(cli_dataset *ds)
{
    lr_npy_close(&ds->ax);
    lr_npy_close(&ds->ay);
    free(ds->ybuf);
    if (ds->names)
        lr_names_free(ds->names, ds->view.p);
    lr_data_free(ds->owned);
    memset(ds, 0, sizeof *ds);
}
