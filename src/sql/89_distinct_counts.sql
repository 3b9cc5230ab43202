-- Approximate distinct counts (docs/signals.md): HyperLogLog sketches of
-- the hll extension, made as the rows are read; exact => true counts
-- exactly instead.  The bodies are SQL-standard (BEGIN ATOMIC): their
-- names are bound here, wherever the hll extension was installed, and not
-- looked up on the caller's search_path.

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

CREATE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
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
BEGIN ATOMIC
	SELECT hll_add_agg(hll_hash_any(x.address)) FROM addresses_seen(name, below) x(address);
END;
COMMENT ON FUNCTION addresses_of_sketch(dnsname, boolean) IS
	'the HyperLogLog sketch of the addresses of a name or its subtree (addresses_of()''s estimate)';

CREATE FUNCTION addresses_of(name dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
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

CREATE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT b.block, round(hll_cardinality(b.names))::bigint, round(hll_cardinality(b.addresses))::bigint
	FROM names_per_block_sketches(network, prefix) b
	ORDER BY 1;
END;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses (HyperLogLog estimates)';
