/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "metadata.h"

#define X(s) ((const xmlChar *)(s))

static const char *content_type(enum param_type t)
{
	switch (t) {
	case PARAM_INTEGER: return "integer";
	case PARAM_BOOLEAN: return "boolean";
	case PARAM_ENUM: return "select";
	case PARAM_STRING:
	case PARAM_PATH: break;
	}
	return "string";
}

static void add_desc(xmlNodePtr parent, const char *elem, const char *text)
{
	xmlNodePtr n = xmlNewTextChild(parent, NULL, X(elem), X(text));

	xmlNewProp(n, X("lang"), X("en"));
}

static void add_param(xmlNodePtr params, const struct param_desc *pd)
{
	xmlNodePtr p = xmlNewChild(params, NULL, X("parameter"), NULL);
	xmlNodePtr c;

	xmlNewProp(p, X("name"), X(pd->name));
	if (pd->unique) {
		/* OCF 1.1 unique-group, and unique for OCF 1.0 readers */
		xmlNewProp(p, X("unique-group"), X(pd->name));
		xmlNewProp(p, X("unique"), X("1"));
	}
	xmlNewProp(p, X("required"), X(pd->required ? "1" : "0"));
	if (pd->reloadable)
		xmlNewProp(p, X("reloadable"), X("1"));
	add_desc(p, "longdesc", pd->longdesc ? pd->longdesc : pd->shortdesc);
	add_desc(p, "shortdesc", pd->shortdesc);
	if (pd->deprecated_for) {
		xmlNodePtr dep = xmlNewChild(p, NULL, X("deprecated"), NULL);
		xmlNodePtr rw = xmlNewChild(dep, NULL, X("replaced-with"), NULL);

		xmlNewProp(rw, X("name"), X(pd->deprecated_for));
	}
	c = xmlNewChild(p, NULL, X("content"), NULL);
	xmlNewProp(c, X("type"), X(content_type(pd->type)));
	if (pd->default_value)
		xmlNewProp(c, X("default"), X(pd->default_value));
	for (const char *const *o = pd->choices;
	     pd->type == PARAM_ENUM && o && *o; o++) {
		xmlNodePtr opt = xmlNewChild(c, NULL, X("option"), NULL);

		xmlNewProp(opt, X("value"), X(*o));
	}
}

static void add_action(xmlNodePtr actions, const struct action_desc *a)
{
	xmlNodePtr n = xmlNewChild(actions, NULL, X("action"), NULL);
	char buf[32];

	xmlNewProp(n, X("name"), X(action_name(a->kind)));
	if (a->kind == ACTION_MONITOR) {
		snprintf(buf, sizeof(buf), "%u", a->depth);
		xmlNewProp(n, X("depth"), X(buf));
	}
	snprintf(buf, sizeof(buf), "%us", a->timeout_s);
	xmlNewProp(n, X("timeout"), X(buf));
	if (a->interval_s) {
		snprintf(buf, sizeof(buf), "%us", a->interval_s);
		xmlNewProp(n, X("interval"), X(buf));
	}
	if (a->role)
		xmlNewProp(n, X("role"), X(a->role));
}

char *metadata_render(const struct agent_desc *d)
{
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr root, params, actions;
	xmlChar *mem = NULL;
	char *ret = NULL;
	int size = 0;

	if (!doc)
		return NULL;
	root = xmlNewNode(NULL, X("resource-agent"));
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, X("name"), X(d->name));
	xmlNewProp(root, X("version"), X(d->version));
	xmlNewTextChild(root, NULL, X("version"), X("1.1"));
	add_desc(root, "longdesc", d->longdesc);
	add_desc(root, "shortdesc", d->shortdesc);

	params = xmlNewChild(root, NULL, X("parameters"), NULL);
	for (unsigned i = 0; i < d->n_params; i++)
		add_param(params, &d->params[i]);
	actions = xmlNewChild(root, NULL, X("actions"), NULL);
	for (unsigned i = 0; i < d->n_actions; i++)
		add_action(actions, &d->actions[i]);

	/*
	 * No encoding in the XML declaration: crmsh hands the text to lxml
	 * as a str, and lxml refuses str input that declares an encoding
	 * ("crm ra info" then fails). UTF-8 is XML's default anyway.
	 */
	xmlDocDumpFormatMemory(doc, &mem, &size, 1);
	if (mem) {
		ret = strndup((const char *)mem, (size_t)size);
		xmlFree(mem);
	}
	xmlFreeDoc(doc);
	return ret;
}
