/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the processes that keep a filesystem busy, by walking /proc
 * (no fuser, no lsof). A process holds the filesystem whose device number
 * is dev when its cwd, root, executable, an open file or a memory map is
 * on it, or when its mount namespace still has it mounted (a container or
 * an `unshare -m` shell that kept a copy of the mount: the umount in our
 * namespace then succeeds while the device stays in use).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum holder_how {
	HOLDER_CWD = 1 << 0,
	HOLDER_ROOT = 1 << 1,
	HOLDER_EXE = 1 << 2,
	HOLDER_FD = 1 << 3,
	HOLDER_MMAP = 1 << 4,
	HOLDER_MOUNTNS = 1 << 5,
};

struct holder {
	pid_t pid;
	unsigned how;           /* enum holder_how bits */
	char comm[17];          /* /proc/<pid>/comm */
};

enum holders_flags {
	/*
	 * Never stat() through /proc/<pid>/{cwd,root,exe,fd/N}: that can
	 * block on a hung filesystem. Uses fdinfo's mnt_id, the dev field of
	 * maps and readlink() instead (force_unmount=safe).
	 */
	HOLDERS_NO_STAT = 1 << 0,
};

/*
 * Finds processes holding the filesystem with device number dev (as
 * mountinfo's "maj:min", which is st_dev except on btrfs subvolumes: not
 * supported). mount_target may be NULL: paths are matched through each
 * namespace's own mountinfo instead. Skips our own process; processes
 * that vanish or that we may not inspect are skipped too. HOLDER_MOUNTNS
 * names one process per namespace keeping a private copy of the mount,
 * its init (lowest pid whose parent is outside it). Copies that are peers
 * or slaves of our mount count as going with our umount (systemd gives
 * services such copies of every mount); call again after the umount to
 * see what was kept. Sorted by pid, one entry per process.
 * Returns the count and sets *ret to a malloc'd array the caller frees
 * (NULL when none); -errno when /proc is unreadable, or -ENOMEM/-EMFILE
 * (a partial scan must not read as "no holders").
 * Not seen: a thread's own cwd or fd table (/proc/<pid>/task is not
 * walked); in NO_STAT mode, fds on a lazily detached mount. NO_STAT still
 * reads /proc/<pid>/maps, which waits for the process's mmap lock.
 */
int holders_find(dev_t dev, const char *mount_target, unsigned flags,
		 struct holder **ret);

/*
 * "1234 (postgres: cwd,fd), 99 (bash: mountns)", always NUL-terminated
 * (unless size is 0). Whole entries only: when not all fit, as many as do
 * followed by ", ... and N more", or "... and N more", or what fits of
 * "..." in a tiny buffer.
 */
void holders_format(const struct holder *h, size_t n, char *buf, size_t size);
