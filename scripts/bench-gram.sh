#!/bin/sh
# bench-gram.sh BUILD -- the Gram pass (--solver gram, and the exact
# reference's Gram route) against the machine's FMA peak, and NumPy's
# X.T @ X on the same data in the same run (part of scripts/bench.sh; about
# a minute on 2 cores). Writes results/bench/gram.csv, gram-fma.csv and
# gram.md.
#   FMA peak: scripts/bench-gram.c's loop of independent vector FMAs (AVX2
#   and AVX-512, best of 7) per CPU-second of each thread, on 1 and 2 threads.
#   Gram: p = 64, 128, 256, 512, 1000 with X about 128 MB (n = 16e6 / p),
#   1 and 2 threads, best of 3: our kernel (gram_kernel_t.h) per
#   instruction set the CPU runs, with --deterministic's slabs, float X
#   (converted by blocks), the BLAS's dsyrk (gram_blas.c) likewise, the row
#   kernel both replaced, and dsyrk with OpenBLAS's AVX-512 kernels
#   (OPENBLAS_CORETYPE).
#   NumPy: X.T @ X with OMP_NUM_THREADS=1 and 2, best of 3.
# GFMA/s count the useful multiply-adds n p (p + 1) / 2, per wall second
# (against threads x the one-core peak) and per CPU-second of the process
# (against the one-core peak: what the cores did while they ran it, which
# other processes on a loaded machine disturb less). Timings are reported,
# never asserted; run on a quiet machine.
set -e
build=${1:-build}
py=/usr/bin/python3
out=results/bench
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/linreg-gram.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bin=$build/bench-gram
# shellcheck disable=SC2046 # pkg-config's word lists
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -fopenmp -Iinclude -Isrc \
    $(pkg-config --cflags gsl libcjson openblas) -o "$bin" scripts/bench-gram.c \
    "$build/liblinreg.a" $(pkg-config --libs gsl libcjson openblas | sed 's/-lgslcblas//') -lm

echo "threads,avx2_gfma,avx512_gfma,peak_gfma" > "$out/gram-fma.csv"
for t in 1 2; do "$bin" fma $t | tail -n 1 >> "$out/gram-fma.csv"; done
cat "$out/gram-fma.csv"

echo "p,n,storage,threads,path,seconds,gfma,cpu_seconds,gfma_per_cpu_s" > "$out/gram.csv"
if ! $py -c 'import numpy' 2>/dev/null; then
    echo "bench-gram.sh: python3-numpy missing (the data and the comparison): skipped" >&2
    exit 0
fi
for p in 64 128 256 512 1000; do
    n=$((16000000 / p))
    $py -c "
import numpy as np, sys
r = np.random.default_rng(7)
np.save('$tmp/X.npy', r.standard_normal(($n, $p)))
np.save('$tmp/y.npy', r.standard_normal($n))"
    for t in 1 2; do
        "$bin" gram "$tmp/X.npy" "$tmp/y.npy" $t 3 >> "$out/gram.csv"
        "$bin" gram "$tmp/X.npy" "$tmp/y.npy" $t 3 f32 kernel-avx512 kernel-avx2 dsyrk >> "$out/gram.csv"
        # OpenBLAS 0.3.21 picks its AVX2 (Haswell) kernels on CPUs it does
        # not know (AMD family 26 among them); its AVX-512 (SkylakeX) ones
        # by request, where the CPU has AVX-512
        if grep -qw avx512f /proc/cpuinfo; then
            OPENBLAS_CORETYPE=SkylakeX "$bin" gram "$tmp/X.npy" "$tmp/y.npy" $t 3 dsyrk |
                sed 's/,dsyrk,/,dsyrk OPENBLAS_CORETYPE=SkylakeX,/' >> "$out/gram.csv"
        fi
        OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t $py -c "
import time, numpy as np
X = np.load('$tmp/X.npy'); n, p = X.shape
f = n * p * (p + 1) / 2
w = c = 1e300
for _ in range(3):
    t0, c0 = time.perf_counter(), time.process_time()
    X.T @ X
    w, c = min(w, time.perf_counter() - t0), min(c, time.process_time() - c0)
