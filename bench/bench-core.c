/* Benchmarks that call the core library (see bench/README):
 *   kdf LOG2N REPS             one card PIN KDF (scrypt as cards use it)
 *   quorum KMDATA DRAWER REPS  collect a quorum of the drawer's cards,
 *                              card i answering PIN 1000+i
 *   limit FILE VKEY REPS       the least verifying FILE can cost: SHA-256
 *                              of every leaf and tree node, one Ed25519
 *                              verification per checkpoint
 *   verify FILE VKEY           off_transcript_verify, once
 * Each prints "name value" lines: times in seconds, memory in KiB. */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "error.h"
#include "frontend.h"
#include "merkle.h"
#include "note.h"
#include "quorum.h"
#include "secmem.h"
#include "slot.h"
#include "transcript.h"
#include "world.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long
number(const char *s, const char *what)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0) {
		fprintf(stderr, "bench-core: %s: a positive number\n", what);
		exit(2);
	}
	return v;
}

static int
failed(const char *what, const struct off_err *err)
{
	fprintf(stderr, "bench-core: %s: %s%s%s\n", what, err->file,
	    err->file[0] != '\0' ? ": " : "", err->detail[0] != '\0' ?
	    err->detail : off_strerror(err->code));
	return 1;
}

static int
cmd_kdf(unsigned long log2n, unsigned long reps)
{
	struct off_scrypt	s;
	struct off_err		err;
	uint8_t			key[OFF_KEY_LEN];
	unsigned long		i;
	double			t;

	memset(&s, 0, sizeof(s));
	s.log2_n = (unsigned)log2n;
	s.r = 8;		/* as off_card_new sets them */
	s.p = 1;
	off_err_clear(&err);
	for (i = 0; i < reps; i++) {
		t = now();
		if (off_scrypt(&s, "1001", 4, key, &err) != 0)
			return failed("scrypt", &err);
		printf("kdf %.6f\n", now() - t);
	}
	off_wipe(key, sizeof(key));
	return 0;
}

/* Card i's PIN is 1000 + i; every card event is ignored. */
static int
fe_pin(void *arg, const struct off_pin_request *req, char *buf,
    size_t bufsz, size_t *len)
{
	(void)arg;
	if (bufsz < 8)
		return OFF_ERR_CANCELLED;
	*len = (size_t)snprintf(buf, bufsz, "%u", 1000 + req->index);
	return 0;
}

static int
fe_confirm(void *arg, const char *question)
{
	(void)arg;
	(void)question;
	return 0;
}

static int
cmd_quorum(const char *kmdata, const char *drawer, unsigned long reps)
{
	struct off_frontend	 fe;
	struct off_world	*w = NULL;
	struct off_slot		*slot = NULL;
	struct off_err		 err;
	uint8_t			*secret = NULL;
	unsigned long		 i;
	double			 t;
	int			 ret = 0;

	memset(&fe, 0, sizeof(fe));
	fe.ask_pin = fe_pin;
	fe.confirm = fe_confirm;
	off_err_clear(&err);
	if (off_world_load(kmdata, &w, &err) != 0)
		return failed("world", &err);
	for (i = 0; i < reps && ret == 0; i++) {
		t = now();
		if (off_slot_open(&slot, "drawer", drawer, &err) != 0 ||
		    off_quorum_collect(w, slot, &fe, &secret, &err) != 0)
			ret = failed("quorum", &err);
		else
			printf("quorum %.6f\n", now() - t);
		off_secfree(&secret);
		off_slot_close(&slot);
	}
	printf("k %u\n", off_world_k(w));
	off_world_free(&w);
	return ret;
}

/* The file's lines, as found before the clock starts. */
struct line {
	const char	*p;
	size_t		 len;
	int		 cp;		/* a checkpoint: the fields below */
	char		*text;
	size_t		 textlen;
	uint8_t		 sig[64];
	off_hash	 root;
};

