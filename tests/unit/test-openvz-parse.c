/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agents/openvz/parse.c: vzctl's status line, ctid.conf/vz.conf,
 * /proc/vz/veinfo, lxc-info and LXC's config, from the fixtures in
 * tests/fixtures/openvz (synthetic, after vzctl's manuals and the OpenVZ
 * kernels' format strings) and tests/fixtures/lxc (real captures); see
 * their PROVENANCE files. Then the stop plan's arithmetic.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "parse.h"
#include "procfs.h"

#define OPENVZ FIXTURES "/openvz/"
#define LXC    FIXTURES "/lxc/"

/* A sentinel no parser would produce, to see ret_ left alone. */
static char sentinel[] = "untouched";

static char *fixture(const char *path)
{
	char *text = NULL;

	assert_true(procfs_read(path, PROCFS_MAX, &text) > 0);
	assert_non_null(text);
	return text;
}

/* ------------------------------------------------------ vzctl status */

static struct vzstatus status_ok(const char *text)
{
	struct vzstatus st;

	memset(&st, 0xa5, sizeof(st)); /* not a valid bool: must be set */
	assert_int_equal(vzstatus_parse(text, "101", &st), 0);
	return st;
}

static void expect_status(const char *text, bool exists, bool mounted,
			  bool running, bool suspended)
{
	struct vzstatus st = status_ok(text);

	assert_int_equal(st.exists, exists);
	assert_int_equal(st.mounted, mounted);
	assert_int_equal(st.running, running);
	assert_int_equal(st.suspended, suspended);
}

static void test_vzstatus_states(void **state)
{
	expect_status("CTID 101 exist mounted running\n", true, true, true,
		      false);
	expect_status("CTID 101 exist unmounted down\n", true, false, false,
		      false);
	expect_status("CTID 101 deleted unmounted down\n", false, false, false,
		      false);
	/* mounted but not running: vzctl mount, or a stop that left it */
	expect_status("CTID 101 exist mounted down\n", true, true, false,
		      false);
	/* no trailing newline */
	expect_status("CTID 101 exist mounted running", true, true, true,
		      false);
}

static void test_vzstatus_suspended(void **state)
{
	/* what vzctl 4 prints: "suspended" only for a stopped container
	 * whose dump file exists (show_status() in vzctl-actions.c) */
	expect_status("CTID 101 exist unmounted down suspended\n", true, false,
		      false, true);
	/* the parser reports the words, whatever their combination */
	expect_status("CTID 101 exist mounted running suspended\n", true, true,
		      true, true);
	/* a word a later vzctl may add is ignored, not an error */
	expect_status("CTID 101 exist mounted running migrating\n", true, true,
		      true, false);
	expect_status("CTID 101 exist unmounted down frobbed suspended\n", true,
		      false, false, true);
}

static void test_vzstatus_around_warnings(void **state)
{
	/* a warning on stdout around the status must not fail a monitor */
	expect_status("Warning: something odd\nCTID 101 exist mounted running"
		      "\n\n",
		      true, true, true, false);
	expect_status("CTID 101 exist mounted running\r\n", true, true, true,
		      false);
	expect_status("  CTID\t101  exist\tmounted   down  \n", true, true,
		      false, false);
}

static void expect_status_invalid(const char *text, const char *ctid)
{
	struct vzstatus st = {.exists = true, .suspended = true};

	assert_int_equal(vzstatus_parse(text, ctid, &st), -EINVAL);
	/* ret untouched on failure */
	assert_true(st.exists);
	assert_false(st.mounted);
	assert_false(st.running);
	assert_true(st.suspended);
}

static void test_vzstatus_other_ctid(void **state)
{
	expect_status_invalid("CTID 102 exist mounted running\n", "101");
	expect_status_invalid("CTID 1010 exist mounted running\n", "101");
	expect_status_invalid("CTID 10 exist mounted running\n", "101");
	expect_status_invalid("CTID 101 exist mounted running\n", "1");
	/* the same line is fine for its own ctid */
	assert_int_equal(vzstatus_parse("CTID 102 exist mounted running\n",
					"102", &(struct vzstatus){0}),
			 0);
}

static void test_vzstatus_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage\n",
		"Unable to open /etc/vz/conf/101.conf\n",
		"CTID 101 exist mounted\n", /* four words */
		"CTID 101\n",
		"CTID\n",
		"CTID 101 exists mounted running\n", /* not vzctl's words */
		"CTID 101 exist Mounted running\n",
		"CTID 101 exist mounted up\n",
		"CTID 101 mounted exist running\n", /* order matters */
		"ctid 101 exist mounted running\n",
		"CTID101 exist mounted running\n",
		"VEID 101 exist mounted running\n",
		/* two status lines: not something vzctl prints */
		"CTID 101 exist mounted running\nCTID 101 exist mounted down\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		expect_status_invalid(bad[i], "101");
	expect_status_invalid(NULL, "101");
	expect_status_invalid("CTID 101 exist mounted running\n", NULL);
	expect_status_invalid("CTID 101 exist mounted running\n", "");
}

