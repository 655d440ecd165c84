# linreg -- build, test, run, bench, install.
# make            build/liblinreg.a, build/liblinreg.so and build/linreg
# make run        the main job: the driver on built-in synthetic data
# make check      the Check suites and the command-line tests
# make bench      time per iteration at four sizes (not run by CI)
# WERROR=1 turns warnings into errors (CI); SANITIZE=1 builds with ASan+UBSan.

# make's built-in default for CC is cc; gcc unless the user names another.
ifeq ($(origin CC),default)
CC      := gcc
endif
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
PYTHON  ?= /usr/bin/python3

# GSL's BLAS calls and the Gram pass (src/gram_blas.c) run on OpenBLAS (Debian's
# OpenMP build): GSL is linked against it instead of its reference gslcblas.
PKGS      := gsl libcjson openblas
OPT       ?= -O3
WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion \
             -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef \
             -Wcast-qual -Wpointer-arith -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifeq ($(SANITIZE),1)
OPT  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
BUILD := build-san
endif

# Recursive (=), not :=, so pkg-config runs when a recipe needs it: after
# scripts/deps.sh has installed pkg-config and the libraries on a fresh
# machine.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(filter-out -lgslcblas,$(shell pkg-config --libs $(PKGS)))
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

# -ffp-contract=off: no fused multiply-add contraction, which the bitwise
# determinism of --deterministic and the tutorial's NumPy-equal weights rest
# on (-std=c11 implies it for GCC; stated so that no other flag undoes it).
# -MMD -MP: each object depends on the headers it includes.
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g \
              -ffp-contract=off -fopenmp -fPIC -MMD -MP $(WARN) -Iinclude -Isrc \
              $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = -fopenmp $(PKG_LIBS) -lm $(LDFLAGS)
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
FLAGS_STR  := $(CC) -std=c11 $(OPT) -ffp-contract=off -fopenmp $(CFLAGS)

# The library, one concern a file (README, Library).
LIB_SRC := src/error.c src/clock.c src/threads.c src/gsl_guard.c src/matrix.c \
           src/rng.c src/generate.c src/kernels.c src/kernel_state.c \
           src/kernels_base.c src/kernels_avx2.c src/kernels_avx512.c \
           src/params.c src/model.c src/scaling.c src/step.c src/gram.c \
           src/lipschitz.c src/gd.c src/fit.c src/solve.c src/solve_svd.c \
           src/solve_gram.c src/solve_dual.c src/design.c src/metrics.c \
           src/data.c src/output.c src/csv.c src/csv_write.c src/npy.c \
            src/model_io.c src/parse_double.c src/cv.c src/stats.c \
            src/dtoa.c
# the team that follows the load, and its barrier
LIB_SRC += src/load.c src/barrier.c
# the Gram pass by the BLAS (dsyrk)
LIB_SRC += src/gram_blas.c
# its own rank-k kernel, one build per instruction set (gram_kernel_t.h)
LIB_SRC += src/gram_kernel.c src/gram_kernel_avx2.c src/gram_kernel_avx512.c
CLI_SRC := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/check_*.c)

LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/cli/%.c=$(BUILD)/obj/cli/%.o)
TEST_OBJ := $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.o)

.PHONY: all deps deps-report check run bench clean install uninstall tutorial \
        fuzz fuzz-run nist mpi check-mpi examples
all: deps-report $(BUILD)/liblinreg.a $(BUILD)/liblinreg.so $(BUILD)/linreg

# Plain `make` only reports missing Debian packages (and names the target
# that installs them); `make deps`, `make run` and `make check` install them.
deps-report:
	@scripts/deps.sh --report build
deps:
	@scripts/deps.sh all

# The library's objects: only the functions marked LR_API in the public
# headers are exported from liblinreg.so; the rest stay reachable through
# liblinreg.a, which the command line and the tests link.
LIB_CFLAGS = -fvisibility=hidden
$(BUILD)/obj/%.o: src/%.c include/linreg.h src/lr_internal.h | deps-report
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_CFLAGS) $(ISA_FLAGS) -c $< -o $@

