-- Time partitions, made and retired by pg_partman.
--
-- The partitioned tables are registered with pg_partman when the first
-- batch is merged (not at CREATE EXTENSION: partitions made then would
-- belong to the extension, and pg_dump would leave their rows out), and a
-- batch that reaches into periods with no partition yet gets them made
-- first.  From then on pg_partman's maintenance premakes partitions ahead
-- and drops those older than the retention: run it with pg_partman's
-- background worker (docs/ingest.md), or by calling pdns.run_maintenance().

CREATE FUNCTION partitioned_tables() RETURNS SETOF regclass
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ VALUES ('pdns.observations'::regclass), ('pdns.negative_observations'::regclass),
             ('pdns.client_observations'::regclass) $$;
COMMENT ON FUNCTION partitioned_tables() IS 'the tables pg_partman partitions by period';

-- pg_partman's schema and major version (4.x and 5.x differ in create_parent).
CREATE FUNCTION _partman() RETURNS TABLE (nspname name, major integer)
LANGUAGE sql STABLE
AS $$
	SELECT n.nspname, split_part(e.extversion, '.', 1)::integer
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_partman'
$$;

-- Is the table registered with pg_partman?
CREATE FUNCTION _partman_managed(parent regclass) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	managed boolean;
BEGIN
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config WHERE parent_table = $1)',
	               (SELECT nspname FROM pdns._partman()))
		INTO managed USING parent::text;
	RETURN managed;
END
$$;

-- Register one table with pg_partman.  pg_partman makes partitions around
-- now; the periods of older data are made on demand by _partitions
-- (a backfill of old data makes only the partitions it needs).
CREATE FUNCTION _partman_register(parent regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	pm record;
	s pdns.settings;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	SELECT * INTO STRICT s FROM pdns.settings;
	-- the template: pdns._template_<table> (50_store.sql)
	EXECUTE format('SELECT %I.create_parent(p_parent_table := $1, p_control := %L, '
	               'p_type := %L, p_interval := $2, p_premake := $3, p_template_table := $4)',
	               pm.nspname, 'period', CASE WHEN pm.major >= 5 THEN 'range' ELSE 'native' END)
		USING parent::text, s.partition_interval::text, s.premake,
		      format('pdns.%I', '_template_' || (SELECT c.relname FROM pg_catalog.pg_class c
		                                          WHERE c.oid = parent));
	EXECUTE format('UPDATE %I.part_config SET retention = $2, retention_keep_table = false, '
	               'infinite_time_partitions = true WHERE parent_table = $1', pm.nspname)
		USING parent::text, s.retention::text;
	-- No default partition: rows always get a partition of their own first
	-- (_partitions).  A default partition would have to be locked
	-- exclusively, until the ingesting transaction ends, by every new
	-- partition attached, and readers of the table would wait on it.
	EXECUTE format('DROP TABLE IF EXISTS %s', parent::text || '_default');
END
$$;

-- The partition of each of these periods, from the partitions' bounds.
CREATE FUNCTION _partitions_of(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
	WITH bounds AS MATERIALIZED (	-- parsed once, not once per period
		SELECT c.relname::text AS name, b[1]::timestamptz AS low, b[2]::timestamptz AS high
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
		     regexp_match(pg_get_expr(c.relpartbound, c.oid), $r$FROM \('([^']+)'\) TO \('([^']+)'\)$r$) b
		WHERE i.inhparent = parent
	)
	SELECT p, (SELECT name FROM bounds WHERE p >= low AND p < high)
	FROM unnest(periods) p
	ORDER BY p
$$;

-- The partitions of a partitioned table for these periods, made first
-- where pg_partman has not made them yet.  Called by pdns._merge_batch().
CREATE FUNCTION _partitions(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	pm record;
	missing timestamptz[];
BEGIN
	IF periods IS NULL OR cardinality(periods) = 0 THEN
		RETURN;
	END IF;
	SELECT array_agg(o.period) INTO missing
	FROM pdns._partitions_of(parent, periods) o WHERE o.partition_table IS NULL;
	IF missing IS NOT NULL THEN
		SELECT * INTO STRICT pm FROM pdns._partman();
		-- one session at a time makes partitions for a table
		PERFORM pg_catalog.pg_advisory_xact_lock('pdns._partitions'::regproc::oid::integer,
		                                         parent::oid::integer);
		IF NOT pdns._partman_managed(parent) THEN
			PERFORM pdns._partman_register(parent);
		END IF;
		EXECUTE format('SELECT %I.create_partition_time($1, $2, false)', pm.nspname)
			USING parent::text, missing;
	END IF;
	RETURN QUERY SELECT * FROM pdns._partitions_of(parent, periods);
END
$$;

CREATE FUNCTION _run_maintenance() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pm record;
	parent regclass;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	FOR parent IN SELECT * FROM pdns.partitioned_tables() LOOP
		IF pdns._partman_managed(parent) THEN
			EXECUTE format('SELECT %I.run_maintenance($1)', pm.nspname) USING parent::text;
		END IF;
	END LOOP;
END
$$;

-- Run pg_partman's maintenance for the store's tables: premake partitions,
-- apply the retention.  The background worker does this on its own; call
-- it from cron (or by hand) where the worker is not configured.
CREATE FUNCTION run_maintenance() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_run_maintenance' LANGUAGE C VOLATILE STRICT;

-- Change the store's settings.  Partitioning (interval, premake) can only
-- change before the first ingestion; retention and the rest at any time.
CREATE FUNCTION configure(
	partition_interval interval DEFAULT NULL,
	premake integer DEFAULT NULL,
	retention interval DEFAULT NULL,
	keep_forever boolean DEFAULT false,
	record_clients boolean DEFAULT NULL,
	batch_keys integer DEFAULT NULL)
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
		batch_keys = coalesce(configure.batch_keys, s.batch_keys)
	RETURNING * INTO result;
	IF registered THEN
		EXECUTE format('UPDATE %I.part_config SET retention = $2 WHERE parent_table = ANY ($1)',
		               pm.nspname)
			USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t), result.retention::text;
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION configure(interval, integer, interval, boolean, boolean, integer) IS
	'change the store settings (partitioning only before the first ingestion)';
