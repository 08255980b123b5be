/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * holders against real processes holding a real filesystem: each test
 * mounts a fresh tmpfs (its own st_dev) and forks children that hold it
 * in one way, then pause. Everything happens in a mount namespace of our
 * own, so a crash cannot leave a mount behind; children die with us
 * (PR_SET_PDEATHSIG) and teardown kills and reaps each by pid. Needs
 * root; the holders_format() tests do not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fuse.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "holders.h"
#include "procfs.h"

#define MAX_PIDS 8
/* Long enough never to trip on a loaded machine; only a hang reaches it. */
#define DEADLINE_MS 10000
#define FUSE_ACK 0 /* our server's "now hung" note; no FUSE opcode is 0 */

struct fixture {
	char dir[64]; /* the tmpfs */
	bool made, mounted, aux_made;
	dev_t dev;
	char aux[PATH_MAX]; /* a second path for some children */
	pid_t pids[MAX_PIDS]; /* unreaped children, in creation order */
	size_t n_pids;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to become readable (or hang up) until deadline. */
static bool wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		int r;

		r = poll(&p, 1, left > 0 ? (int)left : 0);
		if (r > 0)
			return true;
		if (r == 0 || errno != EINTR)
			return false;
	}
}

/* Reads up to size bytes until EOF or deadline; the count, or -1. */
static ssize_t read_until(int fd, void *buf, size_t size, int64_t deadline)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n;

		if (!wait_readable(fd, deadline))
			return -1;
		n = read(fd, (char *)buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static void track(struct fixture *f, pid_t pid)
{
	assert_true(f->n_pids < MAX_PIDS);
	f->pids[f->n_pids++] = pid;
}

/* Kills and reaps one tracked child. */
static void reap(struct fixture *f, pid_t pid)
{
	for (size_t i = 0; i < f->n_pids; i++) {
		if (f->pids[i] != pid)
			continue;
		(void)kill(pid, SIGKILL); /* may have exited: still ours */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		memmove(&f->pids[i], &f->pids[i + 1],
			(f->n_pids - i - 1) * sizeof(pid_t));
		f->n_pids--;
		return;
	}
	fail_msg("pid %d is not a tracked child", (int)pid);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	if (!f)
		return 0;
	/*
	 * Kill all, then reap in creation order: a grandchild killed with
	 * its parent is reparented to us (we are a subreaper) by the time
	 * waitpid() on its parent returns.
	 */
	for (i = 0; i < f->n_pids; i++)
		(void)kill(f->pids[i], SIGKILL);
	for (i = 0; i < f->n_pids; i++)
		while (waitpid(f->pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	/*
	 * Every mount on dir (tests mount over it), with what is below;
	 * EINVAL ends the loop, also when a test unmounted it already.
	 */
	if (f->mounted)
		while (umount2(f->dir, MNT_DETACH) == 0)
			;
	if (f->made)
		(void)rmdir(f->dir);
	if (f->aux_made)
		(void)rmdir(f->aux);
	free(f);
	*state = NULL;
	return 0;
}

static int setup(void **state)
{
	struct fixture *f;
	struct stat st, up;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	*state = f;
	if (geteuid() != 0)
		return 0;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-holders.XXXXXX");
	f->made = mkdtemp(f->dir) != NULL;
	if (f->made && mount("tmpfs", f->dir, "tmpfs", MS_NOSUID | MS_NODEV,
			     "size=4m,mode=0700") == 0)
		f->mounted = true;
	if (f->mounted && stat(f->dir, &st) == 0 && stat("/tmp", &up) == 0 &&
	    st.st_dev != up.st_dev) {
		f->dev = st.st_dev;
		return 0;
	}
	print_error("cannot mount a tmpfs on %s: %s\n", f->dir,
		    strerror(errno));
	(void)teardown(state); /* cmocka skips teardown when setup fails */
	return -1;
}

/*
 * Sets the propagation of every mount of our namespace. "none" for type:
 * valgrind checks the string even where the kernel ignores it.
 */
static int set_propagation(unsigned long type)
{
	return mount("none", "/", "none", MS_REC | type, NULL);
}

/* Whether path is root or below it. */
static bool path_under(const char *path, const char *root)
{
	size_t len = strlen(root);

	if (strcmp(root, "/") == 0)
		return true;
	return strncmp(path, root, len) == 0 &&
	       (path[len] == '\0' || path[len] == '/');
}

/*
 * Detaches, in our namespace only, every mount we do not need. Our copy
 * of another session's mount is private, so it would keep that device
 * busy after its umount, and that session's vzfs would rightly kill us as
 * a holder (seen with tests/system/vzfs-busy.sh running alongside). We
 * keep /, /proc, /dev and what leads to /tmp, our cwd and our program.
 */
static int detach_unneeded_mounts(void)
{
	_cleanup_free_ char *text = NULL, *cwd = NULL, *exe = NULL;
	_cleanup_free_ char **targets = NULL;
	size_t n = 0;
	char *line, *next;

	if (procfs_read("/proc/self/mountinfo", PROCFS_MAX, &text) < 0)
		return -1;
	cwd = getcwd(NULL, 0);
	exe = realpath("/proc/self/exe", NULL);
	for (line = text; *line; line = next) {
		char *t = line, **nt;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		for (int i = 0; i < 4 && t; i++) {
			t = strchr(t, ' ');
			t = t ? t + 1 : NULL;
		}
		if (!t)
			return -1;
		t[strcspn(t, " ")] = '\0';
		procfs_unescape(t);
		nt = reallocarray(targets, n + 1, sizeof(*targets));
		if (!nt)
			return -1;
		targets = nt;
		targets[n++] = t;
	}
	/* Children first; a detached parent takes its children along. */
	while (n-- > 0) {
		const char *t = targets[n];

		if (strcmp(t, "/") == 0 || path_under(t, "/proc") ||
		    path_under(t, "/dev") || path_under("/tmp", t) ||
		    (cwd && path_under(cwd, t)) || (exe && path_under(exe, t)))
			continue;
		(void)umount2(t, MNT_DETACH); /* EINVAL: gone with a parent */
	}
	return 0;
}

/*
 * Our own mount namespace: private from the host, so nothing we mount is
 * seen there and all of it goes when we exit, then shared within itself,
 * as systemd makes a host's, so that copies made by children's unshare()
 * propagate as they do in production.
 */
static int group_setup(void **state)
{
	if (geteuid() != 0)
		return 0;
	if (unshare(CLONE_NEWNS) < 0 || set_propagation(MS_PRIVATE) < 0 ||
	    detach_unneeded_mounts() < 0 || set_propagation(MS_SHARED) < 0 ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		print_error("cannot set up a mount namespace: %s\n",
			    strerror(errno));
		return -1;
	}
	return 0;
}

static struct fixture *need_root(void **state)
{
	if (geteuid() != 0) {
		print_message("skipped: needs root (mounts a tmpfs, forks "
			      "holders)\n");
		skip();
	}
	return *state;
}

/* In a child: dies with the parent, or now if the parent is gone. */
static void child_init(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
}

static _Noreturn void pause_forever(void)
{
	for (;;)
		pause();
}

/*
 * A child of the current process that only pauses: its pid once it is
 * set to die with its parent, or -1. Used from children, without cmocka.
 */
static pid_t fork_pauser(void)
{
	pid_t parent = getpid(), pid;
	int p[2];
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		child_init(parent);
		if (write(p[1], "", 1) != 1)
			_exit(1);
		pause_forever();
	}
	(void)close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1)
		pid = -1; /* it died */
	(void)close(p[0]);
	return pid;
}

/*
 * What a child does before it reports ready: 0 or -1. It may set *extra
 * to a pid it created, which the test then tracks too.
 */
typedef int (*child_fn)(const struct fixture *f, pid_t *extra);

/* Forks a child that runs fn and pauses; returns once fn has succeeded. */
static pid_t spawn(struct fixture *f, child_fn fn)
{
	_cleanup_close_ int rd = -1;
	pid_t parent = getpid(), pid, extra = 0;
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	if (pid == 0) {
		child_init(parent);
		if (fn(f, &extra) < 0)
			_exit(1);
		if (write(p[1], &extra, sizeof(extra)) != sizeof(extra))
			_exit(1);
		pause_forever();
	}
	rd = p[0];
	(void)close(p[1]);
	assert_true(pid > 0);
	track(f, pid);
	/* EOF instead: fn failed and the child exited. */
	assert_int_equal(read_until(rd, &extra, sizeof(extra),
				    now_ms() + DEADLINE_MS),
			 sizeof(extra));
	if (extra > 0)
		track(f, extra);
	return pid;
}

static void path_in(const struct fixture *f, const char *name, char *buf,
		    size_t size)
{
	snprintf(buf, size, "%s/%s", f->dir, name);
}

/* A page-sized file in the fs, open read-write; -1 on error. */
static int make_file(const struct fixture *f, const char *name)
{
	char path[PATH_MAX];
	int fd;

	path_in(f, name, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && ftruncate(fd, 4096) < 0) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

static int child_cwd(const struct fixture *f, pid_t *extra)
{
	return chdir(f->dir);
}

static int child_fd(const struct fixture *f, pid_t *extra)
{
	return make_file(f, "fd") < 0 ? -1 : 0; /* left open */
}

static int map_file(const struct fixture *f, const char *name, bool unlink_it)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	fd = make_file(f, name);
	if (fd < 0)
		return -1;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	(void)close(fd); /* the mapping alone must hold it */
	if (p == MAP_FAILED)
		return -1;
	path_in(f, name, path, sizeof(path));
	return unlink_it ? unlink(path) : 0;
}

static int child_mmap(const struct fixture *f, pid_t *extra)
{
	return map_file(f, "mmap", false);
}

static int child_mmap_deleted(const struct fixture *f, pid_t *extra)
{
	return map_file(f, "mmap-deleted", true);
}

static int child_root(const struct fixture *f, pid_t *extra)
{
	return chdir(f->dir) < 0 || chroot(".") < 0 ? -1 : 0;
}

static int child_all(const struct fixture *f, pid_t *extra)
{
	if (child_cwd(f, extra) < 0 || child_fd(f, extra) < 0)
		return -1;
	return map_file(f, "all", false);
}

/*
 * A private copy of our mounts, as LXC or `unshare -m --propagation
 * private` make; with a second process in the namespace, a child of the
 * first, which must not be reported.
 */
static int child_private_ns(const struct fixture *f, pid_t *extra)
{
	if (unshare(CLONE_NEWNS) < 0 || set_propagation(MS_PRIVATE) < 0)
		return -1;
	*extra = fork_pauser();
	return *extra > 0 ? 0 : -1;
}

/* A copy in our peer group: our umount removes it too. */
static int child_peer_ns(const struct fixture *f, pid_t *extra)
{
	return unshare(CLONE_NEWNS);
}

/* A slave copy, as systemd's PrivateTmp= services have. */
static int child_slave_ns(const struct fixture *f, pid_t *extra)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	return set_propagation(MS_SLAVE);
}

