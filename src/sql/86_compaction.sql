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
		RETURNING r.key, r.rrname, r.rrtype, r.rdata, (r.xmax = 0) AS created
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
	-- the search indexes: the names and rdata elements of new RRsets that
	-- no RRset held before (a concurrent compaction may add the same: the
	-- conflict check is needed here)
	), names_searchable AS (
		INSERT INTO pdns.searchable_names (name, text)
		SELECT DISTINCT n.rrname, pdns.fqdn(n.rrname) FROM new n
		ORDER BY 1
		ON CONFLICT DO NOTHING
	), rdata_searchable AS (
		INSERT INTO pdns.searchable_rdata (hash, rrtype, octets, value)
		SELECT DISTINCT ON (e.hash, n.rrtype) e.hash, n.rrtype, e.octets, e.value
		FROM new n,
		     unnest(pdns.element_hashes(n.rdata), pdns.element_octets(n.rdata), pdns.rdata(n.rdata))
		         e(hash, octets, value)
		WHERE n.rrtype::integer <> ALL (pdns.dnssec_rrtypes()::integer[])
		ORDER BY 1, 2
		ON CONFLICT DO NOTHING
	)
	SELECT taken + coalesce(sum(d.rows), 0) INTO taken FROM delta d;

	PERFORM pdns._compact_put('observations', obs_parts, periods, '{rrset_key, period, sensor_id}');
	-- the all-time aggregate per sensor, from the same per-period sums; the
	-- pairs this compaction saw first (new, or seen earlier than known) are
	-- kept aside for the first sightings of names and domains
	PERFORM pdns._scratch_first_seen();
	WITH batch AS (
		SELECT o.rrset_key, o.sensor_id, min(o.time_first) AS time_first, max(o.time_last) AS time_last,
		       pdns._count_sum(o.count) AS count
		FROM pg_temp._compact_observations o
		GROUP BY o.rrset_key, o.sensor_id
	), merged AS (
		INSERT INTO pdns.rrset_sensors AS s (rrset_key, sensor_id, time_first, time_last, count)
		SELECT b.rrset_key, b.sensor_id, b.time_first, b.time_last, b.count
		FROM batch b
		ORDER BY b.rrset_key, b.sensor_id
		ON CONFLICT (rrset_key, sensor_id) DO UPDATE SET
			time_first = least(s.time_first, excluded.time_first),
			time_last = greatest(s.time_last, excluded.time_last),
			count = pdns._count_add(s.count, excluded.count)
		RETURNING s.rrset_key, s.sensor_id, s.time_first
	)
	INSERT INTO pg_temp._compact_first_seen (rrset_key, sensor_id, time_first)
	SELECT m.rrset_key, m.sensor_id, m.time_first
	FROM merged m JOIN batch b ON b.rrset_key = m.rrset_key AND b.sensor_id = m.sensor_id
	WHERE m.time_first = b.time_first;
	PERFORM pdns._compact_put('negative_observations', neg_parts, periods,
	                          '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._rollup_negatives();
	PERFORM pdns._compact_put('client_counts', count_parts, periods, '{rrname, rrtype, period, sensor_id}');
	IF client_log THEN
		PERFORM pdns._compact_append('client_observations', client_parts, periods);
	END IF;

	-- last: compactions take turns from here to their commit (the rollups,
	-- then the first sightings, which add their new names to the rollups)
	PERFORM pdns._rollup_compacted();
	PERFORM pdns._record_first_sightings();

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
