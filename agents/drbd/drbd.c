/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:vzha:drbd: a DRBD 8.4 or 9 resource as a promotable clone.
 *
 * State comes from the kernel: /proc/drbd on 8.4 (no fork), one
 * `drbdsetup status --json` on 9. The promotion score follows the disk
 * states and is written (one crm_attribute fork) only when it changes.
 * Safety before liveness: never --force, never promote without UpToDate
 * data, never discard data; a split brain is reported, not resolved.
 * Why a device is StandAlone (split brain or not) is in the kernel log
 * only; it is read then, and only then (splitbrain.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "desc.h"
#include "dispatch.h"
#include "holders.h"
#include "log.h"
#include "mountinfo.h"
#include "ocf.h"
#include "procfs.h"
#include "run.h"
#include "splitbrain.h"
#include "status.h"

#define RETRY_MS 500            /* between promote attempts */
#define RETRY_BUDGET_MS 2000    /* what one more attempt needs at least */

enum {
	SCORE_NONE = -1,        /* no score: must not be promoted */
	SCORE_CONSISTENT = 10,
	SCORE_LOCAL_OK = 1000,
	SCORE_BEST = 10000,
};

struct drbd {
	struct agent_ctx *ctx;
	const char *res;
	const char *root;       /* test hook: prefix of /proc, /sys and
				 * /dev/drbdN */
	int version;            /* 8 or 9; 0 when no module is loaded */
	int minor;              /* -1 when not known */
	struct drbd_status st;
	char state[256];        /* the state in words, for reasons */
};

/* ------------------------------------------------------------ paths */

/* <root><dir>[/<name>]: a kernel or state path under the test hook */
static int root_path(const struct drbd *d, char *buf, size_t size,
		     const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s%s%s%s", d->root, dir, name ? "/" : "",
			 name ? name : "");

	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* The loaded module's major version (8 or 9), or 0 when none. */
static int module_version(struct drbd *d)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	int major = 0, minor = 0;

	if (root_path(d, path, sizeof(path), "/proc/drbd", NULL) == 0 &&
	    procfs_read(path, PROCFS_MAX, &text) >= 0 &&
	    status84_parse_version(text, &major, &minor) == 0)
		return major;
	free(TAKE_PTR(text));
	/* DRBD 9 has no /proc/drbd details; its version is "9.2.12\n" */
	if (root_path(d, path, sizeof(path), "/sys/module/drbd/version",
		      NULL) == 0 &&
	    procfs_read(path, 4096, &text) >= 0 &&
	    sscanf(text, "%d.", &major) == 1 && (major == 8 || major >= 9))
		return major >= 9 ? 9 : 8;
	return 0;
}

/*
 * Writes what an action remembers for the next one (the minor, the last
 * score) to <rundir>/drbd/<name>, atomically. Best effort: a lost file
 * only costs the next action a fork.
 */
static void save_state(const struct drbd *d, const char *name,
		       const char *content)
{
	char dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 8];
	_cleanup_fclose_ FILE *f = NULL;

	if (root_path(d, dir, sizeof(dir), VZHA_RUNDIR, NULL) < 0 ||
	    root_path(d, path, sizeof(path), VZHA_RUNDIR "/drbd", name) < 0)
		return;
	if (strlen(dir) + 6 > sizeof(dir))
		return;
	strcat(dir, "/drbd");
	for (char *p = dir + 1; *p; p++) { /* mkdir -p: the hook's root too */
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0755);
		*p = '/';
	}
	(void)mkdir(dir, 0755);
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fputs(content, f) < 0 || fclose(TAKE_PTR(f)) != 0)
		return;
	if (rename(tmp, path) < 0)
		(void)unlink(tmp);
}

/* ------------------------------------------------------------ tools */

static int drbdadm(struct drbd *d, const char *cmd, struct run_result *res)
{
	const char *argv[] = { d->ctx->p[P_DRBDADM].str, "-c",
			       d->ctx->p[P_DRBDCONF].str, cmd, d->res, NULL };
	int r = run_argv(argv, NULL, &d->ctx->deadline, res);

	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot run %s", argv[0]);
	if (res->status == RUN_EXEC_FAILED) {
		char desc[512];

		run_describe(res, desc, sizeof(desc));
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s", desc);
	}
	return run_ok(res) ? OCF_SUCCESS : OCF_ERR_GENERIC;
}

