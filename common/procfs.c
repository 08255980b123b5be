/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"

ssize_t procfs_readat(int dirfd, const char *path, size_t max, char **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t size = 4096, len = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;

	/*
	 * Virtual files are generated per read() call: read the whole file
	 * in as few calls as possible, growing the buffer, so that what we
	 * parse is one consistent snapshot (systemd's read_virtual_file).
	 */
	for (;;) {
		ssize_t n;
		char *nbuf;

		if (size > max + 1)
			size = max + 1;
		nbuf = realloc(buf, size);
		if (!nbuf)
			return -ENOMEM;
		buf = nbuf;
		n = read(fd, buf + len, size - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
		if (len == size)
			size *= 2;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return (ssize_t)len;
}

ssize_t procfs_read(const char *path, size_t max, char **ret)
{
	return procfs_readat(AT_FDCWD, path, max, ret);
}

int procfs_parse_u64(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

int procfs_parse_devno(const char *s, dev_t *ret)
{
	unsigned long maj, min;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	maj = strtoul(s, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	min = strtoul(end + 1, &end, 10);
	if (errno || *end != '\0' || maj > 0xfff || min > 0xfffff)
		return -EINVAL;
	*ret = makedev(maj, min);
	return 0;
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

void procfs_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && octal(s[1]) >= 0 && octal(s[2]) >= 0 &&
		    octal(s[3]) >= 0) {
			*w++ = (char)(octal(s[1]) << 6 | octal(s[2]) << 3 |
				      octal(s[3]));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

int procfs_nodename(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u) < 0)
		return -errno;
	if (strlen(u.nodename) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, u.nodename);
	return 0;
}
