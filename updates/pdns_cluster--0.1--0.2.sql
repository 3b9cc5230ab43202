-- pdns_cluster 0.1 -> 0.2 (docs/scale-out.md): the views across shards:
-- pdns's history, volume and signal views and its rollups per domain as
-- the UNION ALL of every shard's (foreign tables of postgres_fdw, made
-- here for the shards already added), the rollups per type added up, and
-- the enriched views over them; the shards' servers ship pdns's operators
-- and are read side by side.  Search across shards (search_rrnames(),
-- search_rdata()), top_new_domains() and negative_spikes().  One-name
-- lookups ask their shard with one lookup (_lookup_rrset_on), shard_of()
-- and all_shards() keep their plans (PL/pgSQL), and a shard that failed
-- no longer adds PL/Proxy's notice to the error.
\echo Use "ALTER EXTENSION pdns_cluster UPDATE" to load this file. \quit

CREATE OR REPLACE FUNCTION shard_of(name text) RETURNS integer
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT s.shard_id FROM pdns_cluster.slots s WHERE s.slot = pdns_cluster.slot_of(name));
END
$$;

CREATE OR REPLACE FUNCTION all_shards() RETURNS integer[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN ARRAY(SELECT s.id FROM pdns_cluster.shards s ORDER BY s.id);
END
$$;

CREATE OR REPLACE FUNCTION _after_failure(shards integer[], state text, message text, detail text, hint text,
	warn boolean DEFAULT true)
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (PL/Proxy's notice as it reconnects to a shard that failed)
AS $$
DECLARE
	answering integer[] := '{}';
	missing text[] := '{}';
	s record;
BEGIN
	FOR s IN SELECT x.id, x.name, x.host, x.port, x.dbname
	         FROM pdns_cluster.shards x WHERE x.id = ANY (shards) ORDER BY x.id LOOP
		BEGIN
			PERFORM pdns_cluster._ping(s.id);
			answering := answering || s.id;
		EXCEPTION WHEN OTHERS THEN
			missing := missing || format('"%s" (host=%s port=%s dbname=%s)', s.name, s.host, s.port, s.dbname);
		END;
	END LOOP;
	IF cardinality(missing) = 0 THEN
		message := regexp_replace(message, '^\S+\(\d+\): \[[^]]*\] REMOTE ERROR: ', '');
		detail := regexp_replace(detail, '^Remote detail: ', '');
		hint := regexp_replace(hint, '^Remote hint: ', '');
		IF coalesce(detail, '') <> '' AND coalesce(hint, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, DETAIL = detail, HINT = hint;
		ELSIF coalesce(detail, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, DETAIL = detail;
		ELSIF coalesce(hint, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, HINT = hint;
		END IF;
		RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message;
	END IF;
	IF NOT coalesce(current_setting('pdns_cluster.partial_answers', true), '') IN ('on', 'true', '1') THEN
		RAISE EXCEPTION 'shard % did not answer', array_to_string(missing, ', ')
			USING ERRCODE = 'connection_failure',
			      DETAIL = message,
			      HINT = 'SET pdns_cluster.partial_answers = on to answer from the other shards, flagged as partial.';
	END IF;
	IF warn THEN
		RAISE WARNING 'partial answer: shard % did not answer', array_to_string(missing, ', ')
			USING DETAIL = 'Every row of this answer is marked truncated.';
	END IF;
	RETURN answering;
END
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

CREATE OR REPLACE FUNCTION _lookup(kind text, "order" text, shards integer[], value text, rrtype text, bailiwick text,
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
			IF cardinality(shards) = 1 AND NOT partial AND kind = 'rrset' THEN
				RETURN QUERY SELECT * FROM pdns_cluster._lookup_rrset_on(shards[1], value, rrtype, bailiwick,
					time_first_before, time_first_after, time_last_before, time_last_after, window_after,
					window_before, strict, max_results, after_cursor, sensor);
				RETURN;
			ELSIF cardinality(shards) = 1 AND NOT partial THEN
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

CREATE OR REPLACE FUNCTION add_shard(name text, host text, port integer, dbname text, login text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	new_id integer;
	server name := 'pdns_shard_' || add_shard.name;
BEGIN
	LOCK TABLE pdns_cluster.shards IN SHARE ROW EXCLUSIVE MODE;
	SELECT count(*) INTO new_id FROM pdns_cluster.shards;
	INSERT INTO pdns_cluster.shards (id, name, host, port, dbname, login)
	VALUES (new_id, add_shard.name, add_shard.host, add_shard.port, add_shard.dbname, add_shard.login);
	-- ingestion through postgres_fdw: the shard only appends runs (its
	-- own compaction merges them), in batches of 5000 lines per statement
	-- (postgres_fdw binds 12 parameters a line, at most 65535 a statement);
	-- the views: pdns's operators sent to the shard, the shards read side
	-- by side
	EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw '
	               'OPTIONS (host %L, port %L, dbname %L, options %L, batch_size %L, extensions %L, '
	               'async_capable %L, fetch_size %L)',
	               server, add_shard.host, add_shard.port::text, add_shard.dbname,
	               '-c pdns.compaction=background', '5000', 'pdns', 'true', '10000');
	IF add_shard.login IS NULL THEN
		EXECUTE format('CREATE USER MAPPING FOR PUBLIC SERVER %I', server);
	ELSE
		-- (no password: the shard's pg_hba.conf trusts the coordinator, by
		-- certificate or network; docs/scale-out.md)
		EXECUTE format('CREATE USER MAPPING FOR PUBLIC SERVER %I OPTIONS (user %L, password_required %L)',
		               server, add_shard.login, 'false');
	END IF;
	EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (line text) '
	               'SERVER %I OPTIONS (schema_name %L, table_name %L)',
	               'ingest_text_' || add_shard.name, server, 'pdns', 'ingest_text');
	EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (time text, sensor text, client text, server text, '
	               'rrname text, rrtype text, class text, ttl text, rdata text, bailiwick text, count text, '
	               'rcode text) SERVER %I OPTIONS (schema_name %L, table_name %L)',
	               'native_in_' || add_shard.name, server, 'pdns', 'native_in');
	EXECUTE format('GRANT INSERT ON pdns_cluster.%I, pdns_cluster.%I TO pdns_ingest',
	               'ingest_text_' || add_shard.name, 'native_in_' || add_shard.name);
	PERFORM pdns_cluster._add_view_tables(add_shard.name);
	PERFORM pdns_cluster._refresh_views();
	PERFORM pdns_cluster._refresh_proxy();
	IF (SELECT first_routed IS NULL FROM pdns_cluster.state) THEN
		DELETE FROM pdns_cluster.slots;
		INSERT INTO pdns_cluster.slots (slot, shard_id)
		SELECT g, g % (new_id + 1) FROM generate_series(0, 1023) g;
	END IF;
	RETURN new_id;
END
$$;

-- The views on the coordinator (docs/scale-out.md, "Views"): pdns's
-- history, volume and signal views over every shard, with the same columns
-- and rows as on one server holding all the data.
--
-- Each view's rows are about one name, one RRset or one registered domain
-- (its observations, its negatives, its first sighting, its spikes), and
-- all of those live on the shard of their registered domain: the union of
-- the shards' views is the one server's view, row for row.  Each shard's
-- view is a foreign table of postgres_fdw (made by add_shard()), and
-- pdns_cluster.<view> is their UNION ALL, which add_shard() rewrites.
-- Conditions in WHERE are sent to every shard (pdns's types and operators
-- are shippable: the servers list the extension), and the shards are read
-- side by side (asynchronous append).
--
-- The enriched views join the cluster's rows to the enrichment and tags
-- loaded on the coordinator: load them there (docs/enrichment.md).

-- pdns's views, and its rollup tables per registered domain, that are
-- each shard's rows together.
CREATE FUNCTION _cluster_views() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['rrset_history', 'ip_history', 'nameserver_history', 'name_volume', 'negative_volume',
	             'client_activity', 'newly_observed', 'negative_spike_history', 'domain_rollups',
	             'domain_month_rollups'];
END;

-- pdns's rollups per period and type: the shards' rows of a period and
-- type added up, their sketches united.
CREATE FUNCTION _cluster_sums() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['rrtype_rollups'];
END;

-- The schema of the hll extension (the coordinator's functions name it).
CREATE FUNCTION _hll_schema() RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT e.extnamespace::regnamespace::text FROM pg_catalog.pg_extension e WHERE e.extname = 'hll';
END;

-- The columns of pdns's view, as a foreign table's column list.
CREATE FUNCTION _view_columns(view text) RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = format('pdns.%I', view)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
END;

-- A shard's views as foreign tables pdns_cluster.<view>_<shard>.
CREATE FUNCTION _add_view_tables(shard text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() || pdns_cluster._cluster_sums() LOOP
		EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
		               v || '_' || shard, pdns_cluster._view_columns(v), 'pdns_shard_' || shard, 'pdns', v);
	END LOOP;
END
$$;

-- pdns_cluster.<view>: the UNION ALL of every shard's (nothing while there
-- is no shard).
CREATE FUNCTION _refresh_views() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
	body text;
	hll text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() LOOP
		SELECT string_agg(format('SELECT * FROM pdns_cluster.%I', v || '_' || s.name), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%I AS %s', v,
		               coalesce(body, format('SELECT * FROM pdns.%I WHERE false', v)));
	END LOOP;
	hll := pdns_cluster._hll_schema();
	SELECT string_agg(format('SELECT * FROM pdns_cluster.%I', 'rrtype_rollups_' || s.name), ' UNION ALL ' ORDER BY s.id)
	INTO body FROM pdns_cluster.shards s;
	EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.rrtype_rollups AS '
	               'SELECT r.period, r.rrtype, %1$I.hll_union_agg(r.names) AS names, '
	               '%1$I.hll_union_agg(r.rrsets) AS rrsets, sum(r.observations)::bigint AS observations, '
	               'sum(r.negatives)::bigint AS negatives, %1$I.hll_union_agg(r.clients) AS clients '
	               'FROM (%2$s) r GROUP BY r.period, r.rrtype',
	               hll, coalesce(body, 'SELECT * FROM pdns.rrtype_rollups WHERE false'));
END
$$;
REVOKE EXECUTE ON FUNCTION _add_view_tables(text), _refresh_views() FROM PUBLIC;

-- The shards added before: their servers ship pdns's operators and are
-- read side by side, and their views become foreign tables.
DO $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT x.name FROM pdns_cluster.shards x ORDER BY x.id LOOP
		EXECUTE format('ALTER SERVER %I OPTIONS (ADD extensions %L, ADD async_capable %L, ADD fetch_size %L)',
		               'pdns_shard_' || s.name, 'pdns', 'true', '10000');
		PERFORM pdns_cluster._add_view_tables(s.name);
		-- (members of the shard, not of the extension, as add_shard() makes them)
		EXECUTE (SELECT string_agg(format('ALTER EXTENSION pdns_cluster DROP FOREIGN TABLE pdns_cluster.%I',
		                                  v || '_' || s.name), '; ')
		         FROM unnest(pdns_cluster._cluster_views() || pdns_cluster._cluster_sums()) v);
	END LOOP;
END
$$;

SELECT _refresh_views();

COMMENT ON VIEW rrset_history IS 'what each name resolved to, and when (filter on rrname), from every shard';
COMMENT ON VIEW ip_history IS
	'which names pointed at an address, and when (filter on address, e.g. <<= a CIDR), from every shard';
COMMENT ON VIEW nameserver_history IS
	'which zones a name server served, and when (filter on nameserver), from every shard';
COMMENT ON VIEW name_volume IS 'observations per name, type and period, from every shard';
COMMENT ON VIEW negative_volume IS 'negative answers per name, type, rcode and period, from every shard';
COMMENT ON VIEW client_activity IS
	'distinct clients (estimated) and queries per name, type and period, from every shard';
COMMENT ON VIEW newly_observed IS
	'names and registered domains by first sighting, by any sensor (sensor NULL) or by each, from every shard';
COMMENT ON VIEW domain_rollups IS
	'per period and registered domain: names, RRsets, observations, negative answers, clients, new names, from every shard';
COMMENT ON VIEW domain_month_rollups IS
	'per calendar month and registered domain: observations, negative answers, new names, from every shard';
COMMENT ON VIEW rrtype_rollups IS
	'per period and RR type: names, RRsets, observations, negative answers, clients, over every shard';
COMMENT ON VIEW negative_spike_history IS
	'negative answers per registered domain, kind, period and sensor, scored, from every shard';

-- As pdns's enriched views, over the cluster's rows and the coordinator's
-- enrichment.
CREATE VIEW ip_history_enriched AS
SELECT h.address, h.rrname, h.rrtype, h.time_first, h.time_last, h.count,
       e.kind, e.source, e.version, e.network, e.during,
       e.asn, e.as_org, e.country, e.city
FROM pdns_cluster.ip_history h,
     LATERAL pdns.enrich_during(h.address, tstzrange(h.time_first, h.time_last, '[]')) e;
COMMENT ON VIEW ip_history_enriched IS
	'A/AAAA records of every shard with ASN, country and city (the coordinator''s enrichment) as they were while seen';

CREATE VIEW rrset_history_tagged AS
SELECT h.rrname, h.rrtype, h.bailiwick, h.rdata, h.time_first, h.time_last, h.count,
       t.name AS tagged, t.tag, t.source, t.valid, t.details
FROM pdns_cluster.rrset_history h
JOIN pdns.name_tag t
  ON t.name OPERATOR(public.>>=) h.rrname
 AND t.valid && tstzrange(h.time_first, h.time_last, '[]');
COMMENT ON VIEW rrset_history_tagged IS
	'RRsets of every shard with the tags (the coordinator''s) valid on their name or a parent while seen';

GRANT SELECT ON rrset_history, ip_history, nameserver_history, name_volume, negative_volume, client_activity,
	newly_observed, negative_spike_history, domain_rollups, domain_month_rollups, rrtype_rollups,
	ip_history_enriched, rrset_history_tagged TO pdns_analyst;

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

-- Signals and rollups across shards (docs/scale-out.md, "Signals and
-- rollups"): what is about one registered domain lives on its shard, so
-- the spikes, the top domains by new names and the per-domain rollups of
-- the cluster are the shards' own, merged; the rollups per type add the
-- shards' up (their sketches united: the same sketch one server keeps).

-- Rows of a query over the shards, the shards failing as a lookup's do
-- (_after_failure): query reads $1, the shards to ask.  The caller gives
-- the columns (AS t(...)).
CREATE FUNCTION _merged(shards integer[], query text) RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	detail text;
	hint text;
BEGIN
	WHILE cardinality(shards) > 0 LOOP
		BEGIN
			RETURN QUERY EXECUTE query USING shards;
			RETURN;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			shards := pdns_cluster._after_failure(shards, SQLSTATE, SQLERRM, detail, hint);
		END;
	END LOOP;
END
$$;

CREATE FUNCTION _top_new_domains_on(shards integer[], month timestamptz, max_results integer)
RETURNS TABLE (domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.top_new_domains(month, max_results);
$$;

CREATE FUNCTION top_new_domains(month timestamptz DEFAULT now(), max_results integer DEFAULT 20)
RETURNS TABLE (domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT t.* FROM pdns_cluster._top_new_domains_on($1, %L::timestamptz, %L::integer) t '
		'ORDER BY t.new_names DESC, t.domain LIMIT %L::integer', month, max_results, max_results))
		AS t(domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint);
END
$$;
COMMENT ON FUNCTION top_new_domains(timestamptz, integer) IS
	'the registered domains with the most names first seen in a month, over every shard';

CREATE FUNCTION _negative_spikes_on(shards integer[], at timestamptz, baseline_periods integer,
	min_score double precision, min_count bigint, per_sensor boolean)
RETURNS TABLE (domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
	baseline_median double precision, baseline_mad double precision, score double precision)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.negative_spikes(at, baseline_periods, min_score, min_count, per_sensor);
$$;

-- (The baseline's length defaults to the coordinator session's
-- pdns.spike_baseline_periods, as one server's to its session's.)
CREATE FUNCTION negative_spikes(at timestamptz DEFAULT now(), baseline_periods integer DEFAULT NULL,
	min_score double precision DEFAULT 5, min_count bigint DEFAULT 10, per_sensor boolean DEFAULT true)
RETURNS TABLE (domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
	baseline_median double precision, baseline_mad double precision, score double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT t.* FROM pdns_cluster._negative_spikes_on($1, %L::timestamptz, %L::integer, %L::float8, '
		'%L::bigint, %L::boolean) t ORDER BY t.score DESC, t.domain, t.sensor', at,
		coalesce(baseline_periods, pdns._spike_baseline_periods()), min_score, min_count, per_sensor))
		AS t(domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
		     baseline_median double precision, baseline_mad double precision, score double precision);
END
$$;
COMMENT ON FUNCTION negative_spikes(timestamptz, integer, double precision, bigint, boolean) IS
	'registered domains whose negative answers stand out from their trailing baseline, over every shard';

-- Distinct counts (docs/signals.md, "Distinct counts"): exact counts from
-- the shards' distinct values (names are on one shard each, so their
-- counts add up; an address may be on several), estimates from the
-- shards' HyperLogLog sketches united, which is the sketch one server
-- makes of all the values.
CREATE FUNCTION _names_on_on(shards integer[], network inet, exact boolean)
RETURNS TABLE (names bigint, sketch hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT CASE WHEN exact THEN pdns.names_on(network, true) END AS names,
	       CASE WHEN NOT exact THEN pdns.names_on_sketch(network) END AS sketch;
$$;

CREATE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT t.n FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT CASE WHEN %2$L::boolean THEN coalesce(sum(x.names), 0)::bigint '
		'ELSE coalesce(round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.sketch)))::bigint, 0) END '
		'FROM pdns_cluster._names_on_on($1, %3$L::inet, %2$L::boolean) x',
		pdns_cluster._hll_schema(), exact, network)) AS t(n bigint));
END
$$;
COMMENT ON FUNCTION names_on(inet, boolean) IS
	'distinct owner names with an address in the network, over every shard (HyperLogLog estimate unless exact)';

CREATE FUNCTION _addresses_of_on(shards integer[], name pdns.dnsname, below boolean, exact boolean)
RETURNS TABLE (address inet, sketch hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT a AS address, NULL AS sketch FROM pdns.addresses_seen(name, below) a WHERE exact
	UNION ALL
	SELECT NULL, pdns.addresses_of_sketch(name, below) WHERE NOT exact;
$$;

-- (A name, or a subtree at or below a registered domain, is on one shard:
-- that shard answers; a larger subtree, every shard.)
CREATE FUNCTION addresses_of(name pdns.dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	one_shard boolean := NOT below OR pdns.registered_domain(name) IS NOT NULL;
BEGIN
	RETURN (SELECT t.n FROM pdns_cluster._merged(
		CASE WHEN one_shard THEN ARRAY[pdns_cluster.shard_of(name::text)] ELSE pdns_cluster.all_shards() END,
		format('SELECT CASE WHEN %2$L::boolean THEN count(DISTINCT x.address) '
		       'ELSE coalesce(round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.sketch)))::bigint, 0) END '
		       'FROM pdns_cluster._addresses_of_on($1, %3$L::pdns.dnsname, %4$L::boolean, %2$L::boolean) x',
		       pdns_cluster._hll_schema(), exact, name, below)) AS t(n bigint));
END
$$;
COMMENT ON FUNCTION addresses_of(pdns.dnsname, boolean, boolean) IS
	'distinct addresses in the A and AAAA RRsets of a name or its subtree, over every shard (HyperLogLog estimate unless exact)';

CREATE FUNCTION _names_per_block_on(shards integer[], network inet, prefix integer)
RETURNS TABLE (block cidr, names hll, addresses hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.names_per_block_sketches(network, prefix);
$$;

CREATE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT x.block, round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.names)))::bigint, '
		'round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.addresses)))::bigint '
		'FROM pdns_cluster._names_per_block_on($1, %2$L::inet, %3$L::integer) x GROUP BY 1 ORDER BY 1',
		pdns_cluster._hll_schema(), network, prefix))
		AS t(block cidr, names bigint, addresses bigint);
END
$$;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses over every shard (HyperLogLog estimates)';
