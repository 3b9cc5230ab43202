/*
 * log_cof.c
 *		COF NDJSON records into neutral records (see log_cof.h).
 *
 * A record is one RRset seen `count` times (default 1) between time_first
 * and time_last: one neutral record with that window.  Times are epoch
 * seconds (a fraction allowed), as JSON numbers or strings; the _ms fields
 * are epoch milliseconds.  Missing mandatory fields, an empty rdata array,
 * time_last before time_first or a count below 1 are errors.
 */
#include "log_cof.h"

#include "dns_codes.h"
#include "rrtype_table.h"
#include "time_parse.h"

#include <string.h>

/* A time from the seconds field, else the milliseconds one; *present if either. */
static bool
time_of(const json_doc *doc, const json_node *obj, const char *sec_key,
		const char *ms_key, int64_t *usec, bool *present, log_error *err)
{
	log_str		s = {NULL, 0};
	const char *reason;
	uint64_t	ms;

	if (!log_json_text(doc, obj, sec_key, &s, present, err))
		return false;
	if (*present)
	{
		if (!parse_time_usec(s.ptr, s.len, usec, &reason))
			return log_fail(err, "bad %s \"%.*s\": %s", sec_key, (int) (s.len > 40 ? 40 : s.len), s.ptr, reason);
		return true;
	}
	if (ms_key == NULL)
		return true;
	if (!log_json_text(doc, obj, ms_key, &s, present, err))
		return false;
	if (!*present)
		return true;
	if (!parse_uint(s.ptr, s.len, INT64_MAX / 1000, &ms))
		return log_fail(err, "bad %s \"%.*s\"", ms_key, (int) (s.len > 40 ? 40 : s.len), s.ptr);
	*usec = (int64_t) ms * 1000;
	return true;
}

static bool
parse_record(const json_doc *doc, const json_node *root, log_out *out, log_error *err)
{
	log_record *r;
	const json_node *rrname = json_get(doc, root, "rrname"),
			   *rdata = json_get(doc, root, "rdata"),
			   *bw = json_get(doc, root, "bailiwick"),
			   *sensor = json_get(doc, root, "sensor_id");
	log_str		type,
				count;
	bool		present,
				have_first,
				have_last;
	uint16_t	t;
	uint64_t	n;
	int64_t		first,
				last;

	if (root->type != JSON_OBJECT)
		return log_fail(err, "the JSON value is not an object");
	if (rrname == NULL || rrname->type != JSON_STRING || rrname->len == 0)
		return log_fail(err, "no rrname");
	if (!log_json_text(doc, root, "rrtype", &type, &present, err))
		return false;
	if (!present)
		return log_fail(err, "no rrtype");
	if (rrtype_from_text(type.ptr, type.len, &t) != RRTYPE_OK)
		return log_fail(err, "bad rrtype \"%.*s\"", (int) (type.len > 32 ? 32 : type.len), type.ptr);
	if (rdata == NULL)
		rdata = json_get(doc, root, "rrdata");
	if (rdata == NULL)
		return log_fail(err, "no rdata");

	if (!time_of(doc, root, "time_first", "time_first_ms", &first, &have_first, err) ||
		!time_of(doc, root, "time_last", "time_last_ms", &last, &have_last, err))
		return false;
	if (!have_first && !have_last &&
		(!time_of(doc, root, "zone_time_first", NULL, &first, &have_first, err) ||
		 !time_of(doc, root, "zone_time_last", NULL, &last, &have_last, err)))
		return false;
	if (!have_first || !have_last)
		return log_fail(err, "no time_first and time_last");
	if (last < first)
		return log_fail(err, "time_last is before time_first");

	if ((r = log_out_record(out)) == NULL)
		return log_fail(err, "out of memory");
	r->time_first = first;
	r->time_last = last;
	r->owner = log_str_make(rrname->str, rrname->len);
	r->rrtype = t;
	if (!log_json_text(doc, root, "count", &count, &present, err))
		return false;
	if (present)
	{
		if (!parse_uint(count.ptr, count.len, INT64_MAX, &n) || n == 0)
			return log_fail(err, "bad count \"%.*s\" (a whole number from 1)", (int) (count.len > 32 ? 32 : count.len), count.ptr);
		r->count = (int64_t) n;
	}
	if (bw != NULL && bw->type == JSON_STRING && bw->len > 0)
		r->bailiwick = log_str_make(bw->str, bw->len);
	else if (bw != NULL && bw->type != JSON_NULL && bw->type != JSON_STRING)
		return log_fail(err, "\"bailiwick\" is not a string");
	if (sensor != NULL && (sensor->type == JSON_STRING || sensor->type == JSON_NUMBER))
		r->sensor = log_str_make(sensor->str, sensor->len);

	if (rdata->type == JSON_STRING)
	{
		if (!log_out_rdata(out, rdata->str, rdata->len))
			return log_fail(err, "out of memory");
	}
	else if (rdata->type == JSON_ARRAY)
	{
		const json_node *e;

		for (e = json_first(doc, rdata); e != NULL; e = json_next(doc, e))
		{
			if (e->type != JSON_STRING)
				return log_fail(err, "an rdata element is not a string");
			if (!log_out_rdata(out, e->str, e->len))
				return log_fail(err, "out of memory");
		}
		if (r->n_rdata == 0)
			return log_fail(err, "the rdata array is empty");
	}
	else
		return log_fail(err, "rdata is neither a string nor an array");
	return true;
}

bool
cof_parse_line(json_doc *doc, const char *line, size_t len, log_out *out,
			   log_error *err)
{
	if (!log_line_begin(out, line, &len, err))
		return false;
	if (len == 0)
		return true;
	if (!json_parse(doc, line, len))
		return log_fail(err, "bad JSON at byte %zu: %s", doc->offset, doc->reason);
	return log_line_end(out, parse_record(doc, json_root(doc), out, err));
}