static int
split_lines(const char *buf, size_t len, const struct off_vkey *vk,
    struct line **out, size_t *nout)
{
	struct line	*l = NULL, *g;
	struct off_note	 note;
	json_t		*o;
	const char	*p = buf, *nl, *end = buf + len;
	char		 origin[OFF_ORIGIN_MAX + 1];
	uint64_t	 size;
	size_t		 n = 0, cap = 0, i;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((g = reallocarray(l, cap, sizeof(*l))) == NULL)
				return -1;
			l = g;
		}
		memset(&l[n], 0, sizeof(l[n]));
		l[n].p = p;
		l[n].len = (size_t)(nl - p);
		if (strncmp(p, "{\"checkpoint\":", 14) == 0) {
			memset(&note, 0, sizeof(note));
			if ((o = json_loadb(p, l[n].len, 0, NULL)) == NULL ||
			    off_note_parse(json_string_value(json_object_get(o,
			    "checkpoint")), strlen(json_string_value(
			    json_object_get(o, "checkpoint"))), &note) != 0 ||
			    off_checkpoint_parse(note.text, origin,
			    sizeof(origin), &size, l[n].root) != 0)
				return -1;
			json_decref(o);
			for (i = 0; i < note.nsigs; i++)
				if (memcmp(note.sigs[i].bytes, vk->id, 4) == 0 &&
				    note.sigs[i].len == 4 + 64)
					memcpy(l[n].sig, note.sigs[i].bytes + 4,
					    64);
			l[n].cp = 1;
			l[n].text = note.text;
			l[n].textlen = note.textlen;
			note.text = NULL;
			off_note_free(&note);
		}
		n++;
	}
	*out = l;
	*nout = n;
	return 0;
}

struct sha {
	EVP_MD_CTX	*ctx;
	EVP_MD		*md;
	unsigned long	 count;
};

static void
sha(struct sha *s, uint8_t prefix, const void *a, size_t alen, const void *b,
    size_t blen, off_hash out)
{
	EVP_DigestInit_ex2(s->ctx, s->md, NULL);
	EVP_DigestUpdate(s->ctx, &prefix, 1);
	EVP_DigestUpdate(s->ctx, a, alen);
	if (blen > 0)
		EVP_DigestUpdate(s->ctx, b, blen);
	EVP_DigestFinal_ex(s->ctx, out, NULL);
	s->count++;
}

/* One pass in file order; 0 when every root and signature checks. */
static int
limit_pass(const struct line *l, size_t n, EVP_PKEY *pk, struct sha *s,
    EVP_MD_CTX *vctx, double *sigtime, unsigned long *sigs)
{
	off_hash	stack[64], h;
	size_t		top = 0, leaves = 0, i, k;
	double		t;
	int		ok = 0;

	for (i = 0; i < n; i++) {
		if (!l[i].cp) {
			sha(s, 0x00, l[i].p, l[i].len, NULL, 0, h);
			for (k = 0; (leaves >> k) & 1; k++) {
				top--;
				sha(s, 0x01, stack[top], 32, h, 32, h);
			}
			memcpy(stack[top++], h, 32);
			leaves++;
			continue;
		}
		memcpy(h, stack[top - 1], 32);
		for (k = top - 1; k-- > 0;)
			sha(s, 0x01, stack[k], 32, h, 32, h);
		if (memcmp(h, l[i].root, 32) != 0)
			ok = -1;
		t = now();
		if (EVP_DigestVerifyInit_ex(vctx, NULL, NULL, NULL, NULL, pk,
		    NULL) != 1 || EVP_DigestVerify(vctx, l[i].sig, 64,
		    (const uint8_t *)l[i].text, l[i].textlen) != 1)
			ok = -1;
		*sigtime += now() - t;
		(*sigs)++;
	}
	return ok;
}

