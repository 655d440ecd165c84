/* util.c -- option parsing, generation and JSON helpers for the program. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <omp.h>

#include "cli.h"

#ifndef LR_BUILD_FLAGS
#define LR_BUILD_FLAGS "unknown"
#endif

void cli_err(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "linreg %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int bad(const char *cmd, const char *opt, const char *s, const char *why)
{
    cli_err(cmd, "--%s: '%s' %s", opt, s, why);
    return -1;
}

int cli_size(const char *cmd, const char *opt, const char *s, size_t min,
             size_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return bad(cmd, opt, s ? s : "", "is not a non-negative integer");
    errno = 0;
    /* accept 1e6-style integers too */
    unsigned long long v = strtoull(s, &end, 10);
    if (*end == 'e' || *end == 'E' || *end == '.') {
        double d = strtod(s, &end);
        if (*end || !isfinite(d) || d != floor(d) || d >= 1.8e19)
            return bad(cmd, opt, s, "is not a non-negative integer");
        v = (unsigned long long)d;
    } else if (*end || errno == ERANGE) {
        return bad(cmd, opt, s, errno == ERANGE ? "is too large"
                                                : "is not a non-negative integer");
    }
    if (v < min) {
        char why[64];
        snprintf(why, sizeof why, "must be at least %zu", min);
        return bad(cmd, opt, s, why);
    }
    *out = (size_t)v;
    return 0;
}

int cli_u32(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    size_t v;
    if (cli_size(cmd, opt, s, 0, &v))
        return -1;
    if (v > 0xffffffffULL)
        return bad(cmd, opt, s, "must be at most 4294967295");
    *out = v;
    return 0;
}

int cli_double(const char *cmd, const char *opt, const char *s, double min,
               int min_open, double *out)
{
    char *end;
    errno = 0;
    double v = s && *s ? strtod(s, &end) : NAN;
    if (!s || !*s || *end)
        return bad(cmd, opt, s ? s : "", "is not a number");
    if (!isfinite(v) || errno == ERANGE)
        return bad(cmd, opt, s, "is not a finite number");
    if (v < min || (min_open && v == min)) {
        char why[64];
        snprintf(why, sizeof why, "must be %s %g", min_open ? "above" : "at least",
                 min);
        return bad(cmd, opt, s, why);
    }
    *out = v;
    return 0;
}

int cli_choice(const char *cmd, const char *opt, const char *s,
               const char *const *names, int *out)
{
    char list[256] = "";
    size_t at = 0;
    for (int k = 0; names[k]; k++) {
        if (strcmp(s, names[k]) == 0) {
            *out = k;
            return 0;
        }
        at += (size_t)snprintf(list + at, at < sizeof list ? sizeof list - at : 0,
                               "%s%s", k ? ", " : "", names[k]);
    }
    cli_err(cmd, "--%s: '%s' is not one of: %s", opt, s, list);
    return -1;
}

int cli_threads(const char *cmd, const char *opt, const char *s, int *out)
{
    size_t v;
    if (cli_size(cmd, opt, s, 1, &v))
        return -1;
    if (v > 4096)
        return bad(cmd, opt, s, "is more threads than any machine has (max 4096)");
    *out = (int)v;
    return 0;
}

int cli_threads_list(const char *cmd, const char *opt, const char *s, int *t,
                     int max)
{
    int n = 0;
    for (const char *q = s;; q++) {
        const size_t l = strcspn(q, ",");
        char item[32];
        if (l == 0 || l >= sizeof item) {
            cli_err(cmd, "--%s: '%s' %s", opt, s, l ? "has an item too long"
                    : "has an empty item: give thread counts like 1,2,4");
            return -1;
        }
        if (n == max) {
            cli_err(cmd, "--%s: at most %d values", opt, max);
            return -1;
        }
        memcpy(item, q, l);
        item[l] = '\0';
        if (cli_threads(cmd, opt, item, &t[n++]))
            return -1;
        q += l;
        if (!*q)
            return n;
    }
}

int cli_letters(const char *cmd, const char *opt, const char *s,
                const char *allowed)
{
    if (!*s)
        return bad(cmd, opt, s, "is empty");
    for (const char *q = s; *q; q++)
        if (!strchr(allowed, *q)) {
            cli_err(cmd, "--%s: '%s': '%c' is not one of the letters %s", opt, s,
                    *q, allowed);
            return -1;
        }
    return 0;
}

