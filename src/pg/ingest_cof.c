/*
 * ingest_cof.c
 *		The COF target: Passive DNS Common Output Format NDJSON through the
 *		core parser (src/core/log_cof.c).  A record's sensor_id names its
 *		sensor; without one, pdns.sensor does.
 */
#include "ingest.h"

#include "log_cof.h"

void
ingest_cof_line(const char *line, size_t len)
{
	log_out    *out = ingest_log_scratch();
	log_error	err;

	if (!cof_parse_line(ingest_json_scratch(), line, len, out, &err))
		ingest_log_reject(line, len, err.reason);
	else
		ingest_log_records(out, line, len);
}
