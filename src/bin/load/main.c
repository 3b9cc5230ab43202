/*
 * pdns-load: send log lines to the store with every octet intact.
 *
 *	  pdns-load [-d conninfo] [-f format] [-s sensor] [-n lines] [file ...]
 *
 * A COPY of raw lines in text or CSV format reads its own syntax in them: a
 * NUL, a lone carriage return, an invalid UTF-8 sequence or a delimiter
 * octet in one line makes the whole COPY fail (and the server log quotes
 * the line).  pdns-load splits the input into lines itself and sends each
 * as octets, in COPY's binary format, to pdns.raw_lines_in, where the
 * format's parser takes it or rejects it with a reason: whatever a line
 * holds, the lines around it land (docs/ingest.md, "Loading lines").
 *
 * Lines end at LF; a CR before it (CRLF files) is dropped.  Every -n lines
 * (default 100000) are one COPY, one transaction: an interrupted load
 * keeps the transactions it committed.  Files are read in large blocks, so
 * a pipe is as fast as a file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libpq-fe.h>

#define READ_BLOCK (1 << 20)
#define SEND_BLOCK (1 << 18)

static const char *const formats[] = {
	"native-text", "native-csv", "passivedns", "zeek", "suricata", "cof", NULL
};

static PGconn *conn;
static const char *format = "native-text";
static long lines_per_copy = 100000;

/* The COPY data being built, sent in blocks. */
static char *out;
static size_t out_len;
static long lines_in_copy;
static long long lines_total;
static long copies;

static void
usage(FILE *f)
{
	fprintf(f, "usage: pdns-load [-d conninfo] [-f format] [-s sensor] [-n lines] [file ...]\n"
			"  -d  libpq connection string (default: the PG* environment)\n"
			"  -f  native-text (default), native-csv, passivedns, zeek, suricata, cof\n"
			"  -s  sensor name for formats whose lines do not carry one (pdns.sensor)\n"
			"  -n  lines per COPY transaction (default 100000)\n"
			"  file  '-' or none: standard input\n");
}

static int
fail(const char *what)
{
	fprintf(stderr, "pdns-load: %s: %s", what, PQerrorMessage(conn));
	return 0;
}

