/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/dispatch.c: one agent run per case, in a forked child whose
 * environment is exactly the case's and whose stdout/stderr go to temp
 * files; the parent checks the exit code and both outputs. Forking also
 * isolates ocf.c's process-wide exit reason. Handlers report what they
 * were given as one line on stdout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "dispatch.h"
#include "ocf.h"

enum { F_DEVICE, F_COUNT, F_N };

static const struct param_desc fake_params[F_N] = {
	[F_DEVICE] = { "device", PARAM_STRING, .required = true,
		       .shortdesc = "the device" },
	[F_COUNT] = { "count", PARAM_INTEGER, .min = 1, .max = 5,
		      .default_value = "2", .shortdesc = "how many" },
};

static const struct action_desc fake_actions[] = {
	{ ACTION_START, .timeout_s = 90 },
	{ ACTION_STOP, .timeout_s = 100 },
	{ ACTION_MONITOR, .timeout_s = 30, .interval_s = 10, .depth = 0 },
	{ ACTION_MONITOR, .timeout_s = 60, .interval_s = 60, .depth = 20 },
	{ ACTION_RELOAD, .timeout_s = 10 },     /* advertised, no handler */
	{ ACTION_VALIDATE_ALL, .timeout_s = 5 },
	{ ACTION_META_DATA, .timeout_s = 5 },
};

static const struct agent_desc fake_desc = {
	.name = "fake",
	.version = "1.0",
	.shortdesc = "A fake agent",
	.params = fake_params,
	.n_params = F_N,
	.actions = fake_actions,
	.n_actions = ELEMENTSOF(fake_actions),
};

static const char fake_xml[] =
	"<?xml version=\"1.0\"?>\n<resource-agent name=\"fake\">\n"
	"  <version>1.1</version>\n</resource-agent>\n";

/* What the handler saw, on one stdout line. */
static int report(struct agent_ctx *ctx, int rc)
{
	printf("action=%s probe=%d depth=%u interval=%llu instance=%s "
	       "timeout=%llu left=%llu perr=%s device=%s count=%lld\n",
	       action_name(ctx->action), ctx->probe, ctx->depth,
	       (unsigned long long)ctx->interval_ms, ctx->instance,
	       (unsigned long long)ctx->deadline.timeout_ms,
	       (unsigned long long)deadline_left_ms(&ctx->deadline),
	       ctx->params_error ? ctx->params_error : "-",
	       ctx->p[F_DEVICE].set ? ctx->p[F_DEVICE].str : "-",
	       ctx->p[F_COUNT].set ? ctx->p[F_COUNT].num : -1);
	return rc;
}

static int fake_start(struct agent_ctx *ctx)
{
	if (ctx->p[F_COUNT].num == 5) {
		(void)report(ctx, 0);
		return ocf_fail(OCF_ERR_GENERIC, -EIO, "cannot start on %s",
				ctx->p[F_DEVICE].str);
	}
	return report(ctx, OCF_SUCCESS);
}

static int fake_stop(struct agent_ctx *ctx)
{
	return report(ctx, OCF_SUCCESS);
}

static int fake_monitor(struct agent_ctx *ctx)
{
	return report(ctx, OCF_NOT_RUNNING);
}

static int fake_validate(struct agent_ctx *ctx)
{
	return report(ctx, OCF_SUCCESS);
}

/* Has a handler, but the descriptor does not advertise promote. */
static int fake_promote(struct agent_ctx *ctx)
{
	return report(ctx, OCF_SUCCESS);
}

static const struct agent_ops fake_ops = {
	.handlers = {
		[ACTION_START] = fake_start,
		[ACTION_STOP] = fake_stop,
		[ACTION_MONITOR] = fake_monitor,
		[ACTION_VALIDATE_ALL] = fake_validate,
		[ACTION_PROMOTE] = fake_promote,
	},
};

struct result {
	int rc;
	char *out;
	char *err;
};

static char *read_all(FILE *f)
{
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(buf);
	rewind(f);
	n = fread(buf, 1, 65535, f);
	assert_false(ferror(f));
	buf[n] = '\0';
	return buf;
}

/*
 * Runs the fake agent with argv[1] = action (none when NULL) and exactly
 * the environment env (NULL-terminated "K=V" strings).
 */
static struct result run(const char *action, const char *const *env)
{
	FILE *out = tmpfile(), *err = tmpfile();
	struct result res = { -1, NULL, NULL };
	int status;
	pid_t pid;

