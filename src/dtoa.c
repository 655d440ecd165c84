/* dtoa.c -- shortest round-trip decimal text of a double, by the Schubfach
 * algorithm: R. Giulietti, "The Schubfach way to render doubles" (2020; the
 * algorithm of Java 19's Double.toString). The idea: v = c 2^q lies in its
 * rounding interval R = [vl, vr] (the reals that round to it); scaled by
 * 10^-k, with k chosen so that R's width is at least 10^k and less than
 * 10^(k+1) (scaled: at least 1, below 10), R holds at most one multiple of
 * 10 and at least one integer. A multiple of 10 in R gives the shortest
 * digits (one fewer); otherwise the integer in R closest to v does. The
 * scaled bounds come from one 64 x 128-bit product each with a 128-bit
 * power of ten (dtoa_table.h, scripts/gen-pow10-table.py), rounded to odd
 * so that the comparisons with the bounds stay exact. */
#include <stdint.h>
#include <string.h>

#include "dtoa.h"
#include "dtoa_table.h"

__extension__ typedef unsigned __int128 u128;

/* floor(log10(2^q)), floor(log10(3/4 2^q)) and floor(log2(10^e)) for the
 * exponents of doubles (checked exhaustively by scripts/gen-pow10-table.py). */
static inline int floor_log10_pow2(int q) { return (q * 1262611) >> 22; }
static inline int floor_log10_34_pow2(int q) { return (q * 1262611 - 524031) >> 22; }
static inline int floor_log2_pow10(int e) { return (e * 1741647) >> 19; }

/* floor(g cp / 2^128) rounded to odd: its lowest bit set when the exact
 * product of cp and the power of ten is not an integer. g exceeds the power
 * by less than one unit, so an integer product leaves at most 1 in the
 * dropped 64 bits, and the paper shows that any other leaves more. */
static inline uint64_t round_to_odd(const uint64_t *g, uint64_t cp)
{
    const u128 x = (u128)g[1] * cp;
    const u128 y = (u128)g[0] * cp + (uint64_t)(x >> 64);
    return (uint64_t)(y >> 64) | ((uint64_t)y > 1);
}

/* The shortest decimal s 10^e (s may end in zeros) that rounds to the
 * positive finite double of bits (exponent field ef, fraction bits f). */
