/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agents/drbd/splitbrain.c: the kernel log's account of a split brain,
 * from the real /dev/kmsg of two DRBD 8.4.11 guests that went through
 * a disconnect by hand, a split brain the after-sb policies solved, one
 * they did not, its resolution by hand and a second unresolved one after
 * a link cut (tests/fixtures/drbd84/split-brain.*.kmsg.txt; PROVENANCE
 * gives the story with its sequence numbers). /dev/kmsg only grows, so
 * the capture cut after record N is the log as it was when N was new.
 * Hand-made lines follow, for what no capture shows.
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
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "procfs.h"
#include "splitbrain.h"

#define DEIMOS FIXTURES "/drbd84/split-brain.deimos.kmsg.txt"
#define PHOBOS FIXTURES "/drbd84/split-brain.phobos.kmsg.txt"
#define SPLIT  "Split-Brain detected but unresolved, dropping connection!"

static char *fixture(const char *path)
{
	char *text = NULL;

	assert_true(procfs_read(path, PROCFS_MAX, &text) > 0);
	assert_non_null(text);
	return text;
}

/* Where the record with sequence number seq starts, or NULL. */
static const char *record_at(const char *text, uint64_t seq)
{
	char key[32];
	const char *p = text;

	(void)snprintf(key, sizeof(key), ",%llu,", (unsigned long long)seq);
	for (;;) {
		const char *comma = strchr(p, ',');

		/* a header line: "prio,seq,..." at the start of a line */
		if (comma && strncmp(comma, key, strlen(key)) == 0 &&
		    (p == text || p[-1] == '\n') && p[0] >= '0' && p[0] <= '9')
			return p;
		p = strchr(p, '\n');
		if (!p)
			return NULL;
		p++;
	}
}

/* The length of text up to the end of record seq, continuations and all. */
static size_t upto(const char *text, uint64_t seq)
{
	const char *p = record_at(text, seq);

	assert_non_null(p);
	do {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	} while (*p == ' ');
	return (size_t)(p - text);
}

/* The verdict on minor/resource for text[from..to). */
static enum splitbrain_verdict scan(const char *text, size_t from, size_t to,
				    unsigned minor, const char *res,
				    struct splitbrain_scan *ret)
{
	struct splitbrain_scan s;

	splitbrain_init(&s, minor, res);
	splitbrain_feed(&s, text + from, to - from);
	if (ret)
		*ret = s;
	return splitbrain_verdict(&s);
}

static const char *verdict_name(enum splitbrain_verdict v)
{
	switch (v) {
	case SPLITBRAIN_UNKNOWN:
		return "unknown";
	case SPLITBRAIN_NONE:
		return "none";
	case SPLITBRAIN_UNRESOLVED:
		return "unresolved";
	}
	return "?";
}

struct point {
	uint64_t seq; /* the log up to this record */
	unsigned minor;
	const char *res;
	enum splitbrain_verdict verdict;
	uint64_t split_seq; /* for UNRESOLVED */
	const char *what;
};

static void expect_points(const char *path, const struct point *pts, size_t n)
{
	_cleanup_free_ char *text = fixture(path);

	for (size_t i = 0; i < n; i++) {
		const struct point *p = &pts[i];
		struct splitbrain_scan s;
		size_t len = p->seq == UINT64_MAX ? strlen(text)
						  : upto(text, p->seq);
		enum splitbrain_verdict v =
			scan(text, 0, len, p->minor, p->res, &s);

		if (v != p->verdict)
			fail_msg("%s: %s: %s, expected %s", path, p->what,
				 verdict_name(v), verdict_name(p->verdict));
		if (v == SPLITBRAIN_UNRESOLVED && s.split_seq != p->split_seq)
			fail_msg(
				"%s: %s: split brain at record %llu, expected %llu",
				path, p->what, (unsigned long long)s.split_seq,
				(unsigned long long)p->split_seq);
		assert_true(s.complete); /* the captures start at boot */
	}
}

#define END UINT64_MAX

/* ------------------------------------------------------ the captures */

