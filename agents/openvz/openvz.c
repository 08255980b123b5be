/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:vzha:openvz: a container on OpenVZ (vzctl) or LXC.
 *
 * The two backends differ in how they ask for state and how they stop;
 * the rules are shared: never start from an unmounted private area, wait
 * until the container really runs, stop with escalation inside the
 * deadline, and never report stopped while something of the container
 * still runs or is mounted.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "desc.h"
#include "dispatch.h"
#include "log.h"
#include "mountinfo.h"
#include "ocf.h"
#include "parse.h"
#include "procfs.h"
#include "run.h"

#define VEINFO_PATH "/proc/vz/veinfo"
#define POLL_MS 100
/*
 * A fresh container must stay up this long before start succeeds, so an
 * init that exits at once (a missing /sbin/init, a bad config) fails the
 * start with its reason. It is the agent's own share of every failover:
 * kept short, watched through a pidfd on LXC's init, polled finely on
 * vzctl. A later death is the monitor's to find. (desc.c names the
 * 50 ms in the meta-data: change both.)
 */
#define SETTLE_MS 50
#define START_POLL_MS 10
#define MAX_ARGS 32

enum ct_state {
	CT_ABSENT,              /* no such container (config not visible) */
	CT_DOWN,
	CT_RUNNING,
	CT_MOUNTED_DOWN,        /* vzctl: root still mounted, nothing runs */
	CT_FROZEN,              /* lxc frozen, vzctl suspended */
	CT_TRANSIENT,           /* starting, stopping */
};

struct ct {
	struct agent_ctx *ctx;
	const char *id;
	bool lxc;
	char conf[PATH_MAX];    /* the container's config file */
	char *private;          /* VE_PRIVATE or the LXC rootfs, or NULL */
	char *root;             /* VE_ROOT (vzctl) */
	bool autostart;         /* ONBOOT=yes / lxc.start.auto = 1 */
	int pid;                /* lxc: init pid from the last state query */
	char detail[128];       /* the state in the tools' words */
};

static void ct_done(struct ct *ct)
{
	free(ct->private);
	free(ct->root);
}

/* ------------------------------------------------------------ config */

static bool valid_ctid(const struct ct *ct)
{
	const char *s = ct->id;

	if (!*s)
		return false;
	if (!ct->lxc)
		return strspn(s, "0123456789") == strlen(s) && strlen(s) < 11;
	/* an LXC name is a directory name under lxcpath */
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == strlen(s) &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static const char *tool(struct ct *ct)
{
	return ct->lxc ? LXC_START_PATH : ct->ctx->p[P_VZCTL].str;
}

/* Reads the container's config; CT_ABSENT in *absent when missing. */
static int read_config(struct ct *ct, bool *absent)
{
	const struct param_value *p = ct->ctx->p;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;
	int r;

	*absent = false;
	if (ct->lxc)
		r = snprintf(ct->conf, sizeof(ct->conf), "%s/%s/config",
			     p[P_LXCPATH].str, ct->id);
	else
		r = snprintf(ct->conf, sizeof(ct->conf), "%s/conf/%s.conf",
			     p[P_VZCONFDIR].str, ct->id);
	if (r < 0 || (size_t)r >= sizeof(ct->conf))
		return ocf_fail(OCF_ERR_CONFIGURED, -ENAMETOOLONG,
				"config path of %s", ct->id);
	if (stat(ct->conf, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return ocf_fail(OCF_ERR_INSTALLED, -errno,
					"cannot read %s", ct->conf);
		*absent = true;
		return OCF_SUCCESS;
	}
	/* a fifo would block the read past any deadline */
	if (!S_ISREG(st.st_mode))
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"cannot read %s: not a regular file", ct->conf);
	n = procfs_read(ct->conf, PROCFS_MAX, &text);
	if (n < 0)
		return ocf_fail(OCF_ERR_INSTALLED, (int)n,
				"cannot read %s", ct->conf);

	if (ct->lxc) {
		struct lxcconf c = { 0 };

		if (lxcconf_parse(text, &c) < 0)
			return ocf_fail(OCF_ERR_CONFIGURED, 0,
					"cannot parse %s", ct->conf);
		ct->private = c.rootfs;
		ct->autostart = c.autostart;
		free(c.halt_signal);
		return OCF_SUCCESS;
	}

	struct vzconf c = { 0 };
	if (vzconf_parse(text, ct->id, &c) < 0)
		return ocf_fail(OCF_ERR_CONFIGURED, 0, "cannot parse %s",
				ct->conf);
	if (!c.ve_private || !c.ve_root) {
		/* the defaults of vz.conf(5), with $VEID */
		_cleanup_free_ char *global = NULL;
		struct vzconf g = { 0 };
		char path[PATH_MAX];

		(void)snprintf(path, sizeof(path), "%s/vz.conf",
			       p[P_VZCONFDIR].str);
		if (procfs_read(path, PROCFS_MAX, &global) >= 0 &&
		    vzconf_parse(global, ct->id, &g) == 0) {
			if (!c.ve_private)
				c.ve_private = TAKE_PTR(g.ve_private);
			if (!c.ve_root)
				c.ve_root = TAKE_PTR(g.ve_root);
		}
		vzconf_free(&g);
	}
	ct->private = TAKE_PTR(c.ve_private);
	ct->root = TAKE_PTR(c.ve_root);
	ct->autostart = c.onboot;
	vzconf_free(&c);
	return OCF_SUCCESS;
}

static int ct_init(struct agent_ctx *ctx, struct ct *ct, bool *absent)
{
	*ct = (struct ct){
		.ctx = ctx,
		.id = ctx->p[P_CTID].str,
		.lxc = ctx->p[P_BACKEND].choice == BACKEND_LXC,
	};
	if (!valid_ctid(ct))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				ct->lxc ? "ctid '%s' is not a valid LXC container name" :
					  "ctid '%s' must be a numeric container ID for backend vzctl",
				ct->id);
	return read_config(ct, absent);
}

