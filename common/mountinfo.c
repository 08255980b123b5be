/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "procfs.h"

/* Splits off the next space-separated field of a line; NULL at its end. */
static char *next_field(char **p)
{
	char *f = *p;

	if (!f || *f == '\0')
		return NULL;
	*p = strchr(f, ' ');
	if (*p)
		*(*p)++ = '\0';
	return f;
}

/* One line, modified in place. 0 or -EINVAL. */
static int parse_line(char *line, struct mountinfo_entry *m)
{
	char *f[6], *opt;
	int r;

	*m = (struct mountinfo_entry){ 0 };
	/* id, parent, maj:min, root, target, options */
	for (size_t i = 0; i < ELEMENTSOF(f); i++) {
		f[i] = next_field(&line);
		if (!f[i])
			return -EINVAL;
	}
	r = procfs_parse_u64(f[0], &m->id);
	if (r < 0)
		return r;
	r = procfs_parse_devno(f[2], &m->devno);
	if (r < 0)
		return r;
	procfs_unescape(f[4]);
	m->target = f[4];

	/* Optional fields up to "-"; kernels may add tags we do not know. */
	while ((opt = next_field(&line)) && strcmp(opt, "-") != 0) {
		r = 0;
		if (strncmp(opt, "shared:", 7) == 0)
			r = procfs_parse_u64(opt + 7, &m->shared);
		else if (strncmp(opt, "master:", 7) == 0)
			r = procfs_parse_u64(opt + 7, &m->master);
		if (r < 0)
			return r;
	}
	if (!opt)
		return -EINVAL;
	m->fstype = next_field(&line);
	m->source = next_field(&line);
	if (!m->fstype || !m->source)
		return -EINVAL;
	procfs_unescape((char *)m->source);
	return 0;
}

int mountinfo_parse(char *text, struct mountinfo *ret)
{
	struct mountinfo_entry *v = NULL;
	size_t n = 0, cap = 0;
	char *line, *next;
	int r;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct mountinfo_entry *p =
				reallocarray(v, ncap, sizeof(*v));

			if (!p) {
				free(v);
				return -ENOMEM;
			}
			v = p;
			cap = ncap;
		}
		r = parse_line(line, &v[n]);
		if (r < 0) {
			free(v);
			return r;
		}
		n++;
	}
	*ret = (struct mountinfo){ .text = text, .v = v, .n = n };
	return 0;
}

int mountinfo_readat(int dirfd, const char *path, struct mountinfo *ret)
{
	char *text = NULL;
	ssize_t len = procfs_readat(dirfd, path, MOUNTINFO_MAX, &text);
	int r;

	if (len < 0)
		return (int)len;
	r = mountinfo_parse(text, ret);
	if (r < 0)
		free(text);
	return r;
}

int mountinfo_read(const char *path, struct mountinfo *ret)
{
	return mountinfo_readat(AT_FDCWD, path ? path : "/proc/self/mountinfo",
				ret);
}

void mountinfo_done(struct mountinfo *mi)
{
	free(mi->v);
	free(mi->text);
	*mi = (struct mountinfo){ 0 };
}

const struct mountinfo_entry *mountinfo_at(const struct mountinfo *mi,
					   const char *target)
{
	/* mountinfo lists a mount after the one it covers: last match wins */
	for (size_t i = mi->n; i-- > 0;)
		if (strcmp(mi->v[i].target, target) == 0)
			return &mi->v[i];
	return NULL;
}

const struct mountinfo_entry *mountinfo_by_devno(const struct mountinfo *mi,
						 dev_t dev)
{
	for (size_t i = 0; i < mi->n; i++)
		if (mi->v[i].devno == dev)
			return &mi->v[i];
	return NULL;
}

const struct mountinfo_entry *mountinfo_containing(const struct mountinfo *mi,
						   const char *path,
						   size_t len)
{
	const struct mountinfo_entry *best = NULL;
	size_t best_len = 0;

	if (len == (size_t)-1)
		len = strlen(path);
	for (size_t i = 0; i < mi->n; i++) {
		const char *t = mi->v[i].target;
		size_t tlen = strlen(t);

		if (strcmp(t, "/") == 0)
			tlen = 0;
		else if (tlen > len || strncmp(path, t, tlen) != 0 ||
			 (tlen < len && path[tlen] != '/'))
			continue;
		if (!best || tlen >= best_len) {
			best = &mi->v[i];
			best_len = tlen;
		}
	}
	return best;
}

/* Appends a lexically normalised relative path to a canonical one. */
static int append_lexical(char *buf, size_t size, const char *rest)
{
	while (*rest) {
		const char *end = strchrnul(rest, '/');
		size_t len = (size_t)(end - rest), cur = strlen(buf);

		if (len == 0 || (len == 1 && rest[0] == '.')) {
			/* nothing */
		} else if (len == 2 && rest[0] == '.' && rest[1] == '.') {
			char *slash = strrchr(buf, '/');

			if (slash == buf)
				buf[1] = '\0';
			else if (slash)
				*slash = '\0';
		} else {
			bool root = strcmp(buf, "/") == 0;

			if (cur + !root + len + 1 > size)
				return -ENAMETOOLONG;
			if (!root)
				buf[cur++] = '/';
			memcpy(buf + cur, rest, len);
			buf[cur + len] = '\0';
		}
		rest = *end ? end + 1 : end;
	}
	return 0;
}

int mountinfo_canonical_dir(const char *dir, char **ret)
{
	char prefix[PATH_MAX], resolved[PATH_MAX];
	const char *rest;
	size_t len;
	int r;

	if (!dir || dir[0] != '/')
		return -EINVAL;
	len = strlen(dir);
	if (len >= sizeof(prefix))
		return -ENAMETOOLONG;
	/*
	 * Find the longest existing prefix: realpath() on the whole path
	 * first, then on shorter prefixes (a mount point not yet created).
	 */
	memcpy(prefix, dir, len + 1);
	for (;;) {
		if (realpath(prefix, resolved))
			break;
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		char *slash = strrchr(prefix, '/');
		if (!slash || slash == prefix) {
			strcpy(resolved, "/");
			prefix[0] = '\0';
			break;
		}
		*slash = '\0';
	}
	rest = dir + strlen(prefix);
	r = append_lexical(resolved, sizeof(resolved), rest);
	if (r < 0)
		return r;
	*ret = strdup(resolved);
	return *ret ? 0 : -ENOMEM;
}
