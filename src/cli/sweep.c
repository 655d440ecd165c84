/* sweep.c -- what `linreg scale` and `linreg driver` share to keep timing
 * sweeps from misleading: the median and interquartile range of repeated
 * timings, flags on rows that should not be read as scaling (a speedup no
 * added core can give, a spread too wide for the median to mean much,
 * oversubscription), warnings on the state of the machine at the start
 * (the load average, more threads than cores), and that state for the
 * env.json of the run (load, CPU frequency governor, thread binding).
 *
 * Two environment variables exist for the tests only, so that the flags
 * and the warnings can be checked without depending on timing luck:
 *   LINREG_TEST_TIMES=T1,T2,...  the seconds per iteration of the timed fits,
 *                                in the order they run (the list repeats)
 *                                instead of the measured ones;
 *   LINREG_TEST_LOADAVG=FILE     read FILE instead of /proc/loadavg. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#include "cli.h"

/* The thresholds of the flags. A memory-bound pass gains at most the
 * bandwidth ratio, itself at most T, from T threads: a speedup above 1.1 T
 * is measurement error, not scaling. An IQR above a tenth of the median
 * means the machine's state changed during the repeats. */
#define FLAG_SPEEDUP_MAX 1.1
#define FLAG_IQR_MAX 0.1

int cli_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) by linear interpolation between order
 * statistics (NumPy's default "linear" method). */
static double quantile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    double f = pos - (double)lo;
    return lo + 1 < n ? v[lo] * (1 - f) + v[lo + 1] * f : v[lo];
}

cli_stats cli_stats_of(double *v, size_t n)
{
    cli_stats s;
    qsort(v, n, sizeof *v, cli_cmp_double);
    s.med = quantile(v, n, 0.5);
    s.q1 = quantile(v, n, 0.25);
    s.q3 = quantile(v, n, 0.75);
    s.iqr = s.q3 - s.q1;
    s.min = v[0];
    s.max = v[n - 1];
    return s;
}

unsigned cli_flags(double speedup, int threads, int cores, double med, double iqr)
{
    unsigned f = 0;
    if (speedup > FLAG_SPEEDUP_MAX * threads)
        f |= CLI_FLAG_SPEEDUP;
    if (iqr > FLAG_IQR_MAX * med)
        f |= CLI_FLAG_IQR;
    if (threads > cores)
        f |= CLI_FLAG_OVERSUB;
    return f;
}

static const struct {
    unsigned bit;
    const char *word, *note;
} flag_info[] = {
    {CLI_FLAG_SPEEDUP, "speedup",
     "speedup above 1.1 x threads: more than added cores can give a memory-bound "
     "pass; likely the 1-thread fits ran slow (other load, a clock change) or X per "
     "thread fits in cache: rerun on a quiet machine before reading it as scaling"},
    {CLI_FLAG_IQR, "iqr",
     "IQR above 10% of the median: the repeats disagree; likely other processes "
     "(see the load average), clock changes or thread migrations: rerun on a quiet "
     "machine, with more repeats, or with OMP_PROC_BIND=close OMP_PLACES=cores"},
    {CLI_FLAG_OVERSUB, "oversub",
     "more threads than cores: threads take turns on a core, so the times say "
     "nothing about speed"},
};
#define N_FLAGS (sizeof flag_info / sizeof flag_info[0])

const char *cli_flag_words(unsigned flags, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < N_FLAGS; k++)
        if (flags & flag_info[k].bit)
            at += (size_t)snprintf(buf + at, len > at ? len - at : 0, "%s%s",
                                   at ? "+" : "", flag_info[k].word);
    if (!at)
        snprintf(buf, len, "-");
    return buf;
}

void cli_flag_notes(FILE *f, const char *indent, unsigned seen)
{
    for (size_t k = 0; k < N_FLAGS; k++)
        if (seen & flag_info[k].bit)
            fprintf(f, "%s%-8s %s\n", indent, flag_info[k].word, flag_info[k].note);
}

/* The 1, 5 and 15-minute load averages; NAN when they cannot be read. */
static void read_loadavg(double load[3])
{
    const char *path = getenv("LINREG_TEST_LOADAVG");
    FILE *f = fopen(path && *path ? path : "/proc/loadavg", "r");
    load[0] = load[1] = load[2] = NAN;
    if (!f)
        return;
    if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
        load[0] = load[1] = load[2] = NAN;
    fclose(f);
}

/* Busy: the 1-minute load average leaves fewer free cores than the
 * threads the sweep will use, with half a core of slack. The load average
 * lags by about a minute: a run started just after another one sees it. */
static double busy_threshold(const cli_sweep *s)
{
    int used = s->max_threads < s->cores ? s->max_threads : s->cores;
    return (double)(s->cores - used) + 0.5;
}

static int parse_fake_times(const char *cmd, cli_sweep *s)
{
    const char *env = getenv("LINREG_TEST_TIMES");
    if (!env || !*env)
        return 0;
    size_t cap = 1;
    for (const char *c = env; *c; c++)
        cap += *c == ',';
    s->fake = malloc(cap * sizeof *s->fake);
    if (!s->fake) {
        cli_err(cmd, "out of memory");
        return 1;
    }
    const char *c = env;
    while (s->nfake < cap) {
        char *end;
        double v = strtod(c, &end);
        if (end == c || (*end && *end != ',') || !(v > 0) || !isfinite(v)) {
            cli_err(cmd, "LINREG_TEST_TIMES: '%s' is not a list of positive "
                    "seconds", env);
            return EXIT_USAGE;
        }
        s->fake[s->nfake++] = v;
        if (!*end)
            break;
        c = end + 1;
    }
    return 0;
}

