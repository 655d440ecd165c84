#!/bin/sh
# nist.sh [BUILD] -- fit the 11 NIST StRD datasets with GSL and with gradient
# descent; writes results/nist/nist.md (see scripts/nist.py).
set -e
build=${1:-build}
mkdir -p results/nist
/usr/bin/python3 "$(dirname "$0")/nist.py" --build "$build" > results/nist/nist.md.tmp
mv results/nist/nist.md.tmp results/nist/nist.md
cat results/nist/nist.md
