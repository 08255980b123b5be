/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ocf:vzha:vzfs: the filesystem under a container's private area.
 *
 * Every step that touches the device or the mounted filesystem (probe,
 * fsck, mount, read, write, umount) runs in a child under the action's
 * deadline, so a dead device fails the action with a reason instead of
 * hanging the agent. What the kernel already knows (mountinfo, device
 * numbers, /proc) is read in-process without forking.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "desc.h"
#include "dispatch.h"
#include "holders.h"
#include "log.h"
#include "mountinfo.h"
#include "mounts.h"
#include "ocf.h"
#include "procfs.h"
#include "run.h"

#define IO_BLOCK 4096
#define UMOUNT_MIN_MS 250       /* time one umount attempt needs at least */

/* Filesystems that can be mounted on several nodes at once. */
static const char *const cluster_fstypes[] = { "gfs2", "ocfs2", NULL };

/*
 * Journaling filesystems replay their journal at mount time; run_fsck=auto
 * checks only the others (the list of heartbeat/Filesystem, less network
 * and virtual filesystems, which vzfs does not mount).
 */
static const char *const no_fsck_fstypes[] = {
	"ext3", "ext4", "ext4dev", "xfs", "jfs", "reiserfs", "reiser4",
	"btrfs", "gfs2", "ocfs2", "nilfs2", "f2fs", "zfs", NULL
};

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* What one action knows about the resource. */
struct vzfs {
	struct agent_ctx *ctx;
	const char *spec;       /* the device parameter as given */
	char *dir;              /* canonical directory */
	char *device;           /* resolved device path, NULL if absent */
	dev_t devno;            /* valid when device is set */
	int dev_err;            /* why device is NULL: -ENOENT, -ENOTBLK */
};

static void vzfs_done(struct vzfs *v)
{
	free(v->dir);
	free(v->device);
}

/*
 * A page shared with a child that does I/O, for what it has to tell
 * besides its exit status (mount's message, the detected type).
 */
struct job {
	const char *device;
	const char *dir;
	const char *fstype;
	const char *options;
	const char *path;       /* status file */
	const char *content;
	char msg[512];
	char out[64];
	int count;
};

/* Zeroed memory shared with the children run_fn() forks, or NULL. */
static void *shared_new(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : memset(p, 0, size);
}

static struct job *job_new(void)
{
	return shared_new(sizeof(struct job));
}

static void job_free(struct job **j)
{
	if (*j)
		(void)munmap(*j, sizeof(struct job));
}
#define _cleanup_job_ _cleanup_(job_free)

/* ------------------------------------------------------------ config */

static int check_statusfile_prefix(const char *prefix)
{
	const char *slash = strchr(prefix, '/');

	if (prefix[0] == '/' || strstr(prefix, ".."))
		return -EINVAL;
	/* at most one directory level, ending in the slash */
	if (slash && strchr(slash + 1, '/'))
		return -EINVAL;
	return 0;
}

static bool is_cloned(void)
{
	const char *c = getenv("OCF_RESKEY_CRM_meta_clone_max");
	const char *n = getenv("OCF_RESKEY_CRM_meta_clone");

	return (c && *c) || (n && *n);
}

/* Checks what the typed parser cannot; OCF_SUCCESS or a failure. */
static int check_config(struct agent_ctx *ctx)
{
	const struct param_value *p = ctx->p;
	const char *fstype = p[P_FSTYPE].set ? p[P_FSTYPE].str : NULL;

	if (p[P_DEVICE].str[0] != '/' && !mounts_is_tag(p[P_DEVICE].str))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"device '%s' must be an absolute path, LABEL=, UUID=, PARTLABEL= or PARTUUID=",
				p[P_DEVICE].str);
	if (mounts_is_tag(p[P_DEVICE].str) && !strchr(p[P_DEVICE].str, '=')[1])
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"device '%s' names no label or UUID",
				p[P_DEVICE].str);
	if (strspn(p[P_DIRECTORY].str, "/") == strlen(p[P_DIRECTORY].str))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"directory '/' cannot be a cluster mount point");
	if (check_statusfile_prefix(p[P_STATUSFILE_PREFIX].str) < 0)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"statusfile_prefix '%s' must be relative, without '..', with at most one directory",
				p[P_STATUSFILE_PREFIX].str);
	if (fstype && strpbrk(fstype, ", \t/"))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"fstype '%s' is not a filesystem type name",
				fstype);
	if (is_cloned() && !p[P_FORCE_CLONES].b &&
	    !in_list(cluster_fstypes, fstype))
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"%s is cloned, but %s is not a cluster filesystem: mounting it on two nodes at once destroys it (force_clones=true overrides)",
				ctx->instance, fstype ? fstype : "an unset fstype");
	return OCF_SUCCESS;
}

