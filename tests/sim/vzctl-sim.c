/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vzctl-sim: the front-end of a SIMULATOR of OpenVZ's vzctl(8), for vzha's
 * tests ONLY. Neither this program nor the script behind it is vzctl, and
 * no OpenVZ kernel is involved.
 *
 * The simulator is the bash script tests/sim/vzctl-sim.sh. This program
 * answers one command itself,
 *
 *	vzctl-sim [--quiet | --verbose | --skiplock]... status CTID
 *
 * and execs the script, with the same arguments, for everything else.
 * Why: the agents run "vzctl status" at every monitor (ManageVE twice),
 * and the real vzctl, a C program, answers it for little more than the
 * cost of its exec (about 1 ms here), while bash takes about 5 ms to
 * start and parse the script before it does anything. Against the bare
 * script, benchmarks of the agents measured the simulator more than the
 * agents.
 *
 * The answer must be the script's, byte for byte and exit code for exit
 * code. This reads the state the script reads (vz.conf and
 * conf/CTID.conf, parsed as its conf_get() parses them; VE_ROOT and
 * VE_PRIVATE with $VEID substituted; run/CTID.pid; /proc/PID/stat and
 * /proc/PID/root of the recorded init; /proc/self/mountinfo) and follows
 * its act_status() step for step, each function below naming the one it
 * mirrors; tests/sim/test-vzctl-sim.sh compares the two in every state.
 * Where it could not be sure to give the script's answer, it does not
 * answer but execs the script: any error (the script reports it), a
 * config or pid file that is not a regular file, a VE_ROOT that is
 * relative or goes through a symlink (the script resolves it with
 * realpath(1)), an overlong path, a failed allocation.
 *
 * Environment: VZCTL_SIM_ROOT, as for the script; VZCTL_SIM_SH, the
 * script to exec (default: the source tree's, fixed at build time).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"

#ifndef VZCTL_SIM_SH
#error "VZCTL_SIM_SH must name vzctl-sim.sh (set by Makefile.am)"
#endif

#define DELEGATE	(-1) /* not answered here: exec the script */
#define VZ_SYSTEM_ERROR 3 /* vzctl(8): the script could not run */
#define FILE_MAX	(1 << 20) /* a larger file is left to the script */
#define IFS_WS		" \t\n" /* bash's default IFS */

static bool is_space(char c) /* [[:space:]] with LC_ALL=C */
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* A formatted string, or NULL without memory (asprintf's is undefined) */
__attribute__((format(printf, 1, 2))) static char *str_printf(const char *fmt,
							      ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

/*
 * The whole of the file at path, NUL-terminated, in *ret, with its NUL
 * bytes dropped as bash's read drops them. Returns the length, or -errno;
 * -ENOTSUP when regular is set and the file is not a regular one (bash
 * would block on a fifo, and complain of a directory).
 */
static ssize_t slurp(const char *path, bool regular, char **ret)
{
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;
	size_t j = 0;

	if (regular) {
		if (stat(path, &st) < 0)
			return -errno;
		if (!S_ISREG(st.st_mode))
			return -ENOTSUP;
	}
	n = procfs_read(path, FILE_MAX, &text);
	if (n < 0)
		return n;
	for (ssize_t i = 0; i < n; i++)
		if (text[i])
			text[j++] = text[i];
	text[j] = '\0';
	*ret = TAKE_PTR(text);
	return (ssize_t)j;
}

/*
 * conf_get(): the value of the last "name=" line of the file, in *ret.
 * Returns 1 when found, 0 when not (or the file is unreadable, as
 * [ -r ] says), DELEGATE when the script's read would behave otherwise.
 */
static int conf_get(const char *path, const char *name, char **ret)
{
	_cleanup_free_ char *text = NULL, *val = NULL;
	size_t name_len = strlen(name);
	bool found = false;
	ssize_t n;

	if (access(path, R_OK) < 0)
		return 0;
	n = slurp(path, true, &text);
	if (n < 0)
		return DELEGATE;
	for (char *line = text, *next; line < text + n; line = next) {
		char *nl = memchr(line, '\n', (size_t)(text + n - line));
		char *b = line, *e = nl ? nl : text + n, *eq, *v;

		/* the last line may lack its newline: still a line */
		next = nl ? nl + 1 : text + n;
		while (b < e && is_space(*b))
			b++;
		while (e > b && is_space(e[-1]))
			e--;
		if (b == e || *b == '#')
			continue;
		eq = memchr(b, '=', (size_t)(e - b));
		if (!eq || (size_t)(eq - b) != name_len ||
		    memcmp(b, name, name_len) != 0)
			continue;
		v = eq + 1;
		if (v < e && *v == '"') {
			char *q = NULL;

			for (char *c = ++v; c < e; c++)
				if (*c == '"')
					q = c;
			if (!q)
				continue; /* unmatched quote: vzctl skips it */
			e = q;
		}
		free(val);
		val = strndup(v, (size_t)(e - v));
		if (!val)
			return DELEGATE;
		found = true;
	}
	if (!found)
		return 0;
	*ret = TAKE_PTR(val);
	return 1;
}

/* s with every pat replaced by rep, left to right; NULL without memory */
static char *replace_all(const char *s, const char *pat, const char *rep)
{
	size_t pl = strlen(pat), rl = strlen(rep), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, pat)); p += pl)
		n++;
	out = malloc(strlen(s) + n * rl + 1);
	if (!out)
		return NULL;
	for (o = out, p = s;;) {
		const char *hit = strstr(p, pat);
		size_t k = hit ? (size_t)(hit - p) : strlen(p);

		memcpy(o, p, k);
		o += k;
		if (!hit)
			break;
		memcpy(o, rep, rl);
		o += rl;
		p = hit + pl;
	}
	*o = '\0';
	return out;
}

