/* csv.c -- reading CSV files (RFC 4180): a header row; fields separated by
 * a delimiter (default ','); fields in double quotes may hold delimiters,
 * line breaks and "" for a quote; LF, CRLF or CR line endings (see
 * line_ends); a UTF-8 byte-order mark; blank lines only at the end. Every
 * error names the file, the line and the column. The file is mapped (or
 * read), one pass checks it and counts its lines so that X is allocated
 * once (at most the lines after the header: blank ones, only at the end,
 * count too), then fields are parsed in place. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "lr_internal.h"

lr_csv_opts lr_csv_opts_default(void)
{
    lr_csv_opts o = {"y", ',', 1, 0, 0};
    return o;
}

/* The rest of an open stream into a new NUL-terminated buffer (a file
 * that cannot be mapped: a FIFO, /dev/stdin, an empty file). Closes f. */
static char *read_all(const char *path, FILE *f, size_t *len, char *err,
                      size_t errlen, int *st)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = cap > SIZE_MAX / 2 - 1 ? NULL : realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (!buf) {
        fclose(f);
        *st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (ferror(f)) {
        fclose(f);
        free(buf);
        *st = lr_set_err(LR_EIO, err, errlen, "%s: read error: %s", path,
                         strerror(errno ? errno : EIO));
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The whole file: a regular, non-empty file is mapped (MAP_PRIVATE, so the
 * few in-place edits -- a CR file's line ends, unquoted fields, the header
 * -- copy only their pages and never reach the file; the rest stays page
 * cache, not anonymous memory), anything else is read. *mapped is the
 * mapped file's descriptor, kept open for pread (see scan_file and
 * csv_windows), or -1 when read; it tells munmap from free. The buffer is
 * NUL-terminated only when read: the parser stays within [buf, buf + *len). */
static char *map_file(const char *path, size_t *len, int *mapped, char *err,
                      size_t errlen, int *st)
{
    struct stat sb;
    int fd = open(path, O_RDONLY);
    *mapped = -1;
    if (fd < 0) {
        *st = lr_set_err(LR_EIO, err, errlen, "%s: cannot open: %s", path,
                         strerror(errno));
        return NULL;
    }
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0
        && (uintmax_t)sb.st_size <= SIZE_MAX) {
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            (void)madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
            *mapped = fd;
            *len = (size_t)sb.st_size;
            return m;
        }
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        *st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        return NULL;
    }
    return read_all(path, f, len, err, errlen, st);
}

/* The parser's position in the buffer. */
typedef struct {
    char *s, *end;
    size_t line;   /* 1-based line of s */
    char delim;
    char *map;     /* a mapped file's first byte, else NULL (see release) */
    char *kept;    /* the mapped pages from here on are kept */
    int fd;        /* the mapped file, for pread, else -1 */
} cur_t;

/* The bytes of csv_windows' windows (see lr_internal.h). */
size_t lr_csv_window = (size_t)1 << 21;

/* A buffer for pread: from 2 MB on, on huge pages (lr_alloc_huge: filled
 * again and again, it faults once for each 2 MB), below that from the
 * heap. A huge page is zeroed whole on its first touch: with huge
 * buffers for every read, the input suite's 3000 reads of a 2 KB file
 * took 1.4-1.5 s against 0.5 s. */
static char *pread_buf(size_t bytes)
{
    return bytes >= ((size_t)1 << 21) ? lr_alloc_huge(bytes) : malloc(bytes);
}

/* pread of len bytes at off into b, as many calls as it takes: the bytes
 * read (fewer at the end of the file or on an error). */