/* Resolves directory and device; a missing device is not an error here. */
static int vzfs_lookup(struct agent_ctx *ctx, struct vzfs *v)
{
	int r;

	*v = (struct vzfs){ .ctx = ctx, .spec = ctx->p[P_DEVICE].str };
	r = mountinfo_canonical_dir(ctx->p[P_DIRECTORY].str, &v->dir);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r,
				"cannot resolve directory %s",
				ctx->p[P_DIRECTORY].str);
	if (!v->spec)
		v->dev_err = -EINVAL;
	else
		v->dev_err = mounts_resolve_device(v->spec, &v->device,
						   &v->devno);
	return OCF_SUCCESS;
}

static int load_table(struct libmnt_table **tab)
{
	int r = mounts_load(NULL, tab);

	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r,
				"cannot read /proc/self/mountinfo");
	return OCF_SUCCESS;
}

static const char *fs_source(struct libmnt_fs *fs)
{
	const char *s = mnt_fs_get_source(fs);

	return s ? s : "?";
}

static bool options_have(const char *opts, const char *name)
{
	return opts && mnt_optstr_get_option(opts, name, NULL, NULL) == 0;
}

/* ------------------------------------------------------------ children */

static int child_read_device(void *arg)
{
	struct job *j = arg;
	_cleanup_close_ int fd = -1;
	void *buf = NULL;
	int ssz = 512;
	size_t size;
	ssize_t n;

	fd = open(j->device, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, BLKSSZGET, &ssz) < 0 || ssz <= 0)
		ssz = 512;
	size = (size_t)ssz > IO_BLOCK ? (size_t)ssz : IO_BLOCK;
	if (posix_memalign(&buf, (size_t)ssz > IO_BLOCK ? (size_t)ssz : IO_BLOCK,
			   size))
		return ENOMEM;
	n = pread(fd, buf, size, 0);
	free(buf);
	if (n < 0)
		return errno;
	return n == (ssize_t)size ? 0 : EIO;
}

static int open_direct(const char *path, int flags, bool *direct)
{
	int fd = open(path, flags | O_DIRECT | O_CLOEXEC, 0600);

	*direct = fd >= 0;
	if (fd < 0 && errno == EINVAL) /* no O_DIRECT on this filesystem */
		fd = open(path, flags | O_CLOEXEC, 0600);
	return fd;
}

static int child_status_file(void *arg)
{
	struct job *j = arg;
	_cleanup_close_ int fd = -1;
	void *wbuf = NULL, *rbuf = NULL;
	char dir[4096], *slash;
	bool direct;
	ssize_t n;
	int r = 0;

	(void)snprintf(dir, sizeof(dir), "%s", j->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return errno;
	}
	if (posix_memalign(&wbuf, IO_BLOCK, IO_BLOCK) ||
	    posix_memalign(&rbuf, IO_BLOCK, IO_BLOCK)) {
		free(wbuf);
		return ENOMEM;
	}
	memset(wbuf, 0, IO_BLOCK);
	memset(rbuf, 0, IO_BLOCK);
	(void)snprintf(wbuf, IO_BLOCK, "%s\n", j->content);

	fd = open_direct(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_SYNC,
			 &direct);
	if (fd < 0 || pwrite(fd, wbuf, IO_BLOCK, 0) != IO_BLOCK ||
	    fdatasync(fd) < 0) {
		r = errno ? errno : EIO;
		(void)snprintf(j->msg, sizeof(j->msg), "write");
		goto out;
	}
	(void)close(TAKE_FD(fd));
	fd = open_direct(j->path, O_RDONLY, &direct);
	if (fd < 0 || (n = pread(fd, rbuf, IO_BLOCK, 0)) < 0) {
		r = errno;
		(void)snprintf(j->msg, sizeof(j->msg), "read back");
		goto out;
	}
	if (n != IO_BLOCK || memcmp(wbuf, rbuf, IO_BLOCK) != 0) {
		r = EILSEQ;
		(void)snprintf(j->msg, sizeof(j->msg), "read back");
	}
out:
	free(wbuf);
	free(rbuf);
	return r;
}

static int child_probe(void *arg)
{
	struct job *j = arg;
	_cleanup_free_ char *type = NULL;
	int r = mounts_probe_fstype(j->device, &type);

	if (r < 0)
		return -r;
	(void)snprintf(j->out, sizeof(j->out), "%s", type);
	return 0;
}

static int child_tag_devices(void *arg)
{
	struct job *j = arg;
	int n = mounts_tag_devices(j->device, j->msg, sizeof(j->msg));

	if (n < 0)
		return -n;
	j->count = n;
	return 0;
}

static int child_mount(void *arg)
{
	struct job *j = arg;

	return -mounts_mount(j->device, j->dir, j->fstype, j->options, j->msg,
			     sizeof(j->msg));
}

