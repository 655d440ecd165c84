/* cmd_bandwidth.c -- `linreg bandwidth`: a STREAM-like read probe, the
 * GB/s at which T threads read an array; `scale` measures the same probe
 * at each thread count (cli_read_gbs). */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

double cli_read_gbs(const double *a, size_t len, int threads, int reps)
{
    double best[16];
    volatile double sink = 0.0;
    if (reps > 16)
        reps = 16;
    sink += lr_read_sum(a, len, threads); /* warm-up, first touch done */
    for (int r = 0; r < reps; r++) {
        double t0 = lr_now();
        sink += lr_read_sum(a, len, threads);
        best[r] = lr_now() - t0;
    }
    (void)sink;
    qsort(best, (size_t)reps, sizeof *best, cli_cmp_double);
    return (double)len * 8.0 / best[reps / 2] / 1e9;
}

int cmd_bandwidth(int argc, char **argv)
{
    enum { O_THREADS = 1, O_MB, O_HELP };
    static const struct option longopts[] = {
        {"threads", 1, 0, O_THREADS}, {"mb", 1, 0, O_MB},
        {"help", 0, 0, O_HELP}, {0, 0, 0, 0}};
    const char *C = "bandwidth", *tl = NULL;
    size_t mb = 512;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case O_THREADS: tl = optarg; break;
        case O_MB:
            if (cli_size(C, "mb", optarg, 1, &mb))
                return EXIT_USAGE;
            break;
        case O_HELP:
            puts("usage: linreg bandwidth [--threads 1,2,...] [--mb 512]\n\n"
                 "A STREAM-like read probe: the GB/s at which T threads read an\n"
                 "array of MB megabytes (eight partial sums per thread), median\n"
                 "of 7 reads after a warm-up.");
            return 0;
        default:
            return cli_bad_option(C, argv, NULL);
        }
    }
    int t[64];
    int nt = cli_threads_sweep(C, tl, t, 64);
    if (nt < 0)
        return EXIT_USAGE;
    size_t len = mb * 1000000 / 8;
    double *a = malloc(len * sizeof *a);
    if (!a) {
        cli_err(C, "out of memory for %zu MB", mb);
        return 1;
    }
    int maxt = 1;
    for (int k = 0; k < nt; k++)
        maxt = t[k] > maxt ? t[k] : maxt;
#pragma omp parallel for num_threads(maxt) schedule(static)
    for (size_t i = 0; i < len; i++)
        a[i] = (double)(i % 7) * 0.25;
    printf("%7s %10s\n", "threads", "read GB/s");
    for (int k = 0; k < nt; k++)
        printf("%7d %10.2f\n", t[k], cli_read_gbs(a, len, t[k], 7));
    free(a);
    return 0;
}