static int
exec_ok(const char *sql, ExecStatusType want)
{
	PGresult   *r = PQexec(conn, sql);
	int			ok = PQresultStatus(r) == want;

	if (!ok)
		fprintf(stderr, "pdns-load: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

static int
flush_out(void)
{
	if (out_len > 0 && PQputCopyData(conn, out, (int) out_len) != 1)
		return fail("sending COPY data");
	out_len = 0;
	return 1;
}

static void
put_int32(uint32_t v)
{
	uint32_t	n = htonl(v);

	memcpy(out + out_len, &n, 4);
	out_len += 4;
}

static int
copy_begin(void)
{
	static const char header[] = "PGCOPY\n\377\r\n";

	if (!exec_ok("COPY pdns.raw_lines_in (format, line) FROM STDIN (FORMAT binary)", PGRES_COPY_IN))
		return 0;
	memcpy(out, header, 11);
	out_len = 11;
	put_int32(0);				/* flags */
	put_int32(0);				/* header extension */
	lines_in_copy = 0;
	return 1;
}

static int
copy_end(void)
{
	PGresult   *r;
	int			ok;

	out[out_len++] = (char) 0xFF;	/* file trailer: a field count of -1 */
	out[out_len++] = (char) 0xFF;
	if (!flush_out())
		return 0;
	if (PQputCopyEnd(conn, NULL) != 1)
		return fail("ending COPY");
	r = PQgetResult(conn);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "pdns-load: COPY failed: %s", PQresultErrorMessage(r));
	PQclear(r);
	while ((r = PQgetResult(conn)) != NULL)
		PQclear(r);
	lines_total += ok ? lines_in_copy : 0;
	copies += ok;
	lines_in_copy = 0;
	return ok;
}

/* One line as one row: (format, line). */
static int
put_line(const char *line, size_t len)
{
	size_t		flen = strlen(format);

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (lines_in_copy == 0 && !copy_begin())
		return 0;
	if (out_len + 2 + 8 + flen + len > SEND_BLOCK && !flush_out())
		return 0;
	if (2 + 8 + flen + len > SEND_BLOCK)
	{
		/* a line larger than the block goes on its own */
		uint16_t	nf = htons(2);
		uint32_t	n;

		if (PQputCopyData(conn, (const char *) &nf, 2) != 1)
			return fail("sending COPY data");
		n = htonl((uint32_t) flen);
		if (PQputCopyData(conn, (const char *) &n, 4) != 1 ||
			PQputCopyData(conn, format, (int) flen) != 1)
			return fail("sending COPY data");
		n = htonl((uint32_t) len);
		if (PQputCopyData(conn, (const char *) &n, 4) != 1 ||
			PQputCopyData(conn, line, (int) len) != 1)
			return fail("sending COPY data");
	}
	else
	{
		out[out_len++] = 0;		/* two fields */
		out[out_len++] = 2;
		put_int32((uint32_t) flen);
		memcpy(out + out_len, format, flen);
		out_len += flen;
		put_int32((uint32_t) len);
		memcpy(out + out_len, line, len);
		out_len += len;
	}
	if (++lines_in_copy == lines_per_copy)
		return copy_end();
	return 1;
}

static int
load(FILE *in, const char *name)
{
	char	   *buf = malloc(READ_BLOCK);
	size_t		have = 0,
				cap = READ_BLOCK;
	size_t		n;

	if (buf == NULL)
	{
		fprintf(stderr, "pdns-load: out of memory\n");
		return 0;
	}
	while ((n = fread(buf + have, 1, cap - have, in)) > 0)
	{
		size_t		start = 0;
		char	   *nl;

		have += n;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL)
		{
			if (!put_line(buf + start, (size_t) (nl - (buf + start))))
				return 0;
			start = (size_t) (nl - buf) + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == cap)
		{
			/* a line longer than the buffer: grow it */
			char	   *bigger = realloc(buf, cap * 2);

			if (bigger == NULL)
			{
				fprintf(stderr, "pdns-load: out of memory for a line of %zu octets\n", have);
				return 0;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (ferror(in))
	{
		fprintf(stderr, "pdns-load: reading %s: %s\n", name, strerror(errno));
		return 0;
	}
	if (have > 0 && !put_line(buf, have))
		return 0;
	free(buf);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *conninfo = "";
	const char *sensor = NULL;
	int			c,
				ok = 1,
				i;

	while ((c = getopt(argc, argv, "d:f:s:n:h")) != -1)
	{
		switch (c)
		{
			case 'd':
				conninfo = optarg;
				break;
			case 'f':
				format = strcmp(optarg, "native") == 0 ? "native-text" : optarg;
				break;
			case 's':
				sensor = optarg;
				break;
			case 'n':
				lines_per_copy = strtol(optarg, NULL, 10);
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 2;
		}
	}
	for (i = 0; formats[i] != NULL && strcmp(formats[i], format) != 0; i++)
		;
	if (formats[i] == NULL || lines_per_copy < 1)
	{
		fprintf(stderr, "pdns-load: %s\n", formats[i] == NULL ? "unknown format" : "-n must be at least 1");
		usage(stderr);
		return 2;
	}
	out = malloc(SEND_BLOCK);
	conn = PQconnectdb(conninfo);
	if (out == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		fail("connecting");
		return 1;
	}
	if (sensor != NULL)
	{
		const char *params[1] = {sensor};
		PGresult   *r = PQexecParams(conn, "SELECT pg_catalog.set_config('pdns.sensor', $1, false)",
									 1, NULL, params, NULL, NULL, 0);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			ok = fail("setting pdns.sensor");
		PQclear(r);
	}
	for (i = optind; ok && (i < argc || i == optind); i++)
	{
		const char *name = i < argc ? argv[i] : "-";
		FILE	   *in = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");

		if (in == NULL)
		{
			fprintf(stderr, "pdns-load: %s: %s\n", name, strerror(errno));
			ok = 0;
			break;
		}
		ok = load(in, name);
		if (in != stdin)
			fclose(in);
		if (i >= argc)
			break;
	}
	if (ok && lines_in_copy > 0)
		ok = copy_end();
	fprintf(stderr, "pdns-load: %lld lines sent in %ld transactions%s\n", lines_total, copies,
			ok ? "" : " (stopped by the error above)");
	PQfinish(conn);
	return ok ? 0 : 1;
}
