/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mount table, devices and filesystems, through util-linux's libmount
 * and libblkid (parsing mountinfo, probing superblocks and mounting are
 * theirs; we do not rewrite them). Nothing here forks.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include <libmount/libmount.h>

#include "cleanup.h"

DEFINE_CLEANUP(struct libmnt_table, mnt_unref_table)
#define _cleanup_mnt_table_ _cleanup_(mnt_unref_tablep)

/*
 * Parses a mountinfo file (NULL: /proc/self/mountinfo). Escapes such as
 * \040 are decoded by libmount. Returns 0 or -errno.
 */
int mounts_load(const char *path, struct libmnt_table **ret);

/*
 * The filesystem mounted at target (a canonical path, compared as a
 * string): the topmost one when several are stacked. Returns 1 and sets
 * *ret (borrowed from tab) when found, 0 when nothing is mounted there.
 */
int mounts_find_target(struct libmnt_table *tab, const char *target,
		       struct libmnt_fs **ret);

/*
 * The first filesystem whose device number is dev, mounted anywhere.
 * Returns 1 and sets *ret (borrowed) when found, else 0.
 */
int mounts_find_devno(struct libmnt_table *tab, dev_t dev,
		      struct libmnt_fs **ret);

/*
 * Mount points strictly below target, deepest (last mounted) first, the
 * order to unmount them in. Returns the count and sets *ret to a
 * NULL-terminated malloc'd array of malloc'd strings (mounts_strv_free).
 */
int mounts_submounts(struct libmnt_table *tab, const char *target,
		     char ***ret);
void mounts_strv_free(char **v);

/*
 * Resolves a device spec (a path, LABEL=, UUID=, PARTLABEL=, PARTUUID=)
 * to the block device's path and device number. Returns 0, -ENOENT when
 * no such device exists here, -ENOTBLK when the path is not a block
 * device, or another -errno. Tags are resolved by libblkid (udev links
 * first, then its cache, then probing).
 */
int mounts_resolve_device(const char *spec, char **ret_path, dev_t *ret_dev);

/*
 * Counts the block devices that carry a tag (LABEL=db), probing every
 * block device (I/O: run it under a deadline), and lists their paths,
 * comma-separated, in ret_list. A label is ambiguous more often than one
 * thinks: DRBD's backing device carries the same filesystem label as the
 * DRBD device itself. Returns the count or -errno.
 */
int mounts_tag_devices(const char *spec, char *ret_list, size_t size);

/* true for LABEL=, UUID=, PARTLABEL=, PARTUUID= specs. */
int mounts_is_tag(const char *spec);

/*
 * The filesystem type on a block device, probed by libblkid. Returns 0,
 * -ENODATA when the device holds no recognised filesystem, or -errno.
 */
int mounts_probe_fstype(const char *device, char **ret);

/*
 * Mounts device at target through a libmount context, so that options
 * behave as with mount(8) (helpers /sbin/mount.<type> included). Returns 0
 * or -errno, with mount(8)'s message for the failure in reterr.
 */
int mounts_mount(const char *device, const char *target, const char *fstype,
		 const char *options, char *reterr, size_t reterr_size);

/* Whether the running kernel knows fstype (/proc/filesystems). 1/0/-errno */
int mounts_kernel_has_fstype(const char *fstype);