/* The first tool this backend runs that is not there, or NULL. */
static const char *missing_tool(struct ct *ct)
{
	static const char *const lxc_tools[] = {
		LXC_START_PATH, LXC_STOP_PATH, LXC_INFO_PATH, LXC_ATTACH_PATH
	};

	if (!ct->lxc)
		return access(tool(ct), X_OK) == 0 ? NULL : tool(ct);
	for (size_t i = 0; i < ELEMENTSOF(lxc_tools); i++)
		if (access(lxc_tools[i], X_OK) < 0)
			return lxc_tools[i];
	return NULL;
}

/*
 * The private area must be on a mounted filesystem other than /: the
 * filesystem resource below us mounted it. Otherwise the container would
 * start from the empty directory an unmounted filesystem leaves behind.
 */
static int check_private(struct ct *ct)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	_cleanup_free_ char *canon = NULL;
	const struct mountinfo_entry *fs;
	struct stat st;
	int r;

	if (!ct->private)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"%s names no private area (%s)", ct->conf,
				ct->lxc ? "lxc.rootfs.path" : "VE_PRIVATE");
	if (ct->private[0] != '/') /* lxc storage other than a directory */
		return OCF_SUCCESS;
	if (stat(ct->private, &st) < 0)
		return ocf_fail(OCF_ERR_GENERIC, -errno, "private area %s of %s",
				ct->private, ct->id);
	if (!S_ISDIR(st.st_mode))
		return ocf_fail(OCF_ERR_GENERIC, -ENOTDIR,
				"private area %s of %s", ct->private, ct->id);
	if (!ct->ctx->p[P_REQUIRE_MOUNTED].b)
		return OCF_SUCCESS;
	r = mountinfo_canonical_dir(ct->private, &canon);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot resolve %s",
				ct->private);
	r = mountinfo_read(NULL, &mi);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot read mountinfo");
	fs = mountinfo_containing(&mi, canon, (size_t)-1);
	if (!fs || strcmp(fs->target, "/") == 0)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"private area %s of %s is on the root filesystem, not on a mounted one: is its filesystem resource (vzfs) started here?",
				canon, ct->id);
	log_debug("private area %s is on %s (%s)", canon, fs->target,
		  fs->source);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ tools */

