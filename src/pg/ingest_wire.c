/*
 * ingest_wire.c
 *		Whole DNS messages as observations: the rows of pdns.wire_in, which
 *		pdns-capture (packet captures, dnstap) and any other program that
 *		sees messages write, and the rows of pdns.wire_rejects_in, the
 *		traffic such a program could not frame.
 *
 * A response (QR set) of class IN yields:
 *	- every RRset of its answer and authority sections, as it stands (true
 *	  sets, not one RR per row); the additional section is left out: it is
 *	  where off-path data (glue for other zones) lives;
 *	- a negative answer for the question when the rcode is not NOERROR, or
 *	  NODATA when it is NOERROR but no answer RRset is owned by the question
 *	  name with its type (or a CNAME), in a whole, untruncated message;
 *	- who asked (the client, pseudonymized) for the question name and type.
 * Queries add nothing: their answers are what is observed.  Bailiwick is
 * unknown from one message, and left empty.  A damaged message keeps what
 * came before the damage, and the whole message goes to rejects with the
 * problem; a message without a header goes only there.
 */
#include "ingest.h"

#include "access/htup_details.h"
#include "dns_message.h"
#include "dnsname_codec.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Column numbers of pdns.wire_in and pdns.wire_rejects_in. */
enum
{
	WIRE_TIME = 1, WIRE_SENSOR, WIRE_CLIENT, WIRE_CLIENT_PORT,
	WIRE_SERVER, WIRE_SERVER_PORT, WIRE_TRANSPORT, WIRE_MESSAGE
};
enum
{
	CAPREJ_TIME = 1, CAPREJ_SENSOR, CAPREJ_SOURCE, CAPREJ_REASON, CAPREJ_RAW
};


/*
 * The zone of an authoritative answer (AA set): the owner of the SOA or NS
 * RRset of its authority section, when the question is in that zone.  A
 * server speaks for its zone there, so the RRsets in that zone are in its
 * bailiwick.  Answers without AA (from resolvers: most of what client-side
 * sensors see), and authoritative ones with no SOA or NS in their
 * authority section (minimal responses), leave the bailiwick unknown.
 */
static bool
authoritative_zone(const dns_message *m, const uint8 **zone, size_t *len)
{
	uint32		i;

	if (!(m->flags & DNS_FLAG_AA) || !m->has_question)
		return false;
	for (i = 0; i < m->n_sets; i++)
	{
		const dns_rrset *s = &m->sets[i];

		if (s->section == DNS_SECTION_AUTHORITY && s->rclass == 1 &&
			(s->type == 6 /* SOA */ || s->type == 2 /* NS */ ) &&
			dn_key_within(dns_message_bytes(m, m->qname_off), m->qname_len,
						  dns_message_bytes(m, s->owner_off), s->owner_len, false))
		{
			*zone = dns_message_bytes(m, s->owner_off);
			*len = s->owner_len;
			return true;
		}
	}
	return false;
}

/* A column's text, or a default when it is null. */
static const char *
text_column(HeapTuple row, TupleDesc desc, int col, const char *otherwise)
{
	bool		isnull;
	Datum		d = heap_getattr(row, col, desc, &isnull);

	return isnull ? otherwise : TextDatumGetCString(d);
}

static bool
answers_question(const dns_message *m)
{
	size_t		i;

	for (i = 0; i < m->n_sets; i++)
	{
		const dns_rrset *s = &m->sets[i];

		if (s->section == DNS_SECTION_ANSWER && s->owner_len == m->qname_len &&
			memcmp(dns_message_bytes(m, s->owner_off), dns_message_bytes(m, m->qname_off),
				   m->qname_len) == 0 &&
			(s->type == m->qtype || s->type == 5 /* CNAME */ || m->qtype == 255 /* ANY */ ))
			return true;
	}
	return false;
}

