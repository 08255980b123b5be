/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "parse.h"
#include "procfs.h"

#define BLANKS " \t"

/* Cuts the next line out of a writable buffer and advances *cursor. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen(line);
	}
	return line;
}

static char *skip_blanks(char *s)
{
	return s + strspn(s, BLANKS);
}

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && strchr(BLANKS "\r", s[n - 1]))
		s[--n] = '\0';
}

/* Splits a line into at most max words; returns how many there were. */
static size_t split_words(char *line, char **words, size_t max)
{
	char *save = NULL;
	size_t n = 0;

	for (char *w = strtok_r(line, BLANKS "\r", &save); w;
	     w = strtok_r(NULL, BLANKS "\r", &save)) {
		if (n < max)
			words[n] = w;
		n++;
	}
	return n;
}

/* -1 when word is none of the (NULL-terminated) choices. */
static int word_index(const char *word, const char *const *choices)
{
	for (int i = 0; choices[i]; i++)
		if (strcmp(word, choices[i]) == 0)
			return i;
	return -1;
}

static int status_words(char *line, const char *ctid, struct vzstatus *ret)
{
	static const char *const exist[] = {"deleted", "exist", NULL};
	static const char *const mounted[] = {"unmounted", "mounted", NULL};
	static const char *const running[] = {"down", "running", NULL};
	char *w[16];
	size_t n = split_words(line, w, ELEMENTSOF(w));
	struct vzstatus st = {0};
	int e, m, r;

	if (n < 5 || strcmp(w[1], ctid) != 0)
		return -EINVAL;
	e = word_index(w[2], exist);
	m = word_index(w[3], mounted);
	r = word_index(w[4], running);
	if (e < 0 || m < 0 || r < 0)
		return -EINVAL;
	st.exists = e;
	st.mounted = m;
	st.running = r;
	/*
	 * vzctl 4 adds "suspended" for a stopped container with a dump file;
	 * later words we do not know are another version's business.
	 */
	for (size_t i = 5; i < n && i < ELEMENTSOF(w); i++)
		if (strcmp(w[i], "suspended") == 0)
			st.suspended = true;
	*ret = st;
	return 0;
}

int vzstatus_parse(const char *text, const char *ctid, struct vzstatus *ret)
{
	_cleanup_free_ char *buf = NULL;
	struct vzstatus st;
	char *cursor, *line;
	int found = 0, r;

	if (!text || !ctid || !*ctid)
		return -EINVAL;
	buf = strdup(text);
	if (!buf)
		return -ENOMEM;
	/*
	 * The status is the line that starts with the word CTID; a warning a
	 * vzctl prints on stdout around it must not fail a monitor. Two
	 * status lines are not something vzctl prints.
	 */
	cursor = buf;
	while ((line = next_line(&cursor))) {
		line = skip_blanks(line);
		if (strncmp(line, "CTID", 4) != 0 ||
		    (line[4] && !strchr(BLANKS "\r", line[4])))
			continue;
		if (found++)
			return -EINVAL;
		r = status_words(line, ctid, &st);
		if (r < 0)
			return r;
	}
	if (!found)
		return -EINVAL;
	*ret = st;
	return 0;
}

/* A shell variable name, as vzctl writes them: [A-Za-z_][A-Za-z0-9_]*. */
static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	while (s[n] == '_' || (s[n] >= 'A' && s[n] <= 'Z') ||
	       (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

/*
 * Decodes a shell word in place: "double" (where \ escapes $ ` " \),
 * 'single' (literal), bare (where \ escapes any character), or a
 * concatenation of these. After the word only blanks and a # comment
 * may follow. An unterminated quote is -EINVAL.
 */
static int shell_word(char *s)
{
	char *w = s, quote = 0;

	for (; *s; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				*w++ = *s;
		} else if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else if (*s == '\\' && s[1] && strchr("$`\"\\", s[1]))
				*w++ = *++s;
			else
				*w++ = *s;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '\\' && s[1]) {
			*w++ = *++s;
		} else if (strchr(BLANKS "\r", *s)) {
			break;
		} else {
			*w++ = *s;
		}
	}
	if (quote)
		return -EINVAL;
	if (*s) {
		s = skip_blanks(s + 1);
		if (*s && *s != '#' && *s != '\r')
			return -EINVAL;
	}
	*w = '\0';
	return 0;
}

