-- Ingestion through the coordinator (docs/scale-out.md): COPY into
-- pdns_cluster.ingest_text (raw native lines, as pdns.ingest_text takes
-- them) or pdns_cluster.native_in (the twelve columns of pdns.native_in).
-- Each line goes to the shard of its owner's registered domain: it waits
-- in a temporary table until the statement ends, and then each shard's
-- lines are inserted into the same target on that shard through
-- postgres_fdw (in statements of up to 5000 lines), in this transaction.
-- postgres_fdw commits the shards' transactions when this one commits, so
-- a COPY that fails on any shard (a shard killed mid-COPY) leaves nothing
-- on any shard, and the sensor sends its batch again: nothing is counted
-- twice.  The shards only append runs; their own compaction merges them.
-- A line whose owner is not a name goes to shard 0, which rejects it with
-- its reason, as one server would.

CREATE VIEW ingest_text AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW ingest_text IS
	'COPY target on the coordinator: native lines, each sent to the shard of its owner (docs/scale-out.md)';

CREATE VIEW native_in AS
SELECT NULL::text AS time, NULL::text AS sensor, NULL::text AS client, NULL::text AS server,
       NULL::text AS rrname, NULL::text AS rrtype, NULL::text AS class, NULL::text AS ttl,
       NULL::text AS rdata, NULL::text AS bailiwick, NULL::text AS count, NULL::text AS rcode
WHERE false;
COMMENT ON VIEW native_in IS
	'COPY target on the coordinator: the native layout in columns, each line sent to the shard of its owner';

-- The rows of this statement, by shard: a table per target, made once per
-- session.
CREATE FUNCTION _route_begin() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF to_regclass('pg_temp.pdns_cluster_ingest_text') IS NULL THEN
		CREATE TEMPORARY TABLE pdns_cluster_ingest_text (shard integer, line text) ON COMMIT DELETE ROWS;
		CREATE TEMPORARY TABLE pdns_cluster_native_in (shard integer, time text, sensor text,
			client text, server text, rrname text, rrtype text, class text, ttl text, rdata text,
			bailiwick text, count text, rcode text) ON COMMIT DELETE ROWS;
	END IF;
	EXECUTE format('TRUNCATE pg_temp.%I', 'pdns_cluster_' || TG_TABLE_NAME);
	RETURN NULL;
END
$$;

-- The sensor of lines that name none is this session's pdns.sensor, as on
-- one server: the coordinator writes it into them (the shards' sessions
-- have none).
CREATE FUNCTION _session_sensor() RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT nullif(current_setting('pdns.sensor', true), '');
END;

-- The owner of a raw line is its fifth tab-separated field, its sensor the
-- second (COPY's text escapes: a backslash is written twice).
CREATE FUNCTION _route_line() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	first text := split_part(NEW.line, E'\t', 1);
	sensor text := CASE WHEN split_part(NEW.line, E'\t', 2) = '' AND strpos(NEW.line, E'\t') > 0
	                    THEN replace(pdns_cluster._session_sensor(), '\', '\\') END;
BEGIN
	INSERT INTO pg_temp.pdns_cluster_ingest_text
	VALUES (coalesce(pdns_cluster.shard_of(replace(split_part(NEW.line, E'\t', 5), '\\', '\')), 0),
	        CASE WHEN sensor IS NULL THEN NEW.line
	             ELSE first || E'\t' || sensor || substr(NEW.line, length(first) + 2) END);
	RETURN NEW;
END
$$;

CREATE FUNCTION _route_columns() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO pg_temp.pdns_cluster_native_in
	VALUES (coalesce(pdns_cluster.shard_of(NEW.rrname), 0), NEW.time,
	        coalesce(nullif(NEW.sensor, ''), pdns_cluster._session_sensor(), NEW.sensor), NEW.client,
	        NEW.server, NEW.rrname, NEW.rrtype, NEW.class, NEW.ttl, NEW.rdata, NEW.bailiwick,
	        NEW.count, NEW.rcode);
	RETURN NEW;
END
$$;

-- Each shard's rows into its foreign table of the target.
CREATE FUNCTION _route_send() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s record;
	columns text := CASE TG_TABLE_NAME WHEN 'ingest_text' THEN 'line'
	                ELSE 'time, sensor, client, server, rrname, rrtype, class, ttl, rdata, bailiwick, count, rcode' END;
BEGIN
	UPDATE pdns_cluster.state SET first_routed = now() WHERE first_routed IS NULL;
	FOR s IN SELECT id, name FROM pdns_cluster.shards ORDER BY id LOOP
		EXECUTE format('INSERT INTO pdns_cluster.%I SELECT %s FROM pg_temp.%I WHERE shard = $1',
		               TG_TABLE_NAME || '_' || s.name, columns, 'pdns_cluster_' || TG_TABLE_NAME)
		USING s.id;
	END LOOP;
	EXECUTE format('TRUNCATE pg_temp.%I', 'pdns_cluster_' || TG_TABLE_NAME);
	RETURN NULL;
END
$$;

CREATE TRIGGER route_begin BEFORE INSERT ON ingest_text FOR EACH STATEMENT
	EXECUTE FUNCTION _route_begin();
CREATE TRIGGER route INSTEAD OF INSERT ON ingest_text FOR EACH ROW
	EXECUTE FUNCTION _route_line();
CREATE TRIGGER route_send AFTER INSERT ON ingest_text FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();

CREATE TRIGGER route_begin BEFORE INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _route_begin();
CREATE TRIGGER route INSTEAD OF INSERT ON native_in FOR EACH ROW
	EXECUTE FUNCTION _route_columns();
CREATE TRIGGER route_send AFTER INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();