static int child_umount(void *arg)
{
	struct job *j = arg;

	if (j->path)
		(void)unlink(j->path); /* a stale status file is harmless */
	return umount2(j->dir, UMOUNT_NOFOLLOW) < 0 ? errno : 0;
}

/* ------------------------------------------------------------ monitor */

static int status_file_path(struct vzfs *v, char *buf, size_t size)
{
	const char *clone = getenv("OCF_RESKEY_CRM_meta_clone");
	char node[256];
	int n;

	if (procfs_nodename(node, sizeof(node)) < 0)
		(void)snprintf(node, sizeof(node), "unknown");
	n = snprintf(buf, size, "%s/%s%s%s%s_%s", v->dir,
		     v->ctx->p[P_STATUSFILE_PREFIX].str, v->ctx->instance,
		     clone && *clone ? "_" : "", clone && *clone ? clone : "",
		     node);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int monitor_deep(struct vzfs *v)
{
	struct agent_ctx *ctx = v->ctx;
	_cleanup_job_ struct job *j = job_new();
	char path[4096], content[512];
	int r;

	if (!j)
		return ocf_fail(OCF_ERR_GENERIC, -errno, "cannot map job page");
	j->device = v->device;
	r = run_fn(child_read_device, j, &ctx->deadline);
	if (r == -ETIMEDOUT)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"reading %s (mounted at %s) did not complete within the monitor timeout: the device hangs",
				v->device, v->dir);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot read %s (mounted at %s)",
				v->device, v->dir);
	if (ctx->depth < 20)
		return OCF_SUCCESS;

	if (status_file_path(v, path, sizeof(path)) < 0)
		return ocf_fail(OCF_ERR_CONFIGURED, -ENAMETOOLONG,
				"status file path under %s", v->dir);
	(void)snprintf(content, sizeof(content), "%s %lld %d", ctx->instance,
		       (long long)time(NULL), (int)getpid());
	j->path = path;
	j->content = content;
	r = run_fn(child_status_file, j, &ctx->deadline);
	if (r == -ETIMEDOUT)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"writing status file %s did not complete within the monitor timeout: %s hangs",
				path, v->device);
	if (r == -EILSEQ)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"status file %s read back differs from what was written on %s",
				path, v->device);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot %s status file %s",
				j->msg[0] ? j->msg : "write", path);
	return OCF_SUCCESS;
}

/* Why the mounted filesystem is not the running resource, or 0 if it is. */
static int check_mounted(struct vzfs *v, struct libmnt_fs *fs)
{
	const char *vfs = mnt_fs_get_vfs_options(fs);

	if (options_have(vfs, "ro") &&
	    !options_have(v->ctx->p[P_OPTIONS].str, "ro"))
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"%s at %s is mounted read-only, but options do not ask for ro: the kernel remounted it after I/O errors (errors=remount-ro); check dmesg",
				fs_source(fs), v->dir);
	return OCF_SUCCESS;
}

static int vzfs_monitor(struct agent_ctx *ctx)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = NULL;
	_cleanup_(vzfs_done) struct vzfs v = { 0 };
	struct libmnt_fs *fs;
	int rc;

	rc = check_config(ctx);
	if (rc)
		return rc;
	rc = vzfs_lookup(ctx, &v);
	if (rc)
		return rc;
	rc = load_table(&tab);
	if (rc)
		return rc;
	if (mounts_find_target(tab, v.dir, &fs) <= 0) {
		if (!ctx->probe)
			ocf_reason_set("%s is not mounted at %s", v.spec, v.dir);
		log_debug("%s is not mounted at %s", v.spec, v.dir);
		return OCF_NOT_RUNNING;
	}
	if (!v.device) {
		/*
		 * Our device is gone but something is mounted where we mount.
		 * If it was mounted under our device's name it is ours and its
		 * device vanished; otherwise (a probe on a node that never had
		 * the device) it is someone else's.
		 */
		if (ctx->probe && strcmp(fs_source(fs), v.spec) != 0)
			return OCF_NOT_RUNNING;
		return ocf_fail(OCF_ERR_GENERIC, v.dev_err,
				"device %s vanished while mounted at %s (mounted from %s, %u:%u)",
				v.spec, v.dir, fs_source(fs),
				major(mnt_fs_get_devno(fs)),
				minor(mnt_fs_get_devno(fs)));
	}
	if (mnt_fs_get_devno(fs) != v.devno) {
		if (!ctx->probe)
			ocf_reason_set("%s is not mounted at %s: %s (%u:%u) is",
				       v.spec, v.dir, fs_source(fs),
				       major(mnt_fs_get_devno(fs)),
				       minor(mnt_fs_get_devno(fs)));
		return OCF_NOT_RUNNING;
	}
	rc = check_mounted(&v, fs);
	if (rc)
		return rc;
	if (ctx->depth >= 10) {
		rc = monitor_deep(&v);
		if (rc)
			return rc;
	}
	log_debug("%s is mounted at %s (depth %u ok)", v.spec, v.dir,
		  ctx->depth);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ start */

