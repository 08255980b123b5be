/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface of ocf:vzha:openvz, and nothing else: read by the agent
 * and by the meta-data generator. `veid` is kept from ManageVE so a
 * configuration moves over by changing the agent's name.
 */
#include "cleanup.h"
#include "config.h"
#include "desc.h"

static const char *const backends[] = {
	[BACKEND_VZCTL] = "vzctl", [BACKEND_LXC] = "lxc", NULL
};

static const struct param_desc params[P_COUNT] = {
	[P_CTID] = {
		"ctid", PARAM_STRING, .required = true, .unique = true,
		.shortdesc = "Container ID (vzctl) or name (lxc)",
		.longdesc = "The container: its numeric CTID for vzctl (101, "
			    "as in vzctl start 101), its name for lxc.",
	},
	[P_VEID] = {
		"veid", PARAM_STRING, .deprecated_for = "ctid",
		.shortdesc = "Container ID (ocf:heartbeat:ManageVE's name)",
		.longdesc = "ManageVE's name for ctid, accepted so that a "
			    "ManageVE configuration works unchanged; used only "
			    "when ctid is not set.",
	},
	[P_BACKEND] = {
		"backend", PARAM_ENUM, .default_value = "vzctl",
		.choices = backends,
		.shortdesc = "Container technology",
		.longdesc = "vzctl: OpenVZ (legacy vzctl 4.x or OpenVZ 7's "
			    "vzctl); lxc: LXC 4/5 through lxc-start, lxc-stop, "
			    "lxc-info and lxc-attach.",
	},
	[P_VZCTL] = {
		"vzctl", PARAM_PATH, .default_value = VZCTL_PATH,
		.shortdesc = "Path of vzctl",
		.longdesc = "The vzctl program (backend vzctl).",
	},
	[P_VZCONFDIR] = {
		"vzconfdir", PARAM_PATH, .default_value = "/etc/vz",
		.shortdesc = "OpenVZ configuration directory",
		.longdesc = "Where vz.conf and conf/<ctid>.conf live (backend "
			    "vzctl): the agent reads VE_PRIVATE, VE_ROOT and "
			    "ONBOOT there, with $VEID substituted.",
	},
	[P_LXCPATH] = {
		"lxcpath", PARAM_PATH, .default_value = LXC_DEFAULT_PATH,
		.shortdesc = "LXC container path (lxc-start -P)",
		.longdesc = "The directory holding <name>/config (backend lxc). "
			    "Put it on the replicated filesystem, so the "
			    "container's config and rootfs move with it.",
	},
	[P_INNER_CHECK] = {
		"inner_check", PARAM_STRING,
		.shortdesc = "Command run inside the container at depth 20",
		.longdesc = "A command and its arguments, separated by spaces, "
			    "run inside the container (vzctl exec / lxc-attach) "
			    "by monitors with OCF_CHECK_LEVEL=20 and at the end "
			    "of start, e.g. \"pg_isready -q\". No shell is "
			    "involved: quotes and $ have no special meaning. It "
			    "must exit 0 when the service answers.",
	},
	[P_REQUIRE_MOUNTED] = {
		"require_mounted", PARAM_BOOLEAN, .default_value = "true",
		.shortdesc = "Refuse to start from an unmounted private area",
		.longdesc = "When true, start fails unless the container's "
			    "private area (VE_PRIVATE, or the LXC rootfs) is on "
			    "a mounted filesystem other than /: a container "
			    "must never start from the empty mount point an "
			    "unmounted DRBD filesystem leaves behind.",
	},
};

static const struct action_desc actions[] = {
	{ ACTION_START, .timeout_s = 75 },
	{ ACTION_STOP, .timeout_s = 75 },
	{ ACTION_MONITOR, .timeout_s = 20, .interval_s = 10, .depth = 0 },
	{ ACTION_MONITOR, .timeout_s = 30, .interval_s = 31, .depth = 10 },
	{ ACTION_MONITOR, .timeout_s = 60, .interval_s = 61, .depth = 20 },
	{ ACTION_VALIDATE_ALL, .timeout_s = 5 },
	{ ACTION_META_DATA, .timeout_s = 5 },
};

const struct agent_desc openvz_desc = {
	.name = "openvz",
	.version = PACKAGE_VERSION,
	.shortdesc = "OpenVZ or LXC container",
	.longdesc = "Starts, stops and monitors a container whose private area "
		    "lives on a cluster filesystem (ocf:vzha:vzfs over DRBD). "
		    "Replaces ocf:heartbeat:ManageVE and ocf:heartbeat:lxc. "
		    "Start refuses a private area that is not on a mounted "
		    "filesystem and waits until the container runs, has "
		    "stayed up for 50 ms (an init that exits at once fails "
		    "the start, with the reason) and inner_check passes; "
		    "stop escalates from a graceful stop "
		    "to a fast one to killing what is left as its timeout "
		    "nears, and verifies nothing of the container remains. "
		    "Monitors report running, stopped, and the states between "
		    "(mounted but down, frozen) precisely. Depth 0 reads "
		    "/proc/vz/veinfo on OpenVZ kernels (no fork), else asks "
		    "vzctl status or lxc-info once; depth 10 runs true inside "
		    "the container; depth 20 runs inner_check.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = ELEMENTSOF(actions),
};