/* ----------------------------------------------- ctid.conf / vz.conf */

static void test_vzconf_101(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "101.conf");
	_cleanup_(vzconf_free) struct vzconf c = {0};

	assert_int_equal(vzconf_parse(text, "101", &c), 0);
	assert_string_equal(c.ve_private, "/Data/db/vm");
	assert_string_equal(c.ve_root, "/vz/root/101");
	assert_true(c.has_onboot);
	assert_false(c.onboot);
}

static void test_vzconf_102(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "102.conf");
	_cleanup_(vzconf_free) struct vzconf c = {0};

	assert_int_equal(vzconf_parse(text, "102", &c), 0);
	/* bare value; the indented comment's assignment is ignored */
	assert_string_equal(c.ve_private, "/Data/apps/vm");
	assert_null(c.ve_root);
	assert_true(c.has_onboot);
	assert_true(c.onboot);
}

static void test_vzconf_global(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "vz.conf");
	_cleanup_(vzconf_free) struct vzconf c = {0};
	_cleanup_(vzconf_free) struct vzconf d = {0};

	assert_int_equal(vzconf_parse(text, "102", &c), 0);
	assert_string_equal(c.ve_private, "/vz/private/102");
	assert_string_equal(c.ve_root, "/vz/root/102");
	assert_false(c.has_onboot);
	assert_false(c.onboot);
	/* OpenVZ 7 ctids need not be numbers */
	assert_int_equal(vzconf_parse(text, "0b5c3b6e-7f0e", &d), 0);
	assert_string_equal(d.ve_private, "/vz/private/0b5c3b6e-7f0e");
}

static void test_vzconf_quoting(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "synthetic-quoting.conf");
	_cleanup_(vzconf_free) struct vzconf c = {0};

	assert_int_equal(vzconf_parse(text, "101", &c), 0);
	/* single-quoted, assigned twice: the last wins, $VEID substituted
	 * (by vzctl, not the shell, so single quotes do not stop it) */
	assert_string_equal(c.ve_private, "/srv/vz/101/private");
	/* ${VEID}, and a bare part joined to a quoted one */
	assert_string_equal(c.ve_root, "/vz/root/101-root");
	/* ONBOOT="YES" then ONBOOT=no */
	assert_true(c.has_onboot);
	assert_false(c.onboot);
}

static void expect_private(const char *text, const char *veid, const char *want)
{
	_cleanup_(vzconf_free) struct vzconf c = {0};

	assert_int_equal(vzconf_parse(text, veid, &c), 0);
	if (want)
		assert_string_equal(c.ve_private, want);
	else
		assert_null(c.ve_private);
}

static void test_vzconf_values(void **state)
{
	expect_private("VE_PRIVATE=\"/a b/$VEID\"\n", "101", "/a b/101");
	expect_private("VE_PRIVATE=/a/$VEID/${VEID}/$VEID\n", "7", "/a/7/7/7");
	/* a longer veid than the variable's name */
	expect_private("VE_PRIVATE=$VEID${VEID}$VEID", "0123456789abcdef",
		       "0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_private("VE_PRIVATE=\"/a\\\"b\\$c\\d\"", "1", "/a\"b$c\\d");
	expect_private("VE_PRIVATE=/a\\ b", "1", "/a b");
	expect_private("VE_PRIVATE='/a\\b $x'", "1", "/a\\b $x");
	expect_private("VE_PRIVATE=\"/x\"   # a comment\n", "1", "/x");
	expect_private("VE_PRIVATE=/x\t#comment\n", "1", "/x");
	/* # inside a word is no comment, as in the shell */
	expect_private("VE_PRIVATE=/x#y\n", "1", "/x#y");
	expect_private("VE_PRIVATE=/x\r\n", "1", "/x");
	/* $ that is not $VEID stays, as vzctl leaves it */
	expect_private("VE_PRIVATE=/x/$VEIDS/$HOME", "5", "/x/5S/$HOME");
	/* not ours, or not assignments: ignored */
	expect_private("", "1", NULL);
	expect_private("\n\n# only comments\n", "1", NULL);
	expect_private("VE_PRIVATEX=/x\nXVE_PRIVATE=/y\nve_private=/z\n", "1",
		       NULL);
	expect_private("export VE_PRIVATE=/x\n", "1", NULL);
	expect_private("VE_PRIVATE\n", "1", NULL);
	expect_private("#VE_PRIVATE=/x\n   #\tVE_PRIVATE=/y\n", "1", NULL);
	/* other keys' values are not ours to judge */
	expect_private("DESCRIPTION=\"unterminated\nNAME=a b c\n"
		       "VE_PRIVATE=/ok\n",
		       "1", "/ok");
}

