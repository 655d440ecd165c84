/* machine.c -- what reports record about the run: the CPU, cores, host,
 * compiler and flags, and JSON numbers (null when not finite). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <omp.h>

#include "cli.h"

#ifndef LR_BUILD_FLAGS
#define LR_BUILD_FLAGS "unknown"
#endif

cJSON *cli_num(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

cJSON *cli_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t j = 0; a && j < n; j++)
        cJSON_AddItemToArray(a, cli_num(v[j]));
    return a;
}

void cli_machine(char *cpu, size_t cpulen, int *cores)
{
    snprintf(cpu, cpulen, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                char *c = strchr(line, ':');
                if (c) {
                    c++;
                    while (*c == ' ')
                        c++;
                    c[strcspn(c, "\n")] = '\0';
                    snprintf(cpu, cpulen, "%s", c);
                }
                break;
            }
        }
        fclose(f);
    }
    *cores = omp_get_num_procs();
}

const char *cli_build_flags(void)
{
    return LR_BUILD_FLAGS;
}

cJSON *cli_env_json(void)
{
    char cpu[256], host[256] = "unknown";
    int cores;
    cli_machine(cpu, sizeof cpu, &cores);
    gethostname(host, sizeof host - 1);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "cpu", cpu);
    cJSON_AddNumberToObject(e, "cores", cores);
    cJSON_AddStringToObject(e, "host", host);
    cJSON_AddStringToObject(e, "compiler", "gcc " __VERSION__);
    cJSON_AddStringToObject(e, "flags", cli_build_flags());
    cJSON_AddStringToObject(e, "linreg", LR_VERSION);
    const char *omp = getenv("OMP_NUM_THREADS");
    cJSON_AddStringToObject(e, "OMP_NUM_THREADS", omp ? omp : "");
    const char *wp = getenv("OMP_WAIT_POLICY"), *sc = getenv("GOMP_SPINCOUNT");
    cJSON_AddStringToObject(e, "OMP_WAIT_POLICY", wp ? wp : "");
    cJSON_AddStringToObject(e, "GOMP_SPINCOUNT", sc ? sc : "");
    cJSON_AddStringToObject(e, "kernels", lr_kernel_isa_name());
    return e;
}

/* Threads waiting at the two barriers of each iteration spin for about
 * CLI_SPIN_US microseconds, then sleep, instead of libgomp's default of
 * spinning for milliseconds: several jobs on a shared machine leave each
 * other the cores. The count is timed on this CPU, not fixed: a fixed 400
 * (10 us on the AMD EPYC VM) was 5 us on the Intel Xeon VM (family 6
 * model 207, 13 ns a pause), where the waiting thread then slept between
 * a pass and the next, and waking a vCPU cost more than the pass: train
 * 14563 x 9 on 2 threads took 31-69 us an iteration (median 60) against
 * 30 on 1 thread, and 20-28 with a count of 800 or more. Only when the user chose no policy (OMP_WAIT_POLICY,
 * GOMP_SPINCOUNT). libgomp reads its environment once, when it is loaded,
 * before main (a setenv here alone changes nothing, measured): so the
 * program sets GOMP_SPINCOUNT and runs itself again, same arguments. If
 * that exec fails the run goes on with libgomp's defaults. Not under
 * valgrind, whose tools would not follow the exec. Not when a binding is
 * set (OMP_PROC_BIND, OMP_PLACES, GOMP_CPU_AFFINITY): libgomp has then
 * already bound this thread to its first place, and the new image would
 * inherit that one-place mask and see one core. Called first thing by
 * linreg's main and by linreg-mpi's, before MPI_Init (the new image keeps
 * the launcher's environment and process). */
long cli_spin_count(void)
{
#if defined(__x86_64__) || defined(__i386__)
    /* the fastest of five timings of 256 pauses: a preempted sample only
     * lengthens its own */
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        const double t0 = lr_now();
        for (int i = 0; i < 256; i++)
            __builtin_ia32_pause();
        const double ns = (lr_now() - t0) * 1e9 / 256;
        if (ns > 0 && ns < best)
            best = ns;
    }
    const double c = CLI_SPIN_NS / best;
    return c < 100 ? 100 : c > 10000 ? 10000 : (long)(c + 0.5);
#else
    return 400;
#endif
}

void cli_wait_policy(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT")
        || getenv("OMP_PROC_BIND") || getenv("OMP_PLACES")
        || getenv("GOMP_CPU_AFFINITY"))
        return;
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return;
    char count[24];
    snprintf(count, sizeof count, "%ld", cli_spin_count());
    if (setenv("GOMP_SPINCOUNT", count, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("GOMP_SPINCOUNT"); /* not in effect */
}

int cli_team_bound(int threads)
{
    const int saved = omp_get_max_threads();
    if (threads > 0)
        omp_set_num_threads(threads);
    return saved;
}

void cli_team_restore(int saved)
{
    omp_set_num_threads(saved);
}
