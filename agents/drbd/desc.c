/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface of ocf:vzha:drbd, and nothing else: read by the agent and
 * by the meta-data generator. drbd_resource and drbdconf keep the names of
 * ocf:linbit:drbd, so a configuration moves over by changing the agent.
 */
#include "cleanup.h"
#include "config.h"
#include "desc.h"

static const struct param_desc params[P_COUNT] = {
	[P_RESOURCE] = {
		"drbd_resource", PARAM_STRING, .required = true,
		.unique = true,
		.shortdesc = "DRBD resource name",
		.longdesc = "The resource as named in drbd.conf (db, apps).",
	},
	[P_DRBDCONF] = {
		"drbdconf", PARAM_PATH, .default_value = "/etc/drbd.conf",
		.shortdesc = "Path of drbd.conf",
		.longdesc = "The DRBD configuration drbdadm reads (drbdadm -c).",
	},
	[P_DRBDADM] = {
		"drbdadm", PARAM_PATH, .default_value = DRBDADM_PATH,
		.shortdesc = "Path of drbdadm",
	},
	[P_DRBDSETUP] = {
		"drbdsetup", PARAM_PATH, .default_value = DRBDSETUP_PATH,
		.shortdesc = "Path of drbdsetup (DRBD 9 status)",
	},
};

static const struct action_desc actions[] = {
	{ ACTION_START, .timeout_s = 240 },
	{ ACTION_STOP, .timeout_s = 100 },
	{ ACTION_PROMOTE, .timeout_s = 90 },
	{ ACTION_DEMOTE, .timeout_s = 90 },
	{ ACTION_NOTIFY, .timeout_s = 90 },
	{ ACTION_MONITOR, .timeout_s = 20, .interval_s = 10,
	  .role = "Promoted" },
	{ ACTION_MONITOR, .timeout_s = 20, .interval_s = 20,
	  .role = "Unpromoted" },
	{ ACTION_RELOAD, .timeout_s = 30 },
	{ ACTION_VALIDATE_ALL, .timeout_s = 5 },
	{ ACTION_META_DATA, .timeout_s = 5 },
};

const struct agent_desc drbd_desc = {
	.name = "drbd",
	.version = PACKAGE_VERSION,
	.shortdesc = "DRBD 8.4 or 9 resource, as a promotable clone",
	.longdesc = "Manages a DRBD resource as a promotable clone "
		    "(promotable=true clone-max=2 promoted-max=1 notify=true): "
		    "start brings it up as Secondary, promote makes it Primary, "
		    "monitor reports the role (8 when Primary) and keeps the "
		    "promotion score up to date from the local and peer disk "
		    "states: 10000 UpToDate and Primary or connected, 1000 "
		    "UpToDate with the peer unknown, 10 Consistent, none for "
		    "Outdated, Inconsistent, Diskless or a StandAlone Secondary "
		    "(split brain or disconnected). The score is written only "
		    "when it changes. After a split brain DRBD did not resolve "
		    "(DRBD 8.4's kernel log says so, read only while "
		    "StandAlone) monitor returns 190 (191 when Primary) with "
		    "the reason, and promote refuses. "
		    "On DRBD 8.4 the state comes from "
		    "/proc/drbd without a fork; on DRBD 9 from one drbdsetup "
		    "status --json. Promote refuses data that is not UpToDate "
		    "and never forces; demote of a device in use names the "
		    "processes holding it. Replaces drbddisk and "
		    "ocf:linbit:drbd.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = ELEMENTSOF(actions),
};
