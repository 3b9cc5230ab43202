-- pdns_cluster 0.1 -> 0.2: the views across shards (docs/scale-out.md,
-- "Views"): pdns's history, volume and signal views as the UNION ALL of
-- every shard's (foreign tables of postgres_fdw, made here for the shards
-- already added), and the enriched views over them; the shards' servers
-- ship pdns's operators and are read side by side.  One-name lookups ask
-- their shard with one lookup (_lookup_rrset_on), and shard_of() and
-- all_shards() keep their plans (PL/pgSQL).
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

CREATE FUNCTION _cluster_views() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['rrset_history', 'ip_history', 'nameserver_history', 'name_volume', 'negative_volume',
	             'client_activity', 'newly_observed', 'negative_spike_history'];
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
	FOREACH v IN ARRAY pdns_cluster._cluster_views() LOOP
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
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() LOOP
		SELECT string_agg(format('SELECT * FROM pdns_cluster.%I', v || '_' || s.name), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%I AS %s', v,
		               coalesce(body, format('SELECT * FROM pdns.%I WHERE false', v)));
	END LOOP;
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
		         FROM unnest(pdns_cluster._cluster_views()) v);
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
	newly_observed, negative_spike_history, ip_history_enriched, rrset_history_tagged TO pdns_analyst;
