/*
 * ingest_redact.c
 *		No client address in the clear in the rejects (docs/privacy.md).
 *
 * A line that split into fields, with its client field read as an
 * address (or empty), has that address replaced by its pseudonym wherever
 * it stands in the line and in the reason -- the keyed, prefix-preserving
 * pseudonym the store gives clients -- and keeps everything else as it
 * came.  A line that could not be split, or whose client field was not an
 * address, may hold a client address anywhere: every run of characters in
 * it that reads as an IPv4 or IPv6 address is replaced by its pseudonym.
 * Without a key, "[address]" takes the place of a pseudonym.  Binary rows
 * (DNS messages, captured packets) keep their octets; their client is a
 * column of its own, pseudonymized when it is stored.
 */
#include "ingest.h"

#include <arpa/inet.h>

#include "lib/stringinfo.h"

typedef enum redaction
{
	REDACT_EVERY_ADDRESS,		/* the line did not split (yet) */
	REDACT_CLIENTS,				/* the client addresses read from its fields */
	REDACT_BINARY				/* octets kept; the reason as unsplit text */
} redaction;

#define MAX_ROW_CLIENTS 8

static redaction row_redaction = REDACT_EVERY_ADDRESS;
static inet row_clients[MAX_ROW_CLIENTS];
static int	n_row_clients = 0;

void
ingest_row_redaction_begin(void)
{
	row_redaction = REDACT_EVERY_ADDRESS;
	n_row_clients = 0;
}

void
ingest_row_split(void)
{
	if (row_redaction == REDACT_EVERY_ADDRESS)
		row_redaction = REDACT_CLIENTS;
}

void
ingest_row_binary(void)
{
	row_redaction = REDACT_BINARY;
}

/* A client address read from the line's fields (NULL: one that was not an address). */
void
ingest_row_client(const inet *client)
{
	if (client == NULL || n_row_clients == MAX_ROW_CLIENTS)
		row_redaction = REDACT_EVERY_ADDRESS;
	else
		memcpy(&row_clients[n_row_clients++], client, sizeof(inet));
}

static bool
is_row_client(const inet *a)
{
	for (int i = 0; i < n_row_clients; i++)
		if (VARSIZE(a) == VARSIZE(&row_clients[i]) &&
			memcmp(a, &row_clients[i], VARSIZE(a)) == 0)
			return true;
	return false;
}

/* Does s[0..len) read as an address?  Its pseudonym's text into out. */
static bool
pseudonym_text(const char *s, size_t len, redaction mode, char *out, size_t outlen)
{
	inet		a,
				p;

	if (!ingest_parse_address(s, len, &a))
		return false;
	if (mode == REDACT_CLIENTS && !is_row_client(&a))
		return false;
	if (!pdns_pseudonymization_key_is_set())
	{
		strlcpy(out, "[address]", outlen);
		return true;
	}
	pdns_pseudonymize_inet(&a, &p);
	return inet_ntop(ip_family(&p) == PGSQL_AF_INET ? AF_INET : AF_INET6,
					 ip_addr(&p), out, outlen) != NULL;
}

/*
 * The address at the start of a run: the whole run, the run less trailing
 * dots and colons (end of a sentence, a name), or an IPv4 address before
 * ":port".  Its length, or 0.
 */
static size_t
address_in_run(const char *s, size_t len, redaction mode, char *out, size_t outlen)
{
	size_t		n = len;
	const char *colon;

	if (pseudonym_text(s, n, mode, out, outlen))
		return n;
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ':'))
		n--;
	if (n < len && pseudonym_text(s, n, mode, out, outlen))
		return n;
	colon = memchr(s, ':', n);
	if (colon != NULL && memchr(s, '.', colon - s) != NULL &&
		pseudonym_text(s, colon - s, mode, out, outlen))
		return colon - s;
	return 0;
}

static void
redact(const char *s, size_t len, redaction mode, StringInfo out)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		run = 0;
		char		pseudonym[INET6_ADDRSTRLEN + 1];
		size_t		used;

		while (i + run < len && pdns_address_char(s[i + run]))
			run++;
		/* the shortest address text is "::", but a lone "::" says nothing */
		if (run >= 3 && (used = address_in_run(s + i, run, mode, pseudonym, sizeof(pseudonym))) > 0)
		{
			appendStringInfoString(out, pseudonym);
			appendBinaryStringInfo(out, s + i + used, (int) (run - used));
			i += run;
			continue;
		}
		if (run == 0)
			run = 1;
		appendBinaryStringInfo(out, s + i, (int) run);
		i += run;
	}
}

bytea *
ingest_redact_line(const uint8 *raw, size_t len)
{
	StringInfoData b;

	initStringInfo(&b);
	appendStringInfoSpaces(&b, VARHDRSZ);
	if (row_redaction == REDACT_BINARY)
		appendBinaryStringInfo(&b, (const char *) raw, (int) len);
	else
		redact((const char *) raw, len, row_redaction, &b);
	SET_VARSIZE(b.data, b.len);
	return (bytea *) b.data;
}

char *
ingest_redact_text(const char *text)
{
	StringInfoData b;

	initStringInfo(&b);
	redact(text, strlen(text),
		   row_redaction == REDACT_BINARY ? REDACT_EVERY_ADDRESS : row_redaction, &b);
	return b.data;
}