/* subst_veid(): ${VEID}, then $VEID, replaced; trailing slashes dropped */
static char *subst_veid(const char *v, const char *ctid)
{
	_cleanup_free_ char *a = replace_all(v, "${VEID}", ctid);
	char *b = a ? replace_all(a, "$VEID", ctid) : NULL;
	size_t n;

	if (!b)
		return NULL;
	n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		b[--n] = '\0';
	return b;
}

/*
 * param() and load_ct(): the container's value of name (CTID.conf over
 * vz.conf; a CTID.conf line wins even when empty), substituted, in *ret;
 * "" when unset or empty. Returns 0 or DELEGATE.
 */
static int load_path(const char *ct_conf, const char *global, const char *name,
		     const char *ctid, char **ret)
{
	_cleanup_free_ char *v = NULL;
	int r = conf_get(ct_conf, name, &v);

	if (r == 0)
		r = conf_get(global, name, &v);
	if (r == DELEGATE)
		return DELEGATE;
	*ret = r == 1 && *v ? subst_veid(v, ctid) : strdup("");
	return *ret ? 0 : DELEGATE;
}

/*
 * canon_lexical(): "realpath -m path" where the lexical normalisation is
 * exact, in *ret: for an absolute path none of whose existing components
 * is a symlink, each checked (lstat, as [ -L ]) before a ".." may drop
 * it. Returns 0, or DELEGATE for a relative path or one through a symlink,
 * which the script gives to realpath(1).
 */
