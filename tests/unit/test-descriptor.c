/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/descriptor.c: action names (both ways), looking up an advertised
 * action and its default timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cleanup.h"
#include "descriptor.h"

static const struct {
	const char *name;
	enum action_kind kind;
} ocf_names[] = {
	{ "start", ACTION_START },
	{ "stop", ACTION_STOP },
	{ "monitor", ACTION_MONITOR },
	{ "promote", ACTION_PROMOTE },
	{ "demote", ACTION_DEMOTE },
	{ "notify", ACTION_NOTIFY },
	{ "reload", ACTION_RELOAD },
	{ "reload-agent", ACTION_RELOAD_AGENT },
	{ "migrate_to", ACTION_MIGRATE_TO },
	{ "migrate_from", ACTION_MIGRATE_FROM },
	{ "validate-all", ACTION_VALIDATE_ALL },
	{ "meta-data", ACTION_META_DATA },
	{ "usage", ACTION_USAGE },
};

/*
 * Monitors listed deepest first on purpose: a lookup for an unlisted depth
 * must still find the depth-0 entry, not merely the first monitor.
 */
static const struct action_desc test_actions[] = {
	{ ACTION_START, .timeout_s = 90 },
	{ ACTION_MONITOR, .timeout_s = 45, .interval_s = 60, .depth = 20 },
	{ ACTION_MONITOR, .timeout_s = 15, .interval_s = 10, .depth = 0 },
	{ ACTION_MONITOR, .timeout_s = 30, .interval_s = 30, .depth = 10 },
	{ ACTION_STOP, .timeout_s = 120 },
	{ ACTION_STOP, .timeout_s = 7 }, /* a duplicate: the first counts */
	{ ACTION_META_DATA, .timeout_s = 5 },
};

static const struct agent_desc test_desc = {
	.name = "test",
	.version = "0.0",
	.shortdesc = "test agent",
	.actions = test_actions,
	.n_actions = ELEMENTSOF(test_actions),
};

/* Only a depth-10 monitor: other depths fall back to it. */
static const struct action_desc deep_only_actions[] = {
	{ ACTION_MONITOR, .timeout_s = 33, .interval_s = 30, .depth = 10 },
};

static const struct agent_desc deep_only_desc = {
	.name = "deep",
	.actions = deep_only_actions,
	.n_actions = ELEMENTSOF(deep_only_actions),
};

static const struct agent_desc empty_desc = { .name = "empty" };

static void test_action_from_name(void **state)
{
	assert_int_equal(ELEMENTSOF(ocf_names), _ACTION_COUNT);
	for (size_t i = 0; i < ELEMENTSOF(ocf_names); i++)
		assert_int_equal(action_from_name(ocf_names[i].name),
				 ocf_names[i].kind);
}

static void test_action_from_name_aliases(void **state)
{
	assert_int_equal(action_from_name("status"), ACTION_MONITOR);
	assert_int_equal(action_from_name("help"), ACTION_USAGE);
}

static void test_action_from_name_unknown(void **state)
{
	assert_int_equal(action_from_name("frobnicate"), -1);
	assert_int_equal(action_from_name(""), -1);
	assert_int_equal(action_from_name("START"), -1);
	assert_int_equal(action_from_name("start "), -1);
	assert_int_equal(action_from_name("validate"), -1);
	assert_int_equal(action_from_name("metadata"), -1);
	assert_int_equal(action_from_name("migrate-to"), -1);
	assert_int_equal(action_from_name(NULL), -1);
}

static void test_action_name(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(ocf_names); i++)
		assert_string_equal(action_name(ocf_names[i].kind),
				    ocf_names[i].name);
	assert_null(action_name(_ACTION_COUNT));
	assert_null(action_name((enum action_kind)-1));
}

static void test_descriptor_action(void **state)
{
	const struct action_desc *a;

	a = descriptor_action(&test_desc, ACTION_START);
	assert_ptr_equal(a, &test_actions[0]);
	assert_int_equal(a->timeout_s, 90);
	/* the first entry of the kind */
	assert_ptr_equal(descriptor_action(&test_desc, ACTION_MONITOR),
			 &test_actions[1]);
	assert_ptr_equal(descriptor_action(&test_desc, ACTION_STOP),
			 &test_actions[4]);
	assert_ptr_equal(descriptor_action(&test_desc, ACTION_META_DATA),
			 &test_actions[6]);
	/* not advertised */
	assert_null(descriptor_action(&test_desc, ACTION_PROMOTE));
	assert_null(descriptor_action(&test_desc, ACTION_VALIDATE_ALL));
	assert_null(descriptor_action(&empty_desc, ACTION_START));
}

static void test_timeout_exact_depth(void **state)
{
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_MONITOR, 0),
			 15);
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_MONITOR, 10),
			 30);
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_MONITOR, 20),
			 45);
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_START, 0), 90);
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_STOP, 0), 120);
}

static void test_timeout_fallback_depth0(void **state)
{
	/* an unlisted depth uses the depth-0 monitor's timeout */
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_MONITOR, 5),
			 15);
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_MONITOR, 30),
			 15);
}

static void test_timeout_fallback_any(void **state)
{
	/* no depth-0 entry: any monitor entry is better than 20 s */
	assert_int_equal(
		descriptor_timeout_s(&deep_only_desc, ACTION_MONITOR, 0), 33);
	assert_int_equal(
		descriptor_timeout_s(&deep_only_desc, ACTION_MONITOR, 20), 33);
}

static void test_timeout_default(void **state)
{
	assert_int_equal(descriptor_timeout_s(&test_desc, ACTION_PROMOTE, 0),
			 20);
	assert_int_equal(
		descriptor_timeout_s(&test_desc, ACTION_VALIDATE_ALL, 0), 20);
	assert_int_equal(descriptor_timeout_s(&empty_desc, ACTION_MONITOR, 0),
			 20);
	assert_int_equal(
		descriptor_timeout_s(&deep_only_desc, ACTION_START, 0), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_from_name),
		cmocka_unit_test(test_action_from_name_aliases),
		cmocka_unit_test(test_action_from_name_unknown),
		cmocka_unit_test(test_action_name),
		cmocka_unit_test(test_descriptor_action),
		cmocka_unit_test(test_timeout_exact_depth),
		cmocka_unit_test(test_timeout_fallback_depth0),
		cmocka_unit_test(test_timeout_fallback_any),
		cmocka_unit_test(test_timeout_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