static int check_installed(struct agent_ctx *ctx, const char *fstype);

static int run_fsck(struct vzfs *v, const char *fstype)
{
	const char *argv[] = { FSCK_PATH, "-p", "-t", fstype, v->device,
			       NULL };
	struct run_result res = { 0 };
	char what[512];
	int r, rc = OCF_SUCCESS;

	log_info("checking %s (%s) with %s -p", v->device, fstype, FSCK_PATH);
	r = run_argv(argv, NULL, &v->ctx->deadline, &res);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot run %s", FSCK_PATH);
	run_describe(&res, what, sizeof(what));
	if (res.status == RUN_EXEC_FAILED)
		rc = ocf_fail(OCF_ERR_INSTALLED, 0, "fsck of %s: %s",
			      v->device, what);
	else if (res.status != RUN_EXITED)
		rc = ocf_fail(OCF_ERR_GENERIC, 0, "fsck of %s %s", v->device,
			      what);
	else if (res.exit_code >= 4)
		/* fsck(8): 4 uncorrected errors, 8 operational error... */
		rc = ocf_fail(OCF_ERR_GENERIC, 0,
			      "fsck -p found errors on %s it could not correct (%s); not mounting: check it by hand with fsck -t %s %s",
			      v->device, what, fstype, v->device);
	else if (res.exit_code & 2)
		log_warning("fsck corrected errors on %s and suggests a reboot, ignoring",
			    v->device);
	else if (res.exit_code & 1)
		log_notice("fsck corrected errors on %s", v->device);
	run_result_free(&res);
	return rc;
}

static bool fsck_needed(struct agent_ctx *ctx, const char *fstype)
{
	switch (ctx->p[P_RUN_FSCK].choice) {
	case FSCK_FORCE:
		return true;
	case FSCK_NO:
		return false;
	}
	return !in_list(no_fsck_fstypes, fstype);
}

static int detect_fstype(struct vzfs *v, struct job *j, char **ret)
{
	int r;

	if (v->ctx->p[P_FSTYPE].set) {
		*ret = strdup(v->ctx->p[P_FSTYPE].str);
		return *ret ? OCF_SUCCESS :
			      ocf_fail(OCF_ERR_GENERIC, -ENOMEM, "fstype");
	}
	j->device = v->device;
	r = run_fn(child_probe, j, &v->ctx->deadline);
	if (r == -ETIMEDOUT)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"probing %s for its filesystem type timed out: the device hangs",
				v->device);
	if (r == -ENODATA)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"%s holds no filesystem that libblkid recognises; set fstype or create one",
				v->device);
	if (r == -ENOTUNIQ)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"%s carries signatures of several filesystems; set fstype explicitly",
				v->device);
	if (r == -EMEDIUMTYPE)
		return ocf_fail(OCF_ERR_GENERIC, r,
				"cannot open %s (a DRBD device that is not Primary here?)",
				v->device);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r,
				"cannot probe %s for its filesystem type",
				v->device);
	*ret = strdup(j->out);
	return *ret ? OCF_SUCCESS : ocf_fail(OCF_ERR_GENERIC, -ENOMEM, "fstype");
}

/*
 * A label names one device, or mounting it is a gamble: DRBD's backing
 * device carries the same label as the DRBD device on top of it.
 */
static int check_tag_unique(struct vzfs *v, struct job *j)
{
	int r;

	j->device = v->spec;
	r = run_fn(child_tag_devices, j, &v->ctx->deadline);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r == -ETIMEDOUT ? 0 : r,
				"cannot check that %s names one device%s",
				v->spec, r == -ETIMEDOUT ? ": probing timed out" : "");
	if (j->count > 1)
		return ocf_fail(OCF_ERR_CONFIGURED, 0,
				"%s matches %d devices (%s); name the device by its path",
				v->spec, j->count, j->msg);
	return OCF_SUCCESS;
}