static void shortest(uint64_t ef, uint64_t f, uint64_t *s_out, int *e_out)
{
    uint64_t c;
    int q;
    if (ef != 0) {
        c = f | (UINT64_C(1) << 52);
        q = (int)ef - 1075;
        /* an integer below 2^53: its own digits are the shortest */
        if (q <= 0 && q >= -52 && (c & ((UINT64_C(1) << -q) - 1)) == 0) {
            *s_out = c >> -q;
            *e_out = 0;
            return;
        }
    } else {
        c = f;
        q = -1074;
    }
    /* R = [vl, vr], closed when c is even (round-half-even reads the ends
     * back to v), open otherwise; at a power of two (f = 0) the next lower
     * double is half as far, so vl = v - 2^(q-2). Everything times 4. */
    const int even = (c & 1) == 0;
    const int closer = f == 0 && ef > 1;
    const uint64_t cbl = 4 * c - 2 + (uint64_t)closer, cb = 4 * c, cbr = 4 * c + 2;
    const int k = closer ? floor_log10_34_pow2(q) : floor_log10_pow2(q);
    const int h = q + floor_log2_pow10(-k) + 1; /* 1..4 */
    const uint64_t *g = lr_pow10_128 + 2 * (-k - LR_POW10_MIN);
    const uint64_t vbl = round_to_odd(g, cbl << h);
    const uint64_t vb = round_to_odd(g, cb << h);
    const uint64_t vbr = round_to_odd(g, cbr << h);
    const uint64_t lower = vbl + !even, upper = vbr - !even;

    /* a multiple of 10 in R: at most one of the two around v is */
    const uint64_t s = vb >> 2;
    if (s >= 10) {
        const uint64_t sp = s / 10;
        const int up_in = lower <= 40 * sp, wp_in = 40 * sp + 40 <= upper;
        if (up_in != wp_in) {
            *s_out = sp + (uint64_t)wp_in;
            *e_out = k + 1;
            return;
        }
    }
    /* else s or s + 1, whichever R holds, the closer to v if both */
    const int u_in = lower <= 4 * s, w_in = 4 * s + 4 <= upper;
    if (u_in != w_in) {
        *s_out = s + (uint64_t)w_in;
        *e_out = k;
        return;
    }
    const uint64_t mid = 4 * s + 2;
    *s_out = s + (uint64_t)(vb > mid || (vb == mid && (s & 1)));
    *e_out = k;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* 8 digits of v < 10^8 into d[0..8): two independent halves. */
static inline void put8(char *d, uint32_t v)
{
    const uint32_t a = v / 10000, b = v % 10000;
    memcpy(d, digit_pairs + 2 * (a / 100), 2);
    memcpy(d + 2, digit_pairs + 2 * (a % 100), 2);
    memcpy(d + 4, digit_pairs + 2 * (b / 100), 2);
    memcpy(d + 6, digit_pairs + 2 * (b % 100), 2);
}

/* s < 10^17 as 17 digits, leading zeros included, into d[0..17). */
static inline void put17(char *d, uint64_t s)
{
    const uint64_t hi = s / 100000000;
    const uint32_t h = (uint32_t)(hi / 100000000);
    d[0] = (char)('0' + h);
    put8(d + 1, (uint32_t)(hi - (uint64_t)h * 100000000));
    put8(d + 9, (uint32_t)(s - hi * 100000000));
}

/* The number of decimal digits of s > 0: t = floor(log10(2^bits)) is the
 * count or one less. */
static int count_digits(uint64_t s)
{
    static const uint64_t p10[20] = {
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
        1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
        100000000000000, 1000000000000000, 10000000000000000,
        100000000000000000, 1000000000000000000, 10000000000000000000u};
    const int t = ((64 - __builtin_clzll(s)) * 1233) >> 12;
    return t + (s >= p10[t]);
}

size_t lr_dtoa(double x, char *buf)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    const uint64_t ef = (bits >> 52) & 0x7ff, f = bits & ((UINT64_C(1) << 52) - 1);
    char *o = buf;
    if (bits >> 63)
        *o++ = '-';
    if (ef == 0x7ff) {
        memcpy(o, f ? "nan" : "inf", 4);
        return (size_t)(o - buf) + 3;
    }
    if (ef == 0 && f == 0) {
        memcpy(o, "0.0", 4);
        return (size_t)(o - buf) + 3;
    }
    uint64_t s;
    int e;
    shortest(ef, f, &s, &e);
    while (s % 10 == 0) { /* the integer path and a multiple of 10 leave zeros */
        s /= 10;
        e++;
    }
    const int n = count_digits(s);
    const int x10 = e + n - 1; /* the exponent of the first digit */
    /* the digits t[0..n), then placed by copies of a fixed 16 bytes (one
     * vector move each; buf has room for the bytes past the end) */
    char t[40];
    put17(t, s);
    const char *dg = t + 17 - n;
    memset(t + 17, '0', sizeof t - 17);
    if (x10 >= -4 && x10 < 16) {
        if (x10 < 0) { /* 0.000ddd */
            memcpy(o, "0.000000", 8);
            o += 1 - x10;
            memcpy(o, dg, 16);
            o[16] = dg[16];
            o += n;
        } else if (x10 + 1 < n) { /* dd.ddd */
            memcpy(o, dg, 16);
            o[x10 + 1] = '.';
            memcpy(o + x10 + 2, dg + x10 + 1, 16);
            o += n + 1;
        } else { /* ddd000.0: the zeros from t[17..) */
            memcpy(o, dg, 16);
            memcpy(o + x10 + 1, ".0", 2);
            o += x10 + 3;
        }
    } else { /* d.ddde+XX */
        o[0] = dg[0];
        o[1] = '.';
        memcpy(o + 2, dg + 1, 16);
        o += n > 1 ? n + 1 : 1;
        *o++ = 'e';
        *o++ = x10 < 0 ? '-' : '+';
        const int a = x10 < 0 ? -x10 : x10;
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        memcpy(o, digit_pairs + 2 * (a % 100), 2);
        o += 2;
    }
    *o = '\0';
    return (size_t)(o - buf);
}