	assert_non_null(out);
	assert_non_null(err);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "fake", (char *)action, NULL };
		int rc;

		if (dup2(fileno(out), STDOUT_FILENO) < 0 ||
		    dup2(fileno(err), STDERR_FILENO) < 0 || clearenv() != 0)
			_exit(99);
		for (; env && *env; env++)
			if (putenv((char *)*env) != 0)
				_exit(99);
		rc = dispatch_main(&fake_desc, &fake_ops, fake_xml,
				   action ? 2 : 1, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	res.rc = WEXITSTATUS(status);
	res.out = read_all(out);
	res.err = read_all(err);
	(void)fclose(out);
	(void)fclose(err);
	return res;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* The last line of s, without its newline (s must end with one). */
static const char *last_line(char *s)
{
	size_t n = strlen(s);
	char *p;

	assert_true(n > 0);
	assert_int_equal(s[n - 1], '\n');
	s[n - 1] = '\0';
	p = strrchr(s, '\n');
	return p ? p + 1 : s;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* The value of key in the handler's report line, as a string. */
static const char *field(const char *out, const char *key, char *buf,
			 size_t size)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(out, pat);
	if (!p && strncmp(out, pat + 1, strlen(pat) - 1) == 0)
		p = out - 1;
	assert_non_null(p);
	p += strlen(pat);
	n = strcspn(p, " \n");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static unsigned long long field_ull(const char *out, const char *key)
{
	char buf[64];

	return strtoull(field(out, key, buf, sizeof(buf)), NULL, 10);
}

#define VALID "OCF_RESKEY_device=/dev/drbd0"

static void test_no_action(void **state)
{
	struct result r = run(NULL, (const char *[]){ VALID, NULL });

	assert_int_equal(r.rc, OCF_ERR_ARGS);
	assert_string_equal(r.out, "");
	assert_true(starts_with(r.err, "usage: fake {"));
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 1);
	assert_string_equal(last_line(r.err),
			    "ocf-exit-reason:no action given");
	result_free(&r);
}

static void test_unknown_action(void **state)
{
	struct result r = run("frobnicate", (const char *[]){ VALID, NULL });

	assert_int_equal(r.rc, OCF_ERR_UNIMPLEMENTED);
	assert_string_equal(r.out, ""); /* no handler ran */
	assert_non_null(strstr(r.err, "usage: fake {"));
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 1);
	assert_string_equal(last_line(r.err),
			    "ocf-exit-reason:fake does not implement action "
			    "'frobnicate'");
	result_free(&r);
}

static void test_reason_prefix_from_env(void **state)
{
	struct result r = run("frobnicate",
			      (const char *[]){ VALID,
						"OCF_EXIT_REASON_PREFIX=why:",
						NULL });

	assert_int_equal(r.rc, OCF_ERR_UNIMPLEMENTED);
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 0);
	assert_string_equal(last_line(r.err),
			    "why:fake does not implement action 'frobnicate'");
	result_free(&r);
}

static void test_meta_data(void **state)
{
	/* no parameters at all: meta-data must not need them */
	struct result r = run("meta-data", (const char *[]){ NULL });

	assert_int_equal(r.rc, OCF_SUCCESS);
	assert_string_equal(r.out, fake_xml);
	assert_string_equal(r.err, "");
	result_free(&r);
}

static void test_usage_and_help(void **state)
{
	static const char *const names[] = { "usage", "help" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		struct result r = run(names[i], (const char *[]){ NULL });

		assert_int_equal(r.rc, OCF_SUCCESS);
		/* advertised and handled only: no promote, no reload */
		assert_true(starts_with(r.out,
					"usage: fake {start|stop|monitor|"
					"validate-all|meta-data|usage}\n"));
		assert_non_null(strstr(r.out, "A fake agent"));
		assert_non_null(strstr(r.out, "device"));
		assert_non_null(strstr(r.out, "(required)"));
		assert_non_null(strstr(r.out, "default: 2"));
		assert_string_equal(r.err, "");
		result_free(&r);
	}
}

static void test_status_is_monitor(void **state)
{
	struct result r = run("status", (const char *[]){ VALID, NULL });
	char buf[64];

	assert_int_equal(r.rc, OCF_NOT_RUNNING);
	assert_true(starts_with(r.out, "action=monitor "));
	assert_string_equal(field(r.out, "device", buf, sizeof(buf)),
			    "/dev/drbd0");
	/* a result that is not a failure carries no reason */
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 0);
	result_free(&r);
}

