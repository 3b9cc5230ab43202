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
