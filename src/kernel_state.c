/* kernel_state.c -- the state of a fused pass (lr_kernel_state), set up
 * once for the trainer (gd.c) and the exact Gram solver (solve_gram.c). */
#include <string.h>

#include "lr_internal.h"

void lr_kernel_setup(lr_kernel_state *ks, const double *X, const float *Xf,
                     const double *y, size_t n, size_t p, int threads,
                     int mode)
{
    const size_t cr = lr_chunk_rows(p);
    memset(ks, 0, sizeof *ks);
    ks->X = X;
    ks->Xf = Xf;
    ks->y = y;
    ks->n = n;
    ks->p = p;
    ks->stride = mode == LR_KMODE_HEAP ? lr_part_stride(p + 2) : lr_pad8(p + 2);
    ks->chunk_rows = cr;
    ks->mode = mode;
    ks->threads = threads;
    ks->nunits = mode == LR_KMODE_DET ? (n + cr - 1) / cr
                 : mode == LR_KMODE_HEAP ? (size_t)threads : 0;
}

/* The pass alone: nothing to update before it, stop after it. */
static int pass_only(void *ctx, int phase)
{
    (void)ctx;
    return phase == LR_PHASE_EVAL;
}

void lr_kernel_pass(const lr_kernel_state *ks)
{
    memset(ks->acc, 0, ks->stride * sizeof *ks->acc);
    lr_kernel_run(ks, 1, pass_only, NULL);
}