static int
cmd_limit(const char *path, const char *vkey, unsigned long reps)
{
	struct off_vkey	 vk;
	struct line	*l = NULL;
	struct sha	 s;
	struct stat	 st;
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*vctx = NULL;
	char		*buf;
	size_t		 n = 0, i, entries = 0;
	unsigned long	 r, sigs = 0;
	double		 t, sigtime;
	int		 fd;

	if (off_vkey_parse(vkey, &vk) != 0 || (pk = off_vkey_pkey(&vk)) ==
	    NULL) {
		fprintf(stderr, "bench-core: bad key %s\n", vkey);
		return 1;
	}
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) != 0 ||
	    (buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		perror(path);
		return 1;
	}
	close(fd);
	if (split_lines(buf, (size_t)st.st_size, &vk, &l, &n) != 0) {
		fprintf(stderr, "bench-core: %s: unexpected line\n", path);
		return 1;
	}
	for (i = 0; i < n; i++)
		entries += !l[i].cp;
	s.count = 0;
	s.ctx = EVP_MD_CTX_new();
	s.md = EVP_MD_fetch(NULL, "SHA256", NULL);
	vctx = EVP_MD_CTX_new();
	if (s.ctx == NULL || s.md == NULL || vctx == NULL)
		return 1;
	printf("entries %zu\nbytes %lld\n", entries, (long long)st.st_size);
	for (r = 0; r < reps; r++) {
		s.count = 0;
		sigs = 0;
		sigtime = 0;
		t = now();
		if (limit_pass(l, n, pk, &s, vctx, &sigtime, &sigs) != 0) {
			fprintf(stderr, "bench-core: %s does not verify\n",
			    path);
			return 1;
		}
		t = now() - t;
		printf("limit %.6f hash %.6f ed25519 %.6f\n", t, t - sigtime,
		    sigtime);
	}
	printf("hashes %lu\nsignatures %lu\n", s.count, sigs);
	for (i = 0; i < n; i++)
		free(l[i].text);
	free(l);
	munmap(buf, (size_t)st.st_size);
	EVP_MD_free(s.md);
	EVP_MD_CTX_free(s.ctx);
	EVP_MD_CTX_free(vctx);
	EVP_PKEY_free(pk);
	return 0;
}

/* The whole file in memory, for a transcript over the program's limit
 * (OFF_TRANSCRIPT_MAX): off_tlog_parse takes any size. */
static int
slurp(const char *path, char **buf, size_t *len)
{
	struct stat	st;
	ssize_t		n;
	size_t		got = 0;
	int		fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) != 0 ||
	    (*buf = malloc((size_t)st.st_size + 1)) == NULL)
		return -1;
	while (got < (size_t)st.st_size && (n = read(fd, *buf + got,
	    (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	(*buf)[got] = '\0';
	*len = got;
	return got == (size_t)st.st_size ? 0 : -1;
}

static int
cmd_verify(const char *path, const char *vkey)
{
	struct off_verify_opts		 o;
	struct off_verify_result	 r;
	struct off_vkey			 vk;
	struct off_tlog			*log = NULL;
	struct off_err			 err;
	struct rusage			 ru;
	struct stat			 st;
	char				*buf;
	size_t				 len;
	double				 t;
	int				 ret, whole;

	if (off_vkey_parse(vkey, &vk) != 0 || stat(path, &st) != 0) {
		fprintf(stderr, "bench-core: bad key %s or file %s\n", vkey,
		    path);
		return 1;
	}
	whole = st.st_size > OFF_TRANSCRIPT_MAX;
	memset(&o, 0, sizeof(o));
	o.keys = &vk;
	o.nkeys = 1;
	off_err_clear(&err);
	t = now();
	if (!whole)
		ret = off_transcript_verify(path, &o, &r, &err);
	else if (slurp(path, &buf, &len) != 0) {
		perror(path);
		return 1;
	} else if ((ret = off_tlog_parse(buf, len, path, &log, &err)) == 0)
		ret = off_tlog_verify(log, path, &o, &r, &err);
	off_tlog_free(&log);
	t = now() - t;
	if (ret != 0)
		return failed("verify", &err);
	getrusage(RUSAGE_SELF, &ru);
	printf("verify %.6f\nwhole %d\nentries %zu\ncheckpoints %zu\n"
	    "maxrss %ld\n", t, whole, r.entries, r.checkpoints, ru.ru_maxrss);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 4 && strcmp(argv[1], "kdf") == 0)
		return cmd_kdf(number(argv[2], "LOG2N"),
		    number(argv[3], "REPS"));
	if (argc == 5 && strcmp(argv[1], "quorum") == 0)
		return cmd_quorum(argv[2], argv[3], number(argv[4], "REPS"));
	if (argc == 5 && strcmp(argv[1], "limit") == 0)
		return cmd_limit(argv[2], argv[3], number(argv[4], "REPS"));
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3]);
	fprintf(stderr, "usage: bench-core kdf LOG2N REPS | quorum KMDATA "
	    "DRAWER REPS | limit FILE VKEY REPS | verify FILE VKEY\n");
	return 2;
}
