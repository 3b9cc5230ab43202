/*
 * lookup_address.c
 *		The rdata lookup by address, in C: the RRsets holding an address in
 *		a range, read from two indexes directly.
 *
 * rrsets_by_address() walks rdata_addresses_pkey from the first address
 * of the range (or the cursor's) in (address, rrset key) order and fetches
 * each RRset by rrsets_pkey, keeping those that pass the time fences, until
 * a page is full.  It is what the SQL join it replaced did with the same two
 * index scans; the executor around that join, the PL/pgSQL around it and
 * the window count of the truncated flag cost several times the rows of a
 * small range (bench/README.md).  lookup_rdata_ip() reads DNSDB's forms of
 * an address argument and calls the same scan.  Given a sensor, each RRset
 * found is also looked up in rrset_sensors_pkey: the row is that sensor's
 * (its first, last and count), and RRsets it never saw are passed over.
 */
#include "lookup.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

/* rdata(rrset): the presentation form of the elements (rrset_funcs.c) */
extern Datum rrset_rdata(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(pdns_rrsets_by_address);
PG_FUNCTION_INFO_V1(pdns_lookup_rdata_ip);

/* The columns of lookup_row. */
enum
{
	ROW_RRNAME, ROW_RRTYPE, ROW_BAILIWICK, ROW_RDATA, ROW_TIME_FIRST, ROW_TIME_LAST,
	ROW_COUNT, ROW_LOSSY, ROW_TRUNCATED, ROW_CURSOR, N_ROW_COLUMNS
};

/* The columns of rrsets that a row is made of, by name. */
static const char *const rrset_columns[] = {
	"key", "rrname", "rrtype", "bailiwick", "rdata", "time_first", "time_last", "count", "lossy"
};

enum
{
	RRSET_KEY, RRSET_RRNAME, RRSET_RRTYPE, RRSET_BAILIWICK, RRSET_RDATA, RRSET_TIME_FIRST,
	RRSET_TIME_LAST, RRSET_COUNT, RRSET_LOSSY, N_RRSET_COLUMNS
};

/* The columns of rrset_sensors that replace the RRset's own, by name. */
static const char *const sensor_columns[] = {"time_first", "time_last", "count"};

enum
{
	SENSOR_TIME_FIRST, SENSOR_TIME_LAST, SENSOR_COUNT, N_SENSOR_COLUMNS
};

/* One sensor's own first, last and count of an RRset. */
typedef struct sensor_sums
{
	Datum		first;
	Datum		last;
	Datum		count;
} sensor_sums;

/* What a page of the lookup asks for. */
typedef struct address_query
{
	inet	   *low;			/* first and last address, full length */
	inet	   *high;
	lookup_fences fences;
	bool		limited;		/* false: max_results was NULL */
	int64		max_results;
	bool		after;			/* the page starts after this row: */
	inet	   *after_address;
	Datum		after_key;		/* uuid */
	bool		by_sensor;		/* one sensor's answer: */
	int32		sensor_id;
} address_query;

/* A relation of the extension's schema (that of the calling function). */
static Oid
store_relation(Oid namespace, const char *name)
{
	Oid			relid = get_relname_relid(name, namespace);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", get_namespace_name(namespace), name)));
	return relid;
}

/*
 * Reading a table needs the caller's SELECT right on it, as in SQL.  This
 * path reads the indexes and the heap itself, so it cannot apply row-level
 * security policies: where they apply to the caller, it refuses to run
 * rather than return rows the policies would hide.
 */
static Relation
open_readable_table(Oid relid)
{
	AclResult	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);

	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(relid));
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the address lookup cannot apply the row-level security of \"%s\"",
						get_rel_name(relid)),
				 errdetail("lookup_rdata_ip() reads the store's indexes directly, and row-level security applies to this role."),
				 errhint("Query pdns.rdata_addresses joined with pdns.rrsets in SQL, where the policies apply.")));
	return table_open(relid, AccessShareLock);
}

static int
inet_compare(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(network_cmp, a, b));
}

