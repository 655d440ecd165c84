#!/usr/bin/python3
"""Write results/bench/bench.md from what scripts/bench.sh measured.

Reads DIR/bench.csv (linreg bench), DIR/bench-rss.csv (peak RSS),
DIR/compare-numpy.csv and DIR/compare-sklearn.csv (when present) and prints
the table of the issue's eight speed targets, each measured, met or missed,
with the commands, the machine, the compiler and the flags; then the memory
speed issue's four targets from DIR/bench-sweep.csv, DIR/bench-threads.csv
and DIR/bench-load.csv (scripts/bench-speed.sh), when present.

usage: scripts/bench-report.py [DIR]     (default results/bench)
       scripts/bench-report.py --sweep-dat [DIR]   the sweep's ratios as
           columns for gnuplot (p, then one column per precision and
           thread count)
"""

import csv
import os
import sys


def rows(path):
    if not os.path.exists(path):
        return []
    return list(csv.DictReader(open(path)))


def f(x):
    return float(x)


def threads_text(t):
    """'1 thread', '2 threads'"""
    return "%s thread%s" % (t, "" if str(t) == "1" else "s")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "results/bench"
    bench = rows(os.path.join(d, "bench.csv"))
    rss = rows(os.path.join(d, "bench-rss.csv"))
    cnp = rows(os.path.join(d, "compare-numpy.csv"))
    csk = rows(os.path.join(d, "compare-sklearn.csv"))
    if not bench:
        raise SystemExit("bench-report.py: no %s/bench.csv" % d)
    b0 = bench[0]
    out = []
    w = out.append
    w("# Speed targets: `make bench`\n")
    w("Measured by `make bench` (`scripts/bench.sh`) in one run on **%s, %s "
      "cores** (the shared 2-core development VM), compiled by %s with `%s`"
      % (b0["cpu"], b0["cores"], b0["compiler"], b0["flags"].strip()))
    w("(`-ffp-contract=off`: no FMA contraction; the row kernels are built "
      "for the baseline, AVX2 and AVX-512 and the widest the CPU has runs). Double precision unless stated. Sizes: a = 500x1 (the "
      "tutorial), b = 1e6x16, c = 1e5x256, d = 4e6x8. Every time is the "
      "median of repeated runs (tables 1, 4 and 5: the read and the three "
      "fits taken in turn, each after a pass over its own bytes; the "
      "brackets give the quartiles of the ratios within each turn); the machine is shared and noisy, so ratios "
      "within one run mean more than absolute times. Timings are reported, "
      "never asserted in tests.\n")
    w("Commands: `build/linreg bench --threads 1,2 --out results/bench/bench.csv`; "
      "`/usr/bin/time -f %M build/linreg train --samples N --features P "
      "--generator fast --no-exact --iters 20 --quiet`; "
      "`scripts/compare-numpy.py`; `scripts/compare-sklearn.py` (raw data: "
      "`bench.csv`, `bench-rss.csv`, `compare-numpy.csv`, "
      "`compare-sklearn.csv` beside this file).\n")

    def verdict(ok):
        return "met" if ok else "**missed**"

    w("## 1. Time per iteration against one plain parallel read of X "
      "(target: at most 1.10x)\n")
    w("| size | threads | read of X (s) | iteration (s) | iteration / read | "
      "GB/s of X | |")
    w("|---|---|---|---|---|---|---|")
    for r in bench:
        if r["size"] == "a":
            continue
        ratio = f(r["ratio_to_read"])
        w("| %s | %s | %.4g | %.4g | %.3f%s | %.1f | %s |" % (
            r["size"], r["threads_used"], f(r["read_s"]), f(r["clause_s"]),
            ratio, pair_text(r, "ratio"), f(r["clause_gbs"]),
            verdict(ratio <= 1.10)))
    w("\nThe pass also reads y (1/p of X: 12.5% more bytes at d, 6% at b), "
      "which the read of X alone does not; the rest is the residual and "
      "gradient arithmetic between loads.\n")
    why = []
    for r in bench:
        ratio = f(r["ratio_to_read"])
        if r["size"] == "a" or ratio <= 1.10:
            continue
        p = int(r["p"])
        more = (p + 1.0) / p  # the bytes of X and y over those of X
        why.append("%s at %s: %.3fx, %.1f%% over the target. The "
                   "pass moves X and y, %.3f times the bytes of the read of "
                   "X, so per byte it took %.3fx the read's time%s." % (
                       r["size"], threads_text(r["threads_used"]), ratio,
                       100 * (ratio / 1.10 - 1), more, ratio / more,
                       "" if ratio / more <= 1.10 else
                       ": more than y's bytes explain, and this run "
                       "measures nothing else that does"))
    if why:
        w("Missed, by how much and why: " + " ".join(why) + "\n")
        noise = noise_text([("%s at %s" % (r["size"], threads_text(r["threads_used"])), r)
                            for r in bench if r["size"] != "a"
                            and f(r["ratio_to_read"]) > 1.10], "ratio", 1.10)
        if noise:
            w(noise + "\n")

    w("## 2. The tutorial's size, 500 x 1 (target: at most 1.0 us per "
      "iteration at every thread count)\n")
    w("| threads asked | threads used | iteration (us) | |")
    w("|---|---|---|---|")
    for r in bench:
        if r["size"] == "a":
            us = f(r["clause_s"]) * 1e6
            w("| %s | %s | %.3f | %s |" % (r["threads"], r["threads_used"], us,
                                          verdict(us <= 1.0)))
    w("\nProblems this small take the serial path at any `--threads`.\n")

    w("## 3. Against the tutorial's NumPy code (targets: 9x at a, 2x at b, "
      "3.5x at c, 3x at d)\n")
    if cnp:
        lib = cnp[0]["blas"].split(" /")[0]
        if " threads)" in lib:  # threadpoolctl's count: the table's T
            lib = lib.rsplit(",", 1)[0] + ")"
        w("NumPy %s with %s; `scripts/compare-numpy.py` on the same data "
          "(written as .npy) and thread count, the BLAS's threads set to T "
          "(`OMP_NUM_THREADS`, `OPENBLAS_NUM_THREADS`; the BLAS's own count "
          "per row is in `compare-numpy.csv`).\n"
          % (cnp[0]["numpy_version"], lib))
        w("| size | threads | NumPy (s/iter) | linreg (s/iter) | speedup | target | |")
        w("|---|---|---|---|---|---|---|")
        for r in cnp:
            w("| %s | %s | %.4g | %.4g | %.2fx | %sx | %s |" % (
                r["size"], r["threads"], f(r["numpy_s_per_iter"]),
                f(r["linreg_s_per_iter"]), f(r["speedup"]), r["target"],
                verdict(r["status"] == "met")))
        read = {(r["size"], r["threads_used"]): f(r["read_s"]) for r in bench}
        why = []
        for r in cnp:
            rd = read.get((r["size"], r["linreg_threads_used"]))
            if r["status"] == "met" or not rd:
                continue
            nr, lr = f(r["numpy_s_per_iter"]) / rd, f(r["linreg_s_per_iter"]) / rd
            why.append("%s at %s: %.2fx against %sx; NumPy took "
                       "%.2f reads of X, linreg %.2f, and %sx would need "
                       "linreg at %.2f%s." % (
                           r["size"], threads_text(r["threads"]), f(r["speedup"]),
                           r["target"], nr, lr, r["target"],
                           nr / f(r["target"]),
                           " (less than one read)" if nr / f(r["target"]) < 1
                           else ""))
        if why:
            w("\nMissed, by how much and why: NumPy's iteration is two "
              "matrix-vector products (X w, then X^T r), a pass over X "
              "each, and linreg's is one pass. Against table 1's read of X "
              "at the same size and threads: " + " ".join(why))
    else:
        w("Not run (python3-numpy missing).")
    w("")

    w("## 4. Float storage of X (target: at least 1.8x faster than double "
      "at b and d)\n")
    w("| size | threads | double (s) | float (s) | double / float | "
      "max relative weight difference | |")
    w("|---|---|---|---|---|---|---|")
    for r in bench:
        if r["size"] in "bcd":
            sp = f(r["double_over_float"])
            w("| %s | %s | %.4g | %.4g | %.3f%s | %.2g | %s |" % (
                r["size"], r["threads_used"], f(r["clause_s"]), f(r["float_s"]),
                sp, pair_text(r, "dbl_flt"), f(r["float_max_rel_dw"]),
                verdict(sp >= 1.8) if r["size"] in "bd" else "(c: no target)"))
    w("\nThe weight difference is that of the float-X model from the double "
      "one after the same iterations.\n")
    why = []
    for r in bench:
        sp = f(r["double_over_float"])
        if r["size"] not in "bd" or sp >= 1.8:
            continue
        p = int(r["p"])
        bound = (8.0 * p + 8) / (4.0 * p + 8)  # y stays double
        why.append("%s (p = %d) at %s: %.3fx, %.1f%% under the "
                   "target; the bound is %.2fx, and float moved %.1f GB/s "
                   "against double's %.1f." % (
                       r["size"], p, threads_text(r["threads_used"]), sp,
                       100 * (1 - sp / 1.8), bound,
                       (4.0 * p + 8) * int(r["n"]) / f(r["float_s"]) / 1e9,
                       (8.0 * p + 8) * int(r["n"]) / f(r["clause_s"]) / 1e9))
    if why:
        w("Missed, by how much and why: a float row moves 4p + 8 bytes "
          "against 8p + 8 (y stays double), so the gain is at most (8p + 8) "
          "/ (4p + 8), 1.80x at p = 8: there the target asks float X to "
          "stream as many bytes a second as double X, though each float is "
          "widened to double before its arithmetic (S1 below holds each "
          "against a read of its own bytes). " + " ".join(why) + "\n")
        miss = [r for r in bench if r["size"] in "bd"
                and f(r["double_over_float"]) < 1.8 and r.get("dbl_flt_q3")]
        if miss:
            near = ["%s at %s" % (r["size"], threads_text(r["threads_used"]))
                    for r in miss if f(r["dbl_flt_q3"]) >= 1.8]
            w("Against the run's own noise (the quartiles in brackets are "
              "those of the timed pairs, each double fit against the float "
              "fit of its round): %s.\n" % (
                  "%d of the %d misses had at least a quarter of their pairs "
                  "at 1.8x or more (%s)" % (len(near), len(miss), and_list(near))
                  if near else "every miss fell short in three quarters of "
                  "its pairs or more"))

    w("## 5. `--deterministic` against the reduction clause (target: within "
      "5%)\n")
    w("| size | threads | clause (s) | deterministic (s) | det / clause | |")
    w("|---|---|---|---|---|---|")
    for r in bench:
        if r["size"] in "bcd":
            q = f(r["det_over_clause"])
            w("| %s | %s | %.4g | %.4g | %.3f%s | %s |" % (
                r["size"], r["threads_used"], f(r["clause_s"]), f(r["det_s"]), q,
                pair_text(r, "det"), verdict(q <= 1.05)))
    noise = noise_text([("%s at %s" % (r["size"], threads_text(r["threads_used"])), r)
                        for r in bench if r["size"] in "bcd"
                        and f(r["det_over_clause"]) > 1.05], "det", 1.05)
    if noise:
        w("\n" + noise)
    w("")

    w("## 6. The fast generator (target: at least 50 million normal draws "
      "per second per core, scaling with threads)\n")
    w("| size | threads | generate (s) | million draws / s / thread | |")
    w("|---|---|---|---|---|")
    for r in bench:
        if r["size"] in "bcd":
            md = f(r["gen_mdraws_per_s_per_thread"])
            w("| %s | %s | %.4g | %.1f | %s |" % (
                r["size"], r["threads"], f(r["gen_s"]), md, verdict(md >= 50)))
    w("\nDraws are n (p + 1): X and the noise. GSL's taus2 with the ziggurat "
      "sampler, one stream per block of 4096 rows.\n")

    w("## 7. Peak memory of `linreg train` on in-memory data (target: at "
      "most X and y plus 10%)\n")
    if rss:
        w("| size | X and y (MB) | peak RSS (MB) | ratio | |")
        w("|---|---|---|---|---|")
        for r in rss:
            ratio = f(r["ratio"])
            w("| %s | %.1f | %.1f | %.3f | %s |" % (
                r["size"], f(r["x_and_y_kb"]) / 1024, f(r["peak_rss_kb"]) / 1024,
                ratio, verdict(ratio <= 1.10)))
        w("\nWith `--no-exact`: the default report also solves for the exact "
          "optimum; above 2e6 cells that is a Gram pass (no copy of X), below "
          "it GSL's SVD copies X.\n")
    w("")

    w("## 8. Time to solution, gap 1e-9 to the exact optimum (target: the "
      "gram solver at most half of Ridge's time at b, c and d)\n")
    if csk:
        w("`scripts/compare-sklearn.py`: scikit-learn %s `Ridge(solver='cholesky', "
          "alpha=0)` and `LinearRegression` fit times against linreg's "
          "`time_to_solution_s` for `train --lr auto --stop-gap 1e-9` (step-size "
          "estimate, Gram pass and iterations; the exact solve that sets the "
          "target is not timed), %s threads.\n" % (csk[0]["sklearn"],
                                                  csk[0]["threads"]))
        w("| size | Ridge cholesky (s) | LinearRegression (s) | linreg stream (s) "
          "| linreg gram (s) | gram / Ridge | |")
        w("|---|---|---|---|---|---|---|")
        by = {}
        for r in csk:
            by.setdefault(r["size"], {})[r["method"]] = f(r["seconds"])
        for size in sorted(by):
            m = by[size]
            q = m.get("linreg-gram", float("nan")) / m.get("ridge-cholesky",
                                                          float("nan"))
            w("| %s | %.4g | %.4g | %.4g | %.4g | %.3f | %s |" % (
                size, m.get("ridge-cholesky", float("nan")),
                m.get("linear-regression", float("nan")),
                m.get("linreg-stream", float("nan")),
                m.get("linreg-gram", float("nan")), q, verdict(q <= 0.5)))
    else:
        w("Not run (python3-sklearn missing).")
    w("")
    csvtxt = os.path.join(d, "bench-csv.txt")
    if os.path.exists(csvtxt):
        w("## CSV parsing (the data issue's target: at least 100 MB/s on one "
          "core)\n")
        w("`build/linreg bench --sizes a --threads 1 --repeat 3 --csv-mb 100`: a file of the values "
          "as linreg writes them (shortest round-trip text), read by `lr_csv_read`:\n")
        w("```\n%s```\n" % open(csvtxt).read())
    wtxt = os.path.join(d, "bench-write.txt")
    if os.path.exists(wtxt):
        w("## CSV writing (issue 10, target 5: at least 500 MB/s at 2 threads)\n")
        w("`scripts/bench-write.sh`: `linreg generate --samples 1000000 --features 16 "
          "--out FILE.csv`, shortest round-trip values formatted by blocks in "
          "parallel, as generate reports the rate (best of 3):\n")
        w("```\n%s```\n" % open(wtxt).read())
    speed_sections(d, w, verdict)
    read_gram_sections(d, w, verdict)
    print("\n".join(out))


