/*
 * ingest_native.c
 *		The native observation layout, one RR per line, as text (tab-
 *		separated, COPY text escapes) or CSV:
 *
 *		 1 time       epoch seconds (fraction allowed) or ISO 8601
 *		 2 sensor     sensor name
 *		 3 client     client address (empty: unknown); pseudonymized
 *		 4 server     server address (empty: unknown); checked, not stored
 *		 5 rrname     owner name, presentation format
 *		 6 rrtype     mnemonic, TYPEnnn or number
 *		 7 class      IN (empty means IN); other classes are refused
 *		 8 ttl        0..2147483647, or empty; checked, not stored
 *		 9 rdata      one rdata in presentation format; empty for a
 *		              negative answer
 *		10 bailiwick  zone of the answering server (optional)
 *		11 count      how many times, default 1 (optional)
 *		12 rcode      NOERROR, NXDOMAIN, ... or a number, default NOERROR
 *		              (optional)
 *
 * A row with rcode other than NOERROR, or with no rdata, is a negative
 * answer for (rrname, rrtype); its rdata, if any, is ignored.
 */
#include "ingest.h"

#include "access/htup_details.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "dns_codes.h"
#include "field_split.h"
#include "rrtype_table.h"
#include "time_parse.h"

#include <arpa/inet.h>

#define NATIVE_MIN_FIELDS 9
#define NATIVE_MAX_FIELDS 12

/*
 * A host address (v4 or v6, no prefix length) into an inet.  An IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d, as dual-stack sockets report IPv4 peers)
 * becomes the IPv4 address, so one client has one pseudonym however its
 * sensor wrote it.
 */
bool
ingest_parse_address(const char *s, size_t len, inet *out)
{
	char		buf[INET6_ADDRSTRLEN + 1];
	inet_struct *ip = &out->inet_data;

	if (len == 0 || len > INET6_ADDRSTRLEN)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, ip->ipaddr) == 1)
	{
		ip->family = PGSQL_AF_INET;
		ip->bits = 32;
	}
	else if (inet_pton(AF_INET6, buf, ip->ipaddr) == 1)
	{
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		ip->family = PGSQL_AF_INET6;
		ip->bits = 128;
		if (memcmp(ip->ipaddr, mapped, sizeof(mapped)) == 0)
		{
			memmove(ip->ipaddr, ip->ipaddr + 12, 4);
			memset(ip->ipaddr + 4, 0, 12);
			ip->family = PGSQL_AF_INET;
			ip->bits = 32;
		}
	}
	else
		return false;
	SET_INET_VARSIZE(out);
	return true;
}

#define FIELD_EMPTY(f, i) ((i) >= (f)->count || (f)->null[i] || (f)->len[i] == 0)

/*
 * Reject a native line: `line`, or when there is none (a row of
 * pdns.native_in, whose fields came as columns), its fields joined by tabs.
 */
static void
native_reject(const char *sensor, const fields *f, const char *line, size_t len, const char *why)
{
	StringInfoData joined;

	if (line != NULL)
	{
		ingest_reject(sensor, (const uint8 *) line, len, why);
		return;
	}
	initStringInfo(&joined);
	for (int i = 0; i < f->count; i++)
	{
		if (i > 0)
			appendStringInfoChar(&joined, '\t');
		appendBinaryStringInfo(&joined, f->value[i], f->len[i]);
	}
	ingest_reject(sensor, (const uint8 *) joined.data, joined.len, why);
	pfree(joined.data);
}

/*
 * The fields of one native line into an observation, or a reject (of
 * `line`, the raw line, or of the fields when it is NULL).
 */