/* (address, key) after the cursor's row, in the order of the index. */
static bool
after_cursor_row(const address_query *q, Datum address, Datum key)
{
	int			c;

	if (!q->after)
		return true;
	c = inet_compare(address, InetPGetDatum(q->after_address));
	if (c == 0)
		c = DatumGetInt32(DirectFunctionCall2(uuid_cmp, key, q->after_key));
	return c > 0;
}

/* The attribute numbers of the named columns of a table. */
static void
column_attnums(Relation rel, const char *const *names, int n, AttrNumber *attnums)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int c = 0; c < n; c++)
	{
		attnums[c] = InvalidAttrNumber;
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), names[c]) == 0)
				attnums[c] = att->attnum;
		}
		if (attnums[c] == InvalidAttrNumber)
			elog(ERROR, "%s has no column \"%s\"", RelationGetRelationName(rel), names[c]);
	}
}

/* The longest address host() prints, and a uuid's text, with their NULs. */
#define HOST_TEXT_SIZE sizeof("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128")
#define UUID_TEXT_SIZE sizeof("00000000-0000-0000-0000-000000000000")

/*
 * The address as host() prints it, into buf; its length.  (A row's cursor
 * holds it: the text functions' round trip through fmgr and sprintf was a
 * tenth of a dense /24's lookup.)
 */
static int
format_host(const inet *address, char *buf)
{
	const unsigned char *octets = ip_addr(unconstify(inet *, address));
	char	   *p = buf;
	char	   *slash;

	if (ip_family(unconstify(inet *, address)) == PGSQL_AF_INET)
	{
		for (int i = 0; i < 4; i++)
		{
			if (i > 0)
				*p++ = '.';
			if (octets[i] >= 100)
				*p++ = '0' + octets[i] / 100;
			if (octets[i] >= 10)
				*p++ = '0' + octets[i] / 10 % 10;
			*p++ = '0' + octets[i] % 10;
		}
		return p - buf;
	}
	if (pg_inet_net_ntop(PGSQL_AF_INET6, octets, 128, buf, HOST_TEXT_SIZE) == NULL)
		elog(ERROR, "could not format an inet value");
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	return strlen(buf);
}

/* The key as uuid_out() prints it, into buf; its length. */
static int
format_uuid(const pg_uuid_t *key, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = buf;

	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[key->data[i] >> 4];
		*p++ = hex[key->data[i] & 0xF];
	}
	*p = '\0';
	return p - buf;
}

/*
 * The lookup_row of an RRset found at address (all but truncated), with a
 * sensor's own first, last and count when sums is not NULL.
 */
static void
make_row(TupleTableSlot *rrset, const AttrNumber *attnums, Datum address,
		 const sensor_sums *sums, Datum *values, bool *nulls)
{
	Datum		v[N_RRSET_COLUMNS];
	bool		n[N_RRSET_COLUMNS];
	char		host[HOST_TEXT_SIZE];
	char		key[UUID_TEXT_SIZE];
	const char *fields[2];
	int			lengths[2];

	for (int c = 0; c < N_RRSET_COLUMNS; c++)
		v[c] = slot_getattr(rrset, attnums[c], &n[c]);
	/* the slot's page is let go at the next fetch: copy what points into it */
	values[ROW_RRNAME] = PointerGetDatum(PG_DETOAST_DATUM_COPY(v[RRSET_RRNAME]));
	nulls[ROW_RRNAME] = n[RRSET_RRNAME];
	values[ROW_RRTYPE] = v[RRSET_RRTYPE];
	nulls[ROW_RRTYPE] = n[RRSET_RRTYPE];
	nulls[ROW_BAILIWICK] = n[RRSET_BAILIWICK];
	if (!n[RRSET_BAILIWICK])
		values[ROW_BAILIWICK] = PointerGetDatum(PG_DETOAST_DATUM_COPY(v[RRSET_BAILIWICK]));
	values[ROW_RDATA] = DirectFunctionCall1(rrset_rdata, v[RRSET_RDATA]);
	nulls[ROW_RDATA] = false;
	values[ROW_TIME_FIRST] = v[RRSET_TIME_FIRST];
	nulls[ROW_TIME_FIRST] = n[RRSET_TIME_FIRST];
	values[ROW_TIME_LAST] = v[RRSET_TIME_LAST];
	nulls[ROW_TIME_LAST] = n[RRSET_TIME_LAST];
	values[ROW_COUNT] = v[RRSET_COUNT];
	nulls[ROW_COUNT] = n[RRSET_COUNT];
	values[ROW_LOSSY] = v[RRSET_LOSSY];
	nulls[ROW_LOSSY] = n[RRSET_LOSSY];
	if (sums != NULL)
	{
		values[ROW_TIME_FIRST] = sums->first;
		values[ROW_TIME_LAST] = sums->last;
		values[ROW_COUNT] = sums->count;
	}

	/* the cursor: the address as host() prints it, and the RRset's key */
	fields[0] = host;
	lengths[0] = format_host(DatumGetInetPP(address), host);
	fields[1] = key;
	lengths[1] = format_uuid(DatumGetUUIDP(v[RRSET_KEY]), key);
	values[ROW_CURSOR] = PointerGetDatum(lookup_cursor_make(2, fields, lengths));
	nulls[ROW_CURSOR] = false;
}

