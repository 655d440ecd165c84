/* main.c -- the linreg program: dispatches to the subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("usage: linreg COMMAND [OPTIONS]\n"
          "\n"
          "Linear regression by batch gradient descent on mean squared error,\n"
          "parallel with OpenMP.\n"
          "\n"
          "commands:\n"
          "  generate   synthetic data, bit-identical to scikit-learn's make_regression\n"
          "  train      fit a model (from --data FILE.csv or generated data)\n"
          "  solve      the exact least-squares fit (GSL), the yardstick\n"
          "  cv         K-fold cross-validation over a grid of ridge penalties\n"
          "  predict    apply a model to data\n"
          "  evaluate   MSE, RMSE, MAE and R^2 of a model on data\n"
          "  driver     the main job: the tutorial run, then a thread-scaling table\n"
          "  bench      time per iteration at the benchmark sizes\n"
          "  scale      thread-scaling experiments (strong or weak)\n"
          "  bandwidth  the machine's read bandwidth at 1..T threads\n"
          "  batch      many train runs from a file of option lines, side by side\n"
          "\n"
          "'linreg COMMAND --help' shows the options of each command.\n"
          "\n"
          "environment:\n"
          "  LR_ISA=baseline|avx2|avx512   pin the kernels to one instruction set\n"
          "                     (default: the widest this CPU has; all give the\n"
          "                     same bits)\n"
          "  OMP_WAIT_POLICY, GOMP_SPINCOUNT   when neither is set, idle threads\n"
          "                     spin for about " CLI_SPIN_US " us, then sleep (GOMP_SPINCOUNT\n"
          "                     set to the pause instructions that take as long\n"
          "                     on this CPU),\n"
          "                     leaving the cores to other processes (not when\n"
          "                     OMP_PROC_BIND, OMP_PLACES or GOMP_CPU_AFFINITY is\n"
          "                     set: libgomp's own policy then)\n"
          "  OMP_NUM_THREADS   the most threads; also fixes train's team, which\n"
          "                     otherwise follows the work (one thread per 24576\n"
          "                     elements of X) and the load (other processes'\n"
          "                     runnable tasks, /proc/loadavg; train --help)\n"
          "  LINREG_TEST_LOAD=N1,N2,...   (a test hook) train's load samples:\n"
          "                     other processes' runnable tasks, one per pass\n"
          "                     (the last repeats; x: unreadable)\n"
          "  LINREG_F32_L1=0|1   (a measurement hook) float rows of 257 to 1024\n"
          "                     features on AVX-512: 1 widens each element twice\n"
          "                     and prefetches into the L1 cache (the default on\n"
          "                     AMD's CPUs), 0 widens once (elsewhere); the same\n"
          "                     bits either way\n"
          "  LINREG_DBL_BLK4=0|1  (a measurement hook) double rows of more than\n"
          "                     1024 features: 1 takes blocks of four rows (the\n"
          "                     default on AMD's CPUs), 0 one row a block to 1536\n"
          "                     and the pipelined pass past it (elsewhere); the\n"
          "                     same bits either way\n",
          f);
}

int main(int argc, char **argv)
{
    cli_wait_policy(argv);
    /* GSL's default handler aborts; the library reports statuses instead. */
    gsl_set_error_handler_off();
    /* LR_ISA pins the kernels to one instruction set. */
    const char *isa = getenv("LR_ISA");
    if (isa && isa[0] && lr_kernel_isa_set(isa) != LR_SUCCESS) {
        fprintf(stderr, "linreg: LR_ISA=%s: %s\n", isa,
                lr_kernel_isa_available(isa) < 0
                ? "unknown instruction set (baseline, avx2 or avx512)"
                : "this CPU cannot run it");
        return EXIT_USAGE;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0
        || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("linreg %s\n", LR_VERSION);
        return 0;
    }
    argc--;
    argv++;
    if (strcmp(cmd, "generate") == 0)
        return cmd_generate(argc, argv);
    if (strcmp(cmd, "train") == 0)
        return cmd_train(argc, argv);
    if (strcmp(cmd, "predict") == 0)
        return cmd_predict(argc, argv);
    if (strcmp(cmd, "driver") == 0)
        return cmd_driver(argc, argv);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc, argv);
    if (strcmp(cmd, "evaluate") == 0)
        return cmd_evaluate(argc, argv);
    if (strcmp(cmd, "solve") == 0)
        return cmd_solve(argc, argv);
    if (strcmp(cmd, "cv") == 0)
        return cmd_cv(argc, argv);
    if (strcmp(cmd, "scale") == 0)
        return cmd_scale(argc, argv);
    if (strcmp(cmd, "bandwidth") == 0)
        return cmd_bandwidth(argc, argv);
    if (strcmp(cmd, "batch") == 0)
        return cmd_batch(argc, argv);
    fprintf(stderr, "linreg: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
