/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "holders.h"
#include "mountinfo.h"
#include "procfs.h"

static inline void closedirp(DIR **d)
{
	if (*d)
		(void)closedir(*d); /* read-only directory: nothing to report */
}

#define _cleanup_closedir_ _cleanup_(closedirp)

struct mntns {
	uint64_t id; /* the N of "mnt:[N]" */
	struct mountinfo mi;
	bool loaded;
	bool keeps_dev; /* has a copy of dev our umount leaves alone */
};

struct proc {
	pid_t pid;
	pid_t ppid; /* read only for namespaces that keep dev */
	size_t ns; /* index into scan.ns */
};

struct scan {
	dev_t dev;
	unsigned flags;
	int procfd;
	size_t self_ns;
	struct mntns *ns;
	size_t n_ns, cap_ns;
	uint64_t *groups; /* peer groups of dev's mounts in our ns */
	size_t n_groups, cap_groups;
	uint64_t *dev_ids; /* ids of dev's mounts, all namespaces read */
	size_t n_dev_ids, cap_dev_ids;
	struct proc *procs;
	size_t n_procs, cap_procs;
	struct holder *holders;
	size_t n_holders, cap_holders;
};

static void scan_done(struct scan *s)
{
	for (size_t i = 0; i < s->n_ns; i++)
		mountinfo_done(&s->ns[i].mi);
	free(s->ns);
	free(s->groups);
	free(s->dev_ids);
	free(s->procs);
	free(s->holders);
	if (s->procfd >= 0)
		(void)close(s->procfd); /* read-only: nothing to report */
}

/*
 * Makes room for element n of an array of *cap elements: returns the
 * (maybe moved) array, or NULL when out of memory, array then unchanged.
 */
static void *grow(void *array, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return array;
	ncap = *cap ? *cap * 2 : 16;
	p = reallocarray(array, ncap, size);
	if (p)
		*cap = ncap;
	return p;
}

/*
 * Errors that end the scan. Anything else about one process (it exited,
 * EACCES, a dead NFS handle on one fd) only means that process, or that
 * item, is not counted; but a scan that ran out of memory or descriptors
 * must not claim that nobody holds the filesystem.
 */
