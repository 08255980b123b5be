/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/params.c: strict boolean and integer parsing, and OCF_RESKEY_*
 * to typed values through a descriptor (defaults, required parameters,
 * deprecated aliases, messages that name the parameter and the value).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "params.h"

extern char **environ;

enum {
	T_DEVICE,
	T_DIRECTORY,
	T_COUNT,
	T_OFFSET,
	T_VERBOSE,
	T_MODE,
	T_FORCE,
	T_POOL,         /* required, after the others: see first_error_wins */
	T_MOUNTPOINT,   /* deprecated alias of directory */
	T_DEBUG,        /* deprecated alias of verbose, which has a default */
	T_N,
};

static const char *const mode_choices[] = { "fast", "slow", NULL };
/* an enum extending a boolean, "true" deliberately not first */
static const char *const force_choices[] = { "safe", "true", "false", NULL };

static const struct param_desc test_params[T_N] = {
	[T_DEVICE] = { "device", PARAM_STRING, .required = true },
	[T_DIRECTORY] = { "directory", PARAM_PATH, .required = true },
	[T_COUNT] = { "count", PARAM_INTEGER, .min = 1, .max = 10 },
	[T_OFFSET] = { "offset", PARAM_INTEGER },
	[T_VERBOSE] = { "verbose", PARAM_BOOLEAN, .default_value = "false" },
	[T_MODE] = { "mode", PARAM_ENUM, .default_value = "fast",
		     .choices = mode_choices },
	[T_FORCE] = { "force", PARAM_ENUM, .choices = force_choices },
	[T_POOL] = { "pool", PARAM_STRING, .required = true },
	[T_MOUNTPOINT] = { "mountpoint", PARAM_PATH,
			   .deprecated_for = "directory" },
	[T_DEBUG] = { "debug", PARAM_BOOLEAN, .deprecated_for = "verbose" },
};

static const struct agent_desc test_desc = {
	.name = "test",
	.params = test_params,
	.n_params = T_N,
};

static void set(const char *name, const char *value)
{
	char key[64];

	snprintf(key, sizeof(key), "OCF_RESKEY_%s", name);
	assert_int_equal(setenv(key, value, 1), 0);
}

static void clear_env(void)
{
	char key[64];

	for (unsigned i = 0; i < T_N; i++) {
		snprintf(key, sizeof(key), "OCF_RESKEY_%s",
			 test_params[i].name);
		assert_int_equal(unsetenv(key), 0);
	}
	assert_int_equal(unsetenv("OCF_RESKEY_directroy"), 0);
}

/* The required parameters, valid. */
static void set_required(void)
{
	set("device", "/dev/drbd0");
	set("directory", "/vz");
	set("pool", "vz");
}

static int setup(void **state)
{
	clear_env();
	return 0;
}

static int teardown(void **state)
{
	clear_env();
	return 0;
}

static void test_bool_spellings(void **state)
{
	static const char *const yes[] = { "yes", "YES", "Yes", "true", "TRUE",
					   "True", "on", "ON", "On", "1", "y",
					   "Y" };
	static const char *const no[] = { "no",  "NO",  "No",  "false",
					  "FALSE", "fAlSe", "off", "OFF",
					  "Off", "0", "n", "N" };
	bool b;

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		b = false;
		assert_int_equal(params_parse_bool(yes[i], &b), 0);
		assert_true(b);
	}
	for (size_t i = 0; i < ELEMENTSOF(no); i++) {
		b = true;
		assert_int_equal(params_parse_bool(no[i], &b), 0);
		assert_false(b);
	}
}

static void test_bool_rejects(void **state)
{
	static const char *const bad[] = { "2", "", "yess", "ye", "tru",
					   "offf", " yes", "yes ", "-1", "10",
					   "01", "nope", "yes\n" };
	bool b;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		b = true;
		assert_int_equal(params_parse_bool(bad[i], &b), -EINVAL);
		assert_true(b); /* untouched on failure */
		b = false;
		assert_int_equal(params_parse_bool(bad[i], &b), -EINVAL);
		assert_false(b);
	}
}

