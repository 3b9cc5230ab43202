-- Signals and rollups across shards (docs/scale-out.md, "Signals and
-- rollups"): what is about one registered domain lives on its shard, so
-- the spikes, the top domains by new names and the per-domain rollups of
-- the cluster are the shards' own, merged; the rollups per type add the
-- shards' up (their sketches united: the same sketch one server keeps).

-- Rows of a query over the shards, the shards failing as a lookup's do
-- (_after_failure): query reads $1, the shards to ask.  The caller gives
-- the columns (AS t(...)).
CREATE FUNCTION _merged(shards integer[], query text) RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	detail text;
	hint text;
BEGIN
	WHILE cardinality(shards) > 0 LOOP
		BEGIN
			RETURN QUERY EXECUTE query USING shards;
			RETURN;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			shards := pdns_cluster._after_failure(shards, SQLSTATE, SQLERRM, detail, hint);
		END;
	END LOOP;
END
$$;

CREATE FUNCTION _top_new_domains_on(shards integer[], month timestamptz, max_results integer)
RETURNS TABLE (domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.top_new_domains(month, max_results);
$$;

CREATE FUNCTION top_new_domains(month timestamptz DEFAULT now(), max_results integer DEFAULT 20)
RETURNS TABLE (domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT t.* FROM pdns_cluster._top_new_domains_on($1, %L::timestamptz, %L::integer) t '
		'ORDER BY t.new_names DESC, t.domain LIMIT %L::integer', month, max_results, max_results))
		AS t(domain pdns.dnsname, new_names bigint, observations bigint, negatives bigint);
END
$$;
COMMENT ON FUNCTION top_new_domains(timestamptz, integer) IS
	'the registered domains with the most names first seen in a month, over every shard';

CREATE FUNCTION _negative_spikes_on(shards integer[], at timestamptz, baseline_periods integer,
	min_score double precision, min_count bigint, per_sensor boolean)
RETURNS TABLE (domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
	baseline_median double precision, baseline_mad double precision, score double precision)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.negative_spikes(at, baseline_periods, min_score, min_count, per_sensor);
$$;

-- (The baseline's length defaults to the coordinator session's
-- pdns.spike_baseline_periods, as one server's to its session's.)
CREATE FUNCTION negative_spikes(at timestamptz DEFAULT now(), baseline_periods integer DEFAULT NULL,
	min_score double precision DEFAULT 5, min_count bigint DEFAULT 10, per_sensor boolean DEFAULT true)
RETURNS TABLE (domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
	baseline_median double precision, baseline_mad double precision, score double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT t.* FROM pdns_cluster._negative_spikes_on($1, %L::timestamptz, %L::integer, %L::float8, '
		'%L::bigint, %L::boolean) t ORDER BY t.score DESC, t.domain, t.sensor', at,
		coalesce(baseline_periods, pdns._spike_baseline_periods()), min_score, min_count, per_sensor))
		AS t(domain pdns.dnsname, sensor text, kind text, period timestamptz, count bigint,
		     baseline_median double precision, baseline_mad double precision, score double precision);
END
$$;
COMMENT ON FUNCTION negative_spikes(timestamptz, integer, double precision, bigint, boolean) IS
	'registered domains whose negative answers stand out from their trailing baseline, over every shard';

-- Distinct counts (docs/signals.md, "Distinct counts"): exact counts from
-- the shards' distinct values (names are on one shard each, so their
-- counts add up; an address may be on several), estimates from the
-- shards' HyperLogLog sketches united, which is the sketch one server
-- makes of all the values.
CREATE FUNCTION _names_on_on(shards integer[], network inet, exact boolean)
RETURNS TABLE (names bigint, sketch hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT CASE WHEN exact THEN pdns.names_on(network, true) END AS names,
	       CASE WHEN NOT exact THEN pdns.names_on_sketch(network) END AS sketch;
$$;

CREATE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT t.n FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT CASE WHEN %2$L::boolean THEN coalesce(sum(x.names), 0)::bigint '
		'ELSE coalesce(round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.sketch)))::bigint, 0) END '
		'FROM pdns_cluster._names_on_on($1, %3$L::inet, %2$L::boolean) x',
		pdns_cluster._hll_schema(), exact, network)) AS t(n bigint));
END
$$;
COMMENT ON FUNCTION names_on(inet, boolean) IS
	'distinct owner names with an address in the network, over every shard (HyperLogLog estimate unless exact)';

CREATE FUNCTION _addresses_of_on(shards integer[], name pdns.dnsname, below boolean, exact boolean)
RETURNS TABLE (address inet, sketch hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT a AS address, NULL AS sketch FROM pdns.addresses_seen(name, below) a WHERE exact
	UNION ALL
	SELECT NULL, pdns.addresses_of_sketch(name, below) WHERE NOT exact;
$$;

CREATE FUNCTION addresses_of(name pdns.dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
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
COMMENT ON FUNCTION addresses_of(pdns.dnsname, boolean, boolean) IS
	'distinct addresses in the A and AAAA RRsets of a name or its subtree, over every shard (HyperLogLog estimate unless exact)';

CREATE FUNCTION _names_per_block_on(shards integer[], network inet, prefix integer)
RETURNS TABLE (block cidr, names hll, addresses hll)
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON pdns_cluster._targets(shards);
	SELECT * FROM pdns.names_per_block_sketches(network, prefix);
$$;

CREATE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT * FROM pdns_cluster._merged(pdns_cluster.all_shards(), format(
		'SELECT x.block, round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.names)))::bigint, '
		'round(%1$I.hll_cardinality(%1$I.hll_union_agg(x.addresses)))::bigint '
		'FROM pdns_cluster._names_per_block_on($1, %2$L::inet, %3$L::integer) x GROUP BY 1 ORDER BY 1',
		pdns_cluster._hll_schema(), network, prefix))
		AS t(block cidr, names bigint, addresses bigint);
END
$$;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses over every shard (HyperLogLog estimates)';