/*
 * What a failed drbdadm said that matters: DRBD's "State change failed:
 * (-12) Device is held open by someone" or "Failure: (...)" line, which
 * drbdadm follows with a less useful "Command ... terminated" line; else
 * the usual description of the run.
 */
static void drbd_error(const struct run_result *res, char *buf, size_t size)
{
	static const char *const keys[] = { "State change failed", "Failure:",
					    "not defined in your config" };
	const char *text = res->err && *res->err ? res->err : res->out;

	for (size_t i = 0; text && i < ELEMENTSOF(keys); i++) {
		const char *p = strstr(text, keys[i]);

		if (p) {
			while (p > text && p[-1] != '\n')
				p--;
			(void)snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
			return;
		}
	}
	run_describe(res, buf, size);
}

/* Runs drbdadm CMD RES; a failure becomes the reason "what: <detail>". */
static int drbdadm_do(struct drbd *d, const char *cmd, const char *what)
{
	struct run_result res = { 0 };
	char desc[512];
	int rc = drbdadm(d, cmd, &res);

	if (rc == OCF_ERR_GENERIC) {
		drbd_error(&res, desc, sizeof(desc));
		rc = ocf_fail(OCF_ERR_GENERIC, 0, "%s %s: drbdadm %s: %s",
			      what, d->res, cmd, desc);
	}
	run_result_free(&res);
	return rc;
}

/*
 * The resource's minor, from `drbdadm sh-minor`, cached under /run with
 * the config's mtime so that monitors need no fork. OCF_ERR_CONFIGURED
 * when drbdadm does not know the resource.
 */
static int find_minor(struct drbd *d)
{
	const char *conf = d->ctx->p[P_DRBDCONF].str;
	struct run_result res = { 0 };
	_cleanup_free_ char *cached = NULL;
	char cache[PATH_MAX], line[128], desc[512];
	struct stat st;
	long long mtime = 0;
	uint64_t v;
	int rc;

	if (stat(conf, &st) == 0)
		mtime = (long long)st.st_mtime;
	(void)snprintf(line, sizeof(line), "%s.minor", d->res);
	if (root_path(d, cache, sizeof(cache), VZHA_RUNDIR "/drbd", line) == 0 &&
	    procfs_read(cache, 256, &cached) > 0) {
		long long m;
		int minor;

		if (sscanf(cached, "%d %lld", &minor, &m) == 2 && m == mtime &&
		    minor >= 0) {
			d->minor = minor;
			return OCF_SUCCESS;
		}
	}
	rc = drbdadm(d, "sh-minor", &res);
	if (rc == OCF_ERR_GENERIC) {
		run_describe(&res, desc, sizeof(desc));
		rc = ocf_fail(OCF_ERR_CONFIGURED, 0,
			      "DRBD resource %s is not usable with %s: drbdadm sh-minor %s",
			      d->res, conf, desc);
	}
	if (rc == OCF_SUCCESS) {
		res.out[strcspn(res.out, "\n")] = '\0';
		if (procfs_parse_u64(res.out, &v) < 0 || v > 1048575)
			rc = ocf_fail(OCF_ERR_GENERIC, 0,
				      "drbdadm sh-minor %s printed '%s', not a minor",
				      d->res, res.out);
		else
			d->minor = (int)v;
	}
	run_result_free(&res);
	if (rc)
		return rc;

	/* best effort: without the cache the next monitor forks again */
	(void)snprintf(desc, sizeof(desc), "%d %lld\n", d->minor, mtime);
	save_state(d, line, desc);
	return OCF_SUCCESS;
}

/*
 * The connection state in the words of the DRBD that runs: 9 says
 * Connecting, and Connected while the handshake runs, where the parsers
 * keep 8.4's WFConnection and WFReportParams.
 */
static const char *conn_word(const struct drbd *d, enum drbd_conn c)
{
	if (d->version == 9 && c == CONN_CONNECTING)
		return "Connecting";
	if (d->version == 9 && c == CONN_WF_REPORT_PARAMS)
		return "Connected";
	return drbd_conn_name(c);
}

