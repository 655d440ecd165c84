/* kernels_base.c -- the row kernels of kernel_rows.h built for
 * the x86-64 baseline (SSE2): the table lr_kops_base. */
#define LR_KOPS lr_kops_base
#define LR_KOPS_NAME "baseline"
#include "kernel_rows.h"