static void test_ll_valid(void **state)
{
	long long v = 0;

	assert_int_equal(params_parse_ll("0", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(params_parse_ll("42", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(params_parse_ll("-17", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_int_equal(v, -17);
	assert_int_equal(params_parse_ll("007", LLONG_MIN, LLONG_MAX, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(params_parse_ll("9223372036854775807", LLONG_MIN,
					 LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MAX);
	assert_int_equal(params_parse_ll("-9223372036854775808", LLONG_MIN,
					 LLONG_MAX, &v), 0);
	assert_true(v == LLONG_MIN);
}

static void test_ll_invalid(void **state)
{
	static const char *const bad[] = { "", "-", "+5", "12abc", " 5", "5 ",
					   "abc", "--5", "-+5", "0x10", "1e3",
					   "1.0", "- 5", "5\n" };
	long long v = 1234;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		assert_int_equal(params_parse_ll(bad[i], LLONG_MIN, LLONG_MAX,
						 &v), -EINVAL);
		assert_int_equal(v, 1234);
	}
}

static void test_ll_range(void **state)
{
	long long v = 1234;

	assert_int_equal(params_parse_ll("9223372036854775808", LLONG_MIN,
					 LLONG_MAX, &v), -ERANGE);
	assert_int_equal(params_parse_ll("-9223372036854775809", LLONG_MIN,
					 LLONG_MAX, &v), -ERANGE);
	assert_int_equal(params_parse_ll("99999999999999999999999", LLONG_MIN,
					 LLONG_MAX, &v), -ERANGE);
	assert_int_equal(params_parse_ll("11", 1, 10, &v), -ERANGE);
	assert_int_equal(params_parse_ll("0", 1, 10, &v), -ERANGE);
	assert_int_equal(params_parse_ll("-1", 0, 10, &v), -ERANGE);
	assert_int_equal(v, 1234);
	assert_int_equal(params_parse_ll("1", 1, 10, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(params_parse_ll("10", 1, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(params_parse_ll("-5", -5, -5, &v), 0);
	assert_int_equal(v, -5);
}

static void test_parse_all_valid(void **state)
{
	struct param_value p[T_N];
	char err[256] = "stale message";

	set_required();
	set("count", "7");
	set("offset", "-3");
	set("verbose", "on");
	set("mode", "slow");
	set("force", "safe");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(p[T_DEVICE].set);
	assert_false(p[T_DEVICE].from_default);
	assert_string_equal(p[T_DEVICE].str, "/dev/drbd0");
	assert_true(p[T_DIRECTORY].set);
	assert_string_equal(p[T_DIRECTORY].str, "/vz");
	assert_true(p[T_COUNT].set);
	assert_int_equal(p[T_COUNT].num, 7);
	assert_string_equal(p[T_COUNT].str, "7");
	assert_int_equal(p[T_OFFSET].num, -3);
	assert_true(p[T_VERBOSE].set);
	assert_false(p[T_VERBOSE].from_default);
	assert_true(p[T_VERBOSE].b);
	assert_int_equal(p[T_MODE].choice, 1);
	assert_false(p[T_MODE].from_default);
	assert_int_equal(p[T_FORCE].choice, 0);
	assert_false(p[T_MOUNTPOINT].set);
	assert_false(p[T_DEBUG].set);
}

static void test_parse_required_missing(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set("directory", "/vz");
	set("pool", "vz");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "required parameter device is not set");
	assert_false(p[T_DEVICE].set);
	/* the rest is still filled */
	assert_true(p[T_DIRECTORY].set);
	assert_string_equal(p[T_DIRECTORY].str, "/vz");
}

static void test_parse_empty_is_unset(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set("device", "");
	set("directory", "/vz");
	set("pool", "vz");
	set("mode", "");
	set("count", "");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "required parameter device is not set");
	/* empty: the default applies, or the parameter stays unset */
	assert_true(p[T_MODE].set);
	assert_true(p[T_MODE].from_default);
	assert_int_equal(p[T_MODE].choice, 0);
	assert_false(p[T_COUNT].set);
}

static void test_parse_defaults(void **state)
{
	struct param_value p[T_N];
	char err[256];

	/* pre-filled garbage must not survive */
	memset(p, 0xa5, sizeof(p));
	set_required();
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_true(p[T_VERBOSE].set);
	assert_true(p[T_VERBOSE].from_default);
	assert_false(p[T_VERBOSE].b);
	assert_string_equal(p[T_VERBOSE].str, "false");
	assert_true(p[T_MODE].set);
	assert_true(p[T_MODE].from_default);
	assert_int_equal(p[T_MODE].choice, 0);
	assert_string_equal(p[T_MODE].str, "fast");
	/* no default, not given */
	assert_false(p[T_COUNT].set);
	assert_false(p[T_COUNT].from_default);
	assert_false(p[T_FORCE].set);
	assert_null(p[T_FORCE].str);
	assert_false(p[T_DEVICE].from_default);
}

static void test_parse_relative_path(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set("device", "/dev/drbd0");
	set("directory", "data/vz");
	set("pool", "vz");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "directory"));
	assert_non_null(strstr(err, "'data/vz'"));
	assert_false(p[T_DIRECTORY].set);
	assert_true(p[T_DEVICE].set);
}

static void test_parse_bad_boolean(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("verbose", "maybe");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "verbose"));
	assert_non_null(strstr(err, "'maybe'"));
	assert_false(p[T_VERBOSE].set);
}

static void test_parse_enum(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("mode", "medium");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "parameter mode must be one of fast, slow, got 'medium'");
	assert_false(p[T_MODE].set);

	/* an enum without true/false takes no boolean spellings */
	set("mode", "yes");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'yes'"));
}

static void test_parse_enum_boolean(void **state)
{
	static const struct {
		const char *in;
		int choice;
	} cases[] = {
		{ "true", 1 }, { "false", 2 }, { "safe", 0 }, { "yes", 1 },
		{ "YES", 1 },  { "on", 1 },    { "1", 1 },    { "no", 2 },
		{ "off", 2 },  { "0", 2 },     { "N", 2 },
	};
	struct param_value p[T_N];
	char err[256];

	set_required();
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		set("force", cases[i].in);
		assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
				 0);
		assert_true(p[T_FORCE].set);
		assert_int_equal(p[T_FORCE].choice, cases[i].choice);
		assert_string_equal(p[T_FORCE].str, cases[i].in);
	}
	set("force", "sometimes");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "parameter force must be one of safe, true, "
				 "false, got 'sometimes'");
}

static void test_parse_integer_bounds(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("count", "11");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "parameter count must be between 1 and 10, got '11'");
	assert_false(p[T_COUNT].set);

	set("count", "0");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "parameter count must be between 1 and 10, got '0'");

	set("count", "ten");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "parameter count must be a decimal integer, got 'ten'");

	set("count", "10");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_int_equal(p[T_COUNT].num, 10);
}