static int make_dir(const char *dir)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int vzfs_start(struct agent_ctx *ctx)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = NULL;
	_cleanup_(vzfs_done) struct vzfs v = { 0 };
	_cleanup_job_ struct job *j = NULL;
	_cleanup_free_ char *fstype = NULL;
	struct libmnt_fs *fs;
	int rc, r;

	rc = check_config(ctx);
	if (rc)
		return rc;
	rc = vzfs_lookup(ctx, &v);
	if (rc)
		return rc;
	if (v.dev_err == -ENOENT)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"device %s does not exist on this node", v.spec);
	if (v.dev_err == -ENOTBLK)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"%s is not a block device", v.spec);
	if (v.dev_err < 0)
		return ocf_fail(OCF_ERR_GENERIC, v.dev_err, "cannot access %s",
				v.spec);

	rc = load_table(&tab);
	if (rc)
		return rc;
	if (mounts_find_target(tab, v.dir, &fs) > 0) {
		if (mnt_fs_get_devno(fs) != v.devno)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"%s already has %s (%u:%u) mounted, not %s; refusing to mount over it",
					v.dir, fs_source(fs),
					major(mnt_fs_get_devno(fs)),
					minor(mnt_fs_get_devno(fs)), v.device);
		rc = check_mounted(&v, fs);
		if (rc)
			return rc;
		log_info("%s is already mounted at %s", v.device, v.dir);
		return OCF_SUCCESS;
	}
	if (mounts_find_devno(tab, v.devno, &fs) > 0)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"%s is already mounted at %s; refusing to mount it at %s as well",
				v.device, mnt_fs_get_target(fs), v.dir);

	j = job_new();
	if (!j)
		return ocf_fail(OCF_ERR_GENERIC, -errno, "cannot map job page");
	if (mounts_is_tag(v.spec)) {
		rc = check_tag_unique(&v, j);
		if (rc)
			return rc;
	}
	rc = detect_fstype(&v, j, &fstype);
	if (rc)
		return rc;
	rc = check_installed(ctx, fstype);
	if (rc)
		return rc;
	if (fsck_needed(ctx, fstype)) {
		rc = run_fsck(&v, fstype);
		if (rc)
			return rc;
	}
	r = make_dir(v.dir);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, r, "cannot create mount point %s",
				v.dir);

	j->device = v.device;
	j->dir = v.dir;
	j->fstype = fstype;
	j->options = ctx->p[P_OPTIONS].set ? ctx->p[P_OPTIONS].str : NULL;
	r = run_fn(child_mount, j, &ctx->deadline);
	if (r == -ETIMEDOUT)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"mounting %s at %s did not complete within the start timeout: the device hangs",
				v.device, v.dir);
	if (r == -ENODEV)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"cannot mount %s at %s: the kernel has no %s filesystem (%s)",
				v.device, v.dir, fstype, j->msg);
	if (r < 0)
		return ocf_fail(OCF_ERR_GENERIC, 0, "cannot mount %s (%s) at %s: %s",
				v.device, fstype, v.dir,
				j->msg[0] ? j->msg : strerror(-r));

	/* trust the kernel's table, not mount's return value */
	mnt_unref_table(TAKE_PTR(tab));
	rc = load_table(&tab);
	if (rc)
		return rc;
	if (mounts_find_target(tab, v.dir, &fs) <= 0 ||
	    mnt_fs_get_devno(fs) != v.devno)
		return ocf_fail(OCF_ERR_GENERIC, 0,
				"mount of %s at %s reported success, but it is not in the mount table",
				v.device, v.dir);
	log_notice("mounted %s (%s) at %s", v.device, fstype, v.dir);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ stop */

static int umount_one(struct vzfs *v, const char *target, const char *statusfile)
{
	_cleanup_job_ struct job *j = job_new();

	if (!j)
		return -errno;
	j->dir = target;
	j->path = statusfile;
	return run_fn(child_umount, j, &v->ctx->deadline);
}

/* Waits (briefly, within the deadline) for the signalled pids to exit. */
static void wait_gone(const struct holder *h, int n, const struct deadline *d)
{
	struct deadline w = *d;
	uint64_t end = deadline_now_ms() + 1000;

	if (end < w.end_ms)
		w.end_ms = end;
	for (;;) {
		bool alive = false;

		for (int i = 0; i < n && !alive; i++)
			alive = kill(h[i].pid, 0) == 0;
		if (!alive || deadline_expired(&w))
			return;
		deadline_sleep(&w, 50);
	}
}

/*
 * Signals the holders; TERM during the first half of the stop's time,
 * KILL after that. Returns how many were signalled.
 */
static int signal_holders(struct vzfs *v, struct holder *h, int n,
			  uint64_t half_ms)
{
	bool late = deadline_left_ms(&v->ctx->deadline) < half_ms;
	int sig = late ? SIGKILL : SIGTERM, sent = 0;
	char list[1024];

	holders_format(h, (size_t)n, list, sizeof(list));
	log_warning("%s is busy; sending %s to %s", v->dir,
		    late ? "SIGKILL" : "SIGTERM", list);
	for (int i = 0; i < n; i++) {
		if (h[i].pid <= 1 || h[i].pid == getppid())
			continue; /* never init, never our caller */
		if (kill(h[i].pid, sig) == 0)
			sent++;
	}
	wait_gone(h, n, &v->ctx->deadline);
	return sent;
}

