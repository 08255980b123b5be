/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one main() of every agent: reads the action from argv[1] and the
 * parameters from the environment, sets up logging and the deadline, calls
 * the agent's handler and turns its result into the exit code and at most
 * one exit-reason line.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "descriptor.h"
#include "params.h"

struct agent_ctx {
	const struct agent_desc *desc;
	const struct param_value *p;    /* indexed like desc->params */
	enum action_kind action;
	unsigned depth;                 /* OCF_CHECK_LEVEL: 0, 10 or 20 */
	uint64_t interval_ms;           /* OCF_RESKEY_CRM_meta_interval */
	bool probe;                     /* a monitor with interval 0 */
	const char *instance;           /* OCF_RESOURCE_INSTANCE, or the agent */
	struct deadline deadline;
	/*
	 * Set when the parameters do not parse. Only stop is called then
	 * (every other action fails with OCF_ERR_CONFIGURED before its
	 * handler): a resource that could never start must still stop.
	 */
	const char *params_error;
};

typedef int (*action_fn)(struct agent_ctx *ctx);

struct agent_ops {
	action_fn handlers[_ACTION_COUNT];
};

/*
 * Runs one OCF action. meta-data prints metadata_xml; usage and help print
 * the usage text. No action: usage on stderr and OCF_ERR_ARGS; an action
 * the agent does not have: OCF_ERR_UNIMPLEMENTED. Returns the exit code.
 */
int dispatch_main(const struct agent_desc *d, const struct agent_ops *ops,
		  const char *metadata_xml, int argc, char *argv[]);
