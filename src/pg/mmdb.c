/*
 * mmdb.c
 *		MaxMind databases (libmaxminddb) in SQL: the full record of an
 *		address as jsonb, one value by path, the network a record covers,
 *		typed ASN / country / city helpers, and database metadata.
 *
 * Databases are named by the superuser setting pdns.mmdb_databases
 * ("asn=/path/GeoLite2-ASN.mmdb, city=/path/GeoIP2-City.mmdb"); SQL only
 * ever passes a name.  Each backend opens a database on first use
 * (MMDB_MODE_MMAP) and keeps it.  It stat()s the file again when a later
 * statement uses it, at most every pdns.mmdb_check_interval, and reopens it
 * when (device, inode, mtime, size) changed: a database replaced by rename
 * (as geoipupdate does) is picked up, while a running statement keeps
 * reading the mapping it started with.  Changing pdns.mmdb_databases closes
 * every database at once.
 *
 * libmaxminddb errors become ERRORs:
 *	58P01 / 42501 / 58030	the file is missing, unreadable, or an I/O error
 *	XX001 (data_corrupted)	the file is not a valid MaxMind DB, or a record
 *							in it is malformed
 *	53200					out of memory
 *	42704					no database of that name is configured
 * An IPv6 address looked up in an IPv4-only database has no record (NULL).
 */
#include "pdns.h"

#include <arpa/inet.h>
#include <math.h>
#include <sys/stat.h>

#include <maxminddb.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "mmdb_config.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inet.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(mmdb_lookup);
PG_FUNCTION_INFO_V1(mmdb_lookup_path);
PG_FUNCTION_INFO_V1(mmdb_network);
PG_FUNCTION_INFO_V1(mmdb_ip_asn);
PG_FUNCTION_INFO_V1(mmdb_ip_as_org);
PG_FUNCTION_INFO_V1(mmdb_ip_country);
PG_FUNCTION_INFO_V1(mmdb_ip_city);
PG_FUNCTION_INFO_V1(mmdb_metadata);
PG_FUNCTION_INFO_V1(mmdb_databases);

/* One configured database and, once used, its open handle. */
typedef struct MmdbDb
{
	char		name[MMDB_CONFIG_NAME_MAX + 1];
	char	   *path;
	bool		is_open;
	MMDB_s		mmdb;
	/* identity of the file behind mmdb, from stat() */
	dev_t		st_dev;
	ino_t		st_ino;
	struct timespec st_mtim;
	off_t		st_size;
	TimestampTz checked_at;		/* start of the statement that last stat()ed */
} MmdbDb;

static char *mmdb_databases_setting = NULL;
static int	mmdb_check_interval_ms = 1000;
static MemoryContext mmdb_context = NULL;
static MmdbDb *mmdb_dbs = NULL;
static int	mmdb_ndbs = 0;
static bool mmdb_config_stale = true;

/* The conventional names the typed helpers use, in order of preference. */
static const char *const asn_names[] = {"asn", "isp", NULL};
static const char *const country_names[] = {"country", "city", NULL};
static const char *const city_names[] = {"city", NULL};

/*
 * The setting is checked when set (so a bad list never takes effect) and
 * parsed again, cheaply, when first used after a change.
 */
static bool
mmdb_databases_check(char **newval, void **extra, GucSource source)
{
	mmdb_config_entry entries[MMDB_CONFIG_ENTRIES_MAX];
	mmdb_config_error err;
	char	   *copy = strdup(*newval ? *newval : "");
	bool		ok;

	if (copy == NULL)
		return false;
	ok = mmdb_config_parse(copy, entries, &err) >= 0;
	free(copy);
	if (!ok)
	{
		GUC_check_errmsg("invalid value for parameter \"pdns.mmdb_databases\": \"%s\"", *newval);
		GUC_check_errdetail("At byte %d: %s.", (int) err.offset + 1, err.message);
	}
	return ok;
}

