/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metadata/metadata.c with the vzfs descriptor: the XML embedded in the
 * agent is a fresh rendering of its descriptor (no drift), the document
 * says what the descriptor says, and it validates against the OCF 1.1
 * RelaxNG schema ($OCF_RNG, default the one pcs ships).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "cleanup.h"
#include "../../metadata/metadata.h"

#include "../../agents/vzfs/desc.h"

#define DEFAULT_RNG "/usr/share/pcs/data/ocf-1.1.rng"

struct doc {
	char *xml;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
};

static int setup(void **state)
{
	struct doc *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	d->xml = metadata_render(&vzfs_desc);
	if (!d->xml)
		goto fail;
	d->doc = xmlReadMemory(d->xml, (int)strlen(d->xml), "vzfs.xml", NULL,
			       XML_PARSE_NONET);
	if (!d->doc)
		goto fail;
	d->xp = xmlXPathNewContext(d->doc);
	if (!d->xp)
		goto fail;
	*state = d;
	return 0;
fail:
	if (d->doc)
		xmlFreeDoc(d->doc);
	free(d->xml);
	free(d);
	return -1;
}

static int teardown(void **state)
{
	struct doc *d = *state;

	xmlXPathFreeContext(d->xp);
	xmlFreeDoc(d->doc);
	free(d->xml);
	free(d);
	return 0;
}

static int group_teardown(void **state)
{
	xmlCleanupParser();
	return 0;
}

