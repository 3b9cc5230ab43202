/*
 * ingest_passivedns.c
 *		The passivedns target: gamelinux passivedns log lines (text or its
 *		JSON output) through the core parser (src/core/log_passivedns.c).
 *
 * The field set and delimiter are session settings mirroring passivedns's
 * -f and -d options: pdns.passivedns_fields (default "SMcsCQTAtn") and
 * pdns.passivedns_delimiter (default "||"), checked when set.
 */
#include "ingest.h"

#include "log_passivedns.h"
#include "utils/guc.h"

static char *fields_setting = NULL;
static char *delimiter_setting = NULL;
static passivedns_config config;
static bool config_valid = false;

static bool
check_config(const char *fields, const char *delimiter)
{
	passivedns_config c;
	log_error	err;

	if (!passivedns_config_parse(fields ? fields : PASSIVEDNS_DEFAULT_FIELDS, delimiter, &c, &err))
	{
		GUC_check_errdetail("%s.", err.reason);
		return false;
	}
	return true;
}

static bool
check_fields(char **newval, void **extra, GucSource source)
{
	return check_config(*newval, delimiter_setting);
}

static bool
check_delimiter(char **newval, void **extra, GucSource source)
{
	return check_config(fields_setting, *newval);
}

static void
invalidate(const char *newval, void *extra)
{
	config_valid = false;
}

void
ingest_passivedns_line(const char *line, size_t len)
{
	log_out    *out = ingest_log_scratch();
	log_error	err;

	if (!config_valid)
	{
		if (!passivedns_config_parse(fields_setting ? fields_setting : PASSIVEDNS_DEFAULT_FIELDS,
									 delimiter_setting, &config, &err))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid pdns.passivedns_fields or pdns.passivedns_delimiter"),
					 errdetail("%s.", err.reason)));
		config_valid = true;
	}
	if (!passivedns_parse_line(&config, ingest_json_scratch(), line, len, out, &err))
		ingest_log_reject(line, len, err.reason);
	else
		ingest_log_records(out, line, len);
}

void
ingest_adapters_define_settings(void)
{
	DefineCustomStringVariable("pdns.passivedns_fields",
							   "Fields of passivedns log lines, as passivedns -f letters.",
							   "Default SMcsCQTAtn; see docs/sensors.md.",
							   &fields_setting, PASSIVEDNS_DEFAULT_FIELDS, PGC_USERSET, 0,
							   check_fields, invalidate, NULL);
	DefineCustomStringVariable("pdns.passivedns_delimiter",
							   "Field delimiter of passivedns log lines (passivedns -d).",
							   NULL, &delimiter_setting, "||", PGC_USERSET, 0,
							   check_delimiter, invalidate, NULL);
}
