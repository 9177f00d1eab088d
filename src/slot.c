#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "i18n.h"
#include "slot.h"

static const struct off_slot_ops *const slot_backends[] = {
	&off_slot_file_ops,
	&off_slot_drawer_ops,
	&off_slot_pkcs11_ops,
};

int
off_slot_open(struct off_slot **slot, const char *kind, const char *where,
    struct off_err *err)
{
	const struct off_slot_ops	*ops = NULL;
	struct off_slot			*s;
	size_t				 i;
	int				 ret;

	*slot = NULL;
	for (i = 0; i < sizeof(slot_backends) / sizeof(slot_backends[0]); i++)
		if (strcmp(slot_backends[i]->name, kind) == 0)
			ops = slot_backends[i];
	if (ops == NULL)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("unknown card slot backend \"%s\""), kind);
	if (strlen(where) >= sizeof(s->where))
		return off_err_set(err, OFF_ERR_TOO_LARGE, where,
		    _("path too long"));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return off_err_set(err, OFF_ERR_NOMEM, NULL, NULL);
	s->ops = ops;
	s->wake_fd = -1;
	snprintf(s->where, sizeof(s->where), "%s", where);
	if ((ret = ops->open(s, where, err)) != 0) {
		free(s);
		return ret;
	}
	*slot = s;
	return 0;
}

void
off_slot_close(struct off_slot **slot)
{
	if (slot == NULL || *slot == NULL)
		return;
	(*slot)->ops->close(*slot);
	free(*slot);
	*slot = NULL;
}

int
off_slot_reopen(struct off_slot *slot, struct off_err *err)
{
	slot->ops->close(slot);
	return slot->ops->open(slot, slot->where, err);
}