static void
mmdb_databases_assign(const char *newval, void *extra)
{
	mmdb_config_stale = true;
}

void
mmdb_define_settings(void)
{
	DefineCustomStringVariable("pdns.mmdb_databases",
							   "MaxMind databases for the mmdb functions, as name=path pairs.",
							   "Example: \"asn=/var/lib/GeoIP/GeoLite2-ASN.mmdb, city=/var/lib/GeoIP/GeoLite2-City.mmdb\". "
							   "ip_asn() and ip_as_org() read \"asn\" (else \"isp\"), ip_country() \"country\" "
							   "(else \"city\"), ip_city() \"city\".",
							   &mmdb_databases_setting,
							   "",
							   PGC_SUSET,
							   0,
							   mmdb_databases_check, mmdb_databases_assign, NULL);
	DefineCustomIntVariable("pdns.mmdb_check_interval",
							"How often a statement checks whether an mmdb database file was replaced.",
							"A stat() of the file at the start of a statement, at most this often; 0 checks every statement.",
							&mmdb_check_interval_ms,
							1000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
}

/* Close every open database and rebuild the list from the setting. */
static void
mmdb_reconfigure(void)
{
	mmdb_config_entry entries[MMDB_CONFIG_ENTRIES_MAX];
	mmdb_config_error err;
	char	   *copy;
	int			n;

	for (int i = 0; i < mmdb_ndbs; i++)
		if (mmdb_dbs[i].is_open)
			MMDB_close(&mmdb_dbs[i].mmdb);
	mmdb_dbs = NULL;
	mmdb_ndbs = 0;
	if (mmdb_context == NULL)
		mmdb_context = AllocSetContextCreate(TopMemoryContext, "pdns mmdb",
											 ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(mmdb_context);

	copy = MemoryContextStrdup(mmdb_context, mmdb_databases_setting ? mmdb_databases_setting : "");
	n = mmdb_config_parse(copy, entries, &err);
	if (n < 0)					/* the check hook let it through: cannot happen */
		elog(ERROR, "pdns.mmdb_databases does not parse: %s", err.message);
	mmdb_dbs = MemoryContextAllocZero(mmdb_context, sizeof(MmdbDb) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		strlcpy(mmdb_dbs[i].name, entries[i].name, sizeof(mmdb_dbs[i].name));
		mmdb_dbs[i].path = entries[i].path;
	}
	mmdb_ndbs = n;
	mmdb_config_stale = false;
}

static MmdbDb *
mmdb_find_config(const char *name)
{
	if (mmdb_config_stale)
		mmdb_reconfigure();
	for (int i = 0; i < mmdb_ndbs; i++)
		if (strcmp(mmdb_dbs[i].name, name) == 0)
			return &mmdb_dbs[i];
	return NULL;
}

/* The configured names, for hints: "asn, city" or "none". */
static char *
mmdb_configured_names(void)
{
	StringInfoData s;

	initStringInfo(&s);
	for (int i = 0; i < mmdb_ndbs; i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", mmdb_dbs[i].name);
	return mmdb_ndbs ? s.data : "none";
}

/* The SQLSTATE of a libmaxminddb status, per the table at the top. */
static int
mmdb_sqlstate(int status, int saved_errno)
{
	switch (status)
	{
		case MMDB_FILE_OPEN_ERROR:
			if (saved_errno == ENOENT || saved_errno == ENOTDIR)
				return ERRCODE_UNDEFINED_FILE;
			if (saved_errno == EACCES || saved_errno == EPERM)
				return ERRCODE_INSUFFICIENT_PRIVILEGE;
			return ERRCODE_IO_ERROR;
		case MMDB_IO_ERROR:
			return ERRCODE_IO_ERROR;
		case MMDB_OUT_OF_MEMORY_ERROR:
			return ERRCODE_OUT_OF_MEMORY;
		default:
			return ERRCODE_DATA_CORRUPTED;
	}
}

static void
mmdb_close(MmdbDb *db)
{
	if (db->is_open)
		MMDB_close(&db->mmdb);
	db->is_open = false;
}

/*
 * Make sure db is open on the file its path names now.  The stat() runs at
 * most once per statement (a statement reads one consistent database) and,
 * measured by statement start times, at most every pdns.mmdb_check_interval:
 * a stat() is a system call, dearer than a lookup.
 */
static void
mmdb_ensure_open(MmdbDb *db)
{
	TimestampTz now = GetCurrentStatementStartTimestamp();
	struct stat st;
	MMDB_s		fresh;
	int			status;
	int			saved_errno;

	if (db->is_open && now >= db->checked_at
		&& (now == db->checked_at
			|| now - db->checked_at < (TimestampTz) mmdb_check_interval_ms * 1000))
		return;
	if (stat(db->path, &st) != 0)
	{
		mmdb_close(db);
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open mmdb database \"%s\" (file \"%s\"): %m",
						db->name, db->path)));
	}
	if (db->is_open && st.st_dev == db->st_dev && st.st_ino == db->st_ino
		&& st.st_mtim.tv_sec == db->st_mtim.tv_sec
		&& st.st_mtim.tv_nsec == db->st_mtim.tv_nsec && st.st_size == db->st_size)
	{
		db->checked_at = now;
		return;
	}

	mmdb_close(db);
	errno = 0;
	status = MMDB_open(db->path, MMDB_MODE_MMAP, &fresh);
	saved_errno = errno;
	if (status != MMDB_SUCCESS)
	{
		/* errno only means something for the file-level failures */
		bool		with_errno = saved_errno != 0 &&
			(status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR);

		errno = saved_errno;
		ereport(ERROR,
				(errcode(mmdb_sqlstate(status, with_errno ? saved_errno : 0)),
				 errmsg("could not open mmdb database \"%s\" (file \"%s\")",
						db->name, db->path),
				 with_errno ? errdetail("%s: %m.", MMDB_strerror(status))
				 : errdetail("%s.", MMDB_strerror(status))));
	}
	db->mmdb = fresh;
	db->is_open = true;
	db->st_dev = st.st_dev;
	db->st_ino = st.st_ino;
	db->st_mtim = st.st_mtim;
	db->st_size = st.st_size;
	db->checked_at = now;
}

