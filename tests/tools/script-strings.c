/* The texts of ceremony scripts for xgettext: reads the given
 * .ceremony files with the program's own parser (src/script.c) and
 * prints a C file of N_("...") entries, each after a TRANSLATORS
 * comment saying where the text is. Files in name order, texts in the
 * order of each file, each text once. po/ceremony-strings.c is its
 * output for ceremony/NAME.ceremony (make update-ceremony-strings);
 * tests/e2e-script-strings.sh says when that is out of date. */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "script.h"

struct text {
	const char	*msgid;
	char		*where;		/* "ceremony/x.ceremony, step y, text" */
};

struct texts {
	struct text		*v;
	size_t			 n;
	const char		*file;	/* "ceremony/x.ceremony" */
	const struct off_script	*s;
	int			 nomem;
};

static const char *
as_written(void *arg, const char *text)
{
	(void)arg;
	return text;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Another place of the same text. */
static int
add_place(char **where, const char *more)
{
	char	*n;

	if (asprintf(&n, "%s;\n\t   %s", *where, more) == -1)
		return -1;
	free(*where);
	*where = n;
	return 0;
}

static void
collect(void *arg, const struct off_script_place *w, const char **text)
{
	struct texts		*t = arg;
	struct text		*nv;
	const struct off_param	*p;
	const char		*kind = "";
	char			*detail, *where, *choices = NULL, item[32] = "";
	size_t			 i, len = 0;
	int			 r;

	if (t->nomem || **text == '\0')
		return;
	if (strcmp(w->of, "step") == 0)
		kind = off_step_type_name(t->s->steps[off_script_step_index(
		    t->s, w->id)].type);
	if (w->item > 0)
		snprintf(item, sizeof(item), " %zu", w->item);
	if (strcmp(w->of, "parameter") == 0 &&
	    (p = off_script_param(t->s, w->id))->type == OFF_PARAM_CHOICE) {
		for (i = 0; i < p->nchoices; i++)
			len += strlen(p->choices[i]) + 2;
		if ((choices = malloc(len + 1)) == NULL) {
			t->nomem = 1;
			return;
		}
		*choices = '\0';
		for (i = 0; i < p->nchoices; i++)
			snprintf(choices + strlen(choices), len + 1 -
			    strlen(choices), "%s%s", i > 0 ? ", " : "",
			    p->choices[i]);
	}
	/* "title", "step room (checklist), item 2" */
	if (w->id == NULL)
		r = asprintf(&detail, "%s", w->field);
	else
		r = asprintf(&detail, "%s %s%s%s%s, %s%s", w->of, w->id,
		    *kind ? " (" : "", kind, *kind ? ")" : "",
		    strcmp(w->field, "items") == 0 ? "item" : w->field, item);
	/* One place a line, the file on its own when both do not fit. */
	if (r != -1) {
		r = asprintf(&where, "%s,%s%s%s%s", t->file,
		    strlen(t->file) + strlen(detail) > 51 ? "\n\t   " : " ",
		    detail, choices != NULL ? ";\n\t   answers typed as "
		    "they are:\n\t   " : "", choices != NULL ? choices : "");
		free(detail);
	}
	free(choices);
	if (r == -1) {
		t->nomem = 1;
		return;
	}
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].msgid, *text) == 0) {
			if (add_place(&t->v[i].where, where) != 0)
				t->nomem = 1;
			free(where);
			return;
		}
	if ((nv = reallocarray(t->v, t->n + 1, sizeof(*nv))) == NULL) {
		free(where);
		t->nomem = 1;
		return;
	}
	t->v = nv;
	t->v[t->n].msgid = *text;
	t->v[t->n++].where = where;
}

/* The text as a C string, in pieces that keep lines short, each
 * ending after a space or a newline. */
static void
print_msgid(const char *s)
{
	size_t	col = 12, n, i, width;

	fputs("\tN_(\"", stdout);
	while (*s != '\0') {
		n = strcspn(s, " \n");
		n += s[n] != '\0';
		for (i = 0, width = 0; i < n; i++)
			if (strchr("\"\\\t\n", s[i]) != NULL)
				width += 2;
			else if (((unsigned char)s[i] & 0xc0) != 0x80)
				width++;
		if (col > 13 && col + width > 77) {
			fputs("\"\n\t    \"", stdout);
			col = 13;
		}
		for (i = 0; i < n; i++)
			switch (s[i]) {
			case '"':
				fputs("\\\"", stdout);
				break;
			case '\\':
				fputs("\\\\", stdout);
				break;
			case '\t':
				fputs("\\t", stdout);
				break;
			case '\n':
				fputs("\\n", stdout);
				break;
			default:
				putchar(s[i]);
				break;
			}
		col = s[n - 1] == '\n' ? 80 : col + width;
		s += n;
	}
	fputs("\"),\n", stdout);
}

int
main(int argc, char *argv[])
{
	struct off_script_problems	 probs;
	struct off_script		**s;
	struct off_err			 err;
	struct texts			 t;
	char				 file[256], *copy;
	size_t				 i, j, n;
	int				 ret = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: script-strings FILE.ceremony...\n");
		return 2;
	}
	/* The texts as written, whatever the locale. */
	off_script_set_translator(as_written, NULL);
	n = (size_t)argc - 1;
	qsort(argv + 1, n, sizeof(*argv), by_name);
	memset(&t, 0, sizeof(t));
	/* The texts point into the scripts: they stay until the end. */
	if ((s = calloc(n, sizeof(*s))) == NULL)
		t.nomem = 1;
	for (i = 0; !t.nomem && i < n; i++) {
		off_err_clear(&err);
		if (off_script_load(argv[i + 1], &s[i], &probs, &err) != 0) {
			for (j = 0; j < probs.n; j++)
				fprintf(stderr, "%s\n", probs.msg[j]);
			if (probs.n == 0)
				fprintf(stderr, "%s: %s\n", argv[i + 1],
				    err.detail);
			off_script_problems_free(&probs);
			goto out;
		}
		if ((copy = strdup(argv[i + 1])) == NULL) {
			t.nomem = 1;
			break;
		}
		snprintf(file, sizeof(file), "ceremony/%s", basename(copy));
		free(copy);
		t.file = file;
		t.s = s[i];
		off_script_texts(s[i], collect, &t);
	}
	if (t.nomem) {
		fprintf(stderr, "script-strings: out of memory\n");
		goto out;
	}
	printf("/* The texts of the built-in ceremony scripts, for xgettext "
	    "only (never\n * compiled): made by tests/tools/script-strings "
	    "from ceremony/NAME.ceremony\n * with 'make "
	    "update-ceremony-strings'; do not edit. */\n"
	    "static const char *const ceremony_strings[] = {\n");
	for (i = 0; i < t.n; i++) {
		printf("%s\t/* TRANSLATORS: %s", i > 0 ? "\n" : "",
		    t.v[i].where);
		if (strstr(t.v[i].msgid, "${") != NULL)
			printf(";\n\t   keep every ${...} as it is");
		printf(" */\n");
		/* A ceremony's text is no format. */
		if (strchr(t.v[i].msgid, '%') != NULL)
			printf("\t/* xgettext:no-c-format */\n");
		print_msgid(t.v[i].msgid);
	}
	printf("};\n");
	if (fflush(stdout) != 0 || ferror(stdout))
		perror("script-strings: stdout");
	else
		ret = 0;
out:
	for (i = 0; i < t.n; i++)
		free(t.v[i].where);
	free(t.v);
	for (i = 0; s != NULL && i < n; i++)
		off_script_free(&s[i]);
	free(s);
	return ret;
}
