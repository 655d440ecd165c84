/* cmd_generate.c -- `linreg generate`: synthetic regression data. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_OUT = OPT_GEN_LAST, OPT_COEF_OUT, OPT_TARGET_OUT, OPT_THREADS, OPT_HELP };

static void usage(FILE *f)
{
    fputs("usage: linreg generate --out FILE.csv [--coef-out FILE.csv] [OPTIONS]\n"
          "\n"
          "Writes make_regression data as CSV (header x1..xp,y; %.17g values).\n"
          "\n"
          CLI_GEN_HELP
          "  --out FILE.csv     the data (header x1..xp,y)\n"
          "  --out FILE.npy     the data as one (n, p+1) float64 array, the target\n"
          "                     last; with --target-out y.npy: X (n, p) and y (n,)\n"
          "  --coef-out FILE    the true coefficients (header x1..xp,bias)\n"
          "  --threads T        threads for --generator fast\n",
          f);
}

static int write_coef(const char *path, const double *c, size_t p, double bias)
{
    size_t cap = 64 + p * 32;
    char *buf = malloc(cap), err[512];
    if (!buf) {
        cli_err("generate", "out of memory");
        return -1;
    }
    size_t at = 0;
    for (size_t j = 0; j < p; j++)
        at += (size_t)snprintf(buf + at, cap - at, "x%zu,", j + 1);
    at += (size_t)snprintf(buf + at, cap - at, "bias\n");
    for (size_t j = 0; j < p; j++)
        at += (size_t)snprintf(buf + at, cap - at, "%.17g,", c[j]);
    snprintf(buf + at, cap - at, "%.17g\n", bias);
    int st = lr_write_file_atomic(path, buf, err, sizeof err);
    free(buf);
    if (st != LR_SUCCESS) {
        cli_err("generate", "%s", err);
        return -1;
    }
    return 0;
}

int cmd_generate(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_GEN_LONGOPTS,
        {"out", 1, 0, OPT_OUT}, {"coef-out", 1, 0, OPT_COEF_OUT},
        {"target-out", 1, 0, OPT_TARGET_OUT},
        {"threads", 1, 0, OPT_THREADS}, {"help", 0, 0, OPT_HELP}, {0, 0, 0, 0}};
    lr_gen_params gp = lr_gen_params_default();
    const char *out = NULL, *coef_out = NULL, *target_out = NULL;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int r = cli_gen_option("generate", opt, optarg, &gp);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        switch (opt) {
        case OPT_OUT: out = optarg; break;
        case OPT_COEF_OUT: coef_out = optarg; break;
        case OPT_TARGET_OUT: target_out = optarg; break;
        case OPT_THREADS:
            if (cli_threads("generate", "threads", optarg, &gp.threads))
                return EXIT_USAGE;
            break;
        case OPT_HELP: usage(stdout); return 0;
        default:
            cli_err("generate", "unknown or incomplete option '%s'", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_err("generate", "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!out && !coef_out) {
        cli_err("generate", "nothing to write: give --out FILE.csv");
        return EXIT_USAGE;
    }
    if (target_out && (!out || !cli_is_npy(out) || !cli_is_npy(target_out))) {
        cli_err("generate", "--target-out y.npy goes with --out X.npy");
        return EXIT_USAGE;
    }
    const char *outs[] = {out, coef_out, target_out};
    if (cli_outputs_writable("generate", outs, 3))
        return 1;
    double *coef = NULL;
    lr_data *d = cli_generate("generate", &gp, &coef);
    if (!d)
        return 1;
    int rc = 0;
    char err[512];
    if (out && !cli_is_npy(out) && lr_csv_write(out, d, err, sizeof err) != LR_SUCCESS) {
        cli_err("generate", "%s", err);
        rc = 1;
    }
    if (out && cli_is_npy(out) && target_out) {
        if (lr_npy_write(out, d->X, d->n, d->p, 2, err, sizeof err) != LR_SUCCESS
            || lr_npy_write(target_out, d->y, d->n, 1, 1, err, sizeof err)
               != LR_SUCCESS) {
            cli_err("generate", "%s", err);
            rc = 1;
        }
    } else if (out && cli_is_npy(out)) {
        /* one (n, p+1) array, the target in the last column */
        double *xy = malloc(d->n * (d->p + 1) * sizeof *xy);
        if (!xy) {
            cli_err("generate", "out of memory");
            rc = 1;
        } else {
            for (size_t i = 0; i < d->n; i++) {
                memcpy(xy + i * (d->p + 1), d->X + i * d->p, d->p * sizeof *xy);
                xy[i * (d->p + 1) + d->p] = d->y[i];
            }
            if (lr_npy_write(out, xy, d->n, d->p + 1, 2, err, sizeof err)
                != LR_SUCCESS) {
                cli_err("generate", "%s", err);
                rc = 1;
            }
            free(xy);
        }
    }
    if (!rc && coef_out && write_coef(coef_out, coef, d->p, gp.bias))
        rc = 1;
    if (!rc)
        fprintf(stderr, "linreg generate: %zu x %zu (%s generator, seed %llu)%s%s\n",
                d->n, d->p, gp.generator == LR_GEN_FAST ? "fast" : "sklearn",
                (unsigned long long)gp.seed, out ? " -> " : "", out ? out : "");
    free(coef);
    lr_data_free(d);
    return rc;
}
