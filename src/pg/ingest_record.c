/*
 * ingest_record.c
 *		The sensor log adapters' common half: the neutral records the core
 *		parsers (src/core/log_*.c) make of a line become observations in the
 *		batch -- every record of the line, or none and one reject.  Every
 *		format but DNS messages comes through here: the core parser reads
 *		the format's fields, this checks what needs the server (names, rdata,
 *		addresses, sensors, admission) the same way for all of them.
 */
#include "ingest.h"

#include "lib/stringinfo.h"

#include "field_split.h"
#include "json_lite.h"
#include "log_record.h"
#include "rrtype_table.h"

/*
 * The parsers' scratch: a JSON document and an output buffer per backend,
 * reused line after line (their memory is malloc'd by the core and kept,
 * so an error raised in between leaks nothing).
 */
static json_doc scratch_doc;
static log_out scratch_out;

json_doc *
ingest_json_scratch(void)
{
	return &scratch_doc;
}

log_out *
ingest_log_scratch(void)
{
	return &scratch_out;
}

static char *
slice(log_str s, size_t max)
{
	return ingest_escape_text(s.ptr, s.len, max);
}

void
ingest_log_reject(const char *line, size_t len, const char *reason)
{
	ingest_reject(ingest_default_sensor(), (const uint8 *) line, len, reason);
}

/*
 * What a reject keeps of the row: its line, or (a row whose fields came as
 * columns) its fields joined by tabs.
 */
typedef struct log_raw
{
	const char *line;
	size_t		len;
	const fields *f;
} log_raw;

void
ingest_reject_raw(const char *sensor, const char *line, size_t len, const fields *f,
				  const char *reason)
{
	StringInfoData joined;

	if (f == NULL)
	{
		ingest_reject(sensor, (const uint8 *) line, len, reason);
		return;
	}
	initStringInfo(&joined);
	for (int i = 0; i < f->count; i++)
	{
		if (i > 0)
			appendStringInfoChar(&joined, '\t');
		appendBinaryStringInfo(&joined, f->value[i], f->len[i]);
	}
	ingest_reject(sensor, (const uint8 *) joined.data, joined.len, reason);
	pfree(joined.data);
}

/* A record's sensor as text (NUL-terminated), for a reject. */
static const char *
record_sensor(const log_record *r)
{
	return r->sensor.len > 0 ? slice(r->sensor, NAMEDATALEN * 2 - 1) : ingest_default_sensor();
}

/* Up to this many records of a line are read without allocating. */
#define LINE_RECORDS 4

static void
log_records(const log_out *out, const log_raw *raw)
{
	ingest_obs	obs_here[LINE_RECORDS];
	inet		clients_here[LINE_RECORDS];
	const char *texts_here[LINE_RECORDS];
	size_t		lens_here[LINE_RECORDS];
	ingest_obs *obs = obs_here;
	inet	   *clients = clients_here;
	const char **texts = texts_here;
	size_t	   *lens = lens_here;
	size_t		i,
				maxn = 0;
	const char *reason;
	const char *owner_field = out->owner_field ? out->owner_field : "owner name";
	char		why[512];

	if (out->n == 0)
		return;
	ingest_row_split();
	if (out->n > LINE_RECORDS)
	{
		obs = palloc(sizeof(ingest_obs) * out->n);
		clients = palloc(sizeof(inet) * out->n);
	}
	memset(obs, 0, sizeof(ingest_obs) * out->n);
	for (i = 0; i < out->n; i++)
		maxn = Max(maxn, out->records[i].n_rdata);
	if (maxn > LINE_RECORDS)
	{
		texts = palloc(sizeof(char *) * maxn);
		lens = palloc(sizeof(size_t) * maxn);
	}

#define REJECT(...) \
	do { \
		snprintf(why, sizeof(why), __VA_ARGS__); \
		ingest_reject_raw(record_sensor(r), raw->line, raw->len, raw->f, why); \
		return; \
	} while (0)

	/*
	 * The clients first, read once: a reject for any other field knows
	 * what to hide.  A client field that is not an address leaves the
	 * record's client NULL, and the record is rejected below.
	 */
	for (i = 0; i < out->n; i++)
	{
		const log_record *r = &out->records[i];

		if (r->client.len > 0 &&
			ingest_parse_address(r->client.ptr, r->client.len, &clients[i]))
			obs[i].client = &clients[i];
		if (r->client.len > 0)
			ingest_row_client(obs[i].client);
	}

	/* then normalize every record: a line is stored whole or not at all */
	for (i = 0; i < out->n; i++)
	{
		const log_record *r = &out->records[i];
		ingest_obs *o = &obs[i];

		if (r->sensor.len > 0)
			o->sensor_id = ingest_sensor_id(r->sensor.ptr, r->sensor.len);
		else
		{
			const char *sensor = ingest_default_sensor();

			o->sensor_id = ingest_sensor_id(sensor, strlen(sensor));
		}
		o->time = r->time_first;
		o->time_last = r->time_last;
		o->count = r->count;
		o->rrtype = r->rrtype;
		o->rcode = r->rcode;
		o->lossy = r->lossy;
		o->one_rr = r->one_rr;
		o->response = r->response;
		if (r->client.len > 0 && o->client == NULL)
			REJECT("bad client address \"%s\"", slice(r->client, 64));
		if (r->server.len > 0)
		{
			inet		server;

			if (!ingest_parse_address(r->server.ptr, r->server.len, &server))
				REJECT("bad server address \"%s\"", slice(r->server, 64));
		}
		if (!ingest_name(r->owner.ptr, r->owner.len, &o->rrname, &o->rrname_len, &reason))
			REJECT("bad %s \"%s\": %s", owner_field, slice(r->owner, 64), reason);
		if (r->bailiwick.len > 0 &&
			!ingest_name(r->bailiwick.ptr, r->bailiwick.len, &o->bailiwick, &o->bailiwick_len, &reason))
			REJECT("bad bailiwick \"%s\": %s", slice(r->bailiwick, 64), reason);
		if (r->rcode == 0 && r->n_rdata > 0)
		{
			size_t		j;
			int			bad;

			for (j = 0; j < r->n_rdata; j++)
			{
				texts[j] = r->rdata[j].ptr;
				lens[j] = r->rdata[j].len;
			}
			if (!ingest_rdata_set(r->rrtype, texts, lens, r->n_rdata, &o->rdata, &reason, &bad))
			{
				char		type[RRTYPE_TEXT_MAX];

				rrtype_to_text(r->rrtype, type);
				REJECT("bad %s rdata \"%s\": %s", type,
					   slice(r->rdata[bad >= 0 ? bad : 0], 64), reason);
			}
		}
		if (!ingest_admit(o, why, sizeof(why)))
		{
			ingest_reject_raw(record_sensor(r), raw->line, raw->len, raw->f, why);
			return;
		}
	}
#undef REJECT
	for (i = 0; i < out->n; i++)
		ingest_add(&obs[i]);
}

void
ingest_log_records(const log_out *out, const char *line, size_t len)
{
	log_raw		raw = {line, len, NULL};

	log_records(out, &raw);
}

void
ingest_log_records_of_fields(const log_out *out, const fields *f)
{
	log_raw		raw = {NULL, 0, f};

	log_records(out, &raw);
}
