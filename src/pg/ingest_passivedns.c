/*
 * ingest_passivedns.c
 *		The session settings of the passivedns format, mirroring passivedns's
 *		-f and -d options: pdns.passivedns_fields (default "SMcsCQTAtn") and
 *		pdns.passivedns_delimiter (default "||"), checked when set.  A load
 *		reads them as its format's descriptor names them (ingest_record.c).
 */
#include "ingest.h"

#include "log_passivedns.h"
#include "utils/guc.h"

static char *fields_setting = NULL;
static char *delimiter_setting = NULL;

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

void
ingest_adapters_define_settings(void)
{
	DefineCustomStringVariable("pdns.passivedns_fields",
							   "Fields of passivedns log lines, as passivedns -f letters.",
							   "Default SMcsCQTAtn; see docs/sensors.md.",
							   &fields_setting, PASSIVEDNS_DEFAULT_FIELDS, PGC_USERSET, 0,
							   check_fields, NULL, NULL);
	DefineCustomStringVariable("pdns.passivedns_delimiter",
							   "Field delimiter of passivedns log lines (passivedns -d).",
							   NULL, &delimiter_setting, "||", PGC_USERSET, 0,
							   check_delimiter, NULL, NULL);
}