/*
 * force_unmount=safe's scan, in a child: NO_STAT mode never stats into
 * the filesystem, but still reads each process's /proc/<pid>/maps, which
 * waits for that process's mmap lock, and a process stuck on a hung
 * filesystem may hold it. The child may block; we do not.
 */
#define SCAN_MAX 1024 /* holders reported back; the kill loop scans again */
#define SCAN_MIN_MS 500
struct scan_job {
	dev_t dev;
	const char *dir;
	int n;                  /* holders found, even beyond SCAN_MAX */
	struct holder h[SCAN_MAX];
};

static int child_scan(void *arg)
{
	struct scan_job *j = arg;
	_cleanup_free_ struct holder *h = NULL;
	int n = holders_find(j->dev, j->dir, HOLDERS_NO_STAT, &h);

	if (n < 0)
		return -n;
	j->n = n;
	if (n > 0)
		memcpy(j->h, h,
		       sizeof(*h) * (size_t)(n < SCAN_MAX ? n : SCAN_MAX));
	return 0;
}

static int find_holders_safe(struct vzfs *v, dev_t dev, struct holder **h,
			     int *rc)
{
	const struct deadline *d = &v->ctx->deadline;
	/*
	 * A scan takes tens of ms. It gets half the time left, so that one
	 * that hangs leaves time to say so, but at least SCAN_MIN_MS: at the
	 * stop's deadline (busy_timeout) that reaches into the margin kept
	 * before Pacemaker's timeout, by half of it at most; run_fn SIGKILLs
	 * a late child at once, and the other half covers the report.
	 */
	struct deadline scan = deadline_sub(d, deadline_left_ms(d) / 2);
	uint64_t t0 = deadline_now_ms();
	uint64_t least = t0 + SCAN_MIN_MS;
	uint64_t cap = d->end_ms + DEADLINE_MARGIN_MIN_MS / 2;
	struct scan_job *j;
	int r, n = 0;

	if (scan.end_ms < least)
		scan.end_ms = least < cap ? least : cap;

	j = shared_new(sizeof(*j));
	if (!j) {
		*rc = ocf_fail(OCF_ERR_GENERIC, -errno, "cannot map scan page");
		return -ENOMEM;
	}
	j->dev = dev;
	j->dir = v->dir;
	r = run_fn(child_scan, j, &scan);
	if (r == -ETIMEDOUT) {
		*rc = ocf_fail(OCF_ERR_GENERIC, 0,
			       "searching /proc for processes using %s did not finish in %llu ms: is a process's memory map locked by one stuck on a hung filesystem?",
			       v->dir,
			       (unsigned long long)(deadline_now_ms() - t0));
		n = -ETIMEDOUT;
	} else if (r < 0) {
		*rc = ocf_fail(OCF_ERR_GENERIC, r,
			       "cannot search /proc for processes using %s",
			       v->dir);
		n = r;
	} else if (j->n > 0) {
		int max = j->n < SCAN_MAX ? j->n : SCAN_MAX;

		*h = calloc((size_t)max, sizeof(**h));
		if (!*h) {
			*rc = ocf_fail(OCF_ERR_GENERIC, -ENOMEM, "holders of %s",
				       v->dir);
			n = -ENOMEM;
		}
		/* the child skipped itself, not us */
		for (int i = 0; *h && i < max; i++)
			if (j->h[i].pid != getpid())
				(*h)[n++] = j->h[i];
	}
	(void)munmap(j, sizeof(*j));
	return n;
}

/* Finds who holds the filesystem. rc set on failure. */
static int find_holders(struct vzfs *v, dev_t dev, struct holder **h, int *rc)
{
	int n;

	if (v->ctx->p[P_FORCE_UNMOUNT].choice == UNMOUNT_SAFE)
		return find_holders_safe(v, dev, h, rc);
	n = holders_find(dev, v->dir, 0, h);
	if (n < 0)
		*rc = ocf_fail(OCF_ERR_GENERIC, n,
			       "cannot search /proc for processes using %s",
			       v->dir);
	return n;
}

static int busy_fail(struct vzfs *v, const char *what, struct holder *h, int n)
{
	char list[1024];

	holders_format(h, (size_t)n, list, sizeof(list));
	return ocf_fail(OCF_ERR_GENERIC, 0,
			"cannot unmount %s: %s by %s (force_unmount=false)",
			v->dir, what, list);
}

