/*
 * idna.c
 *		UTS #46 / IDNA2008 conversions through libidn2.
 *
 * libidn2 allocates its results with malloc; we copy them into the caller's
 * buffer and free them at once, so no libidn2 memory outlives a call.
 */
#include "idna.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#define IDNA_INPUT_MAX 1024

bool
idna_label_to_ascii(const uint8_t *utf8, size_t len,
					char *out, size_t outsize, size_t *outlen,
					const char **reason)
{
	char		in[IDNA_INPUT_MAX + 1];
	char	   *res = NULL;
	size_t		rlen;
	int			rc;

	if (len > IDNA_INPUT_MAX)
	{
		*reason = "label is too long for IDNA processing";
		return false;
	}
	memcpy(in, utf8, len);
	in[len] = '\0';

	rc = idn2_lookup_u8((const uint8_t *) in, (uint8_t **) &res,
						IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
	{
		*reason = idn2_strerror(rc);
		return false;
	}
	rlen = strlen(res);
	if (rlen >= outsize)
	{
		idn2_free(res);
		*reason = "the converted label is too long";
		return false;
	}
	memcpy(out, res, rlen + 1);
	*outlen = rlen;
	idn2_free(res);
	return true;
}

bool
idna_alabel_to_unicode(const char *alabel, size_t len,
					   char *out, size_t outsize, size_t *outlen)
{
	char		in[IDNA_INPUT_MAX + 1];
	char	   *res = NULL;
	size_t		rlen;
	int			rc;

	if (len > IDNA_INPUT_MAX)
		return false;
	memcpy(in, alabel, len);
	in[len] = '\0';

	rc = idn2_to_unicode_8z8z(in, &res, 0);
	if (rc != IDN2_OK)
		return false;
	rlen = strlen(res);
	if (rlen >= outsize)
	{
		idn2_free(res);
		return false;
	}
	memcpy(out, res, rlen + 1);
	idn2_free(res);

	/*
	 * Display a U-label only if it converts back to the very same A-label:
	 * otherwise the rendering could show a different name than is stored.
	 */
	{
		char		back[IDNA_INPUT_MAX + 1];
		size_t		backlen;
		const char *reason;

		if (!idna_label_to_ascii((const uint8_t *) out, rlen, back, sizeof(back),
								 &backlen, &reason) ||
			backlen != len || memcmp(back, in, len) != 0)
			return false;
	}
	*outlen = rlen;
	return true;
}