def read_gram_sections(d, w, verdict):
    """Targets 5 (reading end to end) and 6 (the Gram pass) of the memory
    speed issue, from DIR/bench-read.txt (scripts/bench-read.sh) and
    DIR/gram.csv, DIR/gram-fma.csv (scripts/bench-gram.sh)."""
    rtxt = os.path.join(d, "bench-read.txt")
    if os.path.exists(rtxt):
        text = open(rtxt).read()
        w("## S5. CSV at the speed of the disk cache (targets: at least 1 GB/s "
          "at 2 threads end to end; peak RSS at most X and y plus 10% plus one "
          "chunk)\n")
        w("`scripts/bench-read.sh`: `linreg generate --samples 1000000 "
          "--features 16 --out FILE.csv`, then `linreg train --data FILE.csv "
          "--iters 1 --no-exact --quiet --threads T` (best of 5; MB/s = file "
          "bytes / wall time of the whole command):\n")
        w("```\n%s```\n" % text)
        for line in text.splitlines():
            if not line.startswith("threads "):
                continue
            t = line.split()[1].rstrip(":")
            mbs = float(line.split(",")[1].split()[0])
            rss = float(line.split("peak RSS ")[1].split()[0])
            bound = float(line.split("bound ")[1].split()[0])
            if t == "2":
                short = ("" if mbs >= 1000 else
                         ", %.1f%% short of 1000" % (100 * (1 - mbs / 1000)))
                w("2 threads: %.0f MB/s (%s%s); peak RSS %.0f KB against %.0f "
                  "KB (%s).\n" % (mbs, verdict(mbs >= 1000), short, rss, bound,
                                   verdict(rss <= bound)))
    passes = rows(os.path.join(d, "passes.csv"))
    if passes:
        w("The passes over X that every fit makes once besides its iterations "
          "(after the parse; `make bench`'s run, which may be older than the S5 "
          "run above: see its `# run:` line), `scripts/bench-passes.sh`: ms, "
          "best of 5, against one plain parallel read of X in the same run "
          "(no target; raw data `passes.csv`):\n")
        w("| n | p | storage | threads | read of X | lr_max_abs | lr_design_check "
          "| lr_null_mse | lr_score | score / read |")
        w("|---|---|---|---|---|---|---|---|---|---|")
        for r in passes:
            w("| %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |"
              % (r["n"], r["p"], r["storage"], r["threads"], f(r["read_ms"]),
                 f(r["max_abs_ms"]), f(r["design_check_ms"]),
                 f(r["null_mse_ms"]), f(r["score_ms"]),
                 f(r["score_over_read"])))
        w("")
    gram = rows(os.path.join(d, "gram.csv"))
    fma = rows(os.path.join(d, "gram-fma.csv"))
    if gram and fma:
        peak = {r["threads"]: f(r["avx512_gfma"]) for r in fma}
        paths = [r["path"] for r in gram]
        run = "kernel-avx512" if "kernel-avx512" in paths else "kernel-avx2"
        if run == "kernel-avx2":
            peak = {r["threads"]: f(r["avx2_gfma"]) for r in fma}
        w("## S6. The Gram pass at the FMA limit (target: at least 60% of the "
          "FMA peak for p >= 64)\n")
        w("`scripts/bench-gram.sh` (details in `gram.md`): the Gram sums of "
          "[X 1 y], X about 128 MB of doubles, best of 3, GFMA/s counting "
          "n p (p + 1) / 2, against the FMA peak measured in the same run "
          "(threads x one core's). The path `--solver gram` runs here: "
          "**%s**.\n" % run)
        w("| p | threads | path | GFMA/s | % of peak | |")
        w("|---|---|---|---|---|---|")
        missed, rate = [], {}
        for r in gram:
            if r["storage"] != "double" or r["path"] not in (
                    run, run + "-deterministic", "dsyrk", "numpy"):
                continue
            if int(r["p"]) < 64:
                continue
            q = f(r["gfma"]) / peak[r["threads"]]
            w("| %s | %s | %s | %.1f | %.0f%% | %s |" % (
                r["p"], r["threads"], r["path"], f(r["gfma"]), 100 * q,
                verdict(q >= 0.6) if r["path"].startswith(run) else ""))
            if r["path"].startswith(run) and q < 0.6:
                missed.append((int(r["p"]), r["threads"], r["path"], q))
            rate[(int(r["p"]), r["threads"], r["path"])] = f(r["gfma"])
        if missed:
            def vs_plain(p, t, path):
                if path == run or (p, t, run) not in rate:
                    return ""
                return ", %.3fx the plain kernel's rate in this run" % (
                    rate[(p, t, path)] / rate[(p, t, run)])
            w("\nMissed, by how much and why: " + "; ".join(
                "%s at p = %d, %s: %.1f%% of the peak, %.1f points "
                "under%s" % (path, p, threads_text(t), 100 * q, 100 * (0.6 - q),
                             vs_plain(p, t, path))
                for p, t, path, q in missed) + (
                    ". The deterministic path sums fixed slabs of blocks "
                    "of rows, each into a partial matrix of its own, added "
                    "in slab order: the same FMAs in more partial sums"
                    if any(m[2].endswith("-deterministic") for m in missed)
                    else "") + ". Of the FMA lanes the "
              "kernel's tiles run (`gram_kernel_t.h`: they also sum the "
              "columns of 1 and y and the lower halves of the diagonal "
              "blocks), the counted n p (p + 1) / 2 are " + ", ".join(
                  "%.0f%% at p = %d" % (100 * counted_lanes(p), p)
                  for p in sorted({int(r["p"]) for r in gram})) + ".")
        w("")


