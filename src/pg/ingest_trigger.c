/*
 * ingest_trigger.c
 *		The triggers behind every ingestion target: a row trigger that hands
 *		each raw line to its format's parser and keeps the row itself out of
 *		the table, and a statement trigger that merges the batch.
 *
 * CREATE TRIGGER ... BEFORE INSERT ... FOR EACH ROW
 *	   EXECUTE FUNCTION pdns._ingest_row('<format>')
 */
#include "ingest.h"

#include "commands/trigger.h"
#include "utils/builtins.h"

#include "log_format.h"

PG_FUNCTION_INFO_V1(pdns_ingest_row);
PG_FUNCTION_INFO_V1(pdns_ingest_flush);
PG_FUNCTION_INFO_V1(pdns_ingest_typed_row);

/*
 * Text received through COPY ... ENCODING 'LATIN1' carries each input octet
 * as one character U+0000..U+00FF; turn it back into those octets.  Returns
 * false when a character is out of that range (the text did not come that
 * way).
 */
static bool
latin1_octets(const char *s, size_t len, char *out, size_t *outlen)
{
	size_t		i = 0,
				o = 0;

	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x80)
			out[o++] = (char) c;
		else if ((c == 0xC2 || c == 0xC3) && i + 1 < len)
			out[o++] = (char) (((c & 0x03) << 6) | ((unsigned char) s[++i] & 0x3F));
		else
			return false;
		i++;
	}
	*outlen = o;
	return true;
}

static void
check_trigger_context(FunctionCallInfo fcinfo, const char *fn, bool row)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_INSERT(td->tg_event) ||
		(row && (TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event))) ||
		(!row && !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be fired %s INSERT", fn,
						row ? "INSTEAD OF ... FOR EACH ROW on" : "FOR EACH STATEMENT on")));
}

/*
 * The row triggers return nothing: the row is not stored.  A target is a
 * view with an INSTEAD OF trigger, and COPY counts every row it hands to
 * such a trigger (psql prints COPY n for the n lines read; the bad ones
 * are in pdns.rejects).  (An INSERT counts the rows returned, but a
 * returned row is kept until the statement ends: 54 MB of lines held
 * 93 MB more, test/t/006_security.pl.)  On a target that is still a table
 * (the SQL of 0.7 and before, BEFORE triggers), returning nothing keeps
 * the row out of it.
 */

Datum
pdns_ingest_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	const log_format *format;
	Datum		value;
	bool		isnull;
	text	   *line;
	const char *data;
	size_t		len;

	check_trigger_context(fcinfo, "pdns._ingest_row()", true);
	if (td->tg_trigger->tgnargs != 1)
		elog(ERROR, "pdns._ingest_row() takes the format name as its argument");
	format = ingest_log_format(td->tg_trigger->tgargs[0]);

	value = heap_getattr(td->tg_trigtuple, 1, td->tg_relation->rd_att, &isnull);
	if (isnull)
		return PointerGetDatum(NULL);	/* an empty line: nothing was observed */
	line = DatumGetTextPP(value);
	data = VARDATA_ANY(line);
	len = VARSIZE_ANY_EXHDR(line);
	if (len == 0)
		return PointerGetDatum(NULL);

	ingest_begin_row(format->name);
	if (ingest_lines_are_latin1())
	{
		char	   *octets = palloc(len);
		size_t		olen;

		if (!latin1_octets(data, len, octets, &olen))
			ingest_reject(NULL, (const uint8 *) data, len,
						  "the line holds characters beyond Latin-1: load it with "
						  "COPY ... ENCODING 'LATIN1', or SET pdns.line_encoding = utf8");
		else
			ingest_log_line(format, RelationGetRelid(td->tg_relation), octets, olen);
	}
	else
		ingest_log_line(format, RelationGetRelid(td->tg_relation), data, len);

	ingest_merge_if_full();
	/* the row has been taken apart; it is not stored */
	return PointerGetDatum(NULL);
}

Datum
pdns_ingest_flush(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	check_trigger_context(fcinfo, "pdns._ingest_flush()", false);
	ingest_merge();
	ingest_log_statement_end(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

/*
 * pdns.raw_lines_in (format text, line bytea): a line of any format as
 * octets (pdns-load), so that no octet can upset COPY itself.
 */
static void
raw_line(TriggerData *td)
{
	TupleDesc	desc = td->tg_relation->rd_att;
	bool		isnull;
	Datum		value = heap_getattr(td->tg_trigtuple, 1, desc, &isnull);
	const log_format *format;
	bytea	   *line;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a row of pdns.raw_lines_in needs its format")));
	format = ingest_log_format(TextDatumGetCString(value));
	value = heap_getattr(td->tg_trigtuple, 2, desc, &isnull);
	if (isnull)
		return;
	line = DatumGetByteaPP(value);
	if (VARSIZE_ANY_EXHDR(line) == 0)
		return;
	ingest_begin_row(format->name);
	ingest_log_line(format, RelationGetRelid(td->tg_relation), VARDATA_ANY(line), VARSIZE_ANY_EXHDR(line));
}

/*
 * Targets with typed columns (whole messages, not lines):
 *	 EXECUTE FUNCTION pdns._ingest_typed_row('wire' | 'capture-reject' | 'raw-lines')
 */
Datum
pdns_ingest_typed_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	const char *format;

	check_trigger_context(fcinfo, "pdns._ingest_typed_row()", true);
	if (td->tg_trigger->tgnargs != 1)
		elog(ERROR, "pdns._ingest_typed_row() takes the format name as its argument");
	format = td->tg_trigger->tgargs[0];
	if (strcmp(format, "wire") == 0)
	{
		ingest_begin_row("wire");
		ingest_wire_message(td->tg_trigtuple, td->tg_relation->rd_att);
	}
	else if (strcmp(format, "capture-reject") == 0)
	{
		ingest_begin_row("capture");
		ingest_capture_reject(td->tg_trigtuple, td->tg_relation->rd_att);
	}
	else if (strcmp(format, "raw-lines") == 0)
		raw_line(td);
	else if (strcmp(format, "native-columns") == 0)
	{
		ingest_begin_row("native-columns");
		ingest_native_columns(td->tg_trigtuple, td->tg_relation->rd_att);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown pdns ingestion format \"%s\"", format)));
	ingest_merge_if_full();
	return PointerGetDatum(NULL);
}
