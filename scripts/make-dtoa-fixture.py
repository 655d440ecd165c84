#!/usr/bin/python3
"""make-dtoa-fixture.py -- writes tests/fixtures/dtoa_repr.csv: doubles (as
their 64 bits in hex) and Python's repr of each, the shortest round-trip
text that src/dtoa.c must reproduce character for character
(tests/check_dtoa.c). Python's repr is David Gay's dtoa in shortest mode
(the digits: the fewest that read back, the closest of those) with
positional notation for decimal exponents -4..15. Fixed seed.

usage: /usr/bin/python3 scripts/make-dtoa-fixture.py > tests/fixtures/dtoa_repr.csv
"""
import math
import random
import struct


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def of_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def main():
    rng = random.Random(20261129)
    vals = []
    # edge cases: zeros, the smallest and largest subnormals and normals
    vals += [0.0, -0.0, 5e-324, -5e-324, of_bits(0x000fffffffffffff),
             2.2250738585072014e-308, 1.7976931348623157e308,
             -1.7976931348623157e308, of_bits(0x7fefffffffffffff - 1)]
    # every 7th power of two, and each with its neighbours
    for e in range(-1074, 1024, 7):
        x = math.ldexp(1.0, e)
        vals += [x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)]
    # the double nearest each power of ten, and its neighbours
    for e in range(-323, 309):
        x = float("1e%d" % e)
        vals += [x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)]
    # integers near 2^53 and round numbers (the integer path, trailing zeros)
    for i in range(40):
        vals += [float(2 ** 53 - i), float(rng.randrange(1, 10 ** 6) * 10 ** rng.randrange(0, 17))]
    # values as `linreg generate` writes them: Gaussian, scaled
    for i in range(1000):
        vals.append(rng.gauss(0.0, 1.0) * 10.0 ** rng.randrange(-6, 7))
    # short decimals (their 17-digit neighbours must not win): 1 to 16 digits
    for i in range(500):
        nd = rng.randrange(1, 17)
        x = float("%de%d" % (rng.randrange(10 ** (nd - 1), 10 ** nd),
                             rng.randrange(-330, 300)))
        if math.isfinite(x):
            vals.append(x)
    # halfway cases: t 10^j (t odd) is the midpoint between the doubles
    # c 2^(j+1) and (c+1) 2^(j+1), 2c+1 = t 5^j; it reads back to the one of
    # even c (ties to even), so that one's repr may be t 10^j, the other's not
    for j in range(3, 23):
        lo, hi = -(-2 ** 53 // 5 ** j), (2 ** 54 - 1) // 5 ** j
        for i in range(4):
            t = rng.randrange(lo, hi + 1) | 1
            if not 2 ** 53 <= t * 5 ** j < 2 ** 54:
                continue
            c = (t * 5 ** j - 1) // 2
            vals += [math.ldexp(c, j + 1), math.ldexp(c + 1, j + 1)]
    # random bit patterns over all finite doubles, and random subnormals
    while len(vals) < 5000:
        b = rng.getrandbits(64)
        if (b >> 52) & 0x7ff == 0x7ff:
            continue
        vals.append(of_bits(b))
        vals.append(of_bits(rng.getrandbits(52) | (rng.getrandbits(1) << 63)))
    print("bits,repr")
    for x in vals:
        assert math.isfinite(x) and float(repr(x)) == x
        print("%016x,%s" % (bits(x), repr(x)))


if __name__ == "__main__":
    main()