/* The fd keeps referring to the mount of our namespace. */
static int child_fd_then_private_ns(const struct fixture *f, pid_t *extra)
{
	if (child_fd(f, extra) < 0 || unshare(CLONE_NEWNS) < 0)
		return -1;
	return set_propagation(MS_PRIVATE);
}

/* A name that would break a one-line exit reason. */
static int child_cwd_named(const struct fixture *f, pid_t *extra)
{
	if (prctl(PR_SET_NAME, "evil\nname") < 0)
		return -1;
	return chdir(f->dir);
}

static int child_cwd_aux(const struct fixture *f, pid_t *extra)
{
	return chdir(f->aux);
}

static int child_fuse_root(const struct fixture *f, pid_t *extra)
{
	return chdir(f->aux) < 0 || chroot(".") < 0 ? -1 : 0;
}

static void self_comm(char *buf, size_t size)
{
	_cleanup_close_ int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Exactly one holder of dev, pid, for exactly how. */
static void expect_one(dev_t dev, unsigned flags, pid_t pid, unsigned how,
		       const char *comm)
{
	_cleanup_free_ struct holder *h = NULL;
	int n;

	n = holders_find(dev, NULL, flags, &h);
	assert_int_equal(n, 1);
	assert_non_null(h);
	assert_int_equal(h[0].pid, pid);
	assert_int_equal(h[0].how, how);
	assert_string_equal(h[0].comm, comm);
}

static void expect_none(dev_t dev, unsigned flags)
{
	struct holder *h = (struct holder *)&h; /* must be set to NULL */

	assert_int_equal(holders_find(dev, NULL, flags, &h), 0);
	assert_null(h);
}

/* Each scenario runs in default and in HOLDERS_NO_STAT mode. */
#define BOTH_MODES(name)                               \
	static void test_##name(void **state)          \
	{                                              \
		check_##name(state, 0);                \
	}                                              \
	static void test_##name##_nostat(void **state) \
	{                                              \
		check_##name(state, HOLDERS_NO_STAT);  \
	}

static void check_none(void **state, unsigned flags)
{
	expect_none(need_root(state)->dev, flags);
}
BOTH_MODES(none)

/* No root needed: other processes' EACCES must not fail the scan. */
static void check_unused_dev(void **state, unsigned flags)
{
	struct holder *h = (struct holder *)&h;

	assert_int_equal(holders_find(makedev(0xfff, 0xffff0), NULL, flags, &h),
			 0);
	assert_null(h);
}
BOTH_MODES(unused_dev)

/* We hold it ourselves, as vzfs may through a check: not reported. */
static void check_self(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	_cleanup_close_ int fd = -1;
	void *p;

	fd = make_file(f, "self");
	assert_true(fd >= 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	expect_none(f->dev, flags);
	assert_int_equal(munmap(p, 4096), 0);
}
BOTH_MODES(self)

static void check_cwd(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_cwd);
	expect_one(f->dev, flags, pid, HOLDER_CWD, comm);
}
BOTH_MODES(cwd)

static void check_fd(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_fd);
	expect_one(f->dev, flags, pid, HOLDER_FD, comm);
}
BOTH_MODES(fd)