/* Runs a backend tool; OCF_SUCCESS when it exited 0, else a failure. */
static int run_tool(struct ct *ct, const char *const argv[],
		    const struct deadline *d, struct run_result *res,
		    const char *what)
{
	char desc[512];
	int r = run_argv(argv, NULL, d, res);

	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot run %s", argv[0]);
	if (res->status == RUN_EXEC_FAILED) {
		run_describe(res, desc, sizeof(desc));
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s %s: %s", what, ct->id,
				desc);
	}
	return run_ok(res) ? OCF_SUCCESS : OCF_ERR_GENERIC;
}

static int veinfo_state(struct ct *ct, enum ct_state *ret)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = procfs_read(VEINFO_PATH, PROCFS_MAX, &text);
	int r;

	if (n < 0)
		return (int)n;
	r = veinfo_has(text, ct->id);
	if (r < 0)
		return r;
	*ret = r ? CT_RUNNING : CT_DOWN;
	snprintf(ct->detail, sizeof(ct->detail), "%s in %s",
		 r ? "listed" : "not listed", VEINFO_PATH);
	return 0;
}

/* Is the CT's VE_ROOT a mount point (vzctl: the CT is mounted)? */
static bool root_mounted(struct ct *ct)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	_cleanup_free_ char *root = NULL;

	return ct->root && mountinfo_canonical_dir(ct->root, &root) == 0 &&
	       mountinfo_read(NULL, &mi) == 0 && mountinfo_at(&mi, root);
}

static int vzctl_state(struct ct *ct, enum ct_state *ret)
{
	const char *argv[] = { tool(ct), "status", ct->id, NULL };
	struct run_result res = { 0 };
	struct vzstatus st;
	char desc[512];
	int rc;

	/*
	 * An OpenVZ kernel tells without a fork: listed in veinfo means
	 * running; not listed is down, or mounted-but-down when VE_ROOT is
	 * in the mount table.
	 */
	if (veinfo_state(ct, ret) == 0) {
		if (*ret == CT_DOWN && root_mounted(ct))
			*ret = CT_MOUNTED_DOWN;
		return OCF_SUCCESS;
	}
	rc = run_tool(ct, argv, &ct->ctx->deadline, &res, "vzctl status");
	if (rc == OCF_ERR_INSTALLED || rc == OCF_ERR_GENERIC) {
		if (rc == OCF_ERR_GENERIC) {
			run_describe(&res, desc, sizeof(desc));
			rc = ocf_fail(OCF_ERR_GENERIC, 0, "vzctl status %s %s",
				      ct->id, desc);
		}
		run_result_free(&res);
		return rc;
	}
	if (vzstatus_parse(res.out, ct->id, &st) < 0) {
		rc = ocf_fail(OCF_ERR_GENERIC, 0,
			      "cannot understand vzctl status %s: '%s'",
			      ct->id, res.out);
		run_result_free(&res);
		return rc;
	}
	snprintf(ct->detail, sizeof(ct->detail), "%s", res.out);
	ct->detail[strcspn(ct->detail, "\n")] = '\0';
	run_result_free(&res);
	/*
	 * vzctl 4 says "suspended" of a stopped container with a checkpoint
	 * dump: it is down. A running one is running, whatever else is said.
	 */
	if (!st.exists)
		*ret = CT_ABSENT;
	else if (st.running)
		*ret = CT_RUNNING;
	else if (st.mounted)
		*ret = CT_MOUNTED_DOWN;
	else
		*ret = CT_DOWN;
	return OCF_SUCCESS;
}

