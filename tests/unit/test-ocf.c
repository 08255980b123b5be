/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/ocf.c: the exit reason (first wins, one line, errno text, the
 * prefix Pacemaker looks for) and the names of the exit codes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "log.h"
#include "ocf.h"

/* What ocf_reason_print() writes, as a malloc'd string. */
static char *printed_reason(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ocf_reason_print(f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int setup(void **state)
{
	ocf_reason_reset();
	unsetenv("OCF_EXIT_REASON_PREFIX");
	unsetenv("HA_LOGFILE");
	unsetenv("HA_DEBUGLOG");
	unsetenv("HA_LOGFACILITY");
	unsetenv("HA_debug");
	log_init("test-ocf");
	return 0;
}

static int teardown(void **state)
{
	ocf_reason_reset();
	unsetenv("OCF_EXIT_REASON_PREFIX");
	unsetenv("HA_LOGFILE");
	log_init("test-ocf");
	return 0;
}

static void test_no_reason(void **state)
{
	_cleanup_free_ char *out = NULL;

	assert_null(ocf_reason());
	out = printed_reason();
	/* nothing recorded: not even an empty reason line */
	assert_string_equal(out, "");
}

static void test_fail_returns_rc_and_records(void **state)
{
	assert_int_equal(ocf_fail(OCF_ERR_INSTALLED, 0, "%s is missing",
				  "/sbin/fsck"),
			 OCF_ERR_INSTALLED);
	assert_string_equal(ocf_reason(), "/sbin/fsck is missing");
}

static void test_first_reason_wins(void **state)
{
	assert_int_equal(ocf_fail(OCF_ERR_GENERIC, 0, "root cause %d", 1),
			 OCF_ERR_GENERIC);
	assert_int_equal(ocf_fail(OCF_ERR_CONFIGURED, -EIO, "consequence"),
			 OCF_ERR_CONFIGURED);
	ocf_reason_set("a later note");
	assert_string_equal(ocf_reason(), "root cause 1");
}

static void test_reason_set_first_wins_too(void **state)
{
	ocf_reason_set("device %s is absent", "/dev/drbd0");
	(void)ocf_fail(OCF_ERR_GENERIC, 0, "later failure");
	assert_string_equal(ocf_reason(), "device /dev/drbd0 is absent");
}

static void test_err_appended(void **state)
{
	(void)ocf_fail(OCF_ERR_PERM, -EACCES, "cannot open %s", "/dev/sdb");
	assert_string_equal(ocf_reason(),
			    "cannot open /dev/sdb: Permission denied");
}

static void test_err_enoent(void **state)
{
	(void)ocf_fail(OCF_ERR_INSTALLED, -ENOENT, "no %s", "fsck");
	assert_string_equal(ocf_reason(), "no fsck: No such file or directory");
}

static void test_newlines_become_spaces(void **state)
{
	(void)ocf_fail(OCF_ERR_GENERIC, 0, "fsck said:\nline two\r\nend\n");
	assert_string_equal(ocf_reason(), "fsck said: line two  end ");
	assert_null(strchr(ocf_reason(), '\n'));
}

static void test_newline_in_argument(void **state)
{
	ocf_reason_set("helper wrote '%s'", "a\nb");
	assert_string_equal(ocf_reason(), "helper wrote 'a b'");
}

static void test_long_reason_truncated(void **state)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	(void)ocf_fail(OCF_ERR_GENERIC, -EIO, "%s", big);
	/* bounded, still one line, and a prefix of what was asked */
	assert_true(strlen(ocf_reason()) < sizeof(big) - 1);
	assert_true(strlen(ocf_reason()) >= 1000);
	assert_int_equal(strncmp(ocf_reason(), big, strlen(ocf_reason())), 0);
}

static void test_print_default_prefix(void **state)
{
	_cleanup_free_ char *out = NULL;

	(void)ocf_fail(OCF_ERR_GENERIC, -ENODEV, "no device %s", "/dev/x");
	out = printed_reason();
	assert_string_equal(out,
			    "ocf-exit-reason:no device /dev/x: No such device\n");
	assert_string_equal(ocf_reason_prefix_default, "ocf-exit-reason:");
}

static void test_print_env_prefix(void **state)
{
	_cleanup_free_ char *out = NULL;

	assert_int_equal(setenv("OCF_EXIT_REASON_PREFIX", "REASON>", 1), 0);
	ocf_reason_set("busy");
	out = printed_reason();
	assert_string_equal(out, "REASON>busy\n");
}

static void test_print_empty_env_prefix(void **state)
{
	_cleanup_free_ char *out = NULL;

	/* ocf-shellfuncs' ${OCF_EXIT_REASON_PREFIX:=...}: empty = default */
	assert_int_equal(setenv("OCF_EXIT_REASON_PREFIX", "", 1), 0);
	ocf_reason_set("busy");
	out = printed_reason();
	assert_string_equal(out, "ocf-exit-reason:busy\n");
}

static void test_print_to_file(void **state)
{
	char buf[256];
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	ocf_reason_set("mounted at %s", "/mnt/a");
	ocf_reason_print(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	(void)fclose(f);
	assert_string_equal(buf, "ocf-exit-reason:mounted at /mnt/a\n");
}

static void test_reset(void **state)
{
	_cleanup_free_ char *out = NULL;

	ocf_reason_set("first");
	ocf_reason_reset();
	assert_null(ocf_reason());
	ocf_reason_set("second");
	assert_string_equal(ocf_reason(), "second");
	ocf_reason_reset();
	out = printed_reason();
	assert_string_equal(out, "");
}

static void test_fail_logs_with_errno(void **state)
{
	char path[] = "/tmp/test-ocf-log.XXXXXX";
	char buf[1024];
	int fd = mkstemp(path);
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(setenv("HA_LOGFILE", path, 1), 0);
	log_init("test-ocf");
	(void)ocf_fail(OCF_ERR_GENERIC, -EBUSY, "cannot unmount %s", "/mnt/a");
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	(void)unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf,
			       "ERROR: cannot unmount /mnt/a: Device or resource busy\n"));
}