static void test_parse_integer_unbounded(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("offset", "-9223372036854775808");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_true(p[T_OFFSET].num == LLONG_MIN);

	/* the message gives the real limits, not "between 0 and 0" */
	set("offset", "9223372036854775808");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "parameter offset must be between "
				 "-9223372036854775808 and 9223372036854775807, "
				 "got '9223372036854775808'");
}

static void test_parse_alias_fills_replacement(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set("device", "/dev/drbd0");
	set("pool", "vz");
	set("mountpoint", "/old");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_true(p[T_DIRECTORY].set);
	assert_false(p[T_DIRECTORY].from_default);
	assert_string_equal(p[T_DIRECTORY].str, "/old");
	/* the alias itself is never a value of its own */
	assert_false(p[T_MOUNTPOINT].set);
}

static void test_parse_alias_ignored_when_replacement_set(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("mountpoint", "/old");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_string_equal(p[T_DIRECTORY].str, "/vz");

	/* an empty replacement counts as unset: the alias applies */
	set("directory", "");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_string_equal(p[T_DIRECTORY].str, "/old");
}

static void test_parse_alias_beats_default(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set_required();
	set("debug", "yes");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)), 0);
	assert_true(p[T_VERBOSE].set);
	assert_false(p[T_VERBOSE].from_default);
	assert_true(p[T_VERBOSE].b);
	assert_false(p[T_DEBUG].set);
}

static void test_parse_alias_validated(void **state)
{
	struct param_value p[T_N];
	char err[256];

	set("device", "/dev/drbd0");
	set("pool", "vz");
	set("mountpoint", "relative");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'relative'"));
	assert_false(p[T_DIRECTORY].set);
}

