/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <blkid/blkid.h>

#include "mounts.h"
#include "procfs.h"

int mounts_load(const char *path, struct libmnt_table **ret)
{
	struct libmnt_table *tab = mnt_new_table();
	int r;

	if (!tab)
		return -ENOMEM;
	r = mnt_table_parse_file(tab, path ? path : "/proc/self/mountinfo");
	if (r < 0) {
		mnt_unref_table(tab);
		return r < -1 ? r : -EINVAL;
	}
	*ret = tab;
	return 0;
}

int mounts_find_target(struct libmnt_table *tab, const char *target,
		       struct libmnt_fs **ret)
{
	/*
	 * Compare strings only: libmount's own lookup may canonicalize each
	 * entry with stat(), which can block on a dead filesystem. mountinfo
	 * targets are canonical already, and so is ours.
	 */
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
	struct libmnt_fs *fs;
	int found = 0;

	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(tab, it, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);

		if (t && strcmp(t, target) == 0) {
			*ret = fs;
			found = 1;
			break;
		}
	}
	mnt_free_iter(it);
	return found;
}

int mounts_find_devno(struct libmnt_table *tab, dev_t dev,
		      struct libmnt_fs **ret)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int found = 0;

	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(tab, it, &fs) == 0) {
		if (mnt_fs_get_devno(fs) == dev) {
			*ret = fs;
			found = 1;
			break;
		}
	}
	mnt_free_iter(it);
	return found;
}

void mounts_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static bool is_below(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (strcmp(top, "/") == 0)
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, top, n) == 0 && path[n] == '/';
}

int mounts_submounts(struct libmnt_table *tab, const char *target,
		     char ***ret)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
	struct libmnt_fs *fs;
	char **v = NULL;
	int n = 0;

	if (!it)
		return -ENOMEM;
	/* mountinfo lists children after their parents: walk it backwards */
	while (mnt_table_next_fs(tab, it, &fs) == 0) {
		const char *t = mnt_fs_get_target(fs);
		char **nv;

		if (!t || !is_below(t, target))
			continue;
		nv = realloc(v, sizeof(*v) * ((size_t)n + 2));
		if (!nv || !(nv[n] = strdup(t))) {
			if (nv)
				nv[n] = NULL;
			mounts_strv_free(nv ? nv : v);
			mnt_free_iter(it);
			return -ENOMEM;
		}
		v = nv;
		v[++n] = NULL;
	}
	mnt_free_iter(it);
	if (!v && !(v = calloc(1, sizeof(*v))))
		return -ENOMEM;
	*ret = v;
	return n;
}

int mounts_is_tag(const char *spec)
{
	static const char *const tags[] = { "LABEL=", "UUID=", "PARTLABEL=",
					    "PARTUUID=" };

	for (size_t i = 0; i < ELEMENTSOF(tags); i++)
		if (strncmp(spec, tags[i], strlen(tags[i])) == 0)
			return 1;
	return 0;
}

int mounts_tag_devices(const char *spec, char *ret_list, size_t size)
{
	_cleanup_free_ char *token = NULL, *value = NULL;
	blkid_dev_iterate it;
	blkid_cache cache;
	blkid_dev dev;
	size_t len = 0;
	int n = 0;

	if (blkid_parse_tag_string(spec, &token, &value) < 0 || !value)
		return -EINVAL;
	/* a private, empty cache: every answer comes from a fresh probe */
	if (blkid_get_cache(&cache, "/dev/null") < 0)
		return -ENOMEM;
	(void)blkid_probe_all(cache); /* unreadable devices are skipped */
	it = blkid_dev_iterate_begin(cache);
	(void)blkid_dev_set_search(it, token, value);
	ret_list[0] = '\0';
	while (blkid_dev_next(it, &dev) == 0) {
		int k = snprintf(ret_list + len, size - len, "%s%s",
				 n ? ", " : "", blkid_dev_devname(dev));

		if (k > 0 && (size_t)k < size - len)
			len += (size_t)k;
		n++;
	}
	blkid_dev_iterate_end(it);
	blkid_put_cache(cache);
	return n;
}

int mounts_resolve_device(const char *spec, char **ret_path, dev_t *ret_dev)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (mounts_is_tag(spec)) {
		path = blkid_evaluate_tag(spec, NULL, NULL);
		if (!path)
			return -ENOENT;
	} else {
		path = strdup(spec);
		if (!path)
			return -ENOMEM;
	}
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (ret_dev)
		*ret_dev = st.st_rdev;
	if (ret_path)
		*ret_path = TAKE_PTR(path);
	return 0;
}

DEFINE_CLEANUP(struct blkid_struct_probe, blkid_free_probe)

int mounts_probe_fstype(const char *device, char **ret)
{
	_cleanup_(blkid_free_probep) blkid_probe pr = NULL;
	const char *type = NULL;
	int r;

	pr = blkid_new_probe_from_filename(device);
	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	/* safeprobe: ambiguous signatures are an error, not a guess */
	r = blkid_do_safeprobe(pr);
	if (r == -2)
		return -ENOTUNIQ;
	if (r < 0)
		return -EIO;
	if (r == 1 || blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0)
		return -ENODATA;
	*ret = strdup(type);
	return *ret ? 0 : -ENOMEM;
}

DEFINE_CLEANUP(struct libmnt_context, mnt_free_context)

int mounts_mount(const char *device, const char *target, const char *fstype,
		 const char *options, char *reterr, size_t reterr_size)
{
	_cleanup_(mnt_free_contextp) struct libmnt_context *cxt = NULL;
	int r, rc;

	reterr[0] = '\0';
	cxt = mnt_new_context();
	if (!cxt)
		return -ENOMEM;
	/* never write or read /etc/mtab or fstab: the cluster owns this */
	if (mnt_context_disable_mtab(cxt, 1) < 0 ||
	    mnt_context_set_source(cxt, device) < 0 ||
	    mnt_context_set_target(cxt, target) < 0 ||
	    (fstype && mnt_context_set_fstype(cxt, fstype) < 0) ||
	    (options && *options && mnt_context_set_options(cxt, options) < 0))
		return -ENOMEM;
	/* never complete the mount from fstab: the cluster owns this mount */
	mnt_context_set_optsmode(cxt, MNT_OMODE_NOTAB);
	r = mnt_context_mount(cxt);
	/* mount(8)'s own wording of the failure (util-linux mk_exit_code) */
	rc = mnt_context_get_excode(cxt, r, reterr, reterr_size);
	if (rc == MNT_EX_SUCCESS)
		return 0;
	if (!reterr[0])
		(void)snprintf(reterr, reterr_size, "mount failed (code %d)",
			       rc);
	if (mnt_context_syscall_called(cxt))
		return -mnt_context_get_syscall_errno(cxt) ?: -EIO;
	/* libmount's own codes (MNT_ERR_*, -5000 and below) are no errno */
	return r < 0 && r > -4096 ? r : -EIO;
}

int mounts_kernel_has_fstype(const char *fstype)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n;

	n = procfs_read("/proc/filesystems", PROCFS_MAX, &text);
	if (n < 0)
		return (int)n;
	/* lines: "nodev\tproc" or "\text4" */
	for (char *line = text, *next; line && *line; line = next) {
		char *tab;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tab = strchr(line, '\t');
		if (tab && strcmp(tab + 1, fstype) == 0)
			return 1;
	}
	return 0;
}
