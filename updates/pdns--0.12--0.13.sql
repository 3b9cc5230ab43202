-- pdns 0.12 -> 0.13: volume_json(), a period of the explorer's volume
-- chart as its JSON object, which explorer_volume() and a pdns_cluster
-- coordinator's (0.4) make (src/sql/85_api.sql).
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.13'" to load this file. \quit

-- One period of the explorer's volume chart as its JSON object (a
-- pdns_cluster coordinator's explorer_volume() makes the same).
CREATE FUNCTION volume_json(period timestamptz, observations bigint, negative bigint, nxdomain bigint)
RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT json_build_object('period', floor(extract(epoch FROM period))::bigint,
	                         'observations', observations, 'negative', negative, 'nxdomain', nxdomain);
END;
COMMENT ON FUNCTION volume_json(timestamptz, bigint, bigint, bigint) IS
	'a period of volume_by_period() as the JSON object pdns-api serves at /pdns/v1/volume/';

-- The explorer's volume chart: volume_by_period() as JSON objects.
CREATE OR REPLACE FUNCTION explorer_volume(value text, below boolean) RETURNS SETOF json
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT pdns.volume_json(v.period, v.observations, v.negative, v.nxdomain)
	FROM pdns.volume_by_period(value::pdns.dnsname, below) v;
END;