/* The open database called name, or an ERROR. */
static MmdbDb *
mmdb_get(const char *name)
{
	MmdbDb	   *db = mmdb_find_config(name);

	if (db == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("mmdb database \"%s\" is not configured", name),
				 errhint("Databases are named in the setting pdns.mmdb_databases; configured: %s.",
						 mmdb_configured_names())));
	mmdb_ensure_open(db);
	return db;
}

/* The open database of the first configured conventional name. */
static MmdbDb *
mmdb_get_role(const char *const *names)
{
	StringInfoData tried;

	for (int i = 0; names[i] != NULL; i++)
	{
		MmdbDb	   *db = mmdb_find_config(names[i]);

		if (db != NULL)
		{
			mmdb_ensure_open(db);
			return db;
		}
	}
	initStringInfo(&tried);
	for (int i = 0; names[i] != NULL; i++)
		appendStringInfo(&tried, "%s\"%s\"", i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("no mmdb database named %s is configured", tried.data),
			 errhint("Databases are named in the setting pdns.mmdb_databases; configured: %s.",
					 mmdb_configured_names())));
	return NULL;				/* keep the compiler quiet */
}

static char *
inet_text(inet *ip)
{
	return DatumGetCString(DirectFunctionCall1(inet_out, PointerGetDatum(ip)));
}

