/*
 * fuzz_sensor_logs.c
 *		libFuzzer harness for the sensor log parsers (the native layout as
 *		text and CSV, passivedns in two field sets, Zeek with header state
 *		carried across inputs, Suricata, COF):
 *		bounds (ASan), all-or-nothing output, and well-formed records --
 *		windows in order, counts from 1, negatives without rdata, every slice
 *		inside the input or the output's own buffer.
 */
#include "log_cof.h"
#include "log_native.h"
#include "log_passivedns.h"
#include "log_suricata.h"
#include "log_zeek.h"

#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_doc doc;
static log_out out;
static zeek_state zeek;
static bool ready = false;
static char *scratch = NULL;	/* the native parser's split fields */
static size_t scratch_len = 0;

static void
check_str(log_str s, const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;

	if (s.len == 0)
		return;
	if (s.ptr >= in && s.ptr + s.len <= in + size)
		return;
	if (s.ptr >= out.text && s.ptr + s.len <= out.text + out.text_len)
		return;
	if (doc.arena && s.ptr >= doc.arena && s.ptr + s.len <= doc.arena + doc.arena_cap)
		return;
	if (scratch && s.ptr >= scratch && s.ptr + s.len <= scratch + scratch_len)
		return;
	if (s.len == 1 && s.ptr[0] == '.')
		return;						/* the root, a literal */
	abort();
}

static void
check(bool ok, const uint8_t *data, size_t size)
{
	size_t		i,
				j;

	if (!ok)
	{
		if (out.n != 0)
			abort();
		return;
	}
	for (i = 0; i < out.n; i++)
	{
		const log_record *r = &out.records[i];

		if (r->count < 1 || r->time_last < r->time_first || r->owner.len == 0 ||
			(r->rcode != 0 && r->n_rdata != 0))
			abort();
		check_str(r->owner, data, size);
		check_str(r->client, data, size);
		check_str(r->server, data, size);
		check_str(r->sensor, data, size);
		check_str(r->bailiwick, data, size);
		for (j = 0; j < r->n_rdata; j++)
			check_str(r->rdata[j], data, size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	log_error	err;
	passivedns_config def,
				alt;

	if (!ready)
	{
		json_init(&doc);
		log_out_init(&out);
		zeek_state_init(&zeek);
		ready = true;
	}
	if (!passivedns_config_parse(PASSIVEDNS_DEFAULT_FIELDS, NULL, &def, &err) ||
		!passivedns_config_parse("HhcwsWpCQLTAltn", "|", &alt, &err))
		abort();
	check(passivedns_parse_line(&def, &doc, s, size, &out, &err), data, size);
	check(passivedns_parse_line(&alt, &doc, s, size, &out, &err), data, size);
	check(zeek_parse_line(&zeek, &doc, s, size, &out, &err), data, size);
	check(suricata_parse_line(&doc, s, size, &out, &err), data, size);
	check(cof_parse_line(&doc, s, size, &out, &err), data, size);

	/* the native layout: one record, one RR a line, at most one rdata */
	scratch_len = size + 1 + FIELDS_MAX;
	if ((scratch = malloc(scratch_len)) == NULL)
		abort();
	for (int csv = 0; csv <= 1; csv++)
	{
		bool		ok = native_parse_line(s, size, csv, scratch, &out, &err);

		check(ok, data, size);
		if (ok && (out.n != 1 || !out.records[0].one_rr || out.records[0].n_rdata > 1 ||
				   out.records[0].count > NATIVE_COUNT_MAX))
			abort();
	}
	free(scratch);
	scratch = NULL;
	return 0;
}
