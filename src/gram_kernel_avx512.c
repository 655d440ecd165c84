/* gram_kernel_avx512.c -- the Gram pass's rank-k update (gram_kernel_t.h)
 * in AVX-512F (Makefile: -mavx512f): tiles of 8 x 24 entries. */
#define LR_GRAM_TILES lr_gram_tiles_avx512
#include "gram_kernel_t.h"
