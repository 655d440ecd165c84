/* output.c -- atomic writes.
 *
 * Every file linreg writes goes to a temporary file in the same directory
 * and is renamed into place once complete, so no reader ever sees a
 * half-written file and a failed write leaves the old file untouched. A
 * symbolic link is followed (the link stays, its target is replaced, with
 * the old file's permission bits); a FIFO or a device is written in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lr_internal.h"


/* The process's umask, read without changing it (umask(2) would set it):
 * from /proc/self/status, else the usual 022. */
static mode_t process_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    unsigned int m = 022;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)m;
}

/* dir of p (up to its last '/', with it) followed by name: malloc'd. */
static char *beside(const char *p, const char *name)
{
    const char *slash = strrchr(p, '/');
    size_t dl = slash ? (size_t)(slash - p) + 1 : 0, nl = strlen(name);
    char *r = malloc(dl + nl + 1);
    if (r) {
        memcpy(r, p, dl);
        memcpy(r + dl, name, nl + 1);
    }
    return r;
}

/* 1 when the directory holding p is under /proc: its symbolic links
 * (/dev/stdout -> /proc/self/fd/1) stand for open files, not paths. */
static int in_proc(const char *p)
{
    char *dir = beside(p, ".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    int r = real && strncmp(real, "/proc/", 6) == 0;
    free(dir);
    free(real);
    return r;
}

/* N when p is a descriptor link of this process (/proc/self/fd/N, which
 * /dev/stdout and /dev/fd/N lead to), else -1. Such an output is written
 * through a dup of N: reopening it could be refused (a pipe or a file of
 * another user) and would not share the descriptor's offset. */
static int own_fd(const char *p)
{
    const char *slash = strrchr(p, '/');
    char *end, want[64];
    long n = slash && slash[1] ? strtol(slash + 1, &end, 10) : -1;
    if (n < 0 || n > 1 << 30 || *end)
        return -1;
    char *dir = beside(p, ".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    snprintf(want, sizeof want, "/proc/%ld/fd", (long)getpid());
    int r = real && strcmp(real, want) == 0 ? (int)n : -1;
    free(dir);
    free(real);
    return r;
}

/* path with its symbolic links followed (each relative to the link's own
 * directory), so the link stays a link and its target gets the data. A
 * dangling link names the file to create. *direct is set when the chain
 * reaches a /proc link (*fd too when it is one of this process's
 * descriptors). malloc'd; NULL without memory. */
static char *follow_links(const char *path, int *direct, int *fd)
{
    char *p = strdup(path);
    for (int hops = 0; p && hops < 40; hops++) {
        struct stat sb;
        if (lstat(p, &sb) != 0 || !S_ISLNK(sb.st_mode))
            break;
        if (in_proc(p)) {
            *direct = 1;
            *fd = own_fd(p);
            break;
        }
        char buf[4096];
        ssize_t l = readlink(p, buf, sizeof buf - 1);
        if (l < 0)
            break;
        buf[l] = '\0';
        char *next = buf[0] == '/' ? strdup(buf) : beside(p, buf);
        free(p);
        p = next;
    }
    return p;
}

char *lr_path_target(const char *path)
{
    int direct = 0, fd = -1;
    return follow_links(path, &direct, &fd);
}

/* Resolves o->path into o->target, o->direct and the mode a new file or
 * the replacement of an existing one gets. */
static int output_resolve(lr_output *o, struct stat *old, int *exists,
                          char *err, size_t errlen)
{
    o->direct = 0;
    o->fd = -1;
    o->target = follow_links(o->path, &o->direct, &o->fd);
    if (!o->target)
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", o->path);
    if (o->fd >= 0) {
        int fl = fcntl(o->fd, F_GETFL);
        if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
            return lr_set_err(LR_EIO, err, errlen, "%s: descriptor %d is not "
                              "open for writing", o->path, o->fd);
        *exists = 0;
        return LR_SUCCESS;
    }
    *exists = stat(o->target, old) == 0;
    if (*exists && S_ISDIR(old->st_mode))
        return lr_set_err(LR_EIO, err, errlen, "%s: is a directory", o->path);
    if (*exists && !S_ISREG(old->st_mode))
        o->direct = 1; /* a FIFO, a device, a socket: written in place */
    return LR_SUCCESS;
}

static void output_free(lr_output *o)
{
    free(o->target);
    free(o->tmp);
    o->target = o->tmp = NULL;
    o->fp = NULL;
}

/* Creates the temporary beside o->target with the old file's owner and
 * permission bits (or 0666 less the umask for a new file). */
static int output_mktemp(lr_output *o, const struct stat *old, int exists,
                         char *err, size_t errlen)
{
    size_t len = strlen(o->target);
    o->tmp = malloc(len + 12);
    if (!o->tmp)
        return lr_set_err(LR_ENOMEM, err, errlen, "%s: out of memory", o->path);
    memcpy(o->tmp, o->target, len);
    memcpy(o->tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", o->path,
                          strerror(e));
    }
    if (exists) {
        if (fchown(fd, old->st_uid, old->st_gid) != 0) {
            /* not the owner's to give (not root): the new file is ours */
        }
        fchmod(fd, old->st_mode & 07777);
    } else {
        fchmod(fd, 0666 & ~process_umask()); /* mkstemp makes it 0600 */
    }
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        return lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", o->path,
                          strerror(e));
    }
    return LR_SUCCESS;
}

