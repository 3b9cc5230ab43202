-- pdns 0.5 -> 0.6 (ALTER EXTENSION pdns UPDATE).  An installed 0.5 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.6: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.6'" to load this file. \quit


-- The operators of the types move to schema public, on every session's
-- default search_path (docs/dnsname.md, "Schemas").
ALTER OPERATOR pdns.< (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.<= (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.= (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.<> (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.>= (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.> (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.<<= (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.<< (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.>>= (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.>> (pdns.dnsname, pdns.dnsname) SET SCHEMA public;
ALTER OPERATOR pdns.< (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.<= (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.= (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.<> (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.>= (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.> (pdns.rrtype, pdns.rrtype) SET SCHEMA public;
ALTER OPERATOR pdns.< (pdns.rrset, pdns.rrset) SET SCHEMA public;
ALTER OPERATOR pdns.<= (pdns.rrset, pdns.rrset) SET SCHEMA public;
ALTER OPERATOR pdns.= (pdns.rrset, pdns.rrset) SET SCHEMA public;
ALTER OPERATOR pdns.<> (pdns.rrset, pdns.rrset) SET SCHEMA public;
ALTER OPERATOR pdns.>= (pdns.rrset, pdns.rrset) SET SCHEMA public;
ALTER OPERATOR pdns.> (pdns.rrset, pdns.rrset) SET SCHEMA public;

-- Settings of the ingestion's bounds (docs/ingest.md, "What the store takes").
ALTER TABLE settings
	ADD COLUMN batch_bytes bigint NOT NULL DEFAULT 536870912 CHECK (batch_bytes >= 1048576),
	ADD COLUMN future_skew interval NOT NULL DEFAULT '1 hour' CHECK (future_skew >= interval '0'),
	ADD COLUMN max_age interval CHECK (max_age > interval '0'),
	ADD COLUMN max_periods integer NOT NULL DEFAULT 200 CHECK (max_periods BETWEEN 1 AND 10000),
	ADD COLUMN bound_sensors_only boolean NOT NULL DEFAULT false,
	ADD COLUMN retention_drops_rrsets boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN settings.batch_bytes IS 'memory an ingesting session''s batch may hold before it merges';
COMMENT ON COLUMN settings.future_skew IS 'observations later than now plus this are rejected';
COMMENT ON COLUMN settings.max_age IS
	'observations older than this (or than the retention, whichever is shorter) are rejected; NULL: no bound but the retention';
COMMENT ON COLUMN settings.max_periods IS
	'periods one transaction may write to (each may need partitions and their locks); lines beyond are rejected';
COMMENT ON COLUMN settings.bound_sensors_only IS
	'accept lines only for sensor names bound to a role of the sender (pdns.bind_sensor())';
COMMENT ON COLUMN settings.retention_drops_rrsets IS
	'maintenance also deletes all-time RRsets last seen before the retention (with their rdata rows)';

-- Counts saturate instead of wrapping; counts already past the ceiling
-- (or wrapped below zero by 0.5) are set to it.
CREATE FUNCTION count_ceiling() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 4611686018427387903::bigint $$;
COMMENT ON FUNCTION count_ceiling() IS 'stored counts saturate at this value (2^62 - 1)';
CREATE FUNCTION line_count_max() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 1000000000::bigint $$;
COMMENT ON FUNCTION line_count_max() IS 'the largest count one ingested line may carry';
UPDATE rrsets SET count = count_ceiling() WHERE count < 0 OR count > count_ceiling();
UPDATE observations SET count = count_ceiling() WHERE count < 0 OR count > count_ceiling();
UPDATE negative_observations SET count = count_ceiling() WHERE count < 0 OR count > count_ceiling();
UPDATE client_observations SET count = count_ceiling() WHERE count < 0 OR count > count_ceiling();

-- Partitions made by pdns's own SQL; pg_partman only from its worker.
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
CREATE FUNCTION _partition_name(parent regclass, period timestamptz) RETURNS name
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
	SELECT (c.relname || '_p' || pg_catalog.to_char(period, pdns._partition_suffix_format()))::name
	FROM pg_catalog.pg_class c WHERE c.oid = parent
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
	               pm.nspname, 'period', CASE WHEN pm.major >= 5 THEN 'range' ELSE 'native' END, 'on')
		USING parent::text, s.partition_interval::text, s.premake, pdns._partition_suffix_format(),
		      format('pdns.%I', '_template_' || (SELECT c.relname FROM pg_catalog.pg_class c
		                                          WHERE c.oid = parent)),
		      s.retention::text;
END
$$;
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
CREATE OR REPLACE FUNCTION _partitions_of(parent regclass, periods timestamptz[])
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
CREATE OR REPLACE FUNCTION _partitions(parent regclass, periods timestamptz[])
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
		IF s.retention IS NULL THEN
			CONTINUE;
		END IF;
		FOR child IN
			SELECT c.oid::regclass AS partition
			FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid,
			     pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid),
			                             $r$TO \('([^']+)'\)$r$) b
			WHERE i.inhparent = parent AND b[1]::timestamptz <= pg_catalog.now() - s.retention
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
DROP FUNCTION configure(interval, integer, interval, boolean, boolean, integer);
CREATE FUNCTION configure(
	partition_interval interval DEFAULT NULL,
	premake integer DEFAULT NULL,
	retention interval DEFAULT NULL,
	keep_forever boolean DEFAULT false,
	record_clients boolean DEFAULT NULL,
	batch_keys integer DEFAULT NULL,
	batch_bytes bigint DEFAULT NULL,
	future_skew interval DEFAULT NULL,
	max_age interval DEFAULT NULL,
	any_age boolean DEFAULT false,
	max_periods integer DEFAULT NULL,
	bound_sensors_only boolean DEFAULT NULL,
	retention_drops_rrsets boolean DEFAULT NULL)
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
		batch_keys = coalesce(configure.batch_keys, s.batch_keys),
		batch_bytes = coalesce(configure.batch_bytes, s.batch_bytes),
		future_skew = coalesce(configure.future_skew, s.future_skew),
		max_age = CASE WHEN any_age THEN NULL ELSE coalesce(configure.max_age, s.max_age) END,
		max_periods = coalesce(configure.max_periods, s.max_periods),
		bound_sensors_only = coalesce(configure.bound_sensors_only, s.bound_sensors_only),
		retention_drops_rrsets = coalesce(configure.retention_drops_rrsets, s.retention_drops_rrsets)
	RETURNING * INTO result;
	IF registered THEN
		EXECUTE format('UPDATE %I.part_config SET retention = $2 WHERE parent_table = ANY ($1)',
		               pm.nspname)
			USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t), result.retention::text;
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION configure(interval, integer, interval, boolean, boolean, integer, bigint,
	interval, interval, boolean, integer, boolean, boolean) IS
	'change the store settings (partitioning only before the first ingestion)';

-- The merge: saturating counts.
CREATE OR REPLACE FUNCTION _merge_tier(parent regclass, periods timestamptz[], partitions text[],
	batch_function text, conflict_key text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	columns text := (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
	                 FROM pg_catalog.pg_attribute a
	                 WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped);
	conflict text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k);
	sort text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k
	              WHERE k <> 'period');
BEGIN
	FOR i IN 1 .. coalesce(cardinality(periods), 0) LOOP
		EXECUTE format('INSERT INTO pdns.%I AS o (%s) SELECT * FROM pdns.%I($1) ORDER BY %s '
		               'ON CONFLICT (%s) DO UPDATE SET '
		               'time_first = least(o.time_first, excluded.time_first), '
		               'time_last = greatest(o.time_last, excluded.time_last), '
		               'count = least(o.count + excluded.count, %s)',
		               partitions[i], columns, batch_function, sort, conflict, pdns.count_ceiling())
			USING periods[i];
	END LOOP;
END
$$;
CREATE OR REPLACE FUNCTION _merge_batch() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sorts by key stay in memory
AS $$
DECLARE
	periods timestamptz[] := pdns._batch_periods();
	obs_parts text[];
	neg_parts text[];
	client_parts text[];
BEGIN
	PERFORM pdns._store_write_lock();
	-- The partitions first: making one takes strong locks, best taken
	-- before any row lock.
	SELECT array_agg(partition_table ORDER BY period) INTO obs_parts
	FROM pdns._partitions('pdns.observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO neg_parts
	FROM pdns._partitions('pdns.negative_observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO client_parts
	FROM pdns._partitions('pdns.client_observations', periods);

	WITH merged AS (
		INSERT INTO pdns.rrsets AS r (key, rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy)
		SELECT * FROM pdns._batch_rrsets() ORDER BY 1
		ON CONFLICT (key) DO UPDATE SET
			time_first = least(r.time_first, excluded.time_first),
			time_last = greatest(r.time_last, excluded.time_last),
			count = least(r.count + excluded.count, pdns.count_ceiling())
		RETURNING r.key, r.rrtype, r.rdata, (r.xmax = 0) AS created
	), new AS (
		SELECT * FROM merged WHERE created
	-- Rows for new RRsets only: no other session can be adding these keys,
	-- and a deleted RRset took its rows along (_rrsets_deleted), so plain
	-- inserts, without the cost of conflict checks.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, key FROM new, unnest(pdns.addresses(rdata)) a
		ORDER BY 1, 2
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT n, rrtype, key FROM new, unnest(pdns.names(rdata)) n
		ORDER BY 1, 2, 3
	)
	INSERT INTO pdns.rdata_elements (hash, rrset_key)
	SELECT DISTINCT h, key FROM new, unnest(pdns.element_hashes(rdata)) h
	ORDER BY 1, 2;

	PERFORM pdns._merge_tier('pdns.observations', periods, obs_parts, '_batch_observations',
	                         '{rrset_key, period, sensor_id}');
	PERFORM pdns._merge_tier('pdns.negative_observations', periods, neg_parts, '_batch_negatives',
	                         '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._merge_tier('pdns.client_observations', periods, client_parts, '_batch_clients',
	                         '{client, rrname, rrtype, period, sensor_id}');

	INSERT INTO pdns.rejects (target, sensor, reason, raw)
	SELECT * FROM pdns._batch_rejects();

	PERFORM pdns._batch_reset();
END
$$;

-- Enrichment: the tag lookup names the subdomain operator in its schema.
CREATE OR REPLACE FUNCTION name_tags_at(name dnsname, at timestamptz)
RETURNS TABLE (tagged dnsname, tag text, source text, valid tstzrange, details jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT t.name, t.tag, t.source, t.valid, t.details
	FROM pdns.name_tag t
	WHERE t.name OPERATOR(public.>>=) name_tags_at.name AND t.valid @> at
$$;

-- Lookups: DNSDB's ANY leaves the DNSSEC types out; max_results may be
-- the largest bigint.
CREATE FUNCTION dnssec_rrtypes() RETURNS rrtype[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '{DS,RRSIG,NSEC,DNSKEY,NSEC3,NSEC3PARAM,DLV,CDS,CDNSKEY,TA}'::pdns.rrtype[] $$;
COMMENT ON FUNCTION dnssec_rrtypes() IS 'the DNSSEC RR types (DNSDB''s ANY-DNSSEC; ANY leaves them out)';
CREATE OR REPLACE FUNCTION rrtype_filter(rrtype text) RETURNS rrtype[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN rrtype IS NULL OR upper(rrtype) = 'ANY' THEN NULL
		WHEN upper(rrtype) = 'ANY-DNSSEC' THEN pdns.dnssec_rrtypes()
		ELSE ARRAY[rrtype::pdns.rrtype]
	END
$$;
CREATE OR REPLACE FUNCTION rrsets_by_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(rrname::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key
		FROM pdns.rrsets r
		WHERE (CASE WHEN below THEN r.rrname << name ELSE r.rrname = name END)
		  -- the next page starts at the cursor's name: an index bound even
		  -- in a plan made for any parameters (greatest ignores NULL)
		  AND r.rrname >= greatest(name, pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name.bailiwick IS NULL OR r.bailiwick = rrsets_by_name.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
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
CREATE OR REPLACE FUNCTION rrsets_by_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(r.rrname) AS fkey
		FROM pdns.rrsets r
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(r.rrname) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                             decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(r.rrname) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name_prefix.bailiwick IS NULL OR r.bailiwick = rrsets_by_name_prefix.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(r.rrname), r.key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(r.rrname), r.key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;
CREATE OR REPLACE FUNCTION rrsets_by_rdata_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(matched::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, n.name AS matched
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		WHERE (CASE WHEN below THEN n.name << rrsets_by_rdata_name.name
		            ELSE n.name = rrsets_by_rdata_name.name END)
		  -- the next page starts at the cursor's name (greatest ignores NULL)
		  AND n.name >= greatest(rrsets_by_rdata_name.name,
		                         pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
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
CREATE OR REPLACE FUNCTION rrsets_by_rdata_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(n.name) AS fkey
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(n.name) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                           decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(n.name) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(n.name), n.rrset_key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(n.name), n.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;
CREATE OR REPLACE FUNCTION rrsets_by_rdata_octets(octets bytea, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key
		FROM pdns.rdata_elements e
		JOIN pdns.rrsets r ON r.key = e.rrset_key
		WHERE e.hash = pdns.element_hash(octets)
		  AND pdns.contains_element(r.rdata, octets)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR e.rrset_key > pdns._cursor_field(after_cursor, 1)::uuid)
		ORDER BY e.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY key
	LIMIT max_results;
END;

-- Sensors bound to roles; internal functions for the owner alone.
-- Sensor names bound to roles (docs/ingest.md, "Sensors and roles"): a
-- name with bindings is accepted only from members of one of its roles;
-- with settings.bound_sensors_only, a name without bindings is refused too.
CREATE TABLE sensor_roles (
	sensor text NOT NULL,
	role_name name NOT NULL,
	PRIMARY KEY (sensor, role_name)
);
COMMENT ON TABLE sensor_roles IS 'which roles may send lines for a sensor name (pdns.bind_sensor())';
SELECT pg_catalog.pg_extension_config_dump('sensor_roles', '');

CREATE FUNCTION bind_sensor(sensor text, role regrole) RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO pdns.sensor_roles (sensor, role_name)
	SELECT sensor, r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = role
	ON CONFLICT DO NOTHING
$$;
COMMENT ON FUNCTION bind_sensor(text, regrole) IS 'let members of role send lines for this sensor name';

CREATE FUNCTION unbind_sensor(sensor text, role regrole) RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM pdns.sensor_roles b
	WHERE b.sensor = unbind_sensor.sensor
	  AND b.role_name = (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = role)
$$;
COMMENT ON FUNCTION unbind_sensor(text, regrole) IS 'undo bind_sensor()';

-- May the current user send lines for this sensor?  The sensor's number
-- when it exists (> 0), 0 when it does not yet; -1 when the name is bound
-- to roles the user is not a member of, -2 when it is bound to none and
-- the store takes bound sensors only.  Called by the ingestion triggers.
CREATE FUNCTION _sensor_admission(sensor_name text, sender name) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bound boolean;
	allowed boolean;
	result integer;
BEGIN
	SELECT count(*) > 0, coalesce(bool_or(pg_catalog.pg_has_role(sender, b.role_name, 'MEMBER')), false)
	INTO bound, allowed
	FROM pdns.sensor_roles b JOIN pg_catalog.pg_roles r ON r.rolname = b.role_name
	WHERE b.sensor = sensor_name;
	IF bound AND NOT allowed THEN
		RETURN -1;
	ELSIF NOT bound AND (SELECT s.bound_sensors_only FROM pdns.settings s) THEN
		RETURN -2;
	END IF;
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor_name;
	RETURN coalesce(result, 0);
END
$$;
REVOKE EXECUTE ON FUNCTION bind_sensor(text, regrole), unbind_sensor(text, regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bind_sensor(text, regrole), unbind_sensor(text, regrole) TO pdns_admin;
GRANT SELECT ON sensor_roles TO pdns_admin;
REVOKE EXECUTE ON FUNCTION _merge_batch(), _sensor_id(text), _partitions(regclass, timestamptz[])
	FROM pdns_ingest;
REVOKE EXECUTE ON FUNCTION _run_maintenance() FROM pdns_admin;
REVOKE EXECUTE ON FUNCTION configure(interval, integer, interval, boolean, boolean, integer, bigint,
	interval, interval, boolean, integer, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION configure(interval, integer, interval, boolean, boolean, integer, bigint,
	interval, interval, boolean, integer, boolean, boolean) TO pdns_admin;

-- Lines as octets (pdns-load).
-- Lines of any of the line formats (57_sensor_targets.sql, 52_ingest.sql), as octets: what pdns-load sends
-- (docs/ingest.md, "Loading lines").  No octet of a line can make COPY
-- itself fail, so a bad line is a reject and never costs its neighbours.
CREATE TABLE raw_lines_in (format text, line bytea);
COMMENT ON TABLE raw_lines_in IS
	'COPY target: one line of a format (native-text, native-csv, passivedns, zeek, suricata, cof) as octets';
CREATE TRIGGER ingest BEFORE INSERT ON raw_lines_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('raw-lines');
CREATE TRIGGER ingest_merge AFTER INSERT ON raw_lines_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();
GRANT INSERT ON raw_lines_in TO pdns_ingest;
-- src/sql/99_privileges.sql
-- Last, once every function exists: privileges over all of them.
--
-- Internal functions (named with a leading underscore) are the
-- extension's own: nobody else may call them.  The ingestion triggers call
-- what they need through fmgr (no grant is checked there), and the
-- SECURITY DEFINER ones run as the owner.  The lookup helpers below are
-- the exception: read-only pieces of the lookups, which run with the
-- analyst's rights and need them.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
	         WHERE p.pronamespace = 'pdns'::regnamespace AND p.proname LIKE '\_%'
	LOOP
		EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION _cursor(text[]), _cursor_field(text, integer),
	_fenced(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz, timestamptz),
	_wildcard(text), _window_fences(text, text, text, text, text, text, boolean) TO pdns_analyst;