static int canon_lexical(const char *path, char **ret)
{
	size_t len = strlen(path), n = 0;
	_cleanup_free_ char *res = NULL;
	const char *p = path;
	struct stat st;

	if (path[0] != '/' || len >= PATH_MAX)
		return DELEGATE;
	res = malloc(len + 2);
	if (!res)
		return DELEGATE;
	res[0] = '\0';
	while (*p) {
		const char *c = p;
		size_t cl = strcspn(c, "/");

		p = c[cl] ? c + cl + 1 : c + cl;
		if (cl == 0 || (cl == 1 && c[0] == '.'))
			continue;
		if (cl == 2 && c[0] == '.' && c[1] == '.') {
			/* ${res%/...}: back to the last slash */
			while (n > 0 && res[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			res[n] = '\0';
			continue;
		}
		res[n++] = '/';
		memcpy(res + n, c, cl);
		n += cl;
		res[n] = '\0';
		if (lstat(res, &st) == 0 && S_ISLNK(st.st_mode))
			return DELEGATE;
	}
	if (n == 0)
		strcpy(res, "/");
	*ret = TAKE_PTR(res);
	return 0;
}

/* mountinfo_escape(): path as the kernel writes it in mountinfo */
static char *mountinfo_escape(const char *path)
{
	char *out = malloc(strlen(path) * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (const char *p = path; *p; p++) {
		switch (*p) {
		case '\\':
			o = stpcpy(o, "\\134");
			break;
		case ' ':
			o = stpcpy(o, "\\040");
			break;
		case '\t':
			o = stpcpy(o, "\\011");
			break;
		case '\n':
			o = stpcpy(o, "\\012");
			break;
		default:
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/*
 * The nth (from 0) IFS-separated word of line, as read(1) splits it, in
 * *ret and *ret_len; false when the line has fewer words.
 */
static bool word(const char *line, int nth, const char **ret, size_t *ret_len)
{
	const char *p = line;

	for (int i = 0;; i++) {
		size_t k;

		p += strspn(p, IFS_WS);
		if (!*p)
			return false;
		k = strcspn(p, IFS_WS);
		if (i == nth) {
			*ret = p;
			*ret_len = k;
			return true;
		}
		p += k;
	}
}

/* is_mountpoint(): 1 when path is a mount point, 0 if not, or DELEGATE */
static int is_mountpoint(const char *path)
{
	_cleanup_free_ char *real = NULL, *want = NULL, *text = NULL;
	size_t want_len;
	ssize_t n;

	if (canon_lexical(path, &real) < 0)
		return DELEGATE;
	want = mountinfo_escape(real);
	if (!want)
		return DELEGATE;
	want_len = strlen(want);
	n = slurp("/proc/self/mountinfo", false, &text);
	if (n < 0)
		return DELEGATE;
	/* read(1) skips a last line without its newline */
	for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		const char *mp;
		size_t len;

		*nl = '\0';
		/* "read -r _a _b _c _d mp _rest": mp is the fifth word */
		if (word(line, 4, &mp, &len) && len == want_len &&
		    memcmp(mp, want, len) == 0)
			return 1;
	}
	return 0;
}

/* in_ct_root(): 1 when the root directory of pid is ve_root, 0, DELEGATE */
static int in_ct_root(const char *pid, const char *ve_root)
{
	_cleanup_free_ char *proc_root = NULL, *root_slash = NULL;
	struct stat a, b;

	if (!*ve_root || stat(ve_root, &a) < 0 || !S_ISDIR(a.st_mode))
		return 0;
	proc_root = str_printf("/proc/%s/root/", pid);
	root_slash = str_printf("%s/", ve_root);
	if (!proc_root || !root_slash)
		return DELEGATE;
	return stat(proc_root, &a) == 0 && stat(root_slash, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* w (len bytes) and s are the same string */
static bool same(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/*
 * ct_is_running(): the init recorded in pid_file ("PID STARTTIME") lives,
 * is no zombie, started at STARTTIME (when given), and has ve_root as its
 * root directory. Returns 1, 0, or DELEGATE.
 */
static int ct_is_running(const char *pid_file, const char *ve_root)
{
	_cleanup_free_ char *text = NULL, *path = NULL, *stat_text = NULL;
	_cleanup_free_ char *want_start = NULL;
	const char *rest, *state, *start;
	size_t state_len, start_len;
	char *pid, *end, *nl;
	ssize_t n;

	if (access(pid_file, R_OK) < 0)
		return 0;
	n = slurp(pid_file, true, &text);
	if (n < 0)
		return DELEGATE;
	/* "read -r pid start" fails on a first line without its newline */
	nl = strchr(text, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	/* pid: the first word; start: the rest, IFS whitespace trimmed */
	pid = text + strspn(text, IFS_WS);
	end = pid + strcspn(pid, IFS_WS);
	want_start = strdup(end + strspn(end, IFS_WS));
	if (!want_start)
		return DELEGATE;
	*end = '\0';
	for (n = (ssize_t)strlen(want_start);
	     n > 0 && strchr(IFS_WS, want_start[n - 1]); n--)
		want_start[n - 1] = '\0';
	if (!all_digits(pid))
		return 0;

	/* proc_stat(): fields 3 and 22, counted after the last ") " */
	path = str_printf("/proc/%s/stat", pid);
	if (!path)
		return DELEGATE;
	n = slurp(path, false, &stat_text);
	if (n == -ENOMEM || n == -EFBIG)
		return DELEGATE;
	if (n < 0 || !(nl = strchr(stat_text, '\n')))
		return 0;
	*nl = '\0';
	rest = stat_text;
	for (const char *p = stat_text; (p = strstr(p, ") ")); p++)
		rest = p + 2;
	if (!word(rest, 0, &state, &state_len) || same(state, state_len, "Z"))
		return 0;
	if (*want_start) {
		/* ${f[19]-}: an empty P_START when missing */
		if (!word(rest, 19, &start, &start_len) ||
		    !same(start, start_len, want_start))
			return 0;
	}
	return in_ct_root(pid, ve_root);
}

/*
 * The script's option loop, argument checks and act_status(). Returns
 * the exit code, having printed the status line, or DELEGATE.
 */
static int status(int argc, char *argv[])
{
	_cleanup_free_ char *global = NULL, *ct_conf = NULL, *pid_file = NULL;
	_cleanup_free_ char *ve_root = NULL, *ve_private = NULL;
	const char *sim_root = getenv("VZCTL_SIM_ROOT"), *id;
	char ctid[16];
	unsigned long long v;
	struct stat st;
	bool exist;
	int i, mounted, running;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--quiet") != 0 &&
		    strcmp(argv[i], "--verbose") != 0 &&
		    strcmp(argv[i], "--skiplock") != 0)
			break;
	/* --version, --help, another command, a missing or extra word */
	if (argc - i != 2 || strcmp(argv[i], "status") != 0)
		return DELEGATE;
	id = argv[i + 1];
	/* a bad CT ID, and CT 0, are errors the script reports */
	if (!all_digits(id) || strlen(id) > 10)
		return DELEGATE;
	v = strtoull(id, NULL, 10);
	if (v == 0 || v > 2147483647)
		return DELEGATE;
	(void)snprintf(ctid, sizeof(ctid), "%llu", v); /* $((10#$CTID)) */

	if (!sim_root || !*sim_root)
		sim_root = "/etc/vz";
	global = str_printf("%s/vz.conf", sim_root);
	ct_conf = str_printf("%s/conf/%s.conf", sim_root, ctid);
	pid_file = str_printf("%s/run/%s.pid", sim_root, ctid);
	if (!global || !ct_conf || !pid_file)
		return DELEGATE;
	if (access(global, R_OK) < 0)
		return DELEGATE;
	if (load_path(ct_conf, global, "VE_ROOT", ctid, &ve_root) < 0 ||
	    load_path(ct_conf, global, "VE_PRIVATE", ctid, &ve_private) < 0)
		return DELEGATE;

	exist = *ve_private && stat(ve_private, &st) == 0 &&
		stat(ct_conf, &st) == 0;
	mounted = *ve_root ? is_mountpoint(ve_root) : 0;
	if (mounted == DELEGATE)
		return DELEGATE;
	running = ct_is_running(pid_file, ve_root);
	if (running == DELEGATE)
		return DELEGATE;
	/*
	 * The script's printf ignores a write error too (act_status returns
	 * 0 whatever it printed).
	 */
	(void)printf("CTID %s %s %s %s\n", ctid, exist ? "exist" : "deleted",
		     mounted ? "mounted" : "unmounted",
		     running ? "running" : "down");
	return 0;
}

int main(int argc, char *argv[])
{
	const char *sh = getenv("VZCTL_SIM_SH");
	int rc = status(argc, argv);

	if (rc != DELEGATE)
		return rc;
	if (!sh || !*sh)
		sh = VZCTL_SIM_SH;
	argv[0] = (char *)sh;
	(void)execv(sh, argv);
	fprintf(stderr, "vzctl-sim: cannot run the simulator %s: %s\n", sh,
		strerror(errno));
	return VZ_SYSTEM_ERROR;
}