/* A failed read of the record at ip: always an ERROR. */
static pg_attribute_noreturn() void
mmdb_report_read(MmdbDb *db, inet *ip, int status)
{
	ereport(ERROR,
			(errcode(mmdb_sqlstate(status, 0)),
			 errmsg("could not read the record for %s in mmdb database \"%s\" (file \"%s\")",
					inet_text(ip), db->name, db->path),
			 errdetail("%s.", MMDB_strerror(status))));
}

/*
 * Look up the address of ip (its netmask is ignored).  False when the
 * database holds no record for it, including IPv6 in an IPv4 database.
 */
static bool
mmdb_find(MmdbDb *db, inet *ip, MMDB_lookup_result_s *res)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	int			status;

	if (ip_family(ip) == PGSQL_AF_INET)
	{
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, ip_addr(ip), 4);
		sa = (struct sockaddr *) &sin;
	}
	else
	{
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, ip_addr(ip), 16);
		sa = (struct sockaddr *) &sin6;
	}
	*res = MMDB_lookup_sockaddr(&db->mmdb, sa, &status);
	if (status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return false;
	if (status != MMDB_SUCCESS)
		ereport(ERROR,
				(errcode(mmdb_sqlstate(status, 0)),
				 errmsg("could not look up %s in mmdb database \"%s\" (file \"%s\")",
						inet_text(ip), db->name, db->path),
				 errdetail("%s.", MMDB_strerror(status))));
	return res->found_entry;
}

/* A value the database holds that has no honest jsonb form. */
static pg_attribute_noreturn() void
mmdb_report_bad_value(MmdbDb *db, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("mmdb database \"%s\" (file \"%s\") holds a malformed record",
					db->name, db->path),
			 errdetail("%s.", what)));
}

/* A UTF-8 string of the database as a jsonb string in the server encoding. */
static void
mmdb_string_value(MmdbDb *db, const char *s, uint32 len, JsonbValue *v)
{
	if (!pg_verify_mbstr(PG_UTF8, s, (int) len, true))
		mmdb_report_bad_value(db, "A string is not valid UTF-8");
	v->type = jbvString;
	if (GetDatabaseEncoding() == PG_UTF8 || len == 0)
	{
		/* no copy: the mapping outlives the jsonb being built */
		v->val.string.val = (char *) s;
		v->val.string.len = (int) len;
	}
	else
	{
		v->val.string.val = pg_any_to_server(s, (int) len, PG_UTF8);
		v->val.string.len = (int) strlen(v->val.string.val);
	}
}

