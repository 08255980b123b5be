/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

static struct log_config cfg = {
	.tag = "vzha",
	.facility = -1,
	.to_stderr = true,
};

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "auth", LOG_AUTH },     { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },     { "daemon", LOG_DAEMON },
	{ "kern", LOG_KERN },     { "lpr", LOG_LPR },
	{ "mail", LOG_MAIL },     { "news", LOG_NEWS },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP },     { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

int log_facility_from_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(facilities); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

static const char *nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

void log_init(const char *agent)
{
	const char *instance = nonempty_env("OCF_RESOURCE_INSTANCE");
	const char *facility = nonempty_env("HA_LOGFACILITY");
	const char *debug = nonempty_env("HA_debug");

	if (instance)
		(void)snprintf(cfg.tag, sizeof(cfg.tag), "%s(%s)[%d]", agent,
			       instance, (int)getpid());
	else
		(void)snprintf(cfg.tag, sizeof(cfg.tag), "%s[%d]", agent,
			       (int)getpid());
	/* "none" switches syslog off, as in ocf-shellfuncs */
	cfg.facility = facility && strcmp(facility, "none") != 0 ?
			       log_facility_from_name(facility) : -1;
	cfg.logfile = nonempty_env("HA_LOGFILE");
	cfg.debugfile = nonempty_env("HA_DEBUGLOG");
	cfg.debug = debug && strcmp(debug, "0") != 0;
	cfg.to_stderr = true;
	if (cfg.facility >= 0)
		openlog(cfg.tag, LOG_NDELAY, cfg.facility);
}

const struct log_config *log_config(void)
{
	return &cfg;
}

static const char *level_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT: return "CRIT";
	case LOG_ERR: return "ERROR";
	case LOG_WARNING: return "WARNING";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "INFO";
	default: return "DEBUG";
	}
}

/* One write() per line, so concurrent agents do not interleave. */
static void append_line(const char *path, const char *line, size_t len)
{
	_cleanup_close_ int fd = -1;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		  0640);
	if (fd < 0)
		return; /* a log we cannot write must not fail the action */
	(void)!write(fd, line, len);
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char msg[2048], line[2400], stamp[32];
	struct tm tm;
	time_t now;
	int n;

	if (prio == LOG_DEBUG && !cfg.debug)
		return;
	(void)vsnprintf(msg, sizeof(msg), fmt, ap); /* truncation ok */

	if (cfg.facility >= 0)
		syslog(prio, "%s: %s", level_name(prio), msg);

	now = time(NULL);
	if (!localtime_r(&now, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y/%m/%d_%H:%M:%S", &tm))
		stamp[0] = '\0';
	n = snprintf(line, sizeof(line), "%s %s: %s: %s\n", stamp, cfg.tag,
		     level_name(prio), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;

	if (prio != LOG_DEBUG && cfg.logfile)
		append_line(cfg.logfile, line, (size_t)n);
	if (cfg.debugfile &&
	    (prio == LOG_DEBUG || !cfg.logfile ||
	     strcmp(cfg.logfile, cfg.debugfile) != 0))
		append_line(cfg.debugfile, line, (size_t)n);
	if (cfg.to_stderr)
		fprintf(stderr, "%s: %s: %s\n", cfg.tag, level_name(prio), msg);
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}