static void test_deimos(void **state)
{
	static const struct point pts[] = {
		{437, 0, "db", SPLITBRAIN_NONE, 0,
		 "before the first connection: nothing since boot"},
		{445, 0, "db", SPLITBRAIN_NONE, 0, "first connected"},
		{495, 0, "db", SPLITBRAIN_NONE, 0,
		 "StandAlone after drbdadm disconnect"},
		{518, 0, "db", SPLITBRAIN_NONE, 0,
		 "0 primaries: the after-sb-0pri policy solved it"},
		{530, 0, "db", SPLITBRAIN_NONE, 0, "resynced"},
		{558, 0, "db", SPLITBRAIN_UNRESOLVED, 558,
		 "1 primary: consensus would discard the Primary: unresolved"},
		{566, 0, "db", SPLITBRAIN_UNRESOLVED, 558,
		 "StandAlone after the split brain"},
		{575, 0, "db", SPLITBRAIN_UNRESOLVED, 558,
		 "still, while apps is disconnected by hand"},
		{575, 1, "apps", SPLITBRAIN_NONE, 0,
		 "apps: StandAlone after drbdadm disconnect"},
		{596, 0, "db", SPLITBRAIN_UNRESOLVED, 558,
		 "'manually solved' is logged before the connection"},
		{597, 0, "db", SPLITBRAIN_NONE, 0,
		 "connected after --discard-my-data on the peer"},
		{618, 0, "db", SPLITBRAIN_NONE, 0, "resynced"},
		{629, 0, "db", SPLITBRAIN_NONE, 0, "link cut: WFConnection"},
		{END, 0, "db", SPLITBRAIN_UNRESOLVED, 642,
		 "two primaries after the link came back"},
		{END, 1, "apps", SPLITBRAIN_NONE, 0, "apps: connected again"},
	};

	(void)state;
	expect_points(DEIMOS, pts, sizeof(pts) / sizeof(pts[0]));
}

static void test_phobos(void **state)
{
	static const struct point pts[] = {
		{487, 0, "db", SPLITBRAIN_NONE, 0,
		 "StandAlone after drbdadm disconnect"},
		{534, 0, "db", SPLITBRAIN_NONE, 0,
		 "solved by policy, then disconnected by hand"},
		{557, 0, "db", SPLITBRAIN_UNRESOLVED, 557,
		 "the Secondary of the 1-primary split brain"},
		{567, 0, "db", SPLITBRAIN_UNRESOLVED, 557,
		 "StandAlone (via NetworkFailure: the peer hung up first)"},
		{578, 1, "apps", SPLITBRAIN_NONE, 0,
		 "apps: its peer disconnected it (WFConnection)"},
		{596, 0, "db", SPLITBRAIN_NONE, 0,
		 "connected after connect --discard-my-data here"},
		{END, 0, "db", SPLITBRAIN_UNRESOLVED, 644,
		 "two primaries after the link came back"},
	};

	(void)state;
	expect_points(PHOBOS, pts, sizeof(pts) / sizeof(pts[0]));
}

static void test_split_record(void **state)
{
	_cleanup_free_ char *text = fixture(DEIMOS);
	struct splitbrain_scan s;

	(void)state;
	/* "1,642,133734704,-;block drbd0: Split-Brain detected but..." */
	assert_int_equal(scan(text, 0, strlen(text), 0, "db", &s),
			 SPLITBRAIN_UNRESOLVED);
	assert_int_equal(s.split_seq, 642);
	assert_int_equal(s.split_usec, 133734704);
	assert_int_equal(s.records, 655);
	assert_int_equal(s.next_seq, 655);
}

/* Devices and resources the captures have nothing about. */
static void test_others(void **state)
{
	_cleanup_free_ char *text = fixture(DEIMOS);
	size_t len = strlen(text);

	(void)state;
	/* complete since boot and nothing about them: no split brain */
	assert_int_equal(scan(text, 0, len, 2, "web", NULL), SPLITBRAIN_NONE);
	/* the split brain is drbd0's; the resource name alone decides
	 * nothing: its lines never say "Split-Brain" */
	assert_int_equal(scan(text, 0, len, 7, "db", NULL), SPLITBRAIN_NONE);
	/* but drbd0 of any resource is drbd0 */
	assert_int_equal(scan(text, 0, len, 0, "other", NULL),
			 SPLITBRAIN_UNRESOLVED);
}

/* ------------------------------------------- a log that lost records */

/* The kernel log wrapped: it starts with record from. */
static void test_wrapped(void **state)
{
	_cleanup_free_ char *text = fixture(DEIMOS);
	size_t len = strlen(text);
	struct splitbrain_scan s;

	(void)state;
	/* the split brain is gone, the StandAlone lines after it are
	 * there: the log cannot tell */
	assert_int_equal(scan(text, upto(text, 642), len, 0, "db", &s),
			 SPLITBRAIN_UNKNOWN);
	assert_false(s.complete);
	/* it reaches back to the connection before: it can */
	assert_int_equal(scan(text, upto(text, 600), len, 0, "db", &s),
			 SPLITBRAIN_UNRESOLVED);
	assert_int_equal(s.split_seq, 642);
	/* a connection, then nothing: no split brain since */
	assert_int_equal(scan(text, upto(text, 600), upto(text, 629), 0, "db",
			      NULL),
			 SPLITBRAIN_NONE);
	/* only the disconnection: cannot tell */
	assert_int_equal(scan(text, upto(text, 619), upto(text, 629), 0, "db",
			      NULL),
			 SPLITBRAIN_UNKNOWN);
	/* apps, wrapped past its last connection */
	assert_int_equal(scan(text, upto(text, 568), upto(text, 575), 1, "apps",
			      NULL),
			 SPLITBRAIN_UNKNOWN);
}