static void
native_fields(const fields *f, const char *line, size_t len)
{
	const char *reason = NULL;
	char		why[256];
	ingest_obs	o;
	inet		client;
	uint16		class = 1;
	uint64		n;
	const char *sensor = NULL;

	memset(&o, 0, sizeof(o));
	o.count = 1;

#define REJECT(...) \
	do { \
		snprintf(why, sizeof(why), __VA_ARGS__); \
		native_reject(sensor, f, line, len, why); \
		return; \
	} while (0)

	if (f->count < NATIVE_MIN_FIELDS || f->count > NATIVE_MAX_FIELDS)
		REJECT("expected %d to %d fields, found %d", NATIVE_MIN_FIELDS, NATIVE_MAX_FIELDS, f->count);
	ingest_row_split();
	sensor = FIELD_EMPTY(f, 1) ? ingest_default_sensor() : f->value[1];
	/* the client first: a reject for any other field knows what to hide */
	if (!FIELD_EMPTY(f, 2))
	{
		if (!ingest_parse_address(f->value[2], f->len[2], &client))
		{
			ingest_row_client(NULL);
			REJECT("bad client address \"%.64s\"", f->value[2]);
		}
		ingest_row_client(&client);
		o.client = &client;
	}

	if (!parse_time_usec(f->value[0], f->len[0], &o.time, &reason))
		REJECT("bad time \"%.64s\": %s", f->value[0], reason);
	o.sensor_id = ingest_sensor_id(sensor, strlen(sensor));

	if (!FIELD_EMPTY(f, 3))
	{
		inet		server;

		if (!ingest_parse_address(f->value[3], f->len[3], &server))
			REJECT("bad server address \"%.64s\"", f->value[3]);
	}
	if (FIELD_EMPTY(f, 4))
		REJECT("the rrname is empty");
	if (!ingest_name(f->value[4], f->len[4], &o.rrname, &o.rrname_len, &reason))
		REJECT("bad rrname \"%.64s\": %s", f->value[4], reason);
	switch (rrtype_from_text(f->value[5], f->len[5], &o.rrtype))
	{
		case RRTYPE_OK:
			break;
		case RRTYPE_EMPTY:
			REJECT("the rrtype is empty");
		case RRTYPE_OUT_OF_RANGE:
			REJECT("rrtype \"%.32s\" is out of range", f->value[5]);
		case RRTYPE_UNKNOWN_MNEMONIC:
			REJECT("unknown rrtype \"%.32s\"", f->value[5]);
	}
	if (!FIELD_EMPTY(f, 6) && !dns_class_from_text(f->value[6], f->len[6], &class))
		REJECT("bad class \"%.32s\"", f->value[6]);
	if (class != 1)
		REJECT("class %.32s is not stored (only IN)", f->value[6]);
	if (!FIELD_EMPTY(f, 7) && !parse_uint(f->value[7], f->len[7], INT32_MAX, &n))
		REJECT("bad ttl \"%.32s\"", f->value[7]);
	if (!FIELD_EMPTY(f, 9))
	{
		if (!ingest_name(f->value[9], f->len[9], &o.bailiwick, &o.bailiwick_len, &reason))
			REJECT("bad bailiwick \"%.64s\": %s", f->value[9], reason);
	}
	if (!FIELD_EMPTY(f, 10))
	{
		if (!parse_uint(f->value[10], f->len[10], INT64_MAX, &n) || n == 0)
			REJECT("bad count \"%.32s\" (a whole number from 1)", f->value[10]);
		if (n > (uint64) INGEST_LINE_COUNT_MAX)
			REJECT("count %.32s is out of range (1 to " INT64_FORMAT " a line)", f->value[10],
				   (int64) INGEST_LINE_COUNT_MAX);
		o.count = (int64) n;
	}
	if (!FIELD_EMPTY(f, 11) && !dns_rcode_from_text(f->value[11], f->len[11], &o.rcode))
		REJECT("bad rcode \"%.32s\"", f->value[11]);

	if (o.rcode == 0 && !FIELD_EMPTY(f, 8))
	{
		if (!ingest_rdata(o.rrtype, f->value[8], f->len[8], &o.rdata, &reason))
		{
			char		type[RRTYPE_TEXT_MAX];

			rrtype_to_text(o.rrtype, type);
			REJECT("bad %s rdata \"%.64s\": %s", type, f->value[8], reason);
		}
	}
	if (!ingest_admit(&o, why, sizeof(why)))
		REJECT("%s", why);
	ingest_add(&o);
#undef REJECT
}

/*
 * Parse one native line into an observation, or a reject.  `csv` picks the
 * field syntax.
 */
void
ingest_native_line(const char *line, size_t len, bool csv)
{
	char	   *scratch = palloc(len + 1 + FIELDS_MAX);
	fields		f;
	const char *reason = NULL;

	if (!(csv ? split_csv_line(line, len, ',', &f, scratch, &reason)
		  : split_text_line(line, len, '\t', &f, scratch, &reason)))
	{
		char		why[256];

		snprintf(why, sizeof(why), "malformed line: %s", reason);
		ingest_reject(NULL, (const uint8 *) line, len, why);
	}
	else
		native_fields(&f, line, len);
	pfree(scratch);
}

/*
 * A row of pdns.native_in: the native layout's twelve fields as columns,
 * split and unescaped by COPY itself (its default text format).  A reject
 * keeps the fields joined by tabs.
 */
void
ingest_native_columns(HeapTuple row, TupleDesc desc)
{
	fields		f;
	Datum		values[NATIVE_MAX_FIELDS];
	bool		nulls[NATIVE_MAX_FIELDS];
	size_t		total = 0;
	char	   *scratch,
			   *p;

	if (desc->natts != NATIVE_MAX_FIELDS)
		elog(ERROR, "pdns.native_in must have %d columns", NATIVE_MAX_FIELDS);
	heap_deform_tuple(row, desc, values, nulls);
	memset(&f, 0, sizeof(f));
	f.count = NATIVE_MAX_FIELDS;
	/* the fields as NUL-terminated strings in one piece of memory */
	for (int i = 0; i < f.count; i++)
		if (!nulls[i])
			total += VARSIZE_ANY_EXHDR(DatumGetPointer(values[i]));
	p = scratch = palloc(total + f.count);
	for (int i = 0; i < f.count; i++)
	{
		f.null[i] = nulls[i];
		f.value[i] = p;
		if (!nulls[i])
		{
			text	   *t = DatumGetTextPP(values[i]);

			f.len[i] = VARSIZE_ANY_EXHDR(t);
			memcpy(p, VARDATA_ANY(t), f.len[i]);
		}
		p += f.len[i];
		*p++ = '\0';
	}
	native_fields(&f, NULL, 0);
	pfree(scratch);
}
