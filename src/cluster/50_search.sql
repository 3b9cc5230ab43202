-- Search across shards (docs/scale-out.md, "Search"): search_rrnames()
-- and search_rdata() with pdns's signatures and rows (docs/search.md),
-- asking every shard in parallel.
--
-- A name lives on one shard, so each shard's rows for a name are the one
-- server's: the coordinator keeps the first max_results of the shards'
-- answers in name order, as the lookups do.
--
-- An rdata value is held by RRsets of many shards: its row is the
-- aggregate of every shard's (first and last seen, count), and the time
-- fences apply to that aggregate.  So the shards are asked without fences,
-- for pages of values in value order; the values up to the last value of
-- the shard whose page ended first are complete, and are merged, fenced
-- and kept; the next round starts there, until max_results rows are kept
-- or no shard has more.

-- A name search on the shards given.
CREATE FUNCTION _search_rrnames_on(shards integer[], pattern text, method text, rrtype text,
	time_first_before text, time_first_after text, time_last_before text, time_last_after text,
	window_after text, window_before text, strict boolean, exclude text, max_results bigint,
	after_cursor text, sensor text)
RETURNS SETOF pdns.search_name_row
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.search_rrnames(pattern, method, rrtype, time_first_before, time_first_after,
		time_last_before, time_last_after, window_after, window_before, strict, exclude, max_results,
		after_cursor, sensor);
$$;

-- A page of rdata values without fences, from each of the shards given,
-- each row with its shard's id.
CREATE FUNCTION _search_rdata_on(shards integer[], pattern text, method text, rrtype text,
	exclude text, max_results bigint, after_cursor text, sensor text)
RETURNS TABLE (shard integer, rdata text, rrtype pdns.rrtype, raw_rdata text, time_first timestamptz,
	time_last timestamptz, count bigint, truncated boolean, "cursor" text)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	SPLIT shards;
	RUN ON pdns_cluster._target(shards);
	SELECT (SELECT min(s) FROM unnest(shards) s) AS shard, r.*
	FROM pdns.search_rdata(pattern, method, rrtype, NULL, NULL, NULL, NULL, NULL, NULL, false, exclude,
		max_results, after_cursor, sensor) r;
$$;

-- What every search checks before asking a shard, as one server checks
-- it and in its order (the same errors): the fences, the sensor, the
-- patterns; then the shards to ask (those that know the sensor, when
-- filtered by one).
CREATE FUNCTION _search_shards(pattern text, method text, exclude text,
	time_first_before text, time_first_after text, time_last_before text, time_last_after text,
	window_after text, window_before text, strict boolean, sensor text)
RETURNS integer[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	shards integer[] := pdns_cluster.all_shards();
BEGIN
	PERFORM pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                            time_last_after, window_after, window_before, strict);
	IF sensor <> '' THEN
		shards := pdns_cluster._sensor_shards(shards, sensor);
	END IF;
	PERFORM pdns.search_pattern(pattern, method);
	IF exclude <> '' THEN
		PERFORM pdns.search_pattern(exclude, method);
	END IF;
	RETURN shards;
END
$$;