static bool fatal(int r)
{
	return r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

static int only_fatal(int r)
{
	return fatal(r) ? r : 0;
}

static bool u64_in(const uint64_t *a, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

/* Adds v to a set kept as an array. 0 or -ENOMEM. */
static int u64_add(uint64_t **a, size_t *n, size_t *cap, uint64_t v)
{
	uint64_t *p;

	if (u64_in(*a, *n, v))
		return 0;
	p = grow(*a, cap, *n, sizeof(**a));
	if (!p)
		return -ENOMEM;
	p[(*n)++] = v;
	*a = p;
	return 0;
}

/*
 * The start of a small /proc file, in one read(): the fields we want
 * (fdinfo's mnt_id, stat's ppid, comm) are in its first bytes, and fdinfo
 * of an epoll or inotify fd can be long. Returns the length or -errno.
 */
static ssize_t read_head(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* readlinkat() into buf, NUL-terminated. 0, -ENAMETOOLONG or -errno. */
static int read_link(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, path, buf, size);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/*
 * The mount namespace id from the "mnt:[4026531840]" link: readlink
 * rather than stat, so that NO_STAT mode never stats a magic link at all.
 */
static int read_nsid(int pfd, uint64_t *ret)
{
	char buf[64], *end;
	int r;

	r = read_link(pfd, "ns/mnt", buf, sizeof(buf));
	if (r < 0)
		return r;
	if (strncmp(buf, "mnt:[", 5) != 0)
		return -EINVAL;
	end = strchr(buf, ']');
	if (!end || end[1] != '\0')
		return -EINVAL;
	*end = '\0';
	return procfs_parse_u64(buf + 5, ret);
}

/*
 * Whether a namespace keeps dev mounted after our umount: it has a mount
 * of dev that is neither a peer nor a slave of one of ours. Peers and
 * slaves (systemd's PrivateTmp= services, for one) lose their copy when we
 * unmount ours, by propagation, so their processes are not holders; only
 * a private copy (LXC, `unshare -m`) keeps the device busy. A copy that
 * has submounts of its own is not unmounted by propagation either; we do
 * not detect that case.
 */
static bool ns_keeps_dev(const struct scan *s, const struct mntns *ns)
{
	for (size_t i = 0; i < ns->mi.n; i++) {
		const struct mountinfo_entry *m = &ns->mi.v[i];

		if (m->devno != s->dev)
			continue;
		if (m->shared && u64_in(s->groups, s->n_groups, m->shared))
			continue;
		if (m->master && u64_in(s->groups, s->n_groups, m->master))
			continue;
		return true;
	}
	return false;
}

static int ns_load(struct scan *s, size_t idx, int pfd)
{
	struct mntns *ns = &s->ns[idx];
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	int r;

	r = mountinfo_readat(pfd, "mountinfo", &mi);
	if (r < 0)
		return r;

	/* Mount ids are unique system-wide, not per namespace. */
	for (size_t i = 0; i < mi.n; i++) {
		if (mi.v[i].devno != s->dev)
			continue;
		r = u64_add(&s->dev_ids, &s->n_dev_ids, &s->cap_dev_ids,
			    mi.v[i].id);
		if (r < 0)
			return r;
		if (idx != s->self_ns || !mi.v[i].shared)
			continue;
		r = u64_add(&s->groups, &s->n_groups, &s->cap_groups,
			    mi.v[i].shared);
		if (r < 0)
			return r;
	}
	ns->mi = mi;
	mi = (struct mountinfo){ 0 };
	ns->loaded = true;
	ns->keeps_dev = idx != s->self_ns && ns_keeps_dev(s, ns);
	return 0;
}

/* Finds or adds namespace id, unloaded. 0 or -ENOMEM. */
static int ns_add(struct scan *s, uint64_t id, size_t *ret)
{
	struct mntns *p;
	size_t i;

	for (i = 0; i < s->n_ns; i++)
		if (s->ns[i].id == id)
			break;
	if (i == s->n_ns) {
		p = grow(s->ns, &s->cap_ns, s->n_ns, sizeof(*s->ns));
		if (!p)
			return -ENOMEM;
		s->ns = p;
		s->ns[s->n_ns++] = (struct mntns){ .id = id };
	}
	*ret = i;
	return 0;
}

/*
 * The device of the mount containing path in a namespace. readlink()
 * marks unlinked files and directories with a " (deleted)" suffix, which
 * is not part of the path.
 */
static bool path_devno(const struct mntns *ns, const char *link, dev_t *ret)
{
	static const char deleted[] = " (deleted)";
	size_t plen = strlen(link);
	const struct mountinfo_entry *m;

	if (plen >= strlen(deleted) &&
	    strcmp(link + plen - strlen(deleted), deleted) == 0)
		plen -= strlen(deleted);
	m = mountinfo_containing(&ns->mi, link, plen);
	if (!m)
		return false;
	*ret = m->devno;
	return true;
}

/*
 * Whether the cwd, root or exe link of a process points into dev. The
 * path of readlink() is relative to our root, and so is our namespace's
 * mountinfo; for another namespace it is relative to that namespace's
 * root, as is its init's mountinfo (a chroot inside it can mislead us).
 */
static int link_on_dev(const struct scan *s, int pfd, const char *name,
		       size_t ns, bool *ret)
{
	char path[PATH_MAX];
	struct stat st;
	dev_t devno;
	int r;

	if (!(s->flags & HOLDERS_NO_STAT)) {
		if (fstatat(pfd, name, &st, 0) < 0)
			return -errno;
		*ret = st.st_dev == s->dev;
		return 0;
	}
	r = read_link(pfd, name, path, sizeof(path));
	if (r < 0)
		return r;
	*ret = path_devno(&s->ns[ns], path, &devno) && devno == s->dev;
	return 0;
}

/* fdinfo's "mnt_id:\t29" line. 0 or -errno. */
static int fdinfo_mnt_id(char *text, uint64_t *ret)
{
	char *p, *end;

	if (strncmp(text, "mnt_id:", 7) == 0)
		p = text;
	else if ((p = strstr(text, "\nmnt_id:")))
		p++;
	else
		return -ENOENT;
	p += 7;
	p += strspn(p, " \t");
	end = strchr(p, '\n');
	if (end)
		*end = '\0';
	return procfs_parse_u64(p, ret);
}

/*
 * NO_STAT: an fd's mount comes from fdinfo, which the kernel prints
 * without touching the filesystem. The mount may belong to another
 * namespace than the process's (an fd opened before unshare(), or passed
 * over a socket); dev_ids holds the mounts of dev in every namespace read
 * so far. A lazily detached mount is in no mountinfo and goes unseen.
 */
static int fd_on_dev(const struct scan *s, int fddir, int infodir,
		     const char *name, bool *ret)
{
	char buf[256];
	struct stat st;
	uint64_t id;
	ssize_t n;
	int r;

	if (!(s->flags & HOLDERS_NO_STAT)) {
		if (fstatat(fddir, name, &st, 0) < 0)
			return -errno;
		*ret = st.st_dev == s->dev;
		return 0;
	}
	n = read_head(infodir, name, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	r = fdinfo_mnt_id(buf, &id);
	if (r < 0)
		return r;
	*ret = u64_in(s->dev_ids, s->n_dev_ids, id);
	return 0;
}

static int fds_on_dev(const struct scan *s, int pfd, bool *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int fd = -1, infodir = -1;
	struct dirent *de;
	bool match = false;
	int r;

	fd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (s->flags & HOLDERS_NO_STAT) {
		infodir = openat(pfd, "fdinfo",
				 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (infodir < 0)
			return -errno;
	}
	d = fdopendir(fd);
	if (!d)
		return -errno;
	fd = -1; /* owned by d now */

	while (!match) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return -errno;
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		r = fd_on_dev(s, dirfd(d), infodir, de->d_name, &match);
		if (r < 0 && fatal(r))
			return r;
		/* other errors: that fd was closed meanwhile, or unreadable */
	}
	*ret = match;
	return 0;
}

/* maps' device field is hex "fd:01", unlike mountinfo's decimal. */
static bool maps_line_on_dev(const char *line, dev_t dev)
{
	unsigned long maj, min;
	const char *p = line;
	char *end;

	for (int i = 0; i < 3; i++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	errno = 0;
	maj = strtoul(p, &end, 16);
	if (errno || end == p || *end != ':')
		return false;
	p = end + 1;
	min = strtoul(p, &end, 16);
	if (errno || end == p || *end != ' ')
		return false;
	return makedev(maj, min) == dev;
}

/*
 * Read line by line, not in one read(): a large process has many MiB of
 * maps. A mapping made or removed between two reads may be missed, as it
 * may be just after any scan; the caller scans again after killing.
 * Mappings of deleted files still show their device.
 */
static int maps_on_dev(const struct scan *s, int pfd, bool *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	_cleanup_close_ int fd = -1;
	size_t size = 0;
	bool match = false;

	fd = openat(pfd, "maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "re");
	if (!f)
		return -errno;
	fd = -1; /* owned by f now */

	errno = 0;
	while (!match && getline(&line, &size, f) >= 0)
		match = maps_line_on_dev(line, s->dev);
	if (!match && ferror(f))
		return errno ? -errno : -EIO;
	*ret = match;
	return 0;
}

/*
 * /proc/<pid>/comm without its newline, cut to size. Any process can
 * name itself anything (prctl(PR_SET_NAME, "a\nb") shows as is), and the
 * name ends up in a one-line exit reason: control characters become '?'.
 * 0 or -errno.
 */
static int read_comm(int dirfd, const char *path, char *comm, size_t size)
{
	char buf[64];
	size_t len;
	ssize_t n;

	n = read_head(dirfd, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	len = (size_t)n;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len >= size)
		len = size - 1;
	for (size_t i = 0; i < len; i++)
		comm[i] = (unsigned char)buf[i] < 0x20 || buf[i] == 0x7f ?
				  '?' :
				  buf[i];
	comm[len] = '\0';
	return 0;
}

/* The ppid from /proc/<pid>/stat: "pid (comm) S ppid ...". */
static int read_ppid(int pfd, pid_t *ret)
{
	char buf[512], *p, *end;
	uint64_t v;
	ssize_t n;
	int r;

	n = read_head(pfd, "stat", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	p = strrchr(buf, ')'); /* comm may contain ") " */
	if (!p || strlen(p) < 4 || p[1] != ' ' || p[3] != ' ')
		return -EINVAL;
	p += 4;
	end = strchr(p, ' ');
	if (!end)
		return -EINVAL;
	*end = '\0';
	r = procfs_parse_u64(p, &v);
	if (r < 0)
		return r;
	if (v > INT32_MAX)
		return -ERANGE;
	*ret = (pid_t)v;
	return 0;
}

static int add_holder(struct scan *s, pid_t pid, unsigned how, const char *comm)
{
	struct holder *h;

	h = grow(s->holders, &s->cap_holders, s->n_holders,
		 sizeof(*s->holders));
	if (!h)
		return -ENOMEM;
	s->holders = h;
	h = &s->holders[s->n_holders++];
	*h = (struct holder){ .pid = pid, .how = how };
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
	return 0;
}

/* One /proc/<pid>. 0, or -errno only for errors that end the scan. */
static int scan_pid(struct scan *s, const char *name, pid_t pid)
{
	static const struct {
		const char *link;
		unsigned how;
	} links[] = {
		{ "exe", HOLDER_EXE }, /* first: see below */
		{ "cwd", HOLDER_CWD },
		{ "root", HOLDER_ROOT },
	};
	_cleanup_close_ int pfd = -1;
	char comm[sizeof(((struct holder *)0)->comm)];
	struct proc *p;
	unsigned how = 0;
	uint64_t nsid;
	bool match;
	size_t ns;
	int r;

	pfd = openat(s->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return only_fatal(-errno);
	r = read_nsid(pfd, &nsid);
	if (r < 0)
		return only_fatal(r);
	r = ns_add(s, nsid, &ns);
	if (r < 0)
		return r;
	/*
	 * A namespace's mountinfo is read through the first process seen in
	 * it. /proc lists pids in ascending order, so that is normally its
	 * init, whose view (mount points relative to its root) is the whole
	 * namespace's. If that fails, paths in it match nothing (fds and maps
	 * still do) and its next process tries again.
	 */
	if (!s->ns[ns].loaded) {
		r = ns_load(s, ns, pfd);
		if (r < 0 && fatal(r))
			return r;
	}

	/*
	 * exe is missing exactly when the task has no user address space: a
	 * kernel thread (whose cwd and root are still "/"), or a process that
	 * is exiting or a zombie. Neither holds anything: skip it. An error
	 * on cwd or root (a dead NFS handle) only leaves that link unmatched.
	 */
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		r = link_on_dev(s, pfd, links[i].link, ns, &match);
		if (r < 0 && (i == 0 || fatal(r)))
			return only_fatal(r);
		if (r == 0 && match)
			how |= links[i].how;
	}

	p = grow(s->procs, &s->cap_procs, s->n_procs, sizeof(*s->procs));
	if (!p)
		return -ENOMEM;
	s->procs = p;
	p = &s->procs[s->n_procs++];
	*p = (struct proc){ .pid = pid, .ns = ns };
	if (s->ns[ns].keeps_dev)
		(void)read_ppid(pfd, &p->ppid); /* 0: treated as outside */

	r = fds_on_dev(s, pfd, &match);
	if (r < 0 && fatal(r))
		return r;
	if (r == 0 && match)
		how |= HOLDER_FD;

	r = maps_on_dev(s, pfd, &match);
	if (r < 0 && fatal(r))
		return r;
	if (r == 0 && match)
		how |= HOLDER_MMAP;

	if (!how)
		return 0;
	r = read_comm(pfd, "comm", comm, sizeof(comm));
	if (r < 0)
		return only_fatal(r); /* exited: no longer holds anything */
	return add_holder(s, pid, how, comm);
}

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_holder(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/*
 * One process per namespace that keeps dev: killing it should end the
 * namespace. That is the namespace's init, the lowest pid whose parent is
 * outside the namespace: the init of an LXC container, the `sleep` of
 * `unshare -m sleep`. Comparing parents rather than taking the lowest pid
 * keeps the choice right after pid wrap-around; processes entering with
 * setns() also have their parent outside, but are normally younger (higher
 * pids) than the init. When no such process is found (races), the lowest
 * pid in the namespace.
 */
static int add_mountns_holders(struct scan *s)
{
	size_t n_holders = s->n_holders;
	int r;

	/* qsort() and bsearch() want a non-NULL array even when empty */
	if (s->n_procs > 0)
		qsort(s->procs, s->n_procs, sizeof(*s->procs), cmp_proc);
	if (n_holders > 0)
		qsort(s->holders, n_holders, sizeof(*s->holders), cmp_holder);

	for (size_t k = 0; k < s->n_ns; k++) {
		pid_t pick = 0, lowest = 0;
		struct holder key, *h;
		char path[32], comm[sizeof(key.comm)];

		if (!s->ns[k].keeps_dev)
			continue;
		for (size_t i = 0; i < s->n_procs && !pick; i++) {
			const struct proc *p = &s->procs[i], *parent;
			struct proc pkey = { .pid = p->ppid };

			if (p->ns != k)
				continue;
			if (!lowest)
				lowest = p->pid;
			parent = bsearch(&pkey, s->procs, s->n_procs,
					 sizeof(*s->procs), cmp_proc);
			if (!parent || parent->ns != k)
				pick = p->pid;
		}
		if (!pick)
			pick = lowest;
		if (!pick)
			continue;

		key.pid = pick;
		h = n_holders == 0 ? NULL :
				     bsearch(&key, s->holders, n_holders,
					     sizeof(*s->holders), cmp_holder);
		if (h) {
			h->how |= HOLDER_MOUNTNS;
			continue;
		}
		snprintf(path, sizeof(path), "%d/comm", (int)pick);
		r = read_comm(s->procfd, path, comm, sizeof(comm));
		if (r < 0) {
			if (fatal(r))
				return r;
			continue; /* exited, and its namespace likely with it */
		}
		r = add_holder(s, pick, HOLDER_MOUNTNS, comm);
		if (r < 0)
			return r;
	}
	if (s->n_holders > 0)
		qsort(s->holders, s->n_holders, sizeof(*s->holders),
		      cmp_holder);
	return 0;
}

int holders_find(dev_t dev, const char *mount_target, unsigned flags,
		 struct holder **ret)
{
	_cleanup_(scan_done) struct scan s = {
		.dev = dev,
		.flags = flags,
		.procfd = -1,
	};
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int selffd = -1, fd = -1;
	pid_t self = getpid();
	struct dirent *de;
	uint64_t nsid;
	size_t n;
	int r;

	/*
	 * mount_target is not needed: every path is resolved to a device
	 * through the mountinfo of the namespace it was read in, which also
	 * covers bind mounts of dev elsewhere.
	 */
	(void)mount_target;

	s.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.procfd < 0)
		return -errno;

	/* Our namespace first: its peer groups decide who else keeps dev. */
	selffd = openat(s.procfd, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (selffd < 0)
		return -errno;
	r = read_nsid(selffd, &nsid);
	if (r < 0)
		return r;
	r = ns_add(&s, nsid, &s.self_ns);
	if (r < 0)
		return r;
	r = ns_load(&s, s.self_ns, selffd);
	if (r < 0)
		return r;

	fd = openat(s.procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d)
		return -errno;
	fd = -1; /* owned by d now */

	for (;;) {
		uint64_t pid;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return -errno;
			break;
		}
		if (procfs_parse_u64(de->d_name, &pid) < 0 || pid == 0 ||
		    pid > INT32_MAX || (pid_t)pid == self)
			continue;
		r = scan_pid(&s, de->d_name, (pid_t)pid);
		if (r < 0)
			return r;
	}

	r = add_mountns_holders(&s);
	if (r < 0)
		return r;

	n = s.n_holders;
	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	*ret = TAKE_PTR(s.holders);
	return (int)n;
}

static const char *const how_names[] = {
	"cwd", "root", "exe", "fd", "mmap", "mountns",
};

/* ", 1234 (postgres: cwd,fd)", without the comma for the first. */
static size_t format_one(const struct holder *h, bool first, char *buf,
			 size_t size)
{
	char how[64] = "";
	size_t len = 0;
	int n;

	for (size_t i = 0; i < ELEMENTSOF(how_names); i++)
		if (h->how & (1u << i))
			len += (size_t)snprintf(how + len, sizeof(how) - len,
						"%s%s", len ? "," : "",
						how_names[i]);
	n = snprintf(buf, size, "%s%d (%s: %s)", first ? "" : ", ", (int)h->pid,
		     h->comm, len ? how : "?");
	return n < 0 ? 0 : (size_t)n;
}

/* What ends a list cut after k of n entries: ", ... and N more". */
static size_t format_tail(size_t k, size_t n, char *buf, size_t size)
{
	int r;

	if (k == n)
		r = snprintf(buf, size, "%s", "");
	else
		r = snprintf(buf, size, "%s... and %zu more", k ? ", " : "",
			     n - k);
	return r < 0 ? 0 : (size_t)r;
}

/*
 * Whole entries only: when some do not fit, as many as fit followed by
 * ", ... and N more"; in a buffer too small for even "... and N more",
 * what fits of "...".
 */
void holders_format(const struct holder *h, size_t n, char *buf, size_t size)
{
	char entry[128], tail[64];
	size_t len = 0, best = SIZE_MAX;

	if (size == 0)
		return;
	for (size_t k = 0; k <= n && len < size; k++) {
		if (len + format_tail(k, n, tail, sizeof(tail)) < size)
			best = k;
		if (k < n)
			len += format_one(&h[k], k == 0, entry, sizeof(entry));
	}
	if (best == SIZE_MAX) {
		snprintf(buf, size, "%s", "...");
		return;
	}
	len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < best; k++)
		len += format_one(&h[k], k == 0, buf + len, size - len);
	format_tail(best, n, buf + len, size - len);
}