static void check_mmap(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_mmap);
	expect_one(f->dev, flags, pid, HOLDER_MMAP, comm);
}
BOTH_MODES(mmap)

static void check_mmap_deleted(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_mmap_deleted);
	expect_one(f->dev, flags, pid, HOLDER_MMAP, comm);
}
BOTH_MODES(mmap_deleted)

static void check_root(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_root);
	expect_one(f->dev, flags, pid, HOLDER_ROOT | HOLDER_CWD, comm);
}
BOTH_MODES(root)

static void copy_file(const char *from, const char *to)
{
	_cleanup_close_ int in = -1, out = -1;
	char buf[65536];
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
}

/* A program run from the fs: its exe, and its text mapped. */
static void check_exe(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	_cleanup_close_ int rd = -1;
	char path[PATH_MAX];
	pid_t parent = getpid(), pid;
	int p[2], err = 0;

	path_in(f, "sleep", path, sizeof(path));
	copy_file("/bin/sleep", path);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	if (pid == 0) {
		child_init(parent);
		execl(path, "sleep", "infinity", (char *)NULL);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	rd = p[0];
	(void)close(p[1]);
	assert_true(pid > 0);
	track(f, pid);
	/* The close-on-exec pipe closes once exe points to the new program. */
	assert_int_equal(
		read_until(rd, &err, sizeof(err), now_ms() + DEADLINE_MS), 0);
	expect_one(f->dev, flags, pid, HOLDER_EXE | HOLDER_MMAP, "sleep");
}
BOTH_MODES(exe)

/* A tmpfs mounted on path; its device. */
static dev_t mount_tmpfs(const char *path)
{
	struct stat st;

	assert_int_equal(mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
			       "size=1m"),
			 0);
	assert_int_equal(stat(path, &st), 0);
	return st.st_dev;
}

