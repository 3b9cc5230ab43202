-- Ingestion targets (docs/ingest.md; the C side is src/pg/ingest_*.c).
--
-- Every target is a view that is always empty, with an INSTEAD OF row
-- trigger in C that parses each line into this session's batch (the rows
-- it returns, those that added observations, are what COPY reports), and
-- a statement trigger that
-- writes the batch as a run when the COPY (or INSERT) ends, for compaction
-- to merge into the store (86_compaction.sql; docs/ingest.md says how to
-- load lines).  The functions here are internal: nobody but the
-- extension's owner may call them (56_roles.sql); the C triggers call the
-- run's and the sensor functions through fmgr, with the owner's rights
-- (SECURITY DEFINER) and without an EXECUTE grant to the sender.

CREATE FUNCTION _ingest_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_row' LANGUAGE C;
CREATE FUNCTION _ingest_flush() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_flush' LANGUAGE C;

-- Make a view an ingestion target for a format.
CREATE FUNCTION _make_target(target regclass, format text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE format('CREATE TRIGGER ingest INSTEAD OF INSERT ON %s FOR EACH ROW '
	               'EXECUTE FUNCTION pdns._ingest_row(%L)', target, format);
	EXECUTE format('CREATE TRIGGER ingest_merge AFTER INSERT ON %s FOR EACH STATEMENT '
	               'EXECUTE FUNCTION pdns._ingest_flush()', target);
END
$$;

CREATE VIEW ingest_text AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW ingest_text IS 'COPY target: native layout, tab-separated (docs/ingest.md)';
SELECT _make_target('ingest_text', 'native-text');

CREATE VIEW ingest_csv AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW ingest_csv IS 'COPY target: native layout, comma-separated values (docs/ingest.md)';
SELECT _make_target('ingest_csv', 'native-csv');

-- The batch's rejects, read back when its run is listed (86_compaction.sql).
CREATE FUNCTION _batch_rejects(OUT target text, OUT sensor text, OUT reason text, OUT raw bytea)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rejects' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- A transaction that compacts more than once (an ingesting statement
-- compacting its own runs, pdns.compaction = inline) locks rows of the
-- tiers in several passes, each in key order but not all together: it
-- takes this lock, which excludes every other compaction, before its first
-- pass and keeps it to its end.  Background compactions merge once per
-- transaction and share the row (FOR SHARE, 86_compaction.sql).  A row
-- lock, not an advisory one, so that only roles that may update the
-- settings can take it (callers are SECURITY DEFINER).
CREATE FUNCTION _store_write_lock() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM FROM pdns.settings FOR NO KEY UPDATE;
END
$$;

-- A sensor's number, made when its first line lands in the store (the
-- merge calls it for the sensors of the lines it writes; a rejected line
-- makes no sensor).
CREATE FUNCTION _sensor_id(sensor_name text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result integer;
BEGIN
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor_name;
	IF NOT FOUND THEN
		INSERT INTO pdns.sensors AS s (name) VALUES (sensor_name)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name
		RETURNING s.id INTO result;
	END IF;
	RETURN result;
END
$$;
