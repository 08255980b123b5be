/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCF_RESKEY_* to a typed array indexed like the descriptor's parameters.
 * Parsing is strict and the messages name the parameter, the value and
 * what was expected; nothing here decides an exit code: an invalid value is
 * OCF_ERR_CONFIGURED by definition, which the caller applies.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "descriptor.h"

struct param_value {
	bool set;               /* given and not empty, or a default applies */
	bool from_default;
	const char *str;        /* the raw text (environment or default) */
	long long num;          /* PARAM_INTEGER */
	bool b;                 /* PARAM_BOOLEAN */
	int choice;             /* PARAM_ENUM: index in choices[] */
};

/* Accepts Pacemaker's spellings of a boolean. Returns 0 or -EINVAL. */
int params_parse_bool(const char *s, bool *ret);

/* Strict decimal integer in [min, max]. Returns 0, -EINVAL or -ERANGE. */
int params_parse_ll(const char *s, long long min, long long max,
		    long long *ret);

/*
 * Parses every parameter of d from getenv("OCF_RESKEY_<name>") into
 * ret[d->n_params]. An empty value counts as unset. A deprecated alias
 * fills the parameter it stands for when that one is unset. Returns 0, or
 * -EINVAL with a one-line message in reterr (for an OCF_ERR_CONFIGURED).
 * ret is filled as far as parsing got, so validate-all can go on reporting.
 */
int params_parse(const struct agent_desc *d, struct param_value *ret,
		 char *reterr, size_t reterr_size);

/*
 * Names OCF_RESKEY_<x> variables in the environment that are not
 * parameters of d (typos such as "directroy"), for a warning. Writes a
 * comma-separated list to ret and returns how many there were.
 */
unsigned params_unknown(const struct agent_desc *d, char *const *envp,
			char *ret, size_t ret_size);