static void describe(struct drbd *d)
{
	const struct drbd_status *s = &d->st;

	if (!s->configured) {
		(void)snprintf(d->state, sizeof(d->state), "%s is down",
			       d->res);
		return;
	}
	(void)snprintf(d->state, sizeof(d->state),
		       "%s: %s, role %s/%s, disk %s/%s%s", d->res,
		       conn_word(d, s->conn), drbd_role_name(s->role),
		       drbd_role_name(s->peer_role), drbd_disk_name(s->disk),
		       drbd_disk_name(s->peer_disk),
		       s->suspended ? ", I/O suspended" : "");
	if (s->sync_permille >= 0) {
		size_t n = strlen(d->state);

		(void)snprintf(d->state + n, sizeof(d->state) - n,
			       ", %d.%d%% in sync", s->sync_permille / 10,
			       s->sync_permille % 10);
	}
}

/* Reads the resource's state: /proc/drbd (8.4) or drbdsetup (9). */
static int read_state(struct drbd *d)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	int r;

	d->st = (struct drbd_status){ .sync_permille = -1 };
	if (d->version == 8) {
		if (d->minor < 0) {
			int rc = find_minor(d);

			if (rc)
				return rc;
		}
		if (root_path(d, path, sizeof(path), "/proc/drbd", NULL) < 0)
			return ocf_fail(OCF_ERR_GENERIC, -ENAMETOOLONG, "/proc/drbd");
		r = (int)procfs_read(path, PROCFS_MAX, &text);
		if (r == -ENOENT) {
			describe(d); /* module unloaded meanwhile: down */
			return OCF_SUCCESS;
		}
		if (r < 0)
			return ocf_fail(OCF_ERR_GENERIC, r, "cannot read %s", path);
		r = status84_parse_proc(text, (unsigned)d->minor, &d->st);
	} else {
		const char *argv[] = { d->ctx->p[P_DRBDSETUP].str, "status",
				       d->res, "--json", NULL };
		struct run_result res = { 0 };
		char desc[512];

		r = run_argv(argv, NULL, &d->ctx->deadline, &res);
		if (r == 0 && res.status == RUN_EXEC_FAILED) {
			r = -res.exec_errno;
		} else if (r == 0 && res.status == RUN_EXITED &&
			   res.exit_code == 10) {
			/* status_cmd()'s one exit code 10: "db: No such
			 * resource", it is down */
		} else if (r == 0 && !run_ok(&res)) {
			/*
			 * No netlink family (20), a signal, our timeout: they
			 * say nothing about the resource, and "not running"
			 * would make Pacemaker recover a Primary that runs
			 */
			run_describe(&res, desc, sizeof(desc));
			run_result_free(&res);
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"cannot read the state of %s: %s status %s",
					d->res, argv[0], desc);
		} else if (r == 0) {
			r = status9_parse_json(res.out, d->res, &d->st);
		}
		run_result_free(&res);
		/* the device, for device_users(), with no drbdadm sh-minor */
		if (r == 0 && d->minor < 0)
			d->minor = d->st.minor;
	}
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot read the state of %s",
				d->res);
	describe(d);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ scores */

/* The promotion score the state deserves (SCORE_NONE: no promotion). */
static int wanted_score(const struct drbd_status *s)
{
	if (!s->configured)
		return SCORE_NONE;
	switch (s->disk) {
	case DISK_UPTODATE:
		/*
		 * A StandAlone Secondary may hold the losing side of a split
		 * brain: it must not be promoted until the admin says so.
		 */
		if (s->conn == CONN_STANDALONE && s->role != ROLE_PRIMARY)
			return SCORE_NONE;
		if (s->role == ROLE_PRIMARY || drbd_conn_is_connected(s->conn))
			return SCORE_BEST;
		return SCORE_LOCAL_OK;
	case DISK_CONSISTENT:
		return SCORE_CONSISTENT;
	default:
		return SCORE_NONE;
	}
}

/*
 * Sets (or removes) the promotion score when it differs from the last one
 * written. Probes and every action but a recurring monitor write it
 * anyway: the cluster may have lost it (a restarted Pacemaker), and a
 * probe is what runs first after that.
 */
