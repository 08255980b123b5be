/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/procfs.c: whole-file reads with a size cap, strict number and
 * device-number parsing, mountinfo unescaping, the node name.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "procfs.h"

struct tmp {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/test-procfs.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/file", t->dir);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	(void)unlink(t->path);
	(void)rmdir(t->dir);
	free(t);
	return 0;
}

/* Writes n bytes of a recognisable pattern (no NUL) and returns them. */
static char *write_pattern(const char *path, size_t n)
{
	char *buf = malloc(n + 1);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i * 7) % 26);
	buf[n] = '\0';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	return buf;
}

static void test_read_small(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *text = NULL;
	int fd;

	/* no final newline: returned as it is */
	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "version: 8.4.11\nlast", 20), 20);
	assert_int_equal(close(fd), 0);
	assert_int_equal(procfs_read(t->path, PROCFS_MAX, &text), 20);
	assert_string_equal(text, "version: 8.4.11\nlast");
}

static void test_read_empty(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *text = NULL, *want = NULL;

	want = write_pattern(t->path, 0);
	assert_int_equal(procfs_read(t->path, PROCFS_MAX, &text), 0);
	assert_non_null(text);
	assert_string_equal(text, "");
}

static void test_read_large(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *text = NULL, *want = NULL;
	const size_t n = 200 * 1024 + 17; /* > 64 KiB, not a power of two */

	want = write_pattern(t->path, n);
	assert_int_equal(procfs_read(t->path, PROCFS_MAX, &text), (ssize_t)n);
	assert_int_equal(strlen(text), n);
	assert_memory_equal(text, want, n);
}

static void test_read_exact_buffer_sizes(void **state)
{
	struct tmp *t = *state;
	static const size_t sizes[] = { 4095, 4096, 4097, 8192, 65536 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		_cleanup_free_ char *text = NULL, *want = NULL;

		want = write_pattern(t->path, sizes[i]);
		assert_int_equal(procfs_read(t->path, PROCFS_MAX, &text),
				 (ssize_t)sizes[i]);
		assert_string_equal(text, want);
	}
}

static void test_read_max(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *text = NULL, *want = NULL;
	char *untouched = (char *)"sentinel";

	want = write_pattern(t->path, 100);
	assert_int_equal(procfs_read(t->path, 100, &text), 100);
	assert_string_equal(text, want);
	assert_int_equal(procfs_read(t->path, 99, &untouched), -EFBIG);
	assert_string_equal(untouched, "sentinel");
	assert_int_equal(procfs_read(t->path, 0, &untouched), -EFBIG);
	assert_string_equal(untouched, "sentinel");
}

static void test_read_max_large(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *want = NULL;
	char *untouched = (char *)"sentinel";

	want = write_pattern(t->path, 100000);
	assert_int_equal(procfs_read(t->path, 65536, &untouched), -EFBIG);
	assert_string_equal(untouched, "sentinel");
}

static void test_read_missing(void **state)
{
	struct tmp *t = *state;
	char *untouched = (char *)"sentinel";

	assert_int_equal(procfs_read(t->path, PROCFS_MAX, &untouched),
			 -ENOENT);
	assert_string_equal(untouched, "sentinel");
	assert_int_equal(procfs_read("/proc/self/no-such-file", PROCFS_MAX,
				     &untouched), -ENOENT);
}

static void test_read_directory(void **state)
{
	struct tmp *t = *state;
	char *untouched = (char *)"sentinel";

	assert_int_equal(procfs_read(t->dir, PROCFS_MAX, &untouched), -EISDIR);
	assert_string_equal(untouched, "sentinel");
}

static void test_read_proc_self_status(void **state)
{
	_cleanup_free_ char *text = NULL;
	char want[64];
	ssize_t n;

	n = procfs_read("/proc/self/status", PROCFS_MAX, &text);
	assert_true(n > 0);
	assert_int_equal(strlen(text), (size_t)n);
	assert_int_equal(strncmp(text, "Name:\t", 6), 0);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
	assert_non_null(strstr(text, want));
	assert_int_equal(text[n - 1], '\n');
}

static void test_readat(void **state)
{
	struct tmp *t = *state;
	_cleanup_free_ char *text = NULL, *want = NULL;
	_cleanup_close_ int dfd = -1;

	want = write_pattern(t->path, 10);
	dfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	assert_int_equal(procfs_readat(dfd, "file", PROCFS_MAX, &text), 10);
	assert_string_equal(text, want);
}

