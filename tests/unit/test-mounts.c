/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/mounts.c: the mount table read from fixtures (see
 * tests/fixtures/mountinfo/PROVENANCE), path canonicalisation in a temp
 * directory (mountinfo_canonical_dir(), in common/mountinfo.c), device
 * resolution (a loop device when root), and the kernel's filesystem list.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "mountinfo.h"
#include "mounts.h"

#define SYNTHETIC FIXTURES "/mountinfo/synthetic-escapes.mountinfo"
#define REAL_HOST FIXTURES "/mountinfo/real-host.mountinfo"

DEFINE_CLEANUP(char *, mounts_strv_free)
#define _cleanup_strv_ _cleanup_(mounts_strv_freep)

/* ------------------------------------------------------ mount table */

static struct libmnt_table *load(const char *path)
{
	struct libmnt_table *tab = NULL;

	assert_int_equal(mounts_load(path, &tab), 0);
	assert_non_null(tab);
	return tab;
}

static void test_load_synthetic(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);

	assert_int_equal(mnt_table_get_nents(tab), 12);
}

static void test_load_missing(void **state)
{
	struct libmnt_table *tab = (struct libmnt_table *)state; /* sentinel */
	int r;

	r = mounts_load(FIXTURES "/mountinfo/no-such-file", &tab);
	assert_true(r < 0);
	assert_ptr_equal(tab, (struct libmnt_table *)state);
}

static void test_load_self(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(NULL);
	struct libmnt_fs *fs = NULL;

	assert_int_equal(mounts_find_target(tab, "/", &fs), 1);
	assert_non_null(fs);
	assert_int_equal(mounts_find_target(tab, "/proc", &fs), 1);
	assert_string_equal(mnt_fs_get_fstype(fs), "proc");
}

static void test_find_target_escaped(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	struct libmnt_fs *fs = NULL;

	assert_int_equal(mounts_find_target(tab, "/Data/my db", &fs), 1);
	assert_non_null(fs);
	assert_string_equal(mnt_fs_get_target(fs), "/Data/my db");
	assert_true(mnt_fs_get_devno(fs) == makedev(147, 2));
	assert_string_equal(mnt_fs_get_source(fs), "/dev/drbd2");
	assert_string_equal(mnt_fs_get_fstype(fs), "xfs");
	/* matched decoded: the escaped spelling is not a mount point */
	fs = NULL;
	assert_int_equal(mounts_find_target(tab, "/Data/my\\040db", &fs), 0);
	assert_null(fs);
}

static void test_find_target_plain(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	struct libmnt_fs *fs = NULL;

	assert_int_equal(mounts_find_target(tab, "/Data/db", &fs), 1);
	assert_true(mnt_fs_get_devno(fs) == makedev(147, 0));
	assert_int_equal(mounts_find_target(tab, "/Data/dbx", &fs), 1);
	assert_true(mnt_fs_get_devno(fs) == makedev(147, 1));
	assert_int_equal(mounts_find_target(tab, "/", &fs), 1);
	assert_true(mnt_fs_get_devno(fs) == makedev(254, 1));
}

static void test_find_target_stacked(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	struct libmnt_fs *fs = NULL;

	/* two mounts at /Data/stack: the later one is on top */
	assert_int_equal(mounts_find_target(tab, "/Data/stack", &fs), 1);
	assert_true(mnt_fs_get_devno(fs) == makedev(253, 1));
	assert_string_equal(mnt_fs_get_source(fs), "/dev/mapper/vg-upper");
	assert_int_equal(mnt_fs_get_id(fs), 37);
}

static void test_find_target_not_found(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	struct libmnt_fs *fs = (struct libmnt_fs *)state; /* sentinel */

	assert_int_equal(mounts_find_target(tab, "/Data/none", &fs), 0);
	/* strings, not prefixes, and no slash games */
	assert_int_equal(mounts_find_target(tab, "/Data/d", &fs), 0);
	assert_int_equal(mounts_find_target(tab, "/Data/db/", &fs), 0);
	assert_int_equal(mounts_find_target(tab, "/data/db", &fs), 0);
	assert_int_equal(mounts_find_target(tab, "", &fs), 0);
	assert_ptr_equal(fs, (struct libmnt_fs *)state);
}

