-- Time partitions: made, premade and retired by pdns's own SQL, every
-- period in UTC -- by pdns's background worker (when preloaded) or by
-- pdns.run_maintenance().
--
-- The partitioned tables are registered with pg_partman when the first
-- batch is merged (not at CREATE EXTENSION: partitions made then would
-- belong to the extension, and pg_dump would leave their rows out), and a
-- batch that reaches into periods with no partition yet gets them made
-- first.  From then on maintenance premakes partitions ahead and drops
-- those older than the retention.  pg_partman keeps the configuration,
-- with its automatic maintenance off: its worker and run_maintenance()
-- work in their session's time zone (4.7 names a partition and adds the
-- interval in local time: under America/New_York it made the partition of
-- 11 December UTC as "p2026_12_10"), so they leave the store alone.  No
-- code running with the extension owner's rights calls pg_partman's
-- functions (see _partman_register).

CREATE FUNCTION partitioned_tables() RETURNS SETOF regclass
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ VALUES ('pdns.observations'::regclass), ('pdns.negative_observations'::regclass),
             ('pdns.client_observations'::regclass), ('pdns.client_counts'::regclass) $$;
COMMENT ON FUNCTION partitioned_tables() IS 'the tables pg_partman partitions by period';

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

-- The start of the period that holds a time (UTC, as the ingestion's C
-- code computes it: hours, days, ISO weeks from Monday, calendar months).
CREATE FUNCTION _period_start(t timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.date_trunc(CASE s.partition_interval
	                                 WHEN '1 hour' THEN 'hour' WHEN '1 day' THEN 'day'
	                                 WHEN '1 week' THEN 'week' ELSE 'month' END,
	                             t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
	FROM pdns.settings s
$$;

-- pg_partman's suffix format for the store's interval: the partitions pdns
-- makes are named as pg_partman names its own (4.x: observations_p2024_01_31;
-- 5.x: observations_p20240131), so that its maintenance knows them.
CREATE FUNCTION _partition_suffix_format() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN (SELECT major FROM pdns._partman()) >= 5 THEN
	           CASE WHEN s.partition_interval < interval '1 day' THEN 'YYYYMMDD_HH24MISS' ELSE 'YYYYMMDD' END
	       ELSE
	           CASE s.partition_interval WHEN '1 hour' THEN 'YYYY_MM_DD_HH24MI'
	                                     WHEN '1 month' THEN 'YYYY_MM' ELSE 'YYYY_MM_DD' END
	       END
	FROM pdns.settings s
$$;

-- The name of the partition of parent for the period starting at period.
CREATE FUNCTION _partition_name(parent regclass, period timestamptz) RETURNS name
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
	SELECT (c.relname || '_p' || pg_catalog.to_char(period, pdns._partition_suffix_format()))::name
	FROM pg_catalog.pg_class c WHERE c.oid = parent
$$;

-- Register one table with pg_partman, its automatic maintenance off (see
-- the top of this file).  pdns writes the configuration row itself instead
-- of calling create_parent(): code that runs with the extension owner's
-- rights never runs pg_partman's functions (they put the caller's
-- temporary schema ahead of pg_catalog on the search_path), and pdns makes
-- every partition itself (_make_partition).
CREATE FUNCTION _partman_register(parent regclass) RETURNS void
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

-- Make the partition of parent for the period starting at period, with the
-- keys, indexes and storage options of its template table, by fixed,
-- schema-qualified SQL.
CREATE FUNCTION _make_partition(parent regclass, period timestamptz) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	template text := '_template_' || (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = parent);
	child name := pdns._partition_name(parent, period);
	options text;
BEGIN
	SELECT pg_catalog.string_agg(format('%I = %L', o.option_name, o.option_value), ', ')
	INTO options
	FROM pg_catalog.pg_class c, pg_catalog.pg_options_to_table(c.reloptions) o
	WHERE c.oid = format('pdns.%I', template)::regclass;
	EXECUTE format('CREATE TABLE pdns.%I (LIKE pdns.%I INCLUDING ALL)%s',
	               child, template, coalesce(' WITH (' || options || ')', ''));
	EXECUTE format('ALTER TABLE %s ATTACH PARTITION pdns.%I FOR VALUES FROM (%L) TO (%L)',
	               parent, child, period,
	               period + (SELECT s.partition_interval FROM pdns.settings s));
END
$$;

-- The partition of each of these periods, where it exists.
CREATE FUNCTION _partitions_of(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
	SELECT p, c.relname::text
	FROM pg_catalog.unnest(periods) p
	LEFT JOIN pg_catalog.pg_class c
	       ON c.relnamespace = 'pdns'::regnamespace AND c.relname = pdns._partition_name(parent, p)
	      AND c.relispartition
	      AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = parent)
	ORDER BY p
$$;

-- The partitions of one of the store's partitioned tables for these
-- periods, made first where they do not exist yet.  Called by
-- pdns._merge_batch() and by maintenance; nobody else may call it.
CREATE FUNCTION _partitions(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	p timestamptz;
	wanted timestamptz[] := periods;
BEGIN
	IF parent NOT IN (SELECT t FROM pdns.partitioned_tables() t) THEN
		RAISE EXCEPTION 'table % is not one of the store''s partitioned tables', parent
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF periods IS NULL OR cardinality(periods) = 0 THEN
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM pdns._partitions_of(parent, periods) o WHERE o.partition_table IS NULL) THEN
		-- one session at a time makes partitions for a table
		PERFORM pg_catalog.pg_advisory_xact_lock('pdns._partitions'::regproc::oid::integer,
		                                         parent::oid::integer);
		IF NOT pdns._partman_managed(parent) THEN
			-- the first partitions: those of now and premake periods ahead too,
			-- as pg_partman's create_parent() would have made them
			PERFORM pdns._partman_register(parent);
			SELECT periods || pg_catalog.array_agg(pdns._period_start(pg_catalog.now() + s.partition_interval * i))
			INTO wanted
			FROM pdns.settings s, pg_catalog.generate_series(0, s.premake) i;
		END IF;
		FOR p IN SELECT DISTINCT o.period FROM pdns._partitions_of(parent, wanted) o
		         WHERE o.partition_table IS NULL LOOP
			PERFORM pdns._make_partition(parent, p);
		END LOOP;
	END IF;
	RETURN QUERY SELECT * FROM pdns._partitions_of(parent, periods);
END
$$;

-- The store's own maintenance, by fixed SQL, in UTC: partitions made
-- ahead (premake periods after the current one) and those wholly older
-- than the retention dropped.  pdns's background worker runs it every
-- pdns.maintenance_interval (compaction.c).
CREATE FUNCTION _run_maintenance() RETURNS void
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
	IF pdns._retention('pdns.negative_observations') IS NOT NULL THEN
		PERFORM pdns._expire_negative_domains();
	END IF;
	-- The all-time aggregate keeps every RRset unless told otherwise: an
	-- RRset's history may matter long after its periods are gone.
	IF s.retention IS NOT NULL AND s.retention_drops_rrsets THEN
		PERFORM pdns._store_write_lock();
		DELETE FROM pdns.rrsets r WHERE r.time_last < pg_catalog.now() - s.retention;
	END IF;
END
$$;

-- Run the store's maintenance: premake partitions, apply the retention.
-- pdns's background worker does this on its own; call it from cron (or by
-- hand) where pdns is not preloaded.
CREATE FUNCTION run_maintenance() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_run_maintenance' LANGUAGE C VOLATILE STRICT;

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