void
ingest_wire_message(HeapTuple row, TupleDesc desc)
{
	bool		isnull;
	Datum		d;
	bytea	   *raw;
	const uint8 *msg;
	size_t		len,
				i;
	const char *sensor;
	const uint8 *zone = NULL;
	size_t		zone_len = 0;
	bool		have_zone;
	ingest_obs	o;
	const inet *client;
	dns_message m;
	char		why[DNS_PROBLEM_MAX + 64];

	ingest_row_binary();
	d = heap_getattr(row, WIRE_MESSAGE, desc, &isnull);
	if (isnull)
		return;
	raw = DatumGetByteaPP(d);
	msg = (const uint8 *) VARDATA_ANY(raw);
	len = VARSIZE_ANY_EXHDR(raw);
	sensor = text_column(row, desc, WIRE_SENSOR, ingest_default_sensor());

	memset(&o, 0, sizeof(o));
	d = heap_getattr(row, WIRE_TIME, desc, &isnull);
	if (isnull)
	{
		ingest_reject(sensor, msg, len, "the message has no time");
		return;
	}
	o.time = DatumGetTimestampTz(d) + UNIX_TO_PG_USEC;
	o.count = 1;
	d = heap_getattr(row, WIRE_CLIENT, desc, &isnull);
	o.client = isnull ? NULL : DatumGetInetPP(d);

	dns_message_parse(msg, len, &pdns_palloc, &m);
	if (!m.header_ok)
	{
		snprintf(why, sizeof(why), "not a DNS message: %s", m.problem);
		ingest_reject(sensor, msg, len, why);
		return;
	}
	if (m.partial)
	{
		snprintf(why, sizeof(why), "damaged DNS message (what came before the damage was kept): %s",
				 m.problem);
		ingest_reject(sensor, msg, len, why);
	}
	if (!(m.flags & DNS_FLAG_QR) || !m.has_question || m.qclass != 1 /* IN */ )
	{
		dns_message_free(&m);
		return;
	}
	o.sensor_id = ingest_sensor_id(sensor, strlen(sensor));
	if (!ingest_admit(&o, why, sizeof(why)))
	{
		ingest_reject(sensor, msg, len, why);
		dns_message_free(&m);
		return;
	}

	/* the RRsets, each an observation of its own (who asked: once, below) */
	client = o.client;
	o.client = NULL;
	have_zone = authoritative_zone(&m, &zone, &zone_len);
	for (i = 0; i < m.n_sets; i++)
	{
		const dns_rrset *s = &m.sets[i];
		size_t		plen;
		uint8	   *payload;
		struct varlena *set;

		if (s->section == DNS_SECTION_ADDITIONAL || s->rclass != 1)
			continue;
		payload = dns_message_rrset_payload(&m, i, VARHDRSZ, &plen);
		set = (struct varlena *) payload;
		SET_VARSIZE(set, VARHDRSZ + plen);
		o.rrname = dns_message_bytes(&m, s->owner_off);
		o.rrname_len = s->owner_len;
		o.rrtype = s->type;
		o.rdata = set;
		/* the zone's answer for names in it; out-of-zone ones unknown */
		if (have_zone && dn_key_within(o.rrname, o.rrname_len, zone, zone_len, false))
		{
			o.bailiwick = zone;
			o.bailiwick_len = zone_len;
		}
		else
		{
			o.bailiwick = NULL;
			o.bailiwick_len = 0;
		}
		o.rcode = 0;
		ingest_add(&o);
		pfree(payload);
	}

	/* the question: a negative answer, and who asked */
	o.bailiwick = NULL;
	o.bailiwick_len = 0;
	o.client = client;
	o.rrname = dns_message_bytes(&m, m.qname_off);
	o.rrname_len = m.qname_len;
	o.rrtype = m.qtype;
	o.rdata = NULL;
	o.rcode = m.rcode;
	/*
	 * NOERROR without the answer is NODATA -- unless the answer may be in
	 * what was lost: a damaged message, or one the server truncated (TC).
	 */
	o.client_only = (m.rcode == 0 &&
					 (answers_question(&m) || m.partial || (m.flags & DNS_FLAG_TC)));
	ingest_add(&o);
	dns_message_free(&m);
}

/* pdns.wire_rejects_in: traffic a capture program could not frame. */
void
ingest_capture_reject(HeapTuple row, TupleDesc desc)
{
	bool		isnull;
	Datum		d = heap_getattr(row, CAPREJ_RAW, desc, &isnull);
	bytea	   *raw = isnull ? NULL : DatumGetByteaPP(d);
	const char *source = text_column(row, desc, CAPREJ_SOURCE, "?");
	const char *reason = text_column(row, desc, CAPREJ_REASON, "no reason given");
	char	   *why = psprintf("%s (%s)", reason, source);

	ingest_row_binary();

	ingest_reject(text_column(row, desc, CAPREJ_SENSOR, ingest_default_sensor()),
				  raw ? (const uint8 *) VARDATA_ANY(raw) : (const uint8 *) "",
				  raw ? VARSIZE_ANY_EXHDR(raw) : 0, why);
}
