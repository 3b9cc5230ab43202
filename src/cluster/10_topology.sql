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

-- When lines were first routed (after which adding a shard no longer
-- moves slots by itself: their rows would stay behind): one row, made
-- then.
CREATE TABLE state (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	first_routed timestamptz
);

-- What the coordinator knows is in these tables (the rest is made from
-- them): pg_dump dumps their rows.
SELECT pg_catalog.pg_extension_config_dump('shards', '');
SELECT pg_catalog.pg_extension_config_dump('slots', '');
SELECT pg_catalog.pg_extension_config_dump('state', '');

-- The slot of a name: its registered domain (the name itself when it has
-- none: a public suffix, a name under no listed suffix), hashed with
-- FNV-1a into 0 ... 1023; NULL for text that is not a name.
CREATE FUNCTION slot_of(name text) RETURNS integer
	AS '$libdir/pdns', 'pdns_cluster_slot' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION slot_of(text) IS 'the slot (0 to 1023) of a name''s registered domain; NULL if not a name';

-- (PL/pgSQL: its plan is kept for the session, which a SQL function's is
-- not; lookup_rrset() has its query in place.)
CREATE FUNCTION shard_of(name text) RETURNS integer
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT s.shard_id FROM pdns_cluster.slots s WHERE s.slot = pdns_cluster.slot_of(name));
END
$$;
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

-- The options of a PL/Proxy cluster of the shards, logging in as login
-- (NULL: each shard's own).
CREATE FUNCTION _proxy_options(login text) RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT format('modular_mapping %L, ', '1')
	       || string_agg(format('p%s %L', s.id, pdns_cluster._conninfo(
	                         ROW(s.id, s.name, s.host, s.port, s.dbname, coalesce(_proxy_options.login, s.login),
	                             s.added)::pdns_cluster.shards)),
	                     ', ' ORDER BY s.id)
	FROM pdns_cluster.shards s;
END;

CREATE FUNCTION _refresh_proxy() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (the drop's cascade to the user mapping)
AS $$
BEGIN
	DROP SERVER IF EXISTS pdns_cluster CASCADE;
	EXECUTE format('CREATE SERVER pdns_cluster FOREIGN DATA WRAPPER plproxy OPTIONS (%s)',
	               pdns_cluster._proxy_options(NULL));
	CREATE USER MAPPING FOR PUBLIC SERVER pdns_cluster;
	GRANT USAGE ON FOREIGN SERVER pdns_cluster TO pdns_analyst, pdns_ingest;
END
$$;

-- What add_shard() makes for a shard (its server, user mapping and
-- foreign tables) is made after CREATE EXTENSION, so it is not part of
-- the extension, and DROP EXTENSION pdns_cluster leaves it.  When a shard
-- of the same name is added again (to the extension made anew), the
-- server left behind is dropped, with all that was made on it.  A server
-- of that name that add_shard() did not make is refused.
CREATE FUNCTION _drop_left_server(server name) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made_here boolean := (SELECT w.fdwname = 'postgres_fdw'
	                             AND coalesce(s.srvoptions, '{}') @> ARRAY['options=-c pdns.compaction=background',
	                                                                       'extensions=pdns']
	                      FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
	                      WHERE s.srvname = server);
BEGIN
	IF made_here IS NULL THEN
		RETURN;
	ELSIF NOT made_here THEN
		RAISE EXCEPTION 'server "%" exists, and pdns_cluster did not make it', server
			USING ERRCODE = 'duplicate_object',
			      DETAIL = 'add_shard() names a shard''s server "pdns_shard_" and the shard''s name, and makes it '
			               'with postgres_fdw and options of its own, which this server does not have.',
			      HINT = 'Drop or rename that server, or add the shard under another name.';
	END IF;
	RAISE NOTICE 'dropping server "%", left by an earlier pdns_cluster, with its user mappings and foreign tables',
		server;
	PERFORM set_config('client_min_messages', 'warning', true);	-- (not each object; undone on return)
	EXECUTE format('DROP SERVER %I CASCADE', server);
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
	IF NOT EXISTS (SELECT FROM pdns_cluster.shards s WHERE s.name = add_shard.name) THEN
		PERFORM pdns_cluster._drop_left_server(server);	-- (before the insert, whose trigger would make views of what was left)
	END IF;
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
	IF NOT EXISTS (SELECT FROM pdns_cluster.state WHERE first_routed IS NOT NULL) THEN
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
GRANT SELECT, INSERT, UPDATE ON state TO pdns_ingest;
