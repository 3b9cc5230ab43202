-- Ingestion targets and the merge of a batch into the store
-- (docs/ingest.md; the C side is src/pg/ingest_*.c).
--
-- Every target is a table of raw lines that stays empty: a C row trigger
-- parses each line into this session's batch, and a statement trigger
-- merges the batch when the COPY (or INSERT) ends.  Load raw lines so that
-- COPY neither splits nor re-encodes them:
--
--   COPY pdns.ingest_text FROM STDIN
--       WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');

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
CREATE FUNCTION _batch_observations(OUT period timestamptz, OUT rrset_key uuid,
	OUT sensor_id integer, OUT time_first timestamptz, OUT time_last timestamptz,
	OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_observations' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_negatives(OUT period timestamptz, OUT rrname dnsname,
	OUT rrtype rrtype, OUT rcode smallint, OUT sensor_id integer,
	OUT time_first timestamptz, OUT time_last timestamptz, OUT count bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_negatives' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_clients(OUT period timestamptz, OUT client inet, OUT rrname dnsname,
	OUT rrtype rrtype, OUT sensor_id integer, OUT time_first timestamptz,
	OUT time_last timestamptz, OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_clients' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_rejects(OUT target text, OUT sensor text, OUT reason text, OUT raw bytea)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rejects' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_periods() RETURNS timestamptz[]
	AS 'MODULE_PATHNAME', 'pdns_batch_periods' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_periods_ready() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_batch_periods_ready' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_reset() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_batch_reset' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- A sensor's number, made on first sight.
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

-- Merge this session's batch into the store.  Every INSERT takes its rows
-- in key order, so concurrent merges lock rows in one order and cannot
-- deadlock; ON CONFLICT makes the counts add up exactly.
CREATE FUNCTION _merge_batch() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sorts by key stay in memory
AS $$
BEGIN
	PERFORM pdns._ensure_partitions(pdns._batch_periods());
	PERFORM pdns._batch_periods_ready();

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
	-- Rows for new RRsets only. No other session can be adding these keys,
	-- but an RRset deleted by hand may have left its rows: keep going.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, key FROM new, unnest(pdns.addresses(rdata)) a
		ORDER BY 1, 2
		ON CONFLICT DO NOTHING
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT n, rrtype, key FROM new, unnest(pdns.names(rdata)) n
		ORDER BY 1, 2, 3
		ON CONFLICT DO NOTHING
	)
	INSERT INTO pdns.rdata_elements (hash, rrset_key)
	SELECT DISTINCT h, key FROM new, unnest(pdns.element_hashes(rdata)) h
	ORDER BY 1, 2
	ON CONFLICT DO NOTHING;

	INSERT INTO pdns.observations AS o (period, rrset_key, sensor_id, time_first, time_last, count)
	SELECT * FROM pdns._batch_observations() ORDER BY rrset_key, period, sensor_id
	ON CONFLICT (rrset_key, period, sensor_id) DO UPDATE SET
		time_first = least(o.time_first, excluded.time_first),
		time_last = greatest(o.time_last, excluded.time_last),
		count = o.count + excluded.count;

	INSERT INTO pdns.negative_observations AS o
		(period, rrname, rrtype, rcode, sensor_id, time_first, time_last, count)
	SELECT * FROM pdns._batch_negatives() ORDER BY rrname, rrtype, rcode, period, sensor_id
	ON CONFLICT (rrname, rrtype, rcode, period, sensor_id) DO UPDATE SET
		time_first = least(o.time_first, excluded.time_first),
		time_last = greatest(o.time_last, excluded.time_last),
		count = o.count + excluded.count;

	INSERT INTO pdns.client_observations AS o
		(period, client, rrname, rrtype, sensor_id, time_first, time_last, count)
	SELECT * FROM pdns._batch_clients() ORDER BY client, rrname, rrtype, period, sensor_id
	ON CONFLICT (client, rrname, rrtype, period, sensor_id) DO UPDATE SET
		time_first = least(o.time_first, excluded.time_first),
		time_last = greatest(o.time_last, excluded.time_last),
		count = o.count + excluded.count;

	INSERT INTO pdns.rejects (target, sensor, reason, raw)
	SELECT * FROM pdns._batch_rejects();

	PERFORM pdns._batch_reset();
END
$$;
