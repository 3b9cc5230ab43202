/*
 * module.c
 *		The one place that declares this shared library a PostgreSQL module
 *		and defines its settings.
 */
#include "pdns.h"

#include "compaction.h"
#include "ingest.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	public_suffix_define_settings();
	pseudonymize_define_settings();
	ingest_define_settings();
	ingest_adapters_define_settings();
	mmdb_define_settings();
	compaction_define_settings();
	signals_define_settings();
	cluster_define_settings();
}
