/*
 * http.c: one HTTP request, from its path to the last line of its answer.
 *
 * A lookup takes a pooled connection, is admitted by pdns._api_begin() (key,
 * quotas, a concurrency slot), runs under SET ROLE to the key's role in
 * libpq's single-row mode, and streams each row as it arrives, so memory
 * stays flat however many rows come back.  Whatever ends the answer (its
 * last row, an error, the client going away, a timeout), the free callback
 * cancels what is still running, resets the role, writes the audit row
 * with pdns._api_end_batch() (audit.c) and gives the connection back.
 */
#include "assets.h"
#include "audit.h"
#include "http.h"
#include "request.h"
#include "statements.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STREAM_BLOCK (64 * 1024)
#define PARAMS_TEXT_MAX 2048
#define ERROR_BODY_MAX 1024

size_t
api_json_string(const char *s, char *out, size_t outlen)
{
	size_t		o = 0;

	if (outlen < 3)
		return 0;
	out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *) s; *p && o + 8 < outlen; p++)
	{
		if (*p == '"' || *p == '\\')
		{
			out[o++] = '\\';
			out[o++] = (char) *p;
		}
		else if (*p < 0x20 || *p == 0x7f)
			o += (size_t) snprintf(out + o, outlen - o, "\\u%04x", *p);
		else
			out[o++] = (char) *p;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

static enum MHD_Result
respond_text(struct MHD_Connection *connection, unsigned status, const char *body,
			 const char *content_type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *) body,
															 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
								"Basic realm=\"pdns-api\", charset=\"UTF-8\"");
	ret = MHD_queue_response(connection, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An error answer: one line of JSON naming the problem. */
static enum MHD_Result
respond_error(struct MHD_Connection *connection, unsigned status, const char *msg)
{
	char		body[ERROR_BODY_MAX];
	size_t		o = (size_t) snprintf(body, sizeof(body), "{\"error\":");

	o += api_json_string(msg, body + o, sizeof(body) - o - 20);
	snprintf(body + o, sizeof(body) - o, ",\"status\":%u}\n", status);
	return respond_text(connection, status, body, "application/json");
}

/*
 * The explorer page's files: public (no key; the page asks for one), and
 * allowed to load nothing but themselves and to talk only to this server.
 */
static enum MHD_Result
respond_asset(struct MHD_Connection *connection, const char *name)
{
	for (const api_asset *a = api_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
		{
			struct MHD_Response *r = MHD_create_response_from_buffer(a->len, (void *) a->data,
																	 MHD_RESPMEM_PERSISTENT);
			enum MHD_Result ret;

			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
			MHD_add_response_header(r, "Content-Security-Policy",
									"default-src 'self'; img-src 'self' data:; style-src 'self'; "
									"frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
			MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
			MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
			MHD_add_response_header(r, "Cache-Control", "no-cache");
			ret = MHD_queue_response(connection, MHD_HTTP_OK, r);
			MHD_destroy_response(r);
			return ret;
		}
	return respond_error(connection, MHD_HTTP_NOT_FOUND, "no such file");
}

/*
 * libmicrohttpd's unescaping of paths and parameters, but a %00 becomes
 * 0x01: a NUL would cut the value short unseen, a control character is
 * refused by the request parser.
 */
size_t
api_unescape(void *cls, struct MHD_Connection *connection, char *s)
{
	char	   *w = s;

	for (const char *r = s; *r; r++)
	{
		if (*r == '%' && isxdigit((unsigned char) r[1]) && isxdigit((unsigned char) r[2]))
		{
			char		hex[3] = {r[1], r[2], 0};
			char		c = (char) strtol(hex, NULL, 16);

			*w++ = c == '\0' ? '\x01' : c;
			r += 2;
		}
		else
			*w++ = *r;
	}
	*w = '\0';
	return (size_t) (w - s);
}

/* ------------------------------------------------------------------ */
/* What a request carries besides its path. */

typedef struct header_scan
{
	size_t		bytes;
	const char *api_key;
} header_scan;

static enum MHD_Result
scan_header(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	header_scan *h = cls;

	h->bytes += strlen(name) + (value ? strlen(value) : 0) + 4;
	if (strcasecmp(name, "X-API-Key") == 0)
		h->api_key = value;
	return MHD_YES;
}

typedef struct param_scan
{
	api_param	params[API_PARAMS_MAX + 1];
	size_t		n;
} param_scan;

static enum MHD_Result
scan_param(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	param_scan *p = cls;

	if (p->n < API_PARAMS_MAX + 1)
	{
		p->params[p->n].name = name;
		p->params[p->n].value = value;
	}
	p->n++;
	return MHD_YES;
}

/* The path with "//" collapsed and what a client escaped twice unescaped. */
static void
normalize_path(const char *url, char *out, size_t outlen)
{
	size_t		o = 0;

	for (const char *p = url; *p && o + 1 < outlen; p++)
	{
		if (*p == '/' && o > 0 && out[o - 1] == '/')
			continue;
		if (*p == '%' && isxdigit((unsigned char) p[1]) && isxdigit((unsigned char) p[2]))
		{
			char		hex[3] = {p[1], p[2], 0};
			long		c = strtol(hex, NULL, 16);

			if (c >= 0x21 && c < 0x7f)
			{
				out[o++] = (char) c;
				p += 2;
				continue;
			}
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

static void
client_address(const api_server *srv, struct MHD_Connection *connection, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *fwd;

	out[0] = '\0';
	if (srv->cfg->trust_forwarded_for &&
		(fwd = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Forwarded-For")) != NULL)
	{
		/* the last address is the one the trusted proxy saw */
		const char *last = strrchr(fwd, ',');
		char		buf[INET6_ADDRSTRLEN + 8];
		unsigned char a[16];

		last = last ? last + 1 : fwd;
		while (*last == ' ')
			last++;
		snprintf(buf, sizeof(buf), "%s", last);
		buf[strcspn(buf, " ")] = '\0';
		if ((inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1) &&
			strlen(buf) < outlen)
		{
			memcpy(out, buf, strlen(buf) + 1);
			return;
		}
	}
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *) ci->client_addr)->sin_addr, out, (socklen_t) outlen);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) ci->client_addr)->sin6_addr, out, (socklen_t) outlen);
}

/* ------------------------------------------------------------------ */
/* One admitted request and its stream. */

typedef struct api_call
{
	api_server *srv;
	PGconn	   *conn;
	bool		broken;			/* the connection failed: do not reuse it */
	api_request req;
	api_shape	shape;
	/* admission */
	char		key_id[16];
	char		slot[16];
	char		started[64];
	char		role[128];
	char		client[64];		/* the caller's address as the audit keeps it */
	struct timespec admitted_at;
	long long	max_results;
	long long	offset_max;
	/* audit */
	char		remote[INET6_ADDRSTRLEN];
	char		endpoint[API_PATH_MAX + 32];
	char		params[PARAMS_TEXT_MAX];
	int			status;
	long long	rows;
	char		message[API_MSG_MAX];
	/* stream */
	bool		running;		/* the lookup has rows or its end still to come */
	bool		begun;
	bool		ended;			/* the terminator is written */
	bool		truncated;
	long long	row_limit;		/* rows to send at most (-1: the SQL's limit) */
	bool		head;			/* HEAD: the headers of the answer, no body */
	PGresult   *pending;		/* a row not yet written */
	char	   *line;			/* what did not fit into the last block */
	size_t		line_len,
				line_off,
				line_cap;
} api_call;

/* HTTP status and message for a failed statement. */
static int
status_of(const PGresult *res, PGconn *conn, bool *broken, char *msg, size_t msglen)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;

	if (primary == NULL)
		primary = PQerrorMessage(conn);
	if (detail)
		snprintf(msg, msglen, "%s: %s", primary, detail);
	else
		snprintf(msg, msglen, "%s", primary);
	msg[strcspn(msg, "\n")] = '\0';
	if (PQstatus(conn) != CONNECTION_OK || state == NULL ||
		strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 || strncmp(state, "53", 2) == 0)
	{
		*broken = PQstatus(conn) != CONNECTION_OK || state == NULL || strncmp(state, "57P", 3) == 0;
		snprintf(msg, msglen, "database unavailable");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (strcmp(state, "42501") == 0)
	{
		/* (the privilege named may be of a function inside the lookup) */
		snprintf(msg, msglen, "the API key's role may not read the store (%s)", primary);
		msg[strcspn(msg, "\n")] = '\0';
		return MHD_HTTP_FORBIDDEN;
	}
	if (strcmp(state, "57014") == 0)
	{
		snprintf(msg, msglen, "the lookup took longer than the server allows (statement timeout)");
		return MHD_HTTP_GATEWAY_TIMEOUT;
	}
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "42", 2) == 0 ||
		strcmp(state, "0A000") == 0 || strcmp(state, "P0001") == 0 || strncmp(state, "54", 2) == 0)
		return MHD_HTTP_BAD_REQUEST;
	return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static PGresult *
exec_prepared(PGconn *conn, const char *stmt, int n, const char *const *values)
{
	return PQexecPrepared(conn, stmt, n, values, NULL, NULL, 0);
}

/*
 * Reads what is left of the statements sent: to the end, or in pipeline
 * mode to the pipeline's sync, which it leaves.  False if the connection
 * broke.
 */
static bool
drain(PGconn *conn)
{
	PGresult   *res;
	int			nulls = 0;

	if (PQpipelineStatus(conn) == PQ_PIPELINE_OFF)
	{
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		return PQstatus(conn) == CONNECTION_OK;
	}
	/* (one NULL ends each statement's results; two in a row: nothing left) */
	while (nulls < 2 && PQstatus(conn) == CONNECTION_OK)
	{
		bool		sync;

		if ((res = PQgetResult(conn)) == NULL)
		{
			nulls++;
			continue;
		}
		nulls = 0;
		sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		PQclear(res);
		if (sync)
			return PQexitPipelineMode(conn) == 1;
	}
	return false;
}

/* Resets the role, audits the call and gives its connection back. */
static void
finish_call(api_call *call)
{
	if (call->conn == NULL)
		return;
	if (!call->broken)
	{
		/* the role reset and the slot given back, at once */
		const char *values[2] = {call->key_id, call->slot[0] ? call->slot : NULL};
		PGresult   *res = exec_prepared(call->conn, STMT_RELEASE, 2, values);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			call->broken = true;
		PQclear(res);
	}
	{
		/* the results counted and the audit row written, in a batch */
		struct timespec now;
		api_audit_end end = {
			.key_id = call->key_id, .counted = call->req.service != API_RATE_LIMIT,
			.started = call->started, .client = call->client[0] ? call->client : NULL,
			.endpoint = call->endpoint, .params = call->params, .status = call->status,
			.rows = call->rows, .message = call->message[0] ? call->message : NULL
		};

		clock_gettime(CLOCK_MONOTONIC, &now);
		end.duration_ms = (double) (now.tv_sec - call->admitted_at.tv_sec) * 1000.0 +
			(double) (now.tv_nsec - call->admitted_at.tv_nsec) / 1e6;
		if (!api_audit_ended(call->broken ? NULL : call->conn, &end))
			call->broken = true;
	}
	/* a broken connection is closed, and with it the slot's advisory lock */
	api_pool_put(call->srv->pool, call->conn, call->broken);
	call->conn = NULL;
}

static void
free_call(api_call *call)
{
	PQclear(call->pending);
	free(call->line);
	free(call);
}

/* The lookup has nothing more to send: what is left of it is read. */
static void
lookup_over(api_call *call)
{
	if (!drain(call->conn))
		call->broken = true;
	call->running = false;
}

/* Stops a lookup that is still sending rows, and reads what is left. */
static void
stop_lookup(api_call *call)
{
	if (!call->running)
		return;
	{
		PGcancel   *cancel = PQgetCancel(call->conn);
		char		err[256];

		if (cancel)
		{
			PQcancel(cancel, err, sizeof(err));
			PQfreeCancel(cancel);
		}
	}
	lookup_over(call);
}

/* The next row into call->pending, or the end of the lookup. */
static void
next_row(api_call *call)
{
	PGresult   *res = PQgetResult(call->conn);

	if (res && PQresultStatus(res) == PGRES_SINGLE_TUPLE)
	{
		call->pending = res;
		return;
	}
	if (res && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		bool		broken = false;

		call->status = status_of(res, call->conn, &broken, call->message, sizeof(call->message));
		call->broken |= broken;
	}
	PQclear(res);
	lookup_over(call);
}

static void
line_append(api_call *call, const char *s, size_t len)
{
	if (call->line_len + len > call->line_cap)
	{
		call->line_cap = (call->line_len + len) * 2;
		call->line = realloc(call->line, call->line_cap);
	}
	memcpy(call->line + call->line_len, s, len);
	call->line_len += len;
}

/* The next line of the answer into call->line; false when all is written. */
static bool
next_line(api_call *call)
{
	bool		saf = call->req.service != API_CIRCL;

	call->line_len = call->line_off = 0;
	if (!call->begun)
	{
		call->begun = true;
		if (saf)
		{
			line_append(call, "{\"cond\":\"begin\"}\n", 17);
			return true;
		}
	}
	if (call->pending && call->row_limit >= 0 && call->rows >= call->row_limit)
	{
		/* a row past the limit: the answer was cut */
		call->truncated = true;
		PQclear(call->pending);
		call->pending = NULL;
		stop_lookup(call);
	}
	if (call->pending)
	{
		const char *json = PQgetvalue(call->pending, 0, 0);

		if (PQgetvalue(call->pending, 0, 1)[0] == 't')
			call->truncated = true;
		if (saf)
			line_append(call, "{\"obj\":", 7);
		line_append(call, json, strlen(json));
		line_append(call, saf ? "}\n" : "\n", saf ? 2 : 1);
		call->rows++;
		PQclear(call->pending);
		call->pending = NULL;
		if (call->running)
			next_row(call);
		return true;
	}
	if (call->ended)
		return false;
	call->ended = true;
	if (!saf)
		return false;
	if (call->status != MHD_HTTP_OK)
	{
		char		m[API_MSG_MAX + 64];
		size_t		o = (size_t) snprintf(m, sizeof(m), "{\"cond\":\"failed\",\"msg\":");

		o += api_json_string(call->message, m + o, sizeof(m) - o - 4);
		snprintf(m + o, sizeof(m) - o, "}\n");
		line_append(call, m, strlen(m));
	}
	else if (call->truncated)
	{
		snprintf(call->message, sizeof(call->message), "Result limit reached");
		line_append(call, "{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}\n", 48);
	}
	else
		line_append(call, "{\"cond\":\"succeeded\"}\n", 21);
	return true;
}

static ssize_t
read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
	api_call   *call = cls;
	size_t		o = 0;

	while (o < max)
	{
		size_t		n;

		if (call->line_off == call->line_len && !next_line(call))
			break;
		n = call->line_len - call->line_off;
		if (n > max - o)
			n = max - o;
		memcpy(buf + o, call->line + call->line_off, n);
		call->line_off += n;
		o += n;
		/* send what we have rather than wait for a slow lookup's next row */
		if (call->pending == NULL && call->running && o > 0)
			break;
	}
	if (o == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t) o;
}

