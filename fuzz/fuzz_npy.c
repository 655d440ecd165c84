/* fuzz_npy.c -- libFuzzer target for the .npy reader. */
#include <math.h>
#include <string.h>

#include "linreg.h"
#include "linreg_io.h"
#include "lr_util.h" /* lr_npy_mapping: internal, declared there */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    char err[512] = "";
    lr_npy a;
    int st = lr_npy_open(path, &a, err, sizeof err);
    if (st == LR_SUCCESS) {
        /* touch every element: the mapping must cover the shape */
        double s = 0.0;
        for (size_t k = 0; k < a.n * a.p; k++)
            s += a.f32 ? (double)((const float *)a.data)[k]
                       : ((const double *)a.data)[k];
        if (!isfinite(s) && a.n * a.p < 1000)
            (void)s; /* sums of finite values may overflow; that is fine */
        lr_npy_close(&a);
    } else if (err[0] == '\0' || lr_npy_mapping(&a) != NULL) {
        abort();
    }
    return 0;
}
