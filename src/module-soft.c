/*
 * Module backend "soft": the module key lives in KMDATA/module_<id>,
 * readable only by its owner (mode 0600). It stands in for an HSM's
 * internal storage: anyone who can read KMDATA can use module-protected
 * keys, so production worlds belong on an encrypted, air-gapped disk or
 * on the pkcs11 module. The key is held in locked memory while loaded.
 * The module file's functions serve the pkcs11 backend too, whose
 * module key signs but seals nothing.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "encode.h"
#include "error.h"
#include "fileio.h"
#include "i18n.h"
#include "json.h"
#include "module.h"
#include "secmem.h"

#define MODULE_FORMAT	"officiant-module"

static int
soft_path(const struct off_module *m, const char *kmdata, char *path,
    size_t len)
{
	char	name[8 + 2 * OFF_MODULE_ID_LEN + 1];

	memcpy(name, "module_", 7);
	off_hex(m->id, OFF_MODULE_ID_LEN, name + 7);
	return off_path_join(path, len, kmdata, name);
}

static int
soft_create(struct off_module *m, struct off_err *err)
{
	int	ret;

	if ((ret = off_random(m->id, sizeof(m->id), err)) != 0)
		return ret;
	return off_random(m->key, OFF_KEY_LEN, err);
}

int
off_module_file_save(const struct off_module *m, const char *kmdata,
    struct off_err *err)
{
	char	 path[PATH_MAX], *data = NULL;
	size_t	 len = 0;
	json_t	*root;
	int	 ret;

	if (soft_path(m, kmdata, path, sizeof(path)) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	root = json_pack("{s:s, s:i, s:s, s:o, s:o, s:s, s:o}",
	    "format", MODULE_FORMAT,
	    "version", 1,
	    "backend", m->ops->name,
	    "module", off_json_new_hex(m->id, sizeof(m->id)),
	    "world", off_json_new_hex(m->world, sizeof(m->world)),
	    "created", m->created,
	    "module_key", off_json_new_b64(m->key, OFF_KEY_LEN));
	if (root == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	ret = off_json_dump(root, &data, &len, err);
	json_decref(root);
	if (ret == 0)
		ret = off_file_write(path, data, len, OFF_WRITE_NOREPLACE, err);
	if (data != NULL) {
		off_wipe(data, len);
		free(data);
	}
	return ret;
}

static const char *const module_keys[] = { "format", "version", "backend",
    "module", "world", "created", "module_key", NULL };

int
off_module_file_load(struct off_module *m, const char *kmdata,
    struct off_err *err)
{
	char		 path[PATH_MAX], *data = NULL;
	size_t		 len = 0;
	json_t		*root = NULL;
	const char	*s;
	uint8_t		 id[OFF_MODULE_ID_LEN], world[32];
	int		 ret;

	if (soft_path(m, kmdata, path, sizeof(path)) != 0)
		return off_err_set(err, OFF_ERR_TOO_LARGE, kmdata,
		    _("path too long"));
	if ((ret = off_file_read(path, 4096, &data, &len, err)) != 0) {
		if (ret == OFF_ERR_NOT_FOUND)
			off_err_set(err, ret, path, _("the module file of this "
			    "world is missing; restore the world from a backup "
			    "with a quorum of cards"));
		return ret;
	}
	ret = OFF_ERR_FORMAT;
	if ((ret = off_json_load(data, len, path, MODULE_FORMAT, &root,
	    err)) != 0)
		goto out;
	ret = OFF_ERR_FORMAT;
	if (off_json_only(root, module_keys, path, "", err) ||
	    off_json_str(root, "backend", 16, &s, path, err))
		goto out;
	if (strcmp(s, m->ops->name) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, path,
		    _("module backend is \"%s\", expected \"%s\""), s,
		    m->ops->name);
		goto out;
	}
	if (off_json_hex(root, "module", id, sizeof(id), path, err) ||
	    off_json_hex(root, "world", world, sizeof(world), path, err) ||
	    off_json_utc(root, "created", &s, path, err))
		goto out;
	memcpy(m->created, s, sizeof(m->created));
	if (memcmp(id, m->id, sizeof(id)) != 0 ||
	    memcmp(world, m->world, sizeof(world)) != 0) {
		off_err_set(err, OFF_ERR_FORMAT, path,
		    _("module file belongs to another module or world"));
		goto out;
	}
	if (off_json_b64(root, "module_key", m->key, OFF_KEY_LEN, OFF_KEY_LEN,
	    NULL, path, err))
		goto out;
	ret = 0;
out:
	json_decref(root);
	off_wipe(data, len);
	free(data);
	return ret;
}

void
off_module_file_unsave(const struct off_module *m, const char *kmdata)
{
	char	path[PATH_MAX];

	if (soft_path(m, kmdata, path, sizeof(path)) == 0)
		(void)off_file_remove(path, NULL);
}

const struct off_module_ops off_module_soft_ops = {
	.name = "soft",
	.create = soft_create,
	.save = off_module_file_save,
	.load = off_module_file_load,
	.unsave = off_module_file_unsave,
	.free = NULL,
	.keygen = NULL,
	.wrap = NULL,
};
