/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "cleanup.h"
#include "descriptor.h"

static const char *const action_names[_ACTION_COUNT] = {
	[ACTION_START] = "start",
	[ACTION_STOP] = "stop",
	[ACTION_MONITOR] = "monitor",
	[ACTION_PROMOTE] = "promote",
	[ACTION_DEMOTE] = "demote",
	[ACTION_NOTIFY] = "notify",
	[ACTION_RELOAD] = "reload",
	[ACTION_RELOAD_AGENT] = "reload-agent",
	[ACTION_MIGRATE_TO] = "migrate_to",
	[ACTION_MIGRATE_FROM] = "migrate_from",
	[ACTION_VALIDATE_ALL] = "validate-all",
	[ACTION_META_DATA] = "meta-data",
	[ACTION_USAGE] = "usage",
};

const char *action_name(enum action_kind kind)
{
	return (unsigned)kind < _ACTION_COUNT ? action_names[kind] : NULL;
}

int action_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < _ACTION_COUNT; i++)
		if (strcmp(name, action_names[i]) == 0)
			return i;
	/* LSB-era spellings that Pacemaker and admins still use */
	if (strcmp(name, "status") == 0)
		return ACTION_MONITOR;
	if (strcmp(name, "help") == 0)
		return ACTION_USAGE;
	return -1;
}

const struct action_desc *descriptor_action(const struct agent_desc *d,
					    enum action_kind kind)
{
	for (unsigned i = 0; i < d->n_actions; i++)
		if (d->actions[i].kind == kind)
			return &d->actions[i];
	return NULL;
}

unsigned descriptor_timeout_s(const struct agent_desc *d, enum action_kind kind,
			      unsigned depth)
{
	const struct action_desc *any = NULL;

	for (unsigned i = 0; i < d->n_actions; i++) {
		const struct action_desc *a = &d->actions[i];

		if (a->kind != kind)
			continue;
		if (a->depth == depth)
			return a->timeout_s;
		/* another depth falls back to the depth-0 entry, as promised */
		if (!any || (a->depth == 0 && any->depth != 0))
			any = a;
	}
	return any ? any->timeout_s : 20;
}