static int lxc_state(struct ct *ct, enum ct_state *ret)
{
	const char *argv[] = { LXC_INFO_PATH, "-P", ct->ctx->p[P_LXCPATH].str,
			       "-n", ct->id, "-H", "-s", "-p", NULL };
	struct run_result res = { 0 };
	enum lxc_state s;
	char desc[512];
	int rc;

	rc = run_tool(ct, argv, &ct->ctx->deadline, &res, "lxc-info");
	if (rc == OCF_ERR_GENERIC) {
		run_describe(&res, desc, sizeof(desc));
		rc = ocf_fail(OCF_ERR_GENERIC, 0, "lxc-info -n %s %s", ct->id,
			      desc);
	}
	if (rc == OCF_SUCCESS && lxc_info_parse(res.out, &s, &ct->pid) < 0)
		rc = ocf_fail(OCF_ERR_GENERIC, 0,
			      "cannot understand lxc-info of %s: '%s'", ct->id,
			      res.out);
	run_result_free(&res);
	if (rc)
		return rc;
	snprintf(ct->detail, sizeof(ct->detail), "%s", lxc_state_name(s));
	switch (s) {
	case LXC_STOPPED:
		*ret = CT_DOWN;
		break;
	case LXC_RUNNING:
	case LXC_THAWED:
		*ret = CT_RUNNING;
		break;
	case LXC_FROZEN:
	case LXC_FREEZING:
		*ret = CT_FROZEN;
		break;
	default:
		*ret = CT_TRANSIENT;
	}
	return OCF_SUCCESS;
}

static int ct_state(struct ct *ct, enum ct_state *ret)
{
	ct->detail[0] = '\0';
	return ct->lxc ? lxc_state(ct, ret) : vzctl_state(ct, ret);
}

/* Splits inner_check on spaces into argv (no shell, no quoting). */
static int split_words(char *s, const char *argv[], size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(s, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (n + 1 >= max)
			return -E2BIG;
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return (int)n;
}

/*
 * Runs cmd (argv) inside the container. Returns OCF_SUCCESS when it exited
 * 0; otherwise records why in *ret_desc.
 */
static int ct_exec(struct ct *ct, const char *const cmd[], char *ret_desc,
		   size_t size)
{
	const char *argv[MAX_ARGS + 8];
	struct run_result res = { 0 };
	size_t n = 0;
	int rc;

	if (ct->lxc) {
		argv[n++] = LXC_ATTACH_PATH;
		argv[n++] = "-P";
		argv[n++] = ct->ctx->p[P_LXCPATH].str;
		argv[n++] = "-n";
		argv[n++] = ct->id;
		argv[n++] = "--";
	} else {
		argv[n++] = tool(ct);
		argv[n++] = "exec";
		argv[n++] = ct->id;
	}
	for (size_t i = 0; cmd[i] && i < MAX_ARGS; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	rc = run_tool(ct, argv, &ct->ctx->deadline, &res, "exec in");
	if (rc == OCF_ERR_GENERIC)
		run_describe(&res, ret_desc, size);
	run_result_free(&res);
	return rc;
}

/* inner_check as argv, in buf; OCF_ERR_CONFIGURED when it is unusable. */
static int inner_check_argv(struct agent_ctx *ctx, char *buf, size_t size,
			    const char *argv[], size_t max)
{
	const char *s = ctx->p[P_INNER_CHECK].str;

	if ((size_t)snprintf(buf, size, "%s", s) >= size ||
	    split_words(buf, argv, max) <= 0)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"inner_check '%s' names no command, or is too long",
				s);
	return OCF_SUCCESS;
}

static int inner_check(struct ct *ct, char *ret_desc, size_t size)
{
	const char *argv[MAX_ARGS + 1];
	char buf[1024];
	int rc = inner_check_argv(ct->ctx, buf, sizeof(buf), argv,
				  ELEMENTSOF(argv));

	return rc ? rc : ct_exec(ct, argv, ret_desc, size);
}

/* ------------------------------------------------------------ monitor */

static int state_failure(struct ct *ct, enum ct_state s)
{
	switch (s) {
	case CT_MOUNTED_DOWN:
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"CT %s is down but its root is still mounted (%s): it pins the filesystem; stop unmounts it",
				ct->id, ct->detail);
	case CT_FROZEN:
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"container %s is frozen/suspended (%s): its processes do not run",
				ct->id, ct->detail);
	case CT_TRANSIENT:
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"container %s is %s, neither running nor stopped",
				ct->id, ct->detail);
	default:
		return OCF_ERR_GENERIC;
	}
}