def counted_lanes(p):
    """The share of the FMA lanes of gram_kernel_t.h's AVX-512 tiles that
    are the counted n p (p + 1) / 2: per row of X, the F = (p + 2) // 8
    full panels' upper triangle of 8 x 8 blocks, then the R = p + 2 - 8 F
    remainder rows against every column (p + 2 rounded up to 8)."""
    ld = p + 2
    full, rem = ld // 8, ld - ld // 8 * 8
    lanes = 64 * full * (full + 1) // 2 + rem * (ld + 7) // 8 * 8
    return p * (p + 1) / 2.0 / lanes


SWEEP_CURVES = [("double", "1"), ("double", "2"), ("float", "1"),
                ("float", "2")]


def sweep_table(rows):
    """{(precision, threads asked): {p: row}} and the sorted p values."""
    by, ps = {}, set()
    for r in rows:
        by.setdefault((r["precision"], r["threads"]), {})[int(r["p"])] = r
        ps.add(int(r["p"]))
    return by, sorted(ps)


def sweep_dat(d):
    by, ps = sweep_table(rows(os.path.join(d, "bench-sweep.csv")))
    print("p " + " ".join('"%s, %s thr"' % c for c in SWEEP_CURVES))
    for p in ps:
        cells = []
        for c in SWEEP_CURVES:
            r = by.get(c, {}).get(p)
            cells.append("%.4f" % f(r["ratio_to_read"]) if r else "NaN")
        print(p, " ".join(cells))


