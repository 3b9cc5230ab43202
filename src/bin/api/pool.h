/*
 * pool.h: a bounded pool of libpq connections, each with pdns-api's
 * statements prepared (statements.h).
 *
 * A request takes a connection for as long as it runs, streaming included,
 * and gives it back; when all are taken it waits up to pool_wait_ms.  A
 * connection that broke is dropped and made again on its next use, so
 * the pool recovers by itself when the database comes back.
 */
#ifndef PDNS_API_POOL_H
#define PDNS_API_POOL_H

#include <stdbool.h>
#include <libpq-fe.h>

typedef struct api_pool api_pool;

/*
 * synchronous_commit: whether a request's quota count and audit row wait
 * for their WAL flush (off: a server crash may lose the last moment's);
 * cluster: whether the lookups go through pdns_cluster (a coordinator).
 */
api_pool   *api_pool_create(const char *conninfo, int size, int statement_timeout_ms,
							bool synchronous_commit, bool cluster);

/*
 * A connection, or NULL with *why set: "busy" when none was free in
 * wait_ms, else the connection failure (the database is unavailable).
 */
PGconn	   *api_pool_get(api_pool *pool, int wait_ms, char *why, size_t whylen);

/* Gives a connection back; broken: close it (it is made again when needed). */
void		api_pool_put(api_pool *pool, PGconn *conn, bool broken);

void		api_pool_destroy(api_pool *pool);

#endif
