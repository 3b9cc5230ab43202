/*
 * ingest_native.c
 *		The native observation layout (src/core/log_native.h): lines as text
 *		(tab-separated, COPY text escapes) or CSV, and the rows of
 *		pdns.native_in, whose twelve columns COPY itself split.  The core
 *		parser reads the fields into a record; the sensor log adapters'
 *		common half (ingest_record.c) does the rest, as for every format.
 */
#include "ingest.h"

#include "access/htup_details.h"
#include "utils/builtins.h"

#include "field_split.h"
#include "log_native.h"

#include <arpa/inet.h>

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

/*
 * The split fields of one native row into the batch, or a reject (of
 * `line`, or of the fields joined by tabs when it is NULL).
 */
static void
native_fields(const fields *f, const char *line, size_t len)
{
	log_out    *out = ingest_log_scratch();
	log_error	err;
	size_t		none = 0;
	bool		parsed;

	parsed = log_line_begin(out, "", &none, &err);
	parsed = log_line_end(out, parsed && native_parse_fields(f, out, &err));
	if (!parsed)
	{
		/* (a row of the wrong shape names no sensor) */
		bool		shaped = f->count >= NATIVE_MIN_FIELDS && f->count <= NATIVE_MAX_FIELDS;
		const char *sensor = !shaped ? NULL
			: f->null[NATIVE_SENSOR] || f->len[NATIVE_SENSOR] == 0 ? ingest_default_sensor()
			: f->value[NATIVE_SENSOR];

		/*
		 * The reject hides the client read from its field; a row of the
		 * wrong shape has none, and every address in it is hidden
		 * (ingest_redact.c).
		 */
		if (shaped)
		{
			ingest_row_split();
			if (!f->null[NATIVE_CLIENT] && f->len[NATIVE_CLIENT] > 0)
			{
				inet		client;

				ingest_row_client(ingest_parse_address(f->value[NATIVE_CLIENT], f->len[NATIVE_CLIENT],
													   &client) ? &client : NULL);
			}
		}
		ingest_reject_raw(sensor, line, len, line == NULL ? f : NULL, err.reason);
		return;
	}
	if (line != NULL)
		ingest_log_records(out, line, len);
	else
		ingest_log_records_of_fields(out, f);
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
		f.len[i] = 0;
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
