/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mount table as the kernel prints it in /proc/<pid>/mountinfo, read
 * without libmount. Agents that only ask "what is mounted where" (openvz,
 * drbd, the holders scan) use this and stay off libmount and libblkid,
 * whose loading (with libselinux and libpcre2 behind them) doubles the
 * cost of an exec. vzfs, which mounts and probes, uses mounts.h.
 *
 * A line, per proc(5):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw
 *   id parent maj:min root target options [optional...] - fstype source super
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cleanup.h"

/* Hosts with hundreds of containers have mount tables of several MiB. */
#define MOUNTINFO_MAX (64 * 1024 * 1024)

struct mountinfo_entry {
	uint64_t id;
	dev_t devno;
	const char *target; /* unescaped, into mountinfo.text */
	const char *fstype;
	const char *source; /* unescaped; "none" when the kernel has none */
	uint64_t shared;    /* peer group, 0 when not shared */
	uint64_t master;    /* peer group we receive from, 0 if none */
};

struct mountinfo {
	char *text; /* owns the strings of v[] */
	struct mountinfo_entry *v;
	size_t n;
};

/*
 * Parses mountinfo text in place. On success *ret owns text (free both
 * with mountinfo_done()); on failure the caller still owns it. Returns 0,
 * -EINVAL for a malformed line, or -ENOMEM.
 */
int mountinfo_parse(char *text, struct mountinfo *ret);

/* Reads and parses a mountinfo file (NULL: /proc/self/mountinfo). 0/-errno */
int mountinfo_read(const char *path, struct mountinfo *ret);

/* Same, relative to a directory fd (a /proc/<pid> directory). */
int mountinfo_readat(int dirfd, const char *path, struct mountinfo *ret);

void mountinfo_done(struct mountinfo *mi);
#define _cleanup_mountinfo_ _cleanup_(mountinfo_done)

/*
 * The filesystem mounted at target (canonical, compared as a string: no
 * stat(), which can block on a dead filesystem), the topmost one when
 * several are stacked there. NULL when nothing is mounted there.
 */
const struct mountinfo_entry *mountinfo_at(const struct mountinfo *mi,
					   const char *target);

/* The first filesystem whose device number is dev, or NULL. */
const struct mountinfo_entry *mountinfo_by_devno(const struct mountinfo *mi,
						 dev_t dev);

/*
 * The mount that contains path (canonical, absolute): the entry with the
 * longest mount point that is a prefix of path on a component boundary;
 * of equal mount points the later one, mounted over the earlier. len
 * limits path to its first len bytes ((size_t)-1: all of it). NULL only
 * when the table has no "/" either.
 */
const struct mountinfo_entry *mountinfo_containing(const struct mountinfo *mi,
						   const char *path,
						   size_t len);

/*
 * Canonical form of an absolute directory, as mountinfo spells mount
 * points: symlinks, ".", ".." and repeated or trailing slashes resolved.
 * A part that does not exist yet is appended lexically to the canonical
 * existing prefix. Returns 0 or -errno.
 */
int mountinfo_canonical_dir(const char *dir, char **ret);
