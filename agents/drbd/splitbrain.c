/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The formats, from the code that writes them:
 *   /dev/kmsg records   Documentation/ABI/testing/dev-kmsg,
 *                       kernel/printk/printk.c (devkmsg_read,
 *                       info_print_ext_header: "%u,%llu,%llu,%c;")
 *   DRBD 8.4's lines    drivers/block/drbd/drbd_int.h (drbd_alert and
 *                       friends: dev_printk on the device's gendisk,
 *                       "block drbd0: "; printk "drbd %s: " with the
 *                       resource's name for its connection),
 *                       drbd_receiver.c (drbd_sync_handshake),
 *                       drbd_state.c (print_state_change: "conn( %s -> %s )")
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "splitbrain.h"
#include "status.h"

#define SPLIT_TEXT "Split-Brain detected but unresolved, dropping connection!"

/* Longer than any record devkmsg_read() returns (CONSOLE_EXT_LOG_MAX,
 * 8 KiB, with its continuation lines); read() fails with EINVAL on a
 * buffer too small for the next record. */
#define KMSG_BUF (16 * 1024)

/* What the kernel log can hold at most (CONFIG_LOG_BUF_SHIFT <= 25), twice:
 * a kernel that logs as fast as we read cannot keep us reading. */
#define KMSG_MAX_BYTES (64u * 1024 * 1024)

void splitbrain_init(struct splitbrain_scan *s, unsigned minor,
		     const char *resource)
{
	*s = (struct splitbrain_scan){
		.minor = minor,
		.resource = resource,
	};
}

/* A decimal field of a record header, up to the next comma. */
static const char *header_u64(const char *p, const char *end, uint64_t *ret)
{
	char buf[24];
	size_t n = 0;

	while (p + n < end && p[n] >= '0' && p[n] <= '9')
		n++;
	if (n == 0 || n >= sizeof(buf) || p + n == end || p[n] != ',')
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (procfs_parse_u64(buf, ret) < 0)
		return NULL;
	return p + n + 1;
}

/*
 * "prio,seq,usec,flags[,more];text": the sequence number, the time and
 * the text. Fields after usec are skipped up to the ';' (the kernel has
 * added some over time: the caller id). Returns 0 or -EINVAL.
 */
static int parse_header(const char *line, size_t len, uint64_t *ret_seq,
			uint64_t *ret_usec, const char **ret_text,
			size_t *ret_len)
{
	const char *end = line + len, *p = line, *semi;
	uint64_t prio, seq, usec;

	p = header_u64(p, end, &prio);
	if (p)
		p = header_u64(p, end, &seq);
	if (p)
		p = header_u64(p, end, &usec);
	if (!p)
		return -EINVAL;
	semi = memchr(p, ';', (size_t)(end - p));
	if (!semi)
		return -EINVAL;
	*ret_seq = seq;
	*ret_usec = usec;
	*ret_text = semi + 1;
	*ret_len = (size_t)(end - semi - 1);
	return 0;
}

enum whose { NOT_OURS, DEVICE, RESOURCE };

/* Whether text starts with "block drbd<minor>: " (the device) or "drbd
 * <resource>: " (its connection); the rest in *rest. */
static enum whose ours(const struct splitbrain_scan *s, const char *text,
		       size_t len, const char **rest, size_t *rest_len)
{
	char dev[32];
	size_t n, rn = strlen(s->resource);
	enum whose w;

	n = (size_t)snprintf(dev, sizeof(dev), "block drbd%u: ", s->minor);
	if (len >= n && memcmp(text, dev, n) == 0) {
		w = DEVICE;
	} else {
		n = 5 + rn + 2;
		if (len < n || memcmp(text, "drbd ", 5) != 0 ||
		    memcmp(text + 5, s->resource, rn) != 0 ||
		    memcmp(text + 5 + rn, ": ", 2) != 0)
			return NOT_OURS;
		w = RESOURCE;
	}
	*rest = text + n;
	*rest_len = len - n;
	return w;
}

/* "... conn( WFReportParams -> Connected ) ...": whether the new state is
 * one where the link is up (Connected, the resync and verify states). */
