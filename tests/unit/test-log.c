/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/log.c: configuration from HA_* as ocf-shellfuncs reads it, the
 * "agent(instance)[pid]" tag, and where each level goes (HA_LOGFILE,
 * HA_DEBUGLOG, stderr).
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "log.h"

struct files {
	char dir[64];
	char logfile[128];
	char debuglog[128];
	char errfile[128];
};

static const char *const env_vars[] = {
	"HA_LOGFACILITY", "HA_LOGFILE", "HA_DEBUGLOG", "HA_debug",
	"OCF_RESOURCE_INSTANCE",
};

static void clear_env(void)
{
	for (size_t i = 0; i < ELEMENTSOF(env_vars); i++)
		assert_int_equal(unsetenv(env_vars[i]), 0);
}

static int setup(void **state)
{
	struct files *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test-log.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->logfile, sizeof(f->logfile), "%s/ha-log", f->dir);
	snprintf(f->debuglog, sizeof(f->debuglog), "%s/ha-debug", f->dir);
	snprintf(f->errfile, sizeof(f->errfile), "%s/stderr", f->dir);
	clear_env();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct files *f = *state;

	(void)unlink(f->logfile);
	(void)unlink(f->debuglog);
	(void)unlink(f->errfile);
	(void)rmdir(f->dir);
	free(f);
	clear_env();
	/* leave the module as a fresh process would have it */
	log_init("test-log");
	return 0;
}

/* The whole file as a string; "" when it does not exist. */
static char *slurp(const char *path)
{
	char *buf = calloc(1, 65536);
	int fd;
	ssize_t n, len = 0;

	assert_non_null(buf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		assert_int_equal(errno, ENOENT);
		return buf;
	}
	while ((n = read(fd, buf + len, 65535 - (size_t)len)) > 0)
		len += n;
	assert_true(n == 0);
	(void)close(fd);
	return buf;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static bool is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYY/MM/DD_HH:MM:SS " as ocf-shellfuncs' ha_log writes it */
static void assert_stamp(const char *line)
{
	assert_true(is_digits(line, 4));
	assert_int_equal(line[4], '/');
	assert_true(is_digits(line + 5, 2));
	assert_int_equal(line[7], '/');
	assert_true(is_digits(line + 8, 2));
	assert_int_equal(line[10], '_');
	assert_true(is_digits(line + 11, 2));
	assert_int_equal(line[13], ':');
	assert_true(is_digits(line + 14, 2));
	assert_int_equal(line[16], ':');
	assert_true(is_digits(line + 17, 2));
	assert_int_equal(line[19], ' ');
}

static void test_facility_names(void **state)
{
	assert_int_equal(log_facility_from_name("daemon"), LOG_DAEMON);
	assert_int_equal(log_facility_from_name("DAEMON"), LOG_DAEMON);
	assert_int_equal(log_facility_from_name("local0"), LOG_LOCAL0);
	assert_int_equal(log_facility_from_name("local7"), LOG_LOCAL7);
	assert_int_equal(log_facility_from_name("user"), LOG_USER);
	assert_int_equal(log_facility_from_name("authpriv"), LOG_AUTHPRIV);
	assert_int_equal(log_facility_from_name("none"), -1);
	assert_int_equal(log_facility_from_name("local8"), -1);
	assert_int_equal(log_facility_from_name(""), -1);
}

static void test_facility_none(void **state)
{
	assert_int_equal(setenv("HA_LOGFACILITY", "none", 1), 0);
	log_init("Filesystem");
	assert_int_equal(log_config()->facility, -1);
}

static void test_facility_unset(void **state)
{
	log_init("Filesystem");
	assert_int_equal(log_config()->facility, -1);
}

static void test_facility_daemon(void **state)
{
	assert_int_equal(setenv("HA_LOGFACILITY", "daemon", 1), 0);
	log_init("Filesystem");
	assert_int_equal(log_config()->facility, LOG_DAEMON);
	/* no message is logged here: it would reach the host's syslog */
}

static void test_facility_unknown(void **state)
{
	assert_int_equal(setenv("HA_LOGFACILITY", "bogus", 1), 0);
	log_init("Filesystem");
	assert_int_equal(log_config()->facility, -1);
}

static void test_tag_with_instance(void **state)
{
	char want[64];

	assert_int_equal(setenv("OCF_RESOURCE_INSTANCE", "fs_data", 1), 0);
	log_init("vzfs");
	snprintf(want, sizeof(want), "vzfs(fs_data)[%d]", (int)getpid());
	assert_string_equal(log_config()->tag, want);
}

static void test_tag_without_instance(void **state)
{
	char want[64];

	log_init("vzfs");
	snprintf(want, sizeof(want), "vzfs[%d]", (int)getpid());
	assert_string_equal(log_config()->tag, want);

	/* empty counts as unset */
	assert_int_equal(setenv("OCF_RESOURCE_INSTANCE", "", 1), 0);
	log_init("vzfs");
	assert_string_equal(log_config()->tag, want);
}

static void test_config_files_and_debug(void **state)
{
	struct files *f = *state;

	log_init("vzfs");
	assert_null(log_config()->logfile);
	assert_null(log_config()->debugfile);
	assert_false(log_config()->debug);

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	assert_int_equal(setenv("HA_DEBUGLOG", f->debuglog, 1), 0);
	assert_int_equal(setenv("HA_debug", "1", 1), 0);
	log_init("vzfs");
	assert_string_equal(log_config()->logfile, f->logfile);
	assert_string_equal(log_config()->debugfile, f->debuglog);
	assert_true(log_config()->debug);

	assert_int_equal(setenv("HA_debug", "0", 1), 0);
	assert_int_equal(setenv("HA_LOGFILE", "", 1), 0);
	log_init("vzfs");
	assert_false(log_config()->debug);
	assert_null(log_config()->logfile);
}

static void test_logfile_line(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *text = NULL;
	char want[128];

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	assert_int_equal(setenv("OCF_RESOURCE_INSTANCE", "fs1", 1), 0);
	log_init("vzfs");
	log_error("cannot mount %s on %s", "/dev/drbd0", "/vz");
	text = slurp(f->logfile);
	assert_int_equal(count_lines(text), 1);
	assert_stamp(text);
	snprintf(want, sizeof(want),
		 "vzfs(fs1)[%d]: ERROR: cannot mount /dev/drbd0 on /vz\n",
		 (int)getpid());
	assert_string_equal(text + 20, want);
}

static void test_logfile_appends_levels(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *text = NULL;
	char *line;
	int fd;

	/* an existing log keeps its content */
	fd = open(f->logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "older line\n", 11), 11);
	(void)close(fd);

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	log_init("vzfs");
	log_warning("w %d", 1);
	log_notice("n %d", 2);
	log_info("i %d", 3);
	log_error("e %d", 4);
	text = slurp(f->logfile);
	assert_int_equal(count_lines(text), 5);
	assert_int_equal(strncmp(text, "older line\n", 11), 0);
	line = text + 11;
	assert_stamp(line);
	assert_non_null(strstr(line, ": WARNING: w 1\n"));
	assert_non_null(strstr(line, ": notice: n 2\n"));
	assert_non_null(strstr(line, ": INFO: i 3\n"));
	assert_non_null(strstr(line, ": ERROR: e 4\n"));
	/* in the order logged */
	assert_true(strstr(line, "w 1") < strstr(line, "n 2"));
	assert_true(strstr(line, "i 3") < strstr(line, "e 4"));
}

