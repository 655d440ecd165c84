/* fuzz_csv.c -- libFuzzer target for the CSV reader: any bytes must give
 * LR_SUCCESS with finite values of consistent shape, or an error status
 * with a message; never a crash or a sanitizer report. */
#include <math.h>
#include <string.h>

#include "linreg.h"
#include "linreg_io.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    char err[512];
    for (int variant = 0; variant < 4; variant++) {
        lr_csv_opts o = lr_csv_opts_default();
        if (variant == 1) {
            o.delimiter = ';';
            o.target = "#1";
        } else if (variant == 2) {
            o.target_required = 0;
        } else if (variant == 3) {
            o.delimiter = ' ';
            o.na_drop = 1;
        }
        lr_data *d = NULL;
        err[0] = '\0';
        int st = lr_csv_read_opts(path, &o, &d, err, sizeof err);
        if (st == LR_SUCCESS) {
            if (!d || d->n == 0 || d->p == 0 || !d->names
                || (!o.na_drop && d->dropped))
                abort();
            for (size_t k = 0; k < d->n * d->p; k++)
                if (!isfinite(d->X[k]))
                    abort();
            for (size_t i = 0; d->y && i < d->n; i++)
                if (!isfinite(d->y[i]))
                    abort();
            lr_data_free(d);
        } else if (d != NULL || err[0] == '\0') {
            abort();
        }
    }
    return 0;
}