/*
 * The next entry of the address index visible to the snapshot, read from
 * the index alone when the visibility map says its heap page is all
 * visible, as an Index Only Scan does (the index holds both columns of
 * rdata_addresses); the heap is read only for pages changed since the
 * last VACUUM.  The entry is in scan->xs_itup.
 */
static bool
next_address(IndexScanDesc scan, TupleTableSlot *heap_slot, Buffer *vm_buffer, Snapshot snapshot)
{
	ItemPointer tid;

	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		if (VM_ALL_VISIBLE(scan->heapRelation, ItemPointerGetBlockNumber(tid), vm_buffer))
		{
			/* what fetching the tuple would have locked, for SERIALIZABLE */
			PredicateLockPage(scan->heapRelation, ItemPointerGetBlockNumber(tid), snapshot);
			return true;
		}
		if (index_fetch_heap(scan, heap_slot))
			return true;
	}
	return false;
}

/*
 * The sensor's own sums of the RRset key, read by rrset_sensors_pkey into
 * sums; false when the sensor never saw it (or not in this snapshot).
 */
static bool
sensor_saw(IndexScanDesc scan, TupleTableSlot *slot, const AttrNumber *attnums,
		   Datum key, int32 sensor_id, sensor_sums *sums)
{
	ScanKeyData keys[2];
	bool		isnull;

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_UUID_EQ, key);
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT4EQ, Int32GetDatum(sensor_id));
	index_rescan(scan, keys, 2, NULL, 0);
	if (!index_getnext_slot(scan, ForwardScanDirection, slot))
		return false;
	sums->first = slot_getattr(slot, attnums[SENSOR_TIME_FIRST], &isnull);
	sums->last = slot_getattr(slot, attnums[SENSOR_TIME_LAST], &isnull);
	sums->count = slot_getattr(slot, attnums[SENSOR_COUNT], &isnull);
	return true;
}

/*
 * More matched than the page holds: every row of the answer says so.  The
 * rows are copied into a new tuplestore with truncated set (a page is at
 * most max_results rows, and both stores spill past work_mem).
 */