def sweep_ratio_table(w, by, ps, mark):
    """The sweep's ratios to the read, a row per p and a column per curve,
    `mark` after those above 1.15; returns each curve's worst ratio."""
    w("| p | n | " + " | ".join("%s, %s thr" % c for c in SWEEP_CURVES) + " |")
    w("|---|---|" + "---|" * len(SWEEP_CURVES))
    worst = {}
    for p in ps:
        cells, n = [], ""
        for c in SWEEP_CURVES:
            r = by.get(c, {}).get(p)
            if not r:
                cells.append("")
                continue
            n = r["n"]
            q = f(r["ratio_to_read"])
            worst[c] = max(worst.get(c, 0.0), q)
            cells.append("%.3f%s%s" % (q, pair_text(r, "ratio"),
                                       "" if q <= 1.15 else mark))
        w("| %d | %s | %s |" % (p, n, " | ".join(cells)))
    return worst


def pair_text(r, what):
    """ " [q1-q3]": the quartiles of a bench's paired ratios (what:
    ratio, an iteration against the read timed just before it; det, the
    deterministic fit against the clause fit; dbl_flt, the double fit
    against the float fit), or "" for a CSV without them (written before
    linreg bench reported them)."""
    if not r.get(what + "_q1"):
        return ""
    return " [%.2f-%.2f]" % (f(r[what + "_q1"]), f(r[what + "_q3"]))


