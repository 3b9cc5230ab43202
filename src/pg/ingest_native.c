/*
 * ingest_native.c
 *		The rows of pdns.native_in, the native observation layout
 *		(src/core/log_native.h) as twelve columns that COPY itself split.
 *		The core parser reads the fields into a record and the adapter of
 *		every format (ingest_record.c) does the rest.  (Native lines, as
 *		text or CSV, go through that adapter whole.)  Also: client and
 *		server addresses as inet, for every adapter.
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
	log_out    *out = ingest_log_scratch();
	log_error	err;
	size_t		none = 0;
	bool		parsed;

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
	parsed = log_line_begin(out, "", &none, &err);
	parsed = log_line_end(out, parsed && native_parse_fields(&f, out, &err));
	ingest_log_fields(parsed, &err, &f);
	pfree(scratch);
}
