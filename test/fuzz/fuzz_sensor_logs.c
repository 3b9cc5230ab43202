/*
 * fuzz_sensor_logs.c
 *		libFuzzer harness for the sensor log parsers, through their
 *		descriptors (log_format.h): the native layout as text and CSV,
 *		passivedns in two field sets, Zeek with header state carried across
 *		inputs, Suricata, COF.  It checks bounds (ASan), all-or-nothing
 *		output, well-formed records (windows in order, counts from 1,
 *		negatives without rdata, every slice inside the input or the
 *		output's own buffer) and that what a refused line's reject reads of
 *		it lies inside the input.
 */
#include "log_format.h"
#include "log_native.h"

#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_doc doc;
static log_out out;
static bool ready = false;

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

/* A load of each format: its state, made once (Zeek's header state is
 * carried across inputs); passivedns a second time with every field. */
typedef struct load
{
	const log_format *format;
	void	   *state;
} load;

static load loads[16];
static size_t nloads = 0;

static void
add_load(const log_format *f, const char *const *settings)
{
	log_error	err;

	loads[nloads].format = f;
	loads[nloads].state = f->state_size ? malloc(f->state_size) : NULL;
	if ((f->state_size && loads[nloads].state == NULL) ||
		(f->state_init && !f->state_init(loads[nloads].state, settings, &err)))
		abort();
	nloads++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	log_error	err;

	if (!ready)
	{
		static const char *const defaults[LOG_FORMAT_SETTINGS] = {NULL};
		static const char *const every_field[LOG_FORMAT_SETTINGS] = {"HhcwsWpCQLTAltn", "|"};

		json_init(&doc);
		log_out_init(&out);
		for (size_t i = 0; i < log_format_count; i++)
			add_load(&log_formats[i], defaults);
		add_load(log_format_find("passivedns"), every_field);
		ready = true;
	}
	for (size_t i = 0; i < nloads; i++)
	{
		const log_format *f = loads[i].format;
		bool		ok = f->parse_line(loads[i].state, &doc, s, size, &out, &err);

		check(ok, data, size);
		/* the native layout: one record, one RR a line, at most one rdata */
		if (ok && f->sensor_per_line &&
			(out.n != 1 || !out.records[0].one_rr || out.records[0].n_rdata > 1 ||
			 out.records[0].count > NATIVE_COUNT_MAX))
			abort();
		/* what a refused line's reject reads of it is inside the input */
		if (!ok)
		{
			check_str(err.client, data, size);
			check_str(err.sensor, data, size);
		}
	}
	return 0;
}