static void test_parse_first_error_wins(void **state)
{
	struct param_value p[T_N];
	char err[256];

	/* device missing, directory relative, count out of range */
	set("directory", "rel");
	set("count", "99");
	set("offset", "12");
	set("verbose", "yes");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "required parameter device is not set");
	/* ...but everything after it was parsed */
	assert_false(p[T_DIRECTORY].set);
	assert_false(p[T_COUNT].set);
	assert_true(p[T_OFFSET].set);
	assert_int_equal(p[T_OFFSET].num, 12);
	assert_true(p[T_VERBOSE].set);
	assert_true(p[T_VERBOSE].b);
	assert_true(p[T_MODE].set);
	assert_true(p[T_MODE].from_default);

	/*
	 * With device given, the relative directory is the first error; a
	 * later missing required parameter (pool) must not replace it.
	 */
	set("device", "/dev/sdb");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "parameter directory must be an absolute "
				 "path, got 'rel'");
	assert_false(p[T_POOL].set);
}

static void test_parse_small_reterr(void **state)
{
	struct param_value p[T_N];
	char err[16];

	set("directory", "/vz");
	assert_int_equal(params_parse(&test_desc, p, err, sizeof(err)),
			 -EINVAL);
	/* truncated, terminated */
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(strncmp(err, "required param", 14), 0);
}

static void test_unknown(void **state)
{
	char *envp[] = {
		"PATH=/usr/bin",
		"OCF_RESKEY_directroy=/vz",
		"OCF_RESKEY_CRM_meta_timeout=20000",
		"OCF_RESKEY_CRM_meta_interval=0",
		"OCF_RESKEY_device=/dev/drbd0",
		"OCF_RESKEY_directory=/vz",
		"OCF_RESKEY_mountpoint=/vz",
		"OCF_RESKEY_fstyp=ext4",
		"OCF_RESKEY_devicex=1",
		"OCF_RESKEY_crm_feature_setx=1",
		"XOCF_RESKEY_other=1",
		NULL,
	};
	char out[256];

	assert_int_equal(params_unknown(&test_desc, envp, out, sizeof(out)), 4);
	assert_string_equal(out, "directroy, fstyp, devicex, crm_feature_setx");
}

static void test_unknown_none(void **state)
{
	char *envp[] = {
		"OCF_RESKEY_CRM_meta_name=monitor",
		"OCF_RESKEY_crm_feature_set=3.17.4",
		"OCF_RESKEY_device=/dev/drbd0",
		"OCF_RESKEY_debug=1",
		"HOME=/root",
		NULL,
	};
	char out[64] = "stale";

	assert_int_equal(params_unknown(&test_desc, envp, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(params_unknown(&test_desc, NULL, out, sizeof(out)), 0);
}

static void test_unknown_truncated(void **state)
{
	char *envp[] = {
		"OCF_RESKEY_aaaaaaaaaa=1",
		"OCF_RESKEY_bbbbbbbbbb=1",
		"OCF_RESKEY_cccccccccc=1",
		NULL,
	};
	char out[16];

	/* every one is counted even when the list does not fit */
	assert_int_equal(params_unknown(&test_desc, envp, out, sizeof(out)), 3);
	assert_true(strlen(out) < sizeof(out));
	assert_int_equal(strncmp(out, "aaaaaaaaaa, ", 12), 0);
}

static void test_unknown_environ(void **state)
{
	char out[256];

	set_required();
	set("directroy", "/vz");
	assert_int_equal(params_unknown(&test_desc, environ, out, sizeof(out)),
			 1);
	assert_string_equal(out, "directroy");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bool_spellings),
		T(test_bool_rejects),
		T(test_ll_valid),
		T(test_ll_invalid),
		T(test_ll_range),
		T(test_parse_all_valid),
		T(test_parse_required_missing),
		T(test_parse_empty_is_unset),
		T(test_parse_defaults),
		T(test_parse_relative_path),
		T(test_parse_bad_boolean),
		T(test_parse_enum),
		T(test_parse_enum_boolean),
		T(test_parse_integer_bounds),
		T(test_parse_integer_unbounded),
		T(test_parse_alias_fills_replacement),
		T(test_parse_alias_ignored_when_replacement_set),
		T(test_parse_alias_beats_default),
		T(test_parse_alias_validated),
		T(test_parse_first_error_wins),
		T(test_parse_small_reterr),
		T(test_unknown),
		T(test_unknown_none),
		T(test_unknown_truncated),
		T(test_unknown_environ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