/* Next to the fs, under a name that starts with its mount point's. */
static void check_sibling(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);

	snprintf(f->aux, sizeof(f->aux), "%s-sibling", f->dir);
	assert_int_equal(mkdir(f->aux, 0700), 0);
	f->aux_made = true;
	(void)spawn(f, child_cwd_aux);
	expect_none(f->dev, flags);
}
BOTH_MODES(sibling)

/* Mounted over: the path now leads into the upper fs, not into ours. */
static void check_overmounted(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	dev_t upper;
	pid_t pid;

	self_comm(comm, sizeof(comm));
	upper = mount_tmpfs(f->dir);
	pid = spawn(f, child_cwd);
	expect_none(f->dev, flags);
	expect_one(upper, flags, pid, HOLDER_CWD, comm);
}
BOTH_MODES(overmounted)

/* A mount point that mountinfo escapes (\040, \011, \134). */
static void check_escaped(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	dev_t dev;
	pid_t pid;

	self_comm(comm, sizeof(comm));
	snprintf(f->aux, sizeof(f->aux), "%s/a b\tc\\d", f->dir);
	assert_int_equal(mkdir(f->aux, 0700), 0);
	dev = mount_tmpfs(f->aux);
	pid = spawn(f, child_cwd_aux);
	expect_one(dev, flags, pid, HOLDER_CWD, comm);
}
BOTH_MODES(escaped)