static int depth_checks(struct ct *ct)
{
	static const char *const truth[] = { "true", NULL };
	char desc[512] = "";
	int rc;

	if (ct->ctx->depth >= 10) {
		rc = ct_exec(ct, truth, desc, sizeof(desc));
		if (rc == OCF_ERR_GENERIC)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"container %s runs but does not answer: exec of true %s",
					ct->id, desc);
		if (rc)
			return rc;
	}
	if (ct->ctx->depth >= 20 && ct->ctx->p[P_INNER_CHECK].set) {
		rc = inner_check(ct, desc, sizeof(desc));
		if (rc == OCF_ERR_GENERIC)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"inner_check '%s' in container %s %s",
					ct->ctx->p[P_INNER_CHECK].str, ct->id,
					desc);
		if (rc)
			return rc;
	}
	return OCF_SUCCESS;
}

static int openvz_monitor(struct agent_ctx *ctx)
{
	const char *missing;
	_cleanup_(ct_done) struct ct ct = { 0 };
	enum ct_state s;
	bool absent;
	int rc;

	rc = ct_init(ctx, &ct, &absent);
	if (rc)
		return rc;
	if ((missing = missing_tool(&ct))) {
		/* a probe on a node without the tools: it cannot run here */
		if (ctx->probe)
			return OCF_NOT_RUNNING;
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s is not installed",
				missing);
	}
	/* a passive node may not see the config (lxcpath on the DRBD fs) */
	if (absent) {
		if (!ctx->probe)
			ocf_reason_set("container %s has no config %s here",
				       ct.id, ct.conf);
		return OCF_NOT_RUNNING;
	}
	rc = ct_state(&ct, &s);
	if (rc)
		return rc;
	switch (s) {
	case CT_ABSENT:
	case CT_DOWN:
		if (!ctx->probe)
			ocf_reason_set("container %s is not running (%s)",
				       ct.id, ct.detail);
		return OCF_NOT_RUNNING;
	case CT_RUNNING:
		break;
	default:
		return state_failure(&ct, s);
	}
	rc = depth_checks(&ct);
	if (rc)
		return rc;
	log_debug("container %s is running (%s)", ct.id, ct.detail);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ start */

static int start_tool(struct ct *ct)
{
	const char *vz[] = { tool(ct), "start", ct->id, NULL };
	const char *lxc[] = { LXC_START_PATH, "-P", ct->ctx->p[P_LXCPATH].str,
			      "-n", ct->id, "-d", NULL };
	struct run_result res = { 0 };
	char desc[512];
	int rc;

	rc = run_tool(ct, ct->lxc ? lxc : vz, &ct->ctx->deadline, &res,
		      "start of");
	if (rc == OCF_ERR_GENERIC) {
		run_describe(&res, desc, sizeof(desc));
		rc = ocf_fail(OCF_ERR_GENERIC, 0, "%s %s failed: %s",
			      ct->lxc ? "lxc-start -n" : "vzctl start", ct->id,
			      desc);
	}
	run_result_free(&res);
	return rc;
}

/* Waits until the container runs, stays up, and answers inner_check. */
static int wait_running(struct ct *ct)
{
	uint64_t up_since = 0;
	char desc[512] = "";
	enum ct_state s;
	int rc;

	for (;;) {
		rc = ct_state(ct, &s);
		if (rc)
			return rc;
		if (s == CT_RUNNING) {
			uint64_t now = deadline_now_ms();

			/*
			 * LXC names its init: watch it through the window
			 * rather than poll, then ask the state once more
			 */
			if (!up_since) {
				uint64_t left = deadline_left_ms(&ct->ctx->deadline);

				up_since = now;
				if (ct->pid > 1 &&
				    run_await_exit(ct->pid, left < SETTLE_MS ?
							    left : SETTLE_MS) >= 0)
					continue;
			}
			if (now - up_since >= SETTLE_MS) {
				if (!ct->ctx->p[P_INNER_CHECK].set)
					return OCF_SUCCESS;
				rc = inner_check(ct, desc, sizeof(desc));
				if (rc != OCF_ERR_GENERIC)
					return rc;
			}
		} else if (up_since || s == CT_DOWN || s == CT_ABSENT) {
			/* the tool said started, and now it is gone */
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"container %s stopped right after start (%s): its init exited; see the container's log",
					ct->id, ct->detail);
		}
		if (deadline_expired(&ct->ctx->deadline))
			break;
		deadline_sleep(&ct->ctx->deadline, START_POLL_MS);
	}
	if (s == CT_RUNNING && ct->ctx->p[P_INNER_CHECK].set)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"container %s runs, but inner_check '%s' did not pass before the start timeout: %s",
				ct->id, ct->ctx->p[P_INNER_CHECK].str, desc);
	return ocf_fail(OCF_ERR_GENERIC, 0,
			"container %s did not reach running before the start timeout (%s)",
			ct->id, ct->detail);
}

