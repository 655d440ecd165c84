/* gram_kernel_avx2.c -- the Gram pass's rank-k update (gram_kernel_t.h)
 * in AVX2 + FMA (Makefile: -mavx2 -mfma): tiles of 4 x 12 entries. */
#define LR_GRAM_TILES lr_gram_tiles_avx2
#include "gram_kernel_t.h"