static void update_score(struct drbd *d, int score)
{
	bool force = d->ctx->action != ACTION_MONITOR || d->ctx->probe;
	const char *instance = getenv("OCF_RESOURCE_INSTANCE");
	const char *sbin = getenv("HA_SBIN_DIR");
	_cleanup_free_ char *last = NULL;
	char cache[PATH_MAX], tool[PATH_MAX], value[32], name[256], line[40];
	struct run_result res = { 0 };

	if (!instance || !*instance)
		return; /* run by hand, not by the cluster */
	(void)snprintf(name, sizeof(name), "%s.score", instance);
	if (root_path(d, cache, sizeof(cache), VZHA_RUNDIR "/drbd", name) < 0)
		return;
	(void)snprintf(value, sizeof(value), "%d", score);
	if (!force && procfs_read(cache, 64, &last) > 0 &&
	    strncmp(last, value, strlen(value)) == 0 &&
	    last[strlen(value)] == '\n')
		return; /* unchanged: no fork */

	(void)snprintf(tool, sizeof(tool), "%s/crm_attribute",
		       sbin && *sbin ? sbin : "/usr/sbin");
	const char *set[] = { tool, "--promotion", "-v", value, NULL };
	const char *del[] = { tool, "--promotion", "-D", NULL };
	if (run_argv(score == SCORE_NONE ? del : set, NULL, &d->ctx->deadline,
		     &res) < 0 || !run_ok(&res)) {
		char desc[512];

		run_describe(&res, desc, sizeof(desc));
		log_warning("cannot %s the promotion score of %s: crm_attribute %s, ignoring",
			    score == SCORE_NONE ? "remove" : "set", instance,
			    desc);
		run_result_free(&res);
		return;
	}
	run_result_free(&res);
	if (score == SCORE_NONE)
		log_info("removed the promotion score of %s (%s)", instance,
			 d->state);
	else
		log_info("promotion score of %s is now %d (%s)", instance,
			 score, d->state);

	(void)snprintf(line, sizeof(line), "%s\n", value);
	save_state(d, name, line);
}

/* ------------------------------------------------------------ common */

static int drbd_init(struct agent_ctx *ctx, struct drbd *d)
{
	const char *root = getenv("VZHA_DRBD_ROOT");

	*d = (struct drbd){
		.ctx = ctx,
		.res = ctx->p[P_RESOURCE].str,
		.root = root ? root : "",
		.minor = -1,
	};
	if (!*d->res || strpbrk(d->res, "/ \t\n"))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"drbd_resource '%s' is not a DRBD resource name",
				d->res);
	if (access(ctx->p[P_DRBDADM].str, X_OK) < 0)
		return ocf_fail(OCF_ERR_INSTALLED, -errno, "%s",
				ctx->p[P_DRBDADM].str);
	if (access(ctx->p[P_DRBDCONF].str, R_OK) < 0)
		return ocf_fail(OCF_ERR_INSTALLED, -errno,
				"DRBD configuration %s", ctx->p[P_DRBDCONF].str);
	d->version = module_version(d);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ split brain */

/* <rundir>/drbd/<res>.split-brain: the split brain the kernel logged */
static int split_mark(const struct drbd *d, char *name, size_t name_size,
		      char *path, size_t path_size)
{
	int n = snprintf(name, name_size, "%s.split-brain", d->res);

	if (n < 0 || (size_t)n >= name_size)
		return -ENAMETOOLONG;
	return root_path(d, path, path_size, VZHA_RUNDIR "/drbd", name);
}

/* The device connected: a split brain is over. One unlink(), ENOENT as
 * a rule. */
static void forget_split_brain(const struct drbd *d)
{
	char name[256], mark[PATH_MAX];

	if (split_mark(d, name, sizeof(name), mark, sizeof(mark)) == 0)
		(void)unlink(mark);
}

/*
 * Why the StandAlone device is StandAlone: SPLITBRAIN_UNRESOLVED for a
 * split brain DRBD's after-sb policies did not resolve and the device
 * has not connected since, SPLITBRAIN_NONE when the kernel log shows
 * none, SPLITBRAIN_UNKNOWN when it cannot tell; the evidence in why.
 *
 * The kernel log is read for this, and only for a StandAlone device, so
 * the normal case costs nothing. DRBD 8.4 only: DRBD 9 words its log
 * differently. A split brain found is remembered under the run dir for
 * when the log has wrapped past it before the admin resolves it; a
 * connection or a stop forgets it.
 */