CREATE FUNCTION search_rrnames(pattern text, method text DEFAULT 'regex', rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	exclude text DEFAULT NULL, max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.search_name_row
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	shards integer[] := pdns_cluster._search_shards(pattern, method, exclude, time_first_before,
		time_first_after, time_last_before, time_last_after, window_after, window_before, strict, sensor);
	partial boolean := false;
	detail text;
	hint text;
BEGIN
	WHILE cardinality(shards) > 0 LOOP
		BEGIN
			RETURN QUERY
				SELECT r.rrname, r.rrtype, r.time_first, r.time_last, r.count,
				       coalesce(count(*) OVER () > max_results, false) OR bool_or(r.truncated) OVER () OR partial,
				       r.cursor
				FROM pdns_cluster._search_rrnames_on(shards, pattern, method, rrtype, time_first_before,
					time_first_after, time_last_before, time_last_after, window_after, window_before, strict,
					exclude, max_results, after_cursor, sensor) r
				ORDER BY r.rrname, r.rrtype
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
COMMENT ON FUNCTION search_rrnames IS
	'DNSDB Flex search over owner names, over the cluster: as pdns.search_rrnames, from every shard';

CREATE FUNCTION search_rdata(pattern text, method text DEFAULT 'regex', rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	exclude text DEFAULT NULL, max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF pdns.search_rdata_row
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	shards integer[] := pdns_cluster._search_shards(pattern, method, exclude, time_first_before,
		time_first_after, time_last_before, time_last_after, window_after, window_before, strict, sensor);
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	-- each round asks every shard for one more value than the page shows
	-- (a negative max_results: the shards' error)
	per_shard bigint := CASE WHEN max_results < 0 THEN max_results
	                         ELSE least(max_results, 9223372036854775806) + 1 END;
	kept pdns.search_rdata_row[] := '{}';
	round pdns.search_rdata_row[];
	next_cursor text := after_cursor;
	partial boolean := false;
	detail text;
	hint text;
BEGIN
	WHILE cardinality(shards) > 0 LOOP
		BEGIN
			WITH r AS MATERIALIZED (
				SELECT * FROM pdns_cluster._search_rdata_on(shards, pattern, method, rrtype, exclude,
					per_shard, next_cursor, sensor)),
			-- the last value of each shard's page, and the first of those of
			-- the shards that have more: the values up to it are complete
			edge AS (
				SELECT l.rdata, l.rrtype, l.cursor
				FROM (SELECT DISTINCT ON (r.shard) r.rdata, r.rrtype, r.cursor, r.truncated
				      FROM r ORDER BY r.shard, r.rdata COLLATE "C" DESC, r.rrtype DESC) l
				WHERE l.truncated
				ORDER BY l.rdata COLLATE "C", l.rrtype
				LIMIT 1),
			merged AS (
				SELECT r.rdata, r.rrtype, r.raw_rdata, min(r.time_first) AS time_first,
				       max(r.time_last) AS time_last, least(sum(r.count), pdns.count_ceiling())::bigint AS count
				FROM r LEFT JOIN edge e ON true
				WHERE e.rdata IS NULL OR r.rdata COLLATE "C" < e.rdata
				   OR (r.rdata = e.rdata AND r.rrtype OPERATOR(public.<=) e.rrtype)
				GROUP BY r.rdata, r.rrtype, r.raw_rdata)
			SELECT coalesce(array_agg(ROW(m.rdata, m.rrtype, m.raw_rdata, m.time_first, m.time_last, m.count,
			                              false, pdns._cursor(m.rdata, m.rrtype::integer::text))::pdns.search_rdata_row
			                          ORDER BY m.rdata COLLATE "C", m.rrtype)
			                FILTER (WHERE pdns._fenced(m.time_first, m.time_last, f.first_before, f.first_after,
			                                           f.last_before, f.last_after)), '{}'),
			       (SELECT e.cursor FROM edge e)
			INTO round, next_cursor
			FROM merged m;
			kept := kept || round;
			EXIT WHEN next_cursor IS NULL OR cardinality(kept) >= per_shard;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			shards := pdns_cluster._after_failure(shards, SQLSTATE, SQLERRM, detail, hint);
			partial := true;
		END;
	END LOOP;
	RETURN QUERY
		SELECT k.rdata, k.rrtype, k.raw_rdata, k.time_first, k.time_last, k.count,
		       coalesce(cardinality(kept) > max_results, false) OR partial, k.cursor
		FROM unnest(kept) WITH ORDINALITY k
		WHERE max_results IS NULL OR k.ordinality <= max_results	-- (NULL: no limit, as LIMIT NULL)
		ORDER BY k.ordinality;
END
$$;
COMMENT ON FUNCTION search_rdata IS
	'DNSDB Flex search over rdata values, over the cluster: as pdns.search_rdata, each value aggregated over every shard';