/* s with each "$VEID" and "${VEID}" replaced by veid, malloc'd. */
static char *subst_veid(const char *s, const char *veid)
{
	static const char *const vars[] = {"${VEID}", "$VEID"};
	size_t len = strlen(s), vlen = strlen(veid), n = 0;
	char *out, *w;

	/* an upper bound: no variable is shorter than "$VEID" */
	if (vlen > sizeof("$VEID") - 1)
		n = (len / (sizeof("$VEID") - 1) + 1) * vlen;
	out = malloc(len + n + 1);
	if (!out)
		return NULL;
	for (w = out; *s;) {
		size_t i;

		for (i = 0; i < ELEMENTSOF(vars); i++)
			if (strncmp(s, vars[i], strlen(vars[i])) == 0)
				break;
		if (i < ELEMENTSOF(vars)) {
			memcpy(w, veid, vlen);
			w += vlen;
			s += strlen(vars[i]);
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
	return out;
}

enum { VZ_PRIVATE, VZ_ROOT, VZ_ONBOOT, VZ_N };

static int vzconf_line(char *line, const char *veid, struct vzconf *c)
{
	static const char *const keys[VZ_N + 1] = {
		[VZ_PRIVATE] = "VE_PRIVATE",
		[VZ_ROOT] = "VE_ROOT",
		[VZ_ONBOOT] = "ONBOOT",
	};
	size_t n;
	char *value, **dst;
	int k, r;

	line = skip_blanks(line);
	n = name_len(line);
	if (n == 0)
		return 0; /* blank, comment, or not an assignment */
	value = line + n;
	if (*value != '=') {
		/*
		 * "VE_PRIVATE = x" is no assignment, to vzctl or to the
		 * shell; refuse it rather than silently use another value
		 */
		if (*skip_blanks(value) == '=') {
			*value = '\0';
			if (word_index(line, keys) >= 0)
				return -EINVAL;
		}
		return 0;
	}
	*value++ = '\0';
	k = word_index(line, keys);
	if (k < 0)
		return 0;
	r = shell_word(value);
	if (r < 0)
		return r;
	if (!*value)
		return -EINVAL;

	/*
	 * The last assignment wins, as in the shell and OpenVZ 7's
	 * libvzctl (vzctl 4 kept the first and warned).
	 */
	if (k == VZ_ONBOOT) {
		if (strcasecmp(value, "yes") == 0)
			c->onboot = true;
		else if (strcasecmp(value, "no") == 0)
			c->onboot = false;
		else
			return -EINVAL;
		c->has_onboot = true;
		return 0;
	}
	dst = k == VZ_PRIVATE ? &c->ve_private : &c->ve_root;
	free(*dst);
	*dst = subst_veid(value, veid);
	return *dst ? 0 : -ENOMEM;
}

int vzconf_parse(const char *text, const char *veid, struct vzconf *ret)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_(vzconf_free) struct vzconf c = {0};
	char *cursor, *line;
	int r;

	if (!text || !veid || !*veid)
		return -EINVAL;
	buf = strdup(text);
	if (!buf)
		return -ENOMEM;
	cursor = buf;
	while ((line = next_line(&cursor))) {
		r = vzconf_line(line, veid, &c);
		if (r < 0)
			return r;
	}
	*ret = c;
	c = (struct vzconf){0};
	return 0;
}

void vzconf_free(struct vzconf *c)
{
	if (!c)
		return;
	free(c->ve_private);
	free(c->ve_root);
	*c = (struct vzconf){0};
}

/*
 * "%10u %5u %5u" (OpenVZ 6 kernels) or "%10s %5u %5u" with the ve_name,
 * which may be a UUID, and a constant class 0 (OpenVZ 7 and later), then
 * any IP addresses. The first field is the ctid; the next two must be
 * numbers, which is what tells a veinfo line from anything else.
 */
static int veinfo_line(char *line, const char *ctid)
{
	char *w[3];
	uint64_t v;
	size_t n = split_words(line, w, ELEMENTSOF(w));

	if (n == 0)
		return 0;
	if (n < 3 || procfs_parse_u64(w[1], &v) < 0 ||
	    procfs_parse_u64(w[2], &v) < 0)
		return -EINVAL;
	return strcmp(w[0], ctid) == 0;
}

int veinfo_has(const char *text, const char *ctid)
{
	_cleanup_free_ char *buf = NULL;
	char *cursor, *line;
	int found = 0, r;

	if (!text || !ctid || !*ctid || ctid[strcspn(ctid, BLANKS "\n")])
		return -EINVAL;
	buf = strdup(text);
	if (!buf)
		return -ENOMEM;
	/* read every line: a malformed file is an error even after a hit */
	cursor = buf;
	while ((line = next_line(&cursor))) {
		r = veinfo_line(line, ctid);
		if (r < 0)
			return r;
		found |= r;
	}
	return found;
}

static const char *const lxc_states[_LXC_STATE_COUNT] = {
	[LXC_STOPPED] = "STOPPED",   [LXC_STARTING] = "STARTING",
	[LXC_RUNNING] = "RUNNING",   [LXC_STOPPING] = "STOPPING",
	[LXC_ABORTING] = "ABORTING", [LXC_FREEZING] = "FREEZING",
	[LXC_FROZEN] = "FROZEN",     [LXC_THAWED] = "THAWED",
};

const char *lxc_state_name(enum lxc_state s)
{
	if ((unsigned)s >= _LXC_STATE_COUNT)
		return NULL;
	return lxc_states[s];
}

/* The value of a "Key:   value" line, or NULL when it is another key. */
static char *info_value(char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0 || line[n] != ':')
		return NULL;
	line = skip_blanks(line + n + 1);
	trim_right(line);
	return line;
}

