/*
 * fuzz_dnsname.c
 *		libFuzzer harness for the name codec and the rrtype parser.
 *
 * Properties checked on every input, as text and as wire form:
 *	- parsing never crashes, hangs or overflows (ASan/UBSan);
 *	- the fast path for plain ASCII names and the general parser agree;
 *	- a parsed name prints, and the printed text parses back to the same key;
 *	- the key converts to wire form and back unchanged;
 *	- keys never exceed DN_KEY_MAX, text never exceeds DN_TEXT_MAX.
 */
#include "dnsname_codec.h"
#include "rrtype_table.h"

#include <stdlib.h>
#include <string.h>

static void
check_key(const dn_key *key)
{
	char		text[DN_TEXT_MAX];
	uint8_t		wire[DN_MAX_WIRE];
	size_t		tlen,
				wlen,
				used;
	dn_key		again;
	dn_error	err;

	if (key->len > DN_KEY_MAX)
		abort();
	tlen = dn_to_text(key->bytes, key->len, text);
	if (tlen >= DN_TEXT_MAX)
		abort();
	if (!dn_from_text(text, tlen, &again, &err))
		abort();
	if (again.len != key->len || memcmp(again.bytes, key->bytes, key->len) != 0)
		abort();

	wlen = dn_to_wire(key->bytes, key->len, wire);
	if (wlen > DN_MAX_WIRE)
		abort();
	if (!dn_from_wire(wire, wlen, &used, &again, &err) || used != wlen)
		abort();
	if (again.len != key->len || memcmp(again.bytes, key->bytes, key->len) != 0)
		abort();
	if (dn_key_label_count(key->bytes, key->len) > DN_MAX_LABELS)
		abort();
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dn_key		key,
				general;
	dn_error	err;
	bool		ok;
	size_t		used;
	uint16_t	type;
	char		desc[256];

	ok = dn_from_text((const char *) data, size, &key, &err);
	if (ok != dn_from_text_general((const char *) data, size, &general, &err) ||
		(ok && (general.len != key.len || memcmp(general.bytes, key.bytes, key.len) != 0)))
		abort();
	if (ok)
		check_key(&key);
	else
		dn_error_describe(&err, desc, sizeof(desc));

	if (dn_from_wire(data, size, &used, &key, &err))
	{
		if (used > size)
			abort();
		check_key(&key);
	}

	if (rrtype_from_text((const char *) data, size, &type) == RRTYPE_OK)
	{
		char		text[RRTYPE_TEXT_MAX];
		uint16_t	back;
		size_t		len = rrtype_to_text(type, text);

		if (rrtype_from_text(text, len, &back) != RRTYPE_OK || back != type)
			abort();
	}
	return 0;
}
