-- Approximate distinct counts (docs/signals.md): HyperLogLog sketches of
-- the hll extension, made as the rows are read; exact => true counts
-- exactly instead.  The bodies are SQL-standard (BEGIN ATOMIC): their
-- names are bound here, wherever the hll extension was installed, and not
-- looked up on the caller's search_path.

-- Distinct owner names whose A or AAAA RRsets held an address in a network.
CREATE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(DISTINCT r.rrname)
	                  FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	                  WHERE a.address <<= network)
	            ELSE (SELECT coalesce(round(hll_cardinality(hll_add_agg(hll_hash_any(r.rrname))))::bigint, 0)
	                  FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	                  WHERE a.address <<= network) END;
END;
COMMENT ON FUNCTION names_on(inet, boolean) IS
	'distinct owner names with an address in the network (HyperLogLog estimate unless exact)';

-- Distinct addresses a name (or, below => true, the name and its subtree)
-- resolved to, in its A and AAAA RRsets.
CREATE FUNCTION addresses_of(name dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET plan_cache_mode = force_custom_plan		-- (the subtree's range comes from the name)
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(DISTINCT x.address)
	                  FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	                  WHERE r.rrname <<= name AND (below OR r.rrname = name)
	                    AND r.rrtype IN ('A', 'AAAA'))
	            ELSE (SELECT coalesce(round(hll_cardinality(hll_add_agg(hll_hash_any(x.address))))::bigint, 0)
	                  FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	                  WHERE r.rrname <<= name AND (below OR r.rrname = name)
	                    AND r.rrtype IN ('A', 'AAAA')) END;
END;
COMMENT ON FUNCTION addresses_of(dnsname, boolean, boolean) IS
	'distinct addresses in the A and AAAA RRsets of a name or its subtree (HyperLogLog estimate unless exact)';

-- Per block of a network (a /24 of IPv4, a /48 of IPv6, unless prefix
-- says otherwise): how many distinct names had an address there, and on
-- how many distinct addresses, estimated.
CREATE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT network(set_masklen(a.address,
	                           coalesce(prefix, CASE family(a.address) WHEN 4 THEN 24 ELSE 48 END))),
	       round(hll_cardinality(hll_add_agg(hll_hash_any(r.rrname))))::bigint,
	       round(hll_cardinality(hll_add_agg(hll_hash_any(a.address))))::bigint
	FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	WHERE a.address <<= network
	GROUP BY 1
	ORDER BY 1;
END;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses (HyperLogLog estimates)';
