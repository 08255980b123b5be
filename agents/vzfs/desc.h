/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "descriptor.h"

enum vzfs_param {
	P_DEVICE,
	P_DIRECTORY,
	P_FSTYPE,
	P_OPTIONS,
	P_RUN_FSCK,
	P_FORCE_UNMOUNT,
	P_STATUSFILE_PREFIX,
	P_FORCE_CLONES,
	P_COUNT,
};

/* Index of each choice of run_fsck and force_unmount. */
enum { FSCK_AUTO, FSCK_FORCE, FSCK_NO };
enum { UNMOUNT_TRUE, UNMOUNT_SAFE, UNMOUNT_FALSE };

extern const struct agent_desc vzfs_desc;
extern const char vzfs_metadata_xml[];
