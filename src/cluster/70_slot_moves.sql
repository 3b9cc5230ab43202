-- Moving slots, with their rows, from shard to shard (docs/scale-out.md,
-- "Adding a shard"): how a shard added after the first line takes its
-- share of the store.
--
-- A move holds routing still (the routers lock pdns_cluster.state the
-- other way: src/pg/cluster_route.c), lets each source shard compact what
-- it was sent, then, within this transaction, copies every row of the
-- slots' registered domains from the source to the target through
-- postgres_fdw, deletes them from the source, and gives the slots to the
-- target.  postgres_fdw commits both shards with the coordinator, so a
-- move that fails anywhere leaves every row where it was.  The rows are
-- picked on the source by pdns.slot_of() of the name they are about;
-- sensors are numbered per shard, so their ids are mapped by name.
--
-- Kept on the source: the per-type and per-sensor rollups (the cluster
-- sums those of every shard and unites their sketches, so the total stays
-- exact), the rejects, and the search values other RRsets there hold.

-- The calls a move makes on a shard itself, in transactions of their own,
-- through PL/Proxy cluster pdns_cluster_move (move_slots() makes it for
-- the move, logging in as the move's login).
CREATE FUNCTION _move_compact(shard integer) RETURNS bigint
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster_move';
	RUN ON shard;
	SELECT pdns._compact_step(2000000);
$$;

CREATE FUNCTION _move_pending(shard integer) RETURNS bigint
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster_move';
	RUN ON shard;
	SELECT count(*) FROM pdns.runs;
$$;

CREATE FUNCTION _move_partitions(shard integer, parent text, periods timestamptz[]) RETURNS bigint
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster_move';
	RUN ON shard;
	SELECT count(*) FROM pdns._partitions(parent::regclass, periods);
$$;

-- The store's tables a move copies, and how a table's rows of the slots
-- are found on the source (%1$I: the source's schema, %2$L: the slots):
-- by the name of the row, or by that of its RRset.  searchable_rdata: the
-- values the slots' RRsets hold (the target may hold some already).
-- deleted: how the move deletes them from the source, RRsets last; NULL:
-- they go with their RRsets (pdns._rrsets_deleted()).
CREATE FUNCTION _move_tables(OUT name text, OUT picked text, OUT deleted text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT t.name, t.picked, t.deleted
	FROM (VALUES
		(1, 'rrsets', 'FROM %1$I.rrsets x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)',
		 'DELETE FROM %1$I.rrsets x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)'),
		(2, 'rrset_sensors', 'FROM %1$I.rrset_sensors x JOIN %1$I.rrsets r ON r.key = x.rrset_key
		                      WHERE pdns.slot_of(r.rrname) = ANY (%2$L)', NULL),
		(3, 'rdata_addresses', 'FROM %1$I.rdata_addresses x JOIN %1$I.rrsets r ON r.key = x.rrset_key
		                        WHERE pdns.slot_of(r.rrname) = ANY (%2$L)', NULL),
		(4, 'rdata_names', 'FROM %1$I.rdata_names x JOIN %1$I.rrsets r ON r.key = x.rrset_key
		                    WHERE pdns.slot_of(r.rrname) = ANY (%2$L)', NULL),
		(5, 'rdata_elements', 'FROM %1$I.rdata_elements x JOIN %1$I.rrsets r ON r.key = x.rrset_key
		                       WHERE pdns.slot_of(r.rrname) = ANY (%2$L)', NULL),
		(6, 'observations', 'FROM %1$I.observations x JOIN %1$I.rrsets r ON r.key = x.rrset_key
		                     WHERE pdns.slot_of(r.rrname) = ANY (%2$L)',
		 'DELETE FROM %1$I.observations x USING %1$I.rrsets r
		  WHERE r.key = x.rrset_key AND pdns.slot_of(r.rrname) = ANY (%2$L)'),
		(7, 'negative_observations', 'FROM %1$I.negative_observations x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)',
		 'DELETE FROM %1$I.negative_observations x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)'),
		(8, 'client_counts', 'FROM %1$I.client_counts x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)',
		 'DELETE FROM %1$I.client_counts x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)'),
		(9, 'client_observations', 'FROM %1$I.client_observations x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)',
		 'DELETE FROM %1$I.client_observations x WHERE pdns.slot_of(x.rrname) = ANY (%2$L)'),
		(10, 'negative_domains', 'FROM %1$I.negative_domains x WHERE pdns.slot_of(x.domain) = ANY (%2$L)',
		 'DELETE FROM %1$I.negative_domains x WHERE pdns.slot_of(x.domain) = ANY (%2$L)'),
		(11, 'domain_rollups', 'FROM %1$I.domain_rollups x WHERE pdns.slot_of(x.domain) = ANY (%2$L)',
		 'DELETE FROM %1$I.domain_rollups x WHERE pdns.slot_of(x.domain) = ANY (%2$L)'),
		(12, 'domain_month_rollups', 'FROM %1$I.domain_month_rollups x WHERE pdns.slot_of(x.domain) = ANY (%2$L)',
		 'DELETE FROM %1$I.domain_month_rollups x WHERE pdns.slot_of(x.domain) = ANY (%2$L)'),
		(13, 'first_sightings', 'FROM %1$I.first_sightings x WHERE pdns.slot_of(x.subject) = ANY (%2$L)',
		 'DELETE FROM %1$I.first_sightings x WHERE pdns.slot_of(x.subject) = ANY (%2$L)'),
		(14, 'searchable_names', 'FROM %1$I.searchable_names x WHERE pdns.slot_of(x.name) = ANY (%2$L)', NULL),
		(15, 'searchable_rdata', 'FROM %1$I.searchable_rdata x
		                          JOIN %1$I.rdata_elements e ON e.hash = x.hash
		                          JOIN %1$I.rrsets r ON r.key = e.rrset_key AND r.rrtype OPERATOR(public.=) x.rrtype
		                          WHERE pdns.contains_element(r.rdata, x.octets)
		                            AND pdns.slot_of(r.rrname) = ANY (%2$L)', NULL)
	) t(n, name, picked, deleted)
	ORDER BY t.n;
END;

-- Log in as login (NULL: the shards' own) for the move: PL/Proxy cluster
-- pdns_cluster_move, and postgres_fdw user mappings of this role.
CREATE FUNCTION _move_connect(login text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s pdns_cluster.shards;
BEGIN
	EXECUTE format('CREATE SERVER pdns_cluster_move FOREIGN DATA WRAPPER plproxy OPTIONS (%s)',
	               pdns_cluster._proxy_options(login));
	CREATE USER MAPPING FOR CURRENT_USER SERVER pdns_cluster_move;
	IF login IS NOT NULL THEN
		FOR s IN SELECT * FROM pdns_cluster.shards LOOP
			EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L, password_required %L)',
			               'pdns_shard_' || s.name, login, 'false');
		END LOOP;
	END IF;
END
$$;

CREATE FUNCTION _move_disconnect(login text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (the drop's cascade to the user mapping)
AS $$
DECLARE
	s pdns_cluster.shards;
BEGIN
	DROP SERVER pdns_cluster_move CASCADE;
	IF _move_disconnect.login IS NOT NULL THEN
		FOR s IN SELECT * FROM pdns_cluster.shards LOOP
			EXECUTE format('DROP USER MAPPING FOR CURRENT_USER SERVER %I', 'pdns_shard_' || s.name);
		END LOOP;
	END IF;
END
$$;

-- Wait until a shard has compacted every run it was sent (nothing more
-- comes while routing waits): compact what nobody else is compacting,
-- then wait for the rest, at most wait.
CREATE FUNCTION _move_drain(shard pdns_cluster.shards, wait interval) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	started timestamptz := clock_timestamp();
	pending bigint;
BEGIN
	LOOP
		WHILE pdns_cluster._move_compact(shard.id) > 0 LOOP
		END LOOP;
		pending := pdns_cluster._move_pending(shard.id);
		EXIT WHEN pending = 0;
		IF clock_timestamp() - started > wait THEN
			RAISE EXCEPTION 'shard "%" still has % runs waiting for compaction', shard.name, pending
				USING ERRCODE = 'lock_not_available',
				      DETAIL = format('A move waits %s for them (move_slots(..., wait => ...)).', wait),
				      HINT = 'See pdns.ingest_status on that shard.';
		END IF;
		PERFORM pg_sleep(0.05);
	END LOOP;
END
$$;

-- Copy the rows of slots from one shard to another, then delete them from
-- the first (postgres_fdw, in this transaction); returns the RRsets moved.
CREATE FUNCTION _move_rows(source pdns_cluster.shards, target pdns_cluster.shards, slots integer[])
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (the drops' cascades)
AS $$
DECLARE
	f name := 'pdns_cluster_move_from';
	t name := 'pdns_cluster_move_to';
	tbl record;
	cols text;
	picks text;
	periods timestamptz[];
	moved bigint;
BEGIN
	EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', f);
	EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', t);
	EXECUTE format('CREATE SCHEMA %I', f);
	EXECUTE format('CREATE SCHEMA %I', t);
	FOR tbl IN SELECT * FROM (VALUES (f, source.name), (t, target.name)) x(schema, shard) LOOP
		EXECUTE format('IMPORT FOREIGN SCHEMA pdns LIMIT TO (%s, sensors) FROM SERVER %I INTO %I',
		               (SELECT string_agg(quote_ident(m.name), ', ') FROM pdns_cluster._move_tables() m),
		               'pdns_shard_' || tbl.shard, tbl.schema);
	END LOOP;
	-- (the source's own estimates: its joins and deletes go there whole)
	FOR tbl IN SELECT m.name FROM pdns_cluster._move_tables() m LOOP
		EXECUTE format('ALTER FOREIGN TABLE %I.%I OPTIONS (ADD use_remote_estimate %L)', f, tbl.name, 'true');
	END LOOP;
	-- (the target numbers the sightings after its own: its new-names feed
	-- lists them again, in their order)
	EXECUTE format('ALTER FOREIGN TABLE %I.first_sightings DROP COLUMN seq', t);
	-- The source's sensors the target does not know yet, numbered there;
	-- then each source id's target id.
	EXECUTE format('CREATE FOREIGN TABLE %I.sensors_new (name text, first_seen timestamptz) '
	               'SERVER %I OPTIONS (schema_name %L, table_name %L)',
	               t, 'pdns_shard_' || target.name, 'pdns', 'sensors');
	EXECUTE format('INSERT INTO %1$I.sensors_new (name, first_seen) '
	               'SELECT s.name, s.first_seen FROM %2$I.sensors s '
	               'WHERE s.name NOT IN (SELECT x.name FROM %1$I.sensors x) ORDER BY s.id', t, f);
	DROP TABLE IF EXISTS pg_temp.pdns_cluster_move_sensors;
	EXECUTE format('CREATE TEMP TABLE pdns_cluster_move_sensors ON COMMIT DROP AS '
	               'SELECT s.id AS from_id, x.id AS to_id FROM %I.sensors s JOIN %I.sensors x ON x.name = s.name',
	               f, t);
	-- The target's partitions for the source's periods of the slots.
	FOR tbl IN SELECT m.name, m.picked FROM pdns_cluster._move_tables() m
	           WHERE ('pdns.' || m.name)::regclass IN (SELECT pdns.partitioned_tables()) LOOP
		EXECUTE format('SELECT array_agg(DISTINCT x.period) ' || tbl.picked, f, slots) INTO periods;
		IF periods IS NOT NULL THEN
			PERFORM pdns_cluster._move_partitions(target.id, 'pdns.' || tbl.name, periods);
		END IF;
	END LOOP;
	FOR tbl IN SELECT m.name, m.picked FROM pdns_cluster._move_tables() m LOOP
		SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),
		       string_agg(CASE WHEN a.attname = 'sensor_id' THEN 'm.to_id' ELSE 'x.' || quote_ident(a.attname) END,
		                  ', ' ORDER BY a.attnum)
		INTO cols, picks
		FROM pg_attribute a
		WHERE a.attrelid = format('%I.%I', t, tbl.name)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
		EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s%s %s %s',
		               t, tbl.name, cols,
		               CASE WHEN tbl.name = 'searchable_rdata' THEN 'DISTINCT ' ELSE '' END, picks,
		               replace(format(tbl.picked, f, slots), ' WHERE ',
		                       CASE WHEN cols LIKE '%sensor_id%'
		                            THEN ' LEFT JOIN pg_temp.pdns_cluster_move_sensors m ON m.from_id = x.sensor_id WHERE '
		                            ELSE ' WHERE ' END),
		               CASE WHEN tbl.name = 'first_sightings' THEN 'ORDER BY x.seq'
		                    WHEN tbl.name = 'searchable_rdata' THEN 'ON CONFLICT DO NOTHING'
		                    ELSE '' END);
		IF tbl.name = 'rrsets' THEN
			GET DIAGNOSTICS moved = ROW_COUNT;
		END IF;
	END LOOP;
	-- Gone from the source: the RRsets last (the rows found through them
	-- first).  (Pushed down whole: postgres_fdw deletes no row of these
	-- partitioned tables by its ctid.)
	FOR tbl IN SELECT m.name, m.deleted FROM pdns_cluster._move_tables() m
	           WHERE m.deleted IS NOT NULL ORDER BY m.name = 'rrsets' LOOP
		EXECUTE format(tbl.deleted, f, slots);
	END LOOP;
	EXECUTE format('DROP SCHEMA %I CASCADE', f);
	EXECUTE format('DROP SCHEMA %I CASCADE', t);
	RETURN moved;
END
$$;

-- Move slots, with their rows, to a shard: typically a shard added after
-- the first line was routed, which holds no slot until then.  login: the
-- role to log in as on the shards for the move (it writes their stores:
-- their owner, or a superuser); NULL: the shards' login.  wait: how long
-- a source shard may take to compact what it was sent before (NULL: as
-- long as it takes).  Returns a row per source shard: its slots moved and
-- their RRsets.
CREATE FUNCTION move_slots(slots integer[], to_shard text, login text DEFAULT NULL,
	wait interval DEFAULT '10 minutes')
RETURNS TABLE (from_shard text, moved_slots integer[], rrsets bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	target pdns_cluster.shards;
	source pdns_cluster.shards;
BEGIN
	IF slots IS NULL OR cardinality(slots) = 0 OR array_position(slots, NULL) IS NOT NULL
	   OR EXISTS (SELECT FROM unnest(slots) x WHERE x NOT BETWEEN 0 AND 1023) THEN
		RAISE EXCEPTION 'slots must be numbers from 0 to 1023'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('move_slots() was given %s.', coalesce(slots::text, 'NULL'));
	END IF;
	SELECT * INTO target FROM pdns_cluster.shards s WHERE s.name = to_shard;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no shard is named "%"', to_shard
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The shards are listed in pdns_cluster.shards.';
	END IF;
	-- Routing waits until this transaction ends, and this waits for what
	-- was routed by the old map; one move at a time.
	LOCK TABLE pdns_cluster.state IN SHARE ROW EXCLUSIVE MODE;
	PERFORM pdns_cluster._move_connect(login);
	FOR source IN SELECT s.* FROM pdns_cluster.shards s
	              WHERE s.id <> target.id
	                AND EXISTS (SELECT FROM pdns_cluster.slots x
	                            WHERE x.shard_id = s.id AND x.slot = ANY (move_slots.slots))
	              ORDER BY s.id LOOP
		from_shard := source.name;
		moved_slots := ARRAY(SELECT x.slot FROM pdns_cluster.slots x
		                     WHERE x.shard_id = source.id AND x.slot = ANY (move_slots.slots) ORDER BY x.slot);
		PERFORM pdns_cluster._move_drain(source, wait);
		rrsets := pdns_cluster._move_rows(source, target, moved_slots);
		UPDATE pdns_cluster.slots x SET shard_id = target.id WHERE x.slot = ANY (moved_slots);
		RETURN NEXT;
	END LOOP;
	PERFORM pdns_cluster._move_disconnect(login);
END
$$;
COMMENT ON FUNCTION move_slots(integer[], text, text, interval) IS
	'move slots, with their rows, to a shard (login: the role that may write the shards'' stores)';

-- Only the extension's owner (a superuser) moves slots.
REVOKE EXECUTE ON FUNCTION move_slots(integer[], text, text, interval), _move_connect(text),
	_move_disconnect(text), _move_drain(pdns_cluster.shards, interval),
	_move_rows(pdns_cluster.shards, pdns_cluster.shards, integer[]),
	_move_compact(integer), _move_pending(integer), _move_partitions(integer, text, timestamptz[])
	FROM PUBLIC;
