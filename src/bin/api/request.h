/*
 * request.h: what an HTTP request to pdns-api asks for.
 *
 * Pure C (no libmicrohttpd, no libpq): the path and query parameters of a
 * request, already percent-decoded, become a struct api_request or an HTTP
 * status with a message naming the problem.  Everything the database will
 * see passes through here first; values are checked for shape and length,
 * and they reach SQL only as parameters of prepared statements.
 */
#ifndef PDNS_API_REQUEST_H
#define PDNS_API_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define API_VALUE_MAX	1024	/* a name in presentation form, a hex string */
#define API_TYPE_MAX	16
#define API_FENCE_MAX	32
#define API_MSG_MAX		256
#define API_PARAMS_MAX	32		/* query parameters in one request */
#define API_PATH_MAX	2048

typedef enum api_service
{
	API_DNSDB,					/* /dnsdb/v2/lookup|summarize/... */
	API_CIRCL,					/* /pdns/query/{q} */
	API_PING,					/* /dnsdb/v2/ping */
	API_RATE_LIMIT,				/* /dnsdb/v2/rate_limit */
	API_EXPLORER,				/* /pdns/v1/...: what the explorer page draws */
	API_STATIC					/* the explorer page's files: value is the path */
} api_service;

typedef enum api_kind
{
	API_RRSET_NAME,
	API_RRSET_RAW,				/* value is the owner decoded from wire hex */
	API_RDATA_NAME,
	API_RDATA_IP,				/* value is an address, CIDR or range */
	API_RDATA_RAW,				/* value is hex rdata */
	API_CIRCL_NAME,
	API_CIRCL_IP,
	API_VOLUME_NAME,			/* /pdns/v1/volume/name/{name} */
	API_VOLUME_DOMAIN,			/* /pdns/v1/volume/domain/{name}: and below */
	API_ENRICH,					/* /pdns/v1/enrich/{address}?first=&last= */
	API_DOMAIN,					/* /pdns/v1/domain/{name}: its registered domain */
	API_KIND_COUNT
} api_kind;

typedef struct api_param
{
	const char *name;
	const char *value;
} api_param;

typedef struct api_request
{
	api_service service;
	api_kind	kind;
	bool		summarize;
	char		value[API_VALUE_MAX + 1];
	char		rrtype[API_TYPE_MAX + 1];	/* "" = ANY */
	char		bailiwick[API_VALUE_MAX + 1];	/* "" = any */
	/* fences as DNSDB sends them: epoch seconds, negative = relative */
	char		time_first_before[API_FENCE_MAX + 1];
	char		time_first_after[API_FENCE_MAX + 1];
	char		time_last_before[API_FENCE_MAX + 1];
	char		time_last_after[API_FENCE_MAX + 1];
	long long	limit;			/* -1: not given */
	long long	offset;
	long long	max_count;		/* summarize: -1 not given */
	bool		humantime;
	bool		aggr;
} api_request;

/*
 * Parses a GET request.  Returns 0 and fills *req, or an HTTP status (400,
 * 404, 405, 414) with msg set.
 */
int			api_request_parse(const char *method, const char *path,
							  const api_param *params, size_t nparams,
							  api_request *req, char msg[API_MSG_MAX]);

/* The query string for the audit: name=value pairs as received, cut short. */
void		api_params_text(const api_param *params, size_t nparams,
							char *out, size_t outlen);

#endif
