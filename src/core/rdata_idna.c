/*
 * rdata_idna.c
 *		U-labels in rdata text to A-labels (see rdata_idna.h).
 *
 * Only types whose rdata holds names are looked at, only unquoted tokens
 * that hold octets from 0x80 up are taken for names (text strings, TXT and
 * the NAPTR regexp among them, are quoted or of other types), and pure
 * ASCII text costs one scan.
 */
#include "rdata_idna.h"

#include <stdlib.h>
#include <string.h>

#include "dnsname_codec.h"
#include "rdata.h"

static bool
has_high_octet(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return true;
	return false;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Append n octets to the growing output; false when out of memory. */
static bool
put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap)
	{
		size_t		want = (*len + n + 1) * 2;
		char	   *bigger = realloc(*buf, want);

		if (bigger == NULL)
			return false;
		*buf = bigger;
		*cap = want;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

bool
rdata_text_alabels(uint16_t type, const char *text, size_t len,
				   char **out, size_t *outlen, const char **reason)
{
	char	   *buf = NULL;
	size_t		blen = 0,
				cap = 0,
				i = 0;

	*out = NULL;
	if (rdata_layout_of(type) == NULL || !has_high_octet(text, len))
		return true;
	while (i < len)
	{
		size_t		start = i;

		if (blank(text[i]))
		{
			while (i < len && blank(text[i]))
				i++;
		}
		else if (text[i] == '"')
		{
			/* a quoted string, kept whole (escapes included) */
			for (i++; i < len && text[i] != '"'; i++)
				if (text[i] == '\\' && i + 1 < len)
					i++;
			if (i < len)
				i++;
		}
		else
		{
			while (i < len && !blank(text[i]) && text[i] != '"')
				i += (text[i] == '\\' && i + 1 < len) ? 2 : 1;
			if (has_high_octet(text + start, i - start))
			{
				dn_key		key;
				dn_error	err;
				char		name[DN_TEXT_MAX + 2];
				size_t		n;

				if (!dn_from_text(text + start, i - start, &key, &err))
				{
					free(buf);
					*reason = "a name in the rdata is not a valid internationalized name";
					return false;
				}
				n = dn_to_text(key.bytes, key.len, name);
				/* keep the name absolute or relative, as written */
				if (text[i - 1] == '.' && !(n == 1 && name[0] == '.'))
					name[n++] = '.';
				if (!put(&buf, &blen, &cap, name, n))
				{
					free(buf);
					*reason = "out of memory";
					return false;
				}
				continue;
			}
		}
		if (!put(&buf, &blen, &cap, text + start, i - start))
		{
			free(buf);
			*reason = "out of memory";
			return false;
		}
	}
	*out = buf;
	*outlen = blen;
	return true;
}
