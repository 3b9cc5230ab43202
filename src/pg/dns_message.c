/*
 * dns_message.c
 *		dns_message(bytea) and dns_message_header(bytea): a DNS message as
 *		rows, one per RRset, with the header columns repeated.  Parsing is
 *		src/core/dns_message.c; a damaged message yields what could be read,
 *		flagged partial with the problem, never an error, so one bad message
 *		cannot abort a batch.
 */
#include "pdns.h"

#include <sys/socket.h>

#include "catalog/pg_type.h"
#include "dns_message.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(dns_message_rows);
PG_FUNCTION_INFO_V1(dns_message_header);

/* Column numbers of dns_message(); the header function's are listed below. */
enum
{
	M_ID, M_OPCODE, M_RCODE, M_FLAGS, M_QNAME, M_QTYPE, M_SECTION, M_OWNER,
	M_RRTYPE, M_CLASS, M_TTL, M_RDATA, M_EDNS_UDP_SIZE, M_EDNS_DO, M_EDNS_ECS,
	M_PARTIAL, M_PROBLEM, M_NCOLS
};

enum
{
	H_ID, H_OPCODE, H_RCODE, H_FLAGS, H_QNAME, H_QTYPE, H_QDCOUNT, H_ANCOUNT,
	H_NSCOUNT, H_ARCOUNT, H_EDNS_UDP_SIZE, H_EDNS_DO, H_EDNS_ECS, H_PARTIAL,
	H_PROBLEM, H_NCOLS
};

/* The header fields both functions return, at their own column numbers. */
typedef struct header_columns
{
	int			id,
				opcode,
				rcode,
				flags,
				qname,
				qtype,
				udp_size,
				do_bit,
				ecs,
				partial,
				problem;
} header_columns;

static const header_columns rows_columns = {M_ID, M_OPCODE, M_RCODE, M_FLAGS, M_QNAME,
M_QTYPE, M_EDNS_UDP_SIZE, M_EDNS_DO, M_EDNS_ECS, M_PARTIAL, M_PROBLEM};
static const header_columns header_only_columns = {H_ID, H_OPCODE, H_RCODE, H_FLAGS,
H_QNAME, H_QTYPE, H_EDNS_UDP_SIZE, H_EDNS_DO, H_EDNS_ECS, H_PARTIAL, H_PROBLEM};

/* flags text[]: the header bits that are set, as dig names them. */
static Datum
flags_datum(uint16_t flags)
{
	static const struct
	{
		uint16_t	bit;
		const char *name;
	}			bits[] = {
		{DNS_FLAG_QR, "qr"}, {DNS_FLAG_AA, "aa"}, {DNS_FLAG_TC, "tc"},
		{DNS_FLAG_RD, "rd"}, {DNS_FLAG_RA, "ra"}, {DNS_FLAG_Z, "z"},
		{DNS_FLAG_AD, "ad"}, {DNS_FLAG_CD, "cd"}
	};
	Datum		items[lengthof(bits)];
	int			n = 0;

	for (size_t i = 0; i < lengthof(bits); i++)
		if (flags & bits[i].bit)
			items[n++] = CStringGetTextDatum(bits[i].name);
	return PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
ecs_datum(const dns_edns *e)
{
	inet	   *res = palloc0(sizeof(inet));

	ip_family(res) = e->ecs_family == 1 ? PGSQL_AF_INET : PGSQL_AF_INET6;
	ip_bits(res) = e->ecs_source;
	memcpy(ip_addr(res), e->ecs_addr, e->ecs_family == 1 ? 4 : 16);
	SET_INET_VARSIZE(res);
	return InetPGetDatum(res);
}

/* Fill the header columns; the rest stay NULL. */
static void
fill_header(const dns_message *m, const header_columns *c, Datum *values, bool *nulls)
{
	char		buf[DNS_MNEMONIC_MAX];

	nulls[c->partial] = false;
	values[c->partial] = BoolGetDatum(m->partial);
	if (m->partial)
	{
		nulls[c->problem] = false;
		values[c->problem] = CStringGetTextDatum(m->problem);
	}
	if (!m->header_ok)
		return;
	nulls[c->id] = nulls[c->opcode] = nulls[c->rcode] = nulls[c->flags] = false;
	values[c->id] = Int32GetDatum(m->id);
	values[c->opcode] = CStringGetTextDatum(dns_opcode_text(m->opcode, buf));
	values[c->rcode] = CStringGetTextDatum(dns_rcode_text(m->rcode, buf));
	values[c->flags] = flags_datum(m->flags);
	if (m->has_question)
	{
		nulls[c->qname] = nulls[c->qtype] = false;
		values[c->qname] = PointerGetDatum(dnsname_from_key(dns_message_bytes(m, m->qname_off),
															 m->qname_len));
		values[c->qtype] = UInt16GetDatum(m->qtype);
	}
	if (m->edns.present)
	{
		nulls[c->udp_size] = nulls[c->do_bit] = false;
		values[c->udp_size] = Int32GetDatum(m->edns.udp_size);
		values[c->do_bit] = BoolGetDatum(m->edns.do_bit);
		if (m->edns.has_ecs)
		{
			nulls[c->ecs] = false;
			values[c->ecs] = ecs_datum(&m->edns);
		}
	}
}

/*
 * Materialize mode with the result descriptor built from the catalog once
 * per query (kept in fn_extra) and copied for each message: building it
 * from pg_proc's argument arrays for every message cost about a tenth of
 * the time of a scan.
 */
static void
init_rows_result(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;
	TupleDesc	desc = fcinfo->flinfo->fn_extra;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("dns_message() must be called where a set is allowed")));
	if (desc == NULL)
	{
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "dns_message must return a record");
		desc = BlessTupleDesc(CreateTupleDescCopy(desc));
		fcinfo->flinfo->fn_extra = desc;
		MemoryContextSwitchTo(old);
	}
	/* the executor frees setDesc after each call: hand it a copy */
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(false, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(desc);
	MemoryContextSwitchTo(old);
}

