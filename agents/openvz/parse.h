/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure parsers (text in, struct out) for the openvz agent: vzctl's status
 * line and container config, OpenVZ's /proc/vz/veinfo, LXC's state and
 * config, and the plan of a stop against its deadline. No I/O here, so
 * the unit tests feed them recorded and documented outputs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `vzctl status <ctid>`: "CTID <id> exist|deleted mounted|unmounted
 * running|down [suspended]" (vzctl(8)). */
struct vzstatus {
	bool exists;
	bool mounted;
	bool running;
	bool suspended;
};

/* Returns 0, or -EINVAL when the line is not vzctl's status of ctid. */
int vzstatus_parse(const char *text, const char *ctid, struct vzstatus *ret);

/*
 * A container's ctid.conf(5) (or the global vz.conf(5)): shell-style
 * NAME="value" lines; comments (#) and blank lines ignored; values may be
 * double- or single-quoted or bare; "$VEID" and "${VEID}" in VE_PRIVATE and
 * VE_ROOT are replaced by veid. Fields not found are left NULL/false.
 * Strings are malloc'd; free with vzconf_free().
 */
struct vzconf {
	char *ve_private;
	char *ve_root;
	bool onboot;            /* ONBOOT="yes" */
	bool has_onboot;
};

int vzconf_parse(const char *text, const char *veid, struct vzconf *ret);
void vzconf_free(struct vzconf *c);

/*
 * /proc/vz/veinfo: one line per running container,
 * "<ctid> <class> <nproc> <ip>..." (the host itself is ctid 0). Returns 1
 * when ctid is listed (running), 0 when not, -EINVAL on a malformed file.
 */
int veinfo_has(const char *text, const char *ctid);

/* LXC container states, as lxc-info -s prints them. */
enum lxc_state {
	LXC_STOPPED,
	LXC_STARTING,
	LXC_RUNNING,
	LXC_STOPPING,
	LXC_ABORTING,
	LXC_FREEZING,
	LXC_FROZEN,
	LXC_THAWED,
	_LXC_STATE_COUNT,
};

const char *lxc_state_name(enum lxc_state s);

/*
 * Output of `lxc-info -H -s -p -n <name>`: "State:" and optional "PID:"
 * lines (with -H, values are raw). Returns 0 and sets *ret_state (and
 * *ret_pid, 0 when absent), or -EINVAL.
 */
int lxc_info_parse(const char *text, enum lxc_state *ret_state, int *ret_pid);

/*
 * An LXC container config (lxc.container.conf(5)): key = value lines.
 * Extracts lxc.rootfs.path (without a "dir:" prefix; other storage types
 * are returned as given), lxc.start.auto and lxc.signal.halt. Later
 * keys override earlier ones; lxc.include is not followed.
 */
struct lxcconf {
	char *rootfs;
	bool autostart;
	char *halt_signal;
};

int lxcconf_parse(const char *text, struct lxcconf *ret);
void lxcconf_free(struct lxcconf *c);

/*
 * How a stop spends its time: the graceful stop (vzctl stop / lxc-stop
 * with a timeout) may use until graceful_ms, the fast stop (vzctl stop
 * --fast / lxc-stop -k) until fast_ms, then what is left of the
 * container's processes is killed; all relative to the start of the stop,
 * within time_ms. Graceful gets 60 % (never less than 1 s unless the whole
 * time is shorter), fast the next 25 %, the rest is for the kill and
 * verification.
 */
struct stop_plan {
	uint64_t graceful_ms;
	uint64_t fast_ms;
	uint64_t kill_ms;
};

void stop_plan_make(uint64_t time_ms, struct stop_plan *ret);
