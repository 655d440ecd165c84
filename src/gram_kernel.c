/* gram_kernel.c -- the Gram pass's rank-k update (gram_kernel_t.h) in
 * scalar fma(): the reference that the vector builds match bit for bit,
 * and the path pinned by LR_ISA=baseline on a CPU with FMA. */
#define LR_GRAM_TILES lr_gram_tiles_base
#include "gram_kernel_t.h"