static void test_comm_newline(void **state)
{
	struct fixture *f = need_root(state);
	pid_t pid;

	pid = spawn(f, child_cwd_named);
	expect_one(f->dev, 0, pid, HOLDER_CWD, "evil?name");
}

/* One entry per process, all its reasons, sorted by pid. */
static void check_merged_sorted(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	_cleanup_free_ struct holder *h = NULL;
	pid_t a, b, c;
	int n;

	a = spawn(f, child_cwd);
	b = spawn(f, child_all);
	c = spawn(f, child_fd);
	n = holders_find(f->dev, NULL, flags, &h);
	assert_int_equal(n, 3);
	for (int i = 1; i < n; i++)
		assert_true(h[i - 1].pid < h[i].pid);
	for (int i = 0; i < n; i++) {
		if (h[i].pid == a)
			assert_int_equal(h[i].how, HOLDER_CWD);
		else if (h[i].pid == b)
			assert_int_equal(h[i].how,
					 HOLDER_CWD | HOLDER_FD | HOLDER_MMAP);
		else if (h[i].pid == c)
			assert_int_equal(h[i].how, HOLDER_FD);
		else
			fail_msg("unexpected holder %d", (int)h[i].pid);
	}
}
BOTH_MODES(merged_sorted)

/*
 * A private copy keeps the fs alive after our umount: its namespace is
 * reported once, by its first process, before and after our umount.
 */
static void check_mountns_private(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_private_ns);
	assert_int_equal(f->n_pids, 2); /* and its child, not reported */
	expect_one(f->dev, flags, pid, HOLDER_MOUNTNS, comm);

	assert_int_equal(umount2(f->dir, 0), 0);
	f->mounted = false;
	expect_one(f->dev, flags, pid, HOLDER_MOUNTNS, comm);
}
BOTH_MODES(mountns_private)

/* Whether /proc/<pid>/mountinfo has a mount of dev. */
static bool ns_has_dev(pid_t pid, dev_t dev)
{
	char path[64], text[65536], needle[32];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	assert_true(n > 0 && (size_t)n < sizeof(text) - 1);
	text[n] = '\0';
	snprintf(needle, sizeof(needle), " %u:%u ", major(dev), minor(dev));
	return strstr(text, needle) != NULL;
}

/*
 * Peer and slave copies go away with our umount (systemd services with
 * private /tmp have such copies of every mount): not holders. The second
 * half checks that premise on the kernel.
 */
static void check_mountns_propagated(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	pid_t peer, slave;

	peer = spawn(f, child_peer_ns);
	slave = spawn(f, child_slave_ns);
	assert_true(ns_has_dev(peer, f->dev));
	assert_true(ns_has_dev(slave, f->dev));
	expect_none(f->dev, flags);

	assert_int_equal(umount2(f->dir, 0), 0);
	f->mounted = false;
	assert_false(ns_has_dev(peer, f->dev));
	assert_false(ns_has_dev(slave, f->dev));
	expect_none(f->dev, flags);
}
BOTH_MODES(mountns_propagated)

/*
 * An fd opened before unshare() refers to a mount of our namespace, not
 * of the child's: in NO_STAT mode its mnt_id is not in the child's
 * mountinfo.
 */
static void check_fd_across_ns(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	char comm[32];
	pid_t pid;

	self_comm(comm, sizeof(comm));
	pid = spawn(f, child_fd_then_private_ns);
	expect_one(f->dev, flags, pid, HOLDER_FD | HOLDER_MOUNTNS, comm);
}
BOTH_MODES(fd_across_ns)

