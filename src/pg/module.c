/*
 * module.c
 *		The one place that declares this shared library a PostgreSQL module
 *		and defines its settings.
 */
#include "pdns.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "compaction.h"
#include "ingest.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * glibc gives the top of the heap back to the kernel as soon as 128 kB
 * are free there, and the next allocation takes it back as fresh pages.
 * Rdata turned into text is checked by reading it back with ldns
 * (src/core/rdata.c), which allocates 64 kB buffers: every element of a
 * lookup's answer moved the top of the heap by 192 kB and back, two brk
 * calls and 48 page faults, most of a one-name lookup's time (a pgbench
 * transaction of bench/scale-out.sh took 680 us, 255 us with the heap
 * kept).  The backend keeps up to 16 MB free at the top instead;
 * allocations of 8 MB and more are mapped and unmapped on their own (the
 * threshold is fixed: glibc no longer moves it).
 */
static void
keep_heap_top(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
#endif
}

void
_PG_init(void)
{
	keep_heap_top();
	public_suffix_define_settings();
	pseudonymize_define_settings();
	ingest_define_settings();
	ingest_adapters_define_settings();
	mmdb_define_settings();
	compaction_define_settings();
	signals_define_settings();
	cluster_define_settings();
}
