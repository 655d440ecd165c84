/* fuzz_csv.c -- libFuzzer target for the CSV reader: any bytes must give
 * LR_SUCCESS with finite values of consistent shape, or an error status
 * with a message; never a crash or a sanitizer report. The reader by
 * ranges (3 threads' worth) and from pread windows of a few bytes must
 * equal the serial one through the mapping alone (1 thread, no windows):
 * status, message and data to the bit; and the fast float parser must
 * equal strtod on every token of the input, wherever it answers. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "linreg.h"
#include "linreg_io.h"
#include "lr_internal.h"
#include "fuzz_common.h"

/* Each run of bytes between delimiters, quotes and line ends: where
 * lr_parse_double answers, strtod reads all of it, without ERANGE, to the
 * same bits. */
static void cross_check(const uint8_t *data, size_t size)
{
    char tok[512];
    for (size_t a = 0; a < size;) {
        size_t b = a;
        while (b < size && !strchr(",; \t\r\n\"", data[b]) && data[b])
            b++;
        if (b > a && b - a < sizeof tok) {
            memcpy(tok, data + a, b - a);
            tok[b - a] = '\0';
            double fast, ref;
            char *end;
            if (lr_parse_double(tok, b - a, &fast)) {
                errno = 0;
                ref = strtod(tok, &end);
                if (*end != '\0' || errno == ERANGE
                    || memcmp(&fast, &ref, sizeof ref) != 0)
                    abort();
            }
        }
        a = b + 1;
    }
}

/* Two results of one read: the same status, message and data. */
static void same_result(int st1, const lr_data *d1, const char *e1, int st3,
                        const lr_data *d3, const char *e3)
{
    if (st1 != st3 || (st1 && strcmp(e1, e3) != 0))
        abort();
    if (st1)
        return;
    if (d1->n != d3->n || d1->p != d3->p || d1->dropped != d3->dropped
        || memcmp(d1->X, d3->X, d1->n * d1->p * sizeof *d1->X) != 0
        || (d1->y == NULL) != (d3->y == NULL)
        || (d1->y && memcmp(d1->y, d3->y, d1->n * sizeof *d1->y) != 0))
        abort();
    for (size_t j = 0; j < d1->p; j++)
        if (strcmp(d1->names[j], d3->names[j]) != 0)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    char err[512], err3[512];
    cross_check(data, size);
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
        lr_data *d = NULL, *d3 = NULL;
        err[0] = err3[0] = '\0';
        /* the reference: 1 thread through the mapping alone */
        const size_t w0 = lr_csv_window;
        o.threads = 1;
        lr_csv_window = 0;
        int st = lr_csv_read_opts(path, &o, &d, err, sizeof err);
        /* pread windows of 37 bytes (most lines longer than one) at 1 and
         * 3 threads, and of 100 bytes at 3 */
        static const struct {
            int threads;
            size_t window;
        } other[] = {{1, 37}, {3, 37}, {3, 100}};
        for (size_t k = 0; k < sizeof other / sizeof *other; k++) {
            o.threads = other[k].threads;
            lr_csv_window = other[k].window;
            err3[0] = '\0';
            d3 = NULL;
            int st3 = lr_csv_read_opts(path, &o, &d3, err3, sizeof err3);
            same_result(st, d, err, st3, d3, err3);
            lr_data_free(d3);
        }
        lr_csv_window = w0;
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
