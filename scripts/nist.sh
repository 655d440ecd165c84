#!/bin/sh
# nist.sh [BUILD] -- fit the 11 NIST StRD datasets with GSL and with gradient
# descent; writes results/nist.md (see scripts/nist.py).
set -e
build=${1:-build}
/usr/bin/python3 "$(dirname "$0")/nist.py" --build "$build" > results/nist.md.tmp
mv results/nist.md.tmp results/nist.md
cat results/nist.md
