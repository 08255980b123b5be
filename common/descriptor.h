/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An agent's interface, written once: its parameters and actions. The
 * meta-data generator (metadata/), the parameter parser (params.h) and the
 * dispatcher (dispatch.h) all read this, so a parameter's name appears in
 * exactly one place. Descriptors are constant data with no code attached,
 * so the build-time generator can link them without the agent's handlers.
 */
#pragma once

#include <stdbool.h>

enum param_type {
	PARAM_STRING,
	PARAM_INTEGER,  /* decimal, within [min, max] */
	PARAM_BOOLEAN,  /* yes/no/true/false/on/off/1/0, as Pacemaker */
	PARAM_ENUM,     /* one of choices[] */
	PARAM_PATH,     /* an absolute path */
};

struct param_desc {
	const char *name;
	enum param_type type;
	bool required;
	bool unique;            /* unique among resources of this agent */
	bool reloadable;        /* changed by `reload` without a restart */
	const char *shortdesc;
	const char *longdesc;
	const char *default_value;      /* NULL: none */
	const char *const *choices;     /* PARAM_ENUM: NULL-terminated */
	long long min, max;             /* PARAM_INTEGER; both 0: unbounded */
	const char *deprecated_for;     /* an alias kept for compatibility */
};

enum action_kind {
	ACTION_START,
	ACTION_STOP,
	ACTION_MONITOR,
	ACTION_PROMOTE,
	ACTION_DEMOTE,
	ACTION_NOTIFY,
	ACTION_RELOAD,
	ACTION_RELOAD_AGENT,
	ACTION_MIGRATE_TO,
	ACTION_MIGRATE_FROM,
	ACTION_VALIDATE_ALL,
	ACTION_META_DATA,
	ACTION_USAGE,
	_ACTION_COUNT,
};

/* The OCF name of an action kind ("validate-all"...). */
const char *action_name(enum action_kind kind);

/* The kind named by name (also accepts "status" and "help"), or -1. */
int action_from_name(const char *name);

struct action_desc {
	enum action_kind kind;
	unsigned timeout_s;
	unsigned interval_s;    /* monitor only; 0 otherwise */
	unsigned depth;         /* monitor only: OCF_CHECK_LEVEL 0, 10, 20 */
	const char *role;       /* "Promoted"/"Unpromoted" or NULL */
};

struct agent_desc {
	const char *name;       /* "vzfs": the type in ocf:vzha:<name> */
	const char *version;
	const char *shortdesc;
	const char *longdesc;
	const struct param_desc *params;
	unsigned n_params;
	const struct action_desc *actions;
	unsigned n_actions;
};

/* The first action entry of this kind, or NULL when not advertised. */
const struct action_desc *descriptor_action(const struct agent_desc *d,
					    enum action_kind kind);

/*
 * The default timeout of an action in seconds: its own entry, or for a
 * monitor of another depth the depth-0 entry, or 20 s.
 */
unsigned descriptor_timeout_s(const struct agent_desc *d, enum action_kind kind,
			      unsigned depth);
