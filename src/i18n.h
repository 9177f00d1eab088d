/* Gettext wrappers shared by the core and the front ends. */
#ifndef OFF_I18N_H
#define OFF_I18N_H

#include <libintl.h>

#define _(s)	dgettext(PACKAGE, s)
#define N_(s)	(s)

#endif
