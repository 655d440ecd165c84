/* cmd_generate.c -- `linreg generate`: synthetic regression data. */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dtoa.h"

enum { OPT_OUT = OPT_GEN_LAST, OPT_COEF_OUT, OPT_TARGET_OUT, OPT_THREADS, OPT_HELP };

static void usage(FILE *f)
{
    fputs("usage: linreg generate --out FILE.csv [--coef-out FILE.csv] [OPTIONS]\n"
          "\n"
          "Writes make_regression data as CSV (header x1..xp,y; each value the shortest\n"
          "text that reads back to the same double, as Python's repr writes it).\n"
          "\n"
          CLI_GEN_HELP
          "  --out FILE.csv     the data (header x1..xp,y); - for standard output\n"
          "  --out FILE.npy     the data as one (n, p+1) float64 array, the target\n"
          "                     last; with --target-out y.npy: X (n, p) and y (n,)\n"
          "  --coef-out FILE    the true coefficients (header x1..xp,bias)\n"
          "  --threads T        threads for --generator fast and for writing CSV\n",
          f);
}

static int write_coef(cli_outset *os, const char *path, const double *c,
                      size_t p, double bias)
{
    FILE *f = cli_out_open(os, path);
    if (!f)
        return -1;
    for (size_t j = 0; j < p; j++)
        fprintf(f, "x%zu,", j + 1);
    fputs("bias\n", f);
    char num[LR_DTOA_MAX];
    for (size_t j = 0; j < p; j++) {
        lr_dtoa(c[j], num);
        fprintf(f, "%s,", num);
    }
    lr_dtoa(bias, num);
    fprintf(f, "%s\n", num);
    return cli_out_close(os, path, 1);
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
            return cli_bad_option("generate", argv, usage);
        }
    }
    if (cli_operands("generate", argc, argv))
        return EXIT_USAGE;
    if (!out && !coef_out) {
        cli_err("generate", "nothing to write: give --out FILE.csv");
        return EXIT_USAGE;
    }
    if (target_out && (!out || !cli_is_npy(out) || !cli_is_npy(target_out))) {
        cli_err("generate", "--target-out y.npy goes with --out X.npy");
        return EXIT_USAGE;
    }
    cli_outset os;
    cli_out_init(&os, "generate");
    cli_out_add(&os, "out", out, 1);
    cli_out_add(&os, "coef-out", coef_out, 0);
    cli_out_add(&os, "target-out", target_out, 0);
    int rc = cli_out_check(&os);
    if (rc)
        return rc;
    double *coef = NULL;
    lr_data *d = cli_generate("generate", &gp, &coef);
    if (!d)
        return cli_out_finish(&os, 1);
    FILE *f;
    double wt = 0.0; /* seconds spent writing the CSV text */
    long long wbytes = -1;
    if (out && !cli_is_npy(out)) {
        rc = !(f = cli_out_open(&os, out));
        if (!rc) {
            wt = lr_now();
            int st = lr_csv_fwrite_threads(f, d, gp.threads);
            if (st == LR_ENOMEM)
                cli_err("generate", "out of memory formatting %s", out);
            if (st == LR_SUCCESS && fflush(f) == 0)
                wbytes = ftello(f);
            wt = lr_now() - wt;
            rc = cli_out_close(&os, out, st == LR_SUCCESS) != 0;
        }
    }
    if (out && cli_is_npy(out) && target_out) {
        rc = !(f = cli_out_open(&os, out))
             || cli_out_close(&os, out, lr_npy_fwrite(f, d->X, d->n, d->p, 2)
                                        == LR_SUCCESS)
             || !(f = cli_out_open(&os, target_out))
             || cli_out_close(&os, target_out, lr_npy_fwrite(f, d->y, d->n, 1, 1)
                                               == LR_SUCCESS);
    } else if (out && cli_is_npy(out)) {
        /* one (n, p+1) array, the target in the last column */
        size_t cells;
        double *xy = __builtin_mul_overflow(d->n, d->p + 1, &cells)
                     || cells > SIZE_MAX / sizeof *xy ? NULL
                     : malloc(cells * sizeof *xy);
        if (!xy) {
            cli_err("generate", "out of memory");
            rc = 1;
        } else {
            for (size_t i = 0; i < d->n; i++) {
                memcpy(xy + i * (d->p + 1), d->X + i * d->p, d->p * sizeof *xy);
                xy[i * (d->p + 1) + d->p] = d->y[i];
            }
            rc = !(f = cli_out_open(&os, out))
                 || cli_out_close(&os, out, lr_npy_fwrite(f, xy, d->n, d->p + 1, 2)
                                            == LR_SUCCESS);
            free(xy);
        }
    }
    if (!rc && coef_out && write_coef(&os, coef_out, coef, d->p, gp.bias))
        rc = 1;
    rc = cli_out_finish(&os, rc);
    if (!rc)
        fprintf(stderr, "linreg generate: %zu x %zu (%s generator, seed %llu)%s%s\n",
                d->n, d->p, gp.generator == LR_GEN_FAST ? "fast" : "sklearn",
                (unsigned long long)gp.seed, out ? " -> " : "", out ? out : "");
    if (!rc && wbytes > 0 && wt > 0.0)
        fprintf(stderr, "linreg generate: wrote %lld bytes of CSV in %.3f s (%.0f MB/s)\n",
                wbytes, wt, (double)wbytes / wt / 1e6);
    free(coef);
    lr_data_free(d);
    return rc;
}
