/* dtoa.h -- the shortest decimal text of a double that reads back to it
 * (src/dtoa.c), private to liblinreg. */
#ifndef LR_DTOA_H
#define LR_DTOA_H

#include <stddef.h>

/* Room lr_dtoa needs: the text is at most 24 characters
 * ("-2.2250738585072014e-308"; "-0.000" and 17 digits is 23), but it
 * writes fixed 16-byte blocks that may reach 35 bytes past buf. */
#define LR_DTOA_MAX 40

/* Writes x into buf (LR_DTOA_MAX bytes) as Python's repr(float) writes it
 * and returns its length (the NUL not counted): the fewest significant
 * digits that read back (strtod, round to nearest) to exactly x, the
 * closest to x of those (ties to even digits); positional when the decimal
 * exponent X of the first digit is -4 <= X < 16 ("0.0001", "123.25",
 * "1e+16" is not), else d.ddde[+-]XX with at least two exponent digits
 * ("1e-05", "1.5e+300"); integral values end in ".0"; zero is "0.0" or
 * "-0.0". NaN and infinities are written as glibc's %g writes them:
 * "nan", "-nan", "inf", "-inf". */
size_t lr_dtoa(double x, char *buf);

#endif