static void
free_stream(void *cls)
{
	api_call   *call = cls;

	if (call->running || call->pending || !call->ended)
	{
		/* the client went away (or timed out) before the end */
		stop_lookup(call);
		if (call->status == MHD_HTTP_OK && !call->head)
		{
			call->status = 499;
			snprintf(call->message, sizeof(call->message), "client closed the connection after %lld rows",
					 call->rows);
		}
	}
	finish_call(call);
	free_call(call);
}

/*
 * The answer of a lookup that has started.  One that fits into a block is
 * made whole first: it goes out with its length in one write, and its
 * database connection goes back before it is sent.  A longer one is
 * streamed, the block made so far first.
 */
static enum MHD_Result
respond_lookup(struct MHD_Connection *connection, api_call *call)
{
	char	   *block = malloc(STREAM_BLOCK);
	size_t		len = 0;
	bool		whole = false;
	struct MHD_Response *r;
	enum MHD_Result ret;

	while (len < STREAM_BLOCK)
	{
		ssize_t		n = read_stream(call, 0, block + len, STREAM_BLOCK - len);

		if (n == MHD_CONTENT_READER_END_OF_STREAM)
		{
			whole = true;
			break;
		}
		len += (size_t) n;
	}
	if (whole)
	{
		finish_call(call);
		free_call(call);
		r = MHD_create_response_from_buffer(len, block, MHD_RESPMEM_MUST_FREE);
	}
	else
	{
		/* (what read_stream had not written yet stays in the carry line) */
		char	   *rest = call->line;
		size_t		rest_len = call->line_len - call->line_off;

		call->line = malloc(len + rest_len + 1);
		call->line_cap = len + rest_len + 1;
		memcpy(call->line, block, len);
		memcpy(call->line + len, rest + call->line_off, rest_len);
		call->line_len = len + rest_len;
		call->line_off = 0;
		free(rest);
		free(block);
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, read_stream, call,
											  free_stream);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(connection, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ */

static const char *
kind_endpoint(const api_request *req)
{
	switch (req->service)
	{
		case API_PING:
			return "ping";
		case API_RATE_LIMIT:
			return "rate_limit";
		case API_CIRCL:
			return "circl";
		case API_EXPLORER:
			return "explorer";
		case API_STATIC:
			return "static";
		default:
			return req->summarize ? "summarize" : "lookup";
	}
}

static int	admission_of(api_call *call, const PGresult *res);

/*
 * Admits a lookup and runs it up to its first row, in one round trip: a
 * pipeline of _api_begin() (then a sync: its refusal is audited whatever
 * follows), and SET ROLE to the role _api_begin() admitted with the lookup
 * itself (they fail at once when it admitted none; the lookup fetches what
 * it allowed).  0, or an HTTP status with its message.
 */
static int
start_lookup(api_call *call, const char *key, long long asked)
{
	const api_request *req = &call->req;
	char		limit[32],
				offset[32],
				max_count[32];
	const char *values[LOOKUP_PARAMS];
	const char *begin[6] = {key, call->remote[0] ? call->remote : NULL, call->endpoint,
	call->params, limit, "t"};
	const char *stmt;
	PGresult   *res;
	int			status;

	if (req->summarize)
		call->shape = SHAPE_SUMMARY;
	else if (req->service == API_CIRCL)
		call->shape = SHAPE_COF;
	else if (req->service == API_EXPLORER)
		call->shape = SHAPE_AGGREGATED;
	else
		call->shape = req->aggr ? SHAPE_AGGREGATED : SHAPE_UNAGGREGATED;
	snprintf(limit, sizeof(limit), "%lld", asked);
	if (asked <= 0)
		begin[4] = NULL;
	snprintf(offset, sizeof(offset), "%lld", call->shape == SHAPE_SUMMARY ? 0 : req->offset);
	values[0] = req->value;
	values[1] = req->rrtype[0] ? req->rrtype : NULL;
	values[2] = req->bailiwick[0] ? req->bailiwick : NULL;
	values[3] = req->time_first_before[0] ? req->time_first_before : NULL;
	values[4] = req->time_first_after[0] ? req->time_first_after : NULL;
	values[5] = req->time_last_before[0] ? req->time_last_before : NULL;
	values[6] = req->time_last_after[0] ? req->time_last_after : NULL;
	values[7] = NULL;			/* (the fetch is the admission's: api_admitted_fetch) */
	values[8] = offset;
	values[9] = req->humantime ? "t" : "f";
	snprintf(max_count, sizeof(max_count), "%lld", req->max_count);
	values[10] = req->max_count > 0 ? max_count : NULL;

	stmt = api_lookup_statement(req->kind, call->shape);
	if (PQenterPipelineMode(call->conn) != 1 ||
		!PQsendQueryPrepared(call->conn, STMT_BEGIN, 6, begin, NULL, NULL, 0) ||
		!PQpipelineSync(call->conn) ||
		!PQsendQueryPrepared(call->conn, STMT_ASSUME, 0, NULL, NULL, NULL, 0) ||
		!PQsendQueryPrepared(call->conn, stmt, LOOKUP_PARAMS, values, NULL, NULL, 0) ||
		!PQpipelineSync(call->conn))
	{
		call->broken = true;
		snprintf(call->message, sizeof(call->message), "database unavailable");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	call->running = true;

	/* the admission, its statement's end, its sync */
	res = PQgetResult(call->conn);
	status = admission_of(call, res);
	PQclear(res);
	if (!call->broken)
	{
		if ((res = PQgetResult(call->conn)) != NULL)	/* (NULL: its end) */
		{
			PQclear(res);
			call->broken = true;
		}
		else if ((res = PQgetResult(call->conn)) == NULL ||
				 PQresultStatus(res) != PGRES_PIPELINE_SYNC)
			call->broken = true;
		PQclear(res);
		if (call->broken && status == 0)
		{
			status = MHD_HTTP_SERVICE_UNAVAILABLE;
			snprintf(call->message, sizeof(call->message), "database unavailable");
		}
	}
	if (status != 0)
	{
		/* (SET ROLE and the lookup fail without an admission) */
		lookup_over(call);
		return status;
	}
	/* aggr=false splits RRsets by period: the limit counts the pieces */
	call->row_limit = call->shape == SHAPE_UNAGGREGATED ? call->max_results : -1;

	call->running = true;
	res = PQgetResult(call->conn);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		/* the role could not be taken: the lookup is not run */
		int			status = status_of(res, call->conn, &call->broken, call->message,
									   sizeof(call->message));

		PQclear(res);
		lookup_over(call);
		return status == MHD_HTTP_BAD_REQUEST ? MHD_HTTP_FORBIDDEN : status;
	}
	PQclear(res);
	if ((res = PQgetResult(call->conn)) != NULL || !PQsetSingleRowMode(call->conn))
	{
		PQclear(res);
		stop_lookup(call);
		call->broken = true;
		snprintf(call->message, sizeof(call->message), "database unavailable");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	res = PQgetResult(call->conn);
	if (res && PQresultStatus(res) == PGRES_SINGLE_TUPLE)
	{
		call->pending = res;
		return 0;
	}
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
	{
		PQclear(res);
		lookup_over(call);
		return 0;
	}
	{
		int			status = status_of(res, call->conn, &call->broken, call->message,
									   sizeof(call->message));

		PQclear(res);
		lookup_over(call);
		return status;
	}
}

/*
 * The admission _api_begin() returned (res): 0 when admitted, else the HTTP
 * status, with the call's message set.
 */
static int
admission_of(api_call *call, const PGresult *res)
{
	int			status;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
	{
		char		msg[API_MSG_MAX];

		status = status_of(res, call->conn, &call->broken, msg, sizeof(msg));
		snprintf(call->message, sizeof(call->message), "%s", msg);
		return status == MHD_HTTP_SERVICE_UNAVAILABLE ? status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	snprintf(call->message, sizeof(call->message), "%s", PQgetvalue(res, 0, 1));
	snprintf(call->key_id, sizeof(call->key_id), "%s", PQgetvalue(res, 0, 2));
	snprintf(call->role, sizeof(call->role), "%s", PQgetvalue(res, 0, 4));
	snprintf(call->slot, sizeof(call->slot), "%s", PQgetvalue(res, 0, 5));
	call->max_results = atoll(PQgetvalue(res, 0, 6));
	snprintf(call->started, sizeof(call->started), "%s", PQgetvalue(res, 0, 7));
	call->offset_max = atoll(PQgetvalue(res, 0, 8));
	snprintf(call->client, sizeof(call->client), "%s", PQgetvalue(res, 0, 9));
	if (status != MHD_HTTP_OK)
		return status;
	clock_gettime(CLOCK_MONOTONIC, &call->admitted_at);
	api_audit_admitted();
	return 0;
}

/* Admission of an uncounted request (rate_limit) on its own. */
static int
admit(api_call *call, const char *key)
{
	const char *values[6] = {key, call->remote[0] ? call->remote : NULL, call->endpoint,
	call->params, NULL, "f"};
	PGresult   *res = exec_prepared(call->conn, STMT_BEGIN, 6, values);
	int			status = admission_of(call, res);

	PQclear(res);
	return status;
}

/* Is s valid UTF-8 (and free of overlong forms and surrogates)? */
static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			: (*p & 0xf8) == 0xf0 ? 3 : -1;
		unsigned	cp = n == 0 ? *p : n == 1 ? (*p & 0x1fu) : n == 2 ? (*p & 0x0fu) : (*p & 0x07u);

		if (n < 0)
			return false;
		for (int i = 1; i <= n; i++)
		{
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
			(n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		p += n + 1;
	}
	return true;
}

/* s as text for the audit: octets that are not UTF-8 or are controls as \xHH. */
static void
utf8_escaped(const char *s, char *out, size_t outlen)
{
	size_t		o = 0;

	for (const unsigned char *p = (const unsigned char *) s; *p && o + 5 < outlen; p++)
	{
		char		one[5] = {(char) *p, 0, 0, 0, 0};
		int			n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			: (*p & 0xf8) == 0xf0 ? 3 : -1;
		bool		ok = n >= 0 && *p >= 0x20 && *p != 0x7f;

		for (int i = 1; ok && i <= n; i++)
		{
			if ((p[i] & 0xc0) != 0x80)
				ok = false;
			else
				one[i] = (char) p[i];
		}
		if (ok && n > 0 && !utf8_valid(one))
			ok = false;
		if (!ok)
		{
			o += (size_t) snprintf(out + o, outlen - o, "\\x%02x", *p);
			continue;
		}
		if (o + (size_t) n + 1 >= outlen)
			break;
		memcpy(out + o, one, (size_t) n + 1);
		o += (size_t) n + 1;
		p += n;
	}
	out[o] = '\0';
}

static bool
params_valid(const param_scan *p)
{
	for (size_t i = 0; i < p->n && i < API_PARAMS_MAX + 1; i++)
		if (!utf8_valid(p->params[i].name) ||
			(p->params[i].value && !utf8_valid(p->params[i].value)))
			return false;
	return true;
}

static int
refuse_request(api_call *call, int status, const char *msg)
{
	snprintf(call->message, sizeof(call->message), "%s", msg);
	return status;
}

/*
 * A request refused before admission goes into the audit too (when the
 * database is there to take it).
 */
static void
audit_refusal(api_call *call, const char *key, int status)
{
	char		why[256],
				st[16];
	PGconn	   *conn = api_pool_get(call->srv->pool, call->srv->cfg->pool_wait_ms, why, sizeof(why));
	const char *values[6] = {key, call->remote[0] ? call->remote : NULL, call->endpoint,
	call->params, st, call->message};
	PGresult   *res;

	if (conn == NULL)
		return;
	snprintf(st, sizeof(st), "%d", status);
	res = exec_prepared(conn, STMT_REFUSED, 6, values);
	api_pool_put(call->srv->pool, conn, PQresultStatus(res) != PGRES_TUPLES_OK);
	PQclear(res);
}

/* The key: X-API-Key, or the password of HTTP basic authentication. */
static char *
request_key(struct MHD_Connection *connection, const header_scan *h)
{
	char	   *password = NULL;
	char	   *user;

	if (h->api_key)
		return strdup(utf8_valid(h->api_key) ? h->api_key : "(not UTF-8)");
	user = MHD_basic_auth_get_username_password(connection, &password);
	if (user)
		MHD_free(user);
	if (password)
	{
		char	   *key = strdup(utf8_valid(password) ? password : "(not UTF-8)");

		MHD_free(password);
		return key;
	}
	return NULL;
}

enum MHD_Result
api_handle(void *cls, struct MHD_Connection *connection,
		   const char *url, const char *method, const char *version,
		   const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	api_server *srv = cls;
	header_scan h = {0};
	param_scan	p = {0};
	api_call   *call;
	char		path[API_PATH_MAX + 2];
	char		why[256];
	char	   *key;
	int			status;
	long long	asked;

	/*
	 * The first call only says the headers are in; answering on it would
	 * make libmicrohttpd close the connection (no keep-alive), since the
	 * request's body, if any, is not read yet.
	 */
	if (*req_cls == NULL)
	{
		static int	headers_seen;
		const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
														 MHD_HTTP_HEADER_CONTENT_LENGTH);

		/*
		 * A request with a body is refused before the body is read, and
		 * its connection closed; the API's requests have none.
		 */
		if ((length && strtoll(length, NULL, 10) != 0) ||
			MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
										MHD_HTTP_HEADER_TRANSFER_ENCODING))
		{
			bool		get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

			char		msg[96];

			snprintf(msg, sizeof(msg), get ? "the API takes no request body"
					 : "method %.16s not allowed: the API answers GET", method);
			return respond_error(connection, get ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_METHOD_NOT_ALLOWED,
								 msg);
		}
		*req_cls = &headers_seen;
		return MHD_YES;
	}
	if (*upload_data_size != 0)
		return MHD_NO;			/* (a body without a declared length) */
	if (strlen(url) > API_PATH_MAX)
		return respond_error(connection, MHD_HTTP_URI_TOO_LONG, "path longer than 2048 characters");

	MHD_get_connection_values(connection, MHD_HEADER_KIND, scan_header, &h);
	if (h.bytes > (size_t) srv->cfg->max_header_bytes)
	{
		snprintf(why, sizeof(why), "request headers larger than %d bytes", srv->cfg->max_header_bytes);
		return respond_error(connection, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, why);
	}
	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, scan_param, &p);

	call = calloc(1, sizeof(*call));
	call->srv = srv;
	call->status = MHD_HTTP_OK;
	call->head = strcmp(method, "HEAD") == 0;
	normalize_path(url, path, sizeof(path));
	client_address(srv, connection, call->remote, sizeof(call->remote));
	/* what the audit keeps of the request: text, whatever octets came */
	memcpy(call->endpoint, "invalid ", 8);
	utf8_escaped(path, call->endpoint + 8, sizeof(call->endpoint) - 8);
	api_params_text(p.params, p.n < API_PARAMS_MAX ? p.n : API_PARAMS_MAX, why, sizeof(why));
	utf8_escaped(why, call->params, sizeof(call->params));
	if (!utf8_valid(path) || !params_valid(&p))
		status = refuse_request(call, 400, "the path or a query parameter is not valid UTF-8");
	else
		status = api_request_parse(method, path, p.params, p.n, &call->req, call->message);
	if (status != 0)
	{
		enum MHD_Result r;
		char	   *key = request_key(connection, &h);

		audit_refusal(call, key, status);
		free(key);
		r = respond_error(connection, (unsigned) status, call->message);
		free_call(call);
		return r;
	}
	if (call->req.service == API_STATIC)
	{
		enum MHD_Result r = respond_asset(connection, call->req.value);

		free_call(call);
		return r;
	}
	if (call->req.service == API_PING)
	{
		free_call(call);
		return respond_text(connection, MHD_HTTP_OK, "{\"ping\":\"ok\"}\n", "application/json");
	}

	snprintf(call->endpoint, sizeof(call->endpoint), "%s %s", kind_endpoint(&call->req), path);

	call->conn = api_pool_get(srv->pool, srv->cfg->pool_wait_ms, why, sizeof(why));
	if (call->conn == NULL)
	{
		enum MHD_Result r;

		if (strcmp(why, "busy") == 0)
			snprintf(why, sizeof(why), "all %d database connections are busy; try again", srv->cfg->pool_size);
		else
		{
			fprintf(stderr, "pdns-api: database unavailable: %s\n", why);
			snprintf(why, sizeof(why), "database unavailable; try again later");
		}
		r = respond_error(connection, MHD_HTTP_SERVICE_UNAVAILABLE, why);
		free_call(call);
		return r;
	}

	key = request_key(connection, &h);
	asked = call->req.limit > 0 ? call->req.limit
		: call->req.limit == 0 ? 0 : srv->cfg->default_limit;
	for (int attempt = 0;; attempt++)
	{
		if (call->req.service == API_RATE_LIMIT)
			status = admit(call, key);
		else
			status = start_lookup(call, key, asked);
		if (status != MHD_HTTP_SERVICE_UNAVAILABLE || !call->broken || attempt > 0 ||
			call->key_id[0] != '\0')
			break;
		/*
		 * A pooled connection finds out that the server went away (and may
		 * be back) only when it is used: try once more on a new one.
		 */
		api_pool_put(srv->pool, call->conn, true);
		call->broken = false;
		call->conn = api_pool_get(srv->pool, srv->cfg->pool_wait_ms, why, sizeof(why));
		if (call->conn == NULL)
			break;
	}
	free(key);
	if (call->conn == NULL)
	{
		enum MHD_Result r = respond_error(connection, MHD_HTTP_SERVICE_UNAVAILABLE,
										  "database unavailable; try again later");

		free_call(call);
		return r;
	}
	if (status != 0 && call->admitted_at.tv_sec == 0)
	{
		enum MHD_Result r = respond_error(connection, (unsigned) status, call->message);

		/* a refusal was audited by _api_begin; it took no slot */
		api_pool_put(srv->pool, call->conn, call->broken);
		free_call(call);
		return r;
	}

	if (call->req.service == API_RATE_LIMIT)
	{
		const char *values[] = {call->key_id};
		PGresult   *res = exec_prepared(call->conn, STMT_RATE_LIMIT, 1, values);
		enum MHD_Result r;

		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		{
			char	   *body = malloc(strlen(PQgetvalue(res, 0, 0)) + 2);

			sprintf(body, "%s\n", PQgetvalue(res, 0, 0));
			r = respond_text(connection, MHD_HTTP_OK, body, "application/json");
			free(body);
		}
		else
		{
			call->status = status_of(res, call->conn, &call->broken, call->message, sizeof(call->message));
			r = respond_error(connection, (unsigned) call->status, call->message);
		}
		PQclear(res);
		finish_call(call);
		free_call(call);
		return r;
	}

	if (status != 0)
	{
		/* admitted, but the lookup failed before its first row */
		enum MHD_Result r;

		call->status = status;
		r = respond_error(connection, (unsigned) status, call->message);
		finish_call(call);
		free_call(call);
		return r;
	}
	return respond_lookup(connection, call);
}
