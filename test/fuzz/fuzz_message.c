/*
 * fuzz_message.c
 *		libFuzzer harness for the DNS message parser.
 *
 * Properties checked on every input:
 *	- nothing crashes, hangs or overflows (ASan/UBSan), whatever the
 *	  pointers, counts and lengths say;
 *	- the result is consistent: damage is flagged with a reason, sets are
 *	  no more than RRs, every RR belongs to exactly one set;
 *	- every set builds into a payload that passes the framing check, whose
 *	  elements are canonical and print to text that parses back to them.
 */
#include "dns_message.h"

#include <stdlib.h>
#include <string.h>

#include "ldns_leaks.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[RDATA_MAX];
	static char text[4 * RDATA_MAX + 64];
	dns_message m;
	size_t		members = 0;

	if (!dns_message_parse(data, size, &pdns_malloc, &m))
		abort();
	if ((m.partial && m.problem[0] == '\0') || (!m.partial && m.problem[0] != '\0'))
		abort();
	if (m.n_sets > m.n_rrs || m.header_ok != (size >= DNS_HEADER_LEN))
		abort();
	for (size_t s = 0; s < m.n_sets; s++)
	{
		size_t		len,
					count,
					off = RRSET_HEADER;
		uint16_t	type;
		rrset_error err;
		rrset_elem	e;
		uint8_t    *p = dns_message_rrset_payload(&m, s, 0, &len);

		members += m.sets[s].count;
		if (p == NULL || !rrset_payload_check(p, len, &type, &count, &err) ||
			type != m.sets[s].type || count > m.sets[s].count)
			abort();
		while (rrset_payload_next(p, len, &off, &e))
		{
			rdata_error rerr;
			size_t		tlen,
						againlen;

			memcpy(again, e.data, e.len);
			if (!rdata_canonicalize(type, again, e.len, &rerr) ||
				memcmp(again, e.data, e.len) != 0)
				abort();
			tlen = rdata_to_text(type, e.data, e.len, text, sizeof(text));
			if (tlen >= sizeof(text) ||
				!rdata_from_text(type, text, tlen, NULL, again, &againlen, &rerr) ||
				againlen != e.len || memcmp(again, e.data, e.len) != 0)
				abort();
		}
		free(p);
	}
	if (members != m.n_rrs)
		abort();
	dns_message_free(&m);
	return 0;
}