int cli_gen_option(const char *cmd, int opt, const char *arg, lr_gen_params *gp)
{
    switch (opt) {
    case OPT_SAMPLES:
        return cli_size(cmd, "samples", arg, 1, &gp->n_samples) ? -1 : 1;
    case OPT_FEATURES:
        return cli_size(cmd, "features", arg, 1, &gp->n_features) ? -1 : 1;
    case OPT_INFORMATIVE:
        return cli_size(cmd, "informative", arg, 0, &gp->n_informative) ? -1 : 1;
    case OPT_BIAS:
        return cli_double(cmd, "bias", arg, -HUGE_VAL, 0, &gp->bias) ? -1 : 1;
    case OPT_NOISE:
        return cli_double(cmd, "noise", arg, 0.0, 0, &gp->noise) ? -1 : 1;
    case OPT_NO_SHUFFLE:
        gp->shuffle = 0;
        return 1;
    case OPT_SEED:
        return cli_u32(cmd, "seed", arg, &gp->seed) ? -1 : 1;
    case OPT_GENERATOR: {
        static const char *const names[] = {"sklearn", "fast", NULL};
        return cli_choice(cmd, "generator", arg, names, &gp->generator) ? -1 : 1;
    }
    default:
        return 0;
    }
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
    char **names = d ? calloc(gp->n_features, sizeof *names) : NULL;
    if (!d || !c || !names) {
        cli_err(cmd, "out of memory for %zu x %zu samples", gp->n_samples,
                gp->n_features);
        lr_data_free(d);
        free(c);
        free(names);
        return NULL;
    }
    d->names = names;
    for (size_t j = 0; j < d->p; j++) {
        char buf[32];
        snprintf(buf, sizeof buf, "x%zu", j + 1);
        if (!(names[j] = strdup(buf))) {
            cli_err(cmd, "out of memory");
            lr_data_free(d);
            free(c);
            return NULL;
        }
    }
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

cJSON *cli_num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

cJSON *cli_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t j = 0; a && j < n; j++)
        cJSON_AddItemToArray(a, cli_num(v[j]));
    return a;
}

void cli_machine(char *cpu, size_t cpulen, int *cores)
{
    snprintf(cpu, cpulen, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *c = strchr(line, ':');
                if (c) {
                    c++;
                    while (*c == ' ')
                        c++;
                    c[strcspn(c, "\n")] = '\0';
                    snprintf(cpu, cpulen, "%s", c);
                }
                break;
            }
        }
        fclose(f);
    }
    *cores = omp_get_num_procs();
}

const char *cli_build_flags(void)
{
    return LR_BUILD_FLAGS;
}

cJSON *cli_env_json(void)
{
    char cpu[256], host[256] = "unknown";
    int cores;
    cli_machine(cpu, sizeof cpu, &cores);
    gethostname(host, sizeof host - 1);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "cpu", cpu);
    cJSON_AddNumberToObject(e, "cores", cores);
    cJSON_AddStringToObject(e, "host", host);
    cJSON_AddStringToObject(e, "compiler", "gcc " __VERSION__);
    cJSON_AddStringToObject(e, "flags", cli_build_flags());
    cJSON_AddStringToObject(e, "linreg", LR_VERSION);
    const char *omp = getenv("OMP_NUM_THREADS");
    cJSON_AddStringToObject(e, "OMP_NUM_THREADS", omp ? omp : "");
    return e;
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

int cli_dataset_load(const char *cmd, cli_dataset *ds, const char *path,
                     const char *target, const char *target_file, char delim,
                     int need_target, int na_drop)
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
        cli_watch_mapping(cmd, lr_npy_mapping(&ds->ay), lr_npy_mapping_len(&ds->ay), target_file);
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

int cli_na(const char *cmd, const char *s, int *drop)
{
    static const char *const names[] = {"error", "drop", NULL};
    return cli_choice(cmd, "na", s, names, drop);
}

int cli_delimiter(const char *cmd, const char *s, char *out)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        *out = '\t';
    else if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
        *out = s[0];
    else {
        cli_err(cmd, "--delimiter: '%s' is not one character (or 'tab'), and "
                "not a quote or a line break", s);
        return -1;
    }
    return 0;
}
