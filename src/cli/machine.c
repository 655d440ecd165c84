/* machine.c -- what reports record about the run: the CPU, cores, host,
 * compiler and flags, and JSON numbers (null when not finite). */
#include <math.h>
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
