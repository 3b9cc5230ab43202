/*
 * public_suffix.c
 *		The Public Suffix List applied to canonical name keys.
 */
#include "public_suffix.h"
#include "dnsname_codec.h"

#include <stdbool.h>
#include <string.h>

psl_ctx_t *
ps_load(const char *path)
{
	if (path == NULL || path[0] == '\0')
		return psl_latest(NULL);
	return psl_load_file(path);
}

/* Could this key-encoded label appear in the list as it is? */
static bool
listable_label(const uint8_t *label, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (label[i] <= 0x20 || label[i] >= 0x7F || label[i] == '.')
			return false;
	return true;
}

int
ps_suffix_labels(const psl_ctx_t *psl, const uint8_t *key, size_t keylen)
{
	uint16_t	starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends);
	int			usable = 0,
				i,
				labels;
	char		text[DN_MAX_WIRE + 1];
	char	   *o = text;
	const char *suffix;

	if (n == 0)
		return 0;
	while (usable < n && listable_label(key + starts[usable], ends[usable] - starts[usable]))
		usable++;
	if (usable == 0)
		return 1;

	/* the usable labels, left to right, as the dotted text libpsl reads */
	for (i = usable - 1; i >= 0; i--)
	{
		memcpy(o, key + starts[i], ends[i] - starts[i]);
		o += ends[i] - starts[i];
		if (i > 0)
			*o++ = '.';
	}
	*o = '\0';

	suffix = psl_unregistrable_domain(psl, text);
	if (suffix == NULL)
		return 1;
	labels = 1;
	for (; *suffix; suffix++)
		labels += (*suffix == '.');
	return labels;
}
