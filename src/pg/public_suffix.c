/*
 * public_suffix.c
 *		public_suffix() and registered_domain() over the Public Suffix List.
 *
 * The list is read once per backend, from the file named by the superuser
 * setting pdns.public_suffix_list, or, when that is empty, libpsl's newest
 * list (Debian's publicsuffix package keeps it current; libpsl's built-in
 * copy is the fallback).  Changing the setting makes the next call reload;
 * pdns.public_suffix_list_reload() reloads a file that was replaced in place.
 */
#include "pdns.h"

#include "funcapi.h"
#include "public_suffix.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(dnsname_public_suffix);
PG_FUNCTION_INFO_V1(dnsname_registered_domain);
PG_FUNCTION_INFO_V1(public_suffix_list_info);
PG_FUNCTION_INFO_V1(public_suffix_list_reload);

static char *psl_path_setting = NULL;
static psl_ctx_t *psl_loaded = NULL;

static void
psl_forget(void)
{
	if (psl_loaded != NULL)
		psl_free(psl_loaded);
	psl_loaded = NULL;
}

static void
psl_path_assign(const char *newval, void *extra)
{
	psl_forget();
}

void
public_suffix_define_settings(void)
{
	DefineCustomStringVariable("pdns.public_suffix_list",
							   "Public Suffix List file for public_suffix() and registered_domain().",
							   "Empty means libpsl's newest list: Debian's publicsuffix package, else libpsl's built-in copy.",
							   &psl_path_setting,
							   "",
							   PGC_SUSET,
							   0,
							   NULL, psl_path_assign, NULL);
}

const psl_ctx_t *
public_suffix_list(void)
{
	if (psl_loaded == NULL)
	{
		psl_loaded = ps_load(psl_path_setting);
		if (psl_loaded == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("could not load the public suffix list \"%s\"",
							psl_path_setting && psl_path_setting[0] ? psl_path_setting : psl_dist_filename()),
					 errhint("Check the setting pdns.public_suffix_list, or install Debian's publicsuffix package.")));
	}
	return psl_loaded;
}

/* public_suffix: the longest public suffix of a name; NULL for the root. */
Datum
dnsname_public_suffix(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	size_t		len = DNSNAME_KEYLEN(v);
	uint16		starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, len, starts, ends);
	int			suffix;

	if (n == 0)
		PG_RETURN_NULL();
	suffix = ps_suffix_labels(public_suffix_list(), key, len);
	PG_RETURN_POINTER(dnsname_from_key(key, ends[suffix - 1]));
}

/*
 * The length of a name key's registered domain (its public suffix plus one
 * label), which is a prefix of the key; 0 when the name is itself a public
 * suffix (or the root).
 */
size_t
registered_domain_keylen(const uint8_t *key, size_t len)
{
	uint16		starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, len, starts, ends);
	int			suffix;

	if (n == 0)
		return 0;
	suffix = ps_suffix_labels(public_suffix_list(), key, len);
	return suffix >= n ? 0 : ends[suffix];
}

/*
 * registered_domain: the public suffix plus one label (eTLD+1); NULL when
 * the name is itself a public suffix.
 */
Datum
dnsname_registered_domain(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	size_t		domain = registered_domain_keylen(key, DNSNAME_KEYLEN(v));

	if (domain == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(dnsname_from_key(key, domain));
}

/* public_suffix_list_info: where the list came from and how big it is. */
Datum
public_suffix_list_info(PG_FUNCTION_ARGS)
{
	const psl_ctx_t *psl = public_suffix_list();
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	const char *source = (psl_path_setting && psl_path_setting[0])
		? psl_path_setting : psl_dist_filename();

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = CStringGetTextDatum(source ? source : "built-in");
	values[1] = Int32GetDatum(psl_suffix_count(psl));
	values[2] = Int32GetDatum(psl_suffix_exception_count(psl));
	values[3] = Int32GetDatum(psl_suffix_wildcard_count(psl));
	values[4] = CStringGetTextDatum(psl_get_version());
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* public_suffix_list_reload: read the list again in this session. */
Datum
public_suffix_list_reload(PG_FUNCTION_ARGS)
{
	psl_forget();
	public_suffix_list();
	PG_RETURN_VOID();
}
