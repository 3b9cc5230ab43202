/*
 * log_format.c
 *		The descriptor of each sensor log format (see log_format.h): the
 *		parsers of log_native.c, log_passivedns.c, log_zeek.c,
 *		log_suricata.c and log_cof.c behind one signature.
 */
#include "log_format.h"

#include "log_cof.h"
#include "log_native.h"
#include "log_passivedns.h"
#include "log_suricata.h"
#include "log_zeek.h"

#include <string.h>

static bool
native_text(void *state, json_doc *doc, const char *line, size_t len, log_out *out,
			log_error *err)
{
	return native_parse_line(line, len, false, out, err);
}

static bool
native_csv(void *state, json_doc *doc, const char *line, size_t len, log_out *out,
		   log_error *err)
{
	return native_parse_line(line, len, true, out, err);
}

/* settings: pdns.passivedns_fields (passivedns -f), pdns.passivedns_delimiter (-d) */
static bool
passivedns_init(void *state, const char *const *settings, log_error *err)
{
	return passivedns_config_parse(settings[0] ? settings[0] : PASSIVEDNS_DEFAULT_FIELDS,
								   settings[1], state, err);
}

static bool
passivedns(void *state, json_doc *doc, const char *line, size_t len, log_out *out,
		   log_error *err)
{
	return passivedns_parse_line(state, doc, line, len, out, err);
}

/* the state: the header lines read so far */
static bool
zeek_init(void *state, const char *const *settings, log_error *err)
{
	zeek_state_init(state);
	return true;
}

static bool
zeek(void *state, json_doc *doc, const char *line, size_t len, log_out *out, log_error *err)
{
	return zeek_parse_line(state, doc, line, len, out, err);
}

static bool
suricata(void *state, json_doc *doc, const char *line, size_t len, log_out *out,
		 log_error *err)
{
	return suricata_parse_line(doc, line, len, out, err);
}

static bool
cof(void *state, json_doc *doc, const char *line, size_t len, log_out *out, log_error *err)
{
	return cof_parse_line(doc, line, len, out, err);
}

const log_format log_formats[] = {
	{.name = "native-text", .parse_line = native_text, .sensor_per_line = true},
	{.name = "native-csv", .parse_line = native_csv, .sensor_per_line = true},
	{.name = "passivedns", .state_size = sizeof(passivedns_config), .state_init = passivedns_init,
	 .settings = {"passivedns_fields", "passivedns_delimiter"}, .parse_line = passivedns},
	{.name = "zeek", .state_size = sizeof(zeek_state), .state_init = zeek_init,
	 .parse_line = zeek},
	{.name = "suricata", .parse_line = suricata},
	{.name = "cof", .parse_line = cof},
};

const size_t log_format_count = sizeof(log_formats) / sizeof(log_formats[0]);

const log_format *
log_format_find(const char *name)
{
	for (size_t i = 0; i < log_format_count; i++)
		if (strcmp(log_formats[i].name, name) == 0)
			return &log_formats[i];
	return NULL;
}