static void
parse_or_fail(bytea *msg, dns_message *m)
{
	if (!dns_message_parse((const uint8_t *) VARDATA_ANY(msg), VARSIZE_ANY_EXHDR(msg),
						   &pdns_palloc, m))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while parsing a DNS message")));
}

/*
 * dns_message(bytea): one row per RRset (answer, authority, additional;
 * OPT left out), the header columns repeated; a message without RRs gives
 * one row with the header and NULL RR columns.
 */
Datum
dns_message_rows(PG_FUNCTION_ARGS)
{
	bytea	   *msg = PG_GETARG_BYTEA_PP(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	dns_message m;
	Datum		header_values[M_NCOLS];
	bool		header_nulls[M_NCOLS];
	Datum		values[M_NCOLS];
	bool		nulls[M_NCOLS];
	char		buf[DNS_MNEMONIC_MAX];

	init_rows_result(fcinfo);
	parse_or_fail(msg, &m);

	/* the header columns are the same on every row: build them once */
	memset(header_nulls, true, sizeof(header_nulls));
	fill_header(&m, &rows_columns, header_values, header_nulls);

	for (size_t i = 0; i == 0 || i < m.n_sets; i++)
	{
		memcpy(values, header_values, sizeof(values));
		memcpy(nulls, header_nulls, sizeof(nulls));
		if (i < m.n_sets)
		{
			const dns_rrset *s = &m.sets[i];
			size_t		len;
			uint8_t    *payload = dns_message_rrset_payload(&m, i, VARHDRSZ, &len);

			if (payload == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_OUT_OF_MEMORY),
						 errmsg("out of memory while parsing a DNS message")));
			SET_VARSIZE(payload, VARHDRSZ + len);
			memset(nulls + M_SECTION, false, sizeof(bool) * (M_RDATA - M_SECTION + 1));
			values[M_SECTION] = CStringGetTextDatum(dns_section_text(s->section));
			values[M_OWNER] = PointerGetDatum(dnsname_from_key(dns_message_bytes(&m, s->owner_off),
															   s->owner_len));
			values[M_RRTYPE] = UInt16GetDatum(s->type);
			values[M_CLASS] = CStringGetTextDatum(dns_class_text(s->rclass, buf));
			values[M_TTL] = Int64GetDatum((int64) s->ttl);
			values[M_RDATA] = PointerGetDatum(payload);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	dns_message_free(&m);
	return (Datum) 0;
}

/* dns_message_header(bytea): the header, the section counts and EDNS. */
Datum
dns_message_header(PG_FUNCTION_ARGS)
{
	bytea	   *msg = PG_GETARG_BYTEA_PP(0);
	TupleDesc	desc;
	dns_message m;
	Datum		values[H_NCOLS];
	bool		nulls[H_NCOLS];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "dns_message_header must return a record");
	parse_or_fail(msg, &m);
	memset(nulls, true, sizeof(nulls));
	fill_header(&m, &header_only_columns, values, nulls);
	if (m.header_ok)
	{
		nulls[H_QDCOUNT] = nulls[H_ANCOUNT] = nulls[H_NSCOUNT] = nulls[H_ARCOUNT] = false;
		values[H_QDCOUNT] = Int32GetDatum(m.qdcount);
		values[H_ANCOUNT] = Int32GetDatum(m.ancount);
		values[H_NSCOUNT] = Int32GetDatum(m.nscount);
		values[H_ARCOUNT] = Int32GetDatum(m.arcount);
	}
	dns_message_free(&m);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
