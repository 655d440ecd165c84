/* parse_double.c -- decimal text to the nearest double, fast: the
 * Eisel-Lemire algorithm (D. Lemire, "Number Parsing at a Gigabyte per
 * Second", Software: Practice and Experience 51(8), 2021, as in
 * fast_float), with Clinger's exact fast path first. Only plain decimals
 * of at most 19 significant digits whose result is a normal double or
 * zero are read here; anything else (more digits, hex, inf/nan, an
 * underflow or overflow, the rare case the 128-bit product cannot decide)
 * is left to strtod, so the result is strtod's to the bit. */
#include <stdint.h>
#include <string.h>

#include "lr_internal.h"
#include "parse_double_table.h"

__extension__ typedef unsigned __int128 u128;

static const double exact10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* w * 10^q as a double's bits, or -1: not decided here. w != 0. */
static int64_t eisel_lemire(uint64_t w, int64_t q)
{
    if (q < LR_POW5_MIN || q > LR_POW5_MAX)
        return -1; /* zero or infinity: strtod, for its ERANGE */
    const int lz = __builtin_clzll(w);
    w <<= lz;
    const size_t idx = 2 * (size_t)(q - LR_POW5_MIN);
    u128 first = (u128)w * lr_pow5_128[idx];
    uint64_t hi = (uint64_t)(first >> 64), lo = (uint64_t)first;
    const uint64_t mask = UINT64_MAX >> 55; /* 52 + 3 bits of precision */
    if ((hi & mask) == mask) {
        u128 second = (u128)w * lr_pow5_128[idx + 1];
        const uint64_t sh = (uint64_t)(second >> 64);
        lo += sh;
        if (sh > lo)
            hi++;
    }
    if (lo == UINT64_MAX && (q < -27 || q > 55))
        return -1; /* the product may be inexact */
    const int upper = (int)(hi >> 63);
    const int shift = upper + 64 - 52 - 3;
    uint64_t m = hi >> shift;
    /* the power of two: floor(q log2(10)) + 63, less the shift to w's top
     * bit, biased (1023) */
    int64_t e2 = ((((int64_t)152170 + 65536) * q) >> 16) + 63 + upper - lz
                 + 1023;
    if (e2 <= 0)
        return -1; /* subnormal: strtod, for its ERANGE */
    if (lo <= 1 && q >= -4 && q <= 23 && (m & 3) == 1
        && (m << shift) == hi)
        m &= ~(uint64_t)1; /* exactly halfway: to even */
    m += m & 1;
    m >>= 1;
    if (m >= (uint64_t)2 << 52) {
        m = (uint64_t)1 << 52;
        e2++;
    }
    m &= ~((uint64_t)1 << 52);
    if (e2 >= 0x7FF)
        return -1; /* overflow: strtod */
    return (int64_t)(m | (uint64_t)e2 << 52);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight digits at a time (SWAR), as fast_float's
 * parse_eight_digits_unrolled: v is 8 digit bytes read little-endian;
 * their value: pairs, then fours, then the eight, by multiply-shifts */
static uint64_t eight_value(uint64_t v)
{
    const uint64_t mask = 0x000000FF000000FFULL;
    const uint64_t mul1 = 100 + (1000000ULL << 32);
    const uint64_t mul2 = 1 + (10000ULL << 32);
    v -= 0x3030303030303030ULL;
    v = v * 10 + (v >> 8);
    return ((v & mask) * mul1 + ((v >> 16) & mask) * mul2) >> 32;
}
#endif

/* The digits from p on, appended to *w (mod 2^64: the caller counts
 * them); the byte after them. By 8 bytes while 8 are left: the first
 * non-digit byte found by a mask (a byte below '0' borrows, one above '9'
 * carries into bit 7, as does one of 128 or more; digit bytes do neither,
 * so the lowest flagged byte is right), the k digits before it shifted
 * to the top behind '0's and summed as eight. */
static inline const char *digits(const char *p, const char *end, uint64_t *w)
{
    uint64_t x = *w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const uint64_t pow10[8] = {1, 10, 100, 1000, 10000, 100000,
                                      1000000, 10000000};
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        const uint64_t non = ((v + 0x4646464646464646ULL)
                              | (v - 0x3030303030303030ULL) | v)
                             & 0x8080808080808080ULL;
        if (!non) {
            x = x * 100000000 + eight_value(v);
            p += 8;
            continue;
        }
        const int k = __builtin_ctzll(non) >> 3;
        if (k > 0) {
            v = v << (64 - 8 * k) | 0x3030303030303030ULL >> (8 * k);
            x = x * pow10[k] + eight_value(v);
            p += k;
        }
        *w = x;
        return p;
    }
#endif
    for (; p < end && (unsigned)(*p - '0') < 10; p++)
        x = 10 * x + (uint64_t)(*p - '0');
    *w = x;
    return p;
}

/* lr_parse_number, inlined into lr_parse_row's loop */
__attribute__((always_inline)) static inline const char *
number(const char *s, const char *end, double *out)
{
    const char *p = s;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    const char *d0 = p;
    /* w: the significant digits (leading zeros skipped), nd of them;
     * the value is w * 10^q */
    while (p < end && *p == '0')
        p++;
    if (p > d0 && p < end && (*p == 'x' || *p == 'X'))
        return NULL; /* hexadecimal: strtod reads past the 0 */
    const char *i0 = p;
    uint64_t w = 0;
    p = digits(p, end, &w);
    size_t nd = (size_t)(p - i0);
    int64_t q = 0;
    int any = p > d0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        if (nd == 0)
            while (p < end && *p == '0')
                p++;
        const char *f1 = p;
        p = digits(p, end, &w);
        nd += (size_t)(p - f1);
        q = -(int64_t)(p - f0);
        any |= p > f0;
    }
    if (!any || nd > 19)
        return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *e = p + 1;
        int eneg = 0;
        int64_t x = 0;
        if (e < end && (*e == '+' || *e == '-'))
            eneg = *e++ == '-';
        if (e >= end || (unsigned)(*e - '0') >= 10)
            return NULL;
        for (; e < end && (unsigned)(*e - '0') < 10; e++) {
            if (x > 100000)
                return NULL;
            x = 10 * x + (*e - '0');
        }
        q += eneg ? -x : x;
        p = e;
    }
    double v;
    if (w == 0) {
        v = 0.0;
    } else if (q >= -22 && q <= 22 && w <= (uint64_t)1 << 53) {
        /* Clinger: w and 10^|q| are exact doubles, one rounding */
        v = q < 0 ? (double)w / exact10[-q] : (double)w * exact10[q];
    } else {
        int64_t bits = eisel_lemire(w, q);
        if (bits < 0)
            return NULL;
        uint64_t u = (uint64_t)bits;
        memcpy(&v, &u, sizeof v);
    }
    *out = neg ? -v : v;
    return p;
}

const char *lr_parse_number(const char *s, const char *end, double *out)
{
    return number(s, end, out);
}

const char *lr_parse_row(const char *s, const char *end, char delim,
                         size_t n, double *out)
{
    for (size_t j = 0; j < n; j++) {
        if (j > 0) {
            if (s == end || *s != delim)
                return NULL;
            s++;
        }
        s = number(s, end, &out[j]);
        if (!s)
            return NULL;
    }
    return s;
}

int lr_parse_double(const char *s, size_t len, double *out)
{
    double v;
    if (lr_parse_number(s, s + len, &v) != s + len)
        return 0;
    *out = v;
    return 1;
}
