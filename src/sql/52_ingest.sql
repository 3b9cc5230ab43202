-- Ingestion targets and the merge of a batch into the store
-- (docs/ingest.md; the C side is src/pg/ingest_*.c).
--
-- Every target is a table of raw lines that stays empty: a C row trigger
-- parses each line into this session's batch, and a statement trigger
-- merges the batch when the COPY (or INSERT) ends (docs/ingest.md says
-- how to load lines).  The functions here are internal: nobody but the
-- extension's owner may call them (56_roles.sql); the C triggers call the
-- merge and the sensor functions through fmgr, with the owner's rights
-- (SECURITY DEFINER) and without an EXECUTE grant to the sender.

CREATE FUNCTION _ingest_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_row' LANGUAGE C;
CREATE FUNCTION _ingest_flush() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_flush' LANGUAGE C;

-- Make a table an ingestion target for a format.
CREATE FUNCTION _make_target(target regclass, format text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE format('CREATE TRIGGER ingest BEFORE INSERT ON %s FOR EACH ROW '
	               'EXECUTE FUNCTION pdns._ingest_row(%L)', target, format);
	EXECUTE format('CREATE TRIGGER ingest_merge AFTER INSERT ON %s FOR EACH STATEMENT '
	               'EXECUTE FUNCTION pdns._ingest_flush()', target);
END
$$;

CREATE TABLE ingest_text (line text);
COMMENT ON TABLE ingest_text IS 'COPY target: native layout, tab-separated (docs/ingest.md)';
SELECT _make_target('ingest_text', 'native-text');

CREATE TABLE ingest_csv (line text);
COMMENT ON TABLE ingest_csv IS 'COPY target: native layout, comma-separated values (docs/ingest.md)';
SELECT _make_target('ingest_csv', 'native-csv');

-- The batch, read back by the merge (this session's memory).
CREATE FUNCTION _batch_rrsets(OUT key uuid, OUT rrname dnsname, OUT rrtype rrtype,
	OUT bailiwick dnsname, OUT rdata rrset, OUT time_first timestamptz,
	OUT time_last timestamptz, OUT count bigint, OUT lossy boolean) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rrsets' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_observations(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT rrset_key uuid,
	OUT sensor_id integer, OUT time_first timestamptz, OUT time_last timestamptz,
	OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_observations' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_negatives(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT rrname dnsname,
	OUT rrtype rrtype, OUT rcode smallint, OUT sensor_id integer,
	OUT time_first timestamptz, OUT time_last timestamptz, OUT count bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_negatives' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_clients(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT client inet, OUT rrname dnsname,
	OUT rrtype rrtype, OUT sensor_id integer, OUT time_first timestamptz,
	OUT time_last timestamptz, OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_clients' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_rejects(OUT target text, OUT sensor text, OUT reason text, OUT raw bytea)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rejects' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_periods() RETURNS timestamptz[]
	AS 'MODULE_PATHNAME', 'pdns_batch_periods' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_reset() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_batch_reset' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- Ingesting transactions write to the store one at a time: each takes
-- this lock before its first write (a new sensor's row, a merge) and keeps
-- it to its end.  A transaction that merges more than once (a COPY of more
-- than batch_keys keys, several statements in one transaction) locks rows
-- in several passes, each in key order but not all together, and two such
-- transactions sharing keys would deadlock.  Sessions that share keys
-- waited for each other's commits anyway; their lines are still read and
-- parsed side by side.  A row lock, not an advisory one, so that only
-- roles that may update the settings can take it (callers are SECURITY
-- DEFINER).
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
		PERFORM pdns._store_write_lock();
		INSERT INTO pdns.sensors AS s (name) VALUES (sensor_name)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name
		RETURNING s.id INTO result;
	END IF;
	RETURN result;
END
$$;

-- Merge a per-period tier of the batch (the rows of batch_function, whose
-- columns are those of parent) into its partitions, one period after the
-- other, each in the order of its key.
CREATE FUNCTION _merge_tier(parent regclass, periods timestamptz[], partitions text[],
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

-- Merge this session's batch into the store.  Every INSERT takes its rows
-- in key order (the partitioned tables period by period, in order), and a
-- transaction merges only while it holds _store_write_lock(), so
-- concurrent merges cannot deadlock; ON CONFLICT makes the counts add up
-- exactly.
CREATE FUNCTION _merge_batch() RETURNS void
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
