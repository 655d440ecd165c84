/* check_output.c -- lr_output, under every file the library writes: nothing
 * at the path before commit, nothing left after discard, links written
 * through, permission bits kept, devices written in place; and the stream
 * writers give the same bytes as the path writers. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check_common.h"

/* The whole file as a malloc'd string (NULL if it cannot be read). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    *len = 0;
    *len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    if (buf)
        buf[*len] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_commit_and_discard)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s", tmp_path(".txt"));
    lr_output o;
    ck_assert_int_eq(lr_output_open(&o, path, err, sizeof err), LR_SUCCESS);
    ck_assert_ptr_nonnull(o.tmp);
    fputs("2.385\n", o.fp);
    ck_assert_int_eq(lr_output_close(&o, err, sizeof err), LR_SUCCESS);
    ck_assert_msg(access(path, F_OK) != 0, "%s exists before the commit", path);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
    ck_assert_int_eq(lr_output_commit(&o, err, sizeof err), LR_SUCCESS);
    ck_assert_msg(access(tmp, F_OK) != 0, "temporary %s left", tmp);
    size_t len;
    char *text = slurp(path, &len);
    ck_assert_str_eq(text, "2.385\n");
    free(text);

    /* discarded: the old file stays, the temporary goes */
    ck_assert_int_eq(lr_output_open(&o, path, err, sizeof err), LR_SUCCESS);
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
    fputs("never seen\n", o.fp);
    lr_output_discard(&o);
    ck_assert_msg(access(tmp, F_OK) != 0, "temporary %s left", tmp);
    text = slurp(path, &len);
    ck_assert_str_eq(text, "2.385\n");
    free(text);
    unlink(path);
}
END_TEST

START_TEST(test_mode_link_device)
{
    char path[256], link[256], err[512];
    snprintf(path, sizeof path, "%s", tmp_path(".csv"));
    snprintf(link, sizeof link, "%s", tmp_path("-link.csv"));
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(chmod(path, 0604), 0);
    ck_assert_int_eq(symlink(path, link), 0);
    ck_assert_int_eq(lr_write_file_atomic(link, "x1,y\n", err, sizeof err),
                     LR_SUCCESS);
    struct stat sl, sp;
    ck_assert_int_eq(lstat(link, &sl), 0);
    ck_assert_msg(S_ISLNK(sl.st_mode), "the link was replaced by a file");
    ck_assert_int_eq(stat(path, &sp), 0);
    ck_assert_int_eq(sp.st_mode & 07777, 0604); /* kept, not 0644 */
    ck_assert_int_eq(sp.st_size, 5);
    char *t = lr_path_target(link);
    ck_assert_str_eq(t, path);
    free(t);
    unlink(link);
    unlink(path);

    /* a character device is written in place: no temporary beside it */
    lr_output o;
    ck_assert_int_eq(lr_output_open(&o, "/dev/null", err, sizeof err), LR_SUCCESS);
    ck_assert_ptr_null(o.tmp);
    ck_assert(o.direct);
    fputs("discarded by the device\n", o.fp);
    ck_assert_int_eq(lr_output_commit(&o, err, sizeof err), LR_SUCCESS);
    ck_assert_int_eq(stat("/dev/null", &sp), 0);
    ck_assert(S_ISCHR(sp.st_mode));

    /* a directory is refused, naming it */
    ck_assert_int_eq(lr_path_writable("/tmp", err, sizeof err), LR_EIO);
    ck_assert_msg(strstr(err, "/tmp: is a directory") != NULL, "%s", err);
}
END_TEST

/* The stream writers write exactly what the path writers write. */
START_TEST(test_stream_writers)
{
    char a[256], b[256], err[512];
    double v[6] = {2.385, -0.125, 1e-300, 7.5e200, -3.0, 0.1};
    snprintf(a, sizeof a, "%s", tmp_path(".npy"));
    snprintf(b, sizeof b, "%s", tmp_path(".npy"));
    ck_assert_int_eq(lr_npy_write(a, v, 3, 2, 2, err, sizeof err), LR_SUCCESS);
    FILE *f = fopen(b, "wb");
    ck_assert_int_eq(lr_npy_fwrite(f, v, 3, 2, 2), LR_SUCCESS);
    fclose(f);
    size_t la = 0, lb = 0;
    char *ta = slurp(a, &la), *tb = slurp(b, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(ta, tb, la) == 0);
    free(ta);
    free(tb);

    lr_data d = {.n = 3, .p = 2, .X = v, .y = v};
    ck_assert_int_eq(lr_csv_write(a, &d, err, sizeof err), LR_SUCCESS);
    f = fopen(b, "wb");
    ck_assert_int_eq(lr_csv_fwrite(f, &d), LR_SUCCESS);
    fclose(f);
    ta = slurp(a, &la);
    tb = slurp(b, &lb);
    ck_assert_str_eq(ta, tb);
    free(ta);
    free(tb);

    /* a refused model writes nothing into the stream */
    lr_model *m = lr_model_alloc(2);
    lr_model_weights_mut(m)[0] = NAN;
    f = fopen(b, "wb");
    ck_assert_int_eq(lr_model_fwrite(f, b, m, NULL, NULL, err, sizeof err),
                     LR_ERANGE);
    ck_assert_int_eq(ftell(f), 0);
    fclose(f);
    lr_model_free(m);
    unlink(a);
    unlink(b);
}
END_TEST

Suite *suite_output(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("output");
    tcase_add_test(tc, test_commit_and_discard);
    tcase_add_test(tc, test_mode_link_device);
    tcase_add_test(tc, test_stream_writers);
    suite_add_tcase(s, tc);
    return s;
}
