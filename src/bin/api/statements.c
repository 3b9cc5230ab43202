/*
 * statements.c: the SQL of pdns-api (statements.h).
 */
#include "statements.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * The lookup function call of each kind, as a FROM item named l; %s is
 * where its four time fences go.
 */
static const char *const calls[API_KIND_COUNT] = {
	[API_RRSET_NAME] = "pdns.lookup_rrset($1, coalesce($2, 'ANY'), $3, %s, max_results => pdns.api_admitted_fetch($9)) l",
	[API_RRSET_RAW] = "pdns.lookup_rrset($1, coalesce($2, 'ANY'), $3, %s, max_results => pdns.api_admitted_fetch($9)) l",
	[API_RDATA_NAME] = "pdns.lookup_rdata_name($1, coalesce($2, 'ANY'), %s, max_results => pdns.api_admitted_fetch($9)) l",
	[API_RDATA_IP] = "pdns.lookup_rdata_ip($1, %s, max_results => pdns.api_admitted_fetch($9)) l",
	[API_RDATA_RAW] = "pdns.lookup_rdata_raw($1, coalesce($2, 'ANY'), %s, max_results => pdns.api_admitted_fetch($9)) l",
	/* CIRCL answers what has the name as its owner or in its rdata */
	[API_CIRCL_NAME] = "(SELECT * FROM (SELECT * FROM pdns.lookup_rrset($1, 'ANY',"
	" max_results => pdns.api_admitted_fetch(0)) UNION ALL SELECT * FROM pdns.lookup_rdata_name($1, 'ANY',"
	" max_results => pdns.api_admitted_fetch(0))) u LIMIT pdns.api_admitted_fetch(0)) l",
	[API_CIRCL_IP] = "pdns.lookup_rdata_ip($1, max_results => pdns.api_admitted_fetch(0)) l",
};

/* The fences as given: time_first_before, _after, time_last_before, _after. */
#define FENCES "$4, $5, $6, $7"

/*
 * aggr=false: an RRset has a period within the fences only if its whole
 * life starts before both "before" fences and ends after both "after"
 * ones; the periods themselves are fenced exactly by unaggregated().
 */
#define FENCES_LOOSE \
	"ceil(extract(epoch FROM least(pdns.fence($4), pdns.fence($6))))::bigint::text, NULL, NULL, " \
	"floor(extract(epoch FROM greatest(pdns.fence($5), pdns.fence($7))))::bigint::text"

/* The explorer's (one shape each): rows of (json, truncated) as well. */
static const char *const explorer_sql[API_KIND_COUNT] = {
	[API_VOLUME_NAME] = "SELECT v::text, false FROM pdns.explorer_volume($1, false) v",
	[API_VOLUME_DOMAIN] = "SELECT v::text, false FROM pdns.explorer_volume($1, true) v",
	[API_ENRICH] = "SELECT e::text, false FROM pdns.explorer_enrichment($1, $5, $6) e",
	[API_DOMAIN] = "SELECT json_build_object('name', n::text,"
	" 'registered_domain', pdns.registered_domain(n)::text,"
	" 'public_suffix', pdns.public_suffix(n)::text)::text, false"
	" FROM (SELECT $1::pdns.dnsname AS n) s",
};

static const char *const kind_names[API_KIND_COUNT] = {
	[API_RRSET_NAME] = "rrset_name",
	[API_RRSET_RAW] = "rrset_raw",
	[API_RDATA_NAME] = "rdata_name",
	[API_RDATA_IP] = "rdata_ip",
	[API_RDATA_RAW] = "rdata_raw",
	[API_CIRCL_NAME] = "circl_name",
	[API_CIRCL_IP] = "circl_ip",
	[API_VOLUME_NAME] = "volume_name",
	[API_VOLUME_DOMAIN] = "volume_domain",
	[API_ENRICH] = "enrich",
	[API_DOMAIN] = "domain",
};

static const char *const shape_names[] = {"a", "u", "s", "c"};

const char *
api_lookup_statement(api_kind kind, api_shape shape)
{
	static char names[API_KIND_COUNT][4][32];
	static int	made;

	if (!made)
	{
		for (int k = 0; k < API_KIND_COUNT; k++)
			for (int s = 0; s < 4; s++)
				snprintf(names[k][s], sizeof(names[k][s]), "api_%s_%s", kind_names[k], shape_names[s]);
		made = 1;
	}
	return names[kind][shape];
}

/*
 * On a coordinator, the lookups, aggr=false and the explorer's volume are
 * pdns_cluster's: every "pdns.lookup_", "pdns.unaggregated(" and
 * "pdns.explorer_volume(" of a statement becomes
 * "pdns_cluster." (in place: the SQL has room, the replacement is longer
 * by 8 octets each and the buffers are sized for it).
 */
static const char *const cluster_functions[] = {
	"pdns.lookup_", "pdns.unaggregated(", "pdns.explorer_volume("
};

static void
to_cluster(char *sql, size_t size)
{
	for (size_t f = 0; f < sizeof(cluster_functions) / sizeof(cluster_functions[0]); f++)
	{
		char	   *at = sql;

		while ((at = strstr(at, cluster_functions[f])) != NULL)
		{
			size_t		rest = strlen(at + 4);

			if ((size_t) (at - sql) + 4 + strlen("_cluster") + rest + 1 > size)
				return;
			memmove(at + 4 + strlen("_cluster"), at + 4, rest + 1);
			memcpy(at + 4, "_cluster", strlen("_cluster"));
			at += 4 + strlen("_cluster");
		}
	}
}

static bool prepare_cluster;

