/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/mountinfo.c: our own mountinfo reader, on the fixtures of
 * tests/fixtures/mountinfo (see PROVENANCE), on malformed lines, and
 * against libmount's reading of the same files, entry by entry (libmount
 * is linked into this test only, as the reference).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>
#include <libmount/libmount.h>

#include "cleanup.h"
#include "mountinfo.h"
#include "procfs.h"

#define SYNTHETIC FIXTURES "/mountinfo/synthetic-escapes.mountinfo"
#define REAL_HOST FIXTURES "/mountinfo/real-host.mountinfo"

static void load(const char *path, struct mountinfo *mi)
{
	assert_int_equal(mountinfo_read(path, mi), 0);
	assert_non_null(mi->text);
}

static void test_parse_synthetic(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	const struct mountinfo_entry *e;

	load(SYNTHETIC, &mi);
	assert_int_equal(mi.n, 12);
	e = &mi.v[0];
	assert_int_equal(e->id, 21);
	assert_true(e->devno == makedev(254, 1));
	assert_string_equal(e->target, "/");
	assert_string_equal(e->fstype, "ext4");
	assert_string_equal(e->source, "/dev/vda1");
	assert_int_equal(e->shared, 1);
	assert_int_equal(e->master, 0);
	e = &mi.v[8];
	assert_string_equal(e->target, "/Data/my db"); /* \040 decoded */
	assert_string_equal(e->fstype, "xfs");
	assert_string_equal(e->source, "/dev/drbd2");
	assert_int_equal(e->shared, 15);
}

static void test_at(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	const struct mountinfo_entry *e;

	load(SYNTHETIC, &mi);
	e = mountinfo_at(&mi, "/Data/db");
	assert_non_null(e);
	assert_true(e->devno == makedev(147, 0));
	e = mountinfo_at(&mi, "/Data/my db");
	assert_non_null(e);
	assert_true(e->devno == makedev(147, 2));
	/* stacked: the later entry is on top */
	e = mountinfo_at(&mi, "/Data/stack");
	assert_non_null(e);
	assert_int_equal(e->id, 37);
	assert_string_equal(e->source, "/dev/mapper/vg-upper");
	/* strings, not prefixes; the escaped spelling is no mount point */
	assert_null(mountinfo_at(&mi, "/Data/my\\040db"));
	assert_null(mountinfo_at(&mi, "/Data/d"));
	assert_null(mountinfo_at(&mi, "/Data/db/"));
	assert_null(mountinfo_at(&mi, "/data/db"));
	assert_null(mountinfo_at(&mi, ""));
}

static void test_by_devno(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	const struct mountinfo_entry *e;

	load(SYNTHETIC, &mi);
	/* 147:0 is mounted twice: the first entry, not the later bind */
	e = mountinfo_by_devno(&mi, makedev(147, 0));
	assert_non_null(e);
	assert_string_equal(e->target, "/Data/db");
	e = mountinfo_by_devno(&mi, makedev(7, 0));
	assert_non_null(e);
	assert_string_equal(e->target, "/Data/db/vm");
	assert_null(mountinfo_by_devno(&mi, makedev(9, 9)));
	assert_null(mountinfo_by_devno(&mi, makedev(147, 3)));
}

static void check_containing(const struct mountinfo *mi, const char *path,
			     size_t len, uint64_t want_id)
{
	const struct mountinfo_entry *e = mountinfo_containing(mi, path, len);

	assert_non_null(e);
	if (e->id != want_id)
		fail_msg("%s: mount %llu (%s), expected %llu", path,
			 (unsigned long long)e->id, e->target,
			 (unsigned long long)want_id);
}

static void test_containing(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };

	load(SYNTHETIC, &mi);
	check_containing(&mi, "/Data/db", -1, 31);
	check_containing(&mi, "/Data/db/vm/private/101", -1, 32);
	check_containing(&mi, "/Data/db/vm/proc/1", -1, 33);
	check_containing(&mi, "/Data/db/x", -1, 31);
	/* component boundaries: /Data/dbx is not below /Data/db */
	check_containing(&mi, "/Data/dbx/y", -1, 34);
	check_containing(&mi, "/Data/dbxy", -1, 30);
	check_containing(&mi, "/Data/my db/q", -1, 35);
	check_containing(&mi, "/Data/stack/a", -1, 37); /* the top one */
	check_containing(&mi, "/", -1, 21);
	check_containing(&mi, "/etc/passwd", -1, 21);
	check_containing(&mi, "/Datax", -1, 21);
	/* len cuts the path: "/Data/db/vm (deleted)" read as /Data/db/vm */
	check_containing(&mi, "/Data/db/vm (deleted)", 11, 32);
	check_containing(&mi, "/Data/dbx", 8, 31);
}

static void test_containing_no_root(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	char *text = strdup("30 1 8:17 / /Data rw - ext4 /dev/sdb1 rw\n");

	assert_non_null(text);
	assert_int_equal(mountinfo_parse(text, &mi), 0);
	assert_null(mountinfo_containing(&mi, "/etc", -1));
	assert_non_null(mountinfo_containing(&mi, "/Data/x", -1));
}

