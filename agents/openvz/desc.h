/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "descriptor.h"

enum openvz_param {
	P_CTID,
	P_VEID,                 /* ManageVE's name, an alias of ctid */
	P_BACKEND,
	P_VZCTL,
	P_VZCONFDIR,
	P_LXCPATH,
	P_INNER_CHECK,
	P_REQUIRE_MOUNTED,
	P_COUNT,
};

enum { BACKEND_VZCTL, BACKEND_LXC };

extern const struct agent_desc openvz_desc;
extern const char openvz_metadata_xml[];
