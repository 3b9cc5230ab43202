/*
 * sink.c
 *		Rows to standard output or to PostgreSQL (see sink.h).
 *
 * --dump writes both kinds of rows to stdout in arrival order, rejects
 * prefixed by "REJECT\t", so that the message lines load as they are with
 * COPY.  --copy streams message rows into an open COPY while it holds the
 * batch's rejects in memory (they are few); a batch ends after N messages
 * or T seconds, and then the message COPY is ended, the rejects are copied,
 * and the transaction commits: a batch lands whole or not at all.
 */
#include "sink.h"

#include "copy_text.h"
#include "pgcopy.h"
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DUMP_FLUSH		(1 << 20)	/* bytes buffered before a write */
#define COPY_FLUSH		(256 << 10)

static const char message_columns[] =
"time, sensor, client, client_port, server, server_port, transport, message";
static const char reject_columns[] = "time, sensor, source, reason, raw";

static sink_options opt;
static obuf sensor;				/* the sensor column, escaped */
static obuf out;				/* rows waiting to be written */
static obuf rejects;			/* --copy: the batch's rejects */
static char *target;			/* --copy: quoted table names */
static char *rejects_target;
static bool in_copy;			/* --copy: a batch transaction and its COPY are open */
static uint64_t batch_count;	/* messages in the batch */
static double batch_started;	/* when the batch's first row arrived */
static bool failed;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool
sink_open(const sink_options *o)
{
	opt = *o;
	if (opt.sensor)
		ct_append_escaped(&sensor, opt.sensor, strlen(opt.sensor));
	else
	{
		ob_reserve(&sensor, 2);
		memcpy(sensor.data, "\\N", 2);
		sensor.len = 2;
	}
	if (opt.mode != SINK_COPY)
		return true;
	if (!pgc_connect(opt.conninfo ? opt.conninfo : ""))
		return false;
	target = pgc_quote_name(opt.table);
	rejects_target = pgc_quote_name(opt.rejects_table);
	return target != NULL && rejects_target != NULL;
}

bool
sink_failed(void)
{
	return failed;
}

static void
dump_flush(void)
{
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
	{
		perror("pdns-capture: writing to standard output");
		failed = true;
	}
	out.len = 0;
}

/* --copy: open a batch (transaction and message COPY). */
static void
batch_open(void)
{
	if (failed || in_copy)
		return;
	if (!pgc_begin() || !pgc_copy_start(target, message_columns))
	{
		failed = true;
		return;
	}
	in_copy = true;
	batch_count = 0;
	if (rejects.len == 0)
		batch_started = now_seconds();
}

/* --copy: end the message COPY, copy the rejects, commit. */
static void
batch_commit(void)
{
	bool		ok;

	if (!in_copy)
	{
		if (rejects.len == 0 || failed)
			return;
		batch_open();
		if (failed)
			return;
	}
	ok = pgc_copy_put(out.data, out.len) && pgc_copy_end();
	out.len = 0;
	if (ok && rejects.len > 0)
		ok = pgc_copy_start(rejects_target, reject_columns) &&
			pgc_copy_put(rejects.data, rejects.len) && pgc_copy_end();
	rejects.len = 0;
	ok = ok && pgc_commit();
	in_copy = false;
	if (!ok)
	{
		fprintf(stderr, "pdns-capture: the batch of %llu messages was not stored\n",
				(unsigned long long) batch_count);
		failed = true;
	}
}

void
sink_message(const cap_message *m)
{
	stats_message(m->transport);
	if (opt.mode == SINK_NONE || failed)
		return;
	if (opt.mode == SINK_DUMP)
	{
		ct_message(&out, sensor.data, sensor.len, m);
		if (out.len >= DUMP_FLUSH)
			dump_flush();
		return;
	}
	batch_open();
	if (failed)
		return;
	ct_message(&out, sensor.data, sensor.len, m);
	if (out.len >= COPY_FLUSH)
	{
		if (!pgc_copy_put(out.data, out.len))
			failed = true;
		out.len = 0;
	}
	if (++batch_count >= opt.batch_messages ||
		((batch_count & 255) == 0 && now_seconds() - batch_started >= opt.batch_seconds))
		batch_commit();
}

void
sink_reject(int64_t ts_us, const char *source, const char *code,
			const char *detail, const uint8_t *raw, size_t len)
{
	cap_reject	rec = {ts_us, source, code, detail, raw, len};
	const cap_reject *r = &rec;

	stats_reject(code);
	if (opt.mode == SINK_NONE || failed)
		return;
	if (opt.mode == SINK_DUMP)
	{
		ob_reserve(&out, 7);
		memcpy(out.data + out.len, "REJECT\t", 7);
		out.len += 7;
		ct_reject(&out, sensor.data, sensor.len, r);
		if (out.len >= DUMP_FLUSH)
			dump_flush();
		return;
	}
	if (!in_copy && rejects.len == 0)
		batch_started = now_seconds();
	ct_reject(&rejects, sensor.data, sensor.len, r);
}

void
sink_tick(void)
{
	if (opt.mode == SINK_DUMP)
	{
		dump_flush();
		fflush(stdout);
	}
	else if (opt.mode == SINK_COPY && !failed && (in_copy || rejects.len > 0) &&
			 now_seconds() - batch_started >= opt.batch_seconds)
		batch_commit();
}

bool
sink_close(void)
{
	if (opt.mode == SINK_DUMP)
	{
		dump_flush();
		if (fflush(stdout) != 0)
			failed = true;
	}
	else if (opt.mode == SINK_COPY)
	{
		if (!failed)
			batch_commit();
		pgc_close();
	}
	ob_free(&out);
	ob_free(&rejects);
	ob_free(&sensor);
	free(target);
	free(rejects_target);
	return !failed;
}
