/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging as ocf_log does: tag "agent(instance)[pid]", syslog when
 * HA_LOGFACILITY is set (and not "none"), appended to HA_LOGFILE, debug to
 * HA_DEBUGLOG, debug enabled by HA_debug (not 0). Every message at info or
 * above also goes to stderr, which Pacemaker's executor records and which
 * `crm_resource --force-* -V` users see; nothing is forked.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

struct log_config {
	char tag[256];
	int facility;           /* -1: no syslog */
	const char *logfile;    /* HA_LOGFILE or NULL */
	const char *debugfile;  /* HA_DEBUGLOG or NULL */
	bool debug;             /* HA_debug */
	bool to_stderr;
};

/* Reads HA_* and OCF_RESOURCE_INSTANCE from the environment. */
void log_init(const char *agent);

/* Facility name ("daemon", "local0"...) to LOG_* value, -1 if unknown. */
int log_facility_from_name(const char *name);

/* Read-only view of the current configuration (tests). */
const struct log_config *log_config(void);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
