/*
 * audit.c: the batched ends of requests (audit.h).
 */
#include "audit.h"
#include "statements.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct queued_end
{
	char	   *fields[10];		/* as text, in _api_end_batch's order; NULL is NULL */
} queued_end;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static queued_end queue[AUDIT_BATCH];
static int	queued;
static int	in_flight;
static struct timespec last_write;

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static double
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) (now.tv_sec - t->tv_sec) * 1000.0 + (double) (now.tv_nsec - t->tv_nsec) / 1e6;
}

/* Appends one element to a PostgreSQL array literal: quoted, or NULL. */
static void
array_element(char **buf, size_t *len, size_t *cap, const char *v, bool first)
{
	size_t		need = (v ? 2 * strlen(v) : 4) + 4;

	if (*len + need + 2 > *cap)
	{
		*cap = (*len + need + 2) * 2;
		*buf = realloc(*buf, *cap);
	}
	if (!first)
		(*buf)[(*len)++] = ',';
	if (v == NULL)
	{
		memcpy(*buf + *len, "NULL", 4);
		*len += 4;
		return;
	}
	(*buf)[(*len)++] = '"';
	for (const char *p = v; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			(*buf)[(*len)++] = '\\';
		(*buf)[(*len)++] = *p;
	}
	(*buf)[(*len)++] = '"';
}

/* (one batch written at a time: they would only queue in the database) */
static pthread_mutex_t writing = PTHREAD_MUTEX_INITIALIZER;

/* Writes n ends (and frees them); false if the statement failed. */
static bool
write_ends(PGconn *conn, queued_end *ends, int n)
{
	char	   *arrays[10];
	PGresult   *res;
	bool		ok;

	for (int f = 0; f < 10; f++)
	{
		size_t		len = 1,
					cap = 256;
		char	   *buf = malloc(cap);

		buf[0] = '{';
		for (int i = 0; i < n; i++)
			array_element(&buf, &len, &cap, ends[i].fields[f], i == 0);
		buf[len++] = '}';
		buf[len] = '\0';
		arrays[f] = buf;
	}
	pthread_mutex_lock(&writing);
	res = PQexecPrepared(conn, STMT_END_BATCH, 10, (const char *const *) arrays, NULL, NULL, 0);
	pthread_mutex_unlock(&writing);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "pdns-api: writing %d audit rows failed: %s", n, PQresultErrorMessage(res));
	PQclear(res);
	for (int f = 0; f < 10; f++)
		free(arrays[f]);
	for (int i = 0; i < n; i++)
		for (int f = 0; f < 10; f++)
			free(ends[i].fields[f]);
	return ok;
}

void
api_audit_admitted(void)
{
	pthread_mutex_lock(&mu);
	in_flight++;
	pthread_mutex_unlock(&mu);
}

/* Takes the queue (under mu) into ends; returns how many. */
static int
take_queue(queued_end *ends)
{
	int			n = queued;

	memcpy(ends, queue, sizeof(queued_end) * (size_t) n);
	queued = 0;
	clock_gettime(CLOCK_MONOTONIC, &last_write);
	return n;
}

bool
api_audit_ended(PGconn *conn, const api_audit_end *end)
{
	queued_end	ends[AUDIT_BATCH];
	queued_end *q;
	char		status[16],
				rows[32],
				duration[32];
	int			n = 0;

	snprintf(status, sizeof(status), "%d", end->status);
	snprintf(rows, sizeof(rows), "%lld", end->rows);
	snprintf(duration, sizeof(duration), "%.3f", end->duration_ms);

	pthread_mutex_lock(&mu);
	if (queued == AUDIT_BATCH)		/* (full: this one writes it first) */
		n = take_queue(ends);
	q = &queue[queued++];
	q->fields[0] = dup_or_null(end->key_id);
	q->fields[1] = strdup(end->counted ? "t" : "f");
	q->fields[2] = dup_or_null(end->started);
	q->fields[3] = dup_or_null(end->client);
	q->fields[4] = dup_or_null(end->endpoint);
	q->fields[5] = dup_or_null(end->params);
	q->fields[6] = strdup(status);
	q->fields[7] = strdup(rows);
	q->fields[8] = dup_or_null(end->message);
	q->fields[9] = strdup(duration);
	in_flight--;
	if (n == 0 && conn != NULL &&
		(in_flight == 0 || queued == AUDIT_BATCH || ms_since(&last_write) >= AUDIT_FLUSH_MS))
		n = take_queue(ends);
	pthread_mutex_unlock(&mu);
	if (n > 0 && conn == NULL)
	{
		/* (the queue was full and this request's connection broke) */
		fprintf(stderr, "pdns-api: %d audit rows lost: the connection broke\n", n);
		for (int i = 0; i < n; i++)
			for (int f = 0; f < 10; f++)
				free(ends[i].fields[f]);
		return false;
	}
	if (n > 0)
		return write_ends(conn, ends, n);
	return true;
}

void
api_audit_flush(api_pool *pool, bool always)
{
	queued_end	ends[AUDIT_BATCH];
	int			n = 0;
	char		why[256];
	PGconn	   *conn;

	pthread_mutex_lock(&mu);
	if (queued > 0 && (always || ms_since(&last_write) >= AUDIT_FLUSH_MS))
		n = take_queue(ends);
	pthread_mutex_unlock(&mu);
	if (n == 0)
		return;
	conn = api_pool_get(pool, 5000, why, sizeof(why));
	if (conn == NULL)
	{
		fprintf(stderr, "pdns-api: %d audit rows lost: no database connection (%s)\n", n, why);
		for (int i = 0; i < n; i++)
			for (int f = 0; f < 10; f++)
				free(ends[i].fields[f]);
		return;
	}
	api_pool_put(pool, conn, !write_ends(conn, ends, n));
}