# The row kernels, once per instruction set (kernel_ops.h), each without
# FMA contraction so that all give the same bits; kernels.c dispatches.
KERNEL_HDR := src/kernel_ops.h src/kernel_rows.h src/kernel_rows_t.h
$(BUILD)/obj/kernels.o: src/kernel_ops.h
$(BUILD)/obj/kernels_base.o: $(KERNEL_HDR)
$(BUILD)/obj/kernels_base.o: ISA_FLAGS := -ffp-contract=off
$(BUILD)/obj/kernels_avx2.o: $(KERNEL_HDR)
$(BUILD)/obj/kernels_avx2.o: ISA_FLAGS := -ffp-contract=off -mavx2
$(BUILD)/obj/kernels_avx512.o: $(KERNEL_HDR)
$(BUILD)/obj/kernels_avx512.o: ISA_FLAGS := -ffp-contract=off -mavx512f -mavx512vl \
    -mavx512dq -mprefer-vector-width=512
$(BUILD)/obj/gram_kernel_avx2.o: ISA_FLAGS := -ffp-contract=off -mavx2 -mfma
$(BUILD)/obj/gram_kernel_avx512.o: ISA_FLAGS := -ffp-contract=off -mavx512f

$(BUILD)/obj/cli/%.o: src/cli/%.c include/linreg.h src/cli/cli.h | deps-report
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DLR_BUILD_FLAGS='"$(FLAGS_STR)"' \
	    -DLR_GIT_COMMIT='"$(GIT_COMMIT)"' -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c include/linreg.h tests/check_common.h | deps-report
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/liblinreg.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^   # afresh: no member of a removed source stays

# The shared library: liblinreg.so.VERSION with the soname
# liblinreg.so.MAJOR (VERSION is LR_VERSION of include/linreg.h), and the
# two links that the loader and the linker look for.
VERSION := $(shell sed -n 's/^\#define LR_VERSION "\(.*\)"/\1/p' include/linreg.h)
MAJOR   := $(firstword $(subst ., ,$(VERSION)))
SONAME  := liblinreg.so.$(MAJOR)
$(BUILD)/liblinreg.so: $(LIB_OBJ) src/liblinreg.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/liblinreg.map \
	    -o $@.$(VERSION) $(LIB_OBJ) $(LDLIBS_ALL)
	ln -sf liblinreg.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf liblinreg.so.$(VERSION) $@


$(BUILD)/linreg: $(CLI_OBJ) $(BUILD)/liblinreg.a
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(BUILD)/liblinreg.a $(LDLIBS_ALL) $(filter -fsanitize%,$(OPT))

$(BUILD)/check_linreg: $(TEST_OBJ) $(BUILD)/liblinreg.a
	$(CC) $(OPT) -o $@ $(TEST_OBJ) $(BUILD)/liblinreg.a $(CHECK_LIBS) $(LDLIBS_ALL)

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory all $(BUILD)/check_linreg
	@scripts/run-tests.sh $(BUILD)

run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	$(BUILD)/linreg driver --out results/driver
	@scripts/plot.sh results/driver

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh $(BUILD)

tutorial:
	@scripts/deps.sh tutorial
	@$(MAKE) --no-print-directory all
	@scripts/tutorial.sh $(BUILD)

PUBLIC_H  := linreg.h linreg_io.h linreg_dist.h linreg_cv.h linreg_stats.h
INSTALLED := bin/linreg lib/liblinreg.a lib/liblinreg.so.$(VERSION) \
             lib/$(SONAME) lib/liblinreg.so $(addprefix include/,$(PUBLIC_H)) \
             lib/pkgconfig/linreg.pc
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/linreg $(DESTDIR)$(PREFIX)/bin/linreg
	install -m 644 $(BUILD)/liblinreg.a $(DESTDIR)$(PREFIX)/lib/liblinreg.a
	install -m 755 $(BUILD)/liblinreg.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf liblinreg.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf liblinreg.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/liblinreg.so
	install -m 644 $(addprefix include/,$(PUBLIC_H)) $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' linreg.pc.in \
	    >$(DESTDIR)$(PREFIX)/lib/pkgconfig/linreg.pc

