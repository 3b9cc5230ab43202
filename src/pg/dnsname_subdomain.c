/*
 * dnsname_subdomain.c
 *		The subdomain operators and the planner support that makes them
 *		ordinary btree range scans.
 *
 *		a <<= b		a is b or below b			dnsname_within
 *		a <<  b		a is strictly below b		dnsname_strictly_within
 *		a >>= b		a is b or above b			dnsname_contains
 *		a >>  b		a is strictly above b		dnsname_strictly_contains
 *
 * Because a key's subtree is the key followed by 0x00 and anything, "col <<=
 * X" is exactly "col >= X AND col < X||0x01 0x01" (X||0x01 0x01 is the name
 * whose leftmost label is X's plus an octet \000: the first name after X's
 * subtree).  "col >>= X" is "col = ANY(the ancestors of X)".  Both are exact,
 * so the index conditions are not rechecked.
 */
#include "pdns.h"

#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_type_d.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(dnsname_within);
PG_FUNCTION_INFO_V1(dnsname_strictly_within);
PG_FUNCTION_INFO_V1(dnsname_contains);
PG_FUNCTION_INFO_V1(dnsname_strictly_contains);
PG_FUNCTION_INFO_V1(dnsname_subtree_end);
PG_FUNCTION_INFO_V1(dnsname_ancestors);
PG_FUNCTION_INFO_V1(dnsname_subdomain_support);
PG_FUNCTION_INFO_V1(dnsname_subdomain_sel);

static bool
within_args(FunctionCallInfo fcinfo, int name_arg, bool strict)
{
	struct varlena *name = PG_GETARG_DNSNAME_PP(name_arg);
	struct varlena *zone = PG_GETARG_DNSNAME_PP(1 - name_arg);

	return dn_key_within(DNSNAME_KEY(name), DNSNAME_KEYLEN(name),
						 DNSNAME_KEY(zone), DNSNAME_KEYLEN(zone), strict);
}

Datum
dnsname_within(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(within_args(fcinfo, 0, false));
}

Datum
dnsname_strictly_within(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(within_args(fcinfo, 0, true));
}

Datum
dnsname_contains(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(within_args(fcinfo, 1, false));
}

Datum
dnsname_strictly_contains(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(within_args(fcinfo, 1, true));
}

/*
 * dnsname_subtree_end: the smallest key above the subtree of a name.  The
 * root's subtree is everything; no name can bound it, so a string of 0xFF
 * longer than any real key serves.
 */
Datum
dnsname_subtree_end(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	size_t		len = DNSNAME_KEYLEN(v);
	uint8_t		end[DN_KEY_MAX + 2];

	if (len == 0)
	{
		memset(end, 0xFF, DN_KEY_MAX);
		PG_RETURN_POINTER(dnsname_from_key(end, DN_KEY_MAX));
	}
	memcpy(end, DNSNAME_KEY(v), len);
	end[len] = DN_ESC;
	end[len + 1] = DN_ESC;
	PG_RETURN_POINTER(dnsname_from_key(end, len + 2));
}

/* dnsname_ancestors: the root, every parent, and (if inclusive) the name. */
Datum
dnsname_ancestors(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	bool		inclusive = PG_GETARG_BOOL(1);
	const uint8_t *key = DNSNAME_KEY(v);
	size_t		keylen = DNSNAME_KEYLEN(v);
	uint16		starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends);
	Datum	   *elems = palloc((n + 1) * sizeof(Datum));
	int			count = 0,
				i;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Oid			elemtype = get_fn_expr_argtype(fcinfo->flinfo, 0);

	elems[count++] = PointerGetDatum(dnsname_from_key(key, 0));
	for (i = 0; i < n; i++)
		if (i < n - 1 || inclusive)
			elems[count++] = PointerGetDatum(dnsname_from_key(key, ends[i]));
	if (!inclusive && n == 0)
		count = 0;				/* the root has no strict ancestors */

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, count, elemtype,
										  typlen, typbyval, typalign));
}

/* Which of the four operator functions a support request is about. */
typedef struct subdomain_op
{
	const char *funcname;
	bool		first_within;	/* is arg 0 below arg 1 (else above) */
	bool		strict;
} subdomain_op;

static const subdomain_op subdomain_ops[] = {
	{"dnsname_within", true, false},
	{"dnsname_strictly_within", true, true},
	{"dnsname_contains", false, false},
	{"dnsname_strictly_contains", false, true},
};

static const subdomain_op *
lookup_subdomain_op(Oid funcid)
{
	char	   *name = get_func_name(funcid);
	size_t		i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < lengthof(subdomain_ops); i++)
		if (strcmp(name, subdomain_ops[i].funcname) == 0)
			return &subdomain_ops[i];
	return NULL;
}

/* A function of this extension, found in the schema of `sibling`. */
static Oid
sibling_function(Oid sibling, const char *name, int nargs, const Oid *argtypes)
{
	char	   *nsp = get_namespace_name(get_func_namespace(sibling));

	return LookupFuncName(list_make2(makeString(nsp), makeString(pstrdup(name))),
						  nargs, argtypes, false);
}

