-- pdns_cluster 0.4 -> 0.5 (docs/scale-out.md): a coordinator restored
-- from pg_dump works (its shards, slot map and state are dumped, and its
-- views are made again when pg_restore brings the shards); add_shard()
-- drops the server a shard of the same name had before DROP EXTENSION
-- pdns_cluster (with its user mappings and foreign tables), instead of
-- failing on it.
\echo Use "ALTER EXTENSION pdns_cluster UPDATE" to load this file. \quit

-- (state's row is now made by the first routing: a restore brings it)
DELETE FROM state WHERE first_routed IS NULL;
GRANT INSERT ON state TO pdns_ingest;

-- What the coordinator knows is in these tables (the rest is made from
-- them): pg_dump dumps their rows.
SELECT pg_catalog.pg_extension_config_dump('shards', '');
SELECT pg_catalog.pg_extension_config_dump('slots', '');
SELECT pg_catalog.pg_extension_config_dump('state', '');

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

-- Every view and table of pdns that each shard's foreign tables
-- (pdns_cluster.<view>_<shard>) read.
CREATE FUNCTION _view_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT pdns_cluster._cluster_views() || pdns_cluster._cluster_sums() || pdns_cluster._cluster_per_sensor();
END;

-- A shard's views as foreign tables pdns_cluster.<view>_<shard>.
CREATE OR REPLACE FUNCTION _add_view_tables(shard text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._view_tables() LOOP
		-- (those it has already: a shard added before an update brought more)
		CONTINUE WHEN to_regclass(format('pdns_cluster.%I', v || '_' || shard)) IS NOT NULL;
		EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
		               v || '_' || shard, pdns_cluster._view_columns(v), 'pdns_shard_' || shard, 'pdns', v);
	END LOOP;
END
$$;

-- A coordinator restored from pg_dump: pg_restore makes the extension
-- (these views reading no shard), then the servers and foreign tables
-- add_shard() made, then the rows of pdns_cluster.shards, when the views
-- are made again.  (add_shard() inserts its shard before it makes the
-- shard's foreign tables, and makes the views itself.)
CREATE FUNCTION _shards_inserted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM pdns_cluster.shards s, unnest(pdns_cluster._view_tables()) v
	               WHERE to_regclass(format('pdns_cluster.%I', v || '_' || s.name)) IS NULL) THEN
		PERFORM pdns_cluster._refresh_views();
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER views AFTER INSERT ON shards FOR EACH STATEMENT EXECUTE FUNCTION _shards_inserted();
