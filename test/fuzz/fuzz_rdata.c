/*
 * fuzz_rdata.c
 *		libFuzzer harness for rdata text and wire parsing and the rrset
 *		builder.
 *
 * Input: one octet choosing the RR type (from the table below, so the
 * fuzzer spends its time on layouts ldns and pdns know), one octet
 * choosing the mode, then the data:
 *	mode 0: the data is presentation-format rdata;
 *	mode 1: the data is wire rdata, validated and canonicalized;
 *	mode 2: the data is several rdata separated by newlines, built into
 *			an rrset payload.
 * Properties checked:
 *	- nothing crashes, hangs or overflows (ASan/UBSan);
 *	- accepted rdata is canonical: canonicalizing it again changes nothing;
 *	- its text parses back to the very same octets (ldns' text or generic);
 *	- name extraction stays within the rdata;
 *	- a built payload passes the framing check, in order, without duplicates.
 */
#include "rrset_codec.h"

#include <stdlib.h>
#include <string.h>

#include "ldns_leaks.h"

static const uint16_t types[] = {
	1, 2, 3, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
	24, 25, 26, 27, 28, 29, 30, 31, 33, 34, 35, 36, 37, 38, 39, 40, 42, 43,
	44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 55, 58, 59, 60, 61, 62, 63, 64,
	65, 66, 99, 104, 105, 106, 107, 108, 109, 249, 250, 256, 257, 260, 261,
	999, 32769, 65535
};

static void
check_name(const uint8_t *wire, size_t len, void *arg)
{
	const uint8_t *const *bounds = arg;

	if (len < 1 || len > 255 || wire < bounds[0] || wire + len > bounds[1])
		abort();
}

/* Properties of one accepted, canonical rdata. */
static void
check_rdata(uint16_t type, const uint8_t *rd, size_t len)
{
	static uint8_t again[RDATA_MAX];
	static char text[4 * RDATA_MAX + 64];
	size_t		againlen,
				tlen;
	rdata_error err;
	const uint8_t *bounds[2] = {rd, rd + len};

	memcpy(again, rd, len);
	if (!rdata_canonicalize(type, again, len, &err) || memcmp(again, rd, len) != 0)
		abort();
	tlen = rdata_to_text(type, rd, len, text, sizeof(text));
	if (tlen >= sizeof(text))
		abort();
	if (!rdata_from_text(type, text, tlen, NULL, again, &againlen, &err) ||
		againlen != len || memcmp(again, rd, len) != 0)
		abort();
	rdata_names(type, rd, len, check_name, bounds);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[RDATA_MAX];
	size_t		outlen;
	rdata_error err;
	uint16_t	type;

	if (size < 2)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	switch (data[1] % 3)
	{
		case 0:
			if (rdata_from_text(type, (const char *) data + 2, size - 2, NULL, out, &outlen, &err))
				check_rdata(type, out, outlen);
			break;
		case 1:
			memcpy(out, data + 2, size - 2);
			if (rdata_canonicalize(type, out, size - 2, &err))
				check_rdata(type, out, size - 2);
			break;
		case 2:
			{
				rrset_builder b;
				const char *p = (const char *) data + 2,
						   *end = (const char *) data + size;
				bool		ok = true;
				uint8_t    *payload;
				size_t		len;

				rrset_builder_init(&b, type, NULL, &pdns_malloc);
				while (ok && p < end)
				{
					const char *nl = memchr(p, '\n', (size_t) (end - p));
					size_t		n = nl ? (size_t) (nl - p) : (size_t) (end - p);

					ok = rrset_builder_add_text(&b, p, n);
					p += n + 1;
				}
				payload = ok ? rrset_builder_finish(&b, 0, &len) : NULL;
				if (payload)
				{
					uint16_t	t;
					size_t		count,
								off = RRSET_HEADER;
					rrset_error rerr;
					rrset_elem	e,
								prev = {NULL, 0};

					if (!rrset_payload_check(payload, len, &t, &count, &rerr) || t != type)
						abort();
					while (rrset_payload_next(payload, len, &off, &e))
					{
						if (prev.data && rrset_elem_cmp(&prev, &e) >= 0)
							abort();
						check_rdata(type, e.data, e.len);
						prev = e;
					}
					free(payload);
				}
				rrset_builder_free(&b);
			}
			break;
	}
	return 0;
}