/* A zombie has given up its cwd: nothing to report, and no error. */
static void check_zombie(void **state, unsigned flags)
{
	struct fixture *f = need_root(state);
	pid_t parent = getpid(), pid;
	siginfo_t si;

	pid = fork();
	if (pid == 0) {
		child_init(parent);
		_exit(chdir(f->dir) < 0);
	}
	assert_true(pid > 0);
	track(f, pid);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_status, 0);
	expect_none(f->dev, flags);
}
BOTH_MODES(zombie)

/*
 * A FUSE server on /dev/fuse, enough for a directory to chdir into: INIT,
 * GETATTR of the root, ACCESS. After a byte on ctl it answers nothing
 * more and writes each request's opcode to note instead: a hung
 * filesystem, as a dead NFS server or SAN path looks.
 */
static void fuse_reply(int fd, uint64_t unique, int error, const void *body,
		       size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header oh = {
		.len = (uint32_t)(sizeof(oh) + len),
		.error = error,
		.unique = unique,
	};

	memcpy(buf, &oh, sizeof(oh));
	if (len > 0)
		memcpy(buf + sizeof(oh), body, len);
	(void)!write(fd, buf, oh.len); /* nobody to tell */
}

static _Noreturn void fuse_serve(int fd, int ctl, int note)
{
	static char buf[64 * 1024];
	bool hung = false;

	for (;;) {
		struct pollfd p[2] = { { .fd = ctl, .events = POLLIN },
				       { .fd = fd, .events = POLLIN } };
		struct fuse_in_header *in = (void *)buf;
		uint32_t op, msg[2];
		ssize_t n;
		char c;

		if (poll(p, 2, -1) < 0)
			_exit(errno == EINTR ? 0 : 1);
		if (p[0].revents) {
			msg[0] = FUSE_ACK;
			msg[1] = 0;
			if (read(ctl, &c, 1) != 1 ||
			    write(note, msg, sizeof(msg)) != sizeof(msg))
				_exit(1);
			hung = true;
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue; /* ENOENT: the request was interrupted */
		if (n < (ssize_t)sizeof(*in))
			_exit(n < 0 && errno == ENODEV ? 0 : 1);
		op = in->opcode;
		if (hung) {
			msg[0] = op;
			msg[1] = in->pid;
			if (write(note, msg, sizeof(msg)) != sizeof(msg))
				_exit(1);
			continue;
		}
		if (op == FUSE_INIT) {
			const struct fuse_init_in *ii = (void *)(in + 1);
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead,
				.max_write = 4096,
				.time_gran = 1,
			};

			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
		} else if (op == FUSE_GETATTR) {
			/* attr_valid 0: every stat() asks us again */
			struct fuse_attr_out o = {
				.attr = { .ino = FUSE_ROOT_ID,
					  .mode = S_IFDIR | 0755,
					  .nlink = 2,
					  .blksize = 4096 },
			};

			fuse_reply(fd, in->unique, 0, &o, sizeof(o));
		} else if (op == FUSE_ACCESS) {
			fuse_reply(fd, in->unique, 0, NULL, 0);
		} else if (op != FUSE_FORGET && op != FUSE_BATCH_FORGET &&
			   op != FUSE_INTERRUPT) {
			fuse_reply(fd, in->unique, -ENOSYS, NULL, 0);
		}
	}
}

struct worker {
	pid_t pid;
	int fd;
};