static Expr *
btree_opclause(Oid opfamily, Oid type, int strategy, Expr *left, Expr *right)
{
	Oid			opno = get_opfamily_member(opfamily, type, type, strategy);

	if (!OidIsValid(opno))
		elog(ERROR, "missing operator %d for type %u in opfamily %u",
			 strategy, type, opfamily);
	return make_opclause(opno, BOOLOID, false, left, right, InvalidOid, InvalidOid);
}

static bool
is_root_const(Node *node)
{
	Const	   *c;

	if (!IsA(node, Const))
		return false;
	c = (Const *) node;
	return !c->constisnull &&
		DNSNAME_KEYLEN(DatumGetDnsnamePP(c->constvalue)) == 0;
}

/*
 * Index conditions for "col below-or-at other": a key range.  For a constant
 * root there is no upper bound to give.
 */
static List *
subtree_range(SupportRequestIndexCondition *req, Oid funcid, Oid type,
			  Expr *col, Expr *other, bool strict)
{
	Expr	   *lower = btree_opclause(req->opfamily, type,
									   strict ? BTGreaterStrategyNumber : BTGreaterEqualStrategyNumber,
									   col, other);
	Oid			endfn;
	Expr	   *end;

	if (is_root_const((Node *) other))
		return list_make1(lower);

	endfn = sibling_function(funcid, "dnsname_subtree_end", 1, &type);
	end = (Expr *) makeFuncExpr(endfn, type, list_make1(copyObject(other)),
								 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	end = (Expr *) eval_const_expressions(req->root, (Node *) end);
	return list_make2(lower,
					  btree_opclause(req->opfamily, type, BTLessStrategyNumber,
									 copyObject(col), end));
}

/* Index condition for "col above-or-at other": col = ANY(ancestors). */
static List *
ancestor_set(SupportRequestIndexCondition *req, Oid funcid, Oid type,
			 Expr *col, Expr *other, bool strict)
{
	Oid			argtypes[2] = {type, BOOLOID};
	Oid			ancfn = sibling_function(funcid, "dnsname_ancestors", 2, argtypes);
	Oid			arraytype = get_array_type(type);
	Oid			eqop = get_opfamily_member(req->opfamily, type, type, BTEqualStrategyNumber);
	ScalarArrayOpExpr *saop;
	Expr	   *set;

	set = (Expr *) makeFuncExpr(ancfn, arraytype,
								list_make2(copyObject(other),
										   makeBoolConst(!strict, false)),
								InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	set = (Expr *) eval_const_expressions(req->root, (Node *) set);

	saop = makeNode(ScalarArrayOpExpr);
	saop->opno = eqop;
	saop->opfuncid = get_opcode(eqop);
	saop->useOr = true;
	saop->inputcollid = InvalidOid;
	saop->args = list_make2(col, set);
	saop->location = -1;
	return list_make1(saop);
}

Datum
dnsname_subdomain_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestIndexCondition *req;
	const subdomain_op *op;
	List	   *args;
	Oid			funcid;
	Expr	   *col,
			   *other;
	Oid			type;
	bool		col_below;

	if (!IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestIndexCondition *) rawreq;

	if (is_opclause(req->node))
	{
		OpExpr	   *clause = (OpExpr *) req->node;

		funcid = get_opcode(clause->opno);
		args = clause->args;
	}
	else if (is_funcclause(req->node))
	{
		FuncExpr   *clause = (FuncExpr *) req->node;

		funcid = clause->funcid;
		args = clause->args;
	}
	else
		PG_RETURN_POINTER(NULL);

	if (list_length(args) != 2 || req->index->relam != BTREE_AM_OID)
		PG_RETURN_POINTER(NULL);
	op = lookup_subdomain_op(funcid);
	if (op == NULL)
		PG_RETURN_POINTER(NULL);

	col = (Expr *) list_nth(args, req->indexarg);
	other = (Expr *) list_nth(args, 1 - req->indexarg);
	if (!is_pseudo_constant_for_index(req->root, (Node *) other, req->index))
		PG_RETURN_POINTER(NULL);
	if (IsA(other, Const) && ((Const *) other)->constisnull)
		PG_RETURN_POINTER(NULL);

	type = exprType((Node *) col);
	if (type != exprType((Node *) other) ||
		!OidIsValid(get_opfamily_member(req->opfamily, type, type, BTLessStrategyNumber)))
		PG_RETURN_POINTER(NULL);

	/* Is the indexed column the lower name of the pair? */
	col_below = (req->indexarg == 0) == op->first_within;

	req->lossy = false;
	if (col_below)
		PG_RETURN_POINTER(subtree_range(req, funcid, type, col, other, op->strict));
	PG_RETURN_POINTER(ancestor_set(req, funcid, type, col, other, op->strict));
}

/*
 * dnsname_subdomain_sel: restriction selectivity of the four operators,
 * measured by applying the operator to the column's MCVs and histogram.
 */
Datum
dnsname_subdomain_sel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	Oid			operator = PG_GETARG_OID(1);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);

	PG_RETURN_FLOAT8(generic_restriction_selectivity(root, operator, InvalidOid,
													 args, varRelid, 0.005));
}