static size_t pread_all(int fd, char *b, size_t len, size_t off)
{
    size_t got = 0;
    while (got < len) {
        const ssize_t r = pread(fd, b + got, len - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/* A mapped file's pages before upto, once passed, go back to the page
 * cache (MADV_DONTNEED: a re-read maps them again from the file), so that
 * the process holds X and y and a window of the file (2 MB a thread: 4
 * threads' windows fit in one 8 MB chunk), not all of it. Not
 * for a file whose pages were edited for good (a CR file's line ends). */
static void release(cur_t *c, const char *upto)
{
    static const size_t page = 4096, step = (size_t)1 << 21;
    if (!c->map || upto < c->kept)
        return;
    size_t a = ((size_t)(c->kept - c->map) + page - 1) / page * page;
    size_t b = (size_t)(upto - c->map) / page * page;
    if (b > a && (b - a >= step || upto == c->end)) {
        (void)madvise(c->map + a, b - a, MADV_DONTNEED);
        c->kept = c->map + b;
    }
}

/* Reads one field at c->s, unquoting it in place (a quoted field only:
 * the buffer may be a mapped file, whose pages an edit copies), *len bytes
 * long, not NUL-terminated. *last is set when the field ends its record
 * (newline or end of file). Returns the field, or NULL with *bad set for a
 * malformed quoted field. */
static char *field(cur_t *c, int *last, int *bad, size_t *len)
{
    char *s = c->s, *out, *start;
    while (s < c->end && (*s == ' ' || *s == '\t') && *s != c->delim)
        s++;
    if (s < c->end && *s == '"') {
        /* quoted: "" is a quote; delimiters and line breaks are data */
        start = out = s;
        s++;
        for (;;) {
            if (s >= c->end) {
                *bad = 1; /* no closing quote */
                return NULL;
            }
            if (*s == '"') {
                if (s + 1 < c->end && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                    continue;
                }
                s++;
                break;
            }
            if (*s == '\n')
                c->line++;
            *out++ = *s++;
        }
        while (s < c->end && (*s == ' ' || *s == '\t') && *s != c->delim)
            s++;
        if (s < c->end && *s != c->delim && *s != '\n' && *s != '\r') {
            *bad = 2; /* text after the closing quote */
            return NULL;
        }
    } else {
        start = s;
        while (s < c->end && *s != c->delim && *s != '\n' && *s != '\r')
            s++;
        out = s;
        while (out > start && (out[-1] == ' ' || out[-1] == '\t'))
            out--;
    }
    /* the end of the field: delimiter, CRLF, LF or end of file (line_ends
     * has turned a CR file's line ends into LFs and refused stray CRs) */
    *last = 1;
    if (s < c->end && *s == c->delim) {
        *last = 0;
        s++;
    } else if (s < c->end && *s == '\r' && s + 1 < c->end && s[1] == '\n') {
        s += 2;
        c->line++;
    } else if (s < c->end && *s == '\n') {
        s++;
        c->line++;
    } else if (s < c->end && *s == '\r') {
        s++; /* not reached: line_ends refuses a lone CR */
        c->line++;
    }
    *len = (size_t)(out - start);
    c->s = s;
    return start;
}

/* Line ends. The first line end outside quotes sets the file's convention:
 * LF or CRLF (the two may mix, as when lines are appended by another
 * program), or CR alone (classic Mac OS). In an LF/CRLF file a CR outside
 * quotes that is not followed by LF is an error (a stray CR inside a
 * record); in a CR file an LF outside quotes is one. A CR file's CRs become
 * LFs in place, inside quotes too (they are its line breaks), so that the
 * record counter and the field reader, which end records at LF, agree.
 * Quotes are tracked as the field reader reads them: a quote opens a quoted
 * field only at the start of a field. Lines are numbered as in csv_core
 * (first_line > 0: the line of the record after the header). */
static int line_ends(const char *path, char *s, const char *end, char delim,
                     size_t first_line, int *converted, char *err,
                     size_t errlen)
{
    enum { UNSET, LF, CR };
    int conv = UNSET;
    size_t line, col;
    int inq, start, header;
    /* the common case, fast: every CR (if any) is part of a CRLF, so there
     * is no CR to convert and none astray */
    const char *r = s;
    while ((r = memchr(r, '\r', (size_t)(end - r))) && r + 1 < end && r[1] == '\n')
        r += 2;
    if (!r)
        return LR_SUCCESS;
restart:
    line = 1;
    col = 1;
    inq = 0;
    start = 1;
    header = 1;
    for (char *q = s; q < end; q++) {
        const char ch = *q;
        if (inq) {
            if (ch == '"') {
                if (q + 1 < end && q[1] == '"')
                    q++;
                else
                    inq = 0;
            } else if (ch == '\r' && conv == CR) {
                *q = '\n';
                line++;
            } else if (ch == '\n') {
                line++;
            }
            continue;
        }
        if (ch == delim) {
            col++;
            start = 1;
        } else if (ch == '\n' || ch == '\r') {
            const int crlf = ch == '\r' && q + 1 < end && q[1] == '\n';
            const int kind = ch == '\n' || crlf ? LF : CR;
            if (conv == UNSET && kind == CR) {
                /* again from the start: CRs in quotes before this one are
                 * line breaks too */
                conv = CR;
                *converted = 1;
                goto restart;
            }
            if (conv == UNSET)
                conv = kind;
            if (kind != conv)
                return lr_set_err(LR_EFORMAT, err, errlen,
                                  "%s:%zu: column %zu: %s", path, line, col,
                                  kind == CR
                                  ? "a carriage return (CR) that does not end "
                                    "a line: lines here end in LF or CRLF"
                                  : "a line feed (LF) in a file whose lines end "
                                    "in CR alone (the first line does)");
            q += crlf;
            if (conv == CR)
                *q = '\n';
            line = header && first_line > 0 ? first_line : line + 1;
            header = 0;
            col = 1;
            start = 1;
        } else if (ch == '"' && start) {
            inq = 1;
            start = 0;
        } else if (ch != ' ' && ch != '\t') {
            start = 0;
        }
    }
    return LR_SUCCESS;
}

/* Counts the records from s on (quote-aware), ignoring blank lines. */
static size_t count_records(cur_t *c, const char *s, const char *end)
{
    size_t n = 0;
    int inq = 0, content = 0;
    for (; s < end; s++) {
        if (((uintptr_t)s & 0xfffff) == 0)
            release(c, s);
        char ch = *s;
        if (ch == '"')
            inq = !inq;
        if (!inq && ch == '\n') {
            n += content;
            content = 0;
        } else if (ch != ' ' && ch != '\t' && ch != '\r') {
            content = 1;
        }
    }
    return n + content;
}

static int blank_rest(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* A line that holds nothing but blanks, from s to its newline. */
static int blank_line(const char *s, const char *end)
{
    for (; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

static int quote_error(const char *path, size_t line, size_t col, int bad,
                       char *err, size_t errlen)
{
    return lr_set_err(LR_EFORMAT, err, errlen, "%s:%zu: column %zu: %s", path,
                      line, col, bad == 1 ? "a quoted field has no closing quote"
                      : "text after the closing quote of a field");
}

enum { SEEN_NUL = 1, SEEN_LONE_CR = 2, SEEN_QUOTE = 4 };

/* What [p, e) holds of a NUL byte, a CR not followed by LF (end: the
 * buffer's end, which the byte after e may be read up to) and a quote;
 * its line feeds are added to *nl where nl is given. */
static int scan_scalar(const char *p, const char *e, const char *end,
                       size_t *nl)
{
    int f = 0;
    size_t n = 0;
    for (; p < e; p++) {
        if (*p == '\0')
            f |= SEEN_NUL;
        else if (*p == '"')
            f |= SEEN_QUOTE;
        else if (*p == '\r' && !(p + 1 < end && p[1] == '\n'))
            f |= SEEN_LONE_CR;
        else if (*p == '\n')
            n++;
    }
    if (nl)
        *nl += n;
    return f;
}

/* The same, 64 bytes a step with SSE2 (x86-64's baseline): a step whose
 * bytes hold none of the three (a CR of a CRLF excepted) costs one branch;
 * any other is looked at byte by byte. Line feeds are counted by lanes
 * (each -1 where a byte is LF) summed by psadbw. */
static int scan_bytes(const char *p, const char *e, const char *end,
                      size_t *nl)
{
    int f = 0;
#ifdef __SSE2__
    const __m128i nul = _mm_setzero_si128(), cr = _mm_set1_epi8('\r'),
                  lf = _mm_set1_epi8('\n'), qu = _mm_set1_epi8('"');
    __m128i lines = nul;
    for (; e - p >= 64 && end - p > 64; p += 64) {
        __m128i m = nul, n = nul;
        /* a page ahead: the hardware's streams stop at each 4 KB page of
         * the mapping, and this pass reads at memory speed (1e6 x 16, 333
         * MB, 2 threads on the 2-core Intel VM: the whole train run 378
         * -> 357 ms; 1024 bytes ahead, 360) */
        __builtin_prefetch(p + 4096);
        for (int i = 0; i < 64; i += 16) {
            const __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            const __m128i next = _mm_loadu_si128((const __m128i *)(p + i + 1));
            m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, nul),
                                             _mm_cmpeq_epi8(v, qu)));
            m = _mm_or_si128(m, _mm_andnot_si128(_mm_cmpeq_epi8(next, lf),
                                                 _mm_cmpeq_epi8(v, cr)));
            n = _mm_sub_epi8(n, _mm_cmpeq_epi8(v, lf));
        }
        lines = _mm_add_epi64(lines, _mm_sad_epu8(n, nul));
        if (_mm_movemask_epi8(m))
            f |= scan_scalar(p, p + 64, end, NULL);
    }
    uint64_t two[2];
    _mm_storeu_si128((__m128i *)two, lines);
    *nl += (size_t)(two[0] + two[1]);
#endif
    return f | scan_scalar(p, e, end, nl);
}

/* What scan_file found: the line feeds in each of T shares of [s, end),
 * share k from share(sc, k) to share(sc, k + 1). */
typedef struct {
    const char *s, *end;
    size_t T, *nl;
    int ok; /* the counts hold (no quote, no CR file's conversion) */
} scan_t;

static const char *share(const scan_t *sc, size_t k)
{
    return k < sc->T ? sc->s + (size_t)(sc->end - sc->s) / sc->T * k
                     : sc->end;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* scan_bytes with AVX2: the same test, 32 bytes a vector (the line feeds
 * counted by popcount of the compare mask). linreg train --iters 1 on
 * generate's 1e6 x 16 CSV file, 2 threads on the 2-core Intel VM: the
 * scan 45 -> 27 ms of samples under perf, the run 345-351 -> 341-346 ms
 * (best 3 of 5, three rounds). */
__attribute__((target("avx2,popcnt"))) static int
scan_bytes_avx2(const char *p, const char *e, const char *end, size_t *nl)
{
    int f = 0;
    size_t n = 0;
    const __m256i nul = _mm256_setzero_si256(), cr = _mm256_set1_epi8('\r'),
                  lf = _mm256_set1_epi8('\n'), qu = _mm256_set1_epi8('"');
    for (; e - p >= 64 && end - p > 64; p += 64) {
        __m256i m = nul;
        __builtin_prefetch(p + 4096); /* as in scan_bytes */
        for (int i = 0; i < 64; i += 32) {
            const __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
            const __m256i next = _mm256_loadu_si256((const __m256i *)(p + i + 1));
            const __m256i isl = _mm256_cmpeq_epi8(v, lf);
            m = _mm256_or_si256(m, _mm256_or_si256(_mm256_cmpeq_epi8(v, nul),
                                                   _mm256_cmpeq_epi8(v, qu)));
            m = _mm256_or_si256(m, _mm256_andnot_si256(_mm256_cmpeq_epi8(next, lf),
                                                       _mm256_cmpeq_epi8(v, cr)));
            n += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(isl));
        }
        if (!_mm256_testz_si256(m, m))
            f |= scan_scalar(p, p + 64, end, NULL);
    }
    *nl += n;
    return f | scan_scalar(p, e, end, nl);
}
#endif

/* scan_bytes over the whole of c by sc->T threads, each over its share by
 * blocks. A mapped file's share larger than a window is read by pread
 * into the thread's own buffer (pread_buf, filled again for each block),
 * each block with the byte after it that the CRLF test looks at; a
 * smaller share, a failed buffer or read, or lr_csv_window 0 goes through
 * the mapping, which gives its pages back as it goes. One thread, the
 * scan alone over generate's 1e6 x 16 CSV file (333 MB, in the page
 * cache) on the AMD EPYC family 26 VM: 2.4 GB/s through the mapping (3.0
 * with MAP_POPULATE: the cost is the mapping's page faults, about 10 us
 * each), 7.8-8.1 GB/s by pread. */
static int scan_file(const cur_t *c, scan_t *sc)
{
    /* two windows' bytes less a line, so that the buffer with the byte
     * after it takes two whole huge pages */
    const size_t W = lr_csv_window, blk = W > 64 ? 2 * W - 64 : 64,
                 T = sc->T;
    int f = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    /* the kernels' instruction set (LR_ISA=baseline: the SSE2 loop) */
    __builtin_cpu_init();
    const int avx2 = lr_kernel_isa_level() != LR_ISA_BASELINE
                     && __builtin_cpu_supports("avx2")
                     && __builtin_cpu_supports("popcnt");
#else
    const int avx2 = 0;
#define scan_bytes_avx2 scan_bytes
#endif
    sc->s = c->s;
    sc->end = c->end;
    sc->ok = 1;
    #pragma omp parallel for num_threads((int)T) schedule(static, 1) \
        reduction(|:f) if (T > 1)
    for (size_t k = 0; k < T; k++) {
        cur_t ck = *c;
        const char *hi = share(sc, k + 1);
        size_t nl = 0;
        const size_t part = (size_t)(hi - share(sc, k));
        /* (a share of a window or less: through the mapping, whose few
         * faults cost less than a buffer) */
        char *buf = W && c->map && c->fd >= 0 && part > W
                    ? pread_buf((part < blk ? part : blk) + 1) : NULL;
        ck.kept = ck.s = c->s + (share(sc, k) - c->s);
        for (const char *b = ck.s; b < hi; b += blk) {
            const size_t len = (size_t)(hi - b) < blk ? (size_t)(hi - b) : blk;
            const size_t want = len + (b + len < c->end);
            if (buf && pread_all(c->fd, buf, want, (size_t)(b - c->map))
                           == want) {
                f |= avx2 ? scan_bytes_avx2(buf, buf + len, buf + want, &nl)
                          : scan_bytes(buf, buf + len, buf + want, &nl);
                continue;
            }
            f |= avx2 ? scan_bytes_avx2(b, b + len, c->end, &nl)
                      : scan_bytes(b, b + len, c->end, &nl);
            release(&ck, b + len);
        }
        free(buf);
        sc->nl[k] = nl;
    }
    return f;
}

/* The file as a whole: not a zip, .npy or binary file, its line ends, and
 * a header on its first line (sc->T threads look, and count the line
 * feeds of their shares into sc). c->s is moved past a byte-order mark;
 * *quote is set when the file has a quote anywhere. */
static int csv_sniff(const char *path, cur_t *c, size_t first_line,
                     scan_t *sc, int *quote, char *err, size_t errlen)
{
    const char *buf = c->s;
    const size_t len = (size_t)(c->end - c->s);
    if (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: a zip archive (an .npz from np.savez?), not a "
                          "CSV file: save each array with np.save as .npy",
                          path);
    if (len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: a NumPy .npy array, not a CSV file: name it .npy",
                          path);
    /* a NUL byte, a CR that is not part of a CRLF (line_ends has more to
     * do then) and a quote (the parallel reader's question), in one pass */
    const int seen = scan_file(c, sc);
    if (seen & SEEN_NUL)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: binary data (a NUL byte) in a CSV file", path);
    const int lone_cr = (seen & SEEN_LONE_CR) != 0;
    *quote = (seen & SEEN_QUOTE) != 0;
    /* the counts hold while the bytes stay: a quoted field (the header's
     * too) is unquoted in place, shifting its line feeds */
    sc->ok = !*quote;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        c->s += 3; /* UTF-8 byte-order mark */
    int converted = 0;
    int st = lone_cr ? line_ends(path, c->s, c->end, c->delim, first_line,
                                 &converted, err, errlen) : LR_SUCCESS;
    if (st)
        return st;
    if (converted) {
        c->map = NULL; /* its edited pages must stay */
        sc->ok = 0;    /* and its line feeds are more */
    }
    else
        release(c, c->end); /* the whole file has been read once */
    if (blank_rest(c->s, c->end))
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s: empty file (no header row)", path);
    if (blank_line(c->s, c->end))
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s:1: the first line is blank; it must be the header",
                          path);
    return LR_SUCCESS;
}

/* The header's fields into *cols (malloc'd, *ncol of them, each a
 * NUL-terminated copy in the block *cols[0] points to: free both). */
static int csv_header(const char *path, cur_t *c, char ***cols, size_t *ncol,
                      char *err, size_t errlen)
{
    size_t cap = 16, nc = 0;
    char **cs = malloc(cap * sizeof *cs);
    size_t *lens = malloc(cap * sizeof *lens);
    const char *from = c->s;
    *cols = NULL;
    *ncol = 0;
    for (int last = 0; cs && lens && !last;) {
        int bad = 0;
        size_t len;
        char *f = field(c, &last, &bad, &len);
        if (!f) {
            free(cs);
            free(lens);
            return quote_error(path, 1, nc + 1, bad, err, errlen);
        }
        if (nc == cap) {
            char **more = realloc(cs, 2 * cap * sizeof *cs);
            size_t *ml = more ? realloc(lens, 2 * cap * sizeof *lens) : NULL;
            if (more)
                cs = more;
            if (ml)
                lens = ml;
            if (!more || !ml) {
                free(cs);
                cs = NULL;
                break;
            }
            cap *= 2;
        }
        cs[nc] = f;
        lens[nc++] = len;
    }
    /* each field and its NUL fit in the bytes it took, plus one at the end
     * of the file */
    char *block = cs && lens ? malloc((size_t)(c->s - from) + 1) : NULL;
    if (!block) {
        free(cs);
        free(lens);
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    }
    for (size_t j = 0, at = 0; j < nc; j++) {
        memcpy(block + at, cs[j], lens[j]);
        block[at + lens[j]] = '\0';
        cs[j] = block + at;
        at += lens[j] + 1;
    }
    free(lens);
    *cols = cs;
    *ncol = nc;
    return LR_SUCCESS;
}

/* Column names: none empty, none twice (through a hash table of column
 * indexes: a header may have a million columns); *tcol the target's
 * column (SIZE_MAX: none), by name or as #K. */
static int csv_columns(const char *path, const lr_csv_opts *opts,
                       char *const *cols, size_t ncol, size_t *tcol,
                       char *err, size_t errlen)
{
    const char *target = opts->target ? opts->target : "y";
    int st = LR_SUCCESS;
    size_t hcap = 16;
    *tcol = SIZE_MAX;
    while (hcap < 2 * ncol)
        hcap *= 2;
    size_t *slot = malloc(hcap * sizeof *slot);
    if (!slot)
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    for (size_t h = 0; h < hcap; h++)
        slot[h] = SIZE_MAX;
    for (size_t j = 0; j < ncol && !st; j++) {
        if (cols[j][0] == '\0') {
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:1: column %zu has an empty name%s", path, j + 1,
                            j == 0 && ncol > 1
                            ? " (as R's write.csv gives its row names: write "
                              "with row.names = FALSE)" : "");
            break;
        }
        uint64_t hv = 1469598103934665603ULL; /* FNV-1a */
        for (const unsigned char *q = (const unsigned char *)cols[j]; *q; q++)
            hv = (hv ^ *q) * 1099511628211ULL;
        size_t h = (size_t)hv & (hcap - 1);
        while (slot[h] != SIZE_MAX && strcmp(cols[slot[h]], cols[j]) != 0)
            h = (h + 1) & (hcap - 1);
        if (slot[h] != SIZE_MAX) {
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:1: column name '%.60s' appears twice "
                            "(columns %zu and %zu)", path, cols[j], slot[h] + 1,
                            j + 1);
            break;
        }
        slot[h] = j;
        if (strcmp(cols[j], target) == 0)
            *tcol = j;
    }
    free(slot);
    if (st)
        return st;
    if (*tcol == SIZE_MAX && target[0] == '#') {
        /* --target #K: the K-th column, 1-based */
        char *e;
        unsigned long long k = strtoull(target + 1, &e, 10);
        if (*e || k < 1 || k > ncol)
            return lr_set_err(LR_EFORMAT, err, errlen,
                              "%s:1: target column %s: the file has %zu columns",
                              path, target, ncol);
        *tcol = (size_t)k - 1;
    }
    if (*tcol == SIZE_MAX && opts->target_required)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s:1: no target column '%.60s' in the header", path,
                          target);
    if ((*tcol == SIZE_MAX ? ncol : ncol - 1) == 0)
        return lr_set_err(LR_EFORMAT, err, errlen,
                          "%s:1: no feature columns besides the target '%.60s'",
                          path, target);
    return LR_SUCCESS;
}