/* Records overwritten while the log was being read: a gap. */
static void test_gap(void **state)
{
	_cleanup_free_ char *text = fixture(DEIMOS);
	size_t len = strlen(text);
	struct splitbrain_scan s;

	(void)state;
	/* 0..641, then 643..: the split brain fell into the gap, and the
	 * connection before it (618) proves nothing any more */
	splitbrain_init(&s, 0, "db");
	splitbrain_feed(&s, text, upto(text, 641));
	splitbrain_feed(&s, text + upto(text, 642), len - upto(text, 642));
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNKNOWN);
	assert_false(s.complete);

	/* the same, said by read() (EPIPE) rather than by the numbers */
	splitbrain_init(&s, 0, "db");
	splitbrain_feed(&s, text, upto(text, 629));
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_NONE);
	splitbrain_lost(&s);
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNKNOWN);

	/* a split brain seen before a gap stands */
	splitbrain_init(&s, 0, "db");
	splitbrain_feed(&s, text, upto(text, 566));
	splitbrain_lost(&s);
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNRESOLVED);
	assert_int_equal(s.split_seq, 558);

	/* and a connection after the gap settles it */
	splitbrain_feed(&s, text + upto(text, 596), len - upto(text, 596));
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNRESOLVED);
	assert_int_equal(s.split_seq, 642);
}

/* ------------------------------------------------------- hand-made */

/* Record by record, as devkmsg_read() hands them out. */
static void test_one_record_per_feed(void **state)
{
	_cleanup_free_ char *text = fixture(PHOBOS);
	struct splitbrain_scan whole, s;
	const char *p = text;

	(void)state;
	scan(text, 0, strlen(text), 0, "db", &whole);
	splitbrain_init(&s, 0, "db");
	while (*p) {
		const char *q = strchr(p, '\n');

		assert_non_null(q);
		q++;
		while (*q == ' ') { /* its continuation lines */
			q = strchr(q, '\n');
			assert_non_null(q);
			q++;
		}
		splitbrain_feed(&s, p, (size_t)(q - p));
		p = q;
	}
	assert_memory_equal(&s, &whole, sizeof(s));
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNRESOLVED);
}