static double xp_number(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static double xp_number(struct doc *d, const char *fmt, ...)
{
	char expr[512];
	xmlXPathObjectPtr o;
	va_list ap;
	double v;

	va_start(ap, fmt);
	(void)vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	o = xmlXPathEvalExpression((const xmlChar *)expr, d->xp);
	assert_non_null(o);
	assert_int_equal(o->type, XPATH_NUMBER);
	v = o->floatval;
	xmlXPathFreeObject(o);
	return v;
}

/* string(expr), malloc'd; "" when the node does not exist. */
static char *xp_string(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *xp_string(struct doc *d, const char *fmt, ...)
{
	char expr[512];
	xmlXPathObjectPtr o;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	(void)vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	o = xmlXPathEvalExpression((const xmlChar *)expr, d->xp);
	assert_non_null(o);
	assert_int_equal(o->type, XPATH_STRING);
	s = strdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	assert_non_null(s);
	return s;
}

#define P "/resource-agent/parameters/parameter"
#define A "/resource-agent/actions/action"

static void assert_xp_string(struct doc *d, const char *want,
			     const char *expr)
{
	_cleanup_free_ char *got = xp_string(d, "string(%s)", expr);

	assert_string_equal(got, want);
}

static void test_no_drift(void **state)
{
	struct doc *d = *state;

	/* metadata/vzfs-metadata.c was generated from this descriptor */
	assert_string_equal(d->xml, vzfs_metadata_xml);
}

static void test_root(void **state)
{
	struct doc *d = *state;
	xmlNodePtr root = xmlDocGetRootElement(d->doc);

	assert_non_null(root);
	assert_string_equal((const char *)root->name, "resource-agent");
	assert_xp_string(d, "vzfs", "/resource-agent/@name");
	assert_xp_string(d, vzfs_desc.version, "/resource-agent/@version");
	assert_int_equal(xp_number(d, "count(/resource-agent/version)"), 1);
	assert_xp_string(d, "1.1", "/resource-agent/version");
	assert_xp_string(d, vzfs_desc.shortdesc, "/resource-agent/shortdesc");
	assert_xp_string(d, "en", "/resource-agent/shortdesc/@lang");
	assert_xp_string(d, vzfs_desc.longdesc, "/resource-agent/longdesc");
	assert_int_equal(xp_number(d, "count(/resource-agent/parameters)"), 1);
	assert_int_equal(xp_number(d, "count(/resource-agent/actions)"), 1);
}

static const char *content_type(enum param_type t)
{
	switch (t) {
	case PARAM_INTEGER: return "integer";
	case PARAM_BOOLEAN: return "boolean";
	case PARAM_ENUM: return "select";
	default: return "string";
	}
}

static void test_parameters_match_descriptor(void **state)
{
	struct doc *d = *state;

	assert_int_equal(xp_number(d, "count(" P ")"), vzfs_desc.n_params);
	for (unsigned i = 0; i < vzfs_desc.n_params; i++) {
		const struct param_desc *pd = &vzfs_desc.params[i];
		char expr[256];
		unsigned n = 0;

		snprintf(expr, sizeof(expr), P "[@name='%s']", pd->name);
		assert_int_equal(xp_number(d, "count(%s)", expr), 1);
		/* in the descriptor's order */
		assert_int_equal(xp_number(d, "count(%s/preceding-sibling::"
					      "parameter)", expr), i);
		{
			_cleanup_free_ char *req =
				xp_string(d, "string(%s/@required)", expr);
			_cleanup_free_ char *ug =
				xp_string(d, "string(%s/@unique-group)", expr);
			_cleanup_free_ char *type =
				xp_string(d, "string(%s/content/@type)", expr);
			_cleanup_free_ char *def = xp_string(
				d, "string(%s/content/@default)", expr);
			_cleanup_free_ char *sd =
				xp_string(d, "string(%s/shortdesc)", expr);

			assert_string_equal(req, pd->required ? "1" : "0");
			assert_string_equal(ug, pd->unique ? pd->name : "");
			assert_string_equal(type, content_type(pd->type));
			assert_string_equal(def, pd->default_value ?
							 pd->default_value :
							 "");
			assert_int_equal(xp_number(d, "count(%s/content/"
						      "@default)", expr),
					 pd->default_value ? 1 : 0);
			assert_string_equal(sd, pd->shortdesc);
		}
		for (const char *const *c = pd->choices; c && *c; c++, n++) {
			_cleanup_free_ char *v = xp_string(
				d, "string(%s/content/option[%u]/@value)", expr,
				n + 1);

			assert_string_equal(v, *c);
		}
		assert_int_equal(xp_number(d, "count(%s/content/option)", expr),
				 n);
	}
}

static void test_parameters_vzfs(void **state)
{
	struct doc *d = *state;

	/* exactly device and directory are required */
	assert_int_equal(xp_number(d, "count(" P "[@required='1'])"), 2);
	assert_int_equal(xp_number(d, "count(" P "[@name='device'][@required="
				      "'1'])"), 1);
	assert_int_equal(xp_number(d, "count(" P "[@name='directory']"
				      "[@required='1'])"), 1);
	/* only directory is unique */
	assert_int_equal(xp_number(d, "count(" P "[@unique-group])"), 1);
	assert_xp_string(d, "directory",
			 P "[@name='directory']/@unique-group");

	assert_xp_string(d, "select", P "[@name='run_fsck']/content/@type");
	assert_xp_string(d, "auto", P "[@name='run_fsck']/content/@default");
	assert_int_equal(xp_number(d, "count(" P "[@name='run_fsck']/content/"
				      "option)"), 3);
	assert_xp_string(d, "auto",
			 P "[@name='run_fsck']/content/option[1]/@value");
	assert_xp_string(d, "force",
			 P "[@name='run_fsck']/content/option[2]/@value");
	assert_xp_string(d, "no",
			 P "[@name='run_fsck']/content/option[3]/@value");

	assert_xp_string(d, "select",
			 P "[@name='force_unmount']/content/@type");
	assert_xp_string(d, "true",
			 P "[@name='force_unmount']/content/@default");
	assert_int_equal(xp_number(d, "count(" P "[@name='force_unmount']/"
				      "content/option)"), 3);
	assert_xp_string(d, "true",
			 P "[@name='force_unmount']/content/option[1]/@value");
	assert_xp_string(d, "safe",
			 P "[@name='force_unmount']/content/option[2]/@value");
	assert_xp_string(d, "false",
			 P "[@name='force_unmount']/content/option[3]/@value");

	assert_xp_string(d, ".vzfs_status/",
			 P "[@name='statusfile_prefix']/content/@default");
	assert_xp_string(d, "boolean",
			 P "[@name='force_clones']/content/@type");
	assert_xp_string(d, "false",
			 P "[@name='force_clones']/content/@default");
	assert_int_equal(xp_number(d, "count(" P "[@name='device']/content/"
				      "@default)"), 0);
}

static void test_actions_match_descriptor(void **state)
{
	struct doc *d = *state;

	assert_int_equal(xp_number(d, "count(" A ")"), vzfs_desc.n_actions);
	for (unsigned i = 0; i < vzfs_desc.n_actions; i++) {
		const struct action_desc *a = &vzfs_desc.actions[i];
		_cleanup_free_ char *name = NULL, *timeout = NULL,
				    *interval = NULL, *depth = NULL;
		char want[32];

		/* the i-th action element, in the descriptor's order */
		name = xp_string(d, "string(" A "[%u]/@name)", i + 1);
		timeout = xp_string(d, "string(" A "[%u]/@timeout)", i + 1);
		interval = xp_string(d, "string(" A "[%u]/@interval)", i + 1);
		depth = xp_string(d, "string(" A "[%u]/@depth)", i + 1);
		assert_string_equal(name, action_name(a->kind));
		snprintf(want, sizeof(want), "%us", a->timeout_s);
		assert_string_equal(timeout, want);
		if (a->interval_s)
			snprintf(want, sizeof(want), "%us", a->interval_s);
		else
			want[0] = '\0';
		assert_string_equal(interval, want);
		if (a->kind == ACTION_MONITOR)
			snprintf(want, sizeof(want), "%u", a->depth);
		else
			want[0] = '\0';
		assert_string_equal(depth, want);
	}
}

static void test_actions_vzfs(void **state)
{
	struct doc *d = *state;
	static const char *const once[] = { "start", "stop", "validate-all",
					    "meta-data" };

	for (size_t i = 0; i < ELEMENTSOF(once); i++)
		assert_int_equal(xp_number(d, "count(" A "[@name='%s'])",
					   once[i]), 1);
	assert_xp_string(d, "60s", A "[@name='start']/@timeout");
	assert_xp_string(d, "60s", A "[@name='stop']/@timeout");
	assert_xp_string(d, "5s", A "[@name='validate-all']/@timeout");
	assert_xp_string(d, "5s", A "[@name='meta-data']/@timeout");

	/* three monitor depths, each once */
	assert_int_equal(xp_number(d, "count(" A "[@name='monitor'])"), 3);
	assert_xp_string(d, "40s", A "[@name='monitor'][@depth='0']/@timeout");
	assert_xp_string(d, "20s", A "[@name='monitor'][@depth='0']/@interval");
	assert_xp_string(d, "40s", A "[@name='monitor'][@depth='10']/@timeout");
	assert_xp_string(d, "61s",
			 A "[@name='monitor'][@depth='10']/@interval");
	assert_xp_string(d, "60s", A "[@name='monitor'][@depth='20']/@timeout");
	assert_xp_string(d, "121s",
			 A "[@name='monitor'][@depth='20']/@interval");
	/* Pacemaker tells recurring monitors apart by interval */
	assert_int_equal(xp_number(d, "count(" A "[@name='monitor']"
				      "[@interval='20s' or @interval='61s' or "
				      "@interval='121s'])"), 3);
	/* vzfs is not promotable */
	assert_int_equal(xp_number(d, "count(" A "[@name='promote'])"), 0);
}

static void silent(void *ctx, const char *msg, ...)
{
}

static int validate(xmlRelaxNGPtr schema, xmlDocPtr doc, bool quiet)
{
	xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
	int r;

	assert_non_null(v);
	if (quiet)
		xmlRelaxNGSetValidErrors(v, silent, silent, NULL);
	r = xmlRelaxNGValidateDoc(v, doc);
	xmlRelaxNGFreeValidCtxt(v);
	return r;
}

static void test_relaxng(void **state)
{
	struct doc *d = *state;
	const char *rng = getenv("OCF_RNG");
	xmlRelaxNGParserCtxtPtr pc;
	xmlRelaxNGPtr schema;
	xmlDocPtr broken;
	xmlNodePtr n;
	int r_good, r_broken;

	if (!rng || !*rng)
		rng = DEFAULT_RNG;
	if (access(rng, R_OK) != 0) {
		fprintf(stderr, "#\n# SKIPPED: OCF 1.1 RelaxNG schema %s not "
				"found: meta-data NOT validated.\n# Install "
				"pcs or set OCF_RNG.\n#\n", rng);
		print_message("# SKIP test_relaxng: no schema at %s\n", rng);
		skip();
	}
	pc = xmlRelaxNGNewParserCtxt(rng);
	assert_non_null(pc);
	schema = xmlRelaxNGParse(pc);
	xmlRelaxNGFreeParserCtxt(pc);
	assert_non_null(schema);

	r_good = validate(schema, d->doc, false);

	/* the check can fail: drop <version> and it must */
	broken = xmlCopyDoc(d->doc, 1);
	assert_non_null(broken);
	for (n = xmlDocGetRootElement(broken)->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "version") == 0)
			break;
	assert_non_null(n);
	xmlUnlinkNode(n);
	xmlFreeNode(n);
	r_broken = validate(schema, broken, true);
	xmlFreeDoc(broken);
	xmlRelaxNGFree(schema);

	assert_int_equal(r_good, 0);
	assert_int_not_equal(r_broken, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_no_drift),
		T(test_root),
		T(test_parameters_match_descriptor),
		T(test_parameters_vzfs),
		T(test_actions_match_descriptor),
		T(test_actions_vzfs),
		T(test_relaxng),
	};

	LIBXML_TEST_VERSION
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
