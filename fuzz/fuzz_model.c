/* fuzz_model.c -- libFuzzer target for the model reader. */
#include <math.h>
#include <string.h>

#include "linreg.h"
#include "linreg_io.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    char err[512] = "";
    lr_model *m = NULL;
    char **names = NULL;
    int st = lr_model_load(path, &m, &names, err, sizeof err);
    if (st == LR_SUCCESS) {
        size_t p = lr_model_nfeatures(m);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(lr_model_weights(m)[j]) || !names[j])
                abort();
        if (!isfinite(lr_model_bias(m)))
            abort();
        lr_names_free(names, p);
        lr_model_free(m);
    } else if (m != NULL || err[0] == '\0') {
        abort();
    }
    return 0;
}