static void test_probe(void **state)
{
	struct result r;

	r = run("monitor", (const char *[]){
			VALID, "OCF_RESKEY_CRM_meta_interval=0", NULL });
	assert_int_equal(r.rc, OCF_NOT_RUNNING);
	assert_int_equal(field_ull(r.out, "probe"), 1);
	assert_int_equal(field_ull(r.out, "interval"), 0);
	result_free(&r);

	r = run("monitor", (const char *[]){
			VALID, "OCF_RESKEY_CRM_meta_interval=10000", NULL });
	assert_int_equal(r.rc, OCF_NOT_RUNNING);
	assert_int_equal(field_ull(r.out, "probe"), 0);
	assert_int_equal(field_ull(r.out, "interval"), 10000);
	result_free(&r);

	/* a start is never a probe */
	r = run("start", (const char *[]){
			VALID, "OCF_RESKEY_CRM_meta_interval=0", NULL });
	assert_int_equal(r.rc, OCF_SUCCESS);
	assert_int_equal(field_ull(r.out, "probe"), 0);
	result_free(&r);
}

static void test_check_level(void **state)
{
	struct result r;

	r = run("monitor", (const char *[]){ VALID, "OCF_CHECK_LEVEL=20",
					      NULL });
	assert_int_equal(field_ull(r.out, "depth"), 20);
	result_free(&r);

	r = run("monitor", (const char *[]){ VALID, NULL });
	assert_int_equal(field_ull(r.out, "depth"), 0);
	result_free(&r);

	/* not a number: depth 0, and a warning */
	r = run("monitor", (const char *[]){ VALID, "OCF_CHECK_LEVEL=deep",
					      NULL });
	assert_int_equal(field_ull(r.out, "depth"), 0);
	assert_non_null(strstr(r.err, "WARNING"));
	result_free(&r);

	/* depth is a monitor's business only */
	r = run("start", (const char *[]){ VALID, "OCF_CHECK_LEVEL=20", NULL });
	assert_int_equal(field_ull(r.out, "depth"), 0);
	result_free(&r);
}

static void test_invalid_params_start_monitor(void **state)
{
	static const char *const actions[] = { "start", "monitor",
					       "validate-all" };

	for (size_t i = 0; i < ELEMENTSOF(actions); i++) {
		struct result r = run(actions[i], (const char *[]){
				"OCF_RESKEY_CRM_meta_interval=0", NULL });

		assert_int_equal(r.rc, OCF_ERR_CONFIGURED);
		assert_string_equal(r.out, ""); /* handler not called */
		assert_int_equal(count(r.err, "ocf-exit-reason:"), 1);
		assert_string_equal(last_line(r.err),
				    "ocf-exit-reason:required parameter device "
				    "is not set");
		result_free(&r);
	}
}

static void test_invalid_value(void **state)
{
	struct result r = run("start", (const char *[]){
			VALID, "OCF_RESKEY_count=9", NULL });

	assert_int_equal(r.rc, OCF_ERR_CONFIGURED);
	assert_string_equal(r.out, "");
	assert_string_equal(last_line(r.err),
			    "ocf-exit-reason:parameter count must be between 1 "
			    "and 5, got '9'");
	result_free(&r);
}

static void test_invalid_params_stop_called(void **state)
{
	struct result r = run("stop", (const char *[]){ NULL });
	char buf[128];

	assert_int_equal(r.rc, OCF_SUCCESS);
	assert_true(starts_with(r.out, "action=stop "));
	/* the report line ends with the fields after perr */
	assert_non_null(strstr(r.out,
				"perr=required parameter device is not set "
				"device=-"));
	assert_string_equal(field(r.out, "device", buf, sizeof(buf)), "-");
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 0);
	result_free(&r);
}

static void test_valid_params_stop(void **state)
{
	struct result r = run("stop", (const char *[]){ VALID, NULL });
	char buf[128];

	assert_int_equal(r.rc, OCF_SUCCESS);
	assert_string_equal(field(r.out, "perr", buf, sizeof(buf)), "-");
	assert_int_equal(field_ull(r.out, "count"), 2); /* the default */
	result_free(&r);
}

