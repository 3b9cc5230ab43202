-- pdns_cluster 0.3 -> 0.4 (docs/scale-out.md): the rollups per sensor
-- (sensor_rollups), the explorer's volume (volume_by_period(),
-- explorer_volume(), which pdns-api serves on a coordinator) and the feed
-- of first sightings (new_names_feed()) across shards; lookup_rrset()
-- asks the shard of a name or "*.domain" in one call.  Needs pdns 0.13
-- on the coordinator (pdns.volume_json()).
\echo Use "ALTER EXTENSION pdns_cluster UPDATE" to load this file. \quit

DROP FUNCTION not_across_shards(text);

-- pdns's rollups per period and sensor, and its sensors: the shards
-- number sensors each their own way, so the coordinator adds up the rows
-- of a period and sensor name, their sketches united.
CREATE FUNCTION _cluster_per_sensor() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['sensor_rollups', 'sensors'];
END;

CREATE OR REPLACE FUNCTION _add_view_tables(shard text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() || pdns_cluster._cluster_sums()
	                   || pdns_cluster._cluster_per_sensor() LOOP
		-- (those it has already: a shard added before an update brought more)
		CONTINUE WHEN to_regclass(format('pdns_cluster.%I', v || '_' || shard)) IS NOT NULL;
		EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
		               v || '_' || shard, pdns_cluster._view_columns(v), 'pdns_shard_' || shard, 'pdns', v);
	END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION _refresh_views() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
	key text;
	part text;
	body text;
	hll text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() LOOP
		SELECT string_agg(format('SELECT * FROM pdns_cluster.%I', v || '_' || s.name), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%I AS %s', v,
		               coalesce(body, format('SELECT * FROM pdns.%I WHERE false', v)));
	END LOOP;
	-- the sums: each shard's rows (part: the table's, %1$s, with the
	-- names of the shard's sensors, %2$s), added up per period and key
	hll := pdns_cluster._hll_schema();
	FOR v, key, part IN
		VALUES ('rrtype_rollups', 'rrtype', 'SELECT * FROM %1$s'),
		       ('sensor_rollups', 'sensor', 'SELECT x.period, s.name AS sensor, x.names, x.rrsets, x.observations, '
		                                    'x.negatives, x.clients FROM %1$s x JOIN %2$s s ON s.id = x.sensor_id') LOOP
		SELECT string_agg(format(part, format('pdns_cluster.%I', v || '_' || s.name),
		                         format('pdns_cluster.%I', 'sensors_' || s.name)), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%2$I AS '
		               'SELECT r.period, r.%3$I, %1$I.hll_union_agg(r.names) AS names, '
		               '%1$I.hll_union_agg(r.rrsets) AS rrsets, sum(r.observations)::bigint AS observations, '
		               'sum(r.negatives)::bigint AS negatives, %1$I.hll_union_agg(r.clients) AS clients '
		               'FROM (%4$s) r GROUP BY r.period, r.%3$I',
		               hll, v, key, coalesce(body, format(part, 'pdns.' || v, 'pdns.sensors') || ' WHERE false'));
	END LOOP;
END
$$;

-- The shards added before: their sensors and rollups per sensor become
-- foreign tables.
DO $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT x.name FROM pdns_cluster.shards x ORDER BY x.id LOOP
		PERFORM pdns_cluster._add_view_tables(s.name);
		-- (members of the shard, not of the extension, as add_shard() makes them)
		EXECUTE (SELECT string_agg(format('ALTER EXTENSION pdns_cluster DROP FOREIGN TABLE pdns_cluster.%I',
		                                  v || '_' || s.name), '; ')
		         FROM unnest(pdns_cluster._cluster_per_sensor()) v);
	END LOOP;
END
$$;

SELECT _refresh_views();

COMMENT ON VIEW sensor_rollups IS
	'per period and sensor (by name): names, RRsets, observations, negative answers, clients, over every shard';

GRANT SELECT ON sensor_rollups TO pdns_analyst;

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
CREATE OR REPLACE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
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

-- The shards that hold a name's rows, or (below) a subtree's: the shard
-- of its registered domain for a name or a subtree at or below one, every
-- shard for a larger subtree ("co.uk", "com").
CREATE FUNCTION _subtree_shards(name pdns.dnsname, below boolean) RETURNS integer[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE WHEN NOT below OR pdns.registered_domain(name) IS NOT NULL
	            THEN ARRAY[pdns_cluster.shard_of(name::text)] ELSE pdns_cluster.all_shards() END;
END;

CREATE OR REPLACE FUNCTION addresses_of(name pdns.dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT t.n FROM pdns_cluster._merged(pdns_cluster._subtree_shards(name, below),
		format('SELECT CASE WHEN %2$L::boolean THEN count(DISTINCT x.address) '
		       'ELSE coalesce(round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.sketch)))::bigint, 0) END '
		       'FROM pdns_cluster._addresses_of_on($1, %3$L::pdns.dnsname, %4$L::boolean, %2$L::boolean) x',
		       pdns_cluster._hll_schema(), exact, name, below)) AS t(n bigint));
END
$$;

-- The explorer's volume across shards (docs/explorer.md, pdns-api's
-- /pdns/v1/volume/): a name's observations and negative answers live on
-- the shard of its registered domain, as do those of every name at or
-- below a registered domain (_subtree_shards()); the counts per period of
-- the shards asked add up.