# linreg.pc, written by install for PREFIX: the link line is
# `pkg-config --libs linreg` (shared) or `pkg-config --static --libs linreg`
# (liblinreg.a, which needs OpenBLAS, GSL, cJSON, OpenMP and libm after it).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))

# examples/: built against the installed library through pkg-config (make
# install PREFIX=... first; the same PREFIX here).
examples: $(BUILD)/examples/fit
# always rebuilt: it links against whichever PREFIX is given
.PHONY: $(BUILD)/examples/fit
$(BUILD)/examples/fit: examples/fit.c
	@mkdir -p $(dir $@)
	PKG_CONFIG_PATH=$(DESTDIR)$(PREFIX)/lib/pkgconfig $(CC) -std=c11 -Wall -Wextra \
	    $(filter -Werror,$(WARN)) -o $@ $< \
	    $$(PKG_CONFIG_PATH=$(DESTDIR)$(PREFIX)/lib/pkgconfig pkg-config --cflags --libs linreg) \
	    -Wl,-rpath,$(DESTDIR)$(PREFIX)/lib

# libFuzzer targets for the CSV, .npy and model readers (Debian clang and
# libclang-rt), built without OpenMP (the readers have none), each run for
# FUZZ_SECONDS from a copy of its committed seed corpus in fuzz/corpus. An
# implicit declaration is an error (one truncated a returned pointer to an
# int); -Wno-psabi: the kernels' vector types, built here without their
# instruction-set flags.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -Wno-unknown-pragmas -Wno-psabi \
                -Werror=implicit-function-declaration -Iinclude -Isrc
FUZZ_TARGETS := csv npy model
# The library is compiled once for the three targets (each compiled it
# whole before: the kernels' sources take minutes under the sanitizers).
FUZZ_OBJ := $(patsubst src/%.c,build-fuzz/obj/%.o,$(LIB_SRC))
build-fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
-include $(FUZZ_OBJ:.o=.d)
fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-run
fuzz-run: $(FUZZ_OBJ)
	@for t in $(FUZZ_TARGETS); do \
	    $(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer -o build-fuzz/fuzz_$$t \
	        fuzz/fuzz_$$t.c $(FUZZ_OBJ) $(PKG_LIBS) -lm || exit 1; \
	done
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf build-fuzz/corpus-$$t && mkdir -p build-fuzz/corpus-$$t && \
	    cp fuzz/corpus/$$t/* build-fuzz/corpus-$$t/ && \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s" && \
	    build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -print_final_stats=1 -artifact_prefix=build-fuzz/crash-$$t- \
	        build-fuzz/corpus-$$t 2>build-fuzz/fuzz_$$t.log || \
	        { tail -n 40 build-fuzz/fuzz_$$t.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units|stat::peak_rss' build-fuzz/fuzz_$$t.log; \
	done
	@echo "fuzz: $(FUZZ_TARGETS): no crash, no sanitizer report"

# The hybrid Open MPI + OpenMP trainer (Debian libopenmpi-dev, openmpi-bin);
# the plain build never needs MPI.
MPICC ?= mpicc
CLI_NOMAIN := $(filter-out $(BUILD)/obj/cli/main.o,$(CLI_OBJ))
mpi:
	@scripts/deps.sh mpi
	@$(MAKE) --no-print-directory $(BUILD)/liblinreg.a $(CLI_NOMAIN)
	$(MPICC) $(CFLAGS_ALL) -Isrc/cli -c src/mpi/linreg_mpi.c -o $(BUILD)/obj/linreg_mpi.o
	$(MPICC) $(OPT) -o $(BUILD)/linreg-mpi $(BUILD)/obj/linreg_mpi.o $(CLI_NOMAIN) \
	    $(BUILD)/liblinreg.a $(LDLIBS_ALL)

check-mpi: mpi
	@tests/mpi.sh $(BUILD)

nist: all
	@scripts/nist.sh $(BUILD)

clean:
	rm -rf $(BUILD) build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
