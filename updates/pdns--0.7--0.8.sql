-- pdns 0.7 -> 0.8: the log-structured write path (src/sql/86_compaction.sql
-- as released in 0.8).  Ingesting statements append runs to pending tables;
-- compaction merges them into the store (background workers, CALL
-- pdns.compact(), or the statement itself).  Ingestion targets become
-- views with INSTEAD OF triggers, so that COPY reports the lines it
-- accepted; pdns.native_in takes the native layout in COPY's own text
-- format.  The merge of 0.7 and the batch read-back functions only it used
-- are gone.
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

DROP FUNCTION _merge_batch();
DROP FUNCTION _merge_tier(regclass, timestamptz[], text[], text, text[]);
DROP FUNCTION _batch_rrsets();
DROP FUNCTION _batch_observations(timestamptz);
DROP FUNCTION _batch_negatives(timestamptz);
DROP FUNCTION _batch_clients(timestamptz);
DROP FUNCTION _batch_periods();
DROP FUNCTION _batch_reset();

-- New sensors no longer take the store's write lock: sensors append side
-- by side.
CREATE OR REPLACE FUNCTION _sensor_id(sensor_name text) RETURNS integer
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

-- The targets, tables until 0.7 (always empty), become views.
DROP TABLE ingest_text, ingest_csv, passivedns_in, zeek_in, suricata_in, cof_in,
	wire_in, wire_rejects_in, raw_lines_in;


-- Client activity, private by default: record_clients becomes off, count
-- (distinct clients per name, type, period and sensor, a HyperLogLog in
-- client_counts: the default) or log (also the per-client rows of
-- client_observations, now append-only, kept client_log_retention and
-- readable only by pdns_incident).  A store that recorded clients counts
-- them now; its per-client rows so far are the log, and their counts go
-- into client_counts below.
ALTER TABLE settings ALTER COLUMN record_clients DROP DEFAULT;
ALTER TABLE settings ALTER COLUMN record_clients TYPE text
	USING CASE WHEN record_clients THEN 'count' ELSE 'off' END;
ALTER TABLE settings ALTER COLUMN record_clients SET DEFAULT 'count';
ALTER TABLE settings ADD CONSTRAINT settings_record_clients_check
	CHECK (record_clients IN ('off', 'count', 'log'));
ALTER TABLE settings ADD COLUMN client_log_retention interval NOT NULL DEFAULT '30 days'
	CHECK (client_log_retention > interval '0');
COMMENT ON COLUMN settings.record_clients IS
	'client activity: off; count (distinct clients per name, type and period, a HyperLogLog: the default); '
	'log (the counts, and a log of which pseudonymized client asked, readable by pdns_incident)';
COMMENT ON COLUMN settings.client_log_retention IS 'how long the client log (client_observations) keeps a period';

-- How many distinct clients asked for a name and type, per period and
-- sensor: a HyperLogLog of their hashed pseudonyms (the hll extension),
-- with its explicit mode off, so that a sketch never holds a list of
-- pseudonyms, only registers (docs/privacy.md gives the error bound).
CREATE TABLE client_counts (
	period timestamptz NOT NULL,
	rrname dnsname NOT NULL,
	rrtype rrtype NOT NULL,
	sensor_id integer NOT NULL,
	clients hll NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL
) PARTITION BY RANGE (period);
COMMENT ON TABLE client_counts IS
	'distinct clients per name, type, period and sensor (HyperLogLog of pseudonyms; partitioned by period)';
CREATE TABLE _template_client_counts (LIKE client_counts,
	PRIMARY KEY (rrname, rrtype, period, sensor_id)) WITH (fillfactor = 90);

COMMENT ON TABLE client_observations IS
	'the client log (opt-in): client activity per period, appended; client addresses are pseudonymized';
ALTER TABLE _template_client_observations DROP CONSTRAINT _template_client_observations_pkey;
ALTER TABLE _template_client_observations SET (fillfactor = 100);
CREATE INDEX ON _template_client_observations (client);
DO $$
DECLARE
	p regclass;
	k name;
BEGIN
	FOR p IN SELECT i.inhrelid::regclass FROM pg_catalog.pg_inherits i
	         WHERE i.inhparent = 'pdns.client_observations'::regclass LOOP
		FOR k IN SELECT c.conname FROM pg_catalog.pg_constraint c WHERE c.conrelid = p AND c.contype = 'p' LOOP
			EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', p, k);
		END LOOP;
		EXECUTE format('ALTER TABLE %s SET (fillfactor = 100)', p);
		EXECUTE format('CREATE INDEX ON %s (client)', p);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION partitioned_tables() RETURNS SETOF regclass
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ VALUES ('pdns.observations'::regclass), ('pdns.negative_observations'::regclass),
             ('pdns.client_observations'::regclass), ('pdns.client_counts'::regclass) $$;
-- How long a partitioned table keeps a period (NULL: forever): the
-- store's retention, and for the client log at most client_log_retention.
CREATE FUNCTION _retention(parent regclass) RETURNS interval
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN parent = 'pdns.client_observations'::regclass
	            THEN least(coalesce(s.retention, s.client_log_retention), s.client_log_retention)
	            ELSE s.retention END
	FROM pdns.settings s
$$;