int cli_sweep_begin(const char *cmd, int max_threads, cli_sweep *s)
{
    memset(s, 0, sizeof *s);
    s->cores = omp_get_num_procs();
    s->max_threads = max_threads;
    read_loadavg(s->load);
    int rc = parse_fake_times(cmd, s);
    if (rc)
        return rc;
    if (max_threads > s->cores) {
        s->warned |= CLI_FLAG_OVERSUB;
        fprintf(stderr, "linreg %s: warning: %d threads asked for on %d cores: "
                "the rows above %d threads are oversubscribed and say nothing "
                "about speed\n", cmd, max_threads, s->cores, s->cores);
    }
    if (s->load[0] > busy_threshold(s)) {
        s->warned |= CLI_WARN_BUSY;
        fprintf(stderr, "linreg %s: warning: the machine is busy at the start: "
                "load average %.2f (1 min) on %d cores; the timings will be slow "
                "and noisy: rerun when it is below %.2f\n", cmd, s->load[0],
                s->cores, busy_threshold(s));
    }
    fflush(stderr);
    return 0;
}

double cli_sweep_time(cli_sweep *s, double measured)
{
    if (!s->nfake)
        return measured;
    return s->fake[s->used++ % s->nfake];
}

void cli_sweep_end(cli_sweep *s)
{
    free(s->fake);
    s->fake = NULL;
    s->nfake = 0;
}

static cJSON *load_json(const double load[3])
{
    return isfinite(load[0]) ? cli_array(load, 3) : cJSON_CreateNull();
}

/* The scaling governor of every CPU that exposes one, distinct values
 * joined by ", " (malloc'd); "" when none does (virtual machines often do
 * not); NULL when memory is short. */
static char *governors(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    for (int c = 0; c < 4096; c++) {
        char path[96], gov[64] = "";
        snprintf(path, sizeof path,
                 "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        if (!fgets(gov, sizeof gov, f))
            gov[0] = '\0';
        fclose(f);
        gov[strcspn(gov, "\n")] = '\0';
        fflush(out);
        if (gov[0] && !(buf && strstr(buf, gov)))
            fprintf(out, "%s%s", len ? ", " : "", gov);
    }
    if (fclose(out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void add_env_string(cJSON *e, const char *name)
{
    const char *v = getenv(name);
    cJSON_AddItemToObject(e, name, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

void cli_sweep_env(const cli_sweep *s, unsigned seen, cJSON *e)
{
    char *gov = governors();
    cJSON_AddItemToObject(e, "cpu_governor", gov && gov[0]
                          ? cJSON_CreateString(gov) : cJSON_CreateNull());
    free(gov);
    add_env_string(e, "OMP_PROC_BIND");
    add_env_string(e, "OMP_PLACES");
    static const char *const binds[] = {"false", "true", "primary", "close", "spread"};
    int b = (int)omp_get_proc_bind();
    cJSON_AddStringToObject(e, "omp_proc_bind_effective",
                            b >= 0 && b < 5 ? binds[b] : "unknown");
    cJSON_AddNumberToObject(e, "omp_num_places", omp_get_num_places());
    double now[3];
    read_loadavg(now);
    cJSON_AddItemToObject(e, "loadavg_start", load_json(s->load));
    cJSON_AddItemToObject(e, "loadavg_end", load_json(now));
    cJSON_AddItemToObject(e, "busy_at_start",
                          cJSON_CreateBool((s->warned & CLI_WARN_BUSY) != 0));
    cJSON_AddNumberToObject(e, "busy_load_threshold", busy_threshold(s));
    cJSON_AddItemToObject(e, "oversubscribed",
                          cJSON_CreateBool((s->warned & CLI_FLAG_OVERSUB) != 0));
    cJSON_AddItemToObject(e, "injected_times", cJSON_CreateBool(s->nfake > 0));
    cJSON *fl = cJSON_CreateObject();
    for (size_t k = 0; k < N_FLAGS; k++)
        if (seen & flag_info[k].bit)
            cJSON_AddStringToObject(fl, flag_info[k].word, flag_info[k].note);
    cJSON_AddItemToObject(e, "flag_notes", fl);
}

int cli_sweep_fits(cli_sweep *s, const lr_data *d, const float *Xf,
                   const lr_params *par, size_t warmup, size_t repeat,
                   double *times, lr_model *m, lr_result *res)
{
    int st = LR_SUCCESS;
    for (size_t k = 0; k < warmup + repeat && st == LR_SUCCESS; k++) {
        st = lr_fit(lr_matrix_of(Xf ? NULL : d->X, Xf, d->n, d->p), d->y, par, m,
                    res);
        if (k >= warmup && st == LR_SUCCESS)
            times[k - warmup] = cli_sweep_time(s, res->time_s
                                               / (double)(res->iterations + 1));
    }
    return st;
}

double cli_max_abs_diff(const double *a, const double *b, size_t n)
{
    double dm = 0.0;
    for (size_t j = 0; j < n; j++)
        dm = fmax(dm, fabs(a[j] - b[j]));
    return dm;
}
