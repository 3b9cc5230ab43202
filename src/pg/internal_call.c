/*
 * internal_call.c
 *		Calling the extension's internal SQL functions from C.
 */
#include "pdns.h"

#include "catalog/namespace.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"

PG_FUNCTION_INFO_V1(pdns_run_maintenance);

/*
 * Call pdns.<name>(args) through fmgr.  Internal functions are executable
 * by nobody but the extension's owner (56_roles.sql); a call through fmgr
 * checks no EXECUTE grant, and a SECURITY DEFINER function still runs as
 * its owner with its own SET clauses.  The name is qualified, so the
 * caller's search_path plays no part in finding it.
 */
static Oid
internal_function(const char *name, int nargs, const Oid *argtypes, bool missing_ok)
{
	List	   *qualified = list_make2(makeString("pdns"), makeString(pstrdup(name)));

	return LookupFuncName(qualified, nargs, argtypes, missing_ok);
}

/* Does this version of the extension's SQL have the function? */
bool
pdns_internal_exists(const char *name, int nargs, const Oid *argtypes)
{
	return OidIsValid(internal_function(name, nargs, argtypes, true));
}

Datum
pdns_call_internal(const char *name, int nargs, const Oid *argtypes, const Datum *args,
				   bool *isnull)
{
	Oid			fn = internal_function(name, nargs, argtypes, false);
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, FUNC_MAX_ARGS);
	Datum		result;
	int			i;

	fmgr_info(fn, &flinfo);
	InitFunctionCallInfoData(*fcinfo, &flinfo, nargs, InvalidOid, NULL, NULL);
	for (i = 0; i < nargs; i++)
	{
		fcinfo->args[i].value = args[i];
		fcinfo->args[i].isnull = false;
	}
	result = FunctionCallInvoke(fcinfo);
	if (isnull)
		*isnull = fcinfo->isnull;
	return result;
}

/* run_maintenance(): the store's maintenance (pdns._run_maintenance()). */
Datum
pdns_run_maintenance(PG_FUNCTION_ARGS)
{
	(void) pdns_call_internal("_run_maintenance", 0, NULL, NULL, NULL);
	PG_RETURN_VOID();
}