/* The feature names (every column but tcol) into names (p entries). */
static int csv_names(const char *path, char *const *cols, size_t ncol,
                     size_t tcol, char **names, char *err, size_t errlen)
{
    for (size_t j = 0, q = 0; j < ncol; j++) {
        if (j == tcol)
            continue;
        names[q] = strdup(cols[j]);
        if (!names[q++])
            return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    }
    return LR_SUCCESS;
}

/* The values of one record (fields[0..ncol), read from line `line`) into
 * row n of d: *missing set (and the row left incomplete) when a value is
 * missing and opts->na_drop. */
static int csv_values(const char *path, const lr_csv_opts *opts,
                      char *const *cols, char *const *fields,
                      const size_t *lens, size_t ncol, size_t tcol,
                      size_t line, lr_data *d, size_t n, int *missing,
                      char *err, size_t errlen)
{
    double *xi = d->X + n * d->p;
    *missing = 0;
    for (size_t j = 0, q = 0; j < ncol; j++) {
        char *f = fields[j], *end = f + lens[j];
        double v;
        errno = 0;
        if (!lr_parse_double(f, lens[j], &v))
            v = strtod(f, &end); /* the fast parser's result is strtod's */
        /* a missing value: an empty cell, NA (R) or NaN (any case, as
         * strtod reads it: pandas, NumPy) */
        const int na = f[0] == '\0' || strcmp(f, "NA") == 0
                       || (*end == '\0' && isnan(v));
        if (na && opts->na_drop) {
            *missing = 1;
            continue;
        }
        if (f[0] == '\0' || *end != '\0')
            return lr_set_err(LR_EFORMAT, err, errlen,
                              "%s:%zu: column %zu ('%.40s'): %s%.40s%s", path,
                              line, j + 1, cols[j], na ? "" : "'", na
                              ? (f[0] ? "'NA' is a missing value"
                                      : "an empty cell (a missing value)")
                              : f, na ? "; --na drop skips such rows"
                                      : "' is not a number");
        if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
            return lr_set_err(LR_ERANGE, err, errlen,
                              "%s:%zu: column %zu ('%.40s'): '%.40s' is %s",
                              path, line, j + 1, cols[j], f,
                              isnan(v) ? "NaN, a missing value; --na drop "
                                         "skips such rows"
                              : errno == ERANGE ? "too large for a double"
                              : "infinite");
        if (j == tcol)
            d->y[n] = v;
        else
            xi[q++] = v;
    }
    return LR_SUCCESS;
}

