/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading kernel state from /proc and /sys: one large read() per virtual
 * file (a /proc file read in pieces may change between them), O_CLOEXEC,
 * and strict number parsing.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCFS_MAX (1024 * 1024)

/*
 * Reads a whole (virtual) file of at most max bytes into a NUL-terminated
 * buffer the caller frees. Returns the length, or -errno (-EFBIG when the
 * file is larger than max).
 */
ssize_t procfs_read(const char *path, size_t max, char **ret);

/* Like procfs_read(), relative to a directory fd. */
ssize_t procfs_readat(int dirfd, const char *path, size_t max, char **ret);

/* Strict unsigned decimal parse of the whole string. 0, -EINVAL, -ERANGE. */
int procfs_parse_u64(const char *s, uint64_t *ret);

/* Parses "major:minor" into a dev_t. 0 or -EINVAL. */
int procfs_parse_devno(const char *s, dev_t *ret);

/*
 * Decodes mountinfo's octal escapes (\040 space, \011 tab, \012 newline,
 * \134 backslash) in place.
 */
void procfs_unescape(char *s);

/* The node name, as uname -n. Returns 0 or -errno. */
int procfs_nodename(char *buf, size_t size);