static enum splitbrain_verdict split_brain(struct drbd *d, char *why,
					   size_t size)
{
	_cleanup_free_ char *remembered = NULL;
	char kmsg[PATH_MAX], name[256], mark[PATH_MAX], line[320];
	struct splitbrain_scan scan;
	int r;

	if (d->version != 8 || d->minor < 0 ||
	    root_path(d, kmsg, sizeof(kmsg), "/dev/kmsg", NULL) < 0 ||
	    split_mark(d, name, sizeof(name), mark, sizeof(mark)) < 0) {
		(void)snprintf(why, size,
			       "the kernel log of DRBD %d is not read",
			       d->version);
		return SPLITBRAIN_UNKNOWN;
	}
	splitbrain_init(&scan, (unsigned)d->minor, d->res);
	r = splitbrain_read(kmsg, &scan);
	switch (r < 0 ? SPLITBRAIN_UNKNOWN : splitbrain_verdict(&scan)) {
	case SPLITBRAIN_UNRESOLVED:
		/* dmesg's time format, to find the line there */
		(void)snprintf(why, size,
			       "kernel: [%5llu.%06llu] block drbd%d: Split-Brain detected but unresolved, dropping connection!",
			       (unsigned long long)(scan.split_usec / 1000000),
			       (unsigned long long)(scan.split_usec % 1000000),
			       d->minor);
		(void)snprintf(line, sizeof(line), "%s\n", why);
		if (procfs_read(mark, 4096, &remembered) < 0 ||
		    strcmp(remembered, line) != 0)
			save_state(d, name, line);
		return SPLITBRAIN_UNRESOLVED;
	case SPLITBRAIN_NONE:
		(void)unlink(mark);
		(void)snprintf(why, size,
			       "no split brain in the kernel log since %s",
			       scan.connected ? "its last connection" : "boot");
		return SPLITBRAIN_NONE;
	case SPLITBRAIN_UNKNOWN:
		break;
	}
	if (procfs_read(mark, 4096, &remembered) > 0) {
		remembered[strcspn(remembered, "\n")] = '\0';
		(void)snprintf(why, size,
			       "%s (remembered: the kernel log no longer goes back so far)",
			       remembered);
		return SPLITBRAIN_UNRESOLVED;
	}
	if (r < 0)
		(void)snprintf(why, size, "cannot read %.200s: %s", kmsg,
			       strerror(-r));
	else
		(void)snprintf(why, size,
			       "the kernel log no longer goes back to its last connection");
	return SPLITBRAIN_UNKNOWN;
}

/* ------------------------------------------------------------ monitor */

static int status_code(struct drbd *d)
{
	const struct drbd_status *s = &d->st;

	if (!s->configured)
		return OCF_NOT_RUNNING;
	if (s->role == ROLE_PRIMARY) {
		if (s->disk == DISK_DISKLESS || s->disk == DISK_FAILED ||
		    s->disk == DISK_DETACHING)
			return ocf_fail(OCF_FAILED_PROMOTED, 0,
					"%s is Primary without its disk (%s)",
					d->res, d->state);
		return OCF_RUNNING_PROMOTED;
	}
	return OCF_SUCCESS;
}

/*
 * A StandAlone device: its score is gone already unless it is Primary
 * (wanted_score); the rest is what to tell. A split brain makes the
 * monitor "degraded" (190, or 191 for the Primary), which Pacemaker
 * takes for running, as it is, and shows with the exit reason: nothing
 * the cluster could do would resolve it.
 */
static int standalone(struct drbd *d, int rc)
{
	char why[512], text[1024];

	switch (split_brain(d, why, sizeof(why))) {
	case SPLITBRAIN_UNRESOLVED:
		(void)snprintf(text, sizeof(text),
			       "split brain on %s (%s): it stays StandAlone until the admin discards the changes of one side; %s",
			       d->res, why, d->state);
		/* a reason recorded before (a Primary without its disk)
		 * stays the reason; the split brain is logged anyway */
		ocf_reason_set("%s", text);
		log_error("%s", text);
		if (rc == OCF_RUNNING_PROMOTED)
			return OCF_DEGRADED_PROMOTED;
		return rc == OCF_SUCCESS ? OCF_DEGRADED : rc;
	case SPLITBRAIN_NONE:
		log_warning("%s is StandAlone (disconnected by hand, or a connection DRBD refused: %s): drbdadm connect %s reconnects it; %s",
			    d->res, why, d->res, d->state);
		break;
	case SPLITBRAIN_UNKNOWN:
		log_warning("%s is StandAlone (split brain, or disconnected by hand: %s): resolve it as the admin guide says; %s",
			    d->res, why, d->state);
		break;
	}
	return rc;
}