static int openvz_start(struct agent_ctx *ctx)
{
	const char *missing;
	_cleanup_(ct_done) struct ct ct = { 0 };
	enum ct_state s;
	bool absent;
	int rc;

	rc = ct_init(ctx, &ct, &absent);
	if (rc)
		return rc;
	if ((missing = missing_tool(&ct)))
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s is not installed",
				missing);
	if (absent)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"container %s has no config %s on this node%s",
				ct.id, ct.conf,
				ct.lxc ? " (is lxcpath's filesystem mounted?)" : "");
	rc = check_private(&ct);
	if (rc)
		return rc;
	if (ct.autostart)
		log_warning("container %s starts on boot (%s): the cluster must be the only one to start it",
			    ct.id, ct.lxc ? "lxc.start.auto = 1" : "ONBOOT=yes");
	rc = ct_state(&ct, &s);
	if (rc)
		return rc;
	if (s == CT_RUNNING) {
		log_info("container %s is already running", ct.id);
		return OCF_SUCCESS;
	}
	if (s == CT_FROZEN || s == CT_TRANSIENT)
		return state_failure(&ct, s);
	rc = start_tool(&ct);
	if (rc)
		return rc;
	rc = wait_running(&ct);
	if (rc)
		return rc;
	log_notice("started container %s", ct.id);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ stop */

static bool pid_alive(int pid)
{
	char path[64], *text = NULL;
	bool alive;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (procfs_read(path, 4096, &text) < 0)
		return false;
	/* a zombie has let go of everything */
	alive = !strstr(text, ") Z ");
	free(text);
	return alive;
}

/*
 * Kills what is left of the container: for LXC, SIGKILL to its init ends
 * every process of its PID namespace; for vzctl, every process whose root
 * is the container's root.
 */
static bool path_within(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strncmp(path, top, n) == 0 && (path[n] == '/' || !path[n]);
}

