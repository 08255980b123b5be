/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "ocf.h"
#include "procfs.h"

extern char **environ;

static void usage(const struct agent_desc *d, const struct agent_ops *ops,
		  FILE *f)
{
	bool first = true;

	fprintf(f, "usage: %s {", d->name);
	for (int k = 0; k < _ACTION_COUNT; k++) {
		if (k != ACTION_META_DATA && k != ACTION_USAGE &&
		    (!ops->handlers[k] || !descriptor_action(d, k)))
			continue;
		fprintf(f, "%s%s", first ? "" : "|", action_name(k));
		first = false;
	}
	fprintf(f, "}\n\n%s\n\nParameters (as OCF_RESKEY_<name>):\n",
		d->shortdesc);
	for (unsigned i = 0; i < d->n_params; i++) {
		const struct param_desc *pd = &d->params[i];

		fprintf(f, "  %-18s %s%s%s%s\n", pd->name, pd->shortdesc,
			pd->required ? " (required)" : "",
			pd->default_value ? "; default: " : "",
			pd->default_value ? pd->default_value : "");
	}
	fprintf(f, "\nThe agent's full description: %s meta-data\n", d->name);
}

static unsigned check_level(void)
{
	const char *s = getenv("OCF_CHECK_LEVEL");
	uint64_t v;

	if (!s || !*s)
		return 0;
	if (procfs_parse_u64(s, &v) < 0 || v > 100) {
		log_warning("OCF_CHECK_LEVEL='%s' is not a depth, using 0", s);
		return 0;
	}
	return (unsigned)v;
}

static uint64_t meta_ms(const char *name)
{
	const char *s = getenv(name);
	uint64_t v;

	return s && procfs_parse_u64(s, &v) == 0 ? v : 0;
}

static int run_action(const struct agent_desc *d, const struct agent_ops *ops,
		      const char *metadata_xml, const char *name)
{
	struct param_value p[d->n_params ? d->n_params : 1];
	struct agent_ctx ctx = { .desc = d, .p = p };
	char perr[512], unknown[512];
	int k = action_from_name(name);

	if (k == ACTION_META_DATA) {
		fputs(metadata_xml, stdout);
		return fflush(stdout) == 0 ? OCF_SUCCESS : OCF_ERR_GENERIC;
	}
	if (k == ACTION_USAGE) {
		usage(d, ops, stdout);
		return OCF_SUCCESS;
	}
	if (k < 0 || !ops->handlers[k] || !descriptor_action(d, k)) {
		usage(d, ops, stderr);
		return ocf_fail(OCF_ERR_UNIMPLEMENTED, 0,
				"%s does not implement action '%s'", d->name,
				name);
	}

	ctx.action = k;
	ctx.depth = k == ACTION_MONITOR ? check_level() : 0;
	ctx.interval_ms = meta_ms("OCF_RESKEY_CRM_meta_interval");
	ctx.probe = k == ACTION_MONITOR && ctx.interval_ms == 0;
	ctx.instance = getenv("OCF_RESOURCE_INSTANCE");
	if (!ctx.instance || !*ctx.instance)
		ctx.instance = d->name;
	deadline_init(&ctx.deadline, getenv("OCF_RESKEY_CRM_meta_timeout"),
		      descriptor_timeout_s(d, k, ctx.depth) * 1000ULL);

	if (params_unknown(d, environ, unknown, sizeof(unknown)) &&
	    (k == ACTION_VALIDATE_ALL || k == ACTION_START))
		log_warning("%s has no parameter %s (misspelt?), ignoring",
			    d->name, unknown);
	if (params_parse(d, p, perr, sizeof(perr)) < 0) {
		/* stop must still be able to clean up what may be running */
		if (k != ACTION_STOP)
			return ocf_fail(OCF_ERR_CONFIGURED, 0, "%s", perr);
		ctx.params_error = perr;
	}
	log_debug("%s: depth %u, interval %llu ms, deadline in %llu ms",
		  name, ctx.depth, (unsigned long long)ctx.interval_ms,
		  (unsigned long long)deadline_left_ms(&ctx.deadline));
	return ops->handlers[k](&ctx);
}

int dispatch_main(const struct agent_desc *d, const struct agent_ops *ops,
		  const char *metadata_xml, int argc, char *argv[])
{
	int rc;

	log_init(d->name);
	if (argc < 2) {
		usage(d, ops, stderr);
		rc = ocf_fail(OCF_ERR_ARGS, 0, "no action given");
	} else {
		rc = run_action(d, ops, metadata_xml, argv[1]);
	}
	if (rc != OCF_SUCCESS)
		ocf_reason_print(stderr);
	return rc;
}