static void test_debug_dropped_without_ha_debug(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *log = NULL, *dbg = NULL;

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	assert_int_equal(setenv("HA_DEBUGLOG", f->debuglog, 1), 0);
	log_init("vzfs");
	log_debug("invisible %d", 1);
	assert_int_equal(setenv("HA_debug", "0", 1), 0);
	log_init("vzfs");
	log_debug("invisible %d", 2);
	log_error("visible");
	log = slurp(f->logfile);
	dbg = slurp(f->debuglog);
	assert_null(strstr(log, "invisible"));
	assert_null(strstr(dbg, "invisible"));
	assert_non_null(strstr(log, ": ERROR: visible\n"));
}

static void test_debug_to_debuglog(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *log = NULL, *dbg = NULL;

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	assert_int_equal(setenv("HA_DEBUGLOG", f->debuglog, 1), 0);
	assert_int_equal(setenv("HA_debug", "1", 1), 0);
	log_init("vzfs");
	log_debug("detail %s", "x");
	log_error("failure");
	log = slurp(f->logfile);
	dbg = slurp(f->debuglog);
	/* debug goes to the debug log only; the error to both */
	assert_null(strstr(log, "detail"));
	assert_non_null(strstr(dbg, ": DEBUG: detail x\n"));
	assert_non_null(strstr(log, ": ERROR: failure\n"));
	assert_non_null(strstr(dbg, ": ERROR: failure\n"));
	assert_int_equal(count_lines(log), 1);
	assert_int_equal(count_lines(dbg), 2);
}

static void test_same_file_written_once(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *log = NULL;

	assert_int_equal(setenv("HA_LOGFILE", f->logfile, 1), 0);
	assert_int_equal(setenv("HA_DEBUGLOG", f->logfile, 1), 0);
	assert_int_equal(setenv("HA_debug", "1", 1), 0);
	log_init("vzfs");
	log_error("once");
	log_debug("dbg");
	log = slurp(f->logfile);
	assert_int_equal(count_lines(log), 2);
	assert_non_null(strstr(log, ": ERROR: once\n"));
	assert_non_null(strstr(log, ": DEBUG: dbg\n"));
}

/* Runs fn with fd 2 redirected to path, then restores it. */
static void with_stderr_to(const char *path, void (*fn)(void))
{
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(saved >= 0);
	assert_true(fd >= 0);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	(void)close(fd);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	(void)close(saved);
}

static void log_two(void)
{
	log_error("device %s failed", "/dev/sdz");
	log_debug("not shown");
	log_warning("retrying, ignoring");
}

static void test_stderr(void **state)
{
	struct files *f = *state;
	_cleanup_free_ char *err = NULL;
	char want[256];

	assert_int_equal(setenv("OCF_RESOURCE_INSTANCE", "fs2", 1), 0);
	log_init("vzfs");
	with_stderr_to(f->errfile, log_two);
	err = slurp(f->errfile);
	snprintf(want, sizeof(want),
		 "vzfs(fs2)[%d]: ERROR: device /dev/sdz failed\n"
		 "vzfs(fs2)[%d]: WARNING: retrying, ignoring\n",
		 (int)getpid(), (int)getpid());
	assert_string_equal(err, want);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_facility_names),
		T(test_facility_none),
		T(test_facility_unset),
		T(test_facility_daemon),
		T(test_facility_unknown),
		T(test_tag_with_instance),
		T(test_tag_without_instance),
		T(test_config_files_and_debug),
		T(test_logfile_line),
		T(test_logfile_appends_levels),
		T(test_debug_dropped_without_ha_debug),
		T(test_debug_to_debuglog),
		T(test_same_file_written_once),
		T(test_stderr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
