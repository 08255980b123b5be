/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "descriptor.h"

enum drbd_param {
	P_RESOURCE,
	P_DRBDCONF,
	P_DRBDADM,
	P_DRBDSETUP,
	P_COUNT,
};

extern const struct agent_desc drbd_desc;
extern const char drbd_metadata_xml[];