/* Processes whose root directory is the container's root (vzctl). */
static int root_pids(struct ct *ct, int *pids, int max)
{
	_cleanup_free_ char *root = NULL;
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (!ct->root || mountinfo_canonical_dir(ct->root, &root) < 0)
		return 0;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		char link[64], target[PATH_MAX];
		uint64_t v;
		ssize_t len;
		int pid;

		if (procfs_parse_u64(e->d_name, &v) < 0 || v > INT_MAX)
			continue;
		pid = (int)v;
		if (pid <= 1 || pid == getpid())
			continue;
		snprintf(link, sizeof(link), "/proc/%d/root", pid);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue; /* gone, or a kernel thread */
		target[len] = '\0';
		if (path_within(target, root) && pid_alive(pid))
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

/*
 * Kills what is left of the container: for LXC, SIGKILL to its init ends
 * every process of its PID namespace; for vzctl, every process whose root
 * is the container's root. Returns how many were signalled.
 */
static int kill_rest(struct ct *ct)
{
	int pids[1024], n, killed = 0;

	if (ct->lxc)
		return ct->pid > 1 && kill(ct->pid, SIGKILL) == 0;
	n = root_pids(ct, pids, (int)ELEMENTSOF(pids));
	for (int i = 0; i < n; i++)
		if (kill(pids[i], SIGKILL) == 0)
			killed++;
	if (killed)
		log_warning("killed %d leftover process(es) of CT %s", killed,
			    ct->id);
	return killed;
}

static int stop_step(struct ct *ct, const char *const argv[], uint64_t until,
		     const char *what)
{
	struct deadline d = ct->ctx->deadline;
	struct run_result res = { 0 };
	char desc[512];
	int rc;

	if (until < d.end_ms)
		d.end_ms = until;
	log_info("%s container %s", what, ct->id);
	rc = run_tool(ct, argv, &d, &res, what);
	if (rc == OCF_ERR_GENERIC) {
		run_describe(&res, desc, sizeof(desc));
		log_warning("%s %s %s, going on", what, ct->id, desc);
	}
	run_result_free(&res);
	return rc == OCF_ERR_INSTALLED ? rc : OCF_SUCCESS;
}

/* Down and nothing of it left: no process, nothing mounted. */
static int ct_gone(struct ct *ct, enum ct_state *s)
{
	int pids[4];
	int rc = ct_state(ct, s);

	if (rc)
		return rc;
	if (*s != CT_DOWN && *s != CT_ABSENT)
		return OCF_NOT_RUNNING; /* not gone */
	if (!ct->lxc && root_pids(ct, pids, 4) > 0)
		return OCF_NOT_RUNNING;
	if (ct->lxc && pid_alive(ct->pid))
		return OCF_NOT_RUNNING;
	return OCF_SUCCESS;
}

/* Does anything of a vzctl CT run or stay mounted, as the kernel says? */
static bool vz_traces(struct ct *ct)
{
	enum ct_state s;
	int pids[1];

	if (veinfo_state(ct, &s) == 0 && s == CT_RUNNING)
		return true;
	return root_pids(ct, pids, 1) > 0 || root_mounted(ct);
}

static int openvz_stop(struct agent_ctx *ctx)
{
	const char *missing;
	_cleanup_(ct_done) struct ct ct = { 0 };
	char secs[24];
	struct stop_plan plan;
	enum ct_state s;
	uint64_t t0;
	bool absent, known;
	int rc;

	/*
	 * With a parameter that start refuses, no container was started by
	 * this configuration; never use the bad value (a relative path
	 * would be read from the current directory).
	 */
	if (ctx->params_error) {
		log_warning("%s; no container can have been started, nothing to stop",
			    ctx->params_error);
		return OCF_SUCCESS;
	}
	ct.id = ctx->p[P_CTID].str;
	ct.lxc = ctx->p[P_BACKEND].choice == BACKEND_LXC;
	if (!valid_ctid(&ct)) {
		/* a container with an invalid ctid was never started */
		log_warning("ctid '%s' is invalid; nothing to stop", ct.id);
		return OCF_SUCCESS;
	}
	rc = ct_init(ctx, &ct, &absent);
	if (rc)
		return rc;
	if (absent) {
		log_info("container %s has no config %s here, nothing to stop",
			 ct.id, ct.conf);
		return OCF_SUCCESS;
	}
	if ((missing = missing_tool(&ct))) {
		/*
		 * Without its tool nothing of the container can have been
		 * started here, unless it runs or is mounted all the same:
		 * failing this stop would get the node fenced for a typo.
		 */
		if (ct.lxc || !vz_traces(&ct)) {
			log_warning("%s is not installed, so container %s cannot run here; nothing to stop, ignoring",
				    missing, ct.id);
			return OCF_SUCCESS;
		}
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"%s is not installed, but CT %s runs or is mounted here",
				missing, ct.id);
	}
	rc = ct_gone(&ct, &s);
	if (rc == OCF_SUCCESS) {
		log_info("container %s is already stopped", ct.id);
		return OCF_SUCCESS;
	}
	if (rc != OCF_NOT_RUNNING)
		return rc;

	t0 = deadline_now_ms();
	stop_plan_make(deadline_left_ms(&ctx->deadline), &plan);
	if (ct.lxc && s == CT_FROZEN) {
		const char *thaw[] = { LXC_UNFREEZE_PATH, "-P",
				       ctx->p[P_LXCPATH].str, "-n", ct.id, NULL };

		(void)stop_step(&ct, thaw, t0 + plan.graceful_ms, "unfreezing");
	}

	/* 1. graceful */
	snprintf(secs, sizeof(secs), "%llu",
		 (unsigned long long)(plan.graceful_ms / 1000 ?: 1));
	{
		const char *vz[] = { tool(&ct), "stop", ct.id, NULL };
		const char *lxc[] = { LXC_STOP_PATH, "-P", ctx->p[P_LXCPATH].str,
				      "-n", ct.id, "-t", secs, NULL };

		if (s != CT_MOUNTED_DOWN) {
			rc = stop_step(&ct, ct.lxc ? lxc : vz,
				       t0 + plan.graceful_ms, "stopping");
			if (rc)
				return rc;
		}
	}
	/* 2. fast */
	rc = ct_gone(&ct, &s);
	known = rc == OCF_SUCCESS || rc == OCF_NOT_RUNNING;
	if (rc == OCF_NOT_RUNNING && s != CT_MOUNTED_DOWN) {
		const char *vz[] = { tool(&ct), "stop", ct.id, "--fast", NULL };
		const char *lxc[] = { LXC_STOP_PATH, "-P", ctx->p[P_LXCPATH].str,
				      "-n", ct.id, "-k", NULL };

		rc = stop_step(&ct, ct.lxc ? lxc : vz, t0 + plan.fast_ms,
			       "fast-stopping");
		if (rc)
			return rc;
		known = false;
	}
	/*
	 * 3. kill what is left, until it is gone or time is up. Where step 2
	 * got an answer and did nothing, that answer stands: asking again
	 * at once would only run the tool once more (a failed query is
	 * asked again, as it always was).
	 */
	for (;;) {
		if (!known)
			rc = ct_gone(&ct, &s);
		known = false;
		if (rc == OCF_SUCCESS)
			break;
		if (rc != OCF_NOT_RUNNING)
			return rc;
		if (s == CT_MOUNTED_DOWN) {
			const char *um[] = { tool(&ct), "umount", ct.id, NULL };

			(void)stop_step(&ct, um, ctx->deadline.end_ms,
					"unmounting");
		} else {
			(void)kill_rest(&ct);
		}
		if (deadline_expired(&ctx->deadline))
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"container %s is still %s at the end of the stop timeout",
					ct.id, ct.detail[0] ? ct.detail : "running");
		deadline_sleep(&ctx->deadline, POLL_MS);
	}
	log_notice("stopped container %s", ct.id);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ validate */

