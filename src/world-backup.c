/* World backup and restore. The world file already carries the module
 * keys sealed under the recovery secret, so a backup needs no cards and
 * a restore onto a new machine needs a quorum. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "quorum.h"
#include "secmem.h"
#include "world-int.h"

/* Copy one file from src to dst without replacing anything. */
static int
copy_file(const char *srcdir, const char *dstdir, const char *name,
    struct off_err *err)
{
	char	src[PATH_MAX], dst[PATH_MAX], *data = NULL;
	size_t	len;
	int	ret;

	if (off_path_join(src, sizeof(src), srcdir, name) != 0 ||
	    off_path_join(dst, sizeof(dst), dstdir, name) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dstdir,
		    _("path too long"));
	if ((ret = off_file_read(src, OFF_FILE_MAX, &data, &len, err)) != 0)
		return ret;
	ret = off_file_write(dst, data, len, OFF_WRITE_NOREPLACE, err);
	free(data);
	return ret;
}

/* The files one backup or restore wrote, to take back on failure. */
struct copied {
	char		**names;
	size_t		  n;
	const char	 *dir;
};

static int
copied_add(struct copied *c, const char *name, struct off_err *err)
{
	char	**names;

	if ((names = reallocarray(c->names, c->n + 1, sizeof(*names))) ==
	    NULL || (names[c->n] = strdup(name)) == NULL) {
		if (names != NULL)
			c->names = names;
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	}
	c->names = names;
	c->n++;
	return 0;
}

/* Remove what was copied (undo) or just forget it. */
static void
copied_done(struct copied *c, int undo)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < c->n; i++) {
		if (undo && off_path_join(path, sizeof(path), c->dir,
		    c->names[i]) == 0)
			(void)off_file_remove(path, NULL);
		free(c->names[i]);
	}
	free(c->names);
	memset(c, 0, sizeof(*c));
}

static int
copy_one(const char *srcdir, const char *name, struct copied *c,
    struct off_err *err)
{
	int	ret;

	if ((ret = copy_file(srcdir, c->dir, name, err)) != 0)
		return ret;
	return copied_add(c, name, err);
}

/* Key files (key_<app>_<ident>) are sealed under the module key and
 * travel with the world. */
static int
copy_keys(const char *srcdir, struct copied *c, struct off_err *err)
{
	DIR		*d;
	struct dirent	*de;
	int		 ret = 0;

	if ((d = opendir(srcdir)) == NULL)
		return off_err_errno(err, OFF_ERR_IO, errno, srcdir,
		    _("cannot read directory"));
	while (ret == 0 && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "key_", 4) == 0 &&
		    strchr(de->d_name, '.') == NULL)
			ret = copy_one(srcdir, de->d_name, c, err);
	closedir(d);
	return ret;
}

/* 0 when dir holds nothing. */
static int
dir_empty(const char *dir, struct off_err *err)
{
	DIR		*d;
	struct dirent	*de;
	int		 ret = 0;

	if ((d = opendir(dir)) == NULL)
		return off_err_errno(err, OFF_ERR_IO, errno, dir,
		    _("cannot read directory"));
	while (ret == 0 && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			ret = off_err_set(err, OFF_ERR_EXISTS, dir,
			    _("the backup directory is not empty; use a new or "
			    "empty directory"));
	closedir(d);
	return ret;
}

int
off_world_backup(const char *kmdata, const char *dir, struct off_err *err)
{
	struct off_world	*w = NULL;
	struct copied		 c;
	int			 ret;

	/* Only a world that verifies is worth backing up. */
	if ((ret = off_world_load(kmdata, &w, err)) != 0)
		return ret;
	off_world_free(&w);
	if ((ret = off_mkdirs(dir, err)) != 0 ||
	    (ret = dir_empty(dir, err)) != 0)
		return ret;
	memset(&c, 0, sizeof(c));
	c.dir = dir;
	if ((ret = copy_one(kmdata, OFF_WORLD_FILE, &c, err)) == 0)
		ret = copy_keys(kmdata, &c, err);
	copied_done(&c, ret != 0);
	return ret;
}

int
off_world_restore(const char *dir, const char *kmdata, struct off_slot *slot,
    const struct off_frontend *fe, struct off_world **out,
    struct off_err *err)
{
	struct off_world	 *w = NULL, *have = NULL;
	struct off_module	**mods = NULL;
	EVP_PKEY		 *key = NULL;
	uint8_t			 *secret = NULL;
	char			  path[PATH_MAX];
	struct copied		  keys;
	unsigned		  i, nmods = 0;
	int			  ret;

	*out = NULL;
	memset(&keys, 0, sizeof(keys));
	if (off_path_join(path, sizeof(path), dir, OFF_WORLD_FILE) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, dir,
		    _("path too long"));
	if ((ret = off_world_load_file(path, &w, err)) != 0)
		return ret;
	ret = off_world_load(kmdata, &have, err);
	if (ret == 0) {
		ret = off_err_set(err, OFF_ERR_EXISTS, kmdata,
		    memcmp(have->id, w->id, sizeof(w->id)) == 0 ?
		    _("this world is already installed here") :
		    _("another security world is installed here; restore "
		    "into an empty KMDATA"));
		goto out;
	}
	if (ret != OFF_ERR_NO_WORLD)
		goto out;
	off_err_clear(err);
	if ((ret = off_mkdirs(kmdata, err)) != 0)
		goto out;
	/* The cards prove the right to restore; the secret opens the
	 * module keys and the world key. */
	if ((ret = off_quorum_collect(w, slot, fe, &secret, err)) != 0 ||
	    (ret = off_world_signing_key(w, secret, &key, err)) != 0)
		goto out;
	if ((mods = calloc(w->nmodules, sizeof(*mods))) == NULL) {
		ret = off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	nmods = w->nmodules;
	for (i = 0; i < nmods; i++) {
		uint8_t	pub[32];

		if ((ret = off_module_from_recovery(w->modules[i].backend,
		    w->id, w->modules[i].id, w->modules[i].created, secret,
		    &w->modules[i].recovery, w->modules[i].check, &mods[i],
		    err)) != 0 ||
		    (ret = off_module_public_key(mods[i], pub, err)) != 0)
			goto out;
		if (memcmp(pub, w->modules[i].public_key, sizeof(pub)) != 0) {
			ret = off_err_set(err, OFF_ERR_AUTH, path,
			    _("the restored module key does not give the "
			    "module's public key in the world file"));
			goto out;
		}
	}
	/* Keys first, then the world: a failure takes the keys back. */
	keys.dir = kmdata;
	if ((ret = copy_keys(dir, &keys, err)) != 0 ||
	    (ret = world_install(w, mods, kmdata, err)) != 0)
		goto out;
	*out = w;
	w = NULL;
out:
	copied_done(&keys, ret != 0);
	for (i = 0; i < nmods; i++)
		off_module_free(&mods[i]);
	free(mods);
	EVP_PKEY_free(key);
	off_secfree(&secret);
	off_world_free(&have);
	off_world_free(&w);
	return ret;
}
