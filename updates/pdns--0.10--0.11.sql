-- pdns 0.10 -> 0.11: search_rdata() filtered by a sensor no longer lists
-- values that sensor never saw (their rows had no first or last sighting
-- and the largest count) when it probes the values one by one.  The
-- distinct counts' HyperLogLog sketches are functions of their own
-- (names_on_sketch(), addresses_of_sketch(), names_per_block_sketches(),
-- and addresses_seen() for the exact count), which a pdns_cluster
-- coordinator unites over its shards; the counts are unchanged.
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

CREATE OR REPLACE FUNCTION rdata_matching(rx text, ex text DEFAULT NULL, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF search_rdata_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.rdata, m.rrtype, encode(m.octets, 'hex'), m.time_first, m.time_last, m.count,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(m.rdata, m.rrtype::integer::text)
	FROM (
		SELECT v.value AS rdata, v.rrtype, v.octets, a.time_first, a.time_last, a.count
		FROM (SELECT * FROM pdns.searchable_rdata v
		      WHERE v.value ~* rx
		        AND (ex IS NULL OR v.value !~* ex)
		        AND (types IS NULL OR v.rrtype = ANY (types))
		        AND (after_cursor IS NULL OR (v.value COLLATE "C", v.rrtype) >
		             (pdns._cursor_field(after_cursor, 1) COLLATE "C",
		              pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype))
		      ORDER BY v.value COLLATE "C", v.rrtype) v
		CROSS JOIN LATERAL (
			SELECT min(coalesce(ps.time_first, r.time_first)) AS time_first,
			       max(coalesce(ps.time_last, r.time_last)) AS time_last,
			       least(sum(coalesce(ps.count, r.count)), pdns.count_ceiling())::bigint AS count
			FROM pdns.rdata_elements e
			JOIN pdns.rrsets r ON r.key = e.rrset_key
			LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
			                   WHERE x.rrset_key = r.key AND x.sensor_id = rdata_matching.sensor_id
			                   LIMIT 1) ps ON true
			WHERE e.hash = v.hash AND r.rrtype = v.rrtype AND pdns.contains_element(r.rdata, v.octets)
			  AND (rdata_matching.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)) a
		-- (a value none of whose RRsets passed has no first sighting; its
		-- count is not NULL: least() skips a NULL sum)
		WHERE a.time_first IS NOT NULL
		  AND pdns._fenced(a.time_first, a.time_last, first_before, first_after, last_before, last_after)
		ORDER BY v.value COLLATE "C", v.rrtype
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) m
	ORDER BY m.rdata COLLATE "C", m.rrtype
	LIMIT max_results;
END;

-- Distinct owner names whose A or AAAA RRsets held an address in a network.
-- (Each estimate is the cardinality of a sketch that a function below
-- makes: pdns_cluster unites the shards' sketches into the one this
-- store would make.)
CREATE FUNCTION names_on_sketch(network inet) RETURNS hll
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT hll_add_agg(hll_hash_any(r.rrname))
	FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	WHERE a.address <<= network;
END;
COMMENT ON FUNCTION names_on_sketch(inet) IS
	'the HyperLogLog sketch of the owner names with an address in the network (names_on()''s estimate)';

CREATE OR REPLACE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(DISTINCT r.rrname)
	                  FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	                  WHERE a.address <<= network)
	            ELSE coalesce(round(hll_cardinality(names_on_sketch(network)))::bigint, 0) END;
END;
COMMENT ON FUNCTION names_on(inet, boolean) IS
	'distinct owner names with an address in the network (HyperLogLog estimate unless exact)';

-- Distinct addresses a name (or, below => true, the name and its subtree)
-- resolved to, in its A and AAAA RRsets.
CREATE FUNCTION addresses_seen(name dnsname, below boolean DEFAULT false) RETURNS SETOF inet
LANGUAGE sql STABLE PARALLEL SAFE
SET plan_cache_mode = force_custom_plan		-- (the subtree's range comes from the name)
BEGIN ATOMIC
	SELECT DISTINCT x.address
	FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	WHERE r.rrname <<= name AND (below OR r.rrname = name)
	  AND r.rrtype IN ('A', 'AAAA');
END;
COMMENT ON FUNCTION addresses_seen(dnsname, boolean) IS
	'the distinct addresses in the A and AAAA RRsets of a name or its subtree';

CREATE FUNCTION addresses_of_sketch(name dnsname, below boolean DEFAULT false) RETURNS hll
LANGUAGE sql STABLE PARALLEL SAFE
SET plan_cache_mode = force_custom_plan
BEGIN ATOMIC
	SELECT hll_add_agg(hll_hash_any(x.address))
	FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	WHERE r.rrname <<= name AND (below OR r.rrname = name)
	  AND r.rrtype IN ('A', 'AAAA');
END;
COMMENT ON FUNCTION addresses_of_sketch(dnsname, boolean) IS
	'the HyperLogLog sketch of the addresses of a name or its subtree (addresses_of()''s estimate)';

CREATE OR REPLACE FUNCTION addresses_of(name dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(*) FROM addresses_seen(name, below))
	            ELSE coalesce(round(hll_cardinality(addresses_of_sketch(name, below)))::bigint, 0) END;
END;
COMMENT ON FUNCTION addresses_of(dnsname, boolean, boolean) IS
	'distinct addresses in the A and AAAA RRsets of a name or its subtree (HyperLogLog estimate unless exact)';

-- Per block of a network (a /24 of IPv4, a /48 of IPv6, unless prefix
-- says otherwise): how many distinct names had an address there, and on
-- how many distinct addresses, estimated.
CREATE FUNCTION names_per_block_sketches(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names hll, addresses hll)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT network(set_masklen(a.address,
	                           coalesce(prefix, CASE family(a.address) WHEN 4 THEN 24 ELSE 48 END))),
	       hll_add_agg(hll_hash_any(r.rrname)),
	       hll_add_agg(hll_hash_any(a.address))
	FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	WHERE a.address <<= network
	GROUP BY 1;
END;
COMMENT ON FUNCTION names_per_block_sketches(inet, integer) IS
	'per block of a network: the HyperLogLog sketches of names and addresses (names_per_block()''s estimates)';

CREATE OR REPLACE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT b.block, round(hll_cardinality(b.names))::bigint, round(hll_cardinality(b.addresses))::bigint
	FROM names_per_block_sketches(network, prefix) b
	ORDER BY 1;
END;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses (HyperLogLog estimates)';
