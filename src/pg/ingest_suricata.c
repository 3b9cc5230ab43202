/*
 * ingest_suricata.c
 *		The Suricata target: eve.json lines through the core parser
 *		(src/core/log_suricata.c); other event types observe nothing.
 */
#include "ingest.h"

#include "log_suricata.h"

void
ingest_suricata_line(const char *line, size_t len)
{
	log_out    *out = ingest_log_scratch();
	log_error	err;

	if (!suricata_parse_line(ingest_json_scratch(), line, len, out, &err))
		ingest_log_reject(line, len, err.reason);
	else
		ingest_log_records(out, line, len);
}