static void
mark_truncated(ReturnSetInfo *rsinfo)
{
	MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	Tuplestorestate *marked = tuplestore_begin_heap(false, false, work_mem);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(rsinfo->setDesc, &TTSOpsMinimalTuple);
	Datum		values[N_ROW_COLUMNS];
	bool		nulls[N_ROW_COLUMNS];

	MemoryContextSwitchTo(old);

	while (tuplestore_gettupleslot(rsinfo->setResult, true, false, slot))
	{
		slot_getallattrs(slot);
		memcpy(values, slot->tts_values, sizeof(values));
		memcpy(nulls, slot->tts_isnull, sizeof(nulls));
		values[ROW_TRUNCATED] = BoolGetDatum(true);
		tuplestore_putvalues(marked, rsinfo->setDesc, values, nulls);
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(rsinfo->setResult);
	rsinfo->setResult = marked;
}

/*
 * Put the rows of one page of q into the tuplestore of this set-returning
 * call: at most max_results, each with truncated telling whether more
 * matched.
 */
static void
scan_addresses(FunctionCallInfo fcinfo, const address_query *q)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			namespace = get_func_namespace(fcinfo->flinfo->fn_oid);
	Relation	addresses = open_readable_table(store_relation(namespace, "rdata_addresses"));
	Relation	rrsets = open_readable_table(store_relation(namespace, "rrsets"));
	Relation	addresses_index = index_open(store_relation(namespace, "rdata_addresses_pkey"),
											 AccessShareLock);
	Relation	rrsets_index = index_open(store_relation(namespace, "rrsets_pkey"), AccessShareLock);
	Relation	sensors = NULL;
	Relation	sensors_index = NULL;
	Snapshot	snapshot = GetActiveSnapshot();
	TupleTableSlot *address_slot = table_slot_create(addresses, NULL);
	TupleTableSlot *rrset_slot = table_slot_create(rrsets, NULL);
	TupleTableSlot *sensor_slot = NULL;
	IndexScanDesc sensor_scan = NULL;
	AttrNumber	attnums[N_RRSET_COLUMNS];
	AttrNumber	sensor_attnums[N_SENSOR_COLUMNS];
	sensor_sums sums;
	ScanKeyData range[2];
	ScanKeyData by_key;
	IndexScanDesc address_scan;
	IndexScanDesc rrset_scan;
	Buffer		vm_buffer = InvalidBuffer;
	inet	   *start = q->low;
	int64		found = 0;
	Datum		values[N_ROW_COLUMNS];
	bool		nulls[N_ROW_COLUMNS];
	bool		truncated = false;
	MemoryContext row_cxt = AllocSetContextCreate(CurrentMemoryContext, "pdns address row",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext old;

	column_attnums(rrsets, rrset_columns, N_RRSET_COLUMNS, attnums);
	if (q->by_sensor)
	{
		sensors = open_readable_table(store_relation(namespace, "rrset_sensors"));
		sensors_index = index_open(store_relation(namespace, "rrset_sensors_pkey"), AccessShareLock);
		sensor_slot = table_slot_create(sensors, NULL);
		sensor_scan = index_beginscan(sensors, sensors_index, snapshot, 2, 0);
		column_attnums(sensors, sensor_columns, N_SENSOR_COLUMNS, sensor_attnums);
	}
	/* the next page starts at the cursor's address: an index bound */
	if (q->after && inet_compare(InetPGetDatum(q->after_address), InetPGetDatum(start)) > 0)
		start = q->after_address;
	ScanKeyInit(&range[0], 1, BTGreaterEqualStrategyNumber, F_NETWORK_GE, InetPGetDatum(start));
	ScanKeyInit(&range[1], 1, BTLessEqualStrategyNumber, F_NETWORK_LE, InetPGetDatum(q->high));
	address_scan = index_beginscan(addresses, addresses_index, snapshot, 2, 0);
	address_scan->xs_want_itup = true;
	index_rescan(address_scan, range, 2, NULL, 0);
	rrset_scan = index_beginscan(rrsets, rrsets_index, snapshot, 1, 0);
	/*
	 * Rows go to the tuplestore as they are found: it spills to disk past
	 * work_mem, so an answer of any size holds bounded memory.
	 */
	InitMaterializedSRF(fcinfo, 0);

	while (next_address(address_scan, address_slot, &vm_buffer, snapshot))
	{
		bool		isnull;
		Datum		address = index_getattr(address_scan->xs_itup, 1, address_scan->xs_itupdesc, &isnull);
		Datum		key = index_getattr(address_scan->xs_itup, 2, address_scan->xs_itupdesc, &isnull);
		Datum		first,
					last;

		CHECK_FOR_INTERRUPTS();
		if (!after_cursor_row(q, address, key))
			continue;
		ScanKeyInit(&by_key, 1, BTEqualStrategyNumber, F_UUID_EQ, key);
		index_rescan(rrset_scan, &by_key, 1, NULL, 0);
		if (!index_getnext_slot(rrset_scan, ForwardScanDirection, rrset_slot))
			continue;			/* not visible to this snapshot */
		if (q->by_sensor)
		{
			if (!sensor_saw(sensor_scan, sensor_slot, sensor_attnums, key, q->sensor_id, &sums))
				continue;
			first = sums.first;
			last = sums.last;
		}
		else
		{
			first = slot_getattr(rrset_slot, attnums[RRSET_TIME_FIRST], &isnull);
			last = slot_getattr(rrset_slot, attnums[RRSET_TIME_LAST], &isnull);
		}
		if (!lookup_fenced(&q->fences, DatumGetTimestampTz(first), DatumGetTimestampTz(last)))
			continue;
		if (q->limited && found == q->max_results)
		{
			truncated = true;	/* one more matched than the page holds */
			break;
		}
		old = MemoryContextSwitchTo(row_cxt);
		make_row(rrset_slot, attnums, address, q->by_sensor ? &sums : NULL, values, nulls);
		values[ROW_TRUNCATED] = BoolGetDatum(false);
		nulls[ROW_TRUNCATED] = false;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(row_cxt);
		found++;
	}

	if (BufferIsValid(vm_buffer))
		ReleaseBuffer(vm_buffer);
	if (q->by_sensor)
	{
		index_endscan(sensor_scan);
		ExecDropSingleTupleTableSlot(sensor_slot);
		index_close(sensors_index, NoLock);
		table_close(sensors, NoLock);
	}
	index_endscan(rrset_scan);
	index_endscan(address_scan);
	ExecDropSingleTupleTableSlot(rrset_slot);
	ExecDropSingleTupleTableSlot(address_slot);
	index_close(rrsets_index, NoLock);
	index_close(addresses_index, NoLock);
	table_close(rrsets, NoLock);
	table_close(addresses, NoLock);

	MemoryContextDelete(row_cxt);
	if (truncated)
		mark_truncated(rsinfo);
}

static inet *
read_inet(const char *s)
{
	return DatumGetInetPP(DirectFunctionCall1(inet_in, CStringGetDatum(s)));
}

/* max_results and after_cursor, the last two arguments of both functions. */
static void
read_page_arguments(FunctionCallInfo fcinfo, int first, address_query *q)
{
	q->limited = !PG_ARGISNULL(first);
	q->max_results = q->limited ? PG_GETARG_INT64(first) : 0;
	if (q->limited && q->max_results < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("max_results must not be negative")));
	q->after = !PG_ARGISNULL(first + 1);
	if (q->after)
	{
		text	   *cursor = PG_GETARG_TEXT_PP(first + 1);
		char	   *key = text_to_cstring(lookup_cursor_field(cursor, 2));

		q->after_address = read_inet(text_to_cstring(lookup_cursor_field(cursor, 1)));
		q->after_key = DirectFunctionCall1(uuid_in, CStringGetDatum(key));
	}
}