static void test_vzconf_onboot(void **state)
{
	static const struct {
		const char *text;
		bool onboot;
	} cases[] = {
		{"ONBOOT=\"yes\"", true},
		{"ONBOOT=yes", true},
		{"ONBOOT='Yes'", true},
		{"ONBOOT=\"YES\"\n", true},
		{"ONBOOT=\"no\"", false},
		{"ONBOOT=NO", false},
		{"ONBOOT=yes\nONBOOT=no", false},
		{"ONBOOT=no\nONBOOT=yes", true},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct vzconf c = {.onboot = !cases[i].onboot};

		assert_int_equal(vzconf_parse(cases[i].text, "1", &c), 0);
		assert_true(c.has_onboot);
		assert_int_equal(c.onboot, cases[i].onboot);
		vzconf_free(&c);
	}
}

static void test_vzconf_invalid(void **state)
{
	static const char *const bad[] = {
		"VE_PRIVATE=\"/unterminated\n",
		"VE_ROOT='/unterminated\n",
		"VE_PRIVATE=\"/x\" junk\n",
		"VE_PRIVATE=/x y\n",
		"VE_PRIVATE = \"/x\"\n",
		"VE_ROOT =/x\n",
		"VE_PRIVATE=\n",
		"VE_PRIVATE=\"\"\n",
		"ONBOOT=\"maybe\"\n",
		"ONBOOT=1\n",
		"ONBOOT=\n",
		/* an error after a value was taken: nothing may leak */
		"VE_PRIVATE=/x\nVE_ROOT=/y\nONBOOT=perhaps\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct vzconf c = {.ve_private = sentinel};

		assert_int_equal(vzconf_parse(bad[i], "101", &c), -EINVAL);
		assert_ptr_equal(c.ve_private, sentinel);
		assert_null(c.ve_root);
		assert_false(c.has_onboot);
	}
}

static void test_vzconf_args(void **state)
{
	struct vzconf c = {.ve_private = sentinel};

	assert_int_equal(vzconf_parse(NULL, "1", &c), -EINVAL);
	assert_int_equal(vzconf_parse("VE_PRIVATE=/x", NULL, &c), -EINVAL);
	assert_int_equal(vzconf_parse("VE_PRIVATE=/x", "", &c), -EINVAL);
	assert_ptr_equal(c.ve_private, sentinel);

	/* free accepts NULL, and a freed struct again */
	vzconf_free(NULL);
	c = (struct vzconf){0};
	assert_int_equal(vzconf_parse("VE_PRIVATE=/x\nVE_ROOT=/y", "1", &c), 0);
	vzconf_free(&c);
	assert_null(c.ve_private);
	assert_null(c.ve_root);
	vzconf_free(&c);
}

/* ---------------------------------------------------- /proc/vz/veinfo */

static void test_veinfo_openvz6(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "veinfo");

	assert_int_equal(veinfo_has(text, "101"), 1);
	assert_int_equal(veinfo_has(text, "1020"), 1);
	assert_int_equal(veinfo_has(text, "0"), 1); /* the host */
	/* whole fields only, not prefixes or suffixes */
	assert_int_equal(veinfo_has(text, "102"), 0);
	assert_int_equal(veinfo_has(text, "10"), 0);
	assert_int_equal(veinfo_has(text, "1"), 0);
	assert_int_equal(veinfo_has(text, "01"), 0);
	/* other columns are not ctids */
	assert_int_equal(veinfo_has(text, "37"), 0);
	assert_int_equal(veinfo_has(text, "10.0.0.101"), 0);
}

