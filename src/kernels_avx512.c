/* kernels_avx512.c -- the row kernels of kernel_rows.h built for
 * AVX-512 F/VL/DQ (Makefile: -mavx512f -mavx512vl -mavx512dq): the table lr_kops_avx512. */
#define LR_KOPS lr_kops_avx512
#define LR_KOPS_NAME "avx512"
#include "kernel_rows.h"
