/*
 * log_dump.h
 *		Render a sensor log parser's output as one line of text, so that unit
 *		tests compare whole results with CHECK_STR.
 */
#ifndef PDNS_LOG_DUMP_H
#define PDNS_LOG_DUMP_H

#include "log_record.h"
#include "rrtype_table.h"

#include <stdio.h>
#include <string.h>

/*
 * "owner TYPE[ lossy][ one-rr][ rcode=N] xCOUNT @FIRST[-LAST]: rdata | rdata; ..."
 * with times in whole seconds.
 */
static const char *
log_dump(const log_out *out)
{
	static char buf[8192];
	size_t		o = 0,
				i,
				j;

	buf[0] = '\0';
	for (i = 0; i < out->n && o < sizeof(buf) - 256; i++)
	{
		const log_record *r = &out->records[i];
		char		type[RRTYPE_TEXT_MAX];

		rrtype_to_text(r->rrtype, type);
		o += snprintf(buf + o, sizeof(buf) - o, "%s%.*s %s%s%s", i ? "; " : "",
					  (int) r->owner.len, r->owner.ptr, type, r->lossy ? " lossy" : "",
					  r->one_rr ? " one-rr" : "");
		if (r->rcode)
			o += snprintf(buf + o, sizeof(buf) - o, " rcode=%u", r->rcode);
		o += snprintf(buf + o, sizeof(buf) - o, " x%lld @%lld", (long long) r->count,
					  (long long) (r->time_first / 1000000));
		if (r->time_last != r->time_first)
			o += snprintf(buf + o, sizeof(buf) - o, "-%lld", (long long) (r->time_last / 1000000));
		if (r->client.len)
			o += snprintf(buf + o, sizeof(buf) - o, " c=%.*s", (int) r->client.len, r->client.ptr);
		if (r->server.len)
			o += snprintf(buf + o, sizeof(buf) - o, " s=%.*s", (int) r->server.len, r->server.ptr);
		if (r->sensor.len)
			o += snprintf(buf + o, sizeof(buf) - o, " sensor=%.*s", (int) r->sensor.len, r->sensor.ptr);
		if (r->bailiwick.len)
			o += snprintf(buf + o, sizeof(buf) - o, " bw=%.*s", (int) r->bailiwick.len, r->bailiwick.ptr);
		o += snprintf(buf + o, sizeof(buf) - o, ":");
		for (j = 0; j < r->n_rdata && o < sizeof(buf) - 256; j++)
			o += snprintf(buf + o, sizeof(buf) - o, "%s%.*s", j ? " | " : " ",
						  (int) (r->rdata[j].len > 120 ? 120 : r->rdata[j].len), r->rdata[j].ptr);
	}
	return buf;
}

#endif							/* PDNS_LOG_DUMP_H */
