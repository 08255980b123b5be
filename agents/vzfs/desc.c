/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface of ocf:vzha:vzfs, and nothing else: read by the agent and
 * by the meta-data generator. Parameter names follow ocf:heartbeat:
 * Filesystem wherever the meaning is the same, so a configuration moves
 * over by changing the agent's name.
 */
#include "cleanup.h"
#include "config.h"
#include "desc.h"

static const char *const run_fsck_choices[] = {
	[FSCK_AUTO] = "auto", [FSCK_FORCE] = "force", [FSCK_NO] = "no", NULL
};
static const char *const force_unmount_choices[] = {
	[UNMOUNT_TRUE] = "true", [UNMOUNT_SAFE] = "safe",
	[UNMOUNT_FALSE] = "false", NULL
};

static const struct param_desc params[P_COUNT] = {
	[P_DEVICE] = {
		"device", PARAM_STRING, .required = true,
		.shortdesc = "Block device to mount",
		.longdesc = "The block device holding the filesystem: a path "
			    "(/dev/drbd0, /dev/disk/by-id/...), LABEL=<label> "
			    "or UUID=<uuid>. A monitor matches it against the "
			    "mount table by device number, so any name of the "
			    "same device works.",
	},
	[P_DIRECTORY] = {
		"directory", PARAM_PATH, .required = true, .unique = true,
		.shortdesc = "Mount point",
		.longdesc = "Where to mount the filesystem: an absolute path, "
			    "created (with its parents) when missing. Symbolic "
			    "links and trailing slashes are resolved. \"/\" is "
			    "refused.",
	},
	[P_FSTYPE] = {
		"fstype", PARAM_STRING,
		.shortdesc = "Filesystem type",
		.longdesc = "The filesystem type (ext3, ext4, xfs...). When "
			    "empty, it is detected from the device with "
			    "libblkid at start.",
	},
	[P_OPTIONS] = {
		"options", PARAM_STRING,
		.shortdesc = "Mount options",
		.longdesc = "Mount options, as for mount -o (noatime,ro...). "
			    "They are applied by libmount exactly as mount(8) "
			    "applies them.",
	},
	[P_RUN_FSCK] = {
		"run_fsck", PARAM_ENUM, .default_value = "auto",
		.choices = run_fsck_choices,
		.shortdesc = "When to check the filesystem before mounting",
		.longdesc = "auto: run fsck -p before mounting filesystems "
			    "without a journal (ext2, vfat...), skip it for "
			    "journaling ones; force: always run it; no: never. "
			    "Start fails, naming the device, when fsck reports "
			    "errors it could not correct.",
	},
	[P_FORCE_UNMOUNT] = {
		"force_unmount", PARAM_ENUM, .default_value = "true",
		.choices = force_unmount_choices,
		.shortdesc = "Kill processes that keep the filesystem busy",
		.longdesc = "What stop does when the filesystem is busy. true: "
			    "send SIGTERM to every process using it, then "
			    "SIGKILL as the stop timeout nears, until it "
			    "unmounts. safe: the same, but processes are found "
			    "by reading /proc only, never by stat() through a "
			    "process's files, so a hung filesystem cannot block "
			    "the search; the search runs in a child process "
			    "under the stop's deadline, and one that does not "
			    "finish fails the stop with the reason. false: kill "
			    "nothing; stop fails and "
			    "its reason lists the processes (pid and command).",
	},
	[P_STATUSFILE_PREFIX] = {
		"statusfile_prefix", PARAM_STRING,
		.default_value = ".vzfs_status/",
		.shortdesc = "Prefix of the status file for depth 20 monitors",
		.longdesc = "A monitor with OCF_CHECK_LEVEL=20 writes, syncs and "
			    "reads back <directory>/<prefix><resource>_<node>. "
			    "The prefix may name one subdirectory (with a "
			    "trailing /), created when missing; it must not "
			    "contain \"..\" or start with /.",
	},
	[P_FORCE_CLONES] = {
		"force_clones", PARAM_BOOLEAN, .default_value = "false",
		.shortdesc = "Allow cloning a local filesystem",
		.longdesc = "A local filesystem (ext3, ext4, xfs) mounted on two "
			    "nodes at once is destroyed. Cloning this resource "
			    "is refused unless this is true or fstype is a "
			    "cluster filesystem (gfs2, ocfs2).",
	},
};

static const struct action_desc actions[] = {
	{ ACTION_START, .timeout_s = 60 },
	{ ACTION_STOP, .timeout_s = 60 },
	{ ACTION_MONITOR, .timeout_s = 40, .interval_s = 20, .depth = 0 },
	{ ACTION_MONITOR, .timeout_s = 40, .interval_s = 61, .depth = 10 },
	{ ACTION_MONITOR, .timeout_s = 60, .interval_s = 121, .depth = 20 },
	{ ACTION_VALIDATE_ALL, .timeout_s = 5 },
	{ ACTION_META_DATA, .timeout_s = 5 },
};

const struct agent_desc vzfs_desc = {
	.name = "vzfs",
	.version = PACKAGE_VERSION,
	.shortdesc = "Filesystem under an OpenVZ or LXC container's private area",
	.longdesc = "Mounts a filesystem from a block device (typically the "
		    "DRBD device of a container's data) and keeps watch over "
		    "it. A drop-in replacement for ocf:heartbeat:Filesystem on "
		    "block devices, with the same parameter names, written in "
		    "C: a depth-0 monitor reads /proc/self/mountinfo and forks "
		    "nothing; depth 10 reads the device with O_DIRECT; depth 20 "
		    "writes, syncs and reads back a status file. Reads and "
		    "writes that may hang on a dead device run in a child "
		    "process under the operation's deadline. Stop unmounts "
		    "submounts first, then the filesystem, signalling the "
		    "processes that keep it busy (force_unmount), and never "
		    "reports success while it is still mounted.",
	.params = params,
	.n_params = P_COUNT,
	.actions = actions,
	.n_actions = ELEMENTSOF(actions),
};