static int drbd_monitor(struct agent_ctx *ctx)
{
	struct drbd d;
	int rc;

	rc = drbd_init(ctx, &d);
	if (rc == OCF_ERR_INSTALLED && ctx->probe)
		return OCF_NOT_RUNNING;
	if (rc)
		return rc;
	if (!d.version) {
		/* no module: nothing can run here */
		if (!ctx->probe)
			ocf_reason_set("the DRBD kernel module is not loaded");
		return OCF_NOT_RUNNING;
	}
	rc = read_state(&d);
	if (rc)
		return rc;
	update_score(&d, wanted_score(&d.st));
	rc = status_code(&d);
	if (d.st.configured && drbd_conn_is_connected(d.st.conn))
		forget_split_brain(&d);
	if (d.st.configured && d.st.conn == CONN_STANDALONE)
		rc = standalone(&d, rc);
	if (rc == OCF_NOT_RUNNING && !ctx->probe)
		ocf_reason_set("%s", d.state);
	log_debug("%s", d.state);
	return rc;
}

/* ------------------------------------------------------------ start, stop */

static int load_module(struct drbd *d)
{
	const char *argv[] = { MODPROBE_PATH, "drbd", NULL };
	struct run_result res = { 0 };
	char desc[512];

	if (run_argv(argv, NULL, &d->ctx->deadline, &res) < 0 ||
	    !run_ok(&res)) {
		run_describe(&res, desc, sizeof(desc));
		run_result_free(&res);
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"the kernel has no DRBD module: modprobe drbd %s",
				desc);
	}
	run_result_free(&res);
	d->version = module_version(d);
	if (!d->version)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"modprobe drbd succeeded, but no DRBD module is loaded");
	return OCF_SUCCESS;
}

static int drbd_start(struct agent_ctx *ctx)
{
	struct drbd d;
	int rc;

	rc = drbd_init(ctx, &d);
	if (rc)
		return rc;
	/* drbdsetup-84 loads the module too; the test hook has none to load */
	if (!d.version && !d.root[0] && (rc = load_module(&d)))
		return rc;
	rc = find_minor(&d);
	if (rc)
		return rc;
	if (d.version && (rc = read_state(&d)))
		return rc;
	/* up, or adjust what is partly up (as drbdadm adjust does) */
	rc = drbdadm_do(&d, d.st.configured ? "adjust" : "up", "cannot start");
	if (rc)
		return rc;
	d.version = module_version(&d);
	if (!d.version)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"drbdadm up %s succeeded, but no DRBD module is loaded",
				d.res);
	rc = read_state(&d);
	if (rc)
		return rc;
	if (!d.st.configured)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"drbdadm up %s succeeded, but the device is not configured",
				d.res);
	update_score(&d, wanted_score(&d.st));
	log_notice("started %s (%s)", d.res, d.state);
	return OCF_SUCCESS;
}

static int drbd_stop(struct agent_ctx *ctx)
{
	struct drbd d;
	int rc;

	if (ctx->params_error) {
		log_warning("%s; nothing can have been started, nothing to stop",
			    ctx->params_error);
		return OCF_SUCCESS;
	}
	rc = drbd_init(ctx, &d);
	if (rc == OCF_ERR_INSTALLED && !module_version(&d)) {
		/* no tools, no config, no module: nothing runs here */
		log_warning("%s; no DRBD module loaded, nothing to stop",
			    ocf_reason() ? ocf_reason() : "not installed");
		ocf_reason_reset();
		return OCF_SUCCESS;
	}
	if (rc)
		return rc;
	if (!d.version) {
		update_score(&d, SCORE_NONE);
		return OCF_SUCCESS;
	}
	rc = read_state(&d);
	if (rc)
		return rc;
	if (d.st.configured) {
		rc = drbdadm_do(&d, "down", "cannot stop");
		if (rc)
			return rc;
		rc = read_state(&d);
		if (rc)
			return rc;
		if (d.st.configured)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"drbdadm down %s succeeded, but it is still configured (%s)",
					d.res, d.state);
		log_notice("stopped %s", d.res);
	}
	forget_split_brain(&d);
	update_score(&d, SCORE_NONE);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ promote */