static void test_not_advertised(void **state)
{
	struct result r;

	/* a handler exists, the descriptor does not list it */
	r = run("promote", (const char *[]){ VALID, NULL });
	assert_int_equal(r.rc, OCF_ERR_UNIMPLEMENTED);
	assert_string_equal(r.out, "");
	assert_string_equal(last_line(r.err),
			    "ocf-exit-reason:fake does not implement action "
			    "'promote'");
	result_free(&r);

	/* listed, but no handler */
	r = run("reload", (const char *[]){ VALID, NULL });
	assert_int_equal(r.rc, OCF_ERR_UNIMPLEMENTED);
	assert_string_equal(r.out, "");
	result_free(&r);
}

static void test_handler_failure_reason(void **state)
{
	struct result r = run("start", (const char *[]){
			VALID, "OCF_RESKEY_count=5", NULL });

	assert_int_equal(r.rc, OCF_ERR_GENERIC);
	assert_true(starts_with(r.out, "action=start "));
	assert_int_equal(count(r.err, "ocf-exit-reason:"), 1);
	assert_string_equal(last_line(r.err),
			    "ocf-exit-reason:cannot start on /dev/drbd0: "
			    "Input/output error");
	result_free(&r);
}

static void test_deadline_from_meta_timeout(void **state)
{
	struct result r;
	unsigned long long left;

	r = run("start", (const char *[]){
			VALID, "OCF_RESKEY_CRM_meta_timeout=30000", NULL });
	assert_int_equal(field_ull(r.out, "timeout"), 30000);
	left = field_ull(r.out, "left");
	/* 30 s minus the 3 s margin, minus at most a few seconds of run */
	assert_true(left <= 27000);
	assert_true(left > 20000);
	result_free(&r);

	/* no meta timeout: the descriptor's, for the depth asked */
	r = run("start", (const char *[]){ VALID, NULL });
	assert_int_equal(field_ull(r.out, "timeout"), 90000);
	result_free(&r);
	r = run("monitor", (const char *[]){ VALID, "OCF_CHECK_LEVEL=20",
					      NULL });
	assert_int_equal(field_ull(r.out, "timeout"), 60000);
	result_free(&r);
	r = run("monitor", (const char *[]){ VALID, NULL });
	assert_int_equal(field_ull(r.out, "timeout"), 30000);
	result_free(&r);

	/* garbage: the default */
	r = run("stop", (const char *[]){
			VALID, "OCF_RESKEY_CRM_meta_timeout=20s", NULL });
	assert_int_equal(field_ull(r.out, "timeout"), 100000);
	result_free(&r);
}

static void test_instance(void **state)
{
	struct result r;
	char buf[64];

	r = run("start", (const char *[]){
			VALID, "OCF_RESOURCE_INSTANCE=fs_vz", NULL });
	assert_string_equal(field(r.out, "instance", buf, sizeof(buf)),
			    "fs_vz");
	result_free(&r);

	r = run("start", (const char *[]){ VALID, NULL });
	assert_string_equal(field(r.out, "instance", buf, sizeof(buf)), "fake");
	result_free(&r);
}

static void test_unknown_param_warning(void **state)
{
	struct result r;

	r = run("start", (const char *[]){
			VALID, "OCF_RESKEY_devcie=/dev/sdb", NULL });
	assert_int_equal(r.rc, OCF_SUCCESS);
	assert_non_null(strstr(r.err, "fake has no parameter devcie"));
	result_free(&r);

	/* a monitor stays quiet about it */
	r = run("monitor", (const char *[]){
			VALID, "OCF_RESKEY_devcie=/dev/sdb", NULL });
	assert_int_equal(r.rc, OCF_NOT_RUNNING);
	assert_null(strstr(r.err, "devcie"));
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_action),
		cmocka_unit_test(test_unknown_action),
		cmocka_unit_test(test_reason_prefix_from_env),
		cmocka_unit_test(test_meta_data),
		cmocka_unit_test(test_usage_and_help),
		cmocka_unit_test(test_status_is_monitor),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_check_level),
		cmocka_unit_test(test_invalid_params_start_monitor),
		cmocka_unit_test(test_invalid_value),
		cmocka_unit_test(test_invalid_params_stop_called),
		cmocka_unit_test(test_valid_params_stop),
		cmocka_unit_test(test_not_advertised),
		cmocka_unit_test(test_handler_failure_reason),
		cmocka_unit_test(test_deadline_from_meta_timeout),
		cmocka_unit_test(test_instance),
		cmocka_unit_test(test_unknown_param_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
