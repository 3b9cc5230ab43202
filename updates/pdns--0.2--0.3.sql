-- pdns 0.2 -> 0.3 (ALTER EXTENSION pdns UPDATE).  An installed 0.2 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.3: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.3'" to load this file. \quit

-- Batches hold more keys by default (a key takes less memory); a store
-- that kept the old default gets the new one.
ALTER TABLE settings ALTER COLUMN batch_keys SET DEFAULT 2000000;
UPDATE settings SET batch_keys = 2000000 WHERE batch_keys = 1000000;

-- The rows of the rdata tables exist exactly as long as their RRset does,
-- so the merge adds those of a new RRset with plain inserts (no conflict
-- checks): an RRset deleted takes its rows along.
CREATE FUNCTION _rrsets_deleted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.rdata_addresses d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_names d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_elements d USING gone g WHERE d.rrset_key = g.key;
	RETURN NULL;
END
$$;
CREATE TRIGGER rdata_rows AFTER DELETE ON rrsets REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION _rrsets_deleted();

CREATE FUNCTION _rrsets_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- (not TRUNCATE: the statement that fired this may be truncating them)
	DELETE FROM pdns.rdata_addresses;
	DELETE FROM pdns.rdata_names;
	DELETE FROM pdns.rdata_elements;
	RETURN NULL;
END
$$;
CREATE TRIGGER rdata_rows_truncated AFTER TRUNCATE ON rrsets
	FOR EACH STATEMENT EXECUTE FUNCTION _rrsets_truncated();

-- Merge this session's batch into the store.  Every INSERT takes its rows
-- in key order (the partitioned tables period by period, in order), so
-- concurrent merges lock rows in one order and cannot deadlock; ON
-- CONFLICT makes the counts add up exactly.
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