static Numeric
numeric_from_cstring(const char *s)
{
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* Decimal text of an unsigned 128-bit integer. */
static char *
uint128_text(mmdb_uint128_t v, char *buf)
{
	char	   *p = buf + 40;

	*p = '\0';
	do
	{
		*--p = (char) ('0' + (int) (v % 10));
		v /= 10;
	} while (v != 0);
	return p;
}

/*
 * A scalar of the database as a jsonb scalar.  Integers of every width and
 * doubles/floats become numbers holding the exact value (floating point
 * values by their shortest round-trip decimal, as float8out prints them);
 * NaN and infinities, which JSON cannot hold as numbers, become strings, as
 * to_jsonb() does; bytes become a string in bytea hex format ("\x00ff").
 */
static void
mmdb_scalar_value(MmdbDb *db, const MMDB_entry_data_s *d, JsonbValue *v)
{
	char		buf[64];

	switch (d->type)
	{
		case MMDB_DATA_TYPE_UTF8_STRING:
			mmdb_string_value(db, d->utf8_string, d->data_size, v);
			return;
		case MMDB_DATA_TYPE_DOUBLE:
		case MMDB_DATA_TYPE_FLOAT:
			{
				double		f = (d->type == MMDB_DATA_TYPE_DOUBLE) ? d->double_value : d->float_value;

				if (isnan(f) || isinf(f))
				{
					v->type = jbvString;
					v->val.string.val = isnan(f) ? "NaN" : (f > 0 ? "Infinity" : "-Infinity");
					v->val.string.len = strlen(v->val.string.val);
					return;
				}
				if (d->type == MMDB_DATA_TYPE_DOUBLE)
					double_to_shortest_decimal_buf(f, buf);
				else
					float_to_shortest_decimal_buf(d->float_value, buf);
				v->type = jbvNumeric;
				v->val.numeric = numeric_from_cstring(buf);
				return;
			}
		case MMDB_DATA_TYPE_UINT16:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(d->uint16);
			return;
		case MMDB_DATA_TYPE_UINT32:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(d->uint32);
			return;
		case MMDB_DATA_TYPE_INT32:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(d->int32);
			return;
		case MMDB_DATA_TYPE_UINT64:
			v->type = jbvNumeric;
			snprintf(buf, sizeof(buf), UINT64_FORMAT, (uint64) d->uint64);
			v->val.numeric = numeric_from_cstring(buf);
			return;
		case MMDB_DATA_TYPE_UINT128:
			v->type = jbvNumeric;
			v->val.numeric = numeric_from_cstring(uint128_text(d->uint128, buf));
			return;
		case MMDB_DATA_TYPE_BOOLEAN:
			v->type = jbvBool;
			v->val.boolean = d->boolean;
			return;
		case MMDB_DATA_TYPE_BYTES:
			{
				char	   *hex = palloc(3 + (Size) d->data_size * 2);

				hex[0] = '\\';
				hex[1] = 'x';
				hex_encode((const char *) d->bytes, d->data_size, hex + 2);
				hex[2 + (Size) d->data_size * 2] = '\0';
				v->type = jbvString;
				v->val.string.val = hex;
				v->val.string.len = 2 + (int) d->data_size * 2;
				return;
			}
		default:
			snprintf(buf, sizeof(buf), "Unexpected data type %u", d->type);
			mmdb_report_bad_value(db, buf);
	}
}

/*
 * Push the value at *item (a scalar, or a map or array with everything in
 * it) into the jsonb being built, as tok (WJB_VALUE or WJB_ELEM), and move
 * *item past it.  libmaxminddb flattens containers: a map of n pairs is
 * followed by n keys each followed by its value, an array by its n values.
 */
static JsonbValue *
mmdb_push(MmdbDb *db, MMDB_entry_data_list_s **item, JsonbParseState **state,
		  JsonbIteratorToken tok)
{
	MMDB_entry_data_list_s *cur = *item;
	JsonbValue *res;
	JsonbValue	v;

	check_stack_depth();
	if (cur == NULL)
		mmdb_report_bad_value(db, "A map or array ends early");
	if (cur->entry_data.type == MMDB_DATA_TYPE_MAP)
	{
		uint32		n = cur->entry_data.data_size;

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		cur = cur->next;
		for (uint32 i = 0; i < n; i++)
		{
			if (cur == NULL || cur->entry_data.type != MMDB_DATA_TYPE_UTF8_STRING)
				mmdb_report_bad_value(db, "A map key is not a string");
			mmdb_string_value(db, cur->entry_data.utf8_string, cur->entry_data.data_size, &v);
			pushJsonbValue(state, WJB_KEY, &v);
			cur = cur->next;
			mmdb_push(db, &cur, state, WJB_VALUE);
		}
		res = pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	else if (cur->entry_data.type == MMDB_DATA_TYPE_ARRAY)
	{
		uint32		n = cur->entry_data.data_size;

		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		cur = cur->next;
		for (uint32 i = 0; i < n; i++)
			mmdb_push(db, &cur, state, WJB_ELEM);
		res = pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	else
	{
		mmdb_scalar_value(db, &cur->entry_data, &v);
		cur = cur->next;
		res = pushJsonbValue(state, tok, &v);
	}
	*item = cur;
	return res;
}

/*
 * The value at entry (the whole record, or a map or array inside it) as
 * jsonb.  The list libmaxminddb allocates is freed on every path.
 */
static Jsonb *
mmdb_entry_jsonb(MmdbDb *db, inet *ip, MMDB_entry_s *entry)
{
	MMDB_entry_data_list_s *list = NULL;
	int			status = MMDB_get_entry_data_list(entry, &list);
	Jsonb	   *result = NULL;

	if (status != MMDB_SUCCESS)
	{
		MMDB_free_entry_data_list(list);
		mmdb_report_read(db, ip, status);
	}
	PG_TRY();
	{
		MMDB_entry_data_list_s *cur = list;
		JsonbParseState *state = NULL;

		if (cur != NULL && (cur->entry_data.type == MMDB_DATA_TYPE_MAP
							|| cur->entry_data.type == MMDB_DATA_TYPE_ARRAY))
			result = JsonbValueToJsonb(mmdb_push(db, &cur, &state, WJB_VALUE));
		else
		{
			JsonbValue	v;

			if (cur == NULL)
				mmdb_report_bad_value(db, "A record is empty");
			mmdb_scalar_value(db, &cur->entry_data, &v);
			result = JsonbValueToJsonb(&v);
		}
	}
	PG_FINALLY();
	{
		MMDB_free_entry_data_list(list);
	}
	PG_END_TRY();
	return result;
}

/*
 * The value at path inside the record for ip, or false when the record, the
 * key or the index is missing, or the path runs into a scalar (as jsonb's
 * #> does).  path is NULL-terminated.
 */
static bool
mmdb_find_value(MmdbDb *db, inet *ip, const char *const *path, MMDB_lookup_result_s *res,
				MMDB_entry_data_s *value)
{
	int			status;

	if (!mmdb_find(db, ip, res))
		return false;
	status = MMDB_aget_value(&res->entry, value, path);
	if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR
		|| status == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return false;
	if (status != MMDB_SUCCESS)
		mmdb_report_read(db, ip, status);
	return value->has_data;
}

/* mmdb_lookup(db, ip): the whole record for ip as jsonb; NULL if none. */
Datum
mmdb_lookup(PG_FUNCTION_ARGS)
{
	MmdbDb	   *db = mmdb_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	inet	   *ip = PG_GETARG_INET_PP(1);
	MMDB_lookup_result_s res;

	if (!mmdb_find(db, ip, &res))
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(mmdb_entry_jsonb(db, ip, &res.entry));
}

/*
 * mmdb_lookup(db, ip, VARIADIC path): the value at path (map keys, and
 * array indexes, negative from the end) as jsonb; NULL if absent.
 */
Datum
mmdb_lookup_path(PG_FUNCTION_ARGS)
{
	MmdbDb	   *db = mmdb_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	inet	   *ip = PG_GETARG_INET_PP(1);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	const char **path;
	MMDB_lookup_result_s res;
	MMDB_entry_data_s value;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("wrong number of array subscripts"),
				 errdetail("A path is a one-dimensional array.")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	path = palloc(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("path element %d is null", i + 1)));
		path[i] = TextDatumGetCString(elems[i]);
	}
	path[n] = NULL;

	if (!mmdb_find_value(db, ip, path, &res, &value))
		PG_RETURN_NULL();
	if (value.type == MMDB_DATA_TYPE_MAP || value.type == MMDB_DATA_TYPE_ARRAY)
	{
		MMDB_entry_s at = {.mmdb = &db->mmdb,.offset = value.offset};

		PG_RETURN_JSONB_P(mmdb_entry_jsonb(db, ip, &at));
	}
	else
	{
		JsonbValue	v;

		mmdb_scalar_value(db, &value, &v);
		PG_RETURN_JSONB_P(JsonbValueToJsonb(&v));
	}
}

/*
 * mmdb_network(db, ip): the network the record for ip covers; NULL if none.
 * An IPv4 address in an IPv6 database is looked up under ::/96, so its
 * prefix length counts from there.
 */
Datum
mmdb_network(PG_FUNCTION_ARGS)
{
	MmdbDb	   *db = mmdb_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	inet	   *ip = PG_GETARG_INET_PP(1);
	MMDB_lookup_result_s res;
	inet	   *net;
	int			bits;
	int			nbytes;
	unsigned char *addr;

	if (!mmdb_find(db, ip, &res))
		PG_RETURN_NULL();
	bits = res.netmask;
	if (ip_family(ip) == PGSQL_AF_INET && db->mmdb.metadata.ip_version == 6)
		bits = Max(bits - 96, 0);
	bits = Min(bits, ip_maxbits(ip));

	net = (inet *) palloc0(sizeof(inet));
	ip_family(net) = ip_family(ip);
	ip_bits(net) = bits;
	nbytes = ip_addrsize(ip);
	addr = ip_addr(net);
	memcpy(addr, ip_addr(ip), nbytes);
	for (int i = 0; i < nbytes; i++)
	{
		int			keep = bits - i * 8;

		if (keep <= 0)
			addr[i] = 0;
		else if (keep < 8)
			addr[i] &= (unsigned char) (0xFF << (8 - keep));
	}
	SET_INET_VARSIZE(net);
	PG_RETURN_INET_P(net);
}

/* The value at path in the record for ip from a conventional database. */
static bool
mmdb_role_value(const char *const *names, inet *ip, const char *const *path,
				MmdbDb **db, MMDB_entry_data_s *value)
{
	MMDB_lookup_result_s res;

	*db = mmdb_get_role(names);
	return mmdb_find_value(*db, ip, path, &res, value);
}

static pg_attribute_noreturn() void
mmdb_report_type(MmdbDb *db, const char *field, const char *want)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s in mmdb database \"%s\" is not %s", field, db->name, want),
			 errhint("Check that pdns.mmdb_databases names the right kind of database \"%s\".",
					 db->name)));
}