/* The stop's time is up and the filesystem is still mounted: say why. */
static int busy_timeout(struct vzfs *v, dev_t dev)
{
	char list[1024] = "no process (a loop device, an NFS export or a bind mount elsewhere?)";
	_cleanup_free_ struct holder *h = NULL;
	int rc = OCF_SUCCESS;
	int n = find_holders(v, dev, &h, &rc);

	if (n < 0)
		return rc;
	if (n > 0)
		holders_format(h, (size_t)n, list, sizeof(list));
	return ocf_fail(OCF_ERR_GENERIC, 0,
			"cannot unmount %s before the stop timeout: still busy, held by %s",
			v->dir, list);
}

static int unmount_all(struct vzfs *v, dev_t dev, const char *statusfile)
{
	uint64_t half_ms = deadline_left_ms(&v->ctx->deadline) / 2;
	int mode = v->ctx->p[P_FORCE_UNMOUNT].choice;
	int rc = OCF_SUCCESS;

	for (;;) {
		_cleanup_mnt_table_ struct libmnt_table *tab = NULL;
		_cleanup_free_ struct holder *h = NULL;
		struct libmnt_fs *fs;
		char **subs = NULL;
		uint64_t left;
		int r = 0, n;

		rc = load_table(&tab);
		if (rc)
			return rc;
		if (mounts_find_target(tab, v->dir, &fs) <= 0)
			break;
		/*
		 * A umount that cannot even be tried within the time left
		 * (forking the child takes a moment) is a busy filesystem
		 * at the deadline, not a hung device.
		 */
		left = deadline_left_ms(&v->ctx->deadline);
		if (left < UMOUNT_MIN_MS)
			return busy_timeout(v, dev);
		/* submounts first, deepest first, as umount -R would */
		if (mounts_submounts(tab, v->dir, &subs) < 0)
			return ocf_fail(OCF_ERR_GENERIC, -ENOMEM, "submounts");
		for (char **s = subs; *s && r == 0; s++) {
			log_info("unmounting %s (below %s)", *s, v->dir);
			r = umount_one(v, *s, NULL);
			if (r < 0 && r != -EBUSY)
				log_warning("cannot unmount %s: %s", *s,
					    strerror(-r));
		}
		mounts_strv_free(subs);
		if (r == 0)
			r = umount_one(v, v->dir, statusfile);
		if (r == 0 || r == -EINVAL) /* EINVAL: no longer a mount point */
			continue;
		if (r == -ETIMEDOUT && left < 2 * UMOUNT_MIN_MS)
			return busy_timeout(v, dev);
		if (r == -ETIMEDOUT)
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"unmounting %s did not complete in time: the device hangs",
					v->dir);
		if (r != -EBUSY)
			return ocf_fail(OCF_ERR_GENERIC, r, "cannot unmount %s",
					v->dir);

		n = find_holders(v, dev, &h, &rc);
		if (n < 0)
			return rc;
		if (n > 0 && mode == UNMOUNT_FALSE)
			return busy_fail(v, "in use", h, n);
		if (n == 0 || signal_holders(v, h, n, half_ms) == 0)
			deadline_sleep(&v->ctx->deadline, 200);
	}
	return OCF_SUCCESS;
}

/*
 * After the umount in our namespace, other mount namespaces (a container,
 * an `unshare -m` shell) may still have the filesystem mounted: the
 * device stays open and DRBD could not demote. They count as holders.
 */
static int release_namespaces(struct vzfs *v, dev_t dev)
{
	uint64_t half_ms = deadline_left_ms(&v->ctx->deadline) / 2;
	int mode = v->ctx->p[P_FORCE_UNMOUNT].choice;

	for (;;) {
		_cleanup_free_ struct holder *h = NULL;
		char list[1024];
		int rc = OCF_SUCCESS;
		int n = find_holders(v, dev, &h, &rc);

		if (n < 0)
			return rc;
		if (n == 0)
			return OCF_SUCCESS;
		if (mode == UNMOUNT_FALSE)
			return busy_fail(v, "still mounted in other mount namespaces",
					 h, n);
		if (deadline_expired(&v->ctx->deadline)) {
			holders_format(h, (size_t)n, list, sizeof(list));
			return ocf_fail(OCF_ERR_GENERIC, 0,
					"%s is unmounted here, but still in use by %s",
					v->dir, list);
		}
		if (signal_holders(v, h, n, half_ms) == 0)
			deadline_sleep(&v->ctx->deadline, 200);
	}
}