static void test_veinfo_vz7(void **state)
{
	_cleanup_free_ char *text = fixture(OPENVZ "veinfo-vz7");

	assert_int_equal(veinfo_has(text, "101"), 1);
	assert_int_equal(
		veinfo_has(text, "0b5c3b6e-7f0e-4a53-9d51-0e6f2b7c1a44"), 1);
	assert_int_equal(veinfo_has(text, "0b5c3b6e"), 0);
	assert_int_equal(veinfo_has(text, "102"), 0);
}

static void test_veinfo_inline(void **state)
{
	static const char line[] = "      101     2    17    10.0.0.1";

	assert_int_equal(veinfo_has(line, "101"), 1);
	assert_int_equal(
		veinfo_has("      101     2    17    10.0.0.1\n", "101"), 1);
	assert_int_equal(veinfo_has(line, "2"), 0);
	assert_int_equal(veinfo_has("\t101 0 3\n", "101"), 1);
	/* no running container, not even a host line */
	assert_int_equal(veinfo_has("", "101"), 0);
	assert_int_equal(veinfo_has("\n\n", "101"), 0);
	assert_int_equal(veinfo_has("         0     0   214\n", "101"), 0);
}

static void test_veinfo_malformed(void **state)
{
	static const char *const bad[] = {
		"garbage\n",
		"101\n",
		"101 0\n",
		"101 zero 3\n",
		"101 0 -3\n",
		"101 0 3x\n",
		"Version: 2.2\n",
		"       VEID       user       nice     system\n",
		/* a malformed line after the hit: the file is not veinfo */
		"       101     0    37\nnot veinfo at all\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(veinfo_has(bad[i], "101"), -EINVAL);
	assert_int_equal(veinfo_has(NULL, "101"), -EINVAL);
	assert_int_equal(veinfo_has("101 0 3\n", NULL), -EINVAL);
	assert_int_equal(veinfo_has("101 0 3\n", ""), -EINVAL);
	assert_int_equal(veinfo_has("101 0 3\n", "101 0"), -EINVAL);
}

/* ----------------------------------------------------------- lxc-info */

static void expect_info(const char *path, enum lxc_state want, int want_pid)
{
	_cleanup_free_ char *text = fixture(path);
	enum lxc_state s = _LXC_STATE_COUNT;
	int pid = -1;

	assert_int_equal(lxc_info_parse(text, &s, &pid), 0);
	assert_int_equal(s, want);
	assert_int_equal(pid, want_pid);
}

static void test_lxc_info_captures(void **state)
{
	expect_info(LXC "info-running", LXC_RUNNING, 5257);
	expect_info(LXC "info-frozen", LXC_FROZEN, 5257);
	/* stopped: no PID line, so 0 */
	expect_info(LXC "info-stopped", LXC_STOPPED, 0);
	/* Name:, CPU use:, ... ignored */
	expect_info(LXC "info-full-running", LXC_RUNNING, 5341);
}

static void test_lxc_info_states(void **state)
{
	static const char *const names[] = {
		"STOPPED",  "STARTING", "RUNNING", "STOPPING",
		"ABORTING", "FREEZING", "FROZEN",  "THAWED",
	};
	char text[64];

	assert_int_equal(ELEMENTSOF(names), _LXC_STATE_COUNT);
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		enum lxc_state s = i == 0 ? LXC_THAWED : LXC_STOPPED;
		int pid = -1;

		snprintf(text, sizeof(text), "State:          %s\n", names[i]);
		assert_int_equal(lxc_info_parse(text, &s, &pid), 0);
		assert_int_equal(s, i);
		assert_int_equal(pid, 0);
		assert_string_equal(lxc_state_name(s), names[i]);
	}
	assert_null(lxc_state_name(_LXC_STATE_COUNT));
	assert_null(lxc_state_name((enum lxc_state) - 1));
}

static void test_lxc_info_spacing(void **state)
{
	enum lxc_state s = LXC_STOPPED;
	int pid = 0;

	/* PID first, no newline at the end, blanks around the value */
	assert_int_equal(lxc_info_parse("PID:\t42  \nState:RUNNING", &s, &pid),
			 0);
	assert_int_equal(s, LXC_RUNNING);
	assert_int_equal(pid, 42);
	/* ret_pid is optional */
	assert_int_equal(lxc_info_parse("State: FROZEN\nPID: 7\n", &s, NULL),
			 0);
	assert_int_equal(s, LXC_FROZEN);
}