/* The string at path of a conventional database, as text; NULL if none. */
static Datum
mmdb_role_text(FunctionCallInfo fcinfo, const char *const *names, inet *ip,
			   const char *const *path, const char *field)
{
	MmdbDb	   *db;
	MMDB_entry_data_s value;
	JsonbValue	v;

	if (!mmdb_role_value(names, ip, path, &db, &value))
		PG_RETURN_NULL();
	if (value.type != MMDB_DATA_TYPE_UTF8_STRING)
		mmdb_report_type(db, field, "a string");
	mmdb_string_value(db, value.utf8_string, value.data_size, &v);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(v.val.string.val, v.val.string.len));
}

/* ip_asn(ip): autonomous_system_number from "asn" (else "isp"). */
Datum
mmdb_ip_asn(PG_FUNCTION_ARGS)
{
	static const char *const path[] = {"autonomous_system_number", NULL};
	MmdbDb	   *db;
	MMDB_entry_data_s value;

	if (!mmdb_role_value(asn_names, PG_GETARG_INET_PP(0), path, &db, &value))
		PG_RETURN_NULL();
	switch (value.type)
	{
		case MMDB_DATA_TYPE_UINT16:
			PG_RETURN_INT64(value.uint16);
		case MMDB_DATA_TYPE_UINT32:
			PG_RETURN_INT64(value.uint32);
		case MMDB_DATA_TYPE_INT32:
			PG_RETURN_INT64(value.int32);
		case MMDB_DATA_TYPE_UINT64:
			if (value.uint64 > (uint64) PG_INT64_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("autonomous_system_number " UINT64_FORMAT " in mmdb database \"%s\" is out of range for type bigint",
								(uint64) value.uint64, db->name)));
			PG_RETURN_INT64((int64) value.uint64);
		default:
			mmdb_report_type(db, "autonomous_system_number", "an integer");
	}
	PG_RETURN_NULL();			/* not reached */
}