static void test_find_devno(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	struct libmnt_fs *fs = NULL;

	/* 147:0 is mounted twice: the first entry, not the bind below it */
	assert_int_equal(mounts_find_devno(tab, makedev(147, 0), &fs), 1);
	assert_string_equal(mnt_fs_get_target(fs), "/Data/db");
	assert_int_equal(mounts_find_devno(tab, makedev(147, 2), &fs), 1);
	assert_string_equal(mnt_fs_get_target(fs), "/Data/my db");
	assert_int_equal(mounts_find_devno(tab, makedev(253, 0), &fs), 1);
	assert_string_equal(mnt_fs_get_source(fs), "/dev/mapper/vg-lower");
	assert_int_equal(mounts_find_devno(tab, makedev(7, 0), &fs), 1);
	assert_string_equal(mnt_fs_get_target(fs), "/Data/db/vm");

	fs = (struct libmnt_fs *)state;
	assert_int_equal(mounts_find_devno(tab, makedev(9, 9), &fs), 0);
	assert_int_equal(mounts_find_devno(tab, makedev(147, 3), &fs), 0);
	assert_ptr_equal(fs, (struct libmnt_fs *)state);
}

static void test_submounts(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	_cleanup_strv_ char **v = NULL;

	/* deepest (last mounted) first; /Data/dbx is a sibling, not below */
	assert_int_equal(mounts_submounts(tab, "/Data/db", &v), 2);
	assert_string_equal(v[0], "/Data/db/vm/proc");
	assert_string_equal(v[1], "/Data/db/vm");
	assert_null(v[2]);
}

static void test_submounts_of_parent(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	_cleanup_strv_ char **v = NULL;
	static const char *const want[] = {
		"/Data/stack", "/Data/stack", "/Data/my db", "/Data/dbx",
		"/Data/db/vm/proc", "/Data/db/vm", "/Data/db",
	};

	assert_int_equal(mounts_submounts(tab, "/Data", &v), 7);
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[7]);
}

static void test_submounts_none(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	_cleanup_strv_ char **v = NULL, **w = NULL;

	assert_int_equal(mounts_submounts(tab, "/Data/db/vm/proc", &v), 0);
	assert_non_null(v);
	assert_null(v[0]);
	assert_int_equal(mounts_submounts(tab, "/Data/dbx", &w), 0);
	assert_null(w[0]);
}

static void test_submounts_root(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(SYNTHETIC);
	_cleanup_strv_ char **v = NULL;

	/* everything but / itself */
	assert_int_equal(mounts_submounts(tab, "/", &v), 11);
	assert_string_equal(v[0], "/srv/export");
	assert_string_equal(v[10], "/proc");
	assert_null(v[11]);
}

static void test_real_host(void **state)
{
	_cleanup_mnt_table_ struct libmnt_table *tab = load(REAL_HOST);
	_cleanup_strv_ char **v = NULL, **cg = NULL;
	struct libmnt_fs *fs = NULL;

	assert_int_equal(mnt_table_get_nents(tab), 21);
	assert_int_equal(mounts_find_target(tab, "/", &fs), 1);
	assert_true(mnt_fs_get_devno(fs) == makedev(254, 0));
	assert_string_equal(mnt_fs_get_fstype(fs), "ext4");
	assert_string_equal(mnt_fs_get_source(fs), "/dev/vda");
	/* /dev/pts is mounted twice there: the later one (id 29) is on top */
	assert_int_equal(mounts_find_target(tab, "/dev/pts", &fs), 1);
	assert_int_equal(mnt_fs_get_id(fs), 29);
	assert_true(mnt_fs_get_devno(fs) == makedev(0, 26));
	assert_int_equal(mounts_find_devno(tab, makedev(7, 0), &fs), 1);
	assert_string_equal(mnt_fs_get_target(fs),
			    "/tmp/vzha-test.coSS0g/Data/db");

	assert_int_equal(mounts_submounts(tab, "/dev", &v), 4);
	assert_string_equal(v[0], "/dev/shm");
	assert_string_equal(v[1], "/dev/pts");
	assert_string_equal(v[2], "/dev/pts");
	assert_string_equal(v[3], "/dev/shm");
	assert_int_equal(mounts_submounts(tab, "/sys/fs/cgroup", &cg), 10);
	assert_string_equal(cg[0], "/sys/fs/cgroup/unified");
	assert_string_equal(cg[9], "/sys/fs/cgroup/cpu");
}

