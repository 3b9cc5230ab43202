/*
 * pool.c: the connection pool (pool.h).
 */
#include "pool.h"
#include "statements.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct api_pool
{
	pthread_mutex_t mu;
	pthread_cond_t freed;
	char	   *conninfo;
	int			size;
	int			statement_timeout_ms;
	bool		synchronous_commit;
	bool		cluster;
	PGconn	  **conns;			/* NULL: not connected (yet, or any more) */
	bool	   *busy;
};

api_pool *
api_pool_create(const char *conninfo, int size, int statement_timeout_ms,
				bool synchronous_commit, bool cluster)
{
	api_pool   *pool = calloc(1, sizeof(*pool));

	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->freed, NULL);
	pool->conninfo = strdup(conninfo);
	pool->size = size;
	pool->statement_timeout_ms = statement_timeout_ms;
	pool->synchronous_commit = synchronous_commit;
	pool->cluster = cluster;
	pool->conns = calloc((size_t) size, sizeof(PGconn *));
	pool->busy = calloc((size_t) size, sizeof(bool));
	return pool;
}

/* Connects, sets the session up and prepares every statement. */
static PGconn *
connect_one(api_pool *pool, char *why, size_t whylen)
{
	PGconn	   *conn = PQconnectdb(pool->conninfo);
	char		timeout[32];
	PGresult   *res;

	if (PQstatus(conn) != CONNECTION_OK)
	{
		snprintf(why, whylen, "%s", PQerrorMessage(conn));
		why[strcspn(why, "\n")] = '\0';
		PQfinish(conn);
		return NULL;
	}
	snprintf(timeout, sizeof(timeout), "%d", pool->statement_timeout_ms);
	{
		const char *values[] = {timeout, pool->synchronous_commit ? "on" : "off"};

		res = PQexecParams(conn,
						   "SELECT pg_catalog.set_config('statement_timeout', $1, false),"
						   "       pg_catalog.set_config('synchronous_commit', $2, false),"
						   "       pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false),"
						   "       pg_catalog.set_config('application_name', 'pdns-api', false)",
						   2, NULL, values, NULL, NULL, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || api_statements_prepare(conn, pool->cluster, why, whylen) != 0)
	{
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			snprintf(why, whylen, "%s", PQresultErrorMessage(res));
		why[strcspn(why, "\n")] = '\0';
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	return conn;
}

PGconn *
api_pool_get(api_pool *pool, int wait_ms, char *why, size_t whylen)
{
	struct timespec deadline;
	int			slot = -1;
	PGconn	   *conn;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long) (wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L)
	{
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool->mu);
	for (;;)
	{
		/* a live connection first, then a slot to connect in */
		for (int i = 0; i < pool->size && slot < 0; i++)
			if (!pool->busy[i] && pool->conns[i])
				slot = i;
		for (int i = 0; i < pool->size && slot < 0; i++)
			if (!pool->busy[i])
				slot = i;
		if (slot >= 0)
			break;
		if (pthread_cond_timedwait(&pool->freed, &pool->mu, &deadline) == ETIMEDOUT)
		{
			pthread_mutex_unlock(&pool->mu);
			snprintf(why, whylen, "busy");
			return NULL;
		}
	}
	pool->busy[slot] = true;
	conn = pool->conns[slot];
	pthread_mutex_unlock(&pool->mu);

	/* connect outside the lock: it may take a while */
	if (conn && PQstatus(conn) != CONNECTION_OK)
	{
		PQfinish(conn);
		conn = NULL;
	}
	if (conn == NULL)
		conn = connect_one(pool, why, whylen);

	pthread_mutex_lock(&pool->mu);
	pool->conns[slot] = conn;
	if (conn == NULL)
	{
		pool->busy[slot] = false;
		pthread_cond_signal(&pool->freed);
	}
	pthread_mutex_unlock(&pool->mu);
	return conn;
}

void
api_pool_put(api_pool *pool, PGconn *conn, bool broken)
{
	pthread_mutex_lock(&pool->mu);
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i] == conn && pool->busy[i])
		{
			if (broken || PQstatus(conn) != CONNECTION_OK ||
				PQtransactionStatus(conn) != PQTRANS_IDLE)
			{
				PQfinish(conn);
				pool->conns[i] = NULL;
			}
			pool->busy[i] = false;
			break;
		}
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->mu);
}

void
api_pool_destroy(api_pool *pool)
{
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i])
			PQfinish(pool->conns[i]);
	free(pool->conns);
	free(pool->busy);
	free(pool->conninfo);
	free(pool);
}