/* Whether the fast path may read records with this delimiter: one that
 * cannot be part of a number. */
static int fast_delim(char delim)
{
    return !((delim >= '0' && delim <= '9') || delim == '+' || delim == '-'
             || delim == '.' || delim == 'e' || delim == 'E');
}

/* The fast path: one record from s (before end) of ncol plain numbers
 * that lr_parse_number reads whole, each ended by the delimiter, the last
 * by LF, CRLF or the end, into xi (and *yi for column tcol). Tokenizing
 * and parsing are one scan. Returns the byte after the record, or NULL for
 * anything else (blanks, quotes, missing values, a number strtod must
 * read, a wrong field count): the general reader then reads the record
 * again, for its value or its error, so both paths give the same. */
static const char *fast_record(const char *s, const char *end, char delim,
                               size_t ncol, size_t tcol, double *xi,
                               double *yi)
{
    /* the features before the target, the target, the rest: each a run
     * of numbers that lr_parse_row reads in one call */
    const char *e = s;
    if (tcol == SIZE_MAX) {
        e = lr_parse_row(e, end, delim, ncol, xi);
    } else {
        if (tcol > 0) {
            e = lr_parse_row(e, end, delim, tcol, xi);
            if (!e || e == end || *e++ != delim)
                return NULL;
        }
        e = lr_parse_row(e, end, delim, 1, yi);
        if (e && tcol + 1 < ncol) {
            if (e == end || *e != delim)
                return NULL;
            e = lr_parse_row(e + 1, end, delim, ncol - tcol - 1, xi + tcol);
        }
    }
    if (!e)
        return NULL;
    if (e == end)
        return e;
    if (*e == '\n')
        return e + 1;
    if (*e == '\r' && e + 1 < end && e[1] == '\n')
        return e + 2;
    return NULL;
}

