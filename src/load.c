/* load.c -- the team size of a fit that follows the machine's load
 * (lr_params.adapt_threads), for lr_kernel_run.
 *
 * What is counted: the 4th field of /proc/loadavg, "R/T", gives in R the
 * tasks (threads) of the whole system that are runnable at the moment of
 * the read: running on a core or waiting in a run queue, the reading
 * thread included; a thread asleep (a futex wait at a barrier after its
 * spin, I/O) is not. Measured on the 2-core development machine: each busy
 * process added one to R. The master samples R at the start of a pass,
 * just after the barrier that released the team: then every thread of the
 * team is runnable (computing, or woken and queued), so the others' share
 * is R minus the team size; in a serial stretch, R minus 1.
 *
 * The rule: every LR_LOAD_PERIOD seconds a sample; every LR_LOAD_WINDOW
 * samples a decision on their mean m, the cores left free
 * f = online cores - m. The team shrinks to round(f) (at least 1) when
 * that is below the current size, and grows (up to the size the fit
 * started with) only to floor(f + 1/4): a quarter of a core of hysteresis,
 * so a machine whose others' load hovers at a half-integer does not make
 * the team flap. A failed read turns the adaptation off for the rest of
 * the fit, back to the full team, silently.
 *
 * Cost: one clock read an iteration on the master, one pread of 40 bytes
 * (a few microseconds) a millisecond.
 *
 * Test hook: LINREG_TEST_LOAD="N1,N2,...", read when the fit is made:
 * the others' runnable count of successive samples (the last repeats; "x"
 * is an unreadable /proc), one sample each pass instead of each
 * millisecond, so a test forces switches at known iterations. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lr_internal.h"

#define LR_LOAD_PERIOD 1e-3
#define LR_LOAD_WINDOW 8
#define LR_LOAD_WINDOW_TEST 4

void lr_load_init(lr_load *ld, int threads)
{
    memset(ld, 0, sizeof *ld);
    ld->max = ld->cur = ld->tmin = ld->tmax = threads;
    ld->fd = -1;
    ld->test = getenv("LINREG_TEST_LOAD");
    if (ld->test && !ld->test[0])
        ld->test = NULL;
#ifdef __linux__
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    ld->cpus = c > 0 && c < 1 << 20 ? (int)c : threads;
    if (!ld->test)
        ld->fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    ld->on = threads > 1 && (ld->test || ld->fd >= 0);
#else
    ld->on = 0; /* no portable count of runnable tasks: a fixed team */
#endif
}

void lr_load_close(lr_load *ld)
{
    if (ld->fd >= 0)
        close(ld->fd);
    ld->fd = -1;
    ld->on = 0;
}

/* The next reading of the test hook: >= 0, or -1 for "unreadable". */
static long hook_next(lr_load *ld)
{
    const char *s = ld->test;
    for (size_t k = 0; k < ld->test_pos; k++) {
        const char *c = strchr(s, ',');
        if (!c)
            break; /* the last value repeats */
        s = c + 1;
    }
    ld->test_pos++;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || (*end && *end != ',') || errno || v < 0)
        return -1;
    return v;
}

/* The runnable tasks of the system (the R of /proc/loadavg), or -1. */
static long read_running(int fd)
{
    char buf[128];
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    if (got <= 0)
        return -1;
    buf[got] = '\0';
    const char *s = buf;
    for (int f = 0; f < 3; f++) { /* past the three load averages */
        s = strchr(s, ' ');
        if (!s)
            return -1;
        s++;
    }
    char *end;
    long v = strtol(s, &end, 10);
    return end == s || *end != '/' || v < 0 ? -1 : v;
}

int lr_load_due(lr_load *ld)
{
    if (!ld->on)
        return 0;
    if (ld->test)
        return 1;
    double now = lr_now();
    if (now < ld->next)
        return 0;
    ld->next = now + LR_LOAD_PERIOD;
    return 1;
}

void lr_load_sample(lr_load *ld, int own)
{
    long r = ld->test ? hook_next(ld) : read_running(ld->fd);
    if (r < 0) {
        ld->failed = 1; /* decided at the next lr_load_decide */
        return;
    }
    /* the hook gives the others' count itself */
    long others = ld->test ? r : r - own;
    ld->sum += others > 0 ? (double)others : 0.0;
    ld->nsamples++;
}

int lr_load_decide(lr_load *ld)
{
    int want = ld->cur;
    if (ld->failed) {
        lr_load_close(ld);
        ld->failed = 0;
        want = ld->max;
    } else if (ld->on
               && ld->nsamples >= (ld->test ? LR_LOAD_WINDOW_TEST
                                            : LR_LOAD_WINDOW)) {
        const double f = (double)ld->cpus - ld->sum / ld->nsamples;
        ld->sum = 0.0;
        ld->nsamples = 0;
        if (f < ld->cur - 0.5) /* round(f) < cur */
            want = f < 1.5 ? 1 : (int)(f + 0.5);
        else if (f >= ld->cur + 0.75) /* floor(f + 1/4) > cur */
            want = f >= ld->max ? ld->max : (int)(f + 0.25);
    }
    if (want > ld->max)
        want = ld->max;
    if (want != ld->cur) {
        ld->cur = want;
        ld->switches++;
        if (want < ld->tmin)
            ld->tmin = want;
        if (want > ld->tmax)
            ld->tmax = want;
    }
    return ld->cur;
}
