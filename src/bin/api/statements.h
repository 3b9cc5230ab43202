/*
 * statements.h: every SQL statement pdns-api runs, prepared on each pooled
 * connection.  Values reach them only as parameters.
 *
 * Lookups take the same ten parameters, whatever they use of them:
 *	$1 value, $2 rrtype (NULL: ANY), $3 bailiwick, $4..$7 the fences
 *	time_first_before, time_first_after, time_last_before, time_last_after,
 *	$8 unused (what a lookup fetches is its admission's: pdns.api_admitted_fetch),
 *	$9 offset, $10 humantime,
 *	$11 max_count (summarize: stop once the count reaches it; NULL: no stop).
 * Each returns rows of (json text, truncated boolean).
 */
#ifndef PDNS_API_STATEMENTS_H
#define PDNS_API_STATEMENTS_H

#include <stddef.h>
#include <libpq-fe.h>

#include "request.h"

#define LOOKUP_PARAMS 11

typedef enum api_shape
{
	SHAPE_AGGREGATED,			/* one row per RRset */
	SHAPE_UNAGGREGATED,			/* one row per RRset and period (aggr=false); one
								 * row more than the limit tells it was cut */
	SHAPE_SUMMARY,				/* one summary row */
	SHAPE_COF					/* COF objects (CIRCL) */
} api_shape;

#define STMT_BEGIN		"api_begin"	/* key, remote, endpoint, params, limit, counted */
#define STMT_SET_ROLE	"api_set_role"	/* role, or 'none' */
#define STMT_ASSUME		"api_assume"	/* SET ROLE to what _api_begin admitted */
#define STMT_RATE_LIMIT "api_rate_limit"	/* key_id */
#define STMT_EXPIRE		"api_expire"
#define STMT_REFUSED	"api_refused"	/* key, remote, endpoint, params, status, message */
#define STMT_END_BATCH	"api_end_batch"	/* arrays: see _api_end_batch */
#define STMT_RELEASE	"api_release"	/* key_id, slot: role reset, slot given back */

/* The prepared statement's name for a lookup of a kind and shape. */
const char *api_lookup_statement(api_kind kind, api_shape shape);

/*
 * Prepares every statement on a new connection; cluster: the lookups are
 * pdns_cluster's (a coordinator, docs/scale-out.md), and what reads the
 * coordinator's own store (the explorer's volume) refuses.
 */
int			api_statements_prepare(PGconn *conn, bool cluster, char *why, size_t whylen);

#endif