/* The records from c->s on (at most nrows, up to c->end; file_end ends
 * the file, for the blank-line rule, or is NULL: then a blank line just
 * stops the read there) into rows row0.. of d: *kept rows, and *dropped
 * rows skipped for a missing value. Stops at the first error. */
static int csv_records(const char *path, const lr_csv_opts *opts, cur_t *c,
                       const char *file_end, char *const *cols, size_t ncol,
                       size_t tcol, size_t nrows, lr_data *d, size_t row0,
                       size_t *kept, size_t *dropped_out, char *err,
                       size_t errlen)
{
    size_t n = 0, dropped = 0, scap = 0;
    char **fields = malloc(ncol * sizeof *fields);
    size_t *lens = malloc(ncol * sizeof *lens);
    char *scratch = NULL;
    int st = fields && lens ? LR_SUCCESS
             : lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    const int fast = fast_delim(c->delim);
    while (!st && c->s < c->end) {
        release(c, c->s);
        if (blank_line(c->s, c->end)) {
            if (!file_end || blank_rest(c->s, file_end))
                break;
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:%zu: blank line inside the data", path,
                            c->line);
            break;
        }
        /* after the last record, only blank lines are looked at (a range
         * of the file may end in some, with records after it) */
        if (n + dropped == nrows)
            break;
        if (fast) {
            const size_t r = row0 + n;
            __builtin_prefetch(c->s + 4096); /* as in scan_bytes: 5 ms more */
            const char *next = fast_record(c->s, c->end, c->delim, ncol, tcol,
                                           d->X + r * d->p,
                                           d->y ? d->y + r : NULL);
            if (next) {
                c->line += next[-1] == '\n';
                c->s += next - c->s;
                n++;
                continue;
            }
        }
        const size_t line = c->line;
        const char *from = c->s;
        size_t k = 0;
        for (int last = 0; !last && !st;) {
            int bad = 0;
            char *f = field(c, &last, &bad, &lens[k < ncol ? k : 0]);
            if (!f)
                st = quote_error(path, line, k + 1, bad, err, errlen);
            else if (k < ncol)
                fields[k] = f;
            k++;
        }
        if (!st && k != ncol)
            st = lr_set_err(LR_EFORMAT, err, errlen,
                            "%s:%zu: %zu fields, but the header has %zu", path,
                            line, k, ncol);
        /* NUL-terminated copies for strtod (the buffer is not written):
         * each field and its NUL fit in the bytes it took, plus one */
        const size_t need = (size_t)(c->s - from) + 1;
        if (!st && need > scap) {
            char *more = realloc(scratch, 2 * need);
            if (more) {
                scratch = more;
                scap = 2 * need;
            } else {
                st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                                path);
            }
        }
        if (st)
            break;
        for (size_t j = 0, at = 0; j < ncol; j++) {
            memcpy(scratch + at, fields[j], lens[j]);
            scratch[at + lens[j]] = '\0';
            fields[j] = scratch + at;
            at += lens[j] + 1;
        }
        int missing;
        st = csv_values(path, opts, cols, fields, lens, ncol, tcol, line, d,
                        row0 + n, &missing, err, errlen);
        if (missing)
            dropped++;
        else
            n++;
    }
    free(scratch);
    free(lens);
    free(fields);
    *kept = n;
    *dropped_out = dropped;
    return st;
}

/* csv_records over [c->s, c->end), a range of whole lines of a mapped
 * file with no quote in it, from windows of whole lines that pread copies
 * into a buffer of the thread's own (2 MB, one huge page): the mapping's
 * page faults (about 10 us each on the AMD EPYC family 26 VM) cost more
 * than the copy. A window is taken only when its records read without an
 * error or a blank line; otherwise (and where a read or the buffer fails)
 * the mapping reads the rest of the range, from the window's first record,
 * so that values, drops and every message are the mapped reader's. A line
 * longer than a window is read through the mapping alone. generate's 1e6
 * x 16 CSV file, train --iters 1 --no-exact, 2 threads, same VM: 0.29 s
 * (1148 MB/s end to end) against 0.46 s through the mapping. */
