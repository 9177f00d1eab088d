#include "config.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "encode.h"
#include "error.h"
#include "gf256.h"
#include "i18n.h"
#include "secmem.h"
#include "shamir.h"

#define SHARE_DOMAIN	"officiant share tag v1"
#define COMMIT_DOMAIN	"officiant secret commitment v1"

int
off_shamir_split(const uint8_t secret[OFF_SECRET_LEN], unsigned k,
    unsigned n, struct off_share *shares, struct off_err *err)
{
	uint8_t		*coef = NULL;
	unsigned	 i, b;
	int		 ret;

	if (k < 1 || k > n || n > OFF_SHAMIR_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("quorum %u/%u is impossible; need 1 <= K <= N <= %d"),
		    k, n, OFF_SHAMIR_MAX);
	/* One polynomial of degree k-1 per byte; coef[b*k] is the secret. */
	if ((coef = off_secalloc((size_t)OFF_SECRET_LEN * k)) == NULL)
		return off_err_set(err, OFF_ERR_SECMEM, NULL, NULL);
	for (b = 0; b < OFF_SECRET_LEN; b++) {
		coef[b * k] = secret[b];
		if (k > 1 && RAND_priv_bytes(coef + b * k + 1, (int)(k - 1))
		    != 1) {
			ret = off_err_crypto(err, _("random generator failed"));
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		shares[i].x = (uint8_t)(i + 1);
		for (b = 0; b < OFF_SECRET_LEN; b++)
			shares[i].y[b] = gf256_eval(coef + b * k, k,
			    shares[i].x);
	}
	ret = 0;
out:
	off_secfree(&coef);
	return ret;
}

int
off_shamir_share_tag(const uint8_t *ctx, size_t ctxlen,
    const struct off_share *s, uint8_t tag[OFF_SHARE_TAG_LEN])
{
	struct off_tbs	t;
	int		ret;

	off_tbs_init(&t, SHARE_DOMAIN);
	off_tbs_bytes(&t, ctx, ctxlen);
	off_tbs_bytes(&t, &s->x, 1);
	off_tbs_bytes(&t, s->y, sizeof(s->y));
	if ((ret = off_tbs_ok(&t)) == 0 &&
	    EVP_Digest(t.p, t.len, tag, NULL, EVP_sha256(), NULL) != 1)
		ret = OFF_ERR_CRYPTO;
	/* The string holds the share: wipe before freeing. */
	off_wipe(t.p, t.len);
	off_tbs_free(&t);
	return ret;
}

int
off_shamir_share_check(const uint8_t *ctx, size_t ctxlen,
    const struct off_share *s, const uint8_t tag[OFF_SHARE_TAG_LEN])
{
	uint8_t	mine[OFF_SHARE_TAG_LEN];
	int	ret;

	if ((ret = off_shamir_share_tag(ctx, ctxlen, s, mine)) != 0)
		return ret;
	return off_ctcmp(mine, tag, sizeof(mine)) == 0 ? 0 : OFF_ERR_AUTH;
}

int
off_shamir_commit(const uint8_t *ctx, size_t ctxlen,
    const uint8_t secret[OFF_SECRET_LEN], uint8_t commit[OFF_COMMIT_LEN])
{
	struct off_tbs	t;
	unsigned int	len = OFF_COMMIT_LEN;
	int		ret;

	off_tbs_init(&t, COMMIT_DOMAIN);
	off_tbs_bytes(&t, ctx, ctxlen);
	if ((ret = off_tbs_ok(&t)) == 0 &&
	    HMAC(EVP_sha256(), secret, OFF_SECRET_LEN, t.p, t.len, commit,
	    &len) == NULL)
		ret = OFF_ERR_CRYPTO;
	off_tbs_free(&t);
	return ret;
}

int
off_shamir_combine(const struct off_share *const *shares, size_t k,
    const uint8_t *ctx, size_t ctxlen, const uint8_t commit[OFF_COMMIT_LEN],
    uint8_t secret[OFF_SECRET_LEN], struct off_err *err)
{
	uint8_t		 xs[OFF_SHAMIR_MAX], mine[OFF_COMMIT_LEN];
	const uint8_t	*ys[OFF_SHAMIR_MAX];
	size_t		 i, j;
	int		 ret;

	if (k < 1 || k > OFF_SHAMIR_MAX)
		return off_err_set(err, OFF_ERR_INVALID, NULL,
		    _("cannot combine %zu shares"), k);
	for (i = 0; i < k; i++) {
		if (shares[i]->x == 0)
			return off_err_set(err, OFF_ERR_FORMAT, NULL,
			    _("share with x = 0 refused"));
		for (j = 0; j < i; j++)
			if (shares[j]->x == shares[i]->x)
				return off_err_set(err, OFF_ERR_DUPLICATE, NULL,
				    _("share %u given twice"), shares[i]->x);
		xs[i] = shares[i]->x;
		ys[i] = shares[i]->y;
	}
	gf256_interpolate0(xs, ys, k, OFF_SECRET_LEN, secret);
	if ((ret = off_shamir_commit(ctx, ctxlen, secret, mine)) != 0)
		goto fail;
	if (off_ctcmp(mine, commit, OFF_COMMIT_LEN) != 0) {
		ret = off_err_set(err, OFF_ERR_COMMITMENT, NULL,
		    _("the shares do not reconstruct the committed secret"));
		goto fail;
	}
	return 0;
fail:
	off_wipe(secret, OFF_SECRET_LEN);
	return ret;
}
