/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "params.h"

#define RESKEY "OCF_RESKEY_"

int params_parse_bool(const char *s, bool *ret)
{
	/* crm_is_true()/ocf_is_true() spellings, case-insensitive */
	static const char *const yes[] = { "yes", "true", "on", "1", "y" };
	static const char *const no[] = { "no", "false", "off", "0", "n" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

int params_parse_ll(const char *s, long long min, long long max,
		    long long *ret)
{
	long long v;
	char *end;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || end == s)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

static void choices_list(const struct param_desc *pd, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *const *c = pd->choices; c && *c; c++) {
		int n = snprintf(buf + len, size - len, "%s%s",
				 len ? ", " : "", *c);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

static int enum_index(const struct param_desc *pd, const char *s)
{
	int i, t = -1, f = -1;
	bool b;

	for (i = 0; pd->choices[i]; i++) {
		if (strcmp(s, pd->choices[i]) == 0)
			return i;
		if (strcmp(pd->choices[i], "true") == 0)
			t = i;
		if (strcmp(pd->choices[i], "false") == 0)
			f = i;
	}
	/* An enum that extends a boolean accepts every boolean spelling */
	if (t >= 0 && f >= 0 && params_parse_bool(s, &b) == 0)
		return b ? t : f;
	return -1;
}

static int fail(char *reterr, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *reterr, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(reterr, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_one(const struct param_desc *pd, const char *s,
		     struct param_value *v, char *reterr, size_t size)
{
	char list[256];
	/* min and max both 0: unbounded */
	bool bounded = pd->min || pd->max;
	long long lo = bounded ? pd->min : LLONG_MIN;
	long long hi = bounded ? pd->max : LLONG_MAX;
	long long n;
	int r;

	v->str = s;
	switch (pd->type) {
	case PARAM_STRING:
		break;
	case PARAM_PATH:
		if (s[0] != '/')
			return fail(reterr, size,
				    "parameter %s must be an absolute path, got '%s'",
				    pd->name, s);
		break;
	case PARAM_BOOLEAN:
		if (params_parse_bool(s, &v->b) < 0)
			return fail(reterr, size,
				    "parameter %s must be a boolean (yes/no, true/false, on/off, 1/0), got '%s'",
				    pd->name, s);
		break;
	case PARAM_INTEGER:
		r = params_parse_ll(s, lo, hi, &n);
		if (r == -ERANGE)
			return fail(reterr, size,
				    "parameter %s must be between %lld and %lld, got '%s'",
				    pd->name, lo, hi, s);
		if (r < 0)
			return fail(reterr, size,
				    "parameter %s must be a decimal integer, got '%s'",
				    pd->name, s);
		v->num = n;
		break;
	case PARAM_ENUM:
		v->choice = enum_index(pd, s);
		if (v->choice < 0) {
			choices_list(pd, list, sizeof(list));
			return fail(reterr, size,
				    "parameter %s must be one of %s, got '%s'",
				    pd->name, list, s);
		}
		break;
	}
	v->set = true;
	return 0;
}

static const char *env_value(const char *name)
{
	char key[128];
	const char *v;

	if (snprintf(key, sizeof(key), RESKEY "%s", name) >= (int)sizeof(key))
		return NULL;
	v = getenv(key);
	return v && *v ? v : NULL;
}

static int index_of(const struct agent_desc *d, const char *name)
{
	for (unsigned i = 0; i < d->n_params; i++)
		if (strcmp(d->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

int params_parse(const struct agent_desc *d, struct param_value *ret,
		 char *reterr, size_t reterr_size)
{
	int r = 0;

	reterr[0] = '\0';
	memset(ret, 0, sizeof(*ret) * d->n_params);
	for (unsigned i = 0; i < d->n_params; i++) {
		const struct param_desc *pd = &d->params[i];
		const char *s = env_value(pd->name);
		char err[512];

		if (pd->deprecated_for)
			continue; /* applied to its replacement below */
		if (!s) {
			/* a deprecated alias stands in for an unset name */
			for (unsigned j = 0; j < d->n_params; j++)
				if (d->params[j].deprecated_for &&
				    strcmp(d->params[j].deprecated_for,
					   pd->name) == 0 &&
				    (s = env_value(d->params[j].name)))
					break;
		}
		if (!s && pd->default_value) {
			s = pd->default_value;
			ret[i].from_default = true;
		}
		if (!s) {
			if (pd->required && r == 0)
				r = fail(reterr, reterr_size,
					 "required parameter %s is not set",
					 pd->name);
			continue;
		}
		if (parse_one(pd, s, &ret[i], err, sizeof(err)) < 0 && r == 0)
			r = fail(reterr, reterr_size, "%s", err);
	}
	return r;
}

unsigned params_unknown(const struct agent_desc *d, char *const *envp,
			char *ret, size_t ret_size)
{
	size_t len = 0;
	unsigned n = 0;

	ret[0] = '\0';
	for (; envp && *envp; envp++) {
		const char *name = *envp, *eq;
		char buf[128];

		if (strncmp(name, RESKEY, strlen(RESKEY)) != 0)
			continue;
		name += strlen(RESKEY);
		/* CRM_meta_* and crm_feature_set are Pacemaker's own */
		if (strncmp(name, "CRM_meta_", 9) == 0 ||
		    strncmp(name, "crm_feature_set=", 16) == 0)
			continue;
		eq = strchr(name, '=');
		if (!eq || (size_t)(eq - name) >= sizeof(buf))
			continue;
		memcpy(buf, name, (size_t)(eq - name));
		buf[eq - name] = '\0';
		if (index_of(d, buf) >= 0)
			continue;
		n++;
		if (len < ret_size) {
			int k = snprintf(ret + len, ret_size - len, "%s%s",
					 len ? ", " : "", buf);
			if (k > 0)
				len += (size_t)k;
		}
	}
	return n;
}