/*
 * A sensor name as _sensor_filter() reads it (the SQL lookups' own check,
 * so that every lookup answers an unknown sensor alike): true and its
 * number, or false for none.
 */
static bool
sensor_filter(Oid namespace, Datum name, int32 *sensor_id)
{
	Oid			argtypes[1] = {TEXTOID};
	Oid			fn = LookupFuncName(list_make2(makeString(get_namespace_name(namespace)),
											   makeString("_sensor_filter")),
									1, argtypes, false);
	LOCAL_FCINFO(call, 1);
	FmgrInfo	flinfo;
	Datum		id;

	fmgr_info(fn, &flinfo);
	InitFunctionCallInfoData(*call, &flinfo, 1, InvalidOid, NULL, NULL);
	call->args[0].value = name;
	call->args[0].isnull = false;
	id = FunctionCallInvoke(call);
	if (call->isnull)
		return false;
	*sensor_id = DatumGetInt32(id);
	return true;
}

/* An empty result of a set-returning call. */
static Datum
no_rows(FunctionCallInfo fcinfo)
{
	InitMaterializedSRF(fcinfo, 0);
	return (Datum) 0;
}

/*
 * rrsets_by_address(low inet, high inet, first_before, first_after,
 *					 last_before, last_after timestamptz,
 *					 max_results bigint, after_cursor text, sensor_id integer)
 *	 RETURNS SETOF lookup_row
 */