static int vzfs_stop(struct agent_ctx *ctx)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = NULL;
	_cleanup_(vzfs_done) struct vzfs v = { 0 };
	char statusfile[4096];
	struct libmnt_fs *fs;
	dev_t dev;
	int rc;

	if (ctx->params_error) {
		/* without a valid directory nothing of ours can be mounted */
		if (!ctx->p[P_DIRECTORY].set || ctx->p[P_DIRECTORY].str[0] != '/') {
			log_warning("%s; nothing can be mounted, stop succeeds",
				    ctx->params_error);
			return OCF_SUCCESS;
		}
		log_warning("%s; stopping what is mounted at %s",
			    ctx->params_error, ctx->p[P_DIRECTORY].str);
	}
	rc = vzfs_lookup(ctx, &v);
	if (rc)
		return rc;
	rc = load_table(&tab);
	if (rc)
		return rc;
	if (mounts_find_target(tab, v.dir, &fs) <= 0) {
		/*
		 * Unmounted here, perhaps by a stop that then failed on a
		 * mount namespace still holding the device: finish that.
		 */
		if (v.device)
			return release_namespaces(&v, v.devno);
		log_info("%s is not mounted, nothing to stop", v.dir);
		return OCF_SUCCESS;
	}
	dev = mnt_fs_get_devno(fs);
	if (v.device && dev != v.devno) {
		log_warning("%s has %s (%u:%u) mounted, not %s: not ours, leaving it",
			    v.dir, fs_source(fs), major(dev), minor(dev),
			    v.device);
		return OCF_SUCCESS;
	}
	if (status_file_path(&v, statusfile, sizeof(statusfile)) < 0 ||
	    !ctx->p[P_STATUSFILE_PREFIX].set)
		statusfile[0] = '\0';

	rc = unmount_all(&v, dev, statusfile[0] ? statusfile : NULL);
	if (rc)
		return rc;
	rc = release_namespaces(&v, dev);
	if (rc)
		return rc;
	log_notice("unmounted %s from %s", v.spec ? v.spec : "?", v.dir);
	return OCF_SUCCESS;
}

/* ------------------------------------------------------------ validate */

/* Is there a module for this filesystem (alias fs-<type>)? */
static bool module_has_fstype(const char *fstype)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	char path[512], alias[128];
	struct utsname u;
	size_t cap = 0;
	int n;

	if (uname(&u) < 0)
		return false;
	(void)snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias",
		       u.release);
	n = snprintf(alias, sizeof(alias), "alias fs-%s ", fstype);
	f = fopen(path, "re");
	if (!f || n <= 0)
		return false;
	while (getline(&line, &cap, f) > 0)
		if (strncmp(line, alias, (size_t)n) == 0)
			return true;
	return false;
}

static int find_fsck_helper(const char *fstype)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin",
					    "/bin" };
	char path[256];

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		(void)snprintf(path, sizeof(path), "%s/fsck.%s", dirs[i],
			       fstype);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* What this node needs for fstype: the kernel's support, fsck if used. */
static int check_installed(struct agent_ctx *ctx, const char *fstype)
{
	if (mounts_kernel_has_fstype(fstype) <= 0 && !module_has_fstype(fstype))
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"the kernel has no %s filesystem (not in /proc/filesystems, no fs-%s module)",
				fstype, fstype);
	if (!fsck_needed(ctx, fstype))
		return OCF_SUCCESS;
	if (access(FSCK_PATH, X_OK) < 0)
		return ocf_fail(OCF_ERR_INSTALLED, -errno, "run_fsck=%s needs %s",
				ctx->p[P_RUN_FSCK].str, FSCK_PATH);
	if (find_fsck_helper(fstype) < 0)
		return ocf_fail(OCF_ERR_INSTALLED, 0,
				"run_fsck=%s needs fsck.%s, which is not installed",
				ctx->p[P_RUN_FSCK].str, fstype);
	return OCF_SUCCESS;
}

static int vzfs_validate(struct agent_ctx *ctx)
{
	const char *fstype = ctx->p[P_FSTYPE].set ? ctx->p[P_FSTYPE].str : NULL;
	_cleanup_(vzfs_done) struct vzfs v = { 0 };
	int rc = check_config(ctx);

	if (rc)
		return rc;
	if (fstype) {
		rc = check_installed(ctx, fstype);
		if (rc)
			return rc;
	}
	rc = vzfs_lookup(ctx, &v);
	if (rc)
		return rc;
	/* a passive node may lack the device: not an error, but say so */
	if (v.dev_err == -ENOENT)
		log_warning("device %s does not exist on this node (yet), ignoring",
			    v.spec);
	else if (v.dev_err == -ENOTBLK)
		return ocf_fail(OCF_ERR_INSTALLED, 0, "%s is not a block device",
				v.spec);
	return OCF_SUCCESS;
}

static const struct agent_ops ops = {
	.handlers = {
		[ACTION_START] = vzfs_start,
		[ACTION_STOP] = vzfs_stop,
		[ACTION_MONITOR] = vzfs_monitor,
		[ACTION_VALIDATE_ALL] = vzfs_validate,
	},
};

int main(int argc, char *argv[])
{
	return dispatch_main(&vzfs_desc, &ops, vzfs_metadata_xml, argc, argv);
}
