/* barrier.c -- the team barrier of the training loop (lr_internal.h).
 *
 * Why not `#pragma omp barrier`: libgomp's barrier (config/linux/bar.c)
 * makes a futex_wake system call at every barrier, from the last thread to
 * arrive, whether or not any thread sleeps. A training iteration has two
 * barriers, and on a virtual machine with page-table isolation a system
 * call costs more than a microsecond: on the 2-core AMD EPYC VM (family 26
 * model 2) a barrier of two spinning threads took 1.3-1.6 us with
 * libgomp's and 0.7-0.9 us with a spin barrier, and `strace -c` counted
 * two futex calls an iteration with OMP_WAIT_POLICY=active, four with the
 * command line's spin count. Here the last thread wakes only when a
 * thread has gone to sleep.
 *
 * The wait: spin (one pause a count) up to the count libgomp itself would
 * use, then sleep on a futex. So OMP_WAIT_POLICY and GOMP_SPINCOUNT, and
 * the command line's setting of GOMP_SPINCOUNT (cli_wait_policy), govern
 * these waits as they govern libgomp's:
 *   OMP_WAIT_POLICY=active   spin without end;
 *   OMP_WAIT_POLICY=passive  sleep at once;
 *   GOMP_SPINCOUNT=N         N, with libgomp's suffixes k, M, G, T (x1000
 *                            each) or "infinite"/"infinity";
 *   neither                  libgomp's default, 300000;
 * and, as libgomp does, at most 1000 when the team has more threads than
 * the machine has cores (a waiting thread then holds a core its team
 * mate needs).
 *
 * Memory order: each arrival is a read-modify-write of `count` (acq_rel),
 * the last one publishes the next generation (seq_cst), waiters read it
 * with acquire: every write before the barrier on any thread happens
 * before every read after it on any other. The sleepers count and the
 * generation are both seq_cst, so either the last thread sees a sleeper
 * and wakes it, or the sleeper sees the new generation and does not
 * sleep (the futex wait also returns at once once the generation moved). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#include <sched.h>
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lr_internal.h"

/* libgomp's default spin count, and its count for an oversubscribed
 * team (libgomp/env.c). */
#define LR_SPIN_DEFAULT 300000ULL
#define LR_SPIN_THROTTLED 1000ULL

unsigned long long lr_spin_parse(const char *policy, const char *count)
{
    if (policy && *policy) {
        if (strcasecmp(policy, "active") == 0)
            return ULLONG_MAX;
        if (strcasecmp(policy, "passive") == 0)
            return 0;
    }
    if (count && *count) {
        while (*count == ' ' || *count == '\t')
            count++;
        if (strncasecmp(count, "infinite", 8) == 0
            || strncasecmp(count, "infinity", 8) == 0)
            return ULLONG_MAX;
        char *end;
        unsigned long long v = strtoull(count, &end, 10);
        if (end != count && *count != '-') {
            unsigned long long mul = 1;
            switch (*end) {
            case 'k': case 'K': mul = 1000ULL; end++; break;
            case 'm': case 'M': mul = 1000000ULL; end++; break;
            case 'g': case 'G': mul = 1000000000ULL; end++; break;
            case 't': case 'T': mul = 1000000000000ULL; end++; break;
            default: break;
            }
            while (*end == ' ' || *end == '\t')
                end++;
            if (*end == '\0')
                return v > ULLONG_MAX / mul ? ULLONG_MAX : v * mul;
        }
        /* libgomp ignores a malformed count: so does this */
    }
    return LR_SPIN_DEFAULT;
}

/* The count from the environment, read once (a racing first read by two
 * threads computes the same value). */
static unsigned long long spin_env(void)
{
    static _Atomic int done;
    static _Atomic unsigned long long count;
    if (!atomic_load_explicit(&done, memory_order_acquire)) {
        atomic_store_explicit(&count,
                              lr_spin_parse(getenv("OMP_WAIT_POLICY"),
                                            getenv("GOMP_SPINCOUNT")),
                              memory_order_relaxed);
        atomic_store_explicit(&done, 1, memory_order_release);
    }
    return atomic_load_explicit(&count, memory_order_relaxed);
}

void lr_barrier_init(lr_barrier *b, int threads)
{
    atomic_init(&b->gen, 0);
    atomic_init(&b->sleepers, 0);
    atomic_init(&b->count, 0);
    unsigned long long c = spin_env();
#ifdef _OPENMP
    if (threads > omp_get_num_procs() && c > LR_SPIN_THROTTLED)
        c = LR_SPIN_THROTTLED;
#else
    (void)threads;
#endif
    b->spins = c;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The generation word as the futex's int: the atomic has the same size
 * and representation (checked below). */
_Static_assert(sizeof(atomic_uint) == sizeof(uint32_t), "futex word");

static void sleep_on(atomic_uint *g, unsigned seen)
{
#ifdef __linux__
    syscall(SYS_futex, (uint32_t *)(uintptr_t)g, FUTEX_WAIT_PRIVATE, seen,
            NULL, NULL, 0);
#else
    (void)g;
    (void)seen;
    sched_yield();
#endif
}

static void wake_all(atomic_uint *g)
{
#ifdef __linux__
    syscall(SYS_futex, (uint32_t *)(uintptr_t)g, FUTEX_WAKE_PRIVATE, INT_MAX,
            NULL, NULL, 0);
#else
    (void)g;
#endif
}

void lr_barrier_wait(lr_barrier *b, int threads)
{
    if (threads <= 1)
        return;
    const unsigned g = atomic_load_explicit(&b->gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->count, 1, memory_order_acq_rel)
        == (unsigned)threads - 1) {
        /* last: reset for the next barrier before anyone can reach it */
        atomic_store_explicit(&b->count, 0, memory_order_relaxed);
        atomic_store_explicit(&b->gen, g + 1, memory_order_seq_cst);
        if (atomic_load_explicit(&b->sleepers, memory_order_seq_cst) > 0)
            wake_all(&b->gen);
        return;
    }
    for (unsigned long long i = 0; i < b->spins; i++) {
        if (atomic_load_explicit(&b->gen, memory_order_acquire) != g)
            return;
        cpu_relax();
    }
    atomic_fetch_add_explicit(&b->sleepers, 1, memory_order_seq_cst);
    while (atomic_load_explicit(&b->gen, memory_order_seq_cst) == g)
        sleep_on(&b->gen, g);
    atomic_fetch_sub_explicit(&b->sleepers, 1, memory_order_relaxed);
}