CREATE FUNCTION _volume_on(shards integer[], name pdns.dnsname, below boolean)
RETURNS TABLE (period timestamptz, observations bigint, negative bigint, nxdomain bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.volume_by_period(name, below);
$$;

CREATE FUNCTION volume_by_period(name pdns.dnsname, below boolean DEFAULT false)
RETURNS TABLE (period timestamptz, observations bigint, negative bigint, nxdomain bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster._subtree_shards(name, below),
		format('SELECT v.period, sum(v.observations)::bigint, sum(v.negative)::bigint, sum(v.nxdomain)::bigint '
		       'FROM pdns_cluster._volume_on($1, %L::pdns.dnsname, %L::boolean) v GROUP BY 1 ORDER BY 1',
		       name, below))
		AS t(period timestamptz, observations bigint, negative bigint, nxdomain bigint);
END
$$;
COMMENT ON FUNCTION volume_by_period(pdns.dnsname, boolean) IS
	'observations, negative answers and NXDOMAINs per period for a name (below: and every name under it), over every shard';

-- What pdns-api serves on a coordinator: as pdns.explorer_volume().
CREATE FUNCTION explorer_volume(value text, below boolean) RETURNS SETOF json
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT pdns.volume_json(v.period, v.observations, v.negative, v.nxdomain)
	FROM pdns_cluster.volume_by_period(value::pdns.dnsname, below) v;
END;
COMMENT ON FUNCTION explorer_volume(text, boolean) IS
	'volume_by_period() as the JSON objects pdns-api serves at /pdns/v1/volume/, over every shard';

-- The feed of first sightings across shards (docs/signals.md, "New
-- names"): each shard records its first sightings in an order of its own
-- (pdns.new_names_feed()'s cursor), so the cluster's cursor is every
-- shard's position, "id:position,...".  A page takes the shards' next rows
-- in turn (each shard's in its order) and each row's cursor is where every
-- shard stands after it: paged, the feed gives each shard's rows exactly
-- once, whichever rows a page ends on.  A shard that does not answer fails
-- the feed as a lookup does (_after_failure); partial answers leave it
-- where the cursor put it, so a later page brings its rows.

-- The next rows of each shard after its position (positions: one per
-- shard id, the first for shard 0).
CREATE FUNCTION _new_names_on(shards integer[], positions bigint[], max_results integer, domains boolean,
	sensor text)
RETURNS TABLE (shard integer, subject pdns.dnsname, first_seen timestamptz, rrname pdns.dnsname,
	rrtype pdns.rrtype, rdata pdns.rrset, seq bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	SPLIT shards;
	RUN ON pdns_cluster._target(shards);
	SELECT s AS shard, f.subject, f.first_seen, f.rrname, f.rrtype, f.rdata, f."cursor"::bigint AS seq
	FROM unnest(shards) s, pdns.new_names_feed((positions)[s + 1]::text, max_results, domains, sensor) f;
$$;

CREATE FUNCTION new_names_feed(after_cursor text DEFAULT NULL, max_results integer DEFAULT 1000,
	domains boolean DEFAULT false, sensor text DEFAULT NULL)
RETURNS TABLE (subject pdns.dnsname, first_seen timestamptz, rrname pdns.dnsname, rrtype pdns.rrtype,
	rdata pdns.rrset, "cursor" text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	shards integer[] := pdns_cluster.all_shards();
	positions bigint[] := array_fill(0::bigint, ARRAY[cardinality(shards)]);
	r record;
BEGIN
	IF max_results IS NULL OR max_results < 1 THEN
		RAISE EXCEPTION 'max_results must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF after_cursor IS NOT NULL THEN
		IF after_cursor !~ '^[0-9]{1,9}:[0-9]{1,18}(,[0-9]{1,9}:[0-9]{1,18})*$' THEN
			RAISE EXCEPTION 'invalid cursor for pdns_cluster.new_names_feed()'
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = format('The cursor is %L; a cursor is what a row of the feed returned.',
				                      left(after_cursor, 64));
		END IF;
		-- (a shard added since starts at its beginning)
		FOR r IN SELECT split_part(c, ':', 1)::integer AS id, split_part(c, ':', 2)::bigint AS seq
		         FROM unnest(string_to_array(after_cursor, ',')) c LOOP
			IF r.id = ANY (shards) THEN
				positions[r.id + 1] := r.seq;
			END IF;
		END LOOP;
	END IF;
	FOR r IN SELECT * FROM pdns_cluster._merged(shards, format(
		'SELECT x.shard, x.subject, x.first_seen, x.rrname, x.rrtype, x.rdata, x.seq '
		'FROM (SELECT t.*, row_number() OVER (PARTITION BY t.shard ORDER BY t.seq) AS turn '
		'      FROM pdns_cluster._new_names_on($1, %L::bigint[], %L::integer, %L::boolean, %L::text) t) x '
		'ORDER BY x.turn, x.shard LIMIT %2$L::integer', positions, max_results, domains, sensor))
		AS t(shard integer, subject pdns.dnsname, first_seen timestamptz, rrname pdns.dnsname,
		     rrtype pdns.rrtype, rdata pdns.rrset, seq bigint) LOOP
		positions[r.shard + 1] := r.seq;
		subject := r.subject;
		first_seen := r.first_seen;
		rrname := r.rrname;
		rrtype := r.rrtype;
		rdata := r.rdata;
		"cursor" := array_to_string(ARRAY(SELECT s || ':' || positions[s + 1] FROM unnest(shards) s), ',');
		RETURN NEXT;
	END LOOP;
END
$$;
COMMENT ON FUNCTION new_names_feed(text, integer, boolean, text) IS
	'first sightings of names (or registered domains) over every shard, each shard''s in the order recorded, after a cursor: each exactly once';
