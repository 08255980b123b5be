/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The formats, from the code that prints them:
 *   /proc/drbd (8.4)      drivers/block/drbd/drbd_proc.c (drbd_seq_show,
 *                         drbd_syncer_progress), strings from
 *                         drbd_strings.c
 *   status --json (9)     drbd-utils user/v9/drbdsetup.c (status_cmd,
 *                         resource_status_json, device_status_json,
 *                         connection_status_json, peer_device_status_json)
 *   events2 --now (9)     drbd-utils user/v9/drbdsetup_events2.c
 *                         (print_changes and the print_*_changes it calls)
 * State names for 9 come from drbd-headers' drbd_strings.c.
 *
 * Nothing here allocates: the parsers walk the caller's text.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cleanup.h"
#include "procfs.h"
#include "status.h"

/* ------------------------------------------------------------- names */

static const char *const role_names[] = {
	[ROLE_UNKNOWN] = "Unknown",
	[ROLE_SECONDARY] = "Secondary",
	[ROLE_PRIMARY] = "Primary",
};

static const char *const disk_names[] = {
	[DISK_UNKNOWN] = "DUnknown",
	[DISK_DISKLESS] = "Diskless",
	[DISK_ATTACHING] = "Attaching",
	[DISK_DETACHING] = "Detaching", /* DRBD 9 only */
	[DISK_FAILED] = "Failed",
	[DISK_NEGOTIATING] = "Negotiating",
	[DISK_INCONSISTENT] = "Inconsistent",
	[DISK_OUTDATED] = "Outdated",
	[DISK_CONSISTENT] = "Consistent",
	[DISK_UPTODATE] = "UpToDate",
};

/* 8.4's cs: spellings; CONN_UNKNOWN is ours (nothing was read). */
static const char *const conn_names[] = {
	[CONN_UNKNOWN] = "Unknown",
	[CONN_STANDALONE] = "StandAlone",
	[CONN_DISCONNECTING] = "Disconnecting",
	[CONN_UNCONNECTED] = "Unconnected",
	[CONN_TIMEOUT] = "Timeout",
	[CONN_BROKEN_PIPE] = "BrokenPipe",
	[CONN_NETWORK_FAILURE] = "NetworkFailure",
	[CONN_PROTOCOL_ERROR] = "ProtocolError",
	[CONN_TEAR_DOWN] = "TearDown",
	[CONN_CONNECTING] = "WFConnection",
	[CONN_WF_REPORT_PARAMS] = "WFReportParams",
	[CONN_CONNECTED] = "Connected",
	[CONN_STARTING_SYNC_S] = "StartingSyncS",
	[CONN_STARTING_SYNC_T] = "StartingSyncT",
	[CONN_WF_BITMAP_S] = "WFBitMapS",
	[CONN_WF_BITMAP_T] = "WFBitMapT",
	[CONN_WF_SYNC_UUID] = "WFSyncUUID",
	[CONN_SYNC_SOURCE] = "SyncSource",
	[CONN_SYNC_TARGET] = "SyncTarget",
	[CONN_PAUSED_SYNC_S] = "PausedSyncS",
	[CONN_PAUSED_SYNC_T] = "PausedSyncT",
	[CONN_VERIFY_S] = "VerifyS",
	[CONN_VERIFY_T] = "VerifyT",
	[CONN_AHEAD] = "Ahead",
	[CONN_BEHIND] = "Behind",
};

_Static_assert(ELEMENTSOF(role_names) == ROLE_PRIMARY + 1, "role_names");
_Static_assert(ELEMENTSOF(disk_names) == DISK_UPTODATE + 1, "disk_names");
_Static_assert(ELEMENTSOF(conn_names) == CONN_BEHIND + 1, "conn_names");

const char *drbd_role_name(enum drbd_role r)
{
	return (unsigned)r < ELEMENTSOF(role_names) ? role_names[r] : NULL;
}

const char *drbd_disk_name(enum drbd_disk d)
{
	return (unsigned)d < ELEMENTSOF(disk_names) ? disk_names[d] : NULL;
}

const char *drbd_conn_name(enum drbd_conn c)
{
	return (unsigned)c < ELEMENTSOF(conn_names) ? conn_names[c] : NULL;
}

bool drbd_conn_is_connected(enum drbd_conn c)
{
	/* 8.4's own test: conn >= C_CONNECTED; the enums share the order */
	return c >= CONN_CONNECTED && c <= CONN_BEHIND;
}

/* What a parser reports for a device or resource the kernel does not
 * have: nothing about it is known. */
static const struct drbd_status status_absent = {
	.configured = false,
	.role = ROLE_UNKNOWN,
	.peer_role = ROLE_UNKNOWN,
	.disk = DISK_UNKNOWN,
	.peer_disk = DISK_UNKNOWN,
	.conn = CONN_UNKNOWN,
	.sync_permille = -1,
	.suspended = false,
	.minor = -1,
};

/* ------------------------------------------------------------- spans */

/* A piece of the caller's text; not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

static bool span_is(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool span_starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static struct span span_from(struct span s, size_t off)
{
	return (struct span){s.p + off, s.n - off};
}

/* Index of s among names[first..last], or -1. */
static int span_lookup(struct span s, const char *const *names, int first,
		       int last)
{
	for (int i = first; i <= last; i++)
		if (span_is(s, names[i]))
			return i;
	return -1;
}