static int csv_windows(const char *path, const lr_csv_opts *opts, cur_t *c,
                       const char *file_end, char *const *cols, size_t ncol,
                       size_t tcol, size_t nrows, lr_data *d, size_t row0,
                       size_t *kept, size_t *dropped, char *err,
                       size_t errlen)
{
    const size_t W = lr_csv_window;
    size_t n = 0, dr = 0;
    int st = LR_SUCCESS;
    const size_t range = (size_t)(c->end - c->s);
    char *buf = W && c->map && c->fd >= 0 && range > W / 4
                ? pread_buf(range < W ? range : W) : NULL;
    while (buf && !st && c->s < c->end && n + dr < nrows) {
        const size_t len = (size_t)(c->end - c->s) < W ? (size_t)(c->end - c->s)
                                                     : W;
        if (pread_all(c->fd, buf, len, (size_t)(c->s - c->map)) != len)
            break;
        size_t use = len;
        if (c->s + len < c->end) {
            /* whole lines: up to the window's last LF */
            const char *lf = buf + len;
            while (lf > buf && lf[-1] != '\n')
                lf--;
            if (lf == buf) {
                /* one line longer than the window: the mapping reads it */
                size_t k1 = 0, d1 = 0;
                c->kept = c->s;
                st = csv_records(path, opts, c, file_end, cols, ncol, tcol,
                                 1, d, row0 + n, &k1, &d1, err, errlen);
                n += k1;
                dr += d1;
                if (k1 + d1 == 0)
                    break; /* a blank line: the mapping says what it is */
                continue;
            }
            use = (size_t)(lf - buf);
        }
        cur_t w = *c;
        w.s = w.kept = buf;
        w.end = buf + use;
        w.map = NULL;
        size_t k1 = 0, d1 = 0;
        if (csv_records(path, opts, &w, NULL, cols, ncol, tcol, nrows - n - dr,
                        d, row0 + n, &k1, &d1, NULL, 0)
            || w.s != w.end)
            break;
        n += k1;
        dr += d1;
        c->line = w.line;
        c->s += use;
    }
    free(buf);
    size_t k2 = 0, d2 = 0;
    if (!st) {
        c->kept = c->s;
        st = csv_records(path, opts, c, file_end, cols, ncol, tcol,
                         nrows - n - dr, d, row0 + n, &k2, &d2, err, errlen);
    }
    *kept = n + k2;
    *dropped = dr + d2;
    return st;
}

/* Whether [c->s, c->end) holds a quote, by blocks that a mapped file
 * gives back as it goes. */
static int has_quote(cur_t *c)
{
    for (const char *b = c->s; b < c->end;) {
        const size_t blk = (size_t)(c->end - b) < ((size_t)1 << 22)
                           ? (size_t)(c->end - b) : (size_t)1 << 22;
        if (memchr(b, '"', blk))
            return 1;
        b += blk;
        release(c, b);
    }
    return 0;
}

/* Records and line breaks in [s, end) of a part without quotes: lines
 * found by memchr, a line's first byte enough to tell it is not blank
 * (nearly always). */
