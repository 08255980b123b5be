/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agents/drbd/status.c: DRBD 8.4's /proc/drbd and drbdsetup events2
 * from real captures (tests/fixtures/drbd84), DRBD 9's `drbdsetup status
 * --json` and `events2 --now` from fixtures written after drbd-utils'
 * own printf()s (tests/fixtures/drbd9); see their PROVENANCE files. Then
 * hand-made variants of single lines, for the states and the mistakes
 * no capture shows.
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
#include "procfs.h"
#include "status.h"

#define D84 FIXTURES "/drbd84/"
#define D9  FIXTURES "/drbd9/"

static char *fixture(const char *path)
{
	char *text = NULL;

	assert_true(procfs_read(path, PROCFS_MAX, &text) > 0);
	assert_non_null(text);
	return text;
}

/* text with the first from replaced by to; from must be there. */
static char *subst(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t head, n;
	char *out;

	assert_non_null(at);
	head = (size_t)(at - text);
	n = strlen(text) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

/* ------------------------------------------------------- expectations */

struct expect {
	const char *state;
	bool configured;
	enum drbd_role role, peer_role;
	enum drbd_disk disk, peer_disk;
	enum drbd_conn conn;
	int permille;
	bool suspended;
};

#define UP(st, r, pr, d, pd, c, pm)                                       \
	{                                                                 \
		.state = st, .configured = true, .role = ROLE_##r,        \
		.peer_role = ROLE_##pr, .disk = DISK_##d,                 \
		.peer_disk = DISK_##pd, .conn = CONN_##c, .permille = pm, \
	}

/* What the parsers say about what the kernel does not have. */
static const struct expect absent = {
	.state = "absent",
	.configured = false,
	.role = ROLE_UNKNOWN,
	.peer_role = ROLE_UNKNOWN,
	.disk = DISK_UNKNOWN,
	.peer_disk = DISK_UNKNOWN,
	.conn = CONN_UNKNOWN,
	.permille = -1,
};

static void expect_status(const char *what, const struct drbd_status *s,
			  const struct expect *e)
{
	if (s->configured != e->configured)
		fail_msg("%s (%s): configured %d, expected %d", what, e->state,
			 s->configured, e->configured);
	if (s->role != e->role || s->peer_role != e->peer_role)
		fail_msg("%s (%s): ro %s/%s, expected %s/%s", what, e->state,
			 drbd_role_name(s->role), drbd_role_name(s->peer_role),
			 drbd_role_name(e->role), drbd_role_name(e->peer_role));
	if (s->disk != e->disk || s->peer_disk != e->peer_disk)
		fail_msg("%s (%s): ds %s/%s, expected %s/%s", what, e->state,
			 drbd_disk_name(s->disk), drbd_disk_name(s->peer_disk),
			 drbd_disk_name(e->disk), drbd_disk_name(e->peer_disk));
	if (s->conn != e->conn)
		fail_msg("%s (%s): cs %s, expected %s", what, e->state,
			 drbd_conn_name(s->conn), drbd_conn_name(e->conn));
	if (s->sync_permille != e->permille)
		fail_msg("%s (%s): sync %d permille, expected %d", what,
			 e->state, s->sync_permille, e->permille);
	if (s->suspended != e->suspended)
		fail_msg("%s (%s): suspended %d, expected %d", what, e->state,
			 s->suspended, e->suspended);
}

static void expect_same(const char *what, const struct drbd_status *a,
			const struct drbd_status *b)
{
	struct expect e = {
		.state = what,
		.configured = b->configured,
		.role = b->role,
		.peer_role = b->peer_role,
		.disk = b->disk,
		.peer_disk = b->peer_disk,
		.conn = b->conn,
		.permille = b->sync_permille,
		.suspended = b->suspended,
	};

	expect_status(what, a, &e);
}

/* A struct no parser would produce, to see ret left alone. */
static void poison(struct drbd_status *s)
{
	memset(s, 0x5a, sizeof(*s));
}

static void expect_untouched(const struct drbd_status *s)
{
	struct drbd_status p;

	poison(&p);
	assert_memory_equal(s, &p, sizeof(p));
}

/* ----------------------------------------------------------- names */

static void test_names(void **state)
{
	static const char *const roles[] = {"Unknown", "Secondary", "Primary"};
	static const char *const disks[] = {
		"DUnknown",   "Diskless",    "Attaching",    "Detaching",
		"Failed",     "Negotiating", "Inconsistent", "Outdated",
		"Consistent", "UpToDate",
	};
	static const char *const conns[] = {
		"Unknown",	  "StandAlone",	    "Disconnecting",
		"Unconnected",	  "Timeout",	    "BrokenPipe",
		"NetworkFailure", "ProtocolError",  "TearDown",
		"WFConnection",	  "WFReportParams", "Connected",
		"StartingSyncS",  "StartingSyncT",  "WFBitMapS",
		"WFBitMapT",	  "WFSyncUUID",	    "SyncSource",
		"SyncTarget",	  "PausedSyncS",    "PausedSyncT",
		"VerifyS",	  "VerifyT",	    "Ahead",
		"Behind",
	};

	assert_int_equal(ELEMENTSOF(roles), ROLE_PRIMARY + 1);
	assert_int_equal(ELEMENTSOF(disks), DISK_UPTODATE + 1);
	assert_int_equal(ELEMENTSOF(conns), CONN_BEHIND + 1);
	for (size_t i = 0; i < ELEMENTSOF(roles); i++)
		assert_string_equal(drbd_role_name((enum drbd_role)i),
				    roles[i]);
	for (size_t i = 0; i < ELEMENTSOF(disks); i++)
		assert_string_equal(drbd_disk_name((enum drbd_disk)i),
				    disks[i]);
	for (size_t i = 0; i < ELEMENTSOF(conns); i++)
		assert_string_equal(drbd_conn_name((enum drbd_conn)i),
				    conns[i]);
	assert_null(drbd_role_name((enum drbd_role)(ROLE_PRIMARY + 1)));
	assert_null(drbd_disk_name((enum drbd_disk)(DISK_UPTODATE + 1)));
	assert_null(drbd_conn_name((enum drbd_conn)(CONN_BEHIND + 1)));
	assert_null(drbd_role_name((enum drbd_role)(-1)));
	assert_null(drbd_disk_name((enum drbd_disk)(-1)));
	assert_null(drbd_conn_name((enum drbd_conn)(-1)));
}

static void test_conn_is_connected(void **state)
{
	for (int c = CONN_UNKNOWN; c <= CONN_BEHIND; c++) {
		bool want = c >= CONN_CONNECTED;

		if (drbd_conn_is_connected((enum drbd_conn)c) != want)
			fail_msg("drbd_conn_is_connected(%s) != %d",
				 drbd_conn_name((enum drbd_conn)c), want);
	}
	assert_true(drbd_conn_is_connected(CONN_SYNC_TARGET));
	assert_true(drbd_conn_is_connected(CONN_BEHIND));
	assert_false(drbd_conn_is_connected(CONN_CONNECTING));
	assert_false(drbd_conn_is_connected(CONN_WF_REPORT_PARAMS));
	assert_false(drbd_conn_is_connected(CONN_STANDALONE));
	assert_false(drbd_conn_is_connected((enum drbd_conn)(CONN_BEHIND + 1)));
	assert_false(drbd_conn_is_connected((enum drbd_conn)(-1)));
}

/* ------------------------------------------------- 8.4: /proc/drbd */

/* The captures, minor 0, as the README of the capture set lists them. */
static const struct expect captures84[] = {
	UP("connected-primary-secondary-peer-diskless", PRIMARY, SECONDARY,
	   UPTODATE, DISKLESS, CONNECTED, -1),
	UP("connected-primary-secondary-uptodate", PRIMARY, SECONDARY, UPTODATE,
	   UPTODATE, CONNECTED, -1),
	UP("connected-secondary-primary-after-resync", SECONDARY, PRIMARY,
	   UPTODATE, UPTODATE, CONNECTED, -1),
	UP("connected-secondary-primary-uptodate", SECONDARY, PRIMARY, UPTODATE,
	   UPTODATE, CONNECTED, -1),
	UP("connected-secondary-secondary-inconsistent", SECONDARY, SECONDARY,
	   INCONSISTENT, INCONSISTENT, CONNECTED, -1),
	UP("connected-secondary-secondary-uptodate", SECONDARY, SECONDARY,
	   UPTODATE, UPTODATE, CONNECTED, -1),
	UP("diskless-secondary", SECONDARY, PRIMARY, DISKLESS, UPTODATE,
	   CONNECTED, -1),
	UP("standalone-primary-uptodate", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
	   STANDALONE, -1),
	/* "sync'ed: 18.0%" and "sync'ed: 22.0%" */
	UP("syncsource-primary", PRIMARY, SECONDARY, UPTODATE, INCONSISTENT,
	   SYNC_SOURCE, 180),
	UP("synctarget-secondary", SECONDARY, PRIMARY, INCONSISTENT, UPTODATE,
	   SYNC_TARGET, 220),
	{.state = "unconfigured",
	 .configured = false,
	 .role = ROLE_UNKNOWN,
	 .peer_role = ROLE_UNKNOWN,
	 .disk = DISK_UNKNOWN,
	 .peer_disk = DISK_UNKNOWN,
	 .conn = CONN_UNKNOWN,
	 .permille = -1},
	UP("wfconnection-primary-uptodate", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
	   CONNECTING, -1),
	UP("wfconnection-secondary-uptodate", SECONDARY, UNKNOWN, UPTODATE,
	   UNKNOWN, CONNECTING, -1),
};

static char *capture84(const char *state, const char *suffix)
{
	char path[512];

	(void)snprintf(path, sizeof(path), D84 "%s.%s.txt", state, suffix);
	return fixture(path);
}

static void test_proc84_captures(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(captures84); i++) {
		const struct expect *e = &captures84[i];
		_cleanup_free_ char *text = capture84(e->state, "proc-drbd");
		struct drbd_status s;

		poison(&s);
		assert_int_equal(status84_parse_proc(text, 0, &s), 0);
		expect_status("/proc/drbd minor 0", &s, e);
	}
}

static void test_proc84_other_minors(void **state)
{
	static const unsigned minors[] = {1, 10, 100, 4294967295u};

	/* each capture lists minor 0 only */
	for (size_t i = 0; i < ELEMENTSOF(captures84); i++) {
		_cleanup_free_ char *text =
			capture84(captures84[i].state, "proc-drbd");

		for (size_t k = 0; k < ELEMENTSOF(minors); k++) {
			struct drbd_status s;

			poison(&s);
			assert_int_equal(
				status84_parse_proc(text, minors[k], &s), 0);
			expect_status(captures84[i].state, &s, &absent);
		}
	}
}

static void test_proc84_minors_1_2_10(void **state)
{
	_cleanup_free_ char *text =
		fixture(D84 "synthetic-minors-1-2-10.proc-drbd.txt");
	static const struct expect one = {
		.state = "minor 1",
		.configured = true,
		.role = ROLE_PRIMARY,
		.peer_role = ROLE_UNKNOWN,
		.disk = DISK_UPTODATE,
		.peer_disk = DISK_UNKNOWN,
		.conn = CONN_CONNECTING,
		.permille = -1,
		.suspended = true,
	};
	static const struct expect ten =
		UP("minor 10", SECONDARY, PRIMARY, INCONSISTENT, UPTODATE,
		   SYNC_TARGET, 220);
	static const unsigned missing[] = {0, 3, 9, 11, 100};
	struct drbd_status s;

	poison(&s);
	assert_int_equal(status84_parse_proc(text, 1, &s), 0);
	expect_status("minor 1", &s, &one);
	poison(&s);
	assert_int_equal(status84_parse_proc(text, 10, &s), 0);
	expect_status("minor 10", &s, &ten);
	/* "cs:Unconfigured" */
	poison(&s);
	assert_int_equal(status84_parse_proc(text, 2, &s), 0);
	expect_status("minor 2", &s, &absent);
	for (size_t i = 0; i < ELEMENTSOF(missing); i++) {
		poison(&s);
		assert_int_equal(status84_parse_proc(text, missing[i], &s), 0);
		expect_status("not listed", &s, &absent);
	}
}

#define V84                                      \
	"version: 8.4.11 (api:1/proto:86-101)\n" \
	"srcversion: F73C670A7EC572DB9CF3E5B \n"
#define COUNTERS                                                 \
	"    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 " \
	"ep:1 wo:f oos:0\n"
/* A device line as drbd_seq_show() prints it ("%2d: cs:%s ro:%s/%s
 * ds:%s/%s %c %c%c%c%c%c%c"), then its counters. */
#define DEV84(m, cs, ro, ds, pf) \
	m ": cs:" cs " ro:" ro " ds:" ds " " pf "\n" COUNTERS
#define CONNECTED84(m)                                                  \
	DEV84(m, "Connected", "Primary/Secondary", "UpToDate/UpToDate", \
	      "C r-----")
#define SYNCSOURCE84(m)                                                      \
	DEV84(m, "SyncSource", "Primary/Secondary", "UpToDate/Inconsistent", \
	      "C r-----")
#define SYNCTARGET84(m)                                                      \
	DEV84(m, "SyncTarget", "Secondary/Primary", "Inconsistent/UpToDate", \
	      "C r-----")
/* drbd_syncer_progress(): "%3u.%u%% " after the label */
#define BAR84(label, pct) \
	"\t[==>.................] " label pct " (179574/204756)K\n"
#define FINISH84 "\tfinish: 0:00:14 speed: 11,776 (11,776) K/sec\n"

static struct drbd_status proc_ok(const char *text, unsigned minor)
{
	struct drbd_status s;

	poison(&s);
	if (status84_parse_proc(text, minor, &s) != 0)
		fail_msg("not parsed: %s", text);
	return s;
}

static void test_proc84_flags(void **state)
{
	static const struct {
		const char *pf;
		bool suspended;
	} cases[] = {
		{"C r-----", false},
		/* the first flag: I/O suspended */
		{"C s-----", true},
		/* StandAlone: no protocol, a blank in its place */
		{"  r-----", false},
		{"  s-----", true},
		/* resync paused (a, p, u), congestion (d, b, n, a) and a
		 * suspended activity log (the last 's'): I/O still runs */
		{"C r-apu-", false},
		{"C r---n-", false},
		{"C r----s", false},
		{"C s---ds", true},
		/* 8.3 printed five flags; protocols A and B */
		{"A r----", false},
		{"B s----", true},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *text = NULL;
		struct drbd_status s;

		assert_true(asprintf(&text,
				     V84 " 0: cs:Connected ro:Primary/Secondary"
					 " ds:UpToDate/UpToDate %s\n" COUNTERS,
				     cases[i].pf) > 0);
		s = proc_ok(text, 0);
		assert_true(s.configured);
		assert_int_equal(s.role, ROLE_PRIMARY);
		assert_int_equal(s.conn, CONN_CONNECTED);
		if (s.suspended != cases[i].suspended)
			fail_msg("suspended %d for \"%s\"", s.suspended,
				 cases[i].pf);
	}
}

static void test_proc84_states(void **state)
{
	/* every 8.4 state name, as drbd_strings.c spells them */
	for (int c = CONN_STANDALONE; c <= CONN_BEHIND; c++) {
		_cleanup_free_ char *text = NULL;
		struct drbd_status s;

		assert_true(asprintf(&text,
				     V84 " 0: cs:%s ro:Secondary/Primary"
					 " ds:Outdated/Consistent C r-----\n",
				     drbd_conn_name((enum drbd_conn)c)) > 0);
		s = proc_ok(text, 0);
		assert_int_equal(s.conn, c);
		assert_int_equal(s.role, ROLE_SECONDARY);
		assert_int_equal(s.peer_role, ROLE_PRIMARY);
		assert_int_equal(s.disk, DISK_OUTDATED);
		assert_int_equal(s.peer_disk, DISK_CONSISTENT);
	}
	for (int d = DISK_UNKNOWN; d <= DISK_UPTODATE; d++) {
		_cleanup_free_ char *text = NULL;
		struct drbd_status s;
		int pd = DISK_UPTODATE - d;

		assert_true(asprintf(&text,
				     V84
				     " 0: cs:WFReportParams ro:Unknown/Unknown"
				     " ds:%s/%s C r-----\n",
				     drbd_disk_name((enum drbd_disk)d),
				     drbd_disk_name((enum drbd_disk)pd)) > 0);
		s = proc_ok(text, 0);
		assert_int_equal(s.conn, CONN_WF_REPORT_PARAMS);
		assert_int_equal(s.role, ROLE_UNKNOWN);
		assert_int_equal(s.peer_role, ROLE_UNKNOWN);
		assert_int_equal(s.disk, d);
		assert_int_equal(s.peer_disk, pd);
	}
}

static void test_proc84_progress(void **state)
{
	static const struct {
		const char *text;
		unsigned minor;
		int permille;
	} cases[] = {
		{V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", "  0.1%") FINISH84, 0,
		 1},
		/* "%3u" leaves no blank after the label */
		{V84 SYNCTARGET84(" 0") BAR84("sync'ed:", "100.0%"), 0, 1000},
		{V84 DEV84(" 0", "VerifyS", "Primary/Secondary",
			   "UpToDate/UpToDate", "C r-----")
			 BAR84("verified:", " 47.3%") FINISH84,
		 0, 473},
		/* the bar belongs to minor 1, not to minor 0 above it */
		{V84 CONNECTED84(" 0") SYNCSOURCE84(" 1")
			 BAR84("sync'ed:", " 12.3%"),
		 0, -1},
		{V84 CONNECTED84(" 0") SYNCSOURCE84(" 1")
			 BAR84("sync'ed:", " 12.3%"),
		 1, 123},
		/* nor to minor 10 below it */
		{V84 SYNCTARGET84(" 1") BAR84("sync'ed:", " 12.3%")
			 CONNECTED84("10"),
		 10, -1},
		/* the last line without its newline */
		{V84 SYNCTARGET84(" 0") "\t[====>...] sync'ed: 25.9% (1/2)K", 0,
		 259},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct drbd_status s = proc_ok(cases[i].text, cases[i].minor);

		assert_true(s.configured);
		if (s.sync_permille != cases[i].permille)
			fail_msg("case %zu: %d permille, expected %d", i,
				 s.sync_permille, cases[i].permille);
	}
}

static void test_proc84_not_configured(void **state)
{
	static const char *const texts[] = {
		/* the module is loaded, nothing is up */
		V84,
		"version: 8.4.11 (api:1/proto:86-101)\n",
		"version: 8.4.11 (api:1/proto:86-101)",
		/* a minor that exists but was never configured */
		V84 " 0: cs:Unconfigured\n",
		/* another minor only; minor 10 is not minor 0 or 1 */
		V84 "\n" CONNECTED84("10"),
	};

	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		struct drbd_status s = proc_ok(texts[i], 0);

		expect_status(texts[i], &s, &absent);
		s = proc_ok(texts[i], 1);
		expect_status(texts[i], &s, &absent);
	}
}

static void test_proc84_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"garbage\n",
		CONNECTED84(" 0"),
		"srcversion: F73C670A7EC572DB9CF3E5B\n" V84,
		"version: x.4.11 (api:1/proto:86-101)\n",
		"version: 8 (api:1/proto:86-101)\n",
		"version: 8.x (api:1/proto:86-101)\n",
		"version:8.4.11 (api:1/proto:86-101)\n",
		/* DRBD 9 lists no devices here: "not configured" would lie */
		"version: 9.2.12 (api:2/proto:86-122)\n"
		"GIT-hash: 0 build by buildd@host, 2024-01-01 00:00:00\n"
		"Transports (api:21): tcp (9.2.12)\n",
		/* our device line, broken */
		V84 " 0: cs:Connected\n",
		V84 " 0:\n",
		V84 " 0: cs:Unconfigured ro:Secondary/Unknown\n",
		V84 DEV84(" 0", "Connecting", "Primary/Secondary",
			  "UpToDate/UpToDate", "C r-----"),
		V84 DEV84(" 0", "Established", "Primary/Secondary",
			  "UpToDate/UpToDate", "C r-----"),
		V84 DEV84(" 0", "connected", "Primary/Secondary",
			  "UpToDate/UpToDate", "C r-----"),
		V84 DEV84(" 0", "Connected", "Primary", "UpToDate/UpToDate",
			  "C r-----"),
		V84 DEV84(" 0", "Connected", "Primary/Master",
			  "UpToDate/UpToDate", "C r-----"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/Unknown", "C r-----"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/UpToDate/UpToDate", "C r-----"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/UpToDate", "D r-----"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/UpToDate", "C x-----"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/UpToDate", "C"),
		V84 DEV84(" 0", "Connected", "Primary/Secondary",
			  "UpToDate/UpToDate", "C r----- extra"),
		V84 " 0: cs:Connected ds:UpToDate/UpToDate "
		    "ro:Primary/Secondary C r-----\n",
		/* listed twice */
		V84 CONNECTED84(" 0") CONNECTED84(" 0"),
		/* a broken progress bar of ours, or two */
		V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", " 12,3%"),
		V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", " 12.3"),
		V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", " 12.%"),
		V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", ""),
		V84 SYNCSOURCE84(" 0") BAR84("synced:", " 12.3%"),
		/* no end to the bar */
		V84 SYNCSOURCE84(" 0") "\t[==>....... sync'ed: 12.3% (1/2)K\n",
		V84 SYNCSOURCE84(" 0") BAR84("sync'ed:", " 12.3%")
			BAR84("sync'ed:", " 12.4%"),
		V84 " 0: cs:Unconfigured\n" BAR84("sync'ed:", " 12.3%"),
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct drbd_status s;
		int r;

		poison(&s);
		r = status84_parse_proc(bad[i], 0, &s);
		if (r != -EINVAL)
			fail_msg("%d for: %s", r, bad[i]);
		expect_untouched(&s);
	}
	assert_int_equal(status84_parse_proc(NULL, 0, &(struct drbd_status){0}),
			 -EINVAL);
}

static void test_version(void **state)
{
	static const struct {
		const char *text;
		int major, minor;
	} good[] = {
		{V84, 8, 4},
		{"version: 8.4.11 (api:1/proto:86-101)", 8, 4},
		{"version: 8.4.11", 8, 4},
		{"version: 8.4.11-1 (api:1/proto:86-101)\n", 8, 4},
		{"version: 8.3.16 (api:88/proto:86-97)\nGIT-hash: "
		 "a798fa7e274428a357657fb52f0ecf40192c1985 build by "
		 "phil@Build64R6, 2014-11-24 14:51:37\n",
		 8, 3},
		{"version: 9.2.12 (api:2/proto:86-122)\nGIT-hash: 0\n", 9, 2},
		{"version: 9.2.0-rc.7 (api:2/proto:86-121)\n", 9, 2},
		{"version: 10.0 (api:3/proto:86-200)\n", 10, 0},
	};
	static const char *const bad[] = {
		"",
		"\n",
		"version:\n",
		"version: \n",
		"version: 8\n",
		"version: 8.\n",
		"version: .4\n",
		"version: 8.4x\n",
		"version: 8,4,11\n",
		"Version: 8.4.11\n",
		" version: 8.4.11\n",
		"version: -8.4.11\n",
		"version: 99999999999999999999.4\n",
		"srcversion: F73C670A7EC572DB9CF3E5B\nversion: 8.4.11\n",
		"garbage",
	};

	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		int major = -1, minor = -1;

		assert_int_equal(status84_parse_version(good[i].text, &major,
							&minor),
				 0);
		assert_int_equal(major, good[i].major);
		assert_int_equal(minor, good[i].minor);
	}
	for (size_t i = 0; i < ELEMENTSOF(captures84); i++) {
		_cleanup_free_ char *text =
			capture84(captures84[i].state, "proc-drbd");
		int major = -1, minor = -1;

		assert_int_equal(status84_parse_version(text, &major, &minor),
				 0);
		assert_int_equal(major, 8);
		assert_int_equal(minor, 4);
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		int major = -7, minor = -7;

		if (status84_parse_version(bad[i], &major, &minor) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(major, -7);
		assert_int_equal(minor, -7);
	}
	assert_int_equal(status84_parse_version(NULL, &(int){0}, &(int){0}),
			 -EINVAL);
}

/* ------------------------------------------- 8.4: drbdsetup events2 */

/* drbdsetup-84 events2 speaks DRBD 9's words (Connecting, Off, ...), so
 * the DRBD 9 parser reads it: the same state as /proc/drbd's, but no
 * progress (8.4's events2 has no "done:"). */
static void test_events2_84_captures(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(captures84); i++) {
		struct expect e = captures84[i];
		_cleanup_free_ char *text = capture84(e.state, "events2");
		_cleanup_free_ char *proc = capture84(e.state, "proc-drbd");
		struct drbd_status s, p;

		e.permille = -1;
		poison(&s);
		assert_int_equal(status9_parse_events2(text, "db", &s), 0);
		expect_status("events2 of 8.4", &s, &e);

		/* and /proc/drbd says the same, but for the progress */
		assert_int_equal(status84_parse_proc(proc, 0, &p), 0);
		p.sync_permille = -1;
		expect_same(e.state, &s, &p);

		/* a resource the kernel does not have */
		poison(&s);
		assert_int_equal(status9_parse_events2(text, "apps", &s), 0);
		expect_status("events2 of 8.4, other resource", &s, &absent);
	}
}

/* ---------------------------------------------------- DRBD 9 states */

static const struct expect states9[] = {
	UP("connected-primary-uptodate", PRIMARY, SECONDARY, UPTODATE, UPTODATE,
	   CONNECTED, -1),
	UP("connected-secondary-uptodate", SECONDARY, PRIMARY, UPTODATE,
	   UPTODATE, CONNECTED, -1),
	UP("connecting-primary-uptodate", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
	   CONNECTING, -1),
	UP("standalone-primary-uptodate", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
	   STANDALONE, -1),
	/* percent-resync-done 39.99, not percent-in-sync 98.80 */
	UP("syncsource-primary", PRIMARY, SECONDARY, UPTODATE, INCONSISTENT,
	   SYNC_SOURCE, 399),
	UP("synctarget-secondary", SECONDARY, PRIMARY, INCONSISTENT, UPTODATE,
	   SYNC_TARGET, 300),
	UP("outdated-secondary", SECONDARY, UNKNOWN, OUTDATED, UNKNOWN,
	   CONNECTING, -1),
	UP("consistent-secondary", SECONDARY, UNKNOWN, CONSISTENT, UNKNOWN,
	   CONNECTING, -1),
	UP("inconsistent-secondary", SECONDARY, SECONDARY, INCONSISTENT,
	   INCONSISTENT, CONNECTED, -1),
	UP("diskless-secondary", SECONDARY, PRIMARY, DISKLESS, UPTODATE,
	   CONNECTED, -1),
};

static char *fixture9(const char *state, const char *suffix)
{
	char path[512];

	(void)snprintf(path, sizeof(path), D9 "%s.%s.txt", state, suffix);
	return fixture(path);
}

static void test_json_states(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(states9); i++) {
		_cleanup_free_ char *text =
			fixture9(states9[i].state, "status-json");
		struct drbd_status s;

		poison(&s);
		assert_int_equal(status9_parse_json(text, "db", &s), 0);
		expect_status("status --json", &s, &states9[i]);
	}
}

static void test_events2_states(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(states9); i++) {
		_cleanup_free_ char *text =
			fixture9(states9[i].state, "events2");
		_cleanup_free_ char *json =
			fixture9(states9[i].state, "status-json");
		struct drbd_status s, j;

		poison(&s);
		assert_int_equal(status9_parse_events2(text, "db", &s), 0);
		expect_status("events2 --now", &s, &states9[i]);
		/* both ways of asking give one answer */
		assert_int_equal(status9_parse_json(json, "db", &j), 0);
		expect_same(states9[i].state, &s, &j);
	}
}

static const struct expect apps9 =
	UP("apps", SECONDARY, PRIMARY, UPTODATE, UPTODATE, CONNECTED, -1);

static void test_two_resources(void **state)
{
	_cleanup_free_ char *json = fixture9("two-resources", "status-json");
	_cleanup_free_ char *ev = fixture9("two-resources", "events2");
	static const char *const others[] = {"web", "d", "dbx", "app", "DB"};
	struct drbd_status s;

	/* db is the second resource in both */
	poison(&s);
	assert_int_equal(status9_parse_json(json, "db", &s), 0);
	expect_status("json, second", &s, &states9[0]);
	poison(&s);
	assert_int_equal(status9_parse_events2(ev, "db", &s), 0);
	expect_status("events2, second", &s, &states9[0]);

	poison(&s);
	assert_int_equal(status9_parse_json(json, "apps", &s), 0);
	expect_status("json, first", &s, &apps9);
	poison(&s);
	assert_int_equal(status9_parse_events2(ev, "apps", &s), 0);
	expect_status("events2, first", &s, &apps9);

	for (size_t i = 0; i < ELEMENTSOF(others); i++) {
		poison(&s);
		assert_int_equal(status9_parse_json(json, others[i], &s), 0);
		expect_status(others[i], &s, &absent);
		poison(&s);
		assert_int_equal(status9_parse_events2(ev, others[i], &s), 0);
		expect_status(others[i], &s, &absent);
	}
}

static void test_not_listed(void **state)
{
	_cleanup_free_ char *json = fixture9("not-listed", "status-json");
	_cleanup_free_ char *ev = fixture9("not-listed", "events2");
	_cleanup_free_ char *one =
		fixture9("connected-primary-uptodate", "status-json");
	_cleanup_free_ char *one_ev =
		fixture9("connected-primary-uptodate", "events2");
	struct drbd_status s;

	poison(&s);
	assert_int_equal(status9_parse_json(json, "db", &s), 0);
	expect_status("json", &s, &absent);
	poison(&s);
	assert_int_equal(status9_parse_events2(ev, "db", &s), 0);
	expect_status("events2", &s, &absent);
	poison(&s);
	assert_int_equal(status9_parse_json(one, "apps", &s), 0);
	expect_status("json, other", &s, &absent);
	poison(&s);
	assert_int_equal(status9_parse_events2(one_ev, "apps", &s), 0);
	expect_status("events2, other", &s, &absent);
	/* spacing is JSON's business */
	poison(&s);
	assert_int_equal(status9_parse_json("[]", "db", &s), 0);
	expect_status("[]", &s, &absent);
	poison(&s);
	assert_int_equal(status9_parse_json(" \t\r\n[ \n ] \n", "db", &s), 0);
	expect_status("[ ]", &s, &absent);
}

/* ------------------------------------------- DRBD 9 JSON, variants */

/* A resource with the members the parser reads, in drbdsetup's order,
 * and room for more (%s) where drbdsetup puts the others. */
#define RES(name, role, extra, devices, connections)                        \
	"{\"name\": \"" name "\", \"node-id\": 0, \"role\": \"" role "\", " \
	"\"suspended\": false, " extra "\"devices\": [" devices "], "       \
	"\"connections\": [" connections "]}"
#define DEV(vol, disk) \
	"{\"volume\": " vol ", \"minor\": 0, \"disk-state\": \"" disk "\"}"
#define CONN(name, cstate, prole, pds)                                  \
	"{\"peer-node-id\": 1, \"name\": \"" name "\", "                \
	"\"connection-state\": \"" cstate "\", \"peer-role\": \"" prole \
	"\", \"peer_devices\": [" pds "]}"
#define PD(vol, repl, pdisk, extra)                                   \
	"{\"volume\": " vol ", \"replication-state\": \"" repl "\", " \
	"\"peer-disk-state\": \"" pdisk "\"" extra "}"
#define PD_OK \
	PD("0", "Established", "UpToDate", ", \"percent-in-sync\": 100.00")
#define DB_OK                                          \
	RES("db", "Primary", "", DEV("0", "UpToDate"), \
	    CONN("phobos", "Connected", "Secondary", PD_OK))

static struct drbd_status json_ok(const char *text, const char *res)
{
	struct drbd_status s;
	int r;

	poison(&s);
	r = status9_parse_json(text, res, &s);
	if (r != 0)
		fail_msg("%d for %s in: %s", r, res, text);
	return s;
}

static void test_json_name_elsewhere(void **state)
{
	static const struct expect db =
		UP("db", PRIMARY, SECONDARY, UPTODATE, UPTODATE, CONNECTED, -1);
	/* "db" as a peer's host name, a key, a value, a nested "name" */
	static const char *const decoys[] = {
		RES("apps", "Secondary", "", DEV("0", "UpToDate"),
		    CONN("db", "Connected", "Primary", PD_OK)),
		RES("apps", "Secondary", "\"db\": \"db\", ",
		    DEV("0", "UpToDate"),
		    CONN("phobos", "Connected", "Primary", PD_OK)),
		RES("apps", "Secondary",
		    "\"x\": {\"name\": \"db\", \"role\": \"Primary\"}, ",
		    DEV("0", "UpToDate"), ""),
		RES("apps", "Secondary", "\"x\": [{\"name\": \"db\"}], ",
		    DEV("0", "UpToDate"), ""),
		RES("db2", "Secondary", "", DEV("0", "UpToDate"), ""),
		RES("d", "Secondary", "", DEV("0", "UpToDate"), ""),
		RES("DB", "Secondary", "", DEV("0", "UpToDate"), ""),
		RES("db ", "Secondary", "", DEV("0", "UpToDate"), ""),
	};

	for (size_t i = 0; i < ELEMENTSOF(decoys); i++) {
		_cleanup_free_ char *alone = NULL, *before = NULL,
				    *after = NULL;
		struct drbd_status s;

		assert_true(asprintf(&alone, "[%s]", decoys[i]) > 0);
		s = json_ok(alone, "db");
		expect_status(alone, &s, &absent);
		assert_true(asprintf(&before, "[%s,\n%s]", decoys[i], DB_OK) >
			    0);
		s = json_ok(before, "db");
		expect_status(before, &s, &db);
		assert_true(asprintf(&after, "[%s,\n%s]", DB_OK, decoys[i]) >
			    0);
		s = json_ok(after, "db");
		expect_status(after, &s, &db);
	}
}

static void test_json_variants(void **state)
{
	static const struct {
		const char *text;
		struct expect e;
	} cases[] = {
		/* no peer configured: StandAlone */
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"), "") "]",
		 UP("no connection", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
		    STANDALONE, -1)},
		/* no volume 0 (new-resource before new-minor) */
		{"[" RES("db", "Secondary", "", "",
			 CONN("phobos", "Connecting", "Unknown", "")) "]",
		 UP("no device", SECONDARY, UNKNOWN, DISKLESS, UNKNOWN,
		    CONNECTING, -1)},
		/* volume 0 need not come first */
		{"[" RES("db", "Secondary", "",
			 DEV("1", "Diskless") ", " DEV("0", "Outdated"),
			 CONN("phobos", "Connected", "Primary",
			      PD("1", "Established", "Diskless", "") ", " PD(
				      "0", "Established", "UpToDate", ""))) "]",
		 UP("volume 0 second", SECONDARY, PRIMARY, OUTDATED, UPTODATE,
		    CONNECTED, -1)},
		/* connected, the volume's handshake not done: 8.4's
		 * WFReportParams; without a peer device likewise */
		{"[" RES("db", "Secondary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "Off", "DUnknown", ""))) "]",
		 UP("handshake", SECONDARY, SECONDARY, UPTODATE, UNKNOWN,
		    WF_REPORT_PARAMS, -1)},
		{"[" RES("db", "Secondary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary", "")) "]",
		 UP("no peer device", SECONDARY, SECONDARY, UPTODATE, UNKNOWN,
		    WF_REPORT_PARAMS, -1)},
		/* two-node view: the first connection */
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "Established", "Outdated",
				 "")) ", " CONN("ares", "Connecting", "Unknown",
						"")) "]",
		 UP("first peer", PRIMARY, SECONDARY, UPTODATE, OUTDATED,
		    CONNECTED, -1)},
		/* paused resync, with and without details; the fallback is
		 * what drbdsetup's own status shows */
		{"[" RES("db", "Secondary", "", DEV("0", "Inconsistent"),
			 CONN("phobos", "Connected", "Primary",
			      PD("0", "PausedSyncT", "UpToDate",
				 ", \"percent-in-sync\": 70.05, "
				 "\"percent-resync-done\": 12.50"))) "]",
		 UP("paused", SECONDARY, PRIMARY, INCONSISTENT, UPTODATE,
		    PAUSED_SYNC_T, 125)},
		{"[" RES("db", "Secondary", "", DEV("0", "Inconsistent"),
			 CONN("phobos", "Connected", "Primary",
			      PD("0", "SyncTarget", "UpToDate",
				 ", \"percent-in-sync\": 70.05"))) "]",
		 UP("old kernel", SECONDARY, PRIMARY, INCONSISTENT, UPTODATE,
		    SYNC_TARGET, 700)},
		/* online verify reports its progress as resync-done */
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "VerifyS", "UpToDate",
				 ", \"percent-in-sync\": 100.00, "
				 "\"percent-resync-done\": 47.31"))) "]",
		 UP("verify", PRIMARY, SECONDARY, UPTODATE, UPTODATE, VERIFY_S,
		    473)},
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "VerifyT", "UpToDate",
				 ", \"percent-in-sync\": 100.00"))) "]",
		 UP("verify, no details", PRIMARY, SECONDARY, UPTODATE,
		    UPTODATE, VERIFY_T, -1)},
		/* no progress outside a resync, whatever is printed */
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connecting", "Unknown",
			      PD("0", "Off", "DUnknown",
				 ", \"percent-in-sync\": 98.95, "
				 "\"percent-resync-done\": 50.00"))) "]",
		 UP("no resync", PRIMARY, UNKNOWN, UPTODATE, UNKNOWN,
		    CONNECTING, -1)},
		/* out of range by a race: clamped */
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "SyncSource", "Inconsistent",
				 ", \"percent-in-sync\": -0.00"))) "]",
		 UP("negative", PRIMARY, SECONDARY, UPTODATE, INCONSISTENT,
		    SYNC_SOURCE, 0)},
		{"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "SyncSource", "Inconsistent",
				 ", \"percent-resync-done\": 100.00"))) "]",
		 UP("done", PRIMARY, SECONDARY, UPTODATE, INCONSISTENT,
		    SYNC_SOURCE, 1000)},
		/* JSON escapes mean their characters */
		{"[" RES("d\\u0062", "Prim\\u0061ry", "",
			 DEV("0", "UpTo\\u0044ate"),
			 CONN("phobos", "Connected", "Secondary",
			      PD("0", "Established", "UpToDate", ""))) "]",
		 UP("escapes", PRIMARY, SECONDARY, UPTODATE, UPTODATE,
		    CONNECTED, -1)},
		/* members in any order, spacing as JSON allows */
		{"[{\"connections\":[{\"peer_devices\":[{\"peer-disk-state\":"
		 "\"UpToDate\",\"replication-state\":\"Established\","
		 "\"volume\":0}],\"peer-role\":\"Secondary\","
		 "\"connection-state\":\"Connected\"}],\"devices\":[{"
		 "\"disk-state\":\"UpToDate\",\"volume\":0}],\"suspended\":"
		 "false,\"role\":\"Primary\",\"name\":\"db\"}]",
		 UP("reordered", PRIMARY, SECONDARY, UPTODATE, UPTODATE,
		    CONNECTED, -1)},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct drbd_status s = json_ok(cases[i].text, "db");

		expect_status(cases[i].text, &s, &cases[i].e);
	}
}

static void test_json_suspended(void **state)
{
	_cleanup_free_ char *text =
		fixture9("connecting-primary-uptodate", "status-json");
	_cleanup_free_ char *susp =
		subst(text, "\"suspended\": false", "\"suspended\": true");
	struct drbd_status s;

	s = json_ok(text, "db");
	assert_false(s.suspended);
	s = json_ok(susp, "db");
	assert_true(s.suspended);
	assert_int_equal(s.conn, CONN_CONNECTING);
}

/* DRBD 9's connection states, as drbd-headers' drbd_strings.c names
 * them, for a fixture whose connection is not Connected. */
static void test_json_connection_states(void **state)
{
	static const struct {
		const char *name;
		enum drbd_conn conn;
	} cs[] = {
		{"StandAlone", CONN_STANDALONE},
		{"Disconnecting", CONN_DISCONNECTING},
		{"Unconnected", CONN_UNCONNECTED},
		{"Timeout", CONN_TIMEOUT},
		{"BrokenPipe", CONN_BROKEN_PIPE},
		{"NetworkFailure", CONN_NETWORK_FAILURE},
		{"ProtocolError", CONN_PROTOCOL_ERROR},
		{"TearDown", CONN_TEAR_DOWN},
		{"Connecting", CONN_CONNECTING},
	};
	static const struct {
		const char *name;
		enum drbd_conn conn;
	} repl[] = {
		{"Off", CONN_WF_REPORT_PARAMS},
		{"Established", CONN_CONNECTED},
		{"StartingSyncS", CONN_STARTING_SYNC_S},
		{"StartingSyncT", CONN_STARTING_SYNC_T},
		{"WFBitMapS", CONN_WF_BITMAP_S},
		{"WFBitMapT", CONN_WF_BITMAP_T},
		{"WFSyncUUID", CONN_WF_SYNC_UUID},
		{"SyncSource", CONN_SYNC_SOURCE},
		{"SyncTarget", CONN_SYNC_TARGET},
		{"VerifyS", CONN_VERIFY_S},
		{"VerifyT", CONN_VERIFY_T},
		{"PausedSyncS", CONN_PAUSED_SYNC_S},
		{"PausedSyncT", CONN_PAUSED_SYNC_T},
		{"Ahead", CONN_AHEAD},
		{"Behind", CONN_BEHIND},
	};
	_cleanup_free_ char *text =
		fixture9("connecting-primary-uptodate", "status-json");
	_cleanup_free_ char *ev =
		fixture9("connecting-primary-uptodate", "events2");
	_cleanup_free_ char *up =
		fixture9("connected-primary-uptodate", "status-json");
	_cleanup_free_ char *up_ev =
		fixture9("connected-primary-uptodate", "events2");

	for (size_t i = 0; i < ELEMENTSOF(cs); i++) {
		_cleanup_free_ char *quoted = NULL, *word = NULL, *j = NULL,
				    *e = NULL;
		struct drbd_status s;

		assert_true(asprintf(&quoted, "\"%s\"", cs[i].name) > 0);
		assert_true(asprintf(&word, "connection:%s", cs[i].name) > 0);
		j = subst(text, "\"Connecting\"", quoted);
		e = subst(ev, "connection:Connecting", word);
		s = json_ok(j, "db");
		assert_int_equal(s.conn, cs[i].conn);
		poison(&s);
		assert_int_equal(status9_parse_events2(e, "db", &s), 0);
		assert_int_equal(s.conn, cs[i].conn);
	}
	for (size_t i = 0; i < ELEMENTSOF(repl); i++) {
		_cleanup_free_ char *quoted = NULL, *word = NULL, *j = NULL,
				    *e = NULL;
		struct drbd_status s;

		assert_true(asprintf(&quoted, "\"%s\"", repl[i].name) > 0);
		assert_true(asprintf(&word, "replication:%s", repl[i].name) >
			    0);
		j = subst(up, "\"Established\"", quoted);
		e = subst(up_ev, "replication:Established", word);
		s = json_ok(j, "db");
		if (s.conn != repl[i].conn)
			fail_msg("json %s: %s", repl[i].name,
				 drbd_conn_name(s.conn));
		poison(&s);
		assert_int_equal(status9_parse_events2(e, "db", &s), 0);
		if (s.conn != repl[i].conn)
			fail_msg("events2 %s: %s", repl[i].name,
				 drbd_conn_name(s.conn));
	}
	/* while not Connected, replication is Off and does not count */
	{
		_cleanup_free_ char *j =
			subst(text, "\"Off\"", "\"SyncSource\"");
		struct drbd_status s = json_ok(j, "db");

		assert_int_equal(s.conn, CONN_CONNECTING);
		assert_int_equal(s.sync_permille, -1);
	}
}

static void test_json_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"garbage",
		"[",
		"]",
		"{}",
		"null",
		"[]]",
		"[] x",
		"[],",
		"[,]",
		"[" DB_OK ",]",
		"[" DB_OK "",
		"[" DB_OK "}",
		"[" DB_OK " " DB_OK "]",
		/* listed twice */
		"[" DB_OK "," DB_OK "]",
		/* a resource without a name, or with two */
		"[{\"role\": \"Primary\"}]",
		"[{\"name\": \"db\", \"name\": \"apps\"}]",
		"[{\"name\": 7}]",
		"[7]",
		"[\"db\"]",
		/* ours, without what the parser needs */
		"[{\"name\": \"db\"}]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"), "") "]"
								       "x",
		"[{\"name\": \"db\", \"suspended\": false, \"devices\": [], "
		"\"connections\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"devices\": [], "
		"\"connections\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": "
		"false, \"connections\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": "
		"false, \"devices\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": "
		"false, \"devices\": [{\"volume\": 0}], \"connections\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": "
		"false, \"devices\": [{\"disk-state\": \"UpToDate\"}], "
		"\"connections\": []}]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			"{\"name\": \"phobos\", \"peer-role\": \"Unknown\", "
			"\"peer_devices\": []}") "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			"{\"name\": \"phobos\", \"connection-state\": "
			"\"Connecting\", \"peer_devices\": []}") "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			"{\"name\": \"phobos\", \"connection-state\": "
			"\"Connecting\", \"peer-role\": \"Unknown\"}") "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     "{\"volume\": 0, \"peer-disk-state\": "
			     "\"UpToDate\"}")) "]",
		/* ours, with what no DRBD prints */
		"[" RES("db", "Master", "", DEV("0", "UpToDate"), "") "]",
		"[" RES("db", "primary", "", DEV("0", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "", DEV("0", "Uptodate"), "") "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate "), "") "]",
		"[" RES("db", "Primary", "", DEV("-1", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "", DEV("0.0", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "", DEV("\"0\"", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "",
			DEV("0", "UpToDate") ", " DEV("0", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "WFConnection", "Unknown", "")) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD("0", "Connected", "UpToDate", ""))) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD("0", "Established", "Unknown", ""))) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Peer", PD_OK)) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD_OK ", " PD_OK)) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD("0", "SyncSource", "Inconsistent",
				", \"percent-in-sync\": \"12.5\""))) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD("0", "SyncSource", "Inconsistent",
				", \"percent-in-sync\": 1.25e1"))) "]",
		"[" RES("db", "Primary", "", DEV("0", "UpToDate"),
			CONN("phobos", "Connected", "Secondary",
			     PD("0", "SyncSource", "Inconsistent",
				", \"percent-resync-done\": 1, "
				"\"percent-resync-done\": 2"))) "]",
		"[" RES("db", "Primary", "\"role\": \"Primary\", ",
			DEV("0", "UpToDate"), "") "]",
		"[" RES("db", "Primary", "\"suspended\": false, ",
			DEV("0", "UpToDate"), "") "]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": 0, "
		"\"devices\": [], \"connections\": []}]",
		"[{\"name\": \"db\", \"role\": \"Primary\", \"suspended\": "
		"\"no\", \"devices\": [], \"connections\": []}]",
		"[" RES("db", "Primary", "\"devices\": [], ",
			DEV("0", "UpToDate"), "") "]",
		"[" RES("db", "Lone\\ud800", "", DEV("0", "UpToDate"), "") "]",
		/* JSON that is not JSON, anywhere */
		"[" RES("apps", "Primary", "\"x\": tru, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": nul, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": 01, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": 1., ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": .5, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": 1e, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": +1, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": 'a', ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": \"a\\x\", ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": \"\\u12g4\", ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": \"tab\there\", ", "",
			"") "]",
		"[" RES("apps", "Primary", "\"x\": [1 2], ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": {\"a\" 1}, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": {1: 1}, ", "", "") "]",
		"[" RES("apps", "Primary", "\"x\": {\"a\": 1,}, ", "", "") "]",
		"[" RES("apps", "Primary", "x, ", "", "") "]",
		"[{\"name\": \"apps\", \"x\": \"unterminated}]",
		"[{\"name\": \"apps\"",
		/* deeper than anything drbdsetup prints */
		"[{\"name\": \"apps\", \"x\": "
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct drbd_status s;
		int r;

		poison(&s);
		r = status9_parse_json(bad[i], "db", &s);
		if (r != -EINVAL)
			fail_msg("%d for: %s", r, bad[i]);
		expect_untouched(&s);
	}
	assert_int_equal(status9_parse_json(NULL, "db",
					    &(struct drbd_status){0}),
			 -EINVAL);
	assert_int_equal(status9_parse_json("[]", NULL,
					    &(struct drbd_status){0}),
			 -EINVAL);
	assert_int_equal(status9_parse_json("[]", "", &(struct drbd_status){0}),
			 -EINVAL);
}

/* Another resource is checked for syntax only: a state name this parser
 * does not know, there, is not an error. */
static void test_json_others_blind(void **state)
{
	static const char *const texts[] = {
		"[" RES("apps", "Secondary",
			"\"x\": [[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]], ",
			"", "") "," DB_OK "]",
		"[" RES("apps", "Leader", "\"x\": {\"y\": [null, true]}, ",
			DEV("0", "Frobbed"),
			CONN("db", "Linked", "Boss", "")) "," DB_OK "]",
		"[" RES("db", "Primary",
			"\"future-member\": [{\"a\": 1.5e3}], ",
			DEV("0", "UpToDate") ", " DEV("1", "Frobbed"),
			CONN("phobos", "Connected", "Secondary",
			     PD_OK ", " PD("1", "Frobbing", "Frobbed",
					   "")) ", " CONN("ares", "Linked",
							  "Boss", "")) "]",
	};

	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		struct drbd_status s = json_ok(texts[i], "db");

		assert_true(s.configured);
		assert_int_equal(s.role, ROLE_PRIMARY);
		assert_int_equal(s.disk, DISK_UPTODATE);
		assert_int_equal(s.conn, CONN_CONNECTED);
		assert_int_equal(s.peer_disk, DISK_UPTODATE);
	}
}

/* ---------------------------------------- DRBD 9 events2, variants */

#define EV_RES                                               \
	"exists resource name:db role:Primary suspended:no " \
	"force-io-failures:no may_promote:no promotion_score:10102\n"
#define EV_CONN                                                      \
	"exists connection name:db peer-node-id:1 conn-name:phobos " \
	"connection:Connected role:Secondary\n"
#define EV_DEV                                                           \
	"exists device name:db volume:0 minor:0 "                        \
	"backing_dev:/dev/VGroup00/db disk:UpToDate client:no open:yes " \
	"quorum:yes\n"
#define EV_PD                                                         \
	"exists peer-device name:db peer-node-id:1 conn-name:phobos " \
	"volume:0 replication:Established peer-disk:UpToDate "        \
	"peer-client:no resync-suspended:no\n"
#define EV_END "exists -\n"

static struct drbd_status ev_ok(const char *text, const char *res)
{
	struct drbd_status s;
	int r;

	poison(&s);
	r = status9_parse_events2(text, res, &s);
	if (r != 0)
		fail_msg("%d for %s in: %s", r, res, text);
	return s;
}

static void test_events2_variants(void **state)
{
#define DB UP("db", PRIMARY, SECONDARY, UPTODATE, UPTODATE, CONNECTED, -1)
	static const struct {
		const char *text;
		struct expect e;
	} cases[] = {
		{EV_RES EV_CONN EV_DEV EV_PD EV_END, DB},
		/* 8.4's order: the connection after the device */
		{EV_RES EV_DEV EV_CONN EV_PD EV_END, DB},
		/* without a newline at the end */
		{EV_RES EV_CONN EV_DEV EV_PD "exists -", DB},
		/* another resource whose peer is a host called db */
		{"exists resource name:apps role:Secondary suspended:no\n"
		 "exists connection name:apps peer-node-id:1 conn-name:db "
		 "connection:Connected role:Primary\n"
		 "exists device name:apps volume:0 minor:1 disk:UpToDate\n"
		 "exists peer-device name:apps peer-node-id:1 conn-name:db "
		 "volume:0 replication:Established peer-disk:UpToDate\n" EV_RES
			 EV_CONN EV_DEV EV_PD EV_END,
		 DB},
		{"exists resource name:db2 role:Secondary suspended:no\n" EV_RES
			 EV_CONN EV_DEV EV_PD
		 "exists resource name:d role:Secondary suspended:no\n"
		 "exists resource name:apps new_name:db role:Secondary "
		 "suspended:no\n" EV_END,
		 DB},
		/* what follows "exists -" is not the snapshot */
		{EV_RES EV_CONN EV_DEV EV_PD EV_END
		 "change resource name:db role:Secondary\n"
		 "garbage\n",
		 DB},
		/* two-node view: the first connection, and its peer device */
		{EV_RES EV_CONN
		 "exists connection name:db peer-node-id:2 conn-name:ares "
		 "connection:Connecting role:Unknown\n" EV_DEV
		 "exists peer-device name:db peer-node-id:2 conn-name:ares "
		 "volume:0 replication:Off peer-disk:DUnknown\n" EV_PD EV_END,
		 DB},
		/* volume 0 of several */
		{EV_RES EV_CONN
		 "exists device name:db volume:1 minor:1 disk:Diskless\n" EV_DEV
		 "exists peer-device name:db peer-node-id:1 conn-name:phobos "
		 "volume:1 replication:Established peer-disk:Outdated\n" EV_PD
			 EV_END,
		 DB},
		/* a suspended resource */
		{"exists resource name:db role:Primary "
		 "suspended:user,no-data,fencing,quorum\n"
		 "exists connection name:db peer-node-id:1 conn-name:phobos "
		 "connection:Connecting role:Unknown\n" EV_DEV
		 "exists peer-device name:db peer-node-id:1 conn-name:phobos "
		 "volume:0 replication:Off peer-disk:DUnknown\n" EV_END,
		 {.state = "suspended",
		  .configured = true,
		  .role = ROLE_PRIMARY,
		  .peer_role = ROLE_UNKNOWN,
		  .disk = DISK_UPTODATE,
		  .peer_disk = DISK_UNKNOWN,
		  .conn = CONN_CONNECTING,
		  .permille = -1,
		  .suspended = true}},
		{"exists resource name:db role:Primary "
		 "suspended:quorum\n" EV_CONN EV_DEV EV_PD EV_END,
		 {.state = "quorum",
		  .configured = true,
		  .role = ROLE_PRIMARY,
		  .peer_role = ROLE_SECONDARY,
		  .disk = DISK_UPTODATE,
		  .peer_disk = DISK_UPTODATE,
		  .conn = CONN_CONNECTED,
		  .permille = -1,
		  .suspended = true}},
		/* no peer, no device */
		{EV_RES EV_END, UP("alone", PRIMARY, UNKNOWN, DISKLESS, UNKNOWN,
				   STANDALONE, -1)},
		/* resync progress */
		{EV_RES EV_CONN EV_DEV
		 "exists peer-device name:db peer-node-id:1 conn-name:phobos "
		 "volume:0 replication:PausedSyncS peer-disk:Inconsistent "
		 "peer-client:no resync-suspended:user done:5.00\n" EV_END,
		 UP("paused", PRIMARY, SECONDARY, UPTODATE, INCONSISTENT,
		    PAUSED_SYNC_S, 50)},
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct drbd_status s = ev_ok(cases[i].text, "db");

		expect_status(cases[i].text, &s, &cases[i].e);
	}
#undef DB
}

static void test_events2_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		/* cut short: no "exists -" */
		EV_RES EV_CONN EV_DEV EV_PD,
		"exists resource name:apps role:Secondary suspended:no\n",
		/* not --now's output */
		"1795637289 exists resource name:db role:Primary "
		"suspended:no\nexists -\n",
		"2026-11-25T20:08:13.000000+00:00 exists -\n",
		"change resource name:db role:Primary\n" EV_END,
		"create resource name:db role:Primary suspended:no\n" EV_END,
		"exists\n" EV_END,
		"exists -x\n",
		"exists - x\n",
		"\n" EV_END,
		"exists device volume:0 minor:0 disk:UpToDate\n" EV_END,
		/* ours twice, or parts of it */
		EV_RES EV_RES EV_END,
		EV_RES EV_DEV EV_DEV EV_END,
		EV_RES EV_CONN EV_CONN EV_END,
		EV_RES EV_CONN EV_PD EV_PD EV_END,
		/* parts of ours without ours */
		EV_CONN EV_DEV EV_PD EV_END,
		EV_DEV EV_END,
		/* a peer device before its connection */
		EV_RES EV_DEV EV_PD EV_CONN EV_END,
		/* what ours needs, missing or twice */
		"exists resource name:db suspended:no\n" EV_END,
		"exists resource name:db role:Primary\n" EV_END,
		"exists resource name:db role:Primary role:Secondary "
		"suspended:no\n" EV_END,
		"exists resource name:db name:db role:Primary "
		"suspended:no\n" EV_END,
		EV_RES "exists device name:db minor:0 disk:UpToDate\n" EV_END,
		EV_RES "exists device name:db volume:0 minor:0\n" EV_END,
		EV_RES "exists connection name:db conn-name:phobos "
		       "connection:Connected role:Secondary\n" EV_END,
		EV_RES
		"exists connection name:db peer-node-id:1 conn-name:phobos "
		"role:Secondary\n" EV_END,
		EV_RES
		"exists connection name:db peer-node-id:1 conn-name:phobos "
		"connection:Connected\n" EV_END,
		EV_RES EV_CONN
		"exists peer-device name:db peer-node-id:1 volume:0 "
		"peer-disk:UpToDate\n" EV_END,
		EV_RES EV_CONN
		"exists peer-device name:db peer-node-id:1 volume:0 "
		"replication:Established\n" EV_END,
		EV_RES EV_CONN
		"exists peer-device name:db volume:0 replication:Established "
		"peer-disk:UpToDate\n" EV_END,
		EV_RES EV_CONN
		"exists peer-device name:db peer-node-id:1 "
		"replication:Established peer-disk:UpToDate\n" EV_END,
		/* what no DRBD prints */
		"exists resource name:db role:Master suspended:no\n" EV_END,
		"exists resource name:db role:Primary suspended:yes\n" EV_END,
		"exists resource name:db role:Primary suspended:\n" EV_END,
		"exists resource name:db role:Primary suspended:user,\n" EV_END,
		"exists resource name:db role:Primary suspended:,user\n" EV_END,
		"exists resource name:db role:Primary "
		"suspended:user,,quorum\n" EV_END,
		EV_RES
		"exists device name:db volume:0 minor:0 disk:Frobbed\n" EV_END,
		EV_RES
		"exists device name:db volume:x minor:0 disk:UpToDate\n" EV_END,
		EV_RES
		"exists connection name:db peer-node-id:1 conn-name:phobos "
		"connection:WFConnection role:Unknown\n" EV_END,
		EV_RES
		"exists connection name:db peer-node-id:1 conn-name:phobos "
		"connection:Connected role:Boss\n" EV_END,
		EV_RES EV_CONN EV_DEV
		"exists peer-device name:db peer-node-id:1 conn-name:phobos "
		"volume:0 replication:Connected peer-disk:UpToDate\n" EV_END,
		EV_RES EV_CONN EV_DEV
		"exists peer-device name:db peer-node-id:1 conn-name:phobos "
		"volume:0 replication:Established peer-disk:Unknown\n" EV_END,
		EV_RES EV_CONN EV_DEV
		"exists peer-device name:db peer-node-id:1 conn-name:phobos "
		"volume:0 replication:SyncSource peer-disk:Inconsistent "
		"done:x\n" EV_END,
		EV_RES EV_CONN EV_DEV
		"exists peer-device name:db peer-node-id:1 conn-name:phobos "
		"volume:0 replication:SyncSource peer-disk:Inconsistent "
		"done:1.0 done:2.0\n" EV_END,
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct drbd_status s;
		int r;

		poison(&s);
		r = status9_parse_events2(bad[i], "db", &s);
		if (r != -EINVAL)
			fail_msg("%d for: %s", r, bad[i]);
		expect_untouched(&s);
	}
	assert_int_equal(status9_parse_events2(NULL, "db",
					       &(struct drbd_status){0}),
			 -EINVAL);
	assert_int_equal(status9_parse_events2(EV_END, NULL,
					       &(struct drbd_status){0}),
			 -EINVAL);
	assert_int_equal(status9_parse_events2(EV_END, "",
					       &(struct drbd_status){0}),
			 -EINVAL);
}

/*
 * The device's minor, which the agent needs to name what holds a device
 * it cannot demote: /proc/drbd's line on 8.4, volume 0's "minor" on 9
 * (device_status_json(), print_device_changes()); -1 when the device is
 * not there or the field is missing.
 */
static void test_minor(void **state)
{
	_cleanup_free_ char *two_json =
		fixture9("two-resources", "status-json");
	_cleanup_free_ char *two_ev = fixture9("two-resources", "events2");
	_cleanup_free_ char *none_json = fixture9("not-listed", "status-json");
	_cleanup_free_ char *proc =
		fixture(D84 "synthetic-minors-1-2-10.proc-drbd.txt");
	static const unsigned minors84[] = {1, 10}, absent84[] = {2, 3};
	static const char *const bad_json[] = {
		"[" RES("db", "Primary", "",
			"{\"volume\": 0, \"minor\": 1048576, "
			"\"disk-state\": \"UpToDate\"}",
			CONN("phobos", "Connected", "Secondary", PD_OK)) "]",
		"[" RES("db", "Primary", "",
			"{\"volume\": 0, \"minor\": -1, "
			"\"disk-state\": \"UpToDate\"}",
			CONN("phobos", "Connected", "Secondary", PD_OK)) "]",
		"[" RES("db", "Primary", "",
			"{\"volume\": 0, \"minor\": 1, \"minor\": 1, "
			"\"disk-state\": \"UpToDate\"}",
			CONN("phobos", "Connected", "Secondary", PD_OK)) "]",
	};
	struct drbd_status s;

	for (size_t i = 0; i < ELEMENTSOF(states9); i++) {
		_cleanup_free_ char *json =
			fixture9(states9[i].state, "status-json");
		_cleanup_free_ char *ev = fixture9(states9[i].state, "events2");

		assert_int_equal(json_ok(json, "db").minor, 0);
		assert_int_equal(ev_ok(ev, "db").minor, 0);
	}
	assert_int_equal(json_ok(two_json, "apps").minor, 1);
	assert_int_equal(ev_ok(two_ev, "apps").minor, 1);
	assert_int_equal(json_ok(two_json, "db").minor, 0);
	assert_int_equal(ev_ok(two_ev, "db").minor, 0);
	assert_int_equal(json_ok(none_json, "db").minor, -1);
	assert_int_equal(ev_ok(EV_END, "db").minor, -1);

	/* volume 0's, wherever the volumes come */
	assert_int_equal(json_ok("[" RES("db", "Primary", "",
					 "{\"volume\": 1, \"minor\": 7, "
					 "\"disk-state\": \"UpToDate\"}, "
					 "{\"volume\": 0, \"minor\": 1048575, "
					 "\"disk-state\": \"UpToDate\"}",
					 CONN("phobos", "Connected",
					      "Secondary", PD_OK)) "]",
				 "db")
				 .minor,
			 1048575);
	assert_int_equal(ev_ok(EV_RES EV_CONN
			       "exists device name:db volume:1 minor:8 "
			       "disk:UpToDate\n"
			       "exists device name:db volume:0 minor:12 "
			       "disk:UpToDate\n" EV_PD EV_END,
			       "db")
				 .minor,
			 12);
	/* not given: not known, and no reason to fail */
	assert_int_equal(
		json_ok("[" RES("db", "Primary", "",
				"{\"volume\": 0, \"disk-state\": \"UpToDate\"}",
				CONN("phobos", "Connected", "Secondary",
				     PD_OK)) "]",
			"db")
			.minor,
		-1);
	assert_int_equal(ev_ok(EV_RES EV_CONN "exists device name:db volume:0 "
					      "disk:UpToDate\n" EV_PD EV_END,
			       "db")
				 .minor,
			 -1);
	/* not a minor */
	for (size_t i = 0; i < ELEMENTSOF(bad_json); i++) {
		poison(&s);
		assert_int_equal(status9_parse_json(bad_json[i], "db", &s),
				 -EINVAL);
	}
	poison(&s);
	assert_int_equal(
		status9_parse_events2(EV_RES EV_CONN
				      "exists device name:db volume:0 "
				      "minor:x disk:UpToDate\n" EV_PD EV_END,
				      "db", &s),
		-EINVAL);

	/* 8.4: the minor asked for, when it is configured (2 is listed
	 * as "cs:Unconfigured", 3 not at all) */
	for (size_t i = 0; i < ELEMENTSOF(minors84); i++) {
		poison(&s);
		assert_int_equal(status84_parse_proc(proc, minors84[i], &s), 0);
		assert_int_equal(s.minor, (int)minors84[i]);
	}
	for (size_t i = 0; i < ELEMENTSOF(absent84); i++) {
		poison(&s);
		assert_int_equal(status84_parse_proc(proc, absent84[i], &s), 0);
		assert_int_equal(s.minor, -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_conn_is_connected),
		cmocka_unit_test(test_proc84_captures),
		cmocka_unit_test(test_proc84_other_minors),
		cmocka_unit_test(test_proc84_minors_1_2_10),
		cmocka_unit_test(test_proc84_flags),
		cmocka_unit_test(test_proc84_states),
		cmocka_unit_test(test_proc84_progress),
		cmocka_unit_test(test_proc84_not_configured),
		cmocka_unit_test(test_proc84_invalid),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_events2_84_captures),
		cmocka_unit_test(test_json_states),
		cmocka_unit_test(test_events2_states),
		cmocka_unit_test(test_two_resources),
		cmocka_unit_test(test_not_listed),
		cmocka_unit_test(test_json_name_elsewhere),
		cmocka_unit_test(test_json_variants),
		cmocka_unit_test(test_json_suspended),
		cmocka_unit_test(test_json_connection_states),
		cmocka_unit_test(test_json_invalid),
		cmocka_unit_test(test_json_others_blind),
		cmocka_unit_test(test_events2_variants),
		cmocka_unit_test(test_events2_invalid),
		cmocka_unit_test(test_minor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