static int openvz_validate(struct agent_ctx *ctx)
{
	const char *missing;
	_cleanup_(ct_done) struct ct ct = { 0 };
	bool absent;
	int rc;

	rc = ct_init(ctx, &ct, &absent);
	if (rc)
		return rc;
	if ((missing = missing_tool(&ct)))
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s is not installed",
				missing);
	if (ctx->p[P_INNER_CHECK].set) {
		const char *argv[MAX_ARGS + 1];
		char buf[1024];

		rc = inner_check_argv(ctx, buf, sizeof(buf), argv,
				      ELEMENTSOF(argv));
		if (rc)
			return rc;
	}
	if (absent) {
		if (ct.lxc) {
			/* lxcpath on the replicated filesystem: passive node */
			log_warning("container %s has no config %s here (yet), ignoring",
				    ct.id, ct.conf);
			return OCF_SUCCESS;
		}
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"container %s has no config %s on this node",
				ct.id, ct.conf);
	}
	if (ct.autostart)
		log_warning("container %s starts on boot (%s): the cluster must be the only one to start it",
			    ct.id, ct.lxc ? "lxc.start.auto = 1" : "ONBOOT=yes");
	if (!ct.private)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"%s names no private area (%s)", ct.conf,
				ct.lxc ? "lxc.rootfs.path" : "VE_PRIVATE");
	return OCF_SUCCESS;
}

static const struct agent_ops ops = {
	.handlers = {
		[ACTION_START] = openvz_start,
		[ACTION_STOP] = openvz_stop,
		[ACTION_MONITOR] = openvz_monitor,
		[ACTION_VALIDATE_ALL] = openvz_validate,
	},
};

int main(int argc, char *argv[])
{
	return dispatch_main(&openvz_desc, &ops, openvz_metadata_xml, argc,
			     argv);
}
