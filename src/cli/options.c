/* options.c -- the command line's values: strict parsing of numbers,
 * thread lists, choices and delimiters, the generator's options shared by
 * generate, train, scale and the driver, and the error line. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "cli.h"

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
    for (int k = 0; names[k]; k++) {
        if (strcmp(s, names[k]) == 0) {
            *out = k;
            return 0;
        }
    }
    fprintf(stderr, "linreg %s: --%s: '%s' is not one of: ", cmd, opt, s);
    for (int k = 0; names[k]; k++)
        fprintf(stderr, "%s%s", k ? ", " : "", names[k]);
    fputc('\n', stderr);
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

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int cli_threads_sweep(const char *cmd, const char *s, int *t, int max)
{
    int n = 0;
    if (!s || !*s) {
        int cores = omp_get_num_procs();
        for (int k = 1; k <= cores && n < max; k *= 2)
            t[n++] = k;
        if (t[n - 1] != cores && n < max)
            t[n++] = cores;
        return n;
    }
    int m = cli_threads_list(cmd, "threads", s, t, max);
    if (m > 0)
        qsort(t, (size_t)m, sizeof *t, cmp_int);
    return m;
}

int cli_bad_option(const char *cmd, char **argv, void (*usage)(FILE *))
{
    cli_err(cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
    if (usage)
        usage(stderr);
    return EXIT_USAGE;
}

int cli_operands(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return 0;
    cli_err(cmd, "unexpected argument '%s'", argv[optind]);
    return -1;
}