int lxc_info_parse(const char *text, enum lxc_state *ret_state, int *ret_pid)
{
	_cleanup_free_ char *buf = NULL;
	char *cursor, *line, *v;
	int state = -1, npid = 0;
	uint64_t pid = 0;

	if (!text)
		return -EINVAL;
	buf = strdup(text);
	if (!buf)
		return -ENOMEM;
	/* other lines (Name:, IP:, CPU use:, ...) are not ours */
	cursor = buf;
	while ((line = next_line(&cursor))) {
		if ((v = info_value(line, "State"))) {
			if (state >= 0)
				return -EINVAL;
			for (state = 0; state < _LXC_STATE_COUNT; state++)
				if (strcmp(v, lxc_states[state]) == 0)
					break;
			if (state == _LXC_STATE_COUNT)
				return -EINVAL;
		} else if ((v = info_value(line, "PID"))) {
			if (npid++ || procfs_parse_u64(v, &pid) < 0 ||
			    pid == 0 || pid > INT_MAX)
				return -EINVAL;
		}
	}
	if (state < 0)
		return -EINVAL;
	*ret_state = (enum lxc_state)state;
	if (ret_pid)
		*ret_pid = (int)pid;
	return 0;
}

/* kill(1) fashion, as LXC's sig_parse() takes it: a number or SIG<name>. */
static bool signal_valid(const char *s)
{
	uint64_t n;

	if (procfs_parse_u64(s, &n) == 0)
		return n >= 1 && n <= 64;
	if (strncasecmp(s, "SIG", 3) != 0 || !s[3])
		return false;
	for (s += 3; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '+' || *s == '-'))
			return false;
	return true;
}

/* An empty value resets a key to its default, as in LXC. */
static int set_string(char **dst, const char *value)
{
	char *s = NULL;

	if (*value) {
		s = strdup(value);
		if (!s)
			return -ENOMEM;
	}
	free(*dst);
	*dst = s;
	return 0;
}

/*
 * Follows LXC's parse_line() (src/lxc/confile.c): comments only as whole
 * lines, blanks around key and value trimmed, one pair of matching quotes
 * removed, lines not starting with "lxc." ignored.
 */
static int lxcconf_line(char *line, struct lxcconf *c)
{
	char *eq, *key, *value;
	size_t n;
	uint64_t v;

	line = skip_blanks(line);
	if (strncmp(line, "lxc.", 4) != 0)
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return -EINVAL; /* LXC refuses the whole file */
	*eq = '\0';
	key = line;
	trim_right(key);
	value = skip_blanks(eq + 1);
	trim_right(value);
	n = strlen(value);
	if (n > 1 && (value[0] == '"' || value[0] == '\'') &&
	    value[n - 1] == value[0]) {
		value[n - 1] = '\0';
		value++;
	}

	if (strcmp(key, "lxc.rootfs.path") == 0) {
		if (strncmp(value, "dir:", 4) == 0) {
			value += 4;
			if (!*value)
				return -EINVAL;
		}
		return set_string(&c->rootfs, value);
	}
	if (strcmp(key, "lxc.start.auto") == 0) {
		if (!*value) {
			c->autostart = false;
			return 0;
		}
		if (procfs_parse_u64(value, &v) < 0 || v > 1)
			return -EINVAL;
		c->autostart = v;
		return 0;
	}
	if (strcmp(key, "lxc.signal.halt") == 0) {
		if (*value && !signal_valid(value))
			return -EINVAL;
		return set_string(&c->halt_signal, value);
	}
	return 0;
}

int lxcconf_parse(const char *text, struct lxcconf *ret)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_(lxcconf_free) struct lxcconf c = {0};
	char *cursor, *line;
	int r;

	if (!text)
		return -EINVAL;
	buf = strdup(text);
	if (!buf)
		return -ENOMEM;
	cursor = buf;
	while ((line = next_line(&cursor))) {
		r = lxcconf_line(line, &c);
		if (r < 0)
			return r;
	}
	*ret = c;
	c = (struct lxcconf){0};
	return 0;
}

void lxcconf_free(struct lxcconf *c)
{
	if (!c)
		return;
	free(c->rootfs);
	free(c->halt_signal);
	*c = (struct lxcconf){0};
}

/* pct percent of t, rounded down, without overflowing t * pct */
static uint64_t percent(uint64_t t, unsigned pct)
{
	return t / 100 * pct + t % 100 * pct / 100;
}

void stop_plan_make(uint64_t time_ms, struct stop_plan *ret)
{
	uint64_t graceful = percent(time_ms, 60), fast;

	/*
	 * vzctl's and lxc-stop's timeouts count whole seconds, so a graceful
	 * stop gets at least one when there is one, even if that leaves
	 * nothing for the fast stop.
	 */
	if (graceful < 1000 && time_ms >= 1000)
		graceful = 1000;
	fast = graceful + percent(time_ms, 25);
	if (fast > time_ms)
		fast = time_ms;
	*ret = (struct stop_plan){
		.graceful_ms = graceful,
		.fast_ms = fast,
		.kill_ms = time_ms,
	};
}