static bool says(const struct run_result *r, const char *text)
{
	return (r->err && strstr(r->err, text)) || (r->out && strstr(r->out, text));
}

static int drbd_promote(struct agent_ctx *ctx)
{
	bool tried = false;
	struct drbd d;
	char desc[512];
	int rc;

	rc = drbd_init(ctx, &d);
	if (rc)
		return rc;
	if (!d.version)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"cannot promote %s: the DRBD module is not loaded",
				d.res);
	for (;;) {
		struct run_result res = { 0 };

		rc = read_state(&d);
		if (rc)
			return rc;
		if (!d.st.configured)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"cannot promote %s: it is not started",
					d.res);
		/*
		 * DRBD 9 auto-promotes a Secondary that someone opens for
		 * writing and demotes it at the last close, unless "primary"
		 * made the role explicit: a Primary found here on 9 gets its
		 * primary too, or it would not stay Primary.
		 */
		if (d.st.role == ROLE_PRIMARY && (tried || d.version != 9)) {
			if (!tried) {
				log_info("%s is already Primary", d.res);
				update_score(&d, wanted_score(&d.st));
				return OCF_SUCCESS;
			}
			break;
		}
		tried = true;
		if (d.st.conn == CONN_STANDALONE &&
		    split_brain(&d, desc, sizeof(desc)) ==
			    SPLITBRAIN_UNRESOLVED)
			/* which side's writes to keep is the admin's call */
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"refusing to promote %s: split brain (%s); %s",
					d.res, desc, d.state);
		/*
		 * Consistent data with no peer to vouch for it is DRBD's to
		 * judge. DRBD 9 holds a survivor's data Consistent after it
		 * lost its Primary peer, until its lost-peer commit says none
		 * is left behind (with fencing: until the peer is fenced).
		 * DRBD 8.4 with "fencing resource-only" attaches a disk as
		 * Consistent until it meets its peer, and its primary then
		 * runs the fence-peer handler (crm-fence-peer) first. Without
		 * either, the kernel refuses: (-2), exit code 17.
		 */
		if (d.st.role != ROLE_PRIMARY && d.st.disk != DISK_UPTODATE &&
		    !(d.st.disk == DISK_CONSISTENT &&
		      (d.st.peer_disk == DISK_UPTODATE ||
		       d.st.peer_disk == DISK_UNKNOWN || d.version == 9)))
			/* never --force: that could discard the good copy */
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"refusing to promote %s: its data is %s and no peer confirms it UpToDate (%s)",
					d.res, drbd_disk_name(d.st.disk), d.state);
		rc = drbdadm(&d, "primary", &res);
		if (rc == OCF_SUCCESS) {
			run_result_free(&res);
			continue; /* read the state back */
		}
		drbd_error(&res, desc, sizeof(desc));
		/*
		 * A switchover: the peer is still Primary until its demote
		 * lands. Retry while the deadline leaves room for another
		 * attempt; anything else fails at once.
		 */
		if (rc == OCF_ERR_GENERIC && says(&res, "Multiple primaries")) {
			run_result_free(&res);
			if (deadline_left_ms(&ctx->deadline) < RETRY_BUDGET_MS)
				return ocf_fail(OCF_ERR_GENERIC, 0,
						"cannot promote %s: the peer stayed Primary until the promote timeout (%s; %s)",
						d.res, desc, d.state);
			log_info("%s: the peer is still Primary, retrying", d.res);
			deadline_sleep(&ctx->deadline, RETRY_MS);
			continue;
		}
		run_result_free(&res);
		if (rc == OCF_ERR_GENERIC)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"cannot promote %s: drbdadm primary: %s (%s)",
					d.res, desc, d.state);
		return rc;
	}
	update_score(&d, wanted_score(&d.st));
	log_notice("promoted %s (%s)", d.res, d.state);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ demote */