static void test_lxc_info_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage\n",
		"PID:            21476\n", /* no state */
		"State:          running\n", /* lxc prints upper case */
		"State:          UNKNOWN\n",
		"State:          RUNNING NOW\n",
		"State:\n",
		"Status:         RUNNING\n",
		" State:         RUNNING\n",
		"State:          RUNNING\nState:          STOPPED\n",
		"State:          RUNNING\nPID:            abc\n",
		"State:          RUNNING\nPID:            0\n",
		"State:          RUNNING\nPID:            -1\n",
		"State:          RUNNING\nPID:            4294967296\n",
		"State:          RUNNING\nPID:\n",
		"State:          RUNNING\nPID: 1\nPID: 2\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		enum lxc_state s = LXC_THAWED;
		int pid = 99;

		assert_int_equal(lxc_info_parse(bad[i], &s, &pid), -EINVAL);
		assert_int_equal(s, LXC_THAWED);
		assert_int_equal(pid, 99);
	}
	assert_int_equal(lxc_info_parse(NULL, &(enum lxc_state){0}, NULL),
			 -EINVAL);
}

/* --------------------------------------------------------- LXC config */

static void test_lxcconf_busybox(void **state)
{
	_cleanup_free_ char *text = fixture(LXC "busybox.config");
	_cleanup_(lxcconf_free) struct lxcconf c = {.autostart = true};

	assert_int_equal(lxcconf_parse(text, &c), 0);
	assert_string_equal(c.rootfs,
			    "/tmp/vzha-lxcp.Y5tIrT/vzhacap32051/rootfs");
	assert_false(c.autostart);
	assert_string_equal(c.halt_signal, "SIGUSR1");
}

struct lxc_case {
	const char *text;
	const char *rootfs;
	bool autostart;
	const char *halt;
};

static void expect_lxcconf(const struct lxc_case *k)
{
	_cleanup_(lxcconf_free) struct lxcconf c = {.autostart = !k->autostart};

	assert_int_equal(lxcconf_parse(k->text, &c), 0);
	if (k->rootfs)
		assert_string_equal(c.rootfs, k->rootfs);
	else
		assert_null(c.rootfs);
	assert_int_equal(c.autostart, k->autostart);
	if (k->halt)
		assert_string_equal(c.halt_signal, k->halt);
	else
		assert_null(c.halt_signal);
}