int lr_output_open(lr_output *o, const char *path, char *err, size_t errlen)
{
    struct stat old;
    int exists;
    memset(o, 0, sizeof *o);
    o->path = path;
    int st = output_resolve(o, &old, &exists, err, errlen);
    if (st == LR_SUCCESS && o->fd >= 0) {
        int fd = dup(o->fd);
        if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
            st = lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                            strerror(errno));
            if (fd >= 0)
                close(fd);
        }
    } else if (st == LR_SUCCESS && o->direct) {
        if (!(o->fp = fopen(o->target, "w")))
            st = lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                            strerror(errno));
    } else if (st == LR_SUCCESS) {
        st = output_mktemp(o, &old, exists, err, errlen);
    }
    if (st != LR_SUCCESS)
        output_free(o);
    return st;
}

int lr_output_close(lr_output *o, char *err, size_t errlen)
{
    if (!o->fp)
        return LR_SUCCESS;
    /* errno still tells why a write the caller just made failed */
    int e0 = errno, werr = ferror(o->fp);
    errno = 0;
    int cerr = fclose(o->fp);
    o->fp = NULL;
    if (werr || cerr)
        return lr_set_err(LR_EIO, err, errlen, "%s: write failed: %s", o->path,
                          strerror(cerr && errno ? errno : e0 ? e0 : EIO));
    return LR_SUCCESS;
}

int lr_output_commit(lr_output *o, char *err, size_t errlen)
{
    int st = lr_output_close(o, err, errlen);
    if (st == LR_SUCCESS && o->tmp && rename(o->tmp, o->target) != 0)
        st = lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", o->path,
                        strerror(errno));
    if (st == LR_SUCCESS) {
        free(o->tmp); /* renamed: nothing to remove */
        o->tmp = NULL;
    }
    lr_output_discard(o);
    return st;
}

void lr_output_discard(lr_output *o)
{
    if (o->fp)
        fclose(o->fp);
    if (o->tmp)
        unlink(o->tmp);
    output_free(o);
}

int lr_atomic_begin(lr_atomic_file *f, const char *path, char *err,
                    size_t errlen)
{
    int st = lr_output_open(&f->out, path, err, errlen);
    f->fp = f->out.fp;
    return st;
}

int lr_atomic_end(lr_atomic_file *f, int ok, char *err, size_t errlen)
{
    if (!ok) {
        lr_output_discard(&f->out);
        return LR_EIO;
    }
    return lr_output_commit(&f->out, err, errlen);
}

int lr_path_writable(const char *path, char *err, size_t errlen)
{
    lr_output o;
    struct stat old;
    int exists;
    memset(&o, 0, sizeof o);
    o.path = path;
    int st = output_resolve(&o, &old, &exists, err, errlen);
    if (st == LR_SUCCESS && o.direct && o.fd < 0 && access(o.target, W_OK) != 0)
        st = lr_set_err(LR_EIO, err, errlen, "%s: cannot write: %s", path,
                        strerror(errno));
    else if (st == LR_SUCCESS && !o.direct
             && (st = output_mktemp(&o, &old, exists, err, errlen)) == LR_SUCCESS)
        lr_output_discard(&o); /* the temporary could be made: removed */
    output_free(&o);
    return st;
}

int lr_write_file_atomic(const char *path, const char *text, char *err,
                         size_t errlen)
{
    lr_atomic_file f;
    int st = lr_atomic_begin(&f, path, err, errlen);
    if (st != LR_SUCCESS)
        return st;
    fputs(text, f.fp);
    return lr_atomic_end(&f, 1, err, errlen);
}