static void count_part(cur_t *c, const char *s, const char *end,
                       size_t *nrec, size_t *nl)
{
    size_t n = 0, lines = 0;
    while (s < end) {
        release(c, s);
        const char *e = memchr(s, '\n', (size_t)(end - s)), *le = e ? e : end;
        while (s < le && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        n += s < le;
        if (!e)
            break;
        lines++;
        s = e + 1;
    }
    *nrec = n;
    *nl = lines;
}

/* The line feeds in [a, b). */
static size_t count_lf(const char *a, const char *b)
{
    size_t n = 0;
    for (; a < b && (a = memchr(a, '\n', (size_t)(b - a))); a++)
        n++;
    return n;
}

/* The lines of ranges [lo[k], lo[k + 1]) (k < sc->T; lo[k] at or after
 * share k), from the scan's counts: the line feeds before lo[k] are those
 * of the shares before k and of [share k, lo[k]) (a line or the header),
 * so no pass over the file is needed. nl[k]: its line feeds; nrec[k]: its
 * lines, the last line of the file without LF too. That counts blank lines
 * as records, which only makes X longer than the rows kept: a valid file
 * has them only at its end, and the reader stops there. */
static void scan_lines(const scan_t *sc, char *const *lo, size_t *nrec,
                       size_t *nl)
{
    const size_t T = sc->T;
    size_t before = count_lf(sc->s, lo[0]), shares = 0;
    for (size_t k = 0; k < T; k++) {
        shares += sc->nl[k];
        const size_t upto = k + 1 < T ? shares + count_lf(share(sc, k + 1),
                                                          lo[k + 1])
                                      : shares;
        nl[k] = upto - before;
        nrec[k] = nl[k] + (lo[k] < sc->end && lo[k + 1] == sc->end
                           && sc->end[-1] != '\n');
        before = upto;
    }
}

/* The error of a read that kept no row: every row dropped for a missing
 * value, or none there. */
static int no_rows(const char *path, size_t dropped, char *err, size_t errlen)
{
    return dropped ? lr_set_err(LR_EFORMAT, err, errlen,
                                "%s: every one of the %zu rows has a missing "
                                "value", path, dropped)
                   : lr_set_err(LR_EFORMAT, err, errlen,
                                "%s: header only, no data rows", path);
}

/* *dp: room for nrows rows of p features (X in huge pages) and, with a
 * target column (tcol < ncol), their targets; or the error of no rows or
 * no memory. */
static int rows_alloc(const char *path, size_t nrows, size_t p, size_t ncol,
                      size_t tcol, lr_data **dp, char *err, size_t errlen)
{
    if (nrows == 0)
        return no_rows(path, 0, err, errlen);
    lr_data *d = lr_data_alloc(nrows, p);
    if (!d)
        return lr_set_err(LR_ENOMEM, err, errlen,
                          "%s: out of memory for %zu x %zu values", path, nrows,
                          ncol);
    if (tcol == SIZE_MAX) {
        free(d->y);
        d->y = NULL;
    }
    *dp = d;
    return LR_SUCCESS;
}

/* The records of c (a whole file from c->s on, no quote in it, so every
 * LF ends a record) by nt threads: each takes a range of whole lines,
 * counts its records and lines, then parses them into its own rows, which
 * are closed up after the dropped ones. The data, the dropped count and
 * the error (the first in file order: the lowest range's) are the serial
 * reader's. *d is allocated here. */
static int csv_parallel(const char *path, const lr_csv_opts *opts, cur_t *c,
                        char *const *cols, size_t ncol, size_t tcol, size_t p,
                        const scan_t *sc, lr_data **dp, char *err,
                        size_t errlen)
{
    const size_t T = sc->T;
    const int nt = (int)T;
    char **lo = malloc((T + 1) * sizeof *lo);
    size_t *nrec = calloc(4 * T, sizeof *nrec), *nl = nrec + T,
           *kept = nrec + 2 * T, *drop = nrec + 3 * T;
    int *st = calloc(T, sizeof *st);
    char *errs = errlen ? malloc(T * errlen) : NULL;
    lr_data *d = NULL;
    int rc = LR_SUCCESS;
    if (!lo || !nrec || !st || (errlen && !errs)) {
        rc = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        goto done;
    }
    lo[0] = c->s;
    lo[T] = c->end;
    for (size_t k = 1; k < T; k++) {
        /* the first line start at or after the scan's share k */
        char *q = c->s + (share(sc, k) - c->s), *e;
        if (q < lo[k - 1])
            q = lo[k - 1];
        e = q > c->s ? memchr(q - 1, '\n', (size_t)(c->end - q + 1)) : q - 1;
        lo[k] = q == c->s ? q : e ? e + 1 : c->end;
    }
    if (sc->ok) {
        scan_lines(sc, lo, nrec, nl);
    } else {
        #pragma omp parallel for num_threads(nt) schedule(static, 1)
        for (size_t k = 0; k < T; k++) {
            cur_t ck = *c;
            ck.kept = lo[k];
            count_part(&ck, lo[k], lo[k + 1], &nrec[k], &nl[k]);
        }
    }
    size_t nrows = 0;
    for (size_t k = 0; k < T; k++)
        nrows += nrec[k];
    if ((rc = rows_alloc(path, nrows, p, ncol, tcol, &d, err, errlen)))
        goto done;
    #pragma omp parallel for num_threads(nt) schedule(static, 1)
    for (size_t k = 0; k < T; k++) {
        size_t row0 = 0, line = c->line;
        for (size_t j = 0; j < k; j++) {
            row0 += nrec[j];
            line += nl[j];
        }
        cur_t ck = *c;
        ck.s = lo[k];
        ck.end = lo[k + 1];
        ck.kept = ck.s;
        ck.line = line;
        st[k] = csv_windows(path, opts, &ck, c->end, cols, ncol, tcol,
                            nrec[k], d, row0, &kept[k], &drop[k],
                            errs ? errs + k * errlen : NULL, errlen);
    }
    size_t n = 0, dropped = 0;
    for (size_t k = 0; k < T && !rc; k++) {
        if (st[k]) {
            rc = st[k];
            if (errlen)
                memcpy(err, errs + k * errlen, errlen);
            break;
        }
        size_t row0 = 0;
        for (size_t j = 0; j < k; j++)
            row0 += nrec[j];
        if (n != row0 && kept[k] > 0) {
            /* close up the rows left by the dropped ones before */
            memmove(d->X + n * p, d->X + row0 * p, kept[k] * p * sizeof *d->X);
            if (d->y)
                memmove(d->y + n, d->y + row0, kept[k] * sizeof *d->y);
        }
        n += kept[k];
        dropped += drop[k];
    }
    if (!rc && n == 0)
        rc = no_rows(path, dropped, err, errlen);
    if (!rc) {
        d->n = n;
        d->dropped = dropped;
    }
done:
    free(errs);
    free(st);
    free(nrec);
    free(lo);
    if (rc) {
        lr_data_free(d);
        d = NULL;
    }
    *dp = d;
    return rc;
}

/* Parses buf[0..len) (a header then records; buf is taken and freed, or
 * unmapped when mapped: then mapped is the file's descriptor, which is
 * closed, else -1). first_line > 0 numbers the first record's line in
 * messages (a part of a file), else lines count from the header. */
static int csv_core(const char *path, const lr_csv_opts *opts, char *buf,
                    size_t len, int mapped, size_t first_line, int header_only,
                    lr_data **out, char *err, size_t errlen)
{
    cur_t c = {buf, buf + len, 1, opts->delimiter, mapped >= 0 ? buf : NULL,
               buf, mapped};
    char **cols = NULL;
    lr_data *d = NULL;
    size_t ncol = 0, tcol = SIZE_MAX;
    /* (threads given: as many ranges, even in a build without OpenMP,
     * where they run one after the other: the fuzzer's case) */
    const int nt = opts->threads > 0 ? opts->threads : lr_threads_resolve(0);
    int quote = 0;
    scan_t sc = {NULL, NULL, (size_t)nt, malloc((size_t)nt * sizeof *sc.nl),
                 0};
    int st = sc.nl ? csv_sniff(path, &c, first_line, &sc, &quote, err, errlen)
             : lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    if (!st)
        st = csv_header(path, &c, &cols, &ncol, err, errlen);
    if (!st)
        st = csv_columns(path, opts, cols, ncol, &tcol, err, errlen);
    if (st)
        goto done;
    const size_t p = tcol == SIZE_MAX ? ncol : ncol - 1;
    if (header_only) {
        /* the columns alone: names, no rows */
        d = calloc(1, sizeof *d);
        if (d) {
            d->p = p;
            d->names = calloc(p, sizeof *d->names);
        }
        st = d && d->names ? csv_names(path, cols, ncol, tcol, d->names, err,
                                       errlen)
                           : lr_set_err(LR_ENOMEM, err, errlen,
                                        "%s: out of memory", path);
        goto done;
    }
    if (first_line > 0)
        c.line = first_line;
    c.kept = c.s;
    /* a whole file without quotes (after the header: has_quote looks
     * again where the file has one): its records in parallel */
    const int hq = quote && has_quote(&c);
    const int quotes = first_line > 0 || nt < 2 || hq;
    c.kept = c.s;
    if (!quotes) {
        st = csv_parallel(path, opts, &c, cols, ncol, tcol, p, &sc, &d, err,
                          errlen);
        if (!st) {
            d->names = calloc(p, sizeof *d->names);
            st = d->names ? csv_names(path, cols, ncol, tcol, d->names, err,
                                      errlen)
                          : lr_set_err(LR_ENOMEM, err, errlen,
                                       "%s: out of memory", path);
        }
        goto done;
    }
    size_t nrows, nl;
    char *whole[2] = {c.s, c.end};
    if (hq)
        nrows = count_records(&c, c.s, c.end);
    else if (sc.ok && sc.T == 1)
        scan_lines(&sc, whole, &nrows, &nl); /* counted by the scan */
    else
        count_part(&c, c.s, c.end, &nrows, &nl); /* the same, faster */
    c.kept = c.s;
    if ((st = rows_alloc(path, nrows, p, ncol, tcol, &d, err, errlen)))
        goto done;
    size_t kept = 0, dropped = 0;
    st = hq ? csv_records(path, opts, &c, c.end, cols, ncol, tcol, nrows, d, 0,
                          &kept, &dropped, err, errlen)
            : csv_windows(path, opts, &c, c.end, cols, ncol, tcol, nrows, d, 0,
                          &kept, &dropped, err, errlen);
    if (!st && kept == 0)
        st = no_rows(path, dropped, err, errlen);
    if (st)
        goto done;
    d->n = kept;
    d->dropped = dropped;
    d->names = calloc(p, sizeof *d->names);
    st = d->names ? csv_names(path, cols, ncol, tcol, d->names, err, errlen)
                  : lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                               path);
done:
    free(sc.nl);
    if (cols)
        free(cols[0]);
    free(cols);
    if (mapped >= 0) {
        munmap(buf, len);
        close(mapped);
    } else {
        free(buf);
    }
    if (st) {
        lr_data_free(d);
        return st;
    }
    *out = d;
    return LR_SUCCESS;
}

static int check_opts(const char *path, const lr_csv_opts *opts, lr_data **out,
                      char *err, size_t errlen)
{
    if (!path || !out || !opts)
        return lr_set_err(LR_EINVAL, err, errlen, "no file given");
    if (opts->delimiter == '"' || opts->delimiter == '\n'
        || opts->delimiter == '\r' || opts->delimiter == '\0')
        return lr_set_err(LR_EINVAL, err, errlen,
                          "%s: the delimiter cannot be a quote or a line break",
                          path);
    return LR_SUCCESS;
}

