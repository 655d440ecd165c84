/* kernels_avx2.c -- the row kernels of kernel_rows.h built for
 * AVX2 (Makefile: -mavx2): the table lr_kops_avx2. */
#define LR_KOPS lr_kops_avx2
#define LR_KOPS_NAME "avx2"
#include "kernel_rows.h"