static void test_optional_fields(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	char *text = strdup(
		"40 30 0:50 / /a rw master:7 - tmpfs none rw\n"
		"41 30 0:51 / /b rw shared:3 master:8 propagate_from:2 unbindable - tmpfs tmp\\040fs rw\n"
		"42 30 0:52 / /c rw - fuse.sshfs user@host:/x rw,user_id=0\n");

	assert_non_null(text);
	assert_int_equal(mountinfo_parse(text, &mi), 0);
	assert_int_equal(mi.n, 3);
	assert_int_equal(mi.v[0].shared, 0);
	assert_int_equal(mi.v[0].master, 7);
	assert_string_equal(mi.v[0].source, "none");
	assert_int_equal(mi.v[1].shared, 3);
	assert_int_equal(mi.v[1].master, 8);
	assert_string_equal(mi.v[1].source, "tmp fs");
	assert_string_equal(mi.v[2].fstype, "fuse.sshfs");
	assert_string_equal(mi.v[2].source, "user@host:/x");
}

static void test_empty(void **state)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	char *text = strdup("");

	assert_non_null(text);
	assert_int_equal(mountinfo_parse(text, &mi), 0);
	assert_int_equal(mi.n, 0);
	assert_null(mountinfo_at(&mi, "/"));
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"21 1 254:1 / / rw,relatime shared:1 ext4 /dev/vda1 rw\n", /* no - */
		"21 1 254:1 / / rw - ext4\n",                     /* no source */
		"21 1 254:1 / / rw -\n",                          /* no fstype */
		"21 1 254:1 / /\n",                               /* no options */
		"x1 1 254:1 / / rw - ext4 /dev/vda1 rw\n",        /* id */
		"21 1 254 / / rw - ext4 /dev/vda1 rw\n",          /* devno */
		"21 1 254:1 / / rw shared:x - ext4 /dev/vda1 rw\n",
		"21 1 254:1 / / rw - ext4 /dev/vda1 rw\n22 21 0:21\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct mountinfo mi = { .n = 99 };
		char *text = strdup(bad[i]);

		assert_non_null(text);
		if (mountinfo_parse(text, &mi) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(mi.n, 99); /* untouched */
		free(text); /* still ours after a failure */
	}
}

static void test_read_missing(void **state)
{
	struct mountinfo mi = { 0 };

	assert_int_equal(mountinfo_read(FIXTURES "/mountinfo/no-such-file", &mi),
			 -ENOENT);
	assert_null(mi.text);
}

/*
 * Every entry as libmount reads it: id, device, target, type, source.
 * Both parse one copy of the text: a live mount table read twice could
 * change in between (other tests mount and unmount meanwhile).
 */
static void check_against_libmount(const char *path)
{
	_cleanup_mountinfo_ struct mountinfo mi = { 0 };
	_cleanup_free_ char *text = NULL;
	struct libmnt_table *tab = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	ssize_t len = procfs_read(path, MOUNTINFO_MAX, &text);
	char *copy;
	FILE *f;
	size_t i = 0;

	assert_non_null(tab);
	assert_non_null(it);
	assert_true(len > 0);
	f = fmemopen(text, (size_t)len, "r");
	assert_non_null(f);
	assert_int_equal(mnt_table_parse_stream(tab, f, path), 0);
	fclose(f);
	copy = strdup(text);
	assert_non_null(copy);
	assert_int_equal(mountinfo_parse(copy, &mi), 0);
	assert_int_equal(mi.n, (size_t)mnt_table_get_nents(tab));
	while (mnt_table_next_fs(tab, it, &fs) == 0) {
		const struct mountinfo_entry *e = &mi.v[i++];
		const char *src = mnt_fs_get_source(fs);

		assert_int_equal(e->id, mnt_fs_get_id(fs));
		assert_true(e->devno == mnt_fs_get_devno(fs));
		assert_string_equal(e->target, mnt_fs_get_target(fs));
		assert_string_equal(e->fstype, mnt_fs_get_fstype(fs));
		/* libmount gives no source for "none" */
		assert_string_equal(e->source, src ? src : "none");
	}
	assert_int_equal(i, mi.n);
	mnt_free_iter(it);
	mnt_unref_table(tab);
}

static void test_libmount_synthetic(void **state)
{
	check_against_libmount(SYNTHETIC);
}

static void test_libmount_real_host(void **state)
{
	check_against_libmount(REAL_HOST);
}

static void test_libmount_self(void **state)
{
	check_against_libmount("/proc/self/mountinfo");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_synthetic),
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_by_devno),
		cmocka_unit_test(test_containing),
		cmocka_unit_test(test_containing_no_root),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_read_missing),
		cmocka_unit_test(test_libmount_synthetic),
		cmocka_unit_test(test_libmount_real_host),
		cmocka_unit_test(test_libmount_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