def noise_text(cells, what, target):
    """For the misses among cells [(label, row)]: how many the noise of the
    run explains. A miss whose pairs' lower quartile is at or below the
    target had at least a quarter of its pairs meet it; one whose lower
    quartile is above it missed in three quarters of its pairs or more."""
    cells = [(k, r) for k, r in cells if r.get(what + "_q1")]
    if not cells:
        return ""
    within = [k for k, r in cells if f(r[what + "_q1"]) <= target]
    beyond = [k for k, r in cells if f(r[what + "_q1"]) > target]
    reps = sorted({r.get("repeats", "") for _, r in cells})
    text = ("Against the run's own noise (the quartiles in brackets are those "
            "of the %s timed pairs of each cell): " % "/".join(reps))
    parts = []
    if beyond:
        parts.append("%d of the %d misses are beyond it, their lower "
                     "quartile above %.2f (%s)" % (len(beyond), len(cells),
                                                   target, and_list(beyond)))
    if within:
        parts.append("%d %s within it, at least a quarter of the pairs "
                     "at or below %.2f (%s)" % (len(within),
                                                "is" if len(within) == 1 else "are",
                                                target, and_list(within)))
    return text + "; ".join(parts) + "."


def off_section(d, w):
    """S1's sweep at widths off the issue's list (bench-sweep-off.csv)."""
    by, ps = sweep_table(rows(os.path.join(d, "bench-sweep-off.csv")))
    if not ps:
        return
    w("### S1 at widths off the list\n")
    w("The listed p are a sample of every p: `build/linreg bench --sweep "
      "--threads 1,2 --ps %s` (X about 128 MB, raw data "
      "`bench-sweep-off.csv`), the same ratio (no target is listed at these "
      "widths; above 1.15 is marked):\n" % ",".join(str(p) for p in ps))
    worst = sweep_ratio_table(w, by, ps, " (above 1.15)")
    w("\nWorst per curve off the list: " + ", ".join(
        "%s %s thr %.3f" % (c[0], c[1], q) for c, q in sorted(worst.items()))
      + ".\n")


def read_llc(d):
    """The sweep past the L3 (bench-sweep-llc.csv) and what
    scripts/bench-speed.sh wrote of it (bench-sweep-llc.txt: l3_bytes, mb,
    command); empty where either is missing."""
    llc = rows(os.path.join(d, "bench-sweep-llc.csv"))
    info = {}
    try:
        with open(os.path.join(d, "bench-sweep-llc.txt")) as fh:
            for line in fh:
                k, _, v = line.strip().partition("=")
                info[k] = v
    except OSError:
        return [], {}
    if not llc or "l3_bytes" not in info:
        return [], {}
    return llc, info


def llc_section(d, w):
    """S1's sweep again with X past the L3 (scripts/bench-speed.sh writes it
    where the L3 is large enough to hold much of the 128 MB X)."""
    llc, info = read_llc(d)
    if not llc:
        return
    by, ps = sweep_table(llc)
    l3 = int(info["l3_bytes"]) / 2.0**20
    w("### S1 with X past the L3 cache (context: the target's X is 128 MB)\n")
    w("This CPU's L3 is %.0f MiB, so the 128 MB sweep above reads much of X "
      "from the cache: the plain read then runs at the cache's speed while "
      "the kernel's arithmetic stays where it was. `build/%s` (X about %s MB "
      "of doubles, raw data `bench-sweep-llc.csv`), the same ratio from "
      "memory (no target at this size):\n" % (l3, info["command"], info["mb"]))
    worst = sweep_ratio_table(w, by, ps, " (above 1.15)")
    w("\nWorst per curve past the L3: " + ", ".join(
        "%s %s thr %.3f" % (c[0], c[1], q) for c, q in sorted(worst.items()))
      + ".\n")


# A pass from memory at least this share of its rate with X in the cache is
# bound by its arithmetic: memory would not make it faster.
CACHE_BOUND = 0.9


