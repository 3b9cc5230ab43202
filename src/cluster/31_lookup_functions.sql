-- The four lookups as one PL/Proxy call: pdns's lookup of that kind on the
-- shards given.  (The branches of the other kinds are not run: their
-- condition is a parameter, false for the whole query.)  value is the
-- owner, the rdata name, the address or the hex; bailiwick is for rrset
-- lookups only.
CREATE FUNCTION _lookup_on(shards integer[], kind text, value text, rrtype text, bailiwick text,
	time_first_before text, time_first_after text, time_last_before text, time_last_after text,
	window_after text, window_before text, strict boolean, max_results bigint, after_cursor text,
	sensor text)
RETURNS SETOF pdns.lookup_row
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.lookup_rrset(value, rrtype, bailiwick, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, max_results,
		after_cursor, sensor) WHERE kind = 'rrset'
	UNION ALL
	SELECT * FROM pdns.lookup_rdata_name(value, rrtype, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, max_results,
		after_cursor, sensor) WHERE kind = 'rdata_name'
	UNION ALL
	SELECT * FROM pdns.lookup_rdata_ip(value, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, max_results,
		after_cursor, sensor) WHERE kind = 'rdata_ip'
	UNION ALL
	SELECT * FROM pdns.lookup_rdata_raw(value, rrtype, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, max_results,
		after_cursor, sensor) WHERE kind = 'rdata_raw';
$$;

-- An rrset lookup on one shard, the common case (a name, "*.domain"): the
-- shard plans one lookup, not the four branches of _lookup_on.
CREATE FUNCTION _lookup_rrset_on(shard integer, owner text, rrtype text, bailiwick text,
	time_first_before text, time_first_after text, time_last_before text, time_last_after text,
	window_after text, window_before text, strict boolean, max_results bigint, after_cursor text,
	sensor text)
RETURNS SETOF pdns.lookup_row
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON shard;
	SELECT * FROM pdns.lookup_rrset(owner, rrtype, bailiwick, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, max_results,
		after_cursor, sensor);
$$;