static void test_lxcconf_values(void **state)
{
	static const struct lxc_case cases[] = {
		{"lxc.rootfs.path=/var/lib/lxc/c1/rootfs\nlxc.start.auto=1\n"
		 "lxc.signal.halt=30\n",
		 "/var/lib/lxc/c1/rootfs", true, "30"},
		{"  lxc.rootfs.path   =   dir:/Data/db/vm  \t\n", "/Data/db/vm",
		 false, NULL},
		/* other storage types as given */
		{"lxc.rootfs.path = overlay:/var/lib/lxc/base/rootfs:"
		 "/var/lib/lxc/c1/delta0\n",
		 "overlay:/var/lib/lxc/base/rootfs:/var/lib/lxc/c1/delta0",
		 false, NULL},
		{"lxc.rootfs.path = btrfs:/var/lib/lxc/c1/rootfs\n",
		 "btrfs:/var/lib/lxc/c1/rootfs", false, NULL},
		{"lxc.rootfs.path = loop:/srv/c1.img\n", "loop:/srv/c1.img",
		 false, NULL},
		{"lxc.rootfs.path = /dev/vg0/c1\n", "/dev/vg0/c1", false, NULL},
		/* one pair of matching quotes removed, as LXC does */
		{"lxc.rootfs.path = \"dir:/a b\"\n", "/a b", false, NULL},
		{"lxc.rootfs.path = '/x'\n", "/x", false, NULL},
		{"lxc.rootfs.path = \"/x'\n", "\"/x'", false, NULL},
		/* later keys override; an empty value resets */
		{"lxc.rootfs.path = /a\nlxc.rootfs.path = /b\n", "/b", false,
		 NULL},
		{"lxc.rootfs.path = /a\nlxc.rootfs.path =\n", NULL, false,
		 NULL},
		{"lxc.start.auto = 1\nlxc.start.auto = 0\n", NULL, false, NULL},
		{"lxc.start.auto = 1\nlxc.start.auto =\n", NULL, false, NULL},
		{"lxc.signal.halt = SIGPWR\nlxc.signal.halt = sigrtmin+3\n",
		 NULL, false, "sigrtmin+3"},
		{"lxc.signal.halt = SIGTERM\nlxc.signal.halt = \n", NULL, false,
		 NULL},
		/* comments are whole lines; a # in a value is the value's */
		{"#lxc.rootfs.path = /bad\n  # lxc.start.auto = 1\n"
		 "lxc.rootfs.path = /a#b\n",
		 "/a#b", false, NULL},
		/* keys that only look like ours, and non-lxc lines */
		{"lxc.rootfs.options = ro\nlxc.rootfs.mount = /mnt\n"
		 "lxc.start.delay = 5\nlxc.signal.reboot = SIGTERM\n"
		 "lxc.rootfs.pathx = /x\nxlxc.rootfs.path = /y\n"
		 "garbage without equals\n",
		 NULL, false, NULL},
		{"", NULL, false, NULL},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		expect_lxcconf(&cases[i]);
}

static void test_lxcconf_invalid(void **state)
{
	static const char *const bad[] = {
		"lxc.start.auto = 2\n",
		"lxc.start.auto = yes\n",
		"lxc.start.auto = -1\n",
		"lxc.start.auto = 1 # on\n",
		"lxc.signal.halt = USR1\n",
		"lxc.signal.halt = 0\n",
		"lxc.signal.halt = 65\n",
		"lxc.signal.halt = SIG\n",
		"lxc.signal.halt = SIG USR1\n",
		"lxc.rootfs.path = dir:\n",
		/* LXC refuses a file with an lxc. line without '=' */
		"lxc.rootfs.path /x\n",
		/* an error after values were taken: nothing may leak */
		("lxc.rootfs.path = /x\nlxc.signal.halt = 9\n"
		 "lxc.start.auto = 3\n"),
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct lxcconf c = {.rootfs = sentinel, .autostart = true};

		assert_int_equal(lxcconf_parse(bad[i], &c), -EINVAL);
		assert_ptr_equal(c.rootfs, sentinel);
		assert_true(c.autostart);
		assert_null(c.halt_signal);
	}
	assert_int_equal(lxcconf_parse(NULL, &(struct lxcconf){0}), -EINVAL);
	lxcconf_free(NULL);
}

/* ---------------------------------------------------------- stop plan */

static void expect_plan(uint64_t t, uint64_t graceful, uint64_t fast)
{
	struct stop_plan p;

	memset(&p, 0xa5, sizeof(p));
	stop_plan_make(t, &p);
	assert_int_equal(p.graceful_ms, graceful);
	assert_int_equal(p.fast_ms, fast);
	assert_int_equal(p.kill_ms, t);
}

static void test_stop_plan(void **state)
{
	expect_plan(0, 0, 0);
	/* under a second: plain 60 % and 25 % */
	expect_plan(500, 300, 425);
	expect_plan(999, 599, 848);
	/* a second or more: graceful gets at least one, even if that
	 * leaves nothing for the fast stop */
	expect_plan(1000, 1000, 1000);
	expect_plan(1500, 1000, 1375);
	expect_plan(1666, 1000, 1416);
	expect_plan(20000, 12000, 17000);
	expect_plan(75000, 45000, 63750);
	/* no overflow in the percentages */
	expect_plan(UINT64_MAX, 11068046444225730969ULL,
		    15679732462653118872ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vzstatus_states),
		cmocka_unit_test(test_vzstatus_suspended),
		cmocka_unit_test(test_vzstatus_around_warnings),
		cmocka_unit_test(test_vzstatus_other_ctid),
		cmocka_unit_test(test_vzstatus_garbage),
		cmocka_unit_test(test_vzconf_101),
		cmocka_unit_test(test_vzconf_102),
		cmocka_unit_test(test_vzconf_global),
		cmocka_unit_test(test_vzconf_quoting),
		cmocka_unit_test(test_vzconf_values),
		cmocka_unit_test(test_vzconf_onboot),
		cmocka_unit_test(test_vzconf_invalid),
		cmocka_unit_test(test_vzconf_args),
		cmocka_unit_test(test_veinfo_openvz6),
		cmocka_unit_test(test_veinfo_vz7),
		cmocka_unit_test(test_veinfo_inline),
		cmocka_unit_test(test_veinfo_malformed),
		cmocka_unit_test(test_lxc_info_captures),
		cmocka_unit_test(test_lxc_info_states),
		cmocka_unit_test(test_lxc_info_spacing),
		cmocka_unit_test(test_lxc_info_invalid),
		cmocka_unit_test(test_lxcconf_busybox),
		cmocka_unit_test(test_lxcconf_values),
		cmocka_unit_test(test_lxcconf_invalid),
		cmocka_unit_test(test_stop_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