def read_cache(d):
    """The 1-thread sweep with X of 1 MB (bench-sweep-cache.csv):
    {precision: {p: row}}; empty where it is missing."""
    by, _ = sweep_table(rows(os.path.join(d, "bench-sweep-cache.csv")))
    return {c[0]: t for c, t in by.items() if c[1] == "1"}


def cache_share(by, cache, prec, p):
    """The pass's GB/s of X from memory (1 thread) over its GB/s in the
    cache, or None where either is missing."""
    r, c = by.get((prec, "1"), {}).get(p), cache.get(prec, {}).get(p)
    if not r or not c or f(c["iter_gbs"]) <= 0:
        return None
    return f(r["iter_gbs"]) / f(c["iter_gbs"])


def cache_section(d, w, by):
    """S1's 1-thread curves against the same kernels with X in the cache."""
    cache = read_cache(d)
    if not cache:
        return
    ps = sorted(set(p for t in cache.values() for p in t))
    w("### S1 with X in the cache: memory or arithmetic\n")
    w("`build/linreg bench --sweep --mb 1 --threads 1 --repeat 21` (X of "
      "1 MB, which stays in the cache; raw data `bench-sweep-cache.csv`): "
      "the kernels' own rate, with no wait for memory. Where the pass from "
      "memory (S1's 1-thread curves) runs at %.0f%% or more of its rate in "
      "the cache, memory is not what limits it: its arithmetic is (marked "
      "*arithmetic*). GB/s of X moved by one iteration:\n" % (100 * CACHE_BOUND))
    precs = [c for c in ("double", "float") if c in cache]
    w("| p | " + " | ".join("%s: from memory | in the cache | share" % c
                            for c in precs) + " |")
    w("|---|" + "---|---|---|" * len(precs))
    for p in ps:
        cells = []
        for c in precs:
            r, k = by.get((c, "1"), {}).get(p), cache[c].get(p)
            q = cache_share(by, cache, c, p)
            if r is None or k is None or q is None:
                cells.append(" | | ")
                continue
            cells.append("%.1f | %.1f | %.2f%s" % (
                f(r["iter_gbs"]), f(k["iter_gbs"]), q,
                " *arithmetic*" if q >= CACHE_BOUND else ""))
        w("| %d | %s |" % (p, " | ".join(cells)))
    w("")


def and_list(xs):
    """a, b and c"""
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


def s1_cache_why(d, by, ps):
    """What the sweep in the cache says of S1's 1-thread misses: the
    sentences, or "" where it is missing or says nothing."""
    cache = read_cache(d)
    out = []
    for prec in ("double", "float"):
        miss = [p for p in ps if p in by.get((prec, "1"), {})
                and f(by[(prec, "1")][p]["ratio_to_read"]) > 1.15]
        shares = [(p, cache_share(by, cache, prec, p)) for p in miss]
        shares = [(p, q) for p, q in shares if q is not None]
        if not shares:
            continue
        bound = [p for p, q in shares if q >= CACHE_BOUND]
        other = [(p, q) for p, q in shares if q < CACHE_BOUND]
        txt = "%s at 1 thread: " % prec.capitalize()
        if bound:
            txt += ("at %d of the %d missed p (%s) the pass ran at %.0f%% or "
                    "more of its rate with X in the cache (below), so there "
                    "the kernel's arithmetic, not memory, sets the time" % (
                        len(bound), len(shares), ", ".join(map(str, bound)),
                        100 * CACHE_BOUND))
            if prec == "float":
                txt += (": each float is widened to double and takes a "
                        "multiply and an add in the dot product and again in "
                        "the gradient, without FMA (every dispatch path sums "
                        "in one order without it, for `--deterministic`'s "
                        "bits)")
        if other:
            txt += ("; " if bound else "") + (
                "at p = %s it ran at %s of its rate in the cache: there the "
                "pass waits on memory more than the plain read does" % (
                    and_list(["%d" % p for p, _ in other]),
                    and_list(["%.2f" % q for _, q in other])))
        out.append(txt + ".")
    return " ".join(out)