-- Ask the shards (only those that know the sensor, when filtered by one)
-- and keep the first max_results rows of all their answers in the
-- lookup's order, read back from each row's cursor (order): 'name' (name,
-- type, RRset key), 'prefix' (the name's forward key, RRset key), 'address'
-- (address, RRset key) or 'key' (RRset key).  One shard's answer is in that
-- order already.  A shard that does not answer: _after_failure().
CREATE FUNCTION _lookup(kind text, "order" text, shards integer[], value text, rrtype text, bailiwick text,
	time_first_before text, time_first_after text, time_last_before text, time_last_after text,
	window_after text, window_before text, strict boolean, max_results bigint, after_cursor text,
	sensor text)
RETURNS SETOF pdns.lookup_row
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	partial boolean := false;
	detail text;
	hint text;
BEGIN
	IF sensor <> '' THEN
		shards := pdns_cluster._sensor_shards(shards, sensor);
	END IF;
	WHILE cardinality(shards) > 0 LOOP
		BEGIN
			IF cardinality(shards) = 1 AND NOT partial THEN
				RETURN QUERY SELECT * FROM pdns_cluster._lookup_on(shards, kind, value, rrtype, bailiwick,
					time_first_before, time_first_after, time_last_before, time_last_after, window_after,
					window_before, strict, max_results, after_cursor, sensor);
				RETURN;
			END IF;
			RETURN QUERY
				SELECT r.rrname, r.rrtype, r.bailiwick, r.rdata, r.time_first, r.time_last, r.count, r.lossy,
				       coalesce(count(*) OVER () > max_results, false) OR bool_or(r.truncated) OVER () OR partial,
				       r.cursor
				FROM pdns_cluster._lookup_on(shards, kind, value, rrtype, bailiwick, time_first_before,
					time_first_after, time_last_before, time_last_after, window_after, window_before, strict,
					max_results, after_cursor, sensor) r
				ORDER BY CASE WHEN "order" = 'name' THEN pdns._cursor_field(r.cursor, 1)::pdns.dnsname END,
				         CASE WHEN "order" = 'name' THEN pdns._cursor_field(r.cursor, 2)::integer END,
				         CASE WHEN "order" = 'prefix' THEN pdns._cursor_field(r.cursor, 1) COLLATE "C" END,
				         CASE WHEN "order" = 'address' THEN pdns._cursor_field(r.cursor, 1)::inet END,
				         pdns._cursor_field(r.cursor, CASE "order" WHEN 'name' THEN 3 WHEN 'key' THEN 1 ELSE 2 END)::uuid
				LIMIT max_results;
			RETURN;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			shards := pdns_cluster._after_failure(shards, SQLSTATE, SQLERRM, detail, hint);
			partial := true;
		END;
	END LOOP;
END
$$;

-- The lookups, with pdns's signatures (PL/pgSQL: their plans are kept
-- for the session, which SQL functions' are not).  An owner name, or
-- "*.name" at or below a registered domain, is on one shard; everything
-- else may be on any.
--
-- The common lookup, of a name or "*.domain" without a sensor, asks its
-- shard straight away, in one call: each layer of PL/pgSQL between the
-- caller and PL/Proxy cost about as much as the hop to the shard (its
-- statements and expressions are set up again in every transaction).
-- When that call fails, _lookup() asks again, and says which shard did
-- not answer, or raises the shard's error as one server would.
CREATE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.lookup_row
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind text := 'exact';
	wildcard_name pdns.dnsname;
	routed text;	-- the name whose shard holds the answer, if one does
	shards integer[];
BEGIN
	IF strpos(owner, '*') = 0 THEN
		routed := owner;
	ELSE
		SELECT w.kind, w.name INTO kind, wildcard_name FROM pdns._wildcard(owner) w;
		IF kind = 'below' AND pdns.registered_domain(wildcard_name) IS NOT NULL THEN
			routed := wildcard_name::text;
		END IF;
	END IF;
	-- (shard_of()'s query, in place: calling it cost as much again)
	shards := CASE WHEN routed IS NULL THEN pdns_cluster.all_shards()
	               ELSE ARRAY[(SELECT s.shard_id FROM pdns_cluster.slots s
	                           WHERE s.slot = pdns_cluster.slot_of(routed))] END;
	IF shards[1] IS NULL THEN
		PERFORM pdns._wildcard(owner);	-- (the owner is not a name: pdns's error)
	ELSIF cardinality(shards) = 1 AND coalesce(sensor, '') = '' THEN
		BEGIN
			RETURN QUERY SELECT * FROM pdns_cluster._lookup_rrset_on(shards[1], owner, rrtype, bailiwick,
				time_first_before, time_first_after, time_last_before, time_last_after, window_after,
				window_before, strict, max_results, after_cursor, sensor);
			RETURN;
		EXCEPTION WHEN OTHERS THEN
			NULL;	-- (asked again below)
		END;
	END IF;
	RETURN QUERY SELECT * FROM pdns_cluster._lookup('rrset', CASE WHEN kind = 'prefix' THEN 'prefix' ELSE 'name' END,
		shards, owner, rrtype, bailiwick, time_first_before, time_first_after, time_last_before,
		time_last_after, window_after, window_before, strict, max_results, after_cursor, sensor);
END
$$;
COMMENT ON FUNCTION lookup_rrset IS
	'DNSDB rrset lookup over the cluster: as pdns.lookup_rrset, from the shards that hold the answer';

CREATE FUNCTION lookup_rdata_name(value text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.lookup_row
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w record := pdns._wildcard(value);
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._lookup('rdata_name', CASE WHEN w.kind = 'prefix' THEN 'prefix' ELSE 'name' END,
		pdns_cluster.all_shards(), value, rrtype, NULL, time_first_before, time_first_after, time_last_before,
		time_last_after, window_after, window_before, strict, max_results, after_cursor, sensor);
END
$$;
COMMENT ON FUNCTION lookup_rdata_name IS
	'DNSDB rdata name lookup over the cluster: as pdns.lookup_rdata_name, from every shard';

CREATE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.lookup_row
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._lookup('rdata_ip', 'address', pdns_cluster.all_shards(), value, NULL, NULL,
		time_first_before, time_first_after, time_last_before,
		time_last_after, window_after, window_before, strict, max_results, after_cursor, sensor);
END
$$;
COMMENT ON FUNCTION lookup_rdata_ip IS
	'DNSDB rdata IP lookup over the cluster: as pdns.lookup_rdata_ip, from every shard';

CREATE FUNCTION lookup_rdata_raw(hex text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.lookup_row
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._lookup('rdata_raw', 'key', pdns_cluster.all_shards(), hex, rrtype, NULL,
		time_first_before, time_first_after, time_last_before,
		time_last_after, window_after, window_before, strict, max_results, after_cursor, sensor);
END
$$;
COMMENT ON FUNCTION lookup_rdata_raw IS
	'DNSDB rdata raw lookup over the cluster: as pdns.lookup_rdata_raw, from every shard';

-- DNSDB's aggr=false (pdns-api): a row of a lookup split by period, on the
-- shard that holds its RRset.
CREATE FUNCTION _row_shard(result pdns.lookup_row) RETURNS integer
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT pdns_cluster.shard_of(result.rrname::text);
END;

CREATE FUNCTION unaggregated(result pdns.lookup_row,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL)
RETURNS SETOF pdns.lookup_row
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._row_shard(result);
	SELECT * FROM pdns.unaggregated(result, time_first_before, time_first_after, time_last_before,
		time_last_after);
$$;
COMMENT ON FUNCTION unaggregated(pdns.lookup_row, text, text, text, text) IS
	'a lookup result split by period of the history tier (DNSDB''s aggr=false), from its shard';