/* ------------------------------------------------ canonical paths */

struct tmpdir {
	char dir[64];
	char real[PATH_MAX]; /* realpath(dir): /tmp may itself be a link */
	char loop[64];       /* a loop device to detach, or "" */
	char image[128];     /* its backing file, or "" */
};

static int tmp_setup(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/test-mounts.XXXXXX");
	if (!mkdtemp(t->dir) || !realpath(t->dir, t->real)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static void run_quiet(const char *const argv[]);

static int tmp_teardown(void **state)
{
	struct tmpdir *t = *state;
	char path[256];
	static const char *const names[] = { "link/sub", "rel", "link",
					     "real/sub", "real", "file" };

	/* always detach what the test attached, even after a failure */
	if (t->loop[0]) {
		const char *argv[] = { "losetup", "-d", t->loop, NULL };

		run_quiet(argv);
	}
	if (t->image[0])
		(void)unlink(t->image);
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, names[i]);
		if (unlink(path) < 0)
			(void)rmdir(path);
	}
	(void)rmdir(t->dir);
	free(t);
	return 0;
}

static void check_canonical(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;

	assert_int_equal(mountinfo_canonical_dir(in, &out), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
}

static void test_canonical_lexical(void **state)
{
	struct tmpdir *t = *state;
	char in[PATH_MAX], want[PATH_MAX + 64];

	/* the "/tmp//x/../y/" shape, in a directory we own */
	snprintf(in, sizeof(in), "%s//x/../y/", t->dir);
	snprintf(want, sizeof(want), "%s/y", t->real);
	check_canonical(in, want);

	snprintf(in, sizeof(in), "%s/./a//b/./c/", t->dir);
	snprintf(want, sizeof(want), "%s/a/b/c", t->real);
	check_canonical(in, want);

	snprintf(in, sizeof(in), "%s/a/b/../../c", t->dir);
	snprintf(want, sizeof(want), "%s/c", t->real);
	check_canonical(in, want);

	/* existing: realpath() alone */
	snprintf(in, sizeof(in), "%s/", t->dir);
	check_canonical(in, t->real);

	check_canonical("/", "/");
	check_canonical("//", "/");
	check_canonical("/..", "/");
	check_canonical("/../..", "/");
	check_canonical("/no-such-dir-vzha/../../x", "/x");
	check_canonical("/no-such-dir-vzha/..", "/");
	check_canonical("/no-such-dir-vzha/a/../..", "/");
	check_canonical("/no-such-dir-vzha/a/./b//", "/no-such-dir-vzha/a/b");
}

static void test_canonical_symlink(void **state)
{
	struct tmpdir *t = *state;
	char path[PATH_MAX], target[PATH_MAX], want[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/real", t->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/real/sub", t->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	/* absolute link to real/sub, relative link to real */
	snprintf(target, sizeof(target), "%s/real/sub", t->dir);
	snprintf(path, sizeof(path), "%s/link", t->dir);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/rel", t->dir);
	assert_int_equal(symlink("real", path), 0);

	snprintf(path, sizeof(path), "%s/link", t->dir);
	snprintf(want, sizeof(want), "%s/real/sub", t->real);
	check_canonical(path, want);

	snprintf(path, sizeof(path), "%s/rel/", t->dir);
	snprintf(want, sizeof(want), "%s/real", t->real);
	check_canonical(path, want);

	/* a link in the existing prefix, a missing tail after it */
	snprintf(path, sizeof(path), "%s/link/new/./deeper//", t->dir);
	snprintf(want, sizeof(want), "%s/real/sub/new/deeper", t->real);
	check_canonical(path, want);

	/* ".." after a link goes up from where the link points */
	snprintf(path, sizeof(path), "%s/link/../missing", t->dir);
	snprintf(want, sizeof(want), "%s/real/missing", t->real);
	check_canonical(path, want);
}

static void test_canonical_invalid(void **state)
{
	char *out = (char *)"untouched";

	assert_int_equal(mountinfo_canonical_dir("relative/dir", &out), -EINVAL);
	assert_int_equal(mountinfo_canonical_dir("./x", &out), -EINVAL);
	assert_int_equal(mountinfo_canonical_dir("", &out), -EINVAL);
	assert_int_equal(mountinfo_canonical_dir(NULL, &out), -EINVAL);
	assert_string_equal(out, "untouched");
}

/* ------------------------------------------------------------ devices */

static void test_is_tag(void **state)
{
	assert_int_equal(mounts_is_tag("LABEL=data"), 1);
	assert_int_equal(mounts_is_tag("UUID=0a1b2c3d-4e5f"), 1);
	assert_int_equal(mounts_is_tag("PARTLABEL=vz"), 1);
	assert_int_equal(mounts_is_tag("PARTUUID=1234-01"), 1);
	assert_int_equal(mounts_is_tag("/dev/drbd0"), 0);
	assert_int_equal(mounts_is_tag("/dev/disk/by-label/LABEL=x"), 0);
	assert_int_equal(mounts_is_tag("label=data"), 0);
	assert_int_equal(mounts_is_tag("LABEL"), 0);
	assert_int_equal(mounts_is_tag("ID=x"), 0);
	assert_int_equal(mounts_is_tag(""), 0);
}

static void test_resolve_not_block(void **state)
{
	char *path = (char *)"untouched";
	dev_t dev = makedev(1, 2);

	assert_int_equal(mounts_resolve_device("/dev/null", &path, &dev),
			 -ENOTBLK);
	assert_int_equal(mounts_resolve_device("/tmp", &path, &dev), -ENOTBLK);
	assert_string_equal(path, "untouched");
	assert_true(dev == makedev(1, 2));
}

static void test_resolve_missing(void **state)
{
	struct tmpdir *t = *state;
	char missing[256];
	char *path = (char *)"untouched";
	dev_t dev = makedev(1, 2);

	snprintf(missing, sizeof(missing), "%s/no-such-device", t->dir);
	assert_int_equal(mounts_resolve_device(missing, &path, &dev), -ENOENT);
	assert_string_equal(path, "untouched");
	assert_true(dev == makedev(1, 2));
}

static const char *find_tool(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin",
					    "/bin" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/*
 * Runs argv[0] (found in the sbin/bin directories), stdout to out (at
 * most size-1 bytes, newline stripped) when out is not NULL. Returns the
 * exit status, or -1.
 */
static int run_tool(const char *const argv[], char *out, size_t size)
{
	char tool[64];
	int pfd[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	if (!find_tool(argv[0], tool, sizeof(tool)))
		return -1;
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(pfd[1], STDOUT_FILENO) < 0 ||
		    dup2(null, STDIN_FILENO) < 0)
			_exit(127);
		execv(tool, (char *const *)argv);
		_exit(127);
	}
	(void)close(pfd[1]);
	while (out && (size_t)len < size - 1 &&
	       (n = read(pfd[0], out + len, size - 1 - (size_t)len)) > 0)
		len += n;
	(void)close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (out) {
		out[len] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run_quiet(const char *const argv[])
{
	(void)run_tool(argv, NULL, 0); /* teardown: nothing else to do */
}

/* A sparse 16 MiB file of zeros (no filesystem signature). */
static void make_image(struct tmpdir *t)
{
	int fd;

	snprintf(t->image, sizeof(t->image), "%s/file", t->dir);
	fd = open(t->image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 * 1024 * 1024), 0);
	assert_int_equal(close(fd), 0);
}

static void test_resolve_loop(void **state)
{
	struct tmpdir *t = *state;
	_cleanup_free_ char *path = NULL;
	struct stat st;
	dev_t dev = 0;
	char tool[64];

	if (geteuid() != 0) {
		print_message("# SKIP test_resolve_loop: needs root "
			      "(losetup)\n");
		skip();
	}
	if (access("/dev/loop-control", F_OK) != 0 ||
	    !find_tool("losetup", tool, sizeof(tool))) {
		print_message("# SKIP test_resolve_loop: no /dev/loop-control "
			      "or no losetup\n");
		skip();
	}
	make_image(t);
	{
		const char *argv[] = { "losetup", "-f", "--show", t->image,
				       NULL };

		assert_int_equal(run_tool(argv, t->loop, sizeof(t->loop)), 0);
	}
	assert_int_equal(strncmp(t->loop, "/dev/loop", 9), 0);
	assert_int_equal(stat(t->loop, &st), 0);

	assert_int_equal(mounts_resolve_device(t->loop, &path, &dev), 0);
	assert_string_equal(path, t->loop);
	assert_true(dev == st.st_rdev);
	assert_int_equal(major(dev), 7);
	/* outputs are optional */
	assert_int_equal(mounts_resolve_device(t->loop, NULL, NULL), 0);
}

static void test_probe_fstype(void **state)
{
	struct tmpdir *t = *state;
	_cleanup_free_ char *type = NULL;
	char *untouched = (char *)"untouched";
	char missing[256];

	/* blkid reads regular files as well as devices */
	make_image(t);
	assert_int_equal(mounts_probe_fstype(t->image, &untouched), -ENODATA);
	snprintf(missing, sizeof(missing), "%s/no-such-image", t->dir);
	assert_true(mounts_probe_fstype(missing, &untouched) < 0);
	assert_string_equal(untouched, "untouched");

	{
		const char *argv[] = { "mkfs.ext4", "-q", "-F", t->image,
				       NULL };
		char tool[64];

		if (!find_tool("mkfs.ext4", tool, sizeof(tool))) {
			print_message("# mkfs.ext4 not found: ext4 probe "
				      "not tested\n");
			return;
		}
		assert_int_equal(run_tool(argv, NULL, 0), 0);
	}
	assert_int_equal(mounts_probe_fstype(t->image, &type), 0);
	assert_string_equal(type, "ext4");
}

static void test_kernel_has_fstype(void **state)
{
	assert_int_equal(mounts_kernel_has_fstype("proc"), 1);
	assert_int_equal(mounts_kernel_has_fstype("sysfs"), 1);
	assert_int_equal(mounts_kernel_has_fstype("nosuchfs"), 0);
	/* whole names only */
	assert_int_equal(mounts_kernel_has_fstype("pro"), 0);
	assert_int_equal(mounts_kernel_has_fstype("procx"), 0);
	assert_int_equal(mounts_kernel_has_fstype("nodev"), 0);
	assert_int_equal(mounts_kernel_has_fstype(""), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tmp_setup, tmp_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_synthetic),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_self),
		cmocka_unit_test(test_find_target_escaped),
		cmocka_unit_test(test_find_target_plain),
		cmocka_unit_test(test_find_target_stacked),
		cmocka_unit_test(test_find_target_not_found),
		cmocka_unit_test(test_find_devno),
		cmocka_unit_test(test_submounts),
		cmocka_unit_test(test_submounts_of_parent),
		cmocka_unit_test(test_submounts_none),
		cmocka_unit_test(test_submounts_root),
		cmocka_unit_test(test_real_host),
		T(test_canonical_lexical),
		T(test_canonical_symlink),
		cmocka_unit_test(test_canonical_invalid),
		cmocka_unit_test(test_is_tag),
		cmocka_unit_test(test_resolve_not_block),
		T(test_resolve_missing),
		T(test_resolve_loop),
		T(test_probe_fstype),
		cmocka_unit_test(test_kernel_has_fstype),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