/* holders_find() in a child, so that the test survives it hanging. */
static void worker_start(struct fixture *f, dev_t dev, unsigned flags,
			 struct worker *w)
{
	pid_t parent = getpid();
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	w->pid = fork();
	if (w->pid == 0) {
		struct holder *h = NULL;
		int n;

		child_init(parent);
		n = holders_find(dev, NULL, flags, &h);
		if (write(p[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		if (n > 0 && write(p[1], h, (size_t)n * sizeof(*h)) < 0)
			_exit(1);
		free(h);
		_exit(0);
	}
	w->fd = p[0];
	(void)close(p[1]);
	assert_true(w->pid > 0);
	track(f, w->pid);
}

/* The worker's answer; false when it has none by the deadline. */
static bool worker_result(struct fixture *f, struct worker *w, int *ret_n,
			  struct holder *h, size_t max)
{
	_cleanup_close_ int fd = w->fd;
	char buf[sizeof(int) + 8 * sizeof(*h)];
	size_t count;
	ssize_t len;

	assert_true(max <= 8);
	len = read_until(fd, buf, sizeof(buf), now_ms() + DEADLINE_MS);
	reap(f, w->pid);
	if (len < (ssize_t)sizeof(int))
		return false;
	memcpy(ret_n, buf, sizeof(int));
	assert_true(*ret_n <= (int)max);
	count = *ret_n > 0 ? (size_t)*ret_n : 0;
	assert_int_equal(len, sizeof(int) + count * sizeof(*h));
	memcpy(h, buf + sizeof(int), count * sizeof(*h));
	return true;
}

/*
 * The opcode of the next request our FUSE server noted (and the pid that
 * made it), or -1 after the deadline.
 */
static int64_t fuse_note(int fd, int64_t deadline, pid_t *ret_pid)
{
	uint32_t msg[2];

	if (read_until(fd, msg, sizeof(msg), deadline) != sizeof(msg))
		return -1;
	if (ret_pid)
		*ret_pid = (pid_t)msg[1];
	return msg[0];
}

/*
 * NO_STAT mode must finish on a hung filesystem and still name the
 * process in it; default mode stat()s into it, which we see as a GETATTR
 * the server never answers (killing the server then aborts the
 * connection and releases the stat()). Requests are told apart by pid:
 * while the server hangs, anything on the host that stats every
 * process's cwd (fuser, lsof, a vzfs in default mode) blocks on it too,
 * until the server dies a few milliseconds later.
 */
static void test_hung_fuse(void **state)
{
	struct fixture *f = need_root(state);
	_cleanup_close_ int dev_fuse = -1, ctl = -1, note = -1;
	struct holder h[8];
	char opts[128];
	struct worker w;
	struct stat st;
	pid_t parent = getpid(), server, pid, by;
	int cp[2], np[2], n;
	int64_t op;

	snprintf(f->aux, sizeof(f->aux), "%s/fuse", f->dir);
	assert_int_equal(mkdir(f->aux, 0755), 0);
	dev_fuse = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (dev_fuse < 0) {
		print_message("skipped: no /dev/fuse: %s\n", strerror(errno));
		skip();
	}
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0", dev_fuse);
	if (mount("vzha-test", f->aux, "fuse", MS_NOSUID | MS_NODEV, opts) <
	    0) {
		print_message("skipped: cannot mount FUSE: %s\n",
			      strerror(errno));
		skip();
	}
	assert_int_equal(pipe2(cp, O_CLOEXEC), 0);
	assert_int_equal(pipe2(np, O_CLOEXEC), 0);
	server = fork();
	if (server == 0) {
		child_init(parent);
		fuse_serve(dev_fuse, cp[0], np[1]);
	}
	(void)close(cp[0]);
	(void)close(np[1]);
	ctl = cp[1];
	note = np[0];
	assert_true(server > 0);
	track(f, server);
	/* Only the server may hold the device: its death aborts the mount. */
	(void)close(TAKE_FD(dev_fuse));

	assert_int_equal(stat(f->aux, &st), 0);
	pid = spawn(f, child_fuse_root);
	assert_int_equal(write(ctl, "h", 1), 1);
	assert_int_equal(fuse_note(note, now_ms() + DEADLINE_MS, NULL),
			 FUSE_ACK);

	worker_start(f, st.st_dev, HOLDERS_NO_STAT, &w);
	if (!worker_result(f, &w, &n, h, ELEMENTSOF(h)))
		fail_msg("NO_STAT holders_find blocked on a hung filesystem");
	assert_int_equal(n, 1);
	assert_int_equal(h[0].pid, pid);
	assert_int_equal(h[0].how, HOLDER_CWD | HOLDER_ROOT);
	/* Scanners elsewhere on the host (fuser, a vzfs) may stat it too. */
	while ((op = fuse_note(note, now_ms(), &by)) >= 0)
		if (by == w.pid)
			fail_msg("NO_STAT holders_find made FUSE request %d",
				 (int)op);

	worker_start(f, st.st_dev, 0, &w);
	do
		op = fuse_note(note, now_ms() + DEADLINE_MS, &by);
	while (op >= 0 && (op != FUSE_GETATTR || by != w.pid));
	assert_int_equal(op, FUSE_GETATTR);
	reap(f, server);
	/* The stat()s now fail (ENOTCONN): that is not an error. */
	assert_true(worker_result(f, &w, &n, h, ELEMENTSOF(h)));
	assert_int_equal(n, 0);
}

static void test_format(void **state)
{
	const struct holder h[] = {
		{ 99, HOLDER_MOUNTNS, "bash" },
		{ 1234, HOLDER_CWD | HOLDER_FD, "postgres" },
		{ 5,
		  HOLDER_CWD | HOLDER_ROOT | HOLDER_EXE | HOLDER_FD |
			  HOLDER_MMAP | HOLDER_MOUNTNS,
		  "everything" },
	};
	char buf[256];

	holders_format(h, 2, buf, sizeof(buf));
	assert_string_equal(buf, "99 (bash: mountns), 1234 (postgres: cwd,fd)");
	holders_format(h + 2, 1, buf, sizeof(buf));
	assert_string_equal(buf,
			    "5 (everything: cwd,root,exe,fd,mmap,mountns)");
	holders_format(h, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_format_truncated(void **state)
{
	const struct holder h[] = {
		{ 1, HOLDER_CWD, "a" },
		{ 2, HOLDER_FD, "b" },
		{ 3, HOLDER_MMAP, "c" },
	};
	/* "1 (a: cwd), 2 (b: fd), 3 (c: mmap)" is 34 characters */
	char buf[64];

	holders_format(h, 3, buf, 35);
	assert_string_equal(buf, "1 (a: cwd), 2 (b: fd), 3 (c: mmap)");
	holders_format(h, 3, buf, 34);
	assert_string_equal(buf, "1 (a: cwd), ... and 2 more");
	holders_format(h, 3, buf, 27);
	assert_string_equal(buf, "1 (a: cwd), ... and 2 more");
	holders_format(h, 3, buf, 26);
	assert_string_equal(buf, "... and 3 more");
	holders_format(h, 3, buf, 15);
	assert_string_equal(buf, "... and 3 more");
	holders_format(h, 3, buf, 14); /* too small for the count */
	assert_string_equal(buf, "...");
	holders_format(h, 3, buf, 4);
	assert_string_equal(buf, "...");
}

static void test_format_tiny(void **state)
{
	const struct holder h[] = { { 1, HOLDER_CWD, "a" } };
	char buf[4] = "xyz";

	holders_format(h, 1, buf, 0);
	assert_string_equal(buf, "xyz"); /* nothing may be written */
	holders_format(h, 1, buf, 1);
	assert_string_equal(buf, "");
	holders_format(h, 1, buf, 3);
	assert_string_equal(buf, "..");
}

#define TEST_BOTH(name)                                                      \
	cmocka_unit_test_setup_teardown(test_##name, setup, teardown),       \
		cmocka_unit_test_setup_teardown(test_##name##_nostat, setup, \
						teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncated),
		cmocka_unit_test(test_format_tiny),
		cmocka_unit_test(test_unused_dev),
		cmocka_unit_test(test_unused_dev_nostat),
		TEST_BOTH(none),
		TEST_BOTH(self),
		TEST_BOTH(cwd),
		TEST_BOTH(fd),
		TEST_BOTH(mmap),
		TEST_BOTH(mmap_deleted),
		TEST_BOTH(root),
		TEST_BOTH(exe),
		TEST_BOTH(sibling),
		TEST_BOTH(overmounted),
		TEST_BOTH(escaped),
		TEST_BOTH(merged_sorted),
		cmocka_unit_test_setup_teardown(test_comm_newline, setup,
						teardown),
		TEST_BOTH(mountns_private),
		TEST_BOTH(mountns_propagated),
		TEST_BOTH(fd_across_ns),
		TEST_BOTH(zombie),
		cmocka_unit_test_setup_teardown(test_hung_fuse, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