/* The project's one strict number parser, on a span. */
static int span_u64(struct span s, uint64_t *ret)
{
	char buf[24];

	if (s.n == 0 || s.n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return procfs_parse_u64(buf, ret);
}

/* Cuts the next line (without its '\n') off *cursor; false at the end. */
static bool next_line(const char **cursor, struct span *ret)
{
	const char *s = *cursor, *nl;

	if (!*s)
		return false;
	nl = strchr(s, '\n');
	if (nl) {
		*ret = (struct span){s, (size_t)(nl - s)};
		*cursor = nl + 1;
	} else {
		*ret = (struct span){s, strlen(s)};
		*cursor = s + ret->n;
	}
	return true;
}

/* The next word of *line separated by any of seps; false when none. */
static bool next_word(struct span *line, const char *seps, struct span *ret)
{
	size_t i = 0, start;

	while (i < line->n && strchr(seps, line->p[i]))
		i++;
	if (i == line->n)
		return false;
	start = i;
	while (i < line->n && !strchr(seps, line->p[i]))
		i++;
	*ret = (struct span){line->p + start, i - start};
	*line = span_from(*line, i);
	return true;
}

/*
 * A percentage as DRBD prints it ("%3u.%u" in /proc/drbd, "%.2f" from
 * drbdsetup), in permille, rounded down so that 1000 means done. drbdsetup
 * computes it from counters read at different moments, so a value a
 * little outside 0..100 ("-0.00" at the start of a full sync of a device
 * whose size is not a multiple of 4 KiB) is clamped, not refused.
 */
static int parse_percent(struct span s, int *ret)
{
	struct span ip = s, fp = {s.p + s.n, 0};
	bool negative = false;
	uint64_t v;
	const char *dot;

	if (s.n > 0 && s.p[0] == '-') {
		negative = true;
		ip = span_from(s, 1);
	}
	dot = memchr(ip.p, '.', ip.n);
	if (dot) {
		fp = (struct span){dot + 1, ip.n - (size_t)(dot - ip.p) - 1};
		ip.n = (size_t)(dot - ip.p);
		if (fp.n == 0)
			return -EINVAL;
		for (size_t i = 0; i < fp.n; i++)
			if (fp.p[i] < '0' || fp.p[i] > '9')
				return -EINVAL;
	}
	if (span_u64(ip, &v) < 0)
		return -EINVAL;
	if (negative) {
		*ret = 0;
		return 0;
	}
	if (v >= 100) {
		*ret = 1000;
		return 0;
	}
	*ret = (int)v * 10 + (fp.n ? fp.p[0] - '0' : 0);
	return 0;
}

/* ---------------------------------------------------- 8.4 /proc/drbd */

/*
 * "version: 8.4.11 (api:1/proto:86-101)" (drbd_seq_show: "version: "
 * REL_VERSION " (api:..."); REL_VERSION may carry a suffix ("8.4.11-1",
 * "9.2.0-rc.7"). DRBD 9's /proc/drbd starts the same way.
 */
static int parse_version_line(struct span line, int *ret_major, int *ret_minor)
{
	struct span v, num;
	uint64_t major, minor;
	size_t i;

	if (!span_starts(line, "version: "))
		return -EINVAL;
	line = span_from(line, strlen("version: "));
	if (!next_word(&line, " ", &v))
		return -EINVAL;
	for (i = 0; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	num = (struct span){v.p, i};
	if (span_u64(num, &major) < 0 || major > 1000 || i == v.n ||
	    v.p[i] != '.')
		return -EINVAL;
	v = span_from(v, i + 1);
	for (i = 0; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	num = (struct span){v.p, i};
	if (span_u64(num, &minor) < 0 || minor > 1000 ||
	    (i < v.n && v.p[i] != '.' && v.p[i] != '-'))
		return -EINVAL;
	*ret_major = (int)major;
	*ret_minor = (int)minor;
	return 0;
}

int status84_parse_version(const char *text, int *ret_major, int *ret_minor)
{
	struct span line;
	int major, minor, r;

	if (!text || !next_line(&text, &line))
		return -EINVAL;
	r = parse_version_line(line, &major, &minor);
	if (r < 0)
		return r;
	*ret_major = major;
	*ret_minor = minor;
	return 0;
}

/*
 * A device line starts "%2d: " (drbd_seq_show), so minor 1 is " 1:" and
 * minor 10 is "10:". Returns 1 and the minor and the rest of the line,
 * or 0 for any other line (counters, progress, the build tag, blank).
 */
static int minor_line(struct span line, uint64_t *ret_minor,
		      struct span *ret_rest)
{
	size_t i = 0, start;

	while (i < line.n && line.p[i] == ' ')
		i++;
	start = i;
	while (i < line.n && line.p[i] >= '0' && line.p[i] <= '9')
		i++;
	if (i == start || i == line.n || line.p[i] != ':')
		return 0;
	if (span_u64((struct span){line.p + start, i - start}, ret_minor) < 0)
		*ret_minor = UINT64_MAX; /* not a minor anyone asks for */
	*ret_rest = span_from(line, i + 1);
	return 1;
}

/* "Primary/Secondary" into two indexes of names; 0 or -EINVAL. */
static int parse_pair(struct span s, const char *const *names, int last,
		      int *ret_local, int *ret_peer)
{
	const char *slash = memchr(s.p, '/', s.n);
	struct span a, b;

	if (!slash)
		return -EINVAL;
	a = (struct span){s.p, (size_t)(slash - s.p)};
	b = span_from(s, a.n + 1);
	*ret_local = span_lookup(a, names, 0, last);
	*ret_peer = span_lookup(b, names, 0, last);
	return *ret_local < 0 || *ret_peer < 0 ? -EINVAL : 0;
}

/*
 * The rest of a device line: "cs:%s ro:%s/%s ds:%s/%s %c %c%c%c%c%c%c".
 * The protocol (%c) is a blank while there is no network config
 * (StandAlone), so the words are 4 or 5. The six I/O flags are, per the
 * DRBD 8.4 User's Guide, "I/O state flags" (and drbd_seq_show): I/O
 * suspension ('r' running, 's' suspended), then 'a', 'p', 'u' (resync
 * waiting for a resync-after dependency, paused by the peer, paused by
 * the local user), a locally blocked I/O reason ('d', 'b', 'n', 'a'),
 * and 's' for suspended activity-log updates. Only the first means
 * suspended application I/O; a trailing 's' does not.
 */
static int parse_device_words(struct span rest, struct drbd_status *st)
{
	struct span w[6], flags;
	size_t n = 0;
	int cs, a, b, r;

	while (n < ELEMENTSOF(w) && next_word(&rest, " \t", &w[n]))
		n++;
	if (n == ELEMENTSOF(w) || n == 0 || !span_starts(w[0], "cs:"))
		return -EINVAL;
	if (span_is(w[0], "cs:Unconfigured")) {
		if (n != 1)
			return -EINVAL;
		*st = status_absent;
		return 0;
	}
	if (n < 4)
		return -EINVAL;
	cs = span_lookup(span_from(w[0], 3), conn_names, CONN_STANDALONE,
			 CONN_BEHIND);
	if (cs < 0)
		return -EINVAL;
	if (!span_starts(w[1], "ro:") || !span_starts(w[2], "ds:"))
		return -EINVAL;
	r = parse_pair(span_from(w[1], 3), role_names, ROLE_PRIMARY, &a, &b);
	if (r < 0)
		return r;
	st->role = a;
	st->peer_role = b;
	r = parse_pair(span_from(w[2], 3), disk_names, DISK_UPTODATE, &a, &b);
	if (r < 0)
		return r;
	st->disk = a;
	st->peer_disk = b;
	if (n == 5) {
		if (w[3].n != 1 || !strchr("ABC", w[3].p[0]))
			return -EINVAL;
		flags = w[4];
	} else {
		flags = w[3];
	}
	if (flags.p[0] != 'r' && flags.p[0] != 's')
		return -EINVAL;
	st->suspended = flags.p[0] == 's';
	st->conn = cs;
	st->configured = true;
	st->sync_permille = -1;
	return 0;
}

/*
 * "\t[==>.................] sync'ed: 18.0% (169428/204756)K" follows the
 * counters of a device in SyncSource/SyncTarget, "verified:" in
 * VerifyS/VerifyT (drbd_syncer_progress). Returns 1 and the permille,
 * 0 when the line is not a progress bar, -EINVAL when it is a broken one.
 */
static int progress_line(struct span line, int *ret_permille)
{
	struct span pct;
	const char *end;

	while (line.n > 0 && (line.p[0] == '\t' || line.p[0] == ' '))
		line = span_from(line, 1);
	if (!span_starts(line, "["))
		return 0;
	end = memchr(line.p, ']', line.n);
	if (!end)
		return -EINVAL;
	line = span_from(line, (size_t)(end - line.p) + 1);
	while (line.n > 0 && line.p[0] == ' ')
		line = span_from(line, 1);
	/* "%3u.%u%%" right after the label: "sync'ed:100.0%" has no blank */
	if (span_starts(line, "sync'ed:"))
		line = span_from(line, strlen("sync'ed:"));
	else if (span_starts(line, "verified:"))
		line = span_from(line, strlen("verified:"));
	else
		return -EINVAL;
	if (!next_word(&line, " ", &pct) || pct.n < 2 ||
	    pct.p[pct.n - 1] != '%')
		return -EINVAL;
	pct.n--;
	if (parse_percent(pct, ret_permille) < 0)
		return -EINVAL;
	return 1;
}

int status84_parse_proc(const char *text, unsigned minor,
			struct drbd_status *ret)
{
	struct drbd_status st = status_absent;
	bool ours = false, found = false, progress = false;
	struct span line, rest;
	int major, vminor, permille, r;
	uint64_t m;

	if (!text || !next_line(&text, &line))
		return -EINVAL;
	r = parse_version_line(line, &major, &vminor);
	if (r < 0)
		return r;
	/* DRBD 9's /proc/drbd lists no devices: "not listed" would lie */
	if (major != 8)
		return -EINVAL;

	while (next_line(&text, &line)) {
		if (minor_line(line, &m, &rest)) {
			ours = m == minor;
			if (!ours)
				continue;
			if (found)
				return -EINVAL;
			found = true;
			r = parse_device_words(rest, &st);
			if (r < 0)
				return r;
			continue;
		}
		/* counters, the build tag, blank lines (holes between
		 * minors), proc_details statistics: not ours to read */
		if (!ours)
			continue;
		r = progress_line(line, &permille);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (progress || !st.configured)
			return -EINVAL;
		progress = true;
		st.sync_permille = permille;
	}
	if (st.configured)
		st.minor = (int)minor;
	*ret = st;
	return 0;
}

/* ------------------------------------------------- DRBD 9 state names */

/* What a two-node view calls the replication link of DRBD 9's
 * connection-state and replication-state. */
static int conn_from_9(const char *cstate, const char *repl,
		       enum drbd_conn *ret)
{
	struct span cs = {cstate, strlen(cstate)}, rs = {repl, strlen(repl)};
	int c, l;

	/* replication states are 8.4's connection states from
	 * StartingSyncS on, with "Off" and "Established" added */
	if (span_is(rs, "Off"))
		l = CONN_WF_REPORT_PARAMS;
	else if (span_is(rs, "Established"))
		l = CONN_CONNECTED;
	else
		l = span_lookup(rs, conn_names, CONN_STARTING_SYNC_S,
				CONN_BEHIND);
	if (l < 0)
		return -EINVAL;

	if (span_is(cs, "Connecting")) {
		c = CONN_CONNECTING;
	} else if (span_is(cs, "Connected")) {
		/*
		 * Connected with replication Off is the handshake; LINBIT's
		 * own 8.4 compat prints 8.4's WFReportParams that way
		 * (user/v84/drbdsetup.c: drbd_conn_str9, drbd_repl_str9).
		 */
		c = l;
	} else {
		c = span_lookup(cs, conn_names, CONN_STANDALONE,
				CONN_TEAR_DOWN);
	}
	if (c < 0)
		return -EINVAL;
	*ret = c;
	return 0;
}

/* The largest minor the kernel hands out (MINORMASK, 20 bits). */
#define MINOR_MAX 1048575

/* What both DRBD 9 parsers collect about the resource asked for. */
struct res9 {
	bool found;
	int role, suspended; /* -1 until read */
	bool has_disk; /* volume 0 seen */
	int disk;
	int minor; /* volume 0's; -1 when not given */
	bool has_conn; /* the first connection seen */
	uint64_t peer_node_id; /* events2: to find its peer devices */
	char cstate[24];
	int peer_role;
	bool has_peer; /* its volume 0 seen */
	char repl[24];
	int peer_disk;
	int in_sync, resync_done; /* permille, -1 when not given */
};

#define RES9_INIT                                                            \
	{                                                                    \
		.role = -1, .suspended = -1, .peer_role = -1, .in_sync = -1, \
		.resync_done = -1, .minor = -1,                              \
	}

/* A state name into one of res9's buffers; none is that long. */
static int span_copy(struct span s, char *buf, size_t size)
{
	if (s.n >= size || memchr(s.p, '\0', s.n))
		return -EINVAL;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return 0;
}

static bool conn_is_resync(enum drbd_conn c)
{
	return c == CONN_SYNC_SOURCE || c == CONN_SYNC_TARGET ||
	       c == CONN_PAUSED_SYNC_S || c == CONN_PAUSED_SYNC_T;
}

static int res9_status(const struct res9 *r, struct drbd_status *ret)
{
	struct drbd_status st = status_absent;
	int e;

	if (!r->found) {
		*ret = st;
		return 0;
	}
	if (r->role < 0 || r->suspended < 0)
		return -EINVAL;
	st.configured = true;
	st.role = r->role;
	st.suspended = r->suspended;
	/*
	 * A resource without volume 0 (new-resource before new-minor, or
	 * a half-done down) has no disk here: Diskless, so nothing calls it
	 * usable while stop still finds something to take down.
	 */
	st.disk = r->has_disk ? r->disk : DISK_DISKLESS;
	st.minor = r->minor;
	if (!r->has_conn) {
		/* no peer configured: what 8.4 calls StandAlone */
		st.conn = CONN_STANDALONE;
		*ret = st;
		return 0;
	}
	st.peer_role = r->peer_role;
	st.peer_disk = r->has_peer ? r->peer_disk : DISK_UNKNOWN;
	/* no peer device for volume 0 yet: no replication either */
	e = conn_from_9(r->cstate, r->has_peer ? r->repl : "Off", &st.conn);
	if (e < 0)
		return e;
	/*
	 * The progress `drbdsetup status` shows as "done:": the JSON's
	 * percent-resync-done, events2's done:, there while a resync (or
	 * verify) has details. For a resync without them drbdsetup shows
	 * how much is in sync (peer_device_status), and so do we.
	 */
	if (drbd_conn_is_connected(st.conn) && st.conn != CONN_CONNECTED) {
		if (r->resync_done >= 0)
			st.sync_permille = r->resync_done;
		else if (conn_is_resync(st.conn))
			st.sync_permille = r->in_sync;
	}
	*ret = st;
	return 0;
}

/* ------------------------------------------------------- JSON walker */

/*
 * Just enough JSON (RFC 8259) for drbdsetup's output: every value is
 * checked against the grammar, only the members this file needs are
 * read, and only at the depth where drbdsetup puts them, so a resource
 * name that appears as some other value (a peer host called "db") is
 * never taken for the resource.
 */
struct json {
	const char *p;
	int depth;
};

#define JSON_MAX_DEPTH 32

static void json_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool json_eat(struct json *j, char c)
{
	json_ws(j);
	if (*j->p != c)
		return false;
	j->p++;
	return true;
}

static int hex4(const char *p, uint32_t *ret)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* A string; *ret is its raw text between the quotes, escapes checked. */
static int json_string(struct json *j, struct span *ret)
{
	const char *s;
	uint32_t u;

	json_ws(j);
	if (*j->p != '"')
		return -EINVAL;
	s = ++j->p;
	for (; *j->p != '"'; j->p++) {
		if ((unsigned char)*j->p < 0x20) /* also the end of text */
			return -EINVAL;
		if (*j->p != '\\')
			continue;
		j->p++;
		if (*j->p == 'u') {
			if (hex4(j->p + 1, &u) < 0)
				return -EINVAL;
			j->p += 4;
		} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
			return -EINVAL;
		}
	}
	*ret = (struct span){s, (size_t)(j->p - s)};
	j->p++;
	return 0;
}

/* UTF-8 of code point cp into buf; returns the length. */
static size_t utf8(uint32_t cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * One character of a raw string (checked by json_string) as UTF-8 in
 * buf; advances *p. Returns the length, 0 for a lone surrogate, which is
 * no text. drbdsetup prints names with %s and never escapes, but
 * "d\u0062" is "db" all the same.
 */
static size_t json_char(const char **p, const char *end, char *buf)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *s = *p;
	uint32_t cp, lo;

	if (*s != '\\') {
		buf[0] = *s;
		*p = s + 1;
		return 1;
	}
	if (s[1] != 'u') {
		buf[0] = to[strchr(from, s[1]) - from];
		*p = s + 2;
		return 1;
	}
	(void)hex4(s + 2, &cp); /* checked by json_string */
	s += 6;
	if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 6 && s[0] == '\\' &&
	    s[1] == 'u' && hex4(s + 2, &lo) == 0 && lo >= 0xdc00 &&
	    lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		return 0;
	}
	*p = s;
	return utf8(cp, buf);
}

/* Whether a raw string means lit. */
static bool json_str_is(struct span raw, const char *lit)
{
	const char *p = raw.p, *end = raw.p + raw.n;
	size_t left = strlen(lit);

	while (p < end) {
		char buf[4];
		size_t n = json_char(&p, end, buf);

		if (n == 0 || n > left || memcmp(lit, buf, n) != 0)
			return false;
		lit += n;
		left -= n;
	}
	return left == 0;
}

/* A raw string decoded into buf: 0, or -EINVAL when it does not fit or
 * holds what no C string can. */
static int json_decode(struct span raw, char *buf, size_t size)
{
	const char *p = raw.p, *end = raw.p + raw.n;
	size_t len = 0;

	while (p < end) {
		char c[4];
		size_t n = json_char(&p, end, c);

		if (n == 0 || len + n >= size || memchr(c, '\0', n))
			return -EINVAL;
		memcpy(buf + len, c, n);
		len += n;
	}
	buf[len] = '\0';
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number; *ret is its text. */
static int json_number(struct json *j, struct span *ret)
{
	const char *s;

	json_ws(j);
	s = j->p;
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (is_digit(*j->p))
		while (is_digit(*j->p))
			j->p++;
	else
		return -EINVAL;
	if (*j->p == '.') {
		j->p++;
		if (!is_digit(*j->p))
			return -EINVAL;
		while (is_digit(*j->p))
			j->p++;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!is_digit(*j->p))
			return -EINVAL;
		while (is_digit(*j->p))
			j->p++;
	}
	*ret = (struct span){s, (size_t)(j->p - s)};
	return 0;
}

static bool json_literal(struct json *j, const char *lit)
{
	size_t n = strlen(lit);

	json_ws(j);
	if (strncmp(j->p, lit, n) != 0)
		return false;
	j->p += n;
	return true;
}

static int json_bool(struct json *j, bool *ret)
{
	if (json_literal(j, "true"))
		*ret = true;
	else if (json_literal(j, "false"))
		*ret = false;
	else
		return -EINVAL;
	return 0;
}

/*
 * Iterating containers: the first call (*first true) opens it. Each call
 * returns 1 with the cursor at the next element (for an object, after
 * its key, returned in *key, and the colon), 0 at the end, or -EINVAL.
 */
static int json_next(struct json *j, bool object, bool *first, struct span *key)
{
	char open = object ? '{' : '[', close = object ? '}' : ']';
	int r;

	if (*first) {
		if (!json_eat(j, open))
			return -EINVAL;
		*first = false;
		if (json_eat(j, close))
			return 0;
	} else {
		if (json_eat(j, close))
			return 0;
		if (!json_eat(j, ','))
			return -EINVAL;
	}
	if (!object)
		return 1;
	r = json_string(j, key);
	if (r < 0)
		return r;
	return json_eat(j, ':') ? 1 : -EINVAL;
}

/* Checks and steps over any value. */
static int json_skip(struct json *j)
{
	struct span s;
	bool first = true, object;
	int r;

	json_ws(j);
	switch (*j->p) {
	case '"':
		return json_string(j, &s);
	case '{':
	case '[':
		if (++j->depth > JSON_MAX_DEPTH)
			return -EINVAL;
		object = *j->p == '{';
		while ((r = json_next(j, object, &first, &s)) > 0) {
			r = json_skip(j);
			if (r < 0)
				return r;
		}
		j->depth--;
		return r;
	case 't':
	case 'f':
	case 'n':
		if (json_literal(j, "true") || json_literal(j, "false") ||
		    json_literal(j, "null"))
			return 0;
		return -EINVAL;
	default:
		return json_number(j, &s);
	}
}

/* A string member's value, looked up in names[first..last]. */
static int json_name(struct json *j, const char *const *names, int first,
		     int last, int *ret)
{
	struct span s;
	int r, i;

	r = json_string(j, &s);
	if (r < 0)
		return r;
	for (i = first; i <= last; i++)
		if (json_str_is(s, names[i]))
			break;
	if (i > last)
		return -EINVAL;
	*ret = i;
	return 0;
}

/* A string member's value, decoded into buf to be mapped later (it may
 * need a member that comes after it). A repeated member is refused. */
static int json_keep(struct json *j, char *buf, size_t size, bool *seen)
{
	struct span s;
	int r;

	if (*seen)
		return -EINVAL;
	*seen = true;
	r = json_string(j, &s);
	if (r < 0)
		return r;
	return json_decode(s, buf, size);
}

static int json_volume(struct json *j, uint64_t *ret)
{
	struct span s;
	int r = json_number(j, &s);

	if (r < 0)
		return r;
	return span_u64(s, ret) < 0 ? -EINVAL : 0;
}

static int json_percent(struct json *j, int *ret)
{
	struct span s;
	int r;

	if (*ret >= 0)
		return -EINVAL; /* twice */
	r = json_number(j, &s);
	if (r < 0)
		return r;
	return parse_percent(s, ret) < 0 ? -EINVAL : 0;
}

/* A state name among names[0..last]; -1 when it is none of them. */
static int name_index(const char *s, const char *const *names, int last)
{
	return span_lookup((struct span){s, strlen(s)}, names, 0, last);
}

/* One of "devices": "volume", "disk-state", "minor". */
static int json_device(struct json *j, struct res9 *res)
{
	struct span key;
	bool first = true, has_vol = false, has_disk = false, has_minor = false;
	char disk[24];
	uint64_t vol = 0, minor = 0;
	int r;

	while ((r = json_next(j, true, &first, &key)) > 0) {
		if (json_str_is(key, "volume")) {
			if (has_vol)
				return -EINVAL;
			has_vol = true;
			r = json_volume(j, &vol);
		} else if (json_str_is(key, "minor")) {
			if (has_minor)
				return -EINVAL;
			has_minor = true;
			r = json_volume(j, &minor);
			if (r == 0 && minor > MINOR_MAX)
				r = -EINVAL;
		} else if (json_str_is(key, "disk-state")) {
			r = json_keep(j, disk, sizeof(disk), &has_disk);
		} else {
			r = json_skip(j);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!has_vol || !has_disk)
		return -EINVAL;
	if (vol != 0)
		return 0;
	if (res->has_disk)
		return -EINVAL;
	res->has_disk = true;
	if (has_minor)
		res->minor = (int)minor;
	res->disk = name_index(disk, disk_names, DISK_UPTODATE);
	return res->disk < 0 ? -EINVAL : 0;
}

/* One of "peer_devices": "volume", "replication-state",
 * "peer-disk-state", "percent-in-sync", "percent-resync-done". */
static int json_peer_device(struct json *j, struct res9 *res)
{
	struct span key;
	bool first = true, has_vol = false, has_repl = false, has_pdisk = false;
	char repl[sizeof(res->repl)], pdisk[24];
	int in_sync = -1, done = -1, r;
	uint64_t vol = 0;

	while ((r = json_next(j, true, &first, &key)) > 0) {
		if (json_str_is(key, "volume")) {
			if (has_vol)
				return -EINVAL;
			has_vol = true;
			r = json_volume(j, &vol);
		} else if (json_str_is(key, "replication-state")) {
			r = json_keep(j, repl, sizeof(repl), &has_repl);
		} else if (json_str_is(key, "peer-disk-state")) {
			r = json_keep(j, pdisk, sizeof(pdisk), &has_pdisk);
		} else if (json_str_is(key, "percent-in-sync")) {
			r = json_percent(j, &in_sync);
		} else if (json_str_is(key, "percent-resync-done")) {
			r = json_percent(j, &done);
		} else {
			r = json_skip(j);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!has_vol || !has_repl || !has_pdisk)
		return -EINVAL;
	if (vol != 0)
		return 0;
	if (res->has_peer)
		return -EINVAL;
	res->has_peer = true;
	memcpy(res->repl, repl, sizeof(repl));
	res->peer_disk = name_index(pdisk, disk_names, DISK_UPTODATE);
	res->in_sync = in_sync;
	res->resync_done = done;
	return res->peer_disk < 0 ? -EINVAL : 0;
}

/* The first of "connections": "peer-node-id", "connection-state",
 * "peer-role", "peer_devices". */
static int json_connection(struct json *j, struct res9 *res)
{
	struct span key;
	bool first = true, has_cstate = false, has_pds = false, pfirst;
	int r;

	res->has_conn = true;
	while ((r = json_next(j, true, &first, &key)) > 0) {
		if (json_str_is(key, "connection-state")) {
			r = json_keep(j, res->cstate, sizeof(res->cstate),
				      &has_cstate);
		} else if (json_str_is(key, "peer-role")) {
			if (res->peer_role >= 0)
				return -EINVAL;
			r = json_name(j, role_names, 0, ROLE_PRIMARY,
				      &res->peer_role);
		} else if (json_str_is(key, "peer_devices")) {
			if (has_pds)
				return -EINVAL;
			has_pds = true;
			pfirst = true;
			while ((r = json_next(j, false, &pfirst, &key)) > 0) {
				r = json_peer_device(j, res);
				if (r < 0)
					return r;
			}
		} else {
			r = json_skip(j);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return has_cstate && has_pds && res->peer_role >= 0 ? 0 : -EINVAL;
}

/* A member of the resource object this parser was asked about. */
static int json_resource_member(struct json *j, struct span key,
				struct res9 *res, bool *has_devs,
				bool *has_conns)
{
	bool first = true, b;
	struct span k;
	int r;

	if (json_str_is(key, "role")) {
		if (res->role >= 0)
			return -EINVAL;
		return json_name(j, role_names, 0, ROLE_PRIMARY, &res->role);
	}
	if (json_str_is(key, "suspended")) {
		if (res->suspended >= 0)
			return -EINVAL;
		r = json_bool(j, &b);
		if (r < 0)
			return r;
		res->suspended = b;
		return 0;
	}
	if (json_str_is(key, "devices")) {
		if (*has_devs)
			return -EINVAL;
		*has_devs = true;
		while ((r = json_next(j, false, &first, &k)) > 0) {
			r = json_device(j, res);
			if (r < 0)
				return r;
		}
		return r;
	}
	if (json_str_is(key, "connections")) {
		if (*has_conns)
			return -EINVAL;
		*has_conns = true;
		/* two-node view: the first peer; the others are checked
		 * for syntax only */
		while ((r = json_next(j, false, &first, &k)) > 0) {
			r = res->has_conn ? json_skip(j)
					  : json_connection(j, res);
			if (r < 0)
				return r;
		}
		return r;
	}
	return json_skip(j);
}

static int json_resource(struct json *j, struct res9 *res)
{
	struct span key;
	bool first = true, has_devs = false, has_conns = false;
	int r;

	while ((r = json_next(j, true, &first, &key)) > 0) {
		r = json_resource_member(j, key, res, &has_devs, &has_conns);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return has_devs && has_conns ? 0 : -EINVAL;
}

/* Whether the resource object at the cursor has "name": resource;
 * steps over the object. */
static int json_resource_is(struct json *j, const char *resource, bool *ret)
{
	struct span key, name;
	bool first = true, has_name = false;
	int r;

	json_ws(j);
	if (*j->p != '{')
		return -EINVAL;
	while ((r = json_next(j, true, &first, &key)) > 0) {
		if (!json_str_is(key, "name")) {
			r = json_skip(j);
		} else if (has_name) {
			return -EINVAL;
		} else {
			has_name = true;
			r = json_string(j, &name); /* any length */
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!has_name)
		return -EINVAL;
	*ret = json_str_is(name, resource);
	return 0;
}

int status9_parse_json(const char *text, const char *resource,
		       struct drbd_status *ret)
{
	struct json j = {.p = text};
	struct res9 res = RES9_INIT;
	bool first = true, match;
	struct span key;
	const char *start;
	int r;

	if (!text || !resource || !*resource)
		return -EINVAL;
	/* status_cmd: puts("[") ... puts("]\n"), even when nothing matched */
	while ((r = json_next(&j, false, &first, &key)) > 0) {
		json_ws(&j);
		start = j.p;
		r = json_resource_is(&j, resource, &match);
		if (r < 0)
			return r;
		if (!match)
			continue;
		if (res.found)
			return -EINVAL;
		res.found = true;
		j.p = start;
		r = json_resource(&j, &res);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	json_ws(&j);
	if (*j.p)
		return -EINVAL;
	return res9_status(&res, ret);
}

/* ---------------------------------------------------- DRBD 9 events2 */

/*
 * The value of key in an events2 line ("exists device name:db volume:0
 * ... disk:UpToDate"): words are separated by one blank and a key ends
 * at the first colon, so "conn-name:db" is no "name". Returns 1 and the
 * value, 0 when the key is absent, -EINVAL when it is there twice.
 */
static int ev_value(struct span line, const char *key, struct span *ret)
{
	size_t klen = strlen(key);
	struct span w;
	int found = 0;

	while (next_word(&line, " ", &w)) {
		if (w.n <= klen || memcmp(w.p, key, klen) != 0 ||
		    w.p[klen] != ':')
			continue;
		if (found++)
			return -EINVAL;
		*ret = span_from(w, klen + 1);
	}
	return found;
}

/* A key every line of its kind has: 0 or -EINVAL. */
static int ev_need(struct span line, const char *key, struct span *ret)
{
	int r = ev_value(line, key, ret);

	return r == 1 ? 0 : -EINVAL;
}

static int ev_u64(struct span line, const char *key, uint64_t *ret)
{
	struct span v;
	int r = ev_need(line, key, &v);

	if (r < 0)
		return r;
	return span_u64(v, ret) < 0 ? -EINVAL : 0;
}

/* "suspended:no", or which of "user,no-data,fencing,quorum" (susp_str). */
static int ev_suspended(struct span v, int *ret)
{
	static const char *const reasons[] = {
		"user",
		"no-data",
		"fencing",
		"quorum",
	};

	if (span_is(v, "no")) {
		*ret = 0;
		return 0;
	}
	for (;;) {
		const char *comma = memchr(v.p, ',', v.n);
		struct span w = {v.p, comma ? (size_t)(comma - v.p) : v.n};

		if (span_lookup(w, reasons, 0, ELEMENTSOF(reasons) - 1) < 0)
			return -EINVAL;
		if (!comma)
			break;
		v = span_from(v, w.n + 1);
	}
	*ret = 1;
	return 0;
}

static int ev_resource(struct span line, struct res9 *res)
{
	struct span v;
	int r;

	if (res->found)
		return -EINVAL;
	res->found = true;
	r = ev_need(line, "role", &v);
	if (r < 0)
		return r;
	res->role = span_lookup(v, role_names, 0, ROLE_PRIMARY);
	if (res->role < 0)
		return -EINVAL;
	r = ev_need(line, "suspended", &v);
	if (r < 0)
		return r;
	return ev_suspended(v, &res->suspended);
}

static int ev_connection(struct span line, struct res9 *res)
{
	struct span v;
	uint64_t id;
	int r;

	r = ev_u64(line, "peer-node-id", &id);
	if (r < 0)
		return r;
	if (res->has_conn)
		return id == res->peer_node_id ? -EINVAL : 0;
	res->has_conn = true;
	res->peer_node_id = id;
	r = ev_need(line, "connection", &v);
	if (r < 0 || (r = span_copy(v, res->cstate, sizeof(res->cstate))) < 0)
		return r;
	r = ev_need(line, "role", &v);
	if (r < 0)
		return r;
	res->peer_role = span_lookup(v, role_names, 0, ROLE_PRIMARY);
	return res->peer_role < 0 ? -EINVAL : 0;
}

static int ev_device(struct span line, struct res9 *res)
{
	struct span v, m;
	uint64_t vol, minor;
	int r;

	r = ev_u64(line, "volume", &vol);
	if (r < 0 || vol != 0)
		return r;
	if (res->has_disk)
		return -EINVAL;
	r = ev_need(line, "disk", &v);
	if (r < 0)
		return r;
	/* "minor:" (print_device_changes()), when it is there */
	r = ev_value(line, "minor", &m);
	if (r < 0 || (r == 1 && (span_u64(m, &minor) < 0 || minor > MINOR_MAX)))
		return -EINVAL;
	if (r == 1)
		res->minor = (int)minor;
	res->has_disk = true;
	res->disk = span_lookup(v, disk_names, 0, DISK_UPTODATE);
	return res->disk < 0 ? -EINVAL : 0;
}

static int ev_peer_device(struct span line, struct res9 *res)
{
	struct span v;
	uint64_t id, vol;
	int r;

	r = ev_u64(line, "peer-node-id", &id);
	if (r < 0)
		return r;
	r = ev_u64(line, "volume", &vol);
	if (r < 0)
		return r;
	/* print_changes prints each connection before its peer devices */
	if (!res->has_conn)
		return -EINVAL;
	if (id != res->peer_node_id || vol != 0)
		return 0;
	if (res->has_peer)
		return -EINVAL;
	res->has_peer = true;
	r = ev_need(line, "replication", &v);
	if (r < 0 || (r = span_copy(v, res->repl, sizeof(res->repl))) < 0)
		return r;
	r = ev_need(line, "peer-disk", &v);
	if (r < 0)
		return r;
	res->peer_disk = span_lookup(v, disk_names, 0, DISK_UPTODATE);
	if (res->peer_disk < 0)
		return -EINVAL;
	/* "done:" (print_peer_device_statistics) only while resyncing */
	r = ev_value(line, "done", &v);
	if (r < 0)
		return r;
	if (r == 1 && parse_percent(v, &res->resync_done) < 0)
		return -EINVAL;
	return 0;
}

int status9_parse_events2(const char *text, const char *resource,
			  struct drbd_status *ret)
{
	struct res9 res = RES9_INIT;
	struct span line, w, object, name;
	bool done = false, others = false;
	int r;

	if (!text || !resource || !*resource)
		return -EINVAL;
	/*
	 * drbdsetup(8), events2: a line is the event ("exists" for the
	 * current state), the object, then key:value words; "exists -"
	 * says the current state has been dumped completely. What follows
	 * it (without --now: changes) is not the snapshot.
	 */
	while (!done && next_line(&text, &line)) {
		if (!next_word(&line, " ", &w) || !span_is(w, "exists") ||
		    !next_word(&line, " ", &object))
			return -EINVAL;
		if (span_is(object, "-")) {
			if (next_word(&line, " ", &w))
				return -EINVAL;
			done = true;
			continue;
		}
		r = ev_need(line, "name", &name);
		if (r < 0)
			return r;
		if (!span_is(name, resource))
			continue;
		if (span_is(object, "resource")) {
			r = ev_resource(line, &res);
		} else {
			others = true;
			if (span_is(object, "connection"))
				r = ev_connection(line, &res);
			else if (span_is(object, "device"))
				r = ev_device(line, &res);
			else if (span_is(object, "peer-device"))
				r = ev_peer_device(line, &res);
			else
				r = 0; /* path, and what may come */
		}
		if (r < 0)
			return r;
	}
	/* cut short (drbdsetup killed by a timeout), or not events2 */
	if (!done)
		return -EINVAL;
	/* the kernel dumps a resource's own line first (get_initial_state) */
	if (others && !res.found)
		return -EINVAL;
	return res9_status(&res, ret);
}
