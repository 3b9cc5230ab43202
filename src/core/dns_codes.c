/*
 * dns_codes.c
 *		Class and rcode tables.
 */
#include "dns_codes.h"

#include <stdio.h>
#include <string.h>

typedef struct code_name
{
	uint16_t	code;
	const char *name;
} code_name;

static const code_name classes[] = {
	{1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
};

static const code_name rcodes[] = {
	{0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"},
	{4, "NOTIMP"}, {5, "REFUSED"}, {6, "YXDOMAIN"}, {7, "YXRRSET"},
	{8, "NXRRSET"}, {9, "NOTAUTH"}, {10, "NOTZONE"}, {11, "DSOTYPENI"},
	{16, "BADVERS"}, {17, "BADKEY"}, {18, "BADTIME"}, {19, "BADMODE"},
	{20, "BADNAME"}, {21, "BADALG"}, {22, "BADTRUNC"}, {23, "BADCOOKIE"},
};

bool
parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (max - (uint64_t) (s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Case-insensitive match of s[0..len) against an upper-case name. */
static bool
same_name(const char *s, size_t len, const char *name)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char) (c - 'a' + 'A');
		if (name[i] == '\0' || c != name[i])
			return false;
	}
	return name[len] == '\0';
}

static bool
code_from_text(const code_name *table, size_t n, const char *prefix,
			   uint64_t max, const char *s, size_t len, uint16_t *out)
{
	size_t		plen = strlen(prefix),
				i;
	uint64_t	v;

	if (parse_uint(s, len, max, &v))
	{
		*out = (uint16_t) v;
		return true;
	}
	for (i = 0; i < n; i++)
		if (same_name(s, len, table[i].name))
		{
			*out = table[i].code;
			return true;
		}
	if (len > plen && same_name(s, plen, prefix) && parse_uint(s + plen, len - plen, max, &v))
	{
		*out = (uint16_t) v;
		return true;
	}
	return false;
}

static size_t
code_to_text(const code_name *table, size_t n, const char *prefix,
			 uint16_t code, char *out)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (table[i].code == code)
			return (size_t) snprintf(out, DNS_CODE_TEXT_MAX, "%s", table[i].name);
	return (size_t) snprintf(out, DNS_CODE_TEXT_MAX, "%s%u", prefix, (unsigned) code);
}

bool
dns_class_from_text(const char *s, size_t len, uint16_t *out)
{
	return code_from_text(classes, sizeof(classes) / sizeof(classes[0]), "CLASS",
						  65535, s, len, out);
}

size_t
dns_class_to_text(uint16_t class, char *out)
{
	return code_to_text(classes, sizeof(classes) / sizeof(classes[0]), "CLASS", class, out);
}

bool
dns_rcode_from_text(const char *s, size_t len, uint16_t *out)
{
	return code_from_text(rcodes, sizeof(rcodes) / sizeof(rcodes[0]), "RCODE",
						  4095, s, len, out);
}

size_t
dns_rcode_to_text(uint16_t rcode, char *out)
{
	return code_to_text(rcodes, sizeof(rcodes) / sizeof(rcodes[0]), "RCODE", rcode, out);
}