static bool to_connected(const char *p, size_t len)
{
	const char *end = p + len, *c, *w;
	size_t n;

	c = memmem(p, len, "conn( ", 6);
	if (!c)
		return false;
	c = memmem(c, (size_t)(end - c), " -> ", 4);
	if (!c)
		return false;
	w = c + 4;
	for (n = 0; w + n < end && w[n] != ' '; n++)
		;
	for (int i = CONN_STANDALONE; i <= CONN_BEHIND; i++) {
		const char *name = drbd_conn_name(i);

		if (strlen(name) == n && memcmp(w, name, n) == 0)
			return drbd_conn_is_connected(i);
	}
	return false; /* a state this code does not know */
}

static void record(struct splitbrain_scan *s, const char *line, size_t len)
{
	const char *text, *rest;
	size_t tlen, rlen;
	uint64_t seq, usec;
	enum whose w;

	if (parse_header(line, len, &seq, &usec, &text, &tlen) < 0)
		return;
	if (s->records == 0)
		s->complete = seq == 0;
	else if (seq != s->next_seq)
		splitbrain_lost(s);
	s->records++;
	s->next_seq = seq + 1;
	w = ours(s, text, tlen, &rest, &rlen);
	if (w == NOT_OURS)
		return;
	/* drbd_sync_handshake says it of the device (drbd_alert(device)) */
	if (w == DEVICE && rlen == strlen(SPLIT_TEXT) &&
	    memcmp(rest, SPLIT_TEXT, rlen) == 0) {
		s->split = true;
		s->connected = false;
		s->split_seq = seq;
		s->split_usec = usec;
	} else if (to_connected(rest, rlen)) {
		s->split = false;
		s->connected = true;
	}
}

void splitbrain_feed(struct splitbrain_scan *s, const char *text, size_t len)
{
	const char *end = text + len;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		const char *eol = nl ? nl : end;

		/* continuation lines start with a blank; headers a digit */
		if (text < eol && *text >= '0' && *text <= '9')
			record(s, text, (size_t)(eol - text));
		text = nl ? nl + 1 : end;
	}
}

void splitbrain_lost(struct splitbrain_scan *s)
{
	s->complete = false;
	/* a split brain may have followed that connection */
	s->connected = false;
}

enum splitbrain_verdict splitbrain_verdict(const struct splitbrain_scan *s)
{
	if (s->split)
		return SPLITBRAIN_UNRESOLVED;
	if (s->connected || (s->complete && s->records > 0))
		return SPLITBRAIN_NONE;
	return SPLITBRAIN_UNKNOWN;
}

int splitbrain_read(const char *path, struct splitbrain_scan *s)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t have = 0, total = 0;
	bool skipping = false;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(KMSG_BUF);
	if (!buf)
		return -ENOMEM;
	while (total < KMSG_MAX_BYTES) {
		ssize_t n = read(fd, buf + have, KMSG_BUF - have);
		char *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break; /* the end of /dev/kmsg */
			if (errno == EPIPE) {
				/* overwritten before we got to them */
				splitbrain_lost(s);
				continue;
			}
			return -errno;
		}
		if (n == 0)
			break; /* the end of a file */
		total += (size_t)n;
		have += (size_t)n;
		/* whole lines to the scan; a regular file's last partial
		 * line waits for the next read */
		nl = memrchr(buf, '\n', have);
		if (nl) {
			size_t done = (size_t)(nl - buf) + 1;
			char *first = memchr(buf, '\n', have);
			size_t skip = 0;

			if (skipping) /* the end of an overlong line */
				skip = (size_t)(first - buf) + 1;
			skipping = false;
			splitbrain_feed(s, buf + skip, done - skip);
			memmove(buf, buf + done, have - done);
			have -= done;
		} else if (have == KMSG_BUF) {
			/* no record is this long: skip the line */
			have = 0;
			skipping = true;
		}
	}
	if (have && !skipping)
		splitbrain_feed(s, buf, have);
	if (total >= KMSG_MAX_BYTES)
		splitbrain_lost(s);
	return 0;
}