static int
prepare(PGconn *conn, const char *name, const char *sql, int nparams, const Oid *types,
		char *why, size_t whylen)
{
	char		cluster_sql[4096];
	PGresult   *res;
	int			rc = 0;

	if (prepare_cluster && strlen(sql) < sizeof(cluster_sql) / 2)
	{
		strcpy(cluster_sql, sql);
		to_cluster(cluster_sql, sizeof(cluster_sql));
		sql = cluster_sql;
	}
	res = PQprepare(conn, name, sql, nparams, types);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		snprintf(why, whylen, "preparing %s: %s", name, PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

#define TEXTOID 25
#define INT8OID 20
#define BOOLOID 16
#define INT4OID 23
#define INETOID 869
#define TIMESTAMPTZOID 1184

int
api_statements_prepare(PGconn *conn, bool cluster, char *why, size_t whylen)
{
	static const Oid lookup_types[LOOKUP_PARAMS] = {
		TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT8OID, INT8OID, BOOLOID,
		INT8OID
	};
	static const Oid begin_types[] = {TEXTOID, INETOID, TEXTOID, TEXTOID, INT8OID, BOOLOID};
	static const Oid refused_types[] = {TEXTOID, INETOID, TEXTOID, TEXTOID, INT4OID, TEXTOID};
	static const Oid text_type[] = {TEXTOID};
	/* int4[], bool[], timestamptz[], inet[], text[], text[], int4[], int8[], text[], float8[] */
	static const Oid batch_types[] = {1007, 1000, 1185, 1041, 1009, 1009, 1007, 1016, 1009, 1022};
	static const Oid release_types[] = {INT4OID, INT4OID};
	static const Oid int_type[] = {INT4OID};
	char		sql[2048],
				call[1024];

	prepare_cluster = cluster;

	if (prepare(conn, STMT_BEGIN,
				"SELECT a.status, a.message, a.key_id, a.key_name, a.role, a.slot, a.max_results, a.started, a.offset_max, a.client"
				" FROM pdns._api_begin($1, $2, $3, $4, $5, $6) a", 6, begin_types, why, whylen) ||
		prepare(conn, STMT_SET_ROLE, "SELECT pg_catalog.set_config('role', $1, false)",
				1, text_type, why, whylen) ||
		prepare(conn, STMT_ASSUME, "SELECT pg_catalog.set_config('role', pdns._api_assume(), false)",
				0, NULL, why, whylen) ||
		prepare(conn, STMT_RATE_LIMIT, "SELECT pdns._api_rate_limit($1)::text",
				1, int_type, why, whylen) ||
		prepare(conn, STMT_EXPIRE, "SELECT pdns.api_audit_expire()", 0, NULL, why, whylen) ||
		prepare(conn, STMT_REFUSED, "SELECT pdns._api_refused($1, $2, $3, $4, $5, $6)",
				6, refused_types, why, whylen) ||
		prepare(conn, STMT_END_BATCH,
				"SELECT pdns._api_end_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
				10, batch_types, why, whylen) ||
		prepare(conn, STMT_RELEASE,
				"SELECT pg_catalog.set_config('role', 'none', false),"
				"       CASE WHEN $2 IS NOT NULL THEN pg_catalog.pg_advisory_unlock($1, $2) END",
				2, release_types, why, whylen))
		return -1;

	for (int k = 0; k < API_KIND_COUNT; k++)
	{
		bool		circl = k == API_CIRCL_NAME || k == API_CIRCL_IP;

		if (explorer_sql[k])
		{
			if (prepare(conn, api_lookup_statement(k, SHAPE_AGGREGATED), explorer_sql[k], LOOKUP_PARAMS,
						lookup_types, why, whylen))
				return -1;
			continue;
		}

		if (circl)
		{
			snprintf(sql, sizeof(sql),
					 "SELECT pdns.to_cof(l)::text, l.truncated FROM %s", calls[k]);
			if (prepare(conn, api_lookup_statement(k, SHAPE_COF), sql, LOOKUP_PARAMS, lookup_types,
						why, whylen))
				return -1;
			continue;
		}
		snprintf(call, sizeof(call), calls[k], FENCES);
		snprintf(sql, sizeof(sql),
				 "SELECT pdns.dnsdb_object(l, $10)::text, l.truncated FROM %s OFFSET $9", call);
		if (prepare(conn, api_lookup_statement(k, SHAPE_AGGREGATED), sql, LOOKUP_PARAMS, lookup_types,
					why, whylen))
			return -1;
		snprintf(call, sizeof(call), calls[k], FENCES_LOOSE);
		snprintf(sql, sizeof(sql),
				 "SELECT pdns.dnsdb_object(u, $10)::text, l.truncated FROM %s"
				 " CROSS JOIN LATERAL pdns.unaggregated(l, $4, $5, $6, $7) u"
				 " OFFSET $9 LIMIT pdns.api_admitted_fetch(0) + 1", call);
		if (prepare(conn, api_lookup_statement(k, SHAPE_UNAGGREGATED), sql, LOOKUP_PARAMS, lookup_types,
					why, whylen))
			return -1;
		snprintf(call, sizeof(call), calls[k], FENCES);
		snprintf(sql, sizeof(sql),
				 "SELECT pdns.dnsdb_summary(s, $10)::text, s.truncated"
				 " FROM pdns.summarize(ARRAY("
				 "   SELECT x.l FROM (SELECT l, coalesce(sum(l.count) OVER"
				 "                      (ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before"
				 "                    FROM %s) x"
				 "   WHERE $11 IS NULL OR x.before < $11)) s", call);
		if (prepare(conn, api_lookup_statement(k, SHAPE_SUMMARY), sql, LOOKUP_PARAMS, lookup_types,
					why, whylen))
			return -1;
	}
	return 0;
}