int lr_csv_read_opts(const char *path, const lr_csv_opts *opts, lr_data **out,
                     char *err, size_t errlen)
{
    int st = check_opts(path, opts, out, err, errlen);
    size_t len;
    if (st)
        return st;
    int mapped;
    char *buf = map_file(path, &len, &mapped, err, errlen, &st);
    if (!buf)
        return st;
    return csv_core(path, opts, buf, len, mapped, 0, 0, out, err, errlen);
}

/* ------------------------------------------------ parts of a file (MPI) */

/* pread of [off, off + len) into a new NUL-terminated buffer. */
static char *read_range(const char *path, int fd, size_t off, size_t len,
                        char *err, size_t errlen, int *st)
{
    char *b = malloc(len + 1);
    if (!b) {
        *st = lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
        return NULL;
    }
    const size_t got = pread_all(fd, b, len, off);
    if (got < len) {
        free(b);
        *st = lr_set_err(LR_EIO, err, errlen, "%s: read error at byte %zu",
                         path, off + got);
        return NULL;
    }
    b[len] = '\0';
    return b;
}

/* The byte after the header record (quote-aware), reading only as much of
 * the file as the header takes. */
static int header_end(const char *path, int fd, size_t size, size_t *h,
                      char *err, size_t errlen)
{
    size_t chunk = 1 << 16;
    for (;;) {
        size_t len = chunk < size ? chunk : size;
        int st = LR_SUCCESS;
        char *b = read_range(path, fd, 0, len, err, errlen, &st);
        if (!b)
            return st;
        int inq = 0;
        for (size_t q = 0; q < len; q++) {
            if (b[q] == '"')
                inq = !inq;
            else if (b[q] == '\r' && !inq && q + 1 < len && b[q + 1] != '\n') {
                /* records are found by LF: a CR file would be one line */
                free(b);
                return lr_set_err(LR_EFORMAT, err, errlen,
                                  "%s:1: a carriage return (CR) without LF in "
                                  "the header: a file read in parts needs LF or "
                                  "CRLF line ends (convert a CR-only file: "
                                  "tr '\\r' '\\n' <in >out)", path);
            } else if (b[q] == '\n' && !inq) {
                *h = q + 1;
                free(b);
                return LR_SUCCESS;
            }
        }
        free(b);
        if (len == size) {
            *h = size; /* a header and nothing else */
            return LR_SUCCESS;
        }
        chunk *= 4;
    }
}

/* Opens the regular file at path (*fd), its *size and the byte after its
 * header (*h); on an error nothing is left open. */
static int open_header(const char *path, int *fd, size_t *size, size_t *h,
                       char *err, size_t errlen)
{
    struct stat sb;
    *fd = open(path, O_RDONLY);
    if (*fd < 0)
        return lr_set_err(LR_EIO, err, errlen, "%s: cannot open: %s", path,
                          strerror(errno));
    if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(*fd);
        return lr_set_err(LR_EIO, err, errlen, "%s: not a regular file", path);
    }
    *size = (size_t)sb.st_size;
    const int st = header_end(path, *fd, *size, h, err, errlen);
    if (st)
        close(*fd);
    return st;
}

int lr_csv_scan(const char *path, size_t lo, size_t hi, size_t *data_start,
                size_t *nrec, size_t **starts, char *err, size_t errlen)
{
    int fd, st;
    size_t size = 0, h = 0;
    if ((st = open_header(path, &fd, &size, &h, err, errlen)))
        return st;
    *data_start = h;
    *nrec = 0;
    *starts = NULL;
    size_t a = lo > h ? lo : h, b = hi < size ? hi : size;
    if (a >= b) {
        close(fd);
        return LR_SUCCESS;
    }
    /* one byte before the range tells whether a record starts at a */
    char *buf = read_range(path, fd, a - 1, b - a + 1, err, errlen, &st);
    close(fd);
    if (!buf)
        return st;
    size_t cap = 1024, n = 0;
    size_t *v = malloc(cap * sizeof *v);
    for (size_t q = a; v && q < b; q++) {
        const char *ch = buf + (q - a + 1);
        if ((q == h || ch[-1] == '\n') && !blank_line(ch, buf + (b - a + 1))) {
            if (n == cap) {
                size_t *nv = realloc(v, 2 * cap * sizeof *v);
                if (!nv) {
                    free(v);
                    v = NULL;
                    break;
                }
                v = nv;
                cap *= 2;
            }
            v[n++] = q;
        }
    }
    free(buf);
    if (!v)
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", path);
    *nrec = n;
    *starts = v;
    return LR_SUCCESS;
}

int lr_csv_read_part(const char *path, const lr_csv_opts *opts, size_t lo,
                     size_t hi, size_t first_line, lr_data **out, char *err,
                     size_t errlen)
{
    int fd, st = check_opts(path, opts, out, err, errlen);
    size_t size = 0, h = 0;
    if (st)
        return st;
    if ((st = open_header(path, &fd, &size, &h, err, errlen)))
        return st;
    if (hi > size)
        hi = size;
    if (lo < h || lo > hi) {
        close(fd);
        return lr_set_err(LR_EINVAL, err, errlen,
                          "%s: bytes %zu..%zu are not after the header (%zu bytes)",
                          path, lo, hi, h);
    }
    /* the header, then this part's records, in one buffer */
    char *buf = malloc(h + (hi - lo) + 1);
    char *hb = buf ? read_range(path, fd, 0, h, err, errlen, &st) : NULL;
    char *rb = hb ? read_range(path, fd, lo, hi - lo, err, errlen, &st) : NULL;
    close(fd);
    if (!buf || !hb || !rb) {
        free(buf);
        free(hb);
        free(rb);
        return st ? st : lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory",
                                    path);
    }
    memcpy(buf, hb, h);
    memcpy(buf + h, rb, hi - lo);
    buf[h + (hi - lo)] = '\0';
    free(hb);
    free(rb);
    return csv_core(path, opts, buf, h + (hi - lo), -1, first_line, 0, out, err,
                    errlen);
}

int lr_csv_columns(const char *path, const lr_csv_opts *opts, lr_data **out,
                   char *err, size_t errlen)
{
    int fd, st = check_opts(path, opts, out, err, errlen);
    size_t size = 0, h = 0;
    if (st)
        return st;
    if ((st = open_header(path, &fd, &size, &h, err, errlen)))
        return st;
    char *buf = read_range(path, fd, 0, h, err, errlen, &st);
    close(fd);
    if (!buf)
        return st;
    return csv_core(path, opts, buf, h, -1, 0, 1, out, err, errlen);
}

int lr_csv_read(const char *path, const char *target, lr_data **out,
                char *err, size_t errlen)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.target = target;
    return lr_csv_read_opts(path, &o, out, err, errlen);
}

int lr_csv_read_features(const char *path, const char *target, lr_data **out,
                         char *err, size_t errlen)
{
    lr_csv_opts o = lr_csv_opts_default();
    o.target = target;
    o.target_required = 0;
    return lr_csv_read_opts(path, &o, out, err, errlen);
}
