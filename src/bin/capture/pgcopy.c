/*
 * pgcopy.c
 *		libpq COPY for --copy (see pgcopy.h).
 */
#include "pgcopy.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PGconn *conn;

/* Report a failed command with the server's message. */
static bool
fail(const char *what, PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(conn);
	fprintf(stderr, "pdns-capture: %s failed: %s", what, msg);
	if (res)
		PQclear(res);
	return false;
}

/* Run a command that returns no rows. */
static bool
exec_command(const char *sql)
{
	PGresult   *res = PQexec(conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return fail(sql, res);
	PQclear(res);
	return true;
}

bool
pgc_connect(const char *conninfo)
{
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *values[] = {conninfo, "pdns-capture", NULL};

	conn = PQconnectdbParams(keys, values, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "pdns-capture: cannot connect: %s",
				conn ? PQerrorMessage(conn) : "out of memory\n");
		return false;
	}
	return true;
}

char *
pgc_quote_name(const char *name)
{
	const char *dot = strchr(name, '.');
	char	   *schema = NULL,
			   *table,
			   *out;
	size_t		len;

	if (*name == '\0' || (dot && (dot == name || dot[1] == '\0')))
	{
		fprintf(stderr, "pdns-capture: invalid table name \"%s\": write [schema.]table\n", name);
		return NULL;
	}
	if (dot)
	{
		schema = PQescapeIdentifier(conn, name, (size_t) (dot - name));
		table = PQescapeIdentifier(conn, dot + 1, strlen(dot + 1));
	}
	else
		table = PQescapeIdentifier(conn, name, strlen(name));
	if (table == NULL || (dot && schema == NULL))
	{
		fprintf(stderr, "pdns-capture: cannot quote \"%s\": %s", name, PQerrorMessage(conn));
		return NULL;
	}
	len = strlen(table) + (schema ? strlen(schema) + 1 : 0) + 1;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s%s%s", schema ? schema : "", schema ? "." : "", table);
	PQfreemem(schema);
	PQfreemem(table);
	return out;
}

bool
pgc_begin(void)
{
	return exec_command("BEGIN");
}

bool
pgc_copy_start(const char *target, const char *columns)
{
	char		sql[1024];
	PGresult   *res;

	snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", target, columns);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return fail(sql, res);
	PQclear(res);
	return true;
}

bool
pgc_copy_put(const char *data, size_t len)
{
	while (len > 0)
	{
		int			chunk = len > (1 << 30) ? (1 << 30) : (int) len;

		if (PQputCopyData(conn, data, chunk) != 1)
			return fail("COPY data", NULL);
		data += chunk;
		len -= (size_t) chunk;
	}
	return true;
}

bool
pgc_copy_end(void)
{
	PGresult   *res;
	bool		ok = true;

	if (PQputCopyEnd(conn, NULL) != 1)
		return fail("COPY end", NULL);
	while ((res = PQgetResult(conn)) != NULL)
	{
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			ok = fail("COPY", res);
			continue;
		}
		PQclear(res);
	}
	return ok;
}

bool
pgc_commit(void)
{
	return exec_command("COMMIT");
}

void
pgc_close(void)
{
	if (conn == NULL)
		return;
	if (PQtransactionStatus(conn) == PQTRANS_INERROR || PQtransactionStatus(conn) == PQTRANS_INTRANS)
		PQclear(PQexec(conn, "ROLLBACK"));
	PQfinish(conn);
	conn = NULL;
}
