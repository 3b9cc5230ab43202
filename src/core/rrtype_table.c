/*
 * rrtype_table.c
 *		The RR type registry as data, and its lookups.
 *
 * Mnemonics follow the IANA registry; 255 is printed "ANY" (the registry's
 * "*"), as DNS tools and DNSDB print it.
 */
#include "rrtype_table.h"

#include <stdio.h>
#include <string.h>

typedef struct rrtype_entry
{
	uint16_t	type;
	const char *name;
} rrtype_entry;

/* Sorted by number: rrtype_mnemonic() searches it by bisection. */
static const rrtype_entry rrtypes[] = {
	{1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"},
	{7, "MB"}, {8, "MG"}, {9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"},
	{13, "HINFO"}, {14, "MINFO"}, {15, "MX"}, {16, "TXT"}, {17, "RP"},
	{18, "AFSDB"}, {19, "X25"}, {20, "ISDN"}, {21, "RT"}, {22, "NSAP"},
	{23, "NSAP-PTR"}, {24, "SIG"}, {25, "KEY"}, {26, "PX"}, {27, "GPOS"},
	{28, "AAAA"}, {29, "LOC"}, {30, "NXT"}, {31, "EID"}, {32, "NIMLOC"},
	{33, "SRV"}, {34, "ATMA"}, {35, "NAPTR"}, {36, "KX"}, {37, "CERT"},
	{38, "A6"}, {39, "DNAME"}, {40, "SINK"}, {41, "OPT"}, {42, "APL"},
	{43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"}, {47, "NSEC"},
	{48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"}, {51, "NSEC3PARAM"},
	{52, "TLSA"}, {53, "SMIMEA"}, {55, "HIP"}, {56, "NINFO"}, {57, "RKEY"},
	{58, "TALINK"}, {59, "CDS"}, {60, "CDNSKEY"}, {61, "OPENPGPKEY"},
	{62, "CSYNC"}, {63, "ZONEMD"}, {64, "SVCB"}, {65, "HTTPS"}, {66, "DSYNC"},
	{67, "HHIT"}, {68, "BRID"},
	{99, "SPF"}, {100, "UINFO"}, {101, "UID"}, {102, "GID"}, {103, "UNSPEC"},
	{104, "NID"}, {105, "L32"}, {106, "L64"}, {107, "LP"}, {108, "EUI48"},
	{109, "EUI64"}, {128, "NXNAME"},
	{249, "TKEY"}, {250, "TSIG"}, {251, "IXFR"}, {252, "AXFR"},
	{253, "MAILB"}, {254, "MAILA"}, {255, "ANY"}, {256, "URI"}, {257, "CAA"},
	{258, "AVC"}, {259, "DOA"}, {260, "AMTRELAY"}, {261, "RESINFO"},
	{262, "WALLET"}, {263, "CLA"}, {264, "IPN"},
	{32768, "TA"}, {32769, "DLV"},
};

#define NTYPES (sizeof(rrtypes) / sizeof(rrtypes[0]))

const char *
rrtype_mnemonic(uint16_t type)
{
	size_t		lo = 0,
				hi = NTYPES;

	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (rrtypes[mid].type == type)
			return rrtypes[mid].name;
		if (rrtypes[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
rrtype_to_text(uint16_t type, char *out)
{
	const char *name = rrtype_mnemonic(type);

	if (name != NULL)
	{
		size_t		len = strlen(name);

		memcpy(out, name, len + 1);
		return len;
	}
	return (size_t) snprintf(out, RRTYPE_TEXT_MAX, "TYPE%u", (unsigned) type);
}

static inline char
upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char) (c - ('a' - 'A')) : c;
}

/* Decimal digits only, at most 65535.  Returns false when not a number. */
static bool
parse_number(const char *s, size_t len, uint32_t *out, bool *overflow)
{
	uint32_t	v = 0;
	size_t		i;

	*overflow = false;
	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v <= 65535)
			v = v * 10 + (uint32_t) (s[i] - '0');
	}
	*overflow = v > 65535;
	*out = v;
	return true;
}

rrtype_status
rrtype_from_text(const char *text, size_t len, uint16_t *out)
{
	char		name[RRTYPE_TEXT_MAX];
	uint32_t	v;
	bool		overflow;
	size_t		i;

	if (len == 0)
		return RRTYPE_EMPTY;
	if (parse_number(text, len, &v, &overflow))
	{
		if (overflow)
			return RRTYPE_OUT_OF_RANGE;
		*out = (uint16_t) v;
		return RRTYPE_OK;
	}
	if (len > 4 && upper(text[0]) == 'T' && upper(text[1]) == 'Y' &&
		upper(text[2]) == 'P' && upper(text[3]) == 'E' &&
		parse_number(text + 4, len - 4, &v, &overflow))
	{
		if (overflow)
			return RRTYPE_OUT_OF_RANGE;
		*out = (uint16_t) v;
		return RRTYPE_OK;
	}
	if (len >= RRTYPE_TEXT_MAX)
		return RRTYPE_UNKNOWN_MNEMONIC;
	for (i = 0; i < len; i++)
		name[i] = upper(text[i]);
	name[len] = '\0';

	for (i = 0; i < NTYPES; i++)
	{
		if (strcmp(rrtypes[i].name, name) == 0)
		{
			*out = rrtypes[i].type;
			return RRTYPE_OK;
		}
	}
	return RRTYPE_UNKNOWN_MNEMONIC;
}