/* ip_as_org(ip): autonomous_system_organization from "asn" (else "isp"). */
Datum
mmdb_ip_as_org(PG_FUNCTION_ARGS)
{
	static const char *const path[] = {"autonomous_system_organization", NULL};

	return mmdb_role_text(fcinfo, asn_names, PG_GETARG_INET_PP(0), path,
						  "autonomous_system_organization");
}

/* ip_country(ip): country.iso_code from "country" (else "city"). */
Datum
mmdb_ip_country(PG_FUNCTION_ARGS)
{
	static const char *const path[] = {"country", "iso_code", NULL};

	return mmdb_role_text(fcinfo, country_names, PG_GETARG_INET_PP(0), path, "country.iso_code");
}

/* ip_city(ip, language): city.names.<language> from "city". */
Datum
mmdb_ip_city(PG_FUNCTION_ARGS)
{
	const char *path[] = {"city", "names", text_to_cstring(PG_GETARG_TEXT_PP(1)), NULL};

	return mmdb_role_text(fcinfo, city_names, PG_GETARG_INET_PP(0), path, "city.names");
}

/* A metadata string as text, refusing what is not UTF-8. */
static Datum
mmdb_metadata_text(MmdbDb *db, const char *s)
{
	JsonbValue	v;

	mmdb_string_value(db, s, strlen(s), &v);
	return PointerGetDatum(cstring_to_text_with_len(v.val.string.val, v.val.string.len));
}

