/*
 * ingest_record.c
 *		The one adapter of the sensor log formats: a line goes through its
 *		format's descriptor (src/core/log_format.h) -- the core parser reads
 *		the format's fields into neutral records -- and this checks what
 *		needs the server (names, rdata, addresses, sensors, admission) the
 *		same way for every format, then adds every record of the line to the
 *		batch, or none and one reject.  DNS messages and captures have
 *		adapters of their own (ingest_wire.c).
 */
#include "ingest.h"

#include "access/xact.h"
#include "lib/stringinfo.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "field_split.h"
#include "json_lite.h"
#include "log_format.h"
#include "log_record.h"
#include "rrtype_table.h"

/*
 * The parsers' scratch: a JSON document and an output buffer per backend,
 * reused line after line (their memory is malloc'd by the core and kept,
 * so an error raised in between leaks nothing).
 */
static json_doc scratch_doc;
static log_out scratch_out;

log_out *
ingest_log_scratch(void)
{
	return &scratch_out;
}

const log_format *
ingest_log_format(const char *name)
{
	const log_format *f = log_format_find(name);

	if (f == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown pdns ingestion format \"%s\"", name)));
	return f;
}

/*
 * The state of each load in progress: a statement loading lines of one
 * format into one target (pdns.raw_lines_in mixes formats: one load each).
 * Made before its first line from the format's settings as they are then;
 * dropped when the statement ends, or all of them when a transaction
 * aborts.
 */
#define LOADS_MAX 8

typedef struct load
{
	Oid			target;
	const log_format *format;
	void	   *state;
} load;

static load loads[LOADS_MAX];
static int	nloads = 0;

static void
forget_loads(XactEvent event, void *arg)
{
	if (event != XACT_EVENT_ABORT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	for (int i = 0; i < nloads; i++)
		if (loads[i].state != NULL)
			pfree(loads[i].state);
	nloads = 0;
}

static void *
load_state(const log_format *format, Oid target)
{
	static bool callback = false;
	const char *settings[LOG_FORMAT_SETTINGS] = {NULL};
	log_error	err;
	load	   *l;

	if (format->state_size == 0)
		return NULL;
	if (!callback)
	{
		RegisterXactCallback(forget_loads, NULL);
		callback = true;
	}
	for (int i = 0; i < nloads; i++)
		if (loads[i].target == target && loads[i].format == format)
			return loads[i].state;
	if (nloads == LOADS_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than %d loads of stateful formats at once in one session", LOADS_MAX)));
	for (int i = 0; i < LOG_FORMAT_SETTINGS && format->settings[i] != NULL; i++)
	{
		char		name[NAMEDATALEN * 2];

		snprintf(name, sizeof(name), "pdns.%s", format->settings[i]);
		settings[i] = GetConfigOption(name, true, false);
	}
	l = &loads[nloads];
	l->state = MemoryContextAllocZero(TopMemoryContext, format->state_size);
	if (!format->state_init(l->state, settings, &err))
	{
		pfree(l->state);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid settings for the %s format", format->name),
				 errdetail("%s.", err.reason)));
	}
	l->target = target;
	l->format = format;
	nloads++;
	return l->state;
}

void
ingest_log_statement_end(Oid target)
{
	for (int i = 0; i < nloads; i++)
		if (loads[i].target == target)
		{
			pfree(loads[i].state);
			loads[i--] = loads[--nloads];
		}
}

static char *
slice(log_str s, size_t max)
{
	return ingest_escape_text(s.ptr, s.len, max);
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

static void
reject_raw(const char *sensor, const char *line, size_t len, const fields *f,
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
		reject_raw(record_sensor(r), raw->line, raw->len, raw->f, why); \
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
			reject_raw(record_sensor(r), raw->line, raw->len, raw->f, why);
			return;
		}
	}
#undef REJECT
	for (i = 0; i < out->n; i++)
		ingest_add(&obs[i]);
}

/*
 * A line or row the core parser refused: its reject, under the sensor it
 * names, hiding the client read from its fields (ingest_redact.c).  One
 * whose fields were not read names no sensor where every line names its
 * own (sensor_per_line), and every address in it is hidden.
 */
static void
refused(bool sensor_per_line, const log_error *err, const log_raw *raw)
{
	const char *sensor = err->sensor.len > 0 ? slice(err->sensor, NAMEDATALEN * 2 - 1)
		: err->fields_read || !sensor_per_line ? ingest_default_sensor()
		: NULL;

	if (err->fields_read)
	{
		ingest_row_split();
		if (err->client.len > 0)
		{
			inet		client;

			ingest_row_client(ingest_parse_address(err->client.ptr, err->client.len, &client)
							  ? &client : NULL);
		}
	}
	reject_raw(sensor, raw->line, raw->len, raw->f, err->reason);
}

void
ingest_log_line(const log_format *format, Oid target, const char *line, size_t len)
{
	log_raw		raw = {line, len, NULL};
	log_error	err;

	if (format->parse_line(load_state(format, target), &scratch_doc, line, len, &scratch_out, &err))
		log_records(&scratch_out, &raw);
	else
		refused(format->sensor_per_line, &err, &raw);
}

void
ingest_log_fields(bool parsed, const log_error *err, const fields *f)
{
	log_raw		raw = {NULL, 0, f};

	if (parsed)
		log_records(&scratch_out, &raw);
	else
		refused(true, err, &raw);	/* (the native layout names a sensor a line) */
}