CREATE OR REPLACE FUNCTION _partman_register(parent regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	pm record;
	s pdns.settings;
BEGIN
	IF parent NOT IN (SELECT t FROM pdns.partitioned_tables() t) THEN
		RAISE EXCEPTION 'table % is not one of the store''s partitioned tables', parent
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO STRICT pm FROM pdns._partman();
	SELECT * INTO STRICT s FROM pdns.settings;
	EXECUTE format('INSERT INTO %I.part_config (parent_table, control, partition_type, '
	               'partition_interval, premake, datetime_string, template_table, retention, '
	               'retention_keep_table, infinite_time_partitions, automatic_maintenance) '
	               'VALUES ($1, %L, %L, $2, $3, $4, $5, $6, false, true, %L) '
	               'ON CONFLICT (parent_table) DO NOTHING',
	               pm.nspname, 'period', CASE WHEN pm.major >= 5 THEN 'range' ELSE 'native' END, 'off')
		USING parent::text, s.partition_interval::text, s.premake, pdns._partition_suffix_format(),
		      format('pdns.%I', '_template_' || (SELECT c.relname FROM pg_catalog.pg_class c
		                                          WHERE c.oid = parent)),
		      pdns._retention(parent)::text;
END
$$;

CREATE OR REPLACE FUNCTION _run_maintenance() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	s pdns.settings;
	parent regclass;
	now_period timestamptz := pdns._period_start(pg_catalog.now());
	ahead timestamptz[];
	child record;
BEGIN
	SELECT * INTO STRICT s FROM pdns.settings;
	SELECT pg_catalog.array_agg(pdns._period_start(now_period + s.partition_interval * i))
	INTO ahead FROM pg_catalog.generate_series(0, s.premake) i;
	FOR parent IN SELECT * FROM pdns.partitioned_tables() LOOP
		IF NOT pdns._partman_managed(parent) THEN
			CONTINUE;		-- nothing ingested yet: partitioning may still change
		END IF;
		PERFORM pdns._partitions(parent, ahead);
		IF pdns._retention(parent) IS NULL THEN
			CONTINUE;
		END IF;
		-- A partition's end: the fourth piece, split at quotes, of its bound
		-- as PostgreSQL prints it: FOR VALUES FROM ('<start>') TO ('<end>').
		FOR child IN
			SELECT c.oid::regclass AS partition
			FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = parent
			  AND pg_catalog.split_part(pg_catalog.pg_get_expr(c.relpartbound, c.oid), '''', 4)::timestamptz
			      <= pg_catalog.now() - pdns._retention(parent)
		LOOP
			EXECUTE format('DROP TABLE %s', child.partition);
		END LOOP;
	END LOOP;
	-- The all-time aggregate keeps every RRset unless told otherwise: an
	-- RRset's history may matter long after its periods are gone.
	IF s.retention IS NOT NULL AND s.retention_drops_rrsets THEN
		PERFORM pdns._store_write_lock();
		DELETE FROM pdns.rrsets r WHERE r.time_last < pg_catalog.now() - s.retention;
	END IF;
END
$$;

DROP FUNCTION configure(interval, integer, interval, boolean, boolean, integer, bigint, interval, interval,
	boolean, integer, boolean, boolean);
-- Change the store's settings.  Partitioning (interval, premake) can only
-- change before the first ingestion; retention and the rest at any time.
CREATE FUNCTION configure(
	partition_interval interval DEFAULT NULL,
	premake integer DEFAULT NULL,
	retention interval DEFAULT NULL,
	keep_forever boolean DEFAULT false,
	record_clients text DEFAULT NULL,
	batch_keys integer DEFAULT NULL,
	batch_bytes bigint DEFAULT NULL,
	future_skew interval DEFAULT NULL,
	max_age interval DEFAULT NULL,
	any_age boolean DEFAULT false,
	max_periods integer DEFAULT NULL,
	bound_sensors_only boolean DEFAULT NULL,
	retention_drops_rrsets boolean DEFAULT NULL,
	client_log_retention interval DEFAULT NULL)
RETURNS pdns.settings
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pm record;
	registered boolean;
	result pdns.settings;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config WHERE parent_table = ANY ($1))',
	               pm.nspname)
		INTO registered USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t);
	IF configure.record_clients NOT IN ('off', 'count', 'log') THEN
		RAISE EXCEPTION 'record_clients must be off, count or log, not "%"', configure.record_clients
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'off: nothing; count: distinct clients per name, type and period (the default); '
			               'log: also which pseudonymized client asked, for pdns_incident.';
	END IF;
	IF registered AND (configure.partition_interval IS NOT NULL OR configure.premake IS NOT NULL) THEN
		RAISE EXCEPTION 'the partitioning of the store is fixed once data has arrived'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Set partition_interval and premake before the first ingestion.';
	END IF;
	UPDATE pdns.settings s SET
		partition_interval = coalesce(configure.partition_interval, s.partition_interval),
		premake = coalesce(configure.premake, s.premake),
		retention = CASE WHEN keep_forever THEN NULL ELSE coalesce(configure.retention, s.retention) END,
		record_clients = coalesce(configure.record_clients, s.record_clients),
		batch_keys = coalesce(configure.batch_keys, s.batch_keys),
		batch_bytes = coalesce(configure.batch_bytes, s.batch_bytes),
		future_skew = coalesce(configure.future_skew, s.future_skew),
		max_age = CASE WHEN any_age THEN NULL ELSE coalesce(configure.max_age, s.max_age) END,
		max_periods = coalesce(configure.max_periods, s.max_periods),
		bound_sensors_only = coalesce(configure.bound_sensors_only, s.bound_sensors_only),
		retention_drops_rrsets = coalesce(configure.retention_drops_rrsets, s.retention_drops_rrsets),
		client_log_retention = coalesce(configure.client_log_retention, s.client_log_retention)
	RETURNING * INTO result;
	IF registered THEN
		EXECUTE format('UPDATE %I.part_config SET retention = pdns._retention(parent_table::regclass)::text '
		               'WHERE parent_table = ANY ($1)', pm.nspname)
			USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t);
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION configure(interval, integer, interval, boolean, text, integer, bigint,
	interval, interval, boolean, integer, boolean, boolean, interval) IS
	'change the store settings (partitioning only before the first ingestion)';

CREATE VIEW client_activity AS
SELECT c.rrname, c.rrtype, c.period,
       round(hll_cardinality(hll_union_agg(c.clients)))::bigint AS clients,
       sum(c.count)::bigint AS queries, count(DISTINCT c.sensor_id) AS sensors,
       min(c.time_first) AS time_first, max(c.time_last) AS time_last
FROM pdns.client_counts c
GROUP BY c.rrname, c.rrtype, c.period;
COMMENT ON VIEW client_activity IS
	'distinct clients (estimated: HyperLogLog) and queries per name, type and period (filter on rrname and period)';

-- part_config: the client log's retention; pg_partman's automatic
-- maintenance off (pdns's worker maintains the store, in UTC)
DO $$
DECLARE
	pm record;
BEGIN
	SELECT * INTO pm FROM pdns._partman();
	EXECUTE format('UPDATE %I.part_config SET retention = pdns._retention(parent_table::regclass)::text, '
	               'automatic_maintenance = %L WHERE parent_table = ANY ($1)', pm.nspname, 'off')
		USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t);
END
$$;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pdns_incident') THEN
		CREATE ROLE pdns_incident NOLOGIN;
	END IF;
END
$$;
REVOKE SELECT ON client_observations FROM pdns_admin;
GRANT SELECT ON client_observations TO pdns_incident;
GRANT SELECT ON client_counts, client_activity TO pdns_analyst;
REVOKE EXECUTE ON FUNCTION configure(interval, integer, interval, boolean, text, integer, bigint, interval,
	interval, boolean, integer, boolean, boolean, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION configure(interval, integer, interval, boolean, text, integer, bigint, interval,
	interval, boolean, integer, boolean, boolean, interval) TO pdns_admin;

-- Make a view an ingestion target for a format.
CREATE OR REPLACE FUNCTION _make_target(target regclass, format text) RETURNS void
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

GRANT INSERT ON ingest_text, ingest_csv TO pdns_ingest;

CREATE VIEW passivedns_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW passivedns_in IS
	'COPY target: gamelinux passivedns log lines, text (pdns.passivedns_fields) or JSON';
SELECT _make_target('passivedns_in', 'passivedns');

CREATE VIEW zeek_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW zeek_in IS
	'COPY target: Zeek dns.log, TSV with its header lines, or JSON lines';
SELECT _make_target('zeek_in', 'zeek');

CREATE VIEW suricata_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW suricata_in IS
	'COPY target: Suricata eve.json lines (DNS events; others are ignored)';
SELECT _make_target('suricata_in', 'suricata');

CREATE VIEW cof_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW cof_in IS
	'COPY target: Passive DNS Common Output Format (COF) NDJSON';
SELECT _make_target('cof_in', 'cof');

GRANT INSERT ON passivedns_in, zeek_in, suricata_in, cof_in TO pdns_ingest;

CREATE VIEW wire_in AS
SELECT NULL::timestamptz AS time, NULL::text AS sensor, NULL::inet AS client,
       NULL::integer AS client_port, NULL::inet AS server, NULL::integer AS server_port,
       NULL::text AS transport, NULL::bytea AS message
WHERE false;
COMMENT ON VIEW wire_in IS
	'COPY target: one DNS message per row (a response''s answer and authority RRsets are observed)';
CREATE TRIGGER ingest INSTEAD OF INSERT ON wire_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('wire');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

CREATE VIEW wire_rejects_in AS
SELECT NULL::timestamptz AS time, NULL::text AS sensor, NULL::text AS source,
       NULL::text AS reason, NULL::bytea AS raw
WHERE false;
COMMENT ON VIEW wire_rejects_in IS
	'COPY target: traffic a capture program could not frame (kept in pdns.rejects)';
CREATE TRIGGER ingest INSTEAD OF INSERT ON wire_rejects_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('capture-reject');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_rejects_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

-- Lines of any of the line formats (57_sensor_targets.sql, 52_ingest.sql), as octets: what pdns-load sends
-- (docs/ingest.md, "Loading lines").  No octet of a line can make COPY
-- itself fail, so a bad line is a reject and never costs its neighbours.
CREATE VIEW raw_lines_in AS SELECT NULL::text AS format, NULL::bytea AS line WHERE false;
COMMENT ON VIEW raw_lines_in IS
	'COPY target: one line of a format (native-text, native-csv, passivedns, zeek, suricata, cof) as octets';
CREATE TRIGGER ingest INSTEAD OF INSERT ON raw_lines_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('raw-lines');
CREATE TRIGGER ingest_merge AFTER INSERT ON raw_lines_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

-- The native layout as twelve columns: what plain COPY in its default text
-- format loads (\copy pdns.native_in FROM 'file'), COPY splitting and
-- unescaping the fields itself (docs/ingest.md).  Lines with fewer fields
-- name their columns: \copy pdns.native_in (time, ..., rdata) FROM 'file'.
CREATE VIEW native_in AS
SELECT NULL::text AS time, NULL::text AS sensor, NULL::text AS client, NULL::text AS server,
       NULL::text AS rrname, NULL::text AS rrtype, NULL::text AS class, NULL::text AS ttl,
       NULL::text AS rdata, NULL::text AS bailiwick, NULL::text AS count, NULL::text AS rcode
WHERE false;
COMMENT ON VIEW native_in IS
	'COPY target: the native layout (docs/ingest.md) in COPY''s own text format, one column per field';
CREATE TRIGGER ingest INSTEAD OF INSERT ON native_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('native-columns');
CREATE TRIGGER ingest_merge AFTER INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

GRANT INSERT ON wire_in, wire_rejects_in, raw_lines_in, native_in TO pdns_ingest;

-- The log-structured write path (docs/compaction.md).
--
-- A COPY into an ingestion target keeps its in-memory dedup (the batch)
-- and appends only the batch's delta rows, in bulk and without any index
-- to maintain, to the pending tables below: one run per batch, numbered
-- from run_ids and listed in runs.  Sensors append side by side; nobody
-- waits for anybody.  Compaction then merges committed runs into the
-- tiers (rrsets with its rdata indexes and per-sensor sums, observations,
-- negative answers, distinct-client counts, and the client log when it is
-- on) with sorted bulk upserts (the log: appends), and deletes the runs in
-- the same transaction: a run is merged exactly once.
--
-- Compaction runs in the extension's background workers when pdns is in
-- shared_preload_libraries (settings pdns.compaction_*), by CALL
-- pdns.compact() on demand, and at the end of the writing statement itself
-- when no worker serves the database (pdns.compaction = auto).

CREATE SEQUENCE run_ids;

-- One row per run, written by the run's own transaction: a run is listed
-- (and compacted) only once that transaction committed.
CREATE TABLE runs (
	id bigint PRIMARY KEY,
	target text NOT NULL,
	created timestamptz NOT NULL,
	lines bigint NOT NULL,
	rrsets bigint NOT NULL,
	observations bigint NOT NULL,
	negatives bigint NOT NULL,
	clients bigint NOT NULL
);
COMMENT ON TABLE runs IS 'runs appended by ingestion and not compacted yet';
COMMENT ON COLUMN runs.lines IS 'lines (or messages) of the run that the store accepted';

-- The pending tables: a run's delta rows, the tier's own row shape after
-- the run's number.  Heaps without indexes, filled to the brim; emptied
-- by compaction (and truncated when nobody is appending).
CREATE TABLE pending_rrsets (run_id bigint NOT NULL, LIKE rrsets INCLUDING DEFAULTS)
	WITH (fillfactor = 100, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000);
CREATE TABLE pending_observations (run_id bigint NOT NULL, LIKE observations)
	WITH (fillfactor = 100, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000);
CREATE TABLE pending_negatives (run_id bigint NOT NULL, LIKE negative_observations)
	WITH (fillfactor = 100, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000);
CREATE TABLE pending_clients (run_id bigint NOT NULL, LIKE client_observations)
	WITH (fillfactor = 100, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000);
CREATE TABLE pending_client_counts (run_id bigint NOT NULL, LIKE client_counts)
	WITH (fillfactor = 100, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100000);
COMMENT ON TABLE pending_rrsets IS 'RRsets of runs not compacted yet (one row per RRset and run)';
COMMENT ON TABLE pending_observations IS 'per-period counts of runs not compacted yet';
COMMENT ON TABLE pending_negatives IS 'negative answers of runs not compacted yet';
COMMENT ON TABLE pending_clients IS 'the client log''s rows of runs not compacted yet (pseudonymized)';
COMMENT ON TABLE pending_client_counts IS 'distinct-client sketches of runs not compacted yet';

-- What each compaction did, for ingest_status (a day of it is kept).
CREATE TABLE compactions (
	finished timestamptz NOT NULL,
	runs integer NOT NULL,
	lines bigint NOT NULL,
	pending_rows bigint NOT NULL,
	seconds double precision NOT NULL,
	oldest_age interval NOT NULL
);
COMMENT ON TABLE compactions IS 'one row per compaction of the last day: runs, lines and rows merged, time taken';

-- Aggregates of the merge: counts that saturate at count_ceiling(), and
-- any one value of a group whose values are all the same (an RRset's
-- content, keyed by its digest).
CREATE FUNCTION _count_add(bigint, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'pdns_count_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE _count_sum(bigint) (SFUNC = _count_add, STYPE = bigint, INITCOND = '0',
	COMBINEFUNC = _count_add, PARALLEL = SAFE);
CREATE FUNCTION _keep_first(anyelement, anyelement) RETURNS anyelement
	AS 'MODULE_PATHNAME', 'pdns_keep_first' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE _any(anyelement) (SFUNC = _keep_first, STYPE = anyelement,
	COMBINEFUNC = _keep_first, PARALLEL = SAFE);

-- The ingesting session lists its run (and keeps its rejects) once the
-- C side appended the run's rows (src/pg/ingest_run.c).
CREATE FUNCTION _run_register(run_id bigint, target text, lines bigint, rrsets bigint,
	observations bigint, negatives bigint, clients bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF rrsets + observations + negatives + clients > 0 THEN
		INSERT INTO pdns.runs (id, target, created, lines, rrsets, observations, negatives, clients)
		VALUES (run_id, target, pg_catalog.clock_timestamp(), lines, rrsets, observations, negatives,
		        clients);
	END IF;
	INSERT INTO pdns.rejects (target, sensor, reason, raw)
	SELECT r.target, r.sensor, r.reason, r.raw FROM pdns._batch_rejects() r;
END
$$;

-- The schema of the hll extension, quoted (it is wherever it was
-- installed; the functions here pin their search_path).
CREATE FUNCTION _hll_schema() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.quote_ident(n.nspname)
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'hll'
$$;

-- The rows of a per-period tier's pending table that belong to these
-- runs, deleted there and summed into this session's scratch table (one
-- row per key of the tier); returns how many pending rows it took.
CREATE FUNCTION _compact_take(tier text, run_list bigint[]) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	scratch text := '_compact_' || tier;
	pending text := CASE tier WHEN 'observations' THEN 'pending_observations'
	                          WHEN 'negative_observations' THEN 'pending_negatives'
	                          WHEN 'client_observations' THEN 'pending_clients'
	                          WHEN 'client_counts' THEN 'pending_client_counts' END;
	keys text := (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
	              FROM pg_catalog.pg_attribute a
	              WHERE a.attrelid = pg_catalog.format('pdns.%I', tier)::regclass AND a.attnum > 0
	                AND NOT a.attisdropped
	                AND a.attname NOT IN ('time_first', 'time_last', 'count', 'clients'));
	-- the distinct-client sketches of a key are united
	sketches text := CASE WHEN tier = 'client_counts'
	                      THEN ', clients' END;
	unite text := CASE WHEN tier = 'client_counts'
	                   THEN pg_catalog.format(', %s.hll_union_agg(clients)', pdns._hll_schema()) END;
	taken bigint;
BEGIN
	IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', scratch)) IS NULL THEN
		EXECUTE pg_catalog.format('CREATE TEMP TABLE %I (LIKE pdns.%I) ON COMMIT DELETE ROWS',
		                          scratch, tier);
		EXECUTE pg_catalog.format('CREATE INDEX ON pg_temp.%I (period)', scratch);
	ELSE
		-- (left by an earlier compaction of this transaction)
		EXECUTE pg_catalog.format('DELETE FROM pg_temp.%I', scratch);
	END IF;
	IF cardinality(run_list) = 1 THEN
		-- one run: its rows are one per key already (the batch summed them)
		EXECUTE pg_catalog.format(
			'WITH taken AS (DELETE FROM pdns.%I p WHERE p.run_id = ANY ($1) RETURNING p.*), '
			'     counted AS (SELECT count(*) AS n FROM taken), '
			'     copied AS (INSERT INTO pg_temp.%I (%s, time_first, time_last, count%s) '
			'                SELECT %s, time_first, time_last, count%s FROM taken) '
			'SELECT n FROM counted', pending, scratch, keys, coalesce(sketches, ''), keys,
			coalesce(sketches, ''))
		INTO taken USING run_list;
		RETURN taken;
	END IF;
	EXECUTE pg_catalog.format(
		'WITH taken AS (DELETE FROM pdns.%I p WHERE p.run_id = ANY ($1) RETURNING p.*), '
		'     counted AS (SELECT count(*) AS n FROM taken), '
		'     summed AS (INSERT INTO pg_temp.%I (%s, time_first, time_last, count%s) '
		'                SELECT %s, min(time_first), max(time_last), pdns._count_sum(count)%s '
		'                FROM taken GROUP BY %s) '
		'SELECT n FROM counted', pending, scratch, keys, coalesce(sketches, ''), keys,
		coalesce(unite, ''), keys)
	INTO taken USING run_list;
	RETURN taken;
END
$$;

-- Merge this session's scratch rows of a per-period tier into its
-- partitions, one period after the other, each in the order of its key.
CREATE FUNCTION _compact_put(tier text, partitions text[], periods timestamptz[],
	conflict_key text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	scratch text := '_compact_' || tier;
	columns text := (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
	                 FROM pg_catalog.pg_attribute a
	                 WHERE a.attrelid = pg_catalog.format('pdns.%I', tier)::regclass
	                   AND a.attnum > 0 AND NOT a.attisdropped);
	conflict text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k);
	sort text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k
	              WHERE k <> 'period');
	unite text := CASE WHEN tier = 'client_counts'
	                   THEN pg_catalog.format(', clients = %s.hll_union(o.clients, excluded.clients)',
	                                          pdns._hll_schema()) END;
BEGIN
	FOR i IN 1 .. coalesce(cardinality(periods), 0) LOOP
		EXECUTE pg_catalog.format(
			'INSERT INTO pdns.%I AS o (%s) SELECT %s FROM pg_temp.%I WHERE period = $1 ORDER BY %s '
			'ON CONFLICT (%s) DO UPDATE SET '
			'time_first = least(o.time_first, excluded.time_first), '
			'time_last = greatest(o.time_last, excluded.time_last), '
			'count = pdns._count_add(o.count, excluded.count)%s',
			partitions[i], columns, columns, scratch, sort, conflict, coalesce(unite, ''))
			USING periods[i];
	END LOOP;
END
$$;

-- Append this session's scratch rows of the client log to its partitions
-- (the log is append-only: no conflict, no update).
CREATE FUNCTION _compact_append(tier text, partitions text[], periods timestamptz[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	columns text := (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
	                 FROM pg_catalog.pg_attribute a
	                 WHERE a.attrelid = pg_catalog.format('pdns.%I', tier)::regclass
	                   AND a.attnum > 0 AND NOT a.attisdropped);
BEGIN
	FOR i IN 1 .. coalesce(cardinality(periods), 0) LOOP
		EXECUTE pg_catalog.format('INSERT INTO pdns.%I (%s) SELECT %s FROM pg_temp.%I WHERE period = $1',
		                          partitions[i], columns, columns, '_compact_' || tier)
			USING periods[i];
	END LOOP;
END
$$;

-- Merge these runs into the store and retire them, in the caller's
-- transaction: the merge and the retirement commit together, or neither
-- does.  exclusive: the caller may compact more than once in its
-- transaction (an ingesting statement compacting its own runs); it then
-- excludes every other compaction, as two such transactions could lock the
-- same keys in different orders.  Background compactions merge once per
-- transaction, each statement in key order, and run side by side.
CREATE FUNCTION _compact_runs(run_list bigint[], exclusive boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sums and sorts by key stay in memory
AS $$
DECLARE
	started timestamptz := pg_catalog.clock_timestamp();
	taken bigint := 0;
	runs_taken integer;
	lines bigint;
	oldest timestamptz;
	periods timestamptz[];
	obs_parts text[];
	neg_parts text[];
	client_parts text[];
	count_parts text[];
	client_log boolean := (SELECT s.record_clients = 'log' FROM pdns.settings s);
BEGIN
	IF run_list IS NULL OR cardinality(run_list) = 0 THEN
		RETURN 0;
	END IF;
	WITH gone AS (DELETE FROM pdns.runs r WHERE r.id = ANY (run_list) RETURNING r.lines, r.created)
	SELECT count(*), coalesce(sum(g.lines), 0), min(g.created) INTO runs_taken, lines, oldest FROM gone g;

	-- The per-period rows first, summed in this session's scratch tables;
	-- then the partitions they need (making one takes strong locks, best
	-- taken before any row lock of the store).
	taken := taken + pdns._compact_take('observations', run_list);
	taken := taken + pdns._compact_take('negative_observations', run_list);
	taken := taken + pdns._compact_take('client_observations', run_list);
	taken := taken + pdns._compact_take('client_counts', run_list);
	SELECT array_agg(p ORDER BY p) INTO periods
	FROM (SELECT period FROM pg_temp._compact_observations
	      UNION SELECT period FROM pg_temp._compact_negative_observations
	      UNION SELECT period FROM pg_temp._compact_client_observations
	      UNION SELECT period FROM pg_temp._compact_client_counts) u(p);
	SELECT array_agg(partition_table ORDER BY period) INTO obs_parts
	FROM pdns._partitions('pdns.observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO neg_parts
	FROM pdns._partitions('pdns.negative_observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO count_parts
	FROM pdns._partitions('pdns.client_counts', periods);
	IF client_log THEN
		SELECT array_agg(partition_table ORDER BY period) INTO client_parts
		FROM pdns._partitions('pdns.client_observations', periods);
	END IF;

	IF exclusive THEN
		PERFORM pdns._store_write_lock();
	ELSE
		PERFORM FROM pdns.settings FOR SHARE;
	END IF;

	WITH taken_rows AS (
		DELETE FROM pdns.pending_rrsets p WHERE p.run_id = ANY (run_list)
		RETURNING p.key, p.rrname, p.rrtype, p.bailiwick, p.rdata, p.time_first, p.time_last,
		          p.count, p.lossy
	), delta AS (
		SELECT t.key, pdns._any(t.rrname) AS rrname, pdns._any(t.rrtype) AS rrtype,
		       pdns._any(t.bailiwick) AS bailiwick, pdns._any(t.rdata) AS rdata,
		       min(t.time_first) AS time_first, max(t.time_last) AS time_last,
		       pdns._count_sum(t.count) AS count, pdns._any(t.lossy) AS lossy,
		       count(*) AS rows
		FROM taken_rows t GROUP BY t.key
	), merged AS (
		INSERT INTO pdns.rrsets AS r (key, rrname, rrtype, bailiwick, rdata, time_first, time_last,
		                              count, lossy)
		SELECT d.key, d.rrname, d.rrtype, d.bailiwick, d.rdata, d.time_first, d.time_last, d.count,
		       d.lossy
		FROM delta d ORDER BY d.key
		ON CONFLICT (key) DO UPDATE SET
			time_first = least(r.time_first, excluded.time_first),
			time_last = greatest(r.time_last, excluded.time_last),
			count = pdns._count_add(r.count, excluded.count)
		RETURNING r.key, r.rrtype, r.rdata, (r.xmax = 0) AS created
	), new AS (
		SELECT * FROM merged WHERE created
	-- Rows for new RRsets only: no other transaction can be adding these
	-- keys (a concurrent one waited for this one and found the RRset), and
	-- a deleted RRset took its rows along (_rrsets_deleted), so plain
	-- inserts, without the cost of conflict checks.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, n.key FROM new n, unnest(pdns.addresses(n.rdata)) a
		ORDER BY 1, 2
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT x, n.rrtype, n.key FROM new n, unnest(pdns.names(n.rdata)) x
		ORDER BY 1, 2, 3
	), elements AS (
		INSERT INTO pdns.rdata_elements (hash, rrset_key)
		SELECT DISTINCT h, n.key FROM new n, unnest(pdns.element_hashes(n.rdata)) h
		ORDER BY 1, 2
	)
	SELECT taken + coalesce(sum(d.rows), 0) INTO taken FROM delta d;

	PERFORM pdns._compact_put('observations', obs_parts, periods, '{rrset_key, period, sensor_id}');
	-- the all-time aggregate per sensor, from the same per-period sums
	INSERT INTO pdns.rrset_sensors AS s (rrset_key, sensor_id, time_first, time_last, count)
	SELECT o.rrset_key, o.sensor_id, min(o.time_first), max(o.time_last), pdns._count_sum(o.count)
	FROM pg_temp._compact_observations o
	GROUP BY o.rrset_key, o.sensor_id
	ORDER BY o.rrset_key, o.sensor_id
	ON CONFLICT (rrset_key, sensor_id) DO UPDATE SET
		time_first = least(s.time_first, excluded.time_first),
		time_last = greatest(s.time_last, excluded.time_last),
		count = pdns._count_add(s.count, excluded.count);
	PERFORM pdns._compact_put('negative_observations', neg_parts, periods,
	                          '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._compact_put('client_counts', count_parts, periods, '{rrname, rrtype, period, sensor_id}');
	IF client_log THEN
		PERFORM pdns._compact_append('client_observations', client_parts, periods);
	END IF;

	DELETE FROM pdns.compactions c WHERE c.finished < started - interval '1 day';
	INSERT INTO pdns.compactions (finished, runs, lines, pending_rows, seconds, oldest_age)
	VALUES (pg_catalog.clock_timestamp(), runs_taken, lines, taken,
	        extract(epoch FROM pg_catalog.clock_timestamp() - started),
	        coalesce(pg_catalog.clock_timestamp() - oldest, interval '0'));
	RETURN taken;
END
$$;

-- Claim committed runs, oldest first, up to about max_rows pending rows
-- (runs another compaction claimed are skipped), and compact them.
-- Returns the pending rows merged: 0 when there was nothing to do.
CREATE FUNCTION _compact_step(max_rows bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
	run_list bigint[] := '{}';
	total bigint := 0;
BEGIN
	FOR r IN SELECT x.id, x.rrsets + x.observations + x.negatives + x.clients AS n
	         FROM pdns.runs x ORDER BY x.id FOR UPDATE SKIP LOCKED LOOP
		run_list := run_list || r.id;
		total := total + r.n;
		EXIT WHEN total >= max_rows;
	END LOOP;
	RETURN pdns._compact_runs(run_list, false);
END
$$;

-- An ingesting statement compacting its own run (pdns.compaction = inline,
-- or auto without workers) takes along the committed runs nobody else has
-- claimed: those left by background mode, or queued by an update.
CREATE FUNCTION _compact_inline(run_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	others bigint[];
	merged bigint;
BEGIN
	merged := pdns._compact_runs(ARRAY[run_id], true);
	others := ARRAY(SELECT x.id FROM pdns.runs x WHERE x.id <> run_id ORDER BY x.id
	                FOR UPDATE SKIP LOCKED);
	FOR i IN 1 .. coalesce(cardinality(others), 0) LOOP
		merged := merged + pdns._compact_runs(ARRAY[others[i]], true);
	END LOOP;
	RETURN merged;
END
$$;

-- Compact every run committed so far, committing after each step of about
-- max_rows pending rows (src/pg/compaction.c); for servers without the
-- background workers, or to wait for a store to be up to date.
CREATE PROCEDURE compact(max_rows bigint DEFAULT 2000000)
	AS 'MODULE_PATHNAME', 'pdns_compact' LANGUAGE C;
COMMENT ON PROCEDURE compact(bigint) IS
	'merge every committed run into the store now, a step of about max_rows pending rows per transaction';

CREATE VIEW ingest_status AS
SELECT
	(SELECT count(*) FROM pdns.runs) AS pending_runs,
	(SELECT coalesce(sum(r.lines), 0) FROM pdns.runs r) AS pending_lines,
	(SELECT coalesce(sum(r.rrsets + r.observations + r.negatives + r.clients), 0)
	 FROM pdns.runs r) AS pending_rows,
	(SELECT pg_catalog.now() - min(r.created) FROM pdns.runs r) AS oldest_pending_age,
	(SELECT count(*) FROM pg_catalog.pg_stat_activity a
	 WHERE a.backend_type = 'pdns compaction' AND a.datname = pg_catalog.current_database())
		AS compaction_workers,
	c.last_compaction,
	c.compactions_last_hour,
	c.lines_last_hour,
	c.lines_per_second,
	c.max_age_last_hour
FROM (SELECT max(x.finished) AS last_compaction,
             count(*) FILTER (WHERE x.finished > pg_catalog.now() - interval '1 hour')
                 AS compactions_last_hour,
             coalesce(sum(x.lines) FILTER (WHERE x.finished > pg_catalog.now() - interval '1 hour'), 0)
                 AS lines_last_hour,
             round((sum(x.lines) FILTER (WHERE x.finished > pg_catalog.now() - interval '1 hour')
                    / nullif(sum(x.seconds) FILTER (WHERE x.finished > pg_catalog.now() - interval '1 hour'), 0))::numeric)
                 AS lines_per_second,
             max(x.oldest_age) FILTER (WHERE x.finished > pg_catalog.now() - interval '1 hour')
                 AS max_age_last_hour
      FROM pdns.compactions x) c;
COMMENT ON VIEW ingest_status IS
	'the write path: runs waiting for compaction, their age, and what compaction merged in the last hour';
COMMENT ON COLUMN ingest_status.lines_per_second IS
	'lines merged per second of compaction work in the last hour (its throughput, not the arrival rate)';
COMMENT ON COLUMN ingest_status.max_age_last_hour IS
	'the longest a run waited, from its commit to the end of its compaction, in the last hour';

SELECT pg_catalog.pg_extension_config_dump('runs', '');
SELECT pg_catalog.pg_extension_config_dump('run_ids', '');
SELECT pg_catalog.pg_extension_config_dump('pending_rrsets', '');
SELECT pg_catalog.pg_extension_config_dump('pending_observations', '');
SELECT pg_catalog.pg_extension_config_dump('pending_negatives', '');
SELECT pg_catalog.pg_extension_config_dump('pending_clients', '');
SELECT pg_catalog.pg_extension_config_dump('pending_client_counts', '');
SELECT pg_catalog.pg_extension_config_dump('compactions', '');

-- The write path: who may compact on demand and see what is pending.
REVOKE EXECUTE ON PROCEDURE compact(bigint) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE compact(bigint) TO pdns_ingest, pdns_admin;
GRANT SELECT ON ingest_status TO pdns_ingest, pdns_analyst;
-- (here, after pdns_api's: the schema's privileges list them in this order)
GRANT USAGE ON SCHEMA pdns TO pdns_incident;

-- Per-sensor answers: the all-time aggregate per sensor (rrset_sensors),
-- made from the per-period history of the store so far, and maintained by
-- compaction from now on.  (Periods that retention dropped are no longer
-- in the history: an RRset's sensors then sum to less than its count.)
CREATE TABLE rrset_sensors (
	rrset_key uuid NOT NULL,
	sensor_id integer NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL,
	PRIMARY KEY (rrset_key, sensor_id)
) WITH (fillfactor = 70);	-- room for count updates to stay HOT
COMMENT ON TABLE rrset_sensors IS 'all-time aggregate per sensor: first, last and count of each RRset by sensor';

INSERT INTO rrset_sensors (rrset_key, sensor_id, time_first, time_last, count)
SELECT o.rrset_key, o.sensor_id, min(o.time_first), max(o.time_last), sum(o.count)::bigint
FROM observations o
WHERE EXISTS (SELECT 1 FROM rrsets r WHERE r.key = o.rrset_key)
GROUP BY o.rrset_key, o.sensor_id;
SELECT pg_catalog.pg_extension_config_dump('rrset_sensors', '');
GRANT SELECT ON rrset_sensors TO pdns_analyst;
CREATE OR REPLACE FUNCTION _rrsets_deleted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.rdata_addresses d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_names d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_elements d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rrset_sensors d USING gone g WHERE d.rrset_key = g.key;
	RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION _rrsets_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- (not TRUNCATE: the statement that fired this may be truncating them)
	DELETE FROM pdns.rdata_addresses;
	DELETE FROM pdns.rdata_names;
	DELETE FROM pdns.rdata_elements;
	DELETE FROM pdns.rrset_sensors;
	RETURN NULL;
END
$$;

-- The lookups and their access paths take a sensor.
DROP FUNCTION lookup_rrset(text, text, text, text, text, text, text, text, text, boolean, bigint, text);
DROP FUNCTION lookup_rdata_name(text, text, text, text, text, text, text, text, boolean, bigint, text);
DROP FUNCTION lookup_rdata_ip(text, text, text, text, text, text, text, boolean, bigint, text);
DROP FUNCTION lookup_rdata_raw(text, text, text, text, text, text, text, text, boolean, bigint, text);
DROP FUNCTION rrsets_by_name(dnsname, boolean, rrtype[], dnsname, timestamptz, timestamptz, timestamptz,
	timestamptz, bigint, text);
DROP FUNCTION rrsets_by_name_prefix(dnsname, rrtype[], dnsname, timestamptz, timestamptz, timestamptz,
	timestamptz, bigint, text);
DROP FUNCTION rrsets_by_rdata_name(dnsname, boolean, rrtype[], timestamptz, timestamptz, timestamptz,
	timestamptz, bigint, text);
DROP FUNCTION rrsets_by_rdata_name_prefix(dnsname, rrtype[], timestamptz, timestamptz, timestamptz,
	timestamptz, bigint, text);
DROP FUNCTION rrsets_by_address(inet, inet, timestamptz, timestamptz, timestamptz, timestamptz, bigint, text);
DROP FUNCTION rrsets_by_rdata_octets(bytea, rrtype[], timestamptz, timestamptz, timestamptz, timestamptz,
	bigint, text);
-- A lookup's sensor filter: the sensor's number, or NULL for the sum over
-- sensors.  A name that no sensor has is an error, not an empty answer (a
-- misspelt sensor would read as "never seen").
CREATE FUNCTION _sensor_filter(sensor text) RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result integer;
BEGIN
	IF nullif(sensor, '') IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no sensor is named "%"', sensor
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A lookup''s sensor filter names a sensor of pdns.sensors.';
	END IF;
	RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION _sensor_filter(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _sensor_filter(text) TO pdns_analyst;

-- Access path: RRsets of one owner name, or of every name strictly below it
-- (below = true, DNSDB's "*.example.com"), by index rrsets_name.
CREATE FUNCTION rrsets_by_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(rrname::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key
		FROM pdns.rrsets r
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_name.sensor_id
		                   LIMIT 1) ps ON true
		WHERE (CASE WHEN below THEN r.rrname << name ELSE r.rrname = name END)
		  -- the next page starts at the cursor's name: an index bound even
		  -- in a plan made for any parameters (greatest ignores NULL)
		  AND r.rrname >= greatest(name, pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name.bailiwick IS NULL OR r.bailiwick = rrsets_by_name.bailiwick)
		  AND (rrsets_by_name.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (r.rrname, r.rrtype, r.key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY r.rrname, r.rrtype, r.key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY rrname, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose owner starts with the given labels (DNSDB's
-- right wildcard "www.example.*": any name of more labels that begins with
-- them), by index rrsets_forward_name.
CREATE FUNCTION rrsets_by_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, pdns.forward_key(r.rrname) AS fkey
		FROM pdns.rrsets r
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_name_prefix.sensor_id
		                   LIMIT 1) ps ON true
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(r.rrname) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                             decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(r.rrname) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name_prefix.bailiwick IS NULL OR r.bailiwick = rrsets_by_name_prefix.bailiwick)
		  AND (rrsets_by_name_prefix.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(r.rrname), r.key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(r.rrname), r.key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name (or, below = true, a name
-- strictly below it), by index rdata_names.
CREATE FUNCTION rrsets_by_rdata_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(matched::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, n.name AS matched
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_name.sensor_id
		                   LIMIT 1) ps ON true
		WHERE (CASE WHEN below THEN n.name << rrsets_by_rdata_name.name
		            ELSE n.name = rrsets_by_rdata_name.name END)
		  -- the next page starts at the cursor's name (greatest ignores NULL)
		  AND n.name >= greatest(rrsets_by_rdata_name.name,
		                         pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_name.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (n.name, n.rrtype, n.rrset_key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY n.name, n.rrtype, n.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY matched, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name starting with the given
-- labels (right wildcard), by index rdata_names_forward.
CREATE FUNCTION rrsets_by_rdata_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, pdns.forward_key(n.name) AS fkey
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_name_prefix.sensor_id
		                   LIMIT 1) ps ON true
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(n.name) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                           decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(n.name) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_name_prefix.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(n.name), n.rrset_key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(n.name), n.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: A and AAAA RRsets holding an address in [low, high], by
-- index rdata_addresses_pkey, each RRset by rrsets_pkey.  A CIDR block is
-- its first and last address.  In C (src/pg/lookup_address.c): the two
-- index scans are all it does, and the executor and PL/pgSQL around them
-- cost several times the rows of a small range.
CREATE FUNCTION rrsets_by_address(low inet, high inet,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_rrsets_by_address' LANGUAGE C STABLE PARALLEL SAFE;

-- Access path: RRsets with an rdata element equal to these wire octets,
-- by index rdata_elements (a hash, then checked against the octets).
CREATE FUNCTION rrsets_by_rdata_octets(octets bytea, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key
		FROM pdns.rdata_elements e
		JOIN pdns.rrsets r ON r.key = e.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_octets.sensor_id
		                   LIMIT 1) ps ON true
		WHERE e.hash = pdns.element_hash(octets)
		  AND pdns.contains_element(r.rdata, octets)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_octets.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR e.rrset_key > pdns._cursor_field(after_cursor, 1)::uuid)
		ORDER BY e.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY key
	LIMIT max_results;
END;

CREATE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	bw pdns.dnsname := nullif(bailiwick, '')::pdns.dnsname;
	w record := pdns._wildcard(owner);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, true, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name_prefix(w.name, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, false, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rrset IS
	'DNSDB rrset lookup: name (with *.x or x.* wildcards), rrtype, bailiwick, time fences';

CREATE FUNCTION lookup_rdata_name(value text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	w record := pdns._wildcard(value);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, true, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name_prefix(w.name, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, false, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rdata_name IS
	'DNSDB rdata name lookup: RRsets whose rdata holds a name (with *.x or x.* wildcards)';

-- An address, a CIDR block ("192.0.2.0/24"), or a range ("192.0.2.10-192.0.2.99").
CREATE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_lookup_rdata_ip' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lookup_rdata_ip IS
	'DNSDB rdata IP lookup: an address, a CIDR block or an address range';

-- Raw rdata as hex (the wire octets of one rdata element).
CREATE FUNCTION lookup_rdata_raw(hex text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- every call is planned with its own values, so the access path's
-- conditions fold into index quals
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_octets(decode(hex, 'hex'), pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
END
$$;
COMMENT ON FUNCTION lookup_rdata_raw IS 'DNSDB rdata raw lookup: one rdata element as hex wire octets';

-- A lookup result split by sensor: when and how often each sensor saw the
-- RRset (the sensors' counts sum to the result's own, unless the result
-- was itself one sensor's).
CREATE FUNCTION per_sensor(result lookup_row)
RETURNS TABLE (sensor text, time_first timestamptz, time_last timestamptz, count bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT n.name, s.time_first, s.time_last, s.count
	FROM pdns.rrsets r
	JOIN pdns.rrset_sensors s ON s.rrset_key = r.key
	JOIN pdns.sensors n ON n.id = s.sensor_id
	WHERE r.rrname = result.rrname AND r.rrtype = result.rrtype
	  AND r.bailiwick IS NOT DISTINCT FROM result.bailiwick
	  AND r.lossy = result.lossy AND pdns.rdata(r.rdata) = result.rdata
	ORDER BY n.name;
END;
COMMENT ON FUNCTION per_sensor(lookup_row) IS
	'a lookup result split by sensor: first seen, last seen and count per sensor';


-- The per-client rows made before 0.8 are queued as a run of sketches:
-- the next compaction unites them into client_counts, making the
-- partitions it needs there (partitions made by this script would belong
-- to the extension, and pg_dump would leave their rows out).  The sketches
-- are those ingestion makes (src/core/hll_sketch.c).
DO $$
DECLARE
	run bigint;
	n bigint;
BEGIN
	IF EXISTS (SELECT 1 FROM pdns.client_observations) THEN
		run := nextval('pdns.run_ids');
		INSERT INTO pdns.pending_client_counts (run_id, period, rrname, rrtype, sensor_id, clients,
		                                        time_first, time_last, count)
		SELECT run, c.period, c.rrname, c.rrtype, c.sensor_id,
		       hll_add_agg(hll_hash_bytea(pg_catalog.inet_send(c.client)), 11, 5, 0, 1),
		       min(c.time_first), max(c.time_last), pdns._count_sum(c.count)
		FROM pdns.client_observations c
		GROUP BY c.period, c.rrname, c.rrtype, c.sensor_id;
		GET DIAGNOSTICS n = ROW_COUNT;
		INSERT INTO pdns.runs (id, target, created, lines, rrsets, observations, negatives, clients)
		VALUES (run, 'update to 0.8', now(), 0, 0, 0, 0, n);
	END IF;
END
$$;
-- (what 99_privileges.sql does for a fresh install)
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
	         WHERE p.pronamespace = 'pdns'::regnamespace AND p.proname = ANY (ARRAY['_any', '_compact_append', '_compact_inline', '_compact_put', '_compact_runs', '_compact_step', '_compact_take', '_count_add', '_count_sum', '_hll_schema', '_keep_first', '_retention', '_run_register'])
	LOOP
		EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
	END LOOP;
END
$$;