def s1_why(d, w, by, ps):
    """S1's misses: how many, by how much, and the same curves past the L3
    where bench-sweep-llc.csv has them."""
    llc_rows, info = read_llc(d)
    llc, _ = sweep_table(llc_rows)
    l3 = int(info["l3_bytes"]) / 2.0**20 if info else None
    parts = []
    for c in SWEEP_CURVES:
        qs = [f(by[c][p]["ratio_to_read"]) for p in ps if p in by.get(c, {})]
        miss = [q for q in qs if q > 1.15]
        if not miss:
            continue
        txt = "%s at %s: %d of %d p, by up to %.0f%%" % (
            c[0], threads_text(c[1]), len(miss), len(qs), 100 * (max(miss) / 1.15 - 1))
        past = [f(r["ratio_to_read"]) for r in llc.get(c, {}).values()]
        if past:
            txt += " (past the L3, below: worst %.3f)" % max(past)
        parts.append(txt)
    if not parts:
        return
    why = ("Missed, by how much and why: " + "; ".join(parts) + ".")
    cache_why = s1_cache_why(d, by, ps)
    if cache_why:
        why += " " + cache_why

    def median_read(table, c):
        v = sorted(f(r["read_gbs"]) for r in table.get(c, {}).values())
        return v[len(v) // 2] if v else float("nan")
    if l3 and llc:
        here, past = median_read(by, ("float", "1")), median_read(llc, ("float", "1"))
        worst_past = max(f(r["ratio_to_read"]) for c in SWEEP_CURVES
                         for r in llc.get(c, {}).values())
        if here >= 1.15 * past:
            why += (" The plain read each ratio is held against finds much "
                    "of X in this CPU's %.0f MiB L3 (float X is half of "
                    "double's 128 MB), where it ran faster than from memory "
                    "(float, 1 thread: a median %.1f GB/s here against %.1f "
                    "past the L3)%s." % (l3, here, past, "" if cache_why else
                    ", while the kernel's arithmetic a byte is "
                    "the same in the cache and out of it: each float is "
                    "widened to double and takes a multiply and an add in "
                    "the dot product and again in the gradient, without FMA "
                    "(every dispatch path sums in one order without it, for "
                    "`--deterministic`'s bits)"))
        else:
            why += (" In this run the read of float X ran at about the same "
                    "rate as past the %.0f MiB L3 (float, 1 thread: a median "
                    "%.1f GB/s here against %.1f), so the L3 does not "
                    "explain these misses%s." % (
                        l3, here, past, "" if cache_why else
                        "; nothing else this run measures does"))
        if worst_past <= 1.15:
            why += (" With X past the L3 the same kernels are within 1.15x "
                    "on every curve (below).")
    w(why + "\n")


def speed_sections(d, w, verdict):
    """The memory-speed issue's targets 1-4 (scripts/bench-speed.sh)."""
    sweep = rows(os.path.join(d, "bench-sweep.csv"))
    cross = rows(os.path.join(d, "bench-threads.csv"))
    load = rows(os.path.join(d, "bench-load.csv"))
    if not sweep:
        return
    by, ps = sweep_table(sweep)
    w("# Memory speed at every shape, under load\n")
    w("`scripts/bench-speed.sh` (run by `make bench`): `build/linreg bench "
      "--sweep --threads 1,2` (X about 128 MB of doubles for each p, the "
      "same n stored as float; raw data `bench-sweep.csv`, plot "
      "`bench-sweep.png`), `build/linreg bench --crossover 9 --threads 2` "
      "(`bench-threads.csv`) and three concurrent jobs (`bench-load.csv`). "
      "Kernels: **%s**.\n" % sweep[0]["isa"])
    w("## S1. Every p: time per iteration against one plain read of the "
      "bytes of X and y (target: at most 1.15x)\n")
    meta = os.path.join(d, "bench-sweep.txt")
    if os.path.exists(meta):
        w("The sweep's run (`bench-sweep.txt`; S1 and S2 below come from it, "
          "and it may be newer than the rest of this page):\n")
        w("```")
        w(open(meta).read().rstrip("\n"))
        w("```\n")
    worst = sweep_ratio_table(w, by, ps, " **missed**")
    w("\nWorst per curve: " + ", ".join(
        "%s %s thr %.3f (%s)" % (c[0], c[1], q, verdict(q <= 1.15))
        for c, q in sorted(worst.items())) + ".\n")
    noise = noise_text([("%s %s thr p = %d" % (c[0], c[1], p), by[c][p])
                        for c in SWEEP_CURVES for p in ps
                        if p in by.get(c, {})
                        and f(by[c][p]["ratio_to_read"]) > 1.15],
                       "ratio", 1.15)
    if noise:
        w(noise + "\n")
    s1_why(d, w, by, ps)
    cache_section(d, w, by)
    off_section(d, w)
    llc_section(d, w)

    w("## S2. Float pays (targets: float at least 1.6x faster than double "
      "where the pass is memory-bound; float `--deterministic` within 5% of "
      "the clause path)\n")
    w("A float row moves 4p + 8 bytes against 8p + 8 for double: the bound "
      "on the gain is (8p + 8) / (4p + 8), below 1.6 for p < 3.\n")
    w("| p | threads | double (s) | float (s) | double / float | byte bound "
      "| | float det / clause | |")
    w("|---|---|---|---|---|---|---|---|---|")
    for p in ps:
        for t in ("1", "2"):
            rd, rf = by.get(("double", t), {}).get(p), by.get(("float", t), {}).get(p)
            if not rd or not rf:
                continue
            sp = f(rd["iter_s"]) / f(rf["iter_s"])
            bound = (8.0 * p + 8) / (4.0 * p + 8)
            dq = f(rf["det_over_clause"])
            w("| %d | %s | %.4g | %.4g | %.3f | %.2f | %s | %.3f%s | %s |" % (
                p, t, f(rd["iter_s"]), f(rf["iter_s"]), sp, bound,
                verdict(sp >= 1.6) if bound >= 1.6 else "(bound < 1.6)", dq,
                pair_text(rf, "det"), verdict(dq <= 1.05)))
    dqs = {(p, t): f(by[("float", t)][p]["det_over_clause"]) for p in ps
           for t in ("1", "2") if p in by.get(("float", t), {})}
    over = sorted(k for k, q in dqs.items() if q > 1.05)
    if over:
        def extra(p):  # the partial rows' bytes over float X's, a block
            rb = max(128, 16384 // p)  # lr_chunk_rows (src/kernels.c)
            return 16.0 * (p + 2) / (4.0 * p * rb)
        w("\nMissed, by how much and why: float `--deterministic` over 1.05x "
          "the clause path at %s, by up to %.1f points. The deterministic "
          "pass runs the clause path's kernels on the same blocks of rows "
          "(`lr_chunk_rows`: max(128, 16384 / p) rows) and besides writes "
          "the blocks' partial rows of p + 2 doubles and reads them back "
          "to add in block order (since 29e7fec all but the first "
          "thread's), which adds at most %s to the bytes of float X. "
          "Across the %d cells of this run the ratio ran from %.3f to "
          "%.3f%s." % (
              ", ".join("p = %d (%s, %.4f)" % (p, threads_text(t), dqs[(p, t)])
                        for p, t in over),
              100 * (max(dqs[k] for k in over) - 1.05),
              ", ".join("%.1f%% (p = %d)" % (100 * extra(p), p)
                        for p in sorted({p for p, _ in over})),
              len(dqs), min(dqs.values()), max(dqs.values()),
              ": the deterministic pass does no less work than the clause "
              "path, so cells this far from 1 either way are this shared "
              "machine's run-to-run noise" if min(dqs.values()) < 0.97
              else ""))
        noise = noise_text([("p = %d (%s)" % (p, threads_text(t)),
                             by[("float", t)][p]) for p, t in over],
                           "det", 1.05)
        if noise:
            w(noise)
    w("")

    w("## S3. The instruction set of the machine\n")
    w("The kernels ran on **%s** (`LR_ISA` unset: the widest this CPU has; "
      "`env.json`/the report's `machine.kernels` says the same). Every "
      "path sums in one fixed order without FMA contraction: "
      "`tests/check_kernels.c` and `tests/cli/speed.sh` check the same bits "
      "with `--deterministic` on every path this CPU runs.\n"
      % sweep[0]["isa"])
    other = rows(os.path.join(d, "bench-sweep-isa.csv"))
    if other:
        isas = []
        cell = {}
        for r in other:
            if r["isa"] not in isas:
                isas.append(r["isa"])
            cell[(r["isa"], r["precision"], int(r["p"]))] = f(r["ratio_to_read"])
        ops = sorted({int(r["p"]) for r in other})
        cols = [(i, pr) for i in isas for pr in ("double", "float")]
        w("The narrower paths, forced by `LR_ISA` on this CPU (`LR_ISA=ISA "
          "build/linreg bench --sweep --ps %s --threads 1`, raw data "
          "`bench-sweep-isa.csv`): iteration / read at 1 thread, what a CPU "
          "without the wider unit would run (no target; the same bits as "
          "above).\n" % ",".join(str(p) for p in ops))
        w("| p | " + " | ".join("%s, %s" % c for c in cols) + " |")
        w("|---|" + "---|" * len(cols))
        for p in ops:
            w("| %d | %s |" % (p, " | ".join(
                "%.2f" % cell[(i, pr, p)] if (i, pr, p) in cell else ""
                for i, pr in cols)))
        w("")

    w("## S4. Under load, never slower than one thread\n")
    meta = os.path.join(d, "bench-s4.txt")
    if os.path.exists(meta):
        w("S4's run (`bench-s4.txt`; it may be newer than the rest of this "
          "page):\n")
        w("```")
        w(open(meta).read().rstrip("\n"))
        w("```\n")
    if cross:
        w("`build/linreg bench --crossover 9 --threads 2`: time per iteration "
          "at the default thread count (one per 24576 elements) against 1 "
          "thread (target: at most 1.05x at every size).\n")
        w("| n | n p | threads asked | threads used | iteration (s) | 1 thread (s) "
          "| ratio | |")
        w("|---|---|---|---|---|---|---|---|")
        for r in cross:
            q = f(r["ratio_to_one"])
            default = r["default"] == "1"
            w("| %s | %s | %s | %s | %.4g | %.4g | %.3f | %s |" % (
                r["n"], r["elems"], "default" if default else r["threads_asked"],
                r["threads_used"], f(r["iter_s"]), f(r["one_thread_s"]), q,
                verdict(q <= 1.05) if default else ""))
        w("")
    if load:
        w("Three concurrent `linreg train --samples 20190 --features 9` jobs "
          "(three rounds), time per iteration of each (target: default "
          "threads at most 1.3x the `--threads 1` jobs; medians):\n")
        med = {}
        for case in ("default", "threads1", "gomp-spin"):
            v = sorted(f(r["s_per_iter"]) for r in load
                       if r["case"] == case and r["s_per_iter"])
            runs = [r for r in load if r["case"] == case]
            thr = ",".join(sorted({r["threads"] for r in runs}))
            # the teams the jobs ran, when they followed the load (the
            # columns are absent from files of older versions)
            sw = [int(r["switches"]) for r in runs if r.get("switches")]
            if any(sw):
                thr += " (ran %s to %s; %d-%d changes a job)" % (
                    min(int(r["threads_min"]) for r in runs),
                    max(int(r["threads_max"]) for r in runs), min(sw), max(sw))
            if v:
                med[case] = (v[len(v) // 2], v[0], v[-1], thr)
        w("| jobs | threads | median (us) | min (us) | max (us) |")
        w("|---|---|---|---|---|")
        names = {"default": "default threads (following the load), "
                            "linreg's bounded spin",
                 "threads1": "`--threads 1`",
                 "gomp-spin": "2 threads, libgomp's default spin "
                              "(GOMP_SPINCOUNT=300000)"}
        for case, (m, lo, hi, thr) in med.items():
            w("| %s | %s | %.1f | %.1f | %.1f |" % (names[case], thr, m * 1e6,
                                                  lo * 1e6, hi * 1e6))
        if "default" in med and "threads1" in med:
            q = med["default"][0] / med["threads1"][0]
            w("\nDefault / one thread: %.3f (%s).\n" % (q, verdict(q <= 1.3)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sweep-dat":
        sweep_dat(sys.argv[2] if len(sys.argv) > 2 else "results/bench")
    else:
        main()