static void test_rc_name(void **state)
{
	static const struct {
		int rc;
		const char *name;
	} names[] = {
		{ 0, "OCF_SUCCESS" },
		{ 1, "OCF_ERR_GENERIC" },
		{ 2, "OCF_ERR_ARGS" },
		{ 3, "OCF_ERR_UNIMPLEMENTED" },
		{ 4, "OCF_ERR_PERM" },
		{ 5, "OCF_ERR_INSTALLED" },
		{ 6, "OCF_ERR_CONFIGURED" },
		{ 7, "OCF_NOT_RUNNING" },
		{ 8, "OCF_RUNNING_PROMOTED" },
		{ 9, "OCF_FAILED_PROMOTED" },
		{ 190, "OCF_DEGRADED" },
		{ 191, "OCF_DEGRADED_PROMOTED" },
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		assert_string_equal(ocf_rc_name(names[i].rc), names[i].name);
	assert_string_equal(ocf_rc_name(10), "unknown");
	assert_string_equal(ocf_rc_name(-1), "unknown");
	assert_string_equal(ocf_rc_name(189), "unknown");
	assert_string_equal(ocf_rc_name(192), "unknown");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_no_reason),
		T(test_fail_returns_rc_and_records),
		T(test_first_reason_wins),
		T(test_reason_set_first_wins_too),
		T(test_err_appended),
		T(test_err_enoent),
		T(test_newlines_become_spaces),
		T(test_newline_in_argument),
		T(test_long_reason_truncated),
		T(test_print_default_prefix),
		T(test_print_env_prefix),
		T(test_print_empty_env_prefix),
		T(test_print_to_file),
		T(test_reset),
		T(test_fail_logs_with_errno),
		cmocka_unit_test(test_rc_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
