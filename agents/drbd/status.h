/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DRBD state, parsed from what the kernel and drbdsetup print: DRBD 8.4's
 * /proc/drbd (no fork), DRBD 9's `drbdsetup status --json` and
 * `drbdsetup events2 --now`. Pure parsers: text in, struct out. Two-node
 * view: for DRBD 9, the first connection (peer) of the resource.
 */
#pragma once

#include <stdbool.h>

enum drbd_role {
	ROLE_UNKNOWN,
	ROLE_SECONDARY,
	ROLE_PRIMARY,
};

enum drbd_disk {
	DISK_UNKNOWN,           /* "DUnknown": the peer's, when not connected */
	DISK_DISKLESS,
	DISK_ATTACHING,
	DISK_DETACHING,
	DISK_FAILED,
	DISK_NEGOTIATING,
	DISK_INCONSISTENT,
	DISK_OUTDATED,
	DISK_CONSISTENT,
	DISK_UPTODATE,
};

enum drbd_conn {
	CONN_UNKNOWN,
	CONN_STANDALONE,
	CONN_DISCONNECTING,
	CONN_UNCONNECTED,
	CONN_TIMEOUT,
	CONN_BROKEN_PIPE,
	CONN_NETWORK_FAILURE,
	CONN_PROTOCOL_ERROR,
	CONN_TEAR_DOWN,
	CONN_CONNECTING,        /* 8.4: WFConnection */
	CONN_WF_REPORT_PARAMS,
	CONN_CONNECTED,
	CONN_STARTING_SYNC_S,
	CONN_STARTING_SYNC_T,
	CONN_WF_BITMAP_S,
	CONN_WF_BITMAP_T,
	CONN_WF_SYNC_UUID,
	CONN_SYNC_SOURCE,
	CONN_SYNC_TARGET,
	CONN_PAUSED_SYNC_S,
	CONN_PAUSED_SYNC_T,
	CONN_VERIFY_S,
	CONN_VERIFY_T,
	CONN_AHEAD,
	CONN_BEHIND,
};

struct drbd_status {
	bool configured;        /* the device/resource exists in the kernel */
	enum drbd_role role, peer_role;
	enum drbd_disk disk, peer_disk;
	enum drbd_conn conn;    /* replication state (8.4's cs:) */
	int sync_permille;      /* resync (or verify) progress, 0..1000;
				 * -1 when none */
	bool suspended;         /* I/O suspended (8.4: the first I/O flag
				 * is 's') */
	int minor;              /* the device's minor (DRBD 9: volume 0's);
				 * -1 when not configured or not given */
};

/* The names DRBD itself prints (8.4 spellings: "WFConnection", ...). */
const char *drbd_role_name(enum drbd_role r);
const char *drbd_disk_name(enum drbd_disk d);
const char *drbd_conn_name(enum drbd_conn c);

/* true for the states where the replication link is up (Connected and
 * the sync/verify/ahead states). */
bool drbd_conn_is_connected(enum drbd_conn c);

/*
 * DRBD 8.4's /proc/drbd: the "version:" line, then per configured minor
 * " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----"
 * and counters, and during a resync a progress line "[==>....] sync'ed:
 * 12.3% ...". Fills *ret for minor; a minor that is not listed (or is
 * listed as "cs:Unconfigured") gives configured = false. Returns 0, or
 * -EINVAL when the text is not DRBD 8's /proc/drbd (DRBD 9's lists no
 * devices, so "not listed" would be a lie).
 */
int status84_parse_proc(const char *text, unsigned minor,
			struct drbd_status *ret);

/* The "version: 8.4.11 (api:1/proto:86-101)" of /proc/drbd: 0 and
 * ret_major and ret_minor, or -EINVAL. */
int status84_parse_version(const char *text, int *ret_major, int *ret_minor);

/*
 * DRBD 9's `drbdsetup status <res> --json`: a JSON array of resources with
 * "role", "devices" (volume 0: "disk-state", "minor"), "connections" (the
 * first: "connection-state", "peer-role", "peer_devices" volume 0:
 * "peer-disk-state", "replication-state", "percent-resync-done", else
 * "percent-in-sync"). A resource not listed gives configured = false.
 * Returns 0 or -EINVAL.
 */
int status9_parse_json(const char *text, const char *resource,
		       struct drbd_status *ret);

/*
 * DRBD 9's `drbdsetup events2 --now <res>`: "exists resource name:db
 * role:Primary ...", "exists device ... minor:0 ... disk:UpToDate", "exists
 * connection ... connection:Connected role:Secondary", "exists
 * peer-device ... replication:Established peer-disk:UpToDate", then
 * "exists -". drbdsetup-84's events2 on 8.4 speaks the same words.
 * Returns 0 or -EINVAL.
 */
int status9_parse_events2(const char *text, const char *resource,
			  struct drbd_status *ret);
