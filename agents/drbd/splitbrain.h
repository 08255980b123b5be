/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why a DRBD 8.4 device is StandAlone: the kernel log's account of its
 * last handshakes. Neither /proc/drbd nor drbdsetup says why a device is
 * StandAlone; only the log does. DRBD decides a split brain at the
 * handshake after a reconnect (drbd_sync_handshake) and, when its
 * after-sb-* policies do not settle it, logs at alert level
 *
 *   block drbd0: Split-Brain detected but unresolved, dropping connection!
 *
 * and drops the connection for good (StandAlone). The split brain lasts
 * until the device connects again, which DRBD only lets happen once one
 * side's changes are discarded (a later "conn( ... -> Connected )", or a
 * resync state, in the log of the device or its resource).
 *
 * The scanner reads the records of /dev/kmsg (one per read(), structured:
 * "prio,seq,usec,flags;text", continuation lines " KEY=value"), as the
 * 8.4 module in Linux 6.1 writes them: "block drbd<minor>: " for a device,
 * "drbd <resource>: " for its connection. The matcher is pure (text in,
 * verdict out) so that tests feed it real captures.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum splitbrain_verdict {
	/* the log no longer reaches back to the device's last connection
	 * or split brain (it wrapped), or could not be read */
	SPLITBRAIN_UNKNOWN,
	/* no split brain since the device last connected (or since boot) */
	SPLITBRAIN_NONE,
	/* a split brain the device has not connected after */
	SPLITBRAIN_UNRESOLVED,
};

struct splitbrain_scan {
	unsigned minor;
	const char *resource;   /* not copied: must outlive the scan */
	uint64_t records;       /* records seen */
	uint64_t next_seq;      /* the sequence number expected next */
	bool complete;          /* no record lost since boot (the first
				 * one seen was seq 0, no gap since) */
	bool connected;         /* connected since the last split brain */
	bool split;             /* a split brain, not connected since */
	uint64_t split_seq;     /* its record: sequence number, */
	uint64_t split_usec;    /* time since boot (µs) */
};

/* Starts a scan for the device minor of resource. */
void splitbrain_init(struct splitbrain_scan *s, unsigned minor,
		     const char *resource);

/*
 * Feeds kernel log text: one /dev/kmsg record or many (a capture), whole
 * lines only. Lines that are no record header (continuations, blank) are
 * skipped; so are header lines that do not parse. A gap in the sequence
 * numbers (records overwritten before they were read) makes the scan
 * incomplete and forgets a connection seen before the gap, since a split
 * brain may be among the lost records.
 */
void splitbrain_feed(struct splitbrain_scan *s, const char *text, size_t len);

/* Records lost before the next one fed (read() said EPIPE). */
void splitbrain_lost(struct splitbrain_scan *s);

enum splitbrain_verdict splitbrain_verdict(const struct splitbrain_scan *s);

/*
 * Reads the kernel log at path (/dev/kmsg: O_NONBLOCK, one record per
 * read() until EAGAIN; a regular file, for tests, to its end) into the
 * scan. Returns 0, or -errno when it cannot be opened or read; what was
 * fed before a read error stays in the scan.
 */
int splitbrain_read(const char *path, struct splitbrain_scan *s);
