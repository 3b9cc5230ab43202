/*
 * spi_util.c
 *		SPI helpers shared by the glue.
 */
#include "pdns.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(pdns_run_maintenance);

void
pdns_spi_run_keeping_search_path(const char *sql)
{
	char	   *saved = pstrdup(GetConfigOption("search_path", false, false));
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute(sql, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute of \"%s\" failed: %s", sql, SPI_result_code_string(rc));
	SPI_finish();
	if (strcmp(saved, GetConfigOption("search_path", false, false)) != 0)
		(void) set_config_option("search_path", saved,
								 superuser() ? PGC_SUSET : PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SET, true, 0, false);
	pfree(saved);
}

/*
 * run_maintenance(): pg_partman's maintenance for the store's tables
 * (pdns._run_maintenance()), leaving the session's search_path alone.
 */
Datum
pdns_run_maintenance(PG_FUNCTION_ARGS)
{
	pdns_spi_run_keeping_search_path("SELECT pdns._run_maintenance()");
	PG_RETURN_VOID();
}
