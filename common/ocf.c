/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pacemaker's headers, for the compile-time checks below; no library. */
#include <crm/common/results.h>
#include <crm/services.h>

#include "log.h"
#include "ocf.h"

#define CHECK_RC(ours, theirs) \
	_Static_assert((int)(ours) == (int)(theirs), #ours " != " #theirs)
CHECK_RC(OCF_SUCCESS, PCMK_OCF_OK);
CHECK_RC(OCF_ERR_GENERIC, PCMK_OCF_UNKNOWN_ERROR);
CHECK_RC(OCF_ERR_ARGS, PCMK_OCF_INVALID_PARAM);
CHECK_RC(OCF_ERR_UNIMPLEMENTED, PCMK_OCF_UNIMPLEMENT_FEATURE);
CHECK_RC(OCF_ERR_PERM, PCMK_OCF_INSUFFICIENT_PRIV);
CHECK_RC(OCF_ERR_INSTALLED, PCMK_OCF_NOT_INSTALLED);
CHECK_RC(OCF_ERR_CONFIGURED, PCMK_OCF_NOT_CONFIGURED);
CHECK_RC(OCF_NOT_RUNNING, PCMK_OCF_NOT_RUNNING);
CHECK_RC(OCF_RUNNING_PROMOTED, PCMK_OCF_RUNNING_PROMOTED);
CHECK_RC(OCF_FAILED_PROMOTED, PCMK_OCF_FAILED_PROMOTED);
CHECK_RC(OCF_DEGRADED, PCMK_OCF_DEGRADED);
CHECK_RC(OCF_DEGRADED_PROMOTED, PCMK_OCF_DEGRADED_PROMOTED);

const char ocf_reason_prefix_default[] = PCMK_OCF_REASON_PREFIX;

/*
 * The exit reason of this process, like errno: one per run, the first
 * recorded kept because it is the root cause; later failures are
 * consequences and only logged.
 */
static char reason[1024];

static void reason_vset(const char *fmt, va_list ap, int err)
{
	size_t len;
	char *p;

	if (reason[0])
		return;
	(void)vsnprintf(reason, sizeof(reason), fmt, ap); /* truncation ok */
	len = strlen(reason);
	if (err && len < sizeof(reason) - 1)
		(void)snprintf(reason + len, sizeof(reason) - len, ": %s",
			       strerror(-err));
	/* Pacemaker reads one line; keep it one line. */
	for (p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int ocf_fail(int rc, int err, const char *fmt, ...)
{
	char msg[sizeof(reason)];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err)
		log_error("%s: %s", msg, strerror(-err));
	else
		log_error("%s", msg);
	va_start(ap, fmt);
	reason_vset(fmt, ap, err);
	va_end(ap);
	return rc;
}

void ocf_reason_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reason_vset(fmt, ap, 0);
	va_end(ap);
}

const char *ocf_reason(void)
{
	return reason[0] ? reason : NULL;
}

void ocf_reason_reset(void)
{
	reason[0] = '\0';
}

void ocf_reason_print(FILE *f)
{
	const char *prefix = getenv("OCF_EXIT_REASON_PREFIX");

	if (!reason[0])
		return;
	if (!prefix || !*prefix)
		prefix = ocf_reason_prefix_default;
	fprintf(f, "%s%s\n", prefix, reason);
	fflush(f);
}

const char *ocf_rc_name(int rc)
{
	switch (rc) {
	case OCF_SUCCESS: return "OCF_SUCCESS";
	case OCF_ERR_GENERIC: return "OCF_ERR_GENERIC";
	case OCF_ERR_ARGS: return "OCF_ERR_ARGS";
	case OCF_ERR_UNIMPLEMENTED: return "OCF_ERR_UNIMPLEMENTED";
	case OCF_ERR_PERM: return "OCF_ERR_PERM";
	case OCF_ERR_INSTALLED: return "OCF_ERR_INSTALLED";
	case OCF_ERR_CONFIGURED: return "OCF_ERR_CONFIGURED";
	case OCF_NOT_RUNNING: return "OCF_NOT_RUNNING";
	case OCF_RUNNING_PROMOTED: return "OCF_RUNNING_PROMOTED";
	case OCF_FAILED_PROMOTED: return "OCF_FAILED_PROMOTED";
	case OCF_DEGRADED: return "OCF_DEGRADED";
	case OCF_DEGRADED_PROMOTED: return "OCF_DEGRADED_PROMOTED";
	}
	return "unknown";
}
