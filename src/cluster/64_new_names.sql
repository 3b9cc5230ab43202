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