/* mmdb_metadata(db): what the database says about itself, and its file. */
Datum
mmdb_metadata(PG_FUNCTION_ARGS)
{
	MmdbDb	   *db = mmdb_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	MMDB_metadata_s *md = &db->mmdb.metadata;
	TupleDesc	tupdesc;
	Datum		values[10];
	bool		nulls[10] = {0};
	Datum	   *langs;
	JsonbParseState *state = NULL;
	JsonbValue *desc;
	char		version[32];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	values[0] = mmdb_metadata_text(db, md->database_type ? md->database_type : "");
	if (md->build_epoch > UINT64CONST(253402300799))	/* 9999-12-31 23:59:59 */
		mmdb_report_bad_value(db, "The build epoch is after the year 9999");
	values[1] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) md->build_epoch));
	values[2] = Int32GetDatum(md->ip_version);
	values[3] = Int32GetDatum(md->record_size);
	values[4] = Int64GetDatum(md->node_count);
	snprintf(version, sizeof(version), "%u.%u", md->binary_format_major_version,
			 md->binary_format_minor_version);
	values[5] = CStringGetTextDatum(version);

	langs = palloc(sizeof(Datum) * Max(md->languages.count, 1));
	for (size_t i = 0; i < md->languages.count; i++)
		langs[i] = mmdb_metadata_text(db, md->languages.names[i]);
	values[6] = PointerGetDatum(construct_array(langs, (int) md->languages.count, TEXTOID,
												-1, false, TYPALIGN_INT));

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (size_t i = 0; i < md->description.count; i++)
	{
		MMDB_description_s *d = md->description.descriptions[i];
		JsonbValue	k,
					v;

		if (d == NULL || d->language == NULL || d->description == NULL)
			continue;
		mmdb_string_value(db, d->language, strlen(d->language), &k);
		mmdb_string_value(db, d->description, strlen(d->description), &v);
		pushJsonbValue(&state, WJB_KEY, &k);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	desc = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	values[7] = JsonbPGetDatum(JsonbValueToJsonb(desc));
	values[8] = CStringGetTextDatum(db->path);
	values[9] = Int64GetDatum((int64) db->st_size);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* mmdb_databases(): the configured names and files, without opening them. */
Datum
mmdb_databases(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (mmdb_config_stale)
		mmdb_reconfigure();
	for (int i = 0; i < mmdb_ndbs; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(mmdb_dbs[i].name);
		values[1] = CStringGetTextDatum(mmdb_dbs[i].path);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
