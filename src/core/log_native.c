/*
 * log_native.c
 *		The native observation layout into a neutral record (see
 *		log_native.h).
 */
#include "log_native.h"

#include "dns_codes.h"
#include "rrtype_table.h"
#include "time_parse.h"

#include <stdint.h>

static bool
empty(const fields *f, int i)
{
	return i >= f->count || f->null[i] || f->len[i] == 0;
}

static log_str
field(const fields *f, int i)
{
	return empty(f, i) ? log_str_make(NULL, 0) : log_str_make(f->value[i], f->len[i]);
}

bool
native_parse_fields(const fields *f, log_out *out, log_error *err)
{
	log_record *r;
	const char *reason = NULL;
	uint16_t	class = 1;
	uint64_t	n;
	int64_t		time;

	if (f->count < NATIVE_MIN_FIELDS || f->count > NATIVE_MAX_FIELDS)
		return log_fail(err, "expected %d to %d fields, found %d", NATIVE_MIN_FIELDS,
						NATIVE_MAX_FIELDS, f->count);
	/* (a reject of this line names its sensor and hides its client) */
	err->fields_read = true;
	err->client = field(f, NATIVE_CLIENT);
	err->sensor = field(f, NATIVE_SENSOR);
	if (!parse_time_usec(f->value[NATIVE_TIME], f->len[NATIVE_TIME], &time, &reason))
		return log_fail(err, "bad time \"%.64s\": %s", f->value[NATIVE_TIME], reason);
	if (empty(f, NATIVE_RRNAME))
		return log_fail(err, "the rrname is empty");
	if ((r = log_out_record(out)) == NULL)
		return log_fail(err, "out of memory");
	out->owner_field = "rrname";
	r->time_first = r->time_last = time;
	r->one_rr = true;
	r->sensor = field(f, NATIVE_SENSOR);
	r->client = field(f, NATIVE_CLIENT);
	r->server = field(f, NATIVE_SERVER);
	r->owner = field(f, NATIVE_RRNAME);
	r->bailiwick = field(f, NATIVE_BAILIWICK);
	switch (rrtype_from_text(f->value[NATIVE_RRTYPE], f->len[NATIVE_RRTYPE], &r->rrtype))
	{
		case RRTYPE_OK:
			break;
		case RRTYPE_EMPTY:
			return log_fail(err, "the rrtype is empty");
		case RRTYPE_OUT_OF_RANGE:
			return log_fail(err, "rrtype \"%.32s\" is out of range", f->value[NATIVE_RRTYPE]);
		case RRTYPE_UNKNOWN_MNEMONIC:
			return log_fail(err, "unknown rrtype \"%.32s\"", f->value[NATIVE_RRTYPE]);
	}
	if (!empty(f, NATIVE_CLASS) && !dns_class_from_text(f->value[NATIVE_CLASS], f->len[NATIVE_CLASS], &class))
		return log_fail(err, "bad class \"%.32s\"", f->value[NATIVE_CLASS]);
	if (class != 1)
		return log_fail(err, "class %.32s is not stored (only IN)", f->value[NATIVE_CLASS]);
	if (!empty(f, NATIVE_TTL) && !parse_uint(f->value[NATIVE_TTL], f->len[NATIVE_TTL], INT32_MAX, &n))
		return log_fail(err, "bad ttl \"%.32s\"", f->value[NATIVE_TTL]);
	if (!empty(f, NATIVE_COUNT))
	{
		if (!parse_uint(f->value[NATIVE_COUNT], f->len[NATIVE_COUNT], INT64_MAX, &n) || n == 0)
			return log_fail(err, "bad count \"%.32s\" (a whole number from 1)", f->value[NATIVE_COUNT]);
		if (n > (uint64_t) NATIVE_COUNT_MAX)
			return log_fail(err, "count %.32s is out of range (1 to %lld a line)", f->value[NATIVE_COUNT],
							(long long) NATIVE_COUNT_MAX);
		r->count = (int64_t) n;
	}
	if (!empty(f, NATIVE_RCODE) &&
		!dns_rcode_from_text(f->value[NATIVE_RCODE], f->len[NATIVE_RCODE], &r->rcode))
		return log_fail(err, "bad rcode \"%.32s\"", f->value[NATIVE_RCODE]);
	if (r->rcode == 0 && !empty(f, NATIVE_RDATA) &&
		!log_out_rdata(out, f->value[NATIVE_RDATA], f->len[NATIVE_RDATA]))
		return log_fail(err, "out of memory");
	return true;
}

bool
native_parse_line(const char *line, size_t len, bool csv, log_out *out, log_error *err)
{
	fields		f;
	const char *reason = NULL;
	char	   *scratch;

	if (!log_line_begin(out, line, &len, err))
		return false;
	/* (the split fields live in the line's text buffer) */
	if ((scratch = log_text_claim(out, len + 1 + FIELDS_MAX)) == NULL)
		return log_line_end(out, log_fail(err, "out of memory"));
	if (!(csv ? split_csv_line(line, len, ',', &f, scratch, &reason)
		  : split_text_line(line, len, '\t', &f, scratch, &reason)))
		return log_line_end(out, log_fail(err, "malformed line: %s", reason));
	return log_line_end(out, native_parse_fields(&f, out, err));
}
