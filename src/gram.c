/* gram.c -- the gram solver: [G, c, yy] of Xa = [X 1] accumulated in one
 * pass, then each iteration's sums in O(p^2) without touching X. */
#include <string.h>

#include "gd_impl.h"
#include "gram_blas.h"

/* The sums a streaming pass would give, from the Gram matrix: with
 * wa = [w, b], X^T r and sum r are G wa - c, and sum r^2 is
 * wa^T G wa - 2 c^T wa + yy. O(p^2), no pass over X. */
static void gram_pass(lr_gd *gd)
{
    const size_t p = gd->p, m = p + 1;
    const double *G = gd->gbuf, *c = G + m * m, yy = G[m * m + m];
    double *wa = gd->wa, *s = gd->gvec, quad = 0.0, lin = 0.0;
    memcpy(wa, gd->w, p * sizeof *wa);
    wa[p] = gd->b;
    lr_kernel_symv(G, m, wa, s);
    for (size_t j = 0; j < m; j++) {
        gd->acc[j] = s[j] - c[j];
        quad += wa[j] * s[j];
        lin += wa[j] * c[j];
    }
    gd->acc[p + 1] = quad - 2.0 * lin + yy;
}

/* The gram solver's loop: [update, O(p^2) evaluation, tests], serial. */
void lr_gram_run(lr_gd *gd, size_t k)
{
    for (size_t it = 0; it < k; it++) {
        lr_gd_step(gd, LR_PHASE_UPDATE);
        gram_pass(gd);
        if (lr_gd_step(gd, LR_PHASE_EVAL))
            break;
    }
}

/* Accumulates [G, c, yy] in one parallel pass (the BLAS's dsyrk on blocks
 * of rows; with --deterministic the same bits for any thread count) and
 * fills in the lower triangle of G. */
int lr_gram_build(lr_gd *gd)
{
    const size_t m = gd->p + 1;
    int st = lr_gram_sums(&gd->ks, gd->par.deterministic, gd->gbuf);
    if (st != LR_SUCCESS)
        return st;
    if (lr_gd_dist_sum(gd, gd->gbuf, m * m + m + 1) != LR_SUCCESS)
        return LR_EIO;
    double *G = gd->gbuf;
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < j; k++)
            G[j * m + k] = G[k * m + j];
    return LR_SUCCESS;
}