Datum
pdns_rrsets_by_address(PG_FUNCTION_ARGS)
{
	address_query q;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return no_rows(fcinfo);
	q.low = PG_GETARG_INET_PP(0);
	q.high = PG_GETARG_INET_PP(1);
	for (int i = 0; i < N_FENCES; i++)
	{
		q.fences.present[i] = !PG_ARGISNULL(2 + i);
		q.fences.at[i] = q.fences.present[i] ? PG_GETARG_TIMESTAMPTZ(2 + i) : 0;
	}
	read_page_arguments(fcinfo, 6, &q);
	/* (the definitions before 0.8 have no sensor argument) */
	q.by_sensor = PG_NARGS() > 8 && !PG_ARGISNULL(8);
	q.sensor_id = q.by_sensor ? PG_GETARG_INT32(8) : 0;
	scan_addresses(fcinfo, &q);
	return (Datum) 0;
}

/* An address of the family's full length: the first or last of a network. */
static inet *
network_end(const inet *network, bool last)
{
	inet	   *result = palloc0(sizeof(inet));
	int			size = ip_addrsize(unconstify(inet *, network));
	int			maxbits = size * 8;
	int			bits = ip_bits(unconstify(inet *, network));

	ip_family(result) = ip_family(unconstify(inet *, network));
	ip_bits(result) = maxbits;
	memcpy(ip_addr(result), ip_addr(unconstify(inet *, network)), size);
	for (int b = bits; b < maxbits; b++)
	{
		unsigned char mask = 0x80 >> (b % 8);

		if (last)
			ip_addr(result)[b / 8] |= mask;
		else
			ip_addr(result)[b / 8] &= ~mask;
	}
	SET_INET_VARSIZE(result);
	return result;
}

/* s..e without blanks around it, if it is one or more address characters. */
static char *
address_part(const char *s, const char *e)
{
	lookup_trim(&s, &e);
	if (s == e)
		return NULL;
	for (const char *p = s; p < e; p++)
		if (!pdns_address_char(*p))
			return NULL;
	return pnstrdup(s, e - s);
}

/*
 * DNSDB's address argument: an address, a CIDR block ("192.0.2.0/24") or
 * a range of addresses ("192.0.2.2-192.0.2.30"), as its first and last
 * address.
 */
static void
read_address_argument(text *value, address_query *q)
{
	char	   *s = text_to_cstring(value);
	char	   *dash = strchr(s, '-');
	char	   *from = dash ? address_part(s, dash) : NULL;
	char	   *to = dash ? address_part(dash + 1, s + strlen(s)) : NULL;

	if (from != NULL && to != NULL)
	{
		q->low = network_end(read_inet(from), false);
		q->high = network_end(read_inet(to), false);
	}
	else
	{
		inet	   *network = read_inet(s);

		q->low = network_end(network, false);
		q->high = network_end(network, true);
	}
	if (ip_family(q->low) != ip_family(q->high) ||
		inet_compare(InetPGetDatum(q->low), InetPGetDatum(q->high)) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid address range \"%s\"", s)));
}

/*
 * lookup_rdata_ip(value text, time_first_before, time_first_after,
 *				   time_last_before, time_last_after, window_after,
 *				   window_before text, strict boolean, max_results bigint,
 *				   after_cursor text, sensor text)
 *	 RETURNS SETOF lookup_row
 */
Datum
pdns_lookup_rdata_ip(PG_FUNCTION_ARGS)
{
	address_query q;

	lookup_window_fences(fcinfo, 1, &q.fences);
	if (PG_ARGISNULL(0))
		return no_rows(fcinfo);
	read_address_argument(PG_GETARG_TEXT_PP(0), &q);
	read_page_arguments(fcinfo, 8, &q);
	q.by_sensor = false;
	if (PG_NARGS() > 10 && !PG_ARGISNULL(10) && VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(10)) > 0)
		q.by_sensor = sensor_filter(get_func_namespace(fcinfo->flinfo->fn_oid),
									PG_GETARG_DATUM(10), &q.sensor_id);
	scan_addresses(fcinfo, &q);
	return (Datum) 0;
}
