-- The install script of pdns_cluster 0.1 as released (generated from
-- src/cluster/*.sql at commit 437c83b), kept so that an installed 0.1 can be
-- updated with ALTER EXTENSION pdns_cluster UPDATE and the update tested
-- (test/t/005_update.pl).  Never edit it: changes go into src/cluster and
-- an update script.
\echo Use "CREATE EXTENSION pdns_cluster VERSION '0.1'" to load this file. \quit

-- src/cluster/10_topology.sql
-- The cluster's shape: its shards, the slots that route a registered
-- domain to one of them, and the two ways the coordinator reaches them
-- (docs/scale-out.md).
--
-- Every shard is a PostgreSQL server (or database) with pdns, which stores
-- the RRsets whose owners hash to its slots: their all-time tier, their
-- per-period tiers and their rdata index.  A registered domain (the Public
-- Suffix List's, pdns.registered_domain()) hashes to one of 1024 slots,
-- and the slot map says which shard holds it: the names under one
-- registered domain live together, so `*.example.com` reads one shard.
-- Lookups by rdata (an address, a name server) cannot know where their
-- RRsets' owners live and ask every shard (docs/scale-out.md says why the
-- rdata index is not sharded by value).
--
-- The coordinator reaches the shards in two ways, both PostgreSQL's own:
--  * PL/Proxy (cluster pdns_cluster, an SQL/MED server whose partitions
--    p0 ... pN-1 are the shards in the order of their ids) for lookups:
--    a function call runs on one shard, or on all at once;
--  * postgres_fdw (a server pdns_shard_NAME per shard) for ingestion: the
--    lines of a COPY are inserted into each shard's pdns.native_in within
--    the coordinator's transaction, so a COPY that fails anywhere leaves
--    nothing anywhere.

CREATE TABLE shards (
	id integer PRIMARY KEY CHECK (id >= 0),
	name text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
	host text NOT NULL,
	port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
	dbname text NOT NULL,
	login text,
	added timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN shards.login IS
	'the role the coordinator logs in as on the shard (NULL: the role of each query, PL/Proxy''s default)';
COMMENT ON TABLE shards IS 'the shards, numbered from 0 in the order they were added (PL/Proxy''s partitions)';

CREATE TABLE slots (
	slot integer PRIMARY KEY CHECK (slot >= 0 AND slot < 1024),
	shard_id integer NOT NULL REFERENCES shards (id)
);
COMMENT ON TABLE slots IS 'which shard holds the registered domains that hash to each of the 1024 slots';

-- One row: whether lines were ever routed (after which adding a shard no
-- longer moves slots by itself: their rows would stay behind).
CREATE TABLE state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	first_routed timestamptz
);
INSERT INTO state DEFAULT VALUES;

-- The slot of a name: its registered domain (the name itself when it has
-- none: a public suffix, a name under no listed suffix), hashed with
-- FNV-1a into 0 ... 1023; NULL for text that is not a name.
CREATE FUNCTION slot_of(name text) RETURNS integer
	AS '$libdir/pdns', 'pdns_cluster_slot' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION slot_of(text) IS 'the slot (0 to 1023) of a name''s registered domain; NULL if not a name';

CREATE FUNCTION shard_of(name text) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT s.shard_id FROM pdns_cluster.slots s WHERE s.slot = pdns_cluster.slot_of(name);
END;
COMMENT ON FUNCTION shard_of(text) IS 'the id of the shard that holds a name''s RRsets (NULL if not a name)';

-- PL/Proxy's cluster: the shards' connection strings in the order of
-- their ids, any number of them (modular_mapping: a call RUN ON n goes to
-- partition n).
-- (Values quoted as libpq wants them: in single quotes, with backslashes
-- before quotes and backslashes.)
CREATE FUNCTION _conninfo_value(v text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
BEGIN ATOMIC
	SELECT '''' || replace(replace(v, '\', '\\'), '''', '\''') || '''';
END;

CREATE FUNCTION _conninfo(s pdns_cluster.shards) RETURNS text
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT format('host=%s port=%s dbname=%s', pdns_cluster._conninfo_value(s.host), s.port,
	              pdns_cluster._conninfo_value(s.dbname))
	       || coalesce(' user=' || pdns_cluster._conninfo_value(s.login), '');
END;

CREATE FUNCTION _refresh_proxy() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (the drop's cascade to the user mapping)
AS $$
DECLARE
	partitions text;
BEGIN
	SELECT string_agg(format('p%s %L', s.id, pdns_cluster._conninfo(s)), ', ' ORDER BY s.id)
	INTO partitions FROM pdns_cluster.shards s;
	DROP SERVER IF EXISTS pdns_cluster CASCADE;
	EXECUTE format('CREATE SERVER pdns_cluster FOREIGN DATA WRAPPER plproxy '
	               'OPTIONS (modular_mapping %L, %s)', '1', partitions);
	CREATE USER MAPPING FOR PUBLIC SERVER pdns_cluster;
	GRANT USAGE ON FOREIGN SERVER pdns_cluster TO pdns_analyst, pdns_ingest;
END
$$;

-- Add a shard: a server with pdns (its store empty or holding exactly the
-- slots it is given).  While nothing was routed yet, the slots are spread
-- over all the shards again (slot modulo the number of shards); after,
-- the new shard holds no slot until one is moved to it (docs/scale-out.md).
-- login: the role the coordinator logs in as on the shard, whoever asks
-- on the coordinator (who may ask what is decided there); NULL: each
-- query's own role, which must then be able to log in on the shard.
CREATE FUNCTION add_shard(name text, host text, port integer, dbname text, login text DEFAULT NULL)
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
	-- (postgres_fdw binds 12 parameters a line, at most 65535 a statement)
	EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw '
	               'OPTIONS (host %L, port %L, dbname %L, options %L, batch_size %L)',
	               server, add_shard.host, add_shard.port::text, add_shard.dbname,
	               '-c pdns.compaction=background', '5000');
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
	PERFORM pdns_cluster._refresh_proxy();
	IF (SELECT first_routed IS NULL FROM pdns_cluster.state) THEN
		DELETE FROM pdns_cluster.slots;
		INSERT INTO pdns_cluster.slots (slot, shard_id)
		SELECT g, g % (new_id + 1) FROM generate_series(0, 1023) g;
	END IF;
	RETURN new_id;
END
$$;
COMMENT ON FUNCTION add_shard(text, text, integer, text, text) IS
	'add a pdns server as a shard (host, port, database, and the role to log in as); returns its id';

-- Point a shard at another server holding its data (a restored dump, a
-- promoted replica: docs/scale-out.md, "Moving a shard"); its slots stay.
CREATE FUNCTION move_shard(name text, host text, port integer, dbname text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE pdns_cluster.shards s
	SET host = move_shard.host, port = move_shard.port, dbname = move_shard.dbname
	WHERE s.name = move_shard.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shard is named "%"', move_shard.name
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The shards are listed in pdns_cluster.shards.';
	END IF;
	EXECUTE format('ALTER SERVER %I OPTIONS (SET host %L, SET port %L, SET dbname %L)',
	               'pdns_shard_' || move_shard.name, move_shard.host, move_shard.port::text,
	               move_shard.dbname);
	PERFORM pdns_cluster._refresh_proxy();
END
$$;
COMMENT ON FUNCTION move_shard(text, text, integer, text) IS
	'point a shard at another server that holds its data (host, port, database)';

-- Only the extension's owner (a superuser) shapes the cluster.
REVOKE EXECUTE ON FUNCTION add_shard(text, text, integer, text, text),
	move_shard(text, text, integer, text), _refresh_proxy() FROM PUBLIC;

-- Analysts look up, ingesting roles COPY, through the coordinator
-- (the foreign tables of each shard: add_shard()).
GRANT USAGE ON SCHEMA pdns_cluster TO pdns_analyst, pdns_ingest;
GRANT SELECT ON shards, slots TO pdns_analyst, pdns_ingest;
GRANT SELECT, UPDATE ON state TO pdns_ingest;

-- src/cluster/20_ingest.sql
-- Ingestion through the coordinator (docs/scale-out.md): COPY into
-- pdns_cluster.ingest_text (raw native lines, as pdns.ingest_text takes
-- them) or pdns_cluster.native_in (the twelve columns of pdns.native_in).
-- Each line goes to the shard of its owner's registered domain: it waits
-- in that shard's batch on the coordinator, and the batch is inserted into
-- the same target on that shard through postgres_fdw (in statements of up
-- to 5000 lines), in this transaction.
-- postgres_fdw commits the shards' transactions when this one commits, so
-- a COPY that fails on any shard (a shard killed mid-COPY) leaves nothing
-- on any shard, and the sensor sends its batch again: nothing is counted
-- twice.  The shards only append runs; their own compaction merges them.
-- A line whose owner is not a name goes to shard 0, which rejects it with
-- its reason, as one server would; a line that names no sensor gets this
-- session's pdns.sensor (the shards' sessions have none).

CREATE VIEW ingest_text AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW ingest_text IS
	'COPY target on the coordinator: native lines, each sent to the shard of its owner (docs/scale-out.md)';

CREATE VIEW native_in AS
SELECT NULL::text AS time, NULL::text AS sensor, NULL::text AS client, NULL::text AS server,
       NULL::text AS rrname, NULL::text AS rrtype, NULL::text AS class, NULL::text AS ttl,
       NULL::text AS rdata, NULL::text AS bailiwick, NULL::text AS count, NULL::text AS rcode
WHERE false;
COMMENT ON VIEW native_in IS
	'COPY target on the coordinator: the native layout in columns, each line sent to the shard of its owner';

-- The triggers (src/pg/cluster_route.c): each row goes into its shard's
-- batch, and a batch is sent when it holds pdns.cluster_batch_size (8 MB)
-- and when the statement ends.
CREATE FUNCTION _route_row() RETURNS trigger
	AS '$libdir/pdns', 'pdns_cluster_route_row' LANGUAGE C;
CREATE FUNCTION _route_send() RETURNS trigger
	AS '$libdir/pdns', 'pdns_cluster_route_send' LANGUAGE C;

CREATE TRIGGER route INSTEAD OF INSERT ON ingest_text FOR EACH ROW
	EXECUTE FUNCTION _route_row();
CREATE TRIGGER route_send AFTER INSERT ON ingest_text FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();
CREATE TRIGGER route INSTEAD OF INSERT ON native_in FOR EACH ROW
	EXECUTE FUNCTION _route_row();
CREATE TRIGGER route_send AFTER INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();

GRANT INSERT ON ingest_text, native_in TO pdns_ingest;

-- src/cluster/30_lookup.sql
-- The lookups on the coordinator (docs/scale-out.md): the signatures and
-- answers of pdns's, over every shard.  Each asks the shards that can hold
-- its answer, through PL/Proxy, in parallel: the shard of the owner's
-- registered domain for a name or "*.domain" at or below a registered
-- domain; every shard for the rest and for lookups by rdata.  Each shard
-- answers with its first max_results rows in the lookup's order (its rows
-- after the cursor), and the coordinator keeps the first max_results of
-- them all in the same order: an RRset lives on one shard, so rows need no
-- merging, and a row's cursor pages every shard alike.
--
-- A shard that does not answer makes the lookup fail with an error that
-- names it; with pdns_cluster.partial_answers = on, the lookup answers
-- from the others instead, with a warning naming the missing shards and
-- every row marked truncated.

-- PL/Proxy's partitions for a set of shard ids.
CREATE FUNCTION _targets(shards integer[]) RETURNS SETOF integer
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT unnest(shards);
END;

CREATE FUNCTION all_shards() RETURNS integer[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT coalesce(array_agg(s.id ORDER BY s.id), '{}') FROM pdns_cluster.shards s;
END;
COMMENT ON FUNCTION all_shards() IS 'the ids of every shard';

-- Does a shard answer?
CREATE FUNCTION _ping(shard integer) RETURNS integer
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON shard;
	SELECT 1;
$$;

-- The partition of one shard id (a SPLIT array's element).
CREATE FUNCTION _target(shard integer) RETURNS integer
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT shard;
END;

-- Which of the shards know a sensor (it has lines there): each shard is
-- sent its own id, and answers it if it knows the sensor.
CREATE FUNCTION _sensor_known(shards integer[], sensor text) RETURNS SETOF integer
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	SPLIT shards;
	RUN ON pdns_cluster._target(shards);
	SELECT s FROM unnest(shards) s WHERE EXISTS (SELECT FROM pdns.sensors x WHERE x.name = sensor);
$$;

-- The shards to ask for a lookup filtered by a sensor: those of the
-- lookup's that know the sensor (the others would answer nothing), and
-- those that did not answer whether they do (partial answers: the lookup
-- finds them missing too, and says so); an error, as on one server, when no
-- shard knows it.
CREATE FUNCTION _sensor_shards(shards integer[], sensor text) RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	asked integer[] := pdns_cluster.all_shards();
	answering integer[] := asked;
	knowing integer[];
	detail text;
	hint text;
BEGIN
	LOOP
		BEGIN
			knowing := ARRAY(SELECT pdns_cluster._sensor_known(answering, sensor));
			EXIT;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			answering := pdns_cluster._after_failure(answering, SQLSTATE, SQLERRM, detail, hint, false);
		END;
	END LOOP;
	IF cardinality(knowing) = 0 AND cardinality(answering) = cardinality(asked) THEN
		RAISE EXCEPTION 'no sensor is named "%"', sensor
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A lookup''s sensor filter names a sensor of pdns.sensors.';
	END IF;
	RETURN ARRAY(SELECT x FROM unnest(shards) x WHERE x = ANY (knowing) OR x <> ALL (answering) ORDER BY x);
END
$$;

-- After a failed call to some shards: the error again when every shard
-- answers (it came from a shard's lookup: as one server would raise it,
-- without PL/Proxy's prefix); else an error naming the shards that do
-- not, or, when the caller allows partial answers, a warning naming them
-- and the shards left to ask.
CREATE FUNCTION _after_failure(shards integer[], state text, message text, detail text, hint text,
	warn boolean DEFAULT true)
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
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

-- src/cluster/31_lookup_functions.sql
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
	w record := pdns._wildcard(owner);
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._lookup('rrset', CASE WHEN w.kind = 'prefix' THEN 'prefix' ELSE 'name' END,
		CASE WHEN w.kind = 'exact' OR (w.kind = 'below' AND pdns.registered_domain(w.name) IS NOT NULL)
		     THEN ARRAY[pdns_cluster.shard_of(w.name::text)]
		     ELSE pdns_cluster.all_shards() END,
		owner, rrtype, bailiwick, time_first_before, time_first_after, time_last_before,
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

-- What reads the coordinator's own store, which is empty, refuses
-- (pdns-api's explorer volume with lookups = cluster).
CREATE FUNCTION not_across_shards(what text) RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION '% is not answered across shards yet', what
		USING ERRCODE = 'feature_not_supported',
		      DETAIL = 'A pdns_cluster coordinator answers the lookups (docs/scale-out.md).';
END
$$;