/* Who keeps /dev/drbdN open: its mount, the processes using it. */
static void device_users(struct drbd *d, char *buf, size_t size)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	_cleanup_free_ struct holder *h = NULL;
	char path[PATH_MAX], name[32], list[512];
	const struct mountinfo_entry *fs;
	struct stat st;
	size_t len = 0;
	int n;

	buf[0] = '\0';
	(void)snprintf(name, sizeof(name), "drbd%d", d->minor);
	if (root_path(d, path, sizeof(path), "/dev", name) < 0 ||
	    stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
		return;
	if (mountinfo_read(NULL, &mi) == 0 &&
	    (fs = mountinfo_by_devno(&mi, st.st_rdev)))
		len = (size_t)snprintf(buf, size, "mounted at %s", fs->target);
	n = holders_find(st.st_rdev, NULL, 0, &h);
	if (n > 0 && len < size) {
		holders_format(h, (size_t)n, list, sizeof(list));
		(void)snprintf(buf + len, size - len, "%sused by %s",
			       len ? ", " : "", list);
	}
}

static int drbd_demote(struct agent_ctx *ctx)
{
	struct run_result res = { 0 };
	char desc[512], users[768];
	struct drbd d;
	int rc;

	rc = drbd_init(ctx, &d);
	if (rc)
		return rc;
	if (!d.version)
		return OCF_SUCCESS; /* nothing loaded: not Primary */
	rc = read_state(&d);
	if (rc)
		return rc;
	if (!d.st.configured || d.st.role != ROLE_PRIMARY) {
		update_score(&d, wanted_score(&d.st));
		return OCF_SUCCESS;
	}
	rc = drbdadm(&d, "secondary", &res);
	if (rc == OCF_ERR_GENERIC) {
		drbd_error(&res, desc, sizeof(desc));
		device_users(&d, users, sizeof(users));
		if (users[0])
			rc = ocf_fail(OCF_ERR_GENERIC, 0,
				      "cannot demote %s: /dev/drbd%d is %s (%s)",
				      d.res, d.minor, users, desc);
		else
			rc = ocf_fail(OCF_ERR_GENERIC, 0,
				      "cannot demote %s: drbdadm secondary: %s",
				      d.res, desc);
	}
	run_result_free(&res);
	if (rc)
		return rc;
	rc = read_state(&d);
	if (rc)
		return rc;
	update_score(&d, wanted_score(&d.st));
	log_notice("demoted %s (%s)", d.res, d.state);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ the rest */

static int drbd_notify(struct agent_ctx *ctx)
{
	struct drbd d;
	int rc = drbd_init(ctx, &d);

	/* a notification changes nothing; refresh the score on the way */
	if (rc || !d.version || read_state(&d))
		return OCF_SUCCESS;
	update_score(&d, wanted_score(&d.st));
	return OCF_SUCCESS;
}

static int drbd_reload(struct agent_ctx *ctx)
{
	struct drbd d;
	int rc = drbd_init(ctx, &d);

	if (rc)
		return rc;
	/* the config may have changed: forget the cached minor */
	return find_minor(&d);
}

static int drbd_validate(struct agent_ctx *ctx)
{
	struct run_result res = { 0 };
	char desc[512];
	struct drbd d;
	int rc;

	rc = drbd_init(ctx, &d);
	if (rc)
		return rc;
	rc = drbdadm(&d, "dump", &res);
	if (rc == OCF_ERR_GENERIC) {
		run_describe(&res, desc, sizeof(desc));
		rc = ocf_fail(OCF_ERR_CONFIGURED, 0,
			      "drbdadm rejects resource %s in %s: %s", d.res,
			      ctx->p[P_DRBDCONF].str, desc);
	}
	run_result_free(&res);
	if (rc)
		return rc;
	if (!d.version)
		log_warning("the DRBD kernel module is not loaded; start loads it");
	return OCF_SUCCESS;
}

static const struct agent_ops ops = {
	.handlers = {
		[ACTION_START] = drbd_start,
		[ACTION_STOP] = drbd_stop,
		[ACTION_MONITOR] = drbd_monitor,
		[ACTION_PROMOTE] = drbd_promote,
		[ACTION_DEMOTE] = drbd_demote,
		[ACTION_NOTIFY] = drbd_notify,
		[ACTION_RELOAD] = drbd_reload,
		[ACTION_VALIDATE_ALL] = drbd_validate,
	},
};

int main(int argc, char *argv[])
{
	return dispatch_main(&drbd_desc, &ops, drbd_metadata_xml, argc, argv);
}
