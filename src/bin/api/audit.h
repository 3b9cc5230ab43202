/*
 * audit.h: the ends of admitted requests, written to pdns.api_audit (and
 * their results to the quota counts) in batches.
 *
 * One transaction per request made the audit the most expensive part of a
 * lookup.  A request's end is queued instead; the queue is written by the
 * request that ends when no other is in flight (so a lone client's audit
 * row is there when its answer is), when it holds AUDIT_BATCH ends, or by
 * the flusher every AUDIT_FLUSH_MS.  A pdns-api killed outright loses at
 * most that much of the audit; a stopped one writes the queue first.
 */
#ifndef PDNS_API_AUDIT_H
#define PDNS_API_AUDIT_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "pool.h"

#define AUDIT_BATCH 256
#define AUDIT_FLUSH_MS 100

typedef struct api_audit_end
{
	const char *key_id;
	bool		counted;		/* a query against the daily quota */
	const char *started;
	const char *client;			/* as the audit keeps it; NULL: unknown */
	const char *endpoint;
	const char *params;
	int			status;
	long long	rows;
	const char *message;		/* NULL: none */
	double		duration_ms;
} api_audit_end;

/* A request was admitted (it is in flight until api_audit_ended). */
void		api_audit_admitted(void);

/*
 * A request that was admitted ended: queues its end, and writes the queue
 * on conn when it is time.  False if that write failed (conn is broken).
 */
bool		api_audit_ended(PGconn *conn, const api_audit_end *end);

/* Writes what is queued, on a connection of the pool (the flusher, and at exit). */
void		api_audit_flush(api_pool *pool, bool always);

#endif