static void test_lines(void **state)
{
	static const struct {
		const char *text;
		enum splitbrain_verdict verdict;
		const char *what;
	} cases[] = {
		{"1,0,5,-;block drbd0: " SPLIT "\n", SPLITBRAIN_UNRESOLVED,
		 "the alert"},
		{"1,0,5,-;block drbd0: " SPLIT, SPLITBRAIN_UNRESOLVED,
		 "no newline at the end"},
		{"1,0,5,-,caller=T12;block drbd0: " SPLIT "\n",
		 SPLITBRAIN_UNRESOLVED, "a header field more (caller id)"},
		{"1,0,5,c;block drbd0: " SPLIT
		 "\n SUBSYSTEM=block\n DEVICE=b147:0\n",
		 SPLITBRAIN_UNRESOLVED, "continuation lines"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;block drbd0: conn( WFReportParams -> Connected ) \n",
		 SPLITBRAIN_NONE, "connected after it"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd db: conn( WFReportParams -> Connected ) \n",
		 SPLITBRAIN_NONE, "the resource connected after it"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;block drbd0: conn( WFReportParams -> SyncTarget ) \n",
		 SPLITBRAIN_NONE, "a resync state is connected"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd db: conn( Disconnecting -> StandAlone ) \n",
		 SPLITBRAIN_UNRESOLVED, "StandAlone after it"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd db: conn( WFReportParams -> Connectedish ) \n",
		 SPLITBRAIN_UNRESOLVED, "a state nobody knows"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd db2: conn( WFReportParams -> Connected ) \n",
		 SPLITBRAIN_UNRESOLVED, "db2 is not db"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd d: conn( WFReportParams -> Connected ) \n",
		 SPLITBRAIN_UNRESOLVED, "d is not db"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;block drbd00: conn( WFReportParams -> Connected ) \n",
		 SPLITBRAIN_UNRESOLVED, "drbd00 is not drbd0"},
		{"1,0,5,-;block drbd0: " SPLIT "\n"
		 "6,1,6,-;drbd db: Handshake successful: Agreed network protocol version 101\n",
		 SPLITBRAIN_UNRESOLVED, "a handshake is no connection"},
		{"1,0,5,-;block drbd10: " SPLIT "\n", SPLITBRAIN_NONE,
		 "drbd10 is not drbd0"},
		{"1,0,5,-;block drbd0: Split-Brain detected, 1 primaries, automatically solved. Sync from peer node\n",
		 SPLITBRAIN_NONE, "solved by the after-sb policies"},
		{"1,0,5,-;block drbd0: " SPLIT " (really)\n", SPLITBRAIN_NONE,
		 "not the whole text"},
		{"1,0,5,-;drbd db: " SPLIT "\n", SPLITBRAIN_NONE,
		 "DRBD says it of the device, not the resource"},
		{"1,0,5,-; block drbd0: " SPLIT "\n", SPLITBRAIN_NONE,
		 "a blank before the prefix"},
		{"1,0,x,-;block drbd0: " SPLIT "\n", SPLITBRAIN_UNKNOWN,
		 "a broken header: no record"},
		{"1,0,5;block drbd0: " SPLIT "\n", SPLITBRAIN_UNKNOWN,
		 "no flags field"},
		{"1,0,5,-block drbd0: " SPLIT "\n", SPLITBRAIN_UNKNOWN,
		 "no ';'"},
		{"<1>[    5.000000] block drbd0: " SPLIT "\n",
		 SPLITBRAIN_UNKNOWN, "dmesg's format is not /dev/kmsg's"},
		{"1,99999999999999999999999,5,-;block drbd0: " SPLIT "\n",
		 SPLITBRAIN_UNKNOWN, "a sequence number out of range"},
		{"", SPLITBRAIN_UNKNOWN, "nothing"},
		{"6,0,1,-;Linux version 6.1.0\n", SPLITBRAIN_NONE,
		 "a log since boot without DRBD"},
		{"6,3,1,-;Linux version 6.1.0\n", SPLITBRAIN_UNKNOWN,
		 "a wrapped log without DRBD"},
		{"1,3,5,-;block drbd0: " SPLIT "\n", SPLITBRAIN_UNRESOLVED,
		 "a wrapped log with the split brain"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum splitbrain_verdict v = scan(
			cases[i].text, 0, strlen(cases[i].text), 0, "db", NULL);

		if (v != cases[i].verdict)
			fail_msg("%s: %s, expected %s", cases[i].what,
				 verdict_name(v),
				 verdict_name(cases[i].verdict));
	}
}

/* ------------------------------------------------- splitbrain_read() */

static void test_read_file(void **state)
{
	_cleanup_free_ char *text = fixture(DEIMOS);
	struct splitbrain_scan fed, s;

	(void)state;
	scan(text, 0, strlen(text), 0, "db", &fed);
	splitbrain_init(&s, 0, "db");
	assert_int_equal(splitbrain_read(DEIMOS, &s), 0);
	assert_memory_equal(&s, &fed, sizeof(s));

	splitbrain_init(&s, 0, "db");
	assert_int_equal(splitbrain_read(FIXTURES "/drbd84/nosuch", &s),
			 -ENOENT);
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_UNKNOWN);
}

/* A line longer than the read buffer is skipped, and the rest of it is
 * not taken for a record even where it looks like one. */
static void test_read_overlong(void **state)
{
	char path[] = "/tmp/test-drbd-splitbrain.XXXXXX";
	const char *head = "6,0,1,-;";
	const char *fake = "1,5,2,-;block drbd0: " SPLIT "\n";
	const char *last =
		"6,1,3,-;drbd db: conn( WFReportParams -> Connected ) \n";
	struct splitbrain_scan s;
	size_t pad = 16 * 1024 - strlen(head);
	_cleanup_close_ int fd = mkstemp(path);
	char *x;

	(void)state;
	assert_true(fd >= 0);
	x = malloc(pad);
	assert_non_null(x);
	memset(x, 'x', pad);
	assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	assert_int_equal(write(fd, x, pad), (ssize_t)pad);
	assert_int_equal(write(fd, fake, strlen(fake)), (ssize_t)strlen(fake));
	assert_int_equal(write(fd, last, strlen(last)), (ssize_t)strlen(last));
	free(x);

	splitbrain_init(&s, 0, "db");
	assert_int_equal(splitbrain_read(path, &s), 0);
	(void)unlink(path);
	assert_int_equal(s.records, 1);
	assert_false(s.split);
	assert_int_equal(splitbrain_verdict(&s), SPLITBRAIN_NONE);
}

/* The real /dev/kmsg of this host: read to its end without blocking. */
static void test_read_kmsg(void **state)
{
	struct splitbrain_scan s;
	int r;

	(void)state;
	splitbrain_init(&s, 0, "vzha-unit-test-no-such-resource");
	r = splitbrain_read("/dev/kmsg", &s);
	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		skip();
	assert_int_equal(r, 0);
	assert_true(s.records > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deimos),
		cmocka_unit_test(test_phobos),
		cmocka_unit_test(test_split_record),
		cmocka_unit_test(test_others),
		cmocka_unit_test(test_wrapped),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_one_record_per_feed),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_overlong),
		cmocka_unit_test(test_read_kmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
