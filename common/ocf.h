/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCF exit codes, under the names of the OCF specification, each checked at
 * compile time against Pacemaker's enum ocf_exitcode (ocf.c), and the exit
 * reason: the one line Pacemaker shows in crm_mon after a failure.
 */
#pragma once

#include <stdio.h>

enum ocf_rc {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,      /* soft error: may be retried here */
	OCF_ERR_ARGS = 2,         /* bad arguments in the local context */
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,    /* something is missing on this node */
	OCF_ERR_CONFIGURED = 6,   /* the configuration is wrong everywhere */
	OCF_NOT_RUNNING = 7,      /* cleanly stopped */
	OCF_RUNNING_PROMOTED = 8,
	OCF_FAILED_PROMOTED = 9,
	OCF_DEGRADED = 190,
	OCF_DEGRADED_PROMOTED = 191,
};

/* The reason prefix Pacemaker looks for (PCMK_OCF_REASON_PREFIX). */
extern const char ocf_reason_prefix_default[];

/*
 * Records the exit reason (the first one recorded wins: it is the root
 * cause), logs it at error level and returns rc, so a handler can write
 * `return ocf_fail(OCF_ERR_GENERIC, r, "cannot read %s", path);`.
 * err is a negative errno whose text is appended (": Permission denied"),
 * or 0 for none. Newlines in the text are replaced, so the reason stays
 * one line.
 */
int ocf_fail(int rc, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a reason without logging (for outcomes that are not errors). */
void ocf_reason_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The reason recorded so far, or NULL. */
const char *ocf_reason(void);

/* Forgets the recorded reason (tests only). */
void ocf_reason_reset(void);

/*
 * Prints "<prefix><reason>\n" to f when a reason was recorded; the prefix is
 * $OCF_EXIT_REASON_PREFIX when set, as ocf-shellfuncs does.
 */
void ocf_reason_print(FILE *f);

/* "OCF_ERR_GENERIC" and so on; "unknown" for other values. */
const char *ocf_rc_name(int rc);