print('%d,%d,double,$t,numpy,%.6f,%.2f,%.6f,%.2f' % (p, n, w, f / w / 1e9, c, f / c / 1e9))" >> "$out/gram.csv"
    done
done
tail -n +2 "$out/gram.csv"

# which BLAS each side ran: ours from OpenBLAS itself, NumPy's from the
# libraries mapped into its process
blas=$("$bin" blas)
path=$("$bin" path)
np_blas=$($py -c '
import numpy, os
libs = sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps")
               if "blas" in l.lower() or "lapack" in l.lower()})
print(numpy.__version__, ", ".join(libs))')
$py - "$out/gram-fma.csv" "$out/gram.csv" "$blas" "$np_blas" "$path" > "$out/gram.md" <<'EOF'
import csv, sys
fma = {int(r["threads"]): r for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
print("# The Gram pass against the FMA peak (scripts/bench-gram.sh)\n")
print("Machine: %s; load average at the start: %s. Our BLAS: %s. "
      "NumPy %s.\n" % (open("/proc/cpuinfo").read().split("model name")[1]
                      .split("\n")[0].strip(": \t"),
                      open("/proc/loadavg").read().split()[0], sys.argv[3],
                      sys.argv[4]))
print("Built with the Makefile's flags (gcc -O3 -ffp-contract=off -fopenmp; "
      "our kernel's builds add -mavx2 -mfma or -mavx512f; the FMA loop and "
      "this driver -O2 with target attributes).\n")
print("FMA peak (double, best of 7 runs of 12 independent chains, per "
      "CPU-second of each thread, summed over threads):\n")
print("| threads | AVX2 GFMA/s | AVX-512 GFMA/s |")
print("|---|---|---|")
for t, r in sorted(fma.items()):
    print("| %d | %s | %s |" % (t, r["avx2_gfma"], r["avx512_gfma"]))
core = float(fma[1]["peak_gfma"])
a2 = float(fma[1]["avx2_gfma"])
verdict = []
for t in (1, 2):
    for path in ("kernel-avx512", "kernel-avx512-deterministic",
                 "kernel-avx2", "kernel-avx2-deterministic", "dsyrk",
                 "dsyrk-deterministic"):
        sel = [r for r in rows if int(r["threads"]) == t
               and r["path"] == path and r["storage"] == "double"]
        pct = [100 * float(r["gfma"]) / (t * core) for r in sel]
        cpu = [100 * float(r["gfma_per_cpu_s"]) / core for r in sel]
        if pct:
            verdict.append("- %s, %d thread%s: %.0f-%.0f%% of the FMA peak "
                           "(wall; %.0f-%.0f%% per CPU-second) for p = 64 .. "
                           "1000: target 60%%: %s" % (
                               path, t, "s" if t > 1 else "", min(pct),
                               max(pct), min(cpu), max(cpu),
                               "met" if min(pct) >= 60 else "missed"))
print("\nThe gram solver and the exact reference's Gram route run our kernel "
      "for the row kernels' instruction set (LR_ISA, else the widest the CPU "
      "runs: %s here), dsyrk only on a CPU without FMA. kernel-avx2 is held "
      "against the AVX2 peak in its own column." % sys.argv[5])
print("\n" + "\n".join(verdict))
print("\nGram sums of [X 1 y], X about 128 MB, best of 3; GFMA/s count "
      "n p (p + 1) / 2. Wall: per second, against threads x the one-core "
      "peak (%.1f GFMA/s; AVX2 alone %.1f). CPU: per CPU-second of the "
      "process, against the one-core peak.\n" % (core, a2))
print("| p | n | threads | path | storage | wall s | GFMA/s | % peak | % AVX2 peak | CPU s | GFMA per CPU-s | % peak (CPU) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    t = int(r["threads"])
    g, gc = float(r["gfma"]), float(r["gfma_per_cpu_s"])
    print("| %s | %s | %d | %s | %s | %.4f | %.1f | %.0f%% | %.0f%% | %.4f | %.1f | %.0f%% |" % (
        r["p"], r["n"], t, r["path"], r["storage"], float(r["seconds"]), g,
        100 * g / (t * core), 100 * g / (t * a2), float(r["cpu_seconds"]), gc,
        100 * gc / core))
EOF
echo "bench-gram.sh: wrote $out/gram.md"