static void test_parse_u64(void **state)
{
	uint64_t v = 0;

	assert_int_equal(procfs_parse_u64("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(procfs_parse_u64("20000", &v), 0);
	assert_true(v == 20000);
	assert_int_equal(procfs_parse_u64("007", &v), 0);
	assert_true(v == 7);
	assert_int_equal(procfs_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_parse_u64_rejects(void **state)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1\n",
					   "1a", "0x10", "1.5", "a", "-0" };
	uint64_t v = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(procfs_parse_u64(bad[i], &v), -EINVAL);
		assert_true(v == 42);
	}
	assert_int_equal(procfs_parse_u64(NULL, &v), -EINVAL);
	assert_int_equal(procfs_parse_u64("18446744073709551616", &v),
			 -ERANGE);
	assert_int_equal(procfs_parse_u64("99999999999999999999999", &v),
			 -ERANGE);
	assert_true(v == 42);
}

static void test_parse_devno(void **state)
{
	dev_t d = 0;

	assert_int_equal(procfs_parse_devno("8:17", &d), 0);
	assert_int_equal(major(d), 8);
	assert_int_equal(minor(d), 17);
	assert_true(d == makedev(8, 17));
	assert_int_equal(procfs_parse_devno("253:0", &d), 0);
	assert_true(d == makedev(253, 0));
	assert_int_equal(procfs_parse_devno("0:21", &d), 0);
	assert_true(d == makedev(0, 21));
	/* the kernel's limits: 12-bit major, 20-bit minor */
	assert_int_equal(procfs_parse_devno("4095:1048575", &d), 0);
	assert_true(d == makedev(4095, 1048575));
}

static void test_parse_devno_rejects(void **state)
{
	static const char *const bad[] = {
		"", "8", "8:", ":17", "8:17x", "8:17 ", " 8:17", "a:b", "-8:17",
		"8:-17", "8:+17", "8::17", "8:17:1", "8,17", "4096:0",
		"0:1048576", "99999999999999999999:1",
	};
	dev_t d = makedev(1, 2);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(procfs_parse_devno(bad[i], &d), -EINVAL);
		assert_true(d == makedev(1, 2));
	}
	assert_int_equal(procfs_parse_devno(NULL, &d), -EINVAL);
}

static void check_unescape(const char *in, const char *want)
{
	char buf[128];

	assert_true(strlen(in) < sizeof(buf));
	strcpy(buf, in);
	procfs_unescape(buf);
	assert_string_equal(buf, want);
}

static void test_unescape(void **state)
{
	check_unescape("/Data/my\\040db", "/Data/my db");
	check_unescape("a\\011b", "a\tb");
	check_unescape("a\\012b", "a\nb");
	check_unescape("back\\134slash", "back\\slash");
	check_unescape("\\040\\040", "  ");
	check_unescape("\\0401", " 1");
	/* not three octal digits: left alone */
	check_unescape("a\\12", "a\\12");
	check_unescape("a\\12b", "a\\12b");
	check_unescape("a\\089", "a\\089");
	check_unescape("trailing\\", "trailing\\");
	check_unescape("\\", "\\");
	check_unescape("plain/path", "plain/path");
	check_unescape("", "");
}

static void test_nodename(void **state)
{
	struct utsname u;
	char buf[256];
	size_t n;

	assert_int_equal(uname(&u), 0);
	assert_int_equal(procfs_nodename(buf, sizeof(buf)), 0);
	assert_string_equal(buf, u.nodename);
	n = strlen(u.nodename);
	assert_true(n > 0);
	/* exactly enough room, then one byte short */
	assert_int_equal(procfs_nodename(buf, n + 1), 0);
	assert_string_equal(buf, u.nodename);
	strcpy(buf, "untouched");
	assert_int_equal(procfs_nodename(buf, n), -ENAMETOOLONG);
	assert_string_equal(buf, "untouched");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_read_small),
		T(test_read_empty),
		T(test_read_large),
		T(test_read_exact_buffer_sizes),
		T(test_read_max),
		T(test_read_max_large),
		T(test_read_missing),
		T(test_read_directory),
		T(test_read_proc_self_status),
		T(test_readat),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_rejects),
		cmocka_unit_test(test_parse_devno),
		cmocka_unit_test(test_parse_devno_rejects),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_nodename),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
