-- pdns 0.4 -> 0.5 (ALTER EXTENSION pdns UPDATE).  An installed 0.4 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.5: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.5'" to load this file. \quit

-- Room on each page of the client and negative tiers, as observations have
-- had: a later batch's counts for a row already stored update it in place
-- (HOT) instead of adding entries to every index.  pg_partman gives new
-- partitions their template's options; the partitions made at 0.4 get the
-- same for the pages they fill from now on.
ALTER TABLE _template_negative_observations SET (fillfactor = 80);
ALTER TABLE _template_client_observations SET (fillfactor = 80);
DO $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT n.nspname, c.relname
		FROM pg_catalog.pg_inherits i
		JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE i.inhparent IN ('pdns.negative_observations'::pg_catalog.regclass,
		                      'pdns.client_observations'::pg_catalog.regclass)
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE %I.%I SET (fillfactor = 80)', p.nspname, p.relname);
	END LOOP;
END
$$;

-- Ingesting transactions write to the store one at a time (see
-- _store_write_lock in src/sql/52_ingest.sql): two transactions that each
-- merged more than once could deadlock on keys they shared.
CREATE FUNCTION _store_write_lock() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM FROM pdns.settings FOR NO KEY UPDATE;
END
$$;

CREATE OR REPLACE FUNCTION _sensor_id(sensor_name text) RETURNS integer
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
			count = r.count + excluded.count
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
