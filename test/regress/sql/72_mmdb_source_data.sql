-- Every network of the GeoLite2-ASN, GeoIP2-ISP, GeoIP2-City and
-- GeoIP2-Country test databases, looked up and compared with the JSON the
-- databases were built from (test/corpora/maxmind-db/source-data).
--
-- For each network of the JSON, its first and its last address are looked
-- up.  A network inside ::/96 with a prefix of 96 or more is an IPv4
-- network (the MaxMind writer stores IPv4 there, and aliases ::ffff:0:0/96
-- to it), so it is also looked up as plain IPv4 and in ::ffff:0:0/96 mapped
-- form.  Each lookup must return the network's record, and mmdb_network()
-- the network itself in the form asked (IPv4 prefixes 96 shorter).
--
-- One documented rule, no exceptions by hand: the JSON does not type its
-- values; the writer (write-test-data.pl, _universal_map_key_type_callback)
-- stores every key with a fixed type.  Where the JSON gives a string for a
-- key the writer stores as a number (geoname_id, metro_code, latitude,
-- longitude, ... below) the expected value is that number; where it gives
-- 0/1 for a key stored as a boolean (is_anonymous_proxy, ...) the expected
-- value is false/true.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set src :corpora '/maxmind-db/source-data/'
\set td :corpora '/maxmind-db/test-data/'
\set dbs 'asn=' :td 'GeoLite2-ASN-Test.mmdb, isp=' :td 'GeoIP2-ISP-Test.mmdb, city=' :td 'GeoIP2-City-Test.mmdb, country=' :td 'GeoIP2-Country-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';

CREATE TEMP TABLE source_network (db text, ord bigint, network cidr, record jsonb);
\set j `cat :'src'GeoLite2-ASN-Test.json`
INSERT INTO source_network SELECT 'asn', o, k::cidr, v
FROM jsonb_array_elements(:'j'::jsonb) WITH ORDINALITY e(x, o), jsonb_each(x) kv(k, v);
\set j `cat :'src'GeoIP2-ISP-Test.json`
INSERT INTO source_network SELECT 'isp', o, k::cidr, v
FROM jsonb_array_elements(:'j'::jsonb) WITH ORDINALITY e(x, o), jsonb_each(x) kv(k, v);
\set j `cat :'src'GeoIP2-City-Test.json`
INSERT INTO source_network SELECT 'city', o, k::cidr, v
FROM jsonb_array_elements(:'j'::jsonb) WITH ORDINALITY e(x, o), jsonb_each(x) kv(k, v);
\set j `cat :'src'GeoIP2-Country-Test.json`
INSERT INTO source_network SELECT 'country', o, k::cidr, v
FROM jsonb_array_elements(:'j'::jsonb) WITH ORDINALITY e(x, o), jsonb_each(x) kv(k, v);

-- No two networks of one file overlap, so each address has one expected
-- record; none lies in the other aliased ranges (::ffff:0:0/96, 2002::/16).
SELECT count(*) AS overlapping_pairs
FROM source_network a JOIN source_network b
  ON a.db = b.db AND a.ord < b.ord AND a.network && b.network;
SELECT count(*) AS in_aliased_ranges
FROM source_network WHERE network <<= '::ffff:0:0/96' OR network <<= '2002::/16';

-- The writer's typing of the JSON (the rule above).
CREATE FUNCTION pg_temp.typed(v jsonb, key text DEFAULT NULL) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	IF jsonb_typeof(v) = 'object' THEN
		RETURN coalesce((SELECT jsonb_object_agg(k, pg_temp.typed(x, k)) FROM jsonb_each(v) e(k, x)), '{}');
	ELSIF jsonb_typeof(v) = 'array' THEN
		RETURN coalesce((SELECT jsonb_agg(pg_temp.typed(x, key) ORDER BY i)
						 FROM jsonb_array_elements(v) WITH ORDINALITY a(x, i)), '[]');
	ELSIF jsonb_typeof(v) = 'string' AND key IN ('accuracy_radius', 'autonomous_system_number',
			'average_income', 'confidence', 'geoname_id', 'latitude', 'longitude', 'metro_code',
			'population_density') THEN
		RETURN to_jsonb((v #>> '{}')::numeric);
	ELSIF jsonb_typeof(v) = 'number' AND key IN ('is_anonymous', 'is_anonymous_proxy',
			'is_anonymous_vpn', 'is_hosting_provider', 'is_legitimate_proxy', 'is_public_proxy',
			'is_satellite_provider', 'is_tor_exit_node') THEN
		RETURN to_jsonb((v #>> '{}')::numeric <> 0);
	END IF;
	RETURN v;
END $$;

-- The addresses to look up, with the network each must report.
CREATE TEMP TABLE probe AS
WITH n AS (
	SELECT db, ord, network, pg_temp.typed(record) AS expected,
		   network <<= '::/96' AND masklen(network) >= 96 AS is_ipv4
	FROM source_network
), a AS (
	SELECT n.*, e.edge, e.addr
	FROM n, LATERAL (VALUES ('first', host(network(n.network))::inet),
							('last', host(broadcast(n.network))::inet)) e(edge, addr)
)
SELECT db, ord, network, expected, edge, 'as written' AS form, addr, network AS expected_network FROM a
UNION ALL
SELECT db, ord, network, expected, edge, 'ipv4', '0.0.0.0'::inet + (addr - '::'::inet),
	   network(set_masklen('0.0.0.0'::inet + (network(network) - '::'::inet), masklen(network) - 96))
FROM a WHERE is_ipv4
UNION ALL
SELECT db, ord, network, expected, edge, '::ffff: mapped', '::ffff:0.0.0.0'::inet + (addr - '::'::inet),
	   network(set_masklen('::ffff:0.0.0.0'::inet + (network(network) - '::'::inet), masklen(network)))
FROM a WHERE is_ipv4;

ALTER TABLE probe ADD got jsonb, ADD got_network cidr;
UPDATE probe SET got = mmdb_lookup(db, addr), got_network = mmdb_network(db, addr);

-- The typed helpers read the same records: ip_asn()/ip_as_org() the "asn"
-- database, ip_country() "country", ip_city() "city"; the ISP database's
-- number is read by path.
ALTER TABLE probe ADD helpers_agree boolean;
UPDATE probe SET helpers_agree = CASE db
	WHEN 'asn' THEN ip_asn(addr) IS NOT DISTINCT FROM (expected->>'autonomous_system_number')::bigint
				AND ip_as_org(addr) IS NOT DISTINCT FROM expected->>'autonomous_system_organization'
	WHEN 'isp' THEN mmdb_lookup('isp', addr, 'autonomous_system_number')
				IS NOT DISTINCT FROM expected->'autonomous_system_number'
	WHEN 'country' THEN ip_country(addr) IS NOT DISTINCT FROM expected->'country'->>'iso_code'
	WHEN 'city' THEN ip_city(addr) IS NOT DISTINCT FROM expected->'city'->'names'->>'en'
					 AND ip_city(addr, 'de') IS NOT DISTINCT FROM expected->'city'->'names'->>'de'
	END;

SELECT db, count(DISTINCT ord) AS networks,
	   count(DISTINCT ord) FILTER (WHERE form = 'ipv4') AS ipv4_networks,
	   count(*) AS lookups,
	   count(*) FILTER (WHERE got = expected) AS record_equal,
	   count(*) FILTER (WHERE got_network = expected_network) AS network_equal,
	   count(*) FILTER (WHERE helpers_agree) AS helpers_agree
FROM probe GROUP BY db ORDER BY db;

-- The typing rule changed this many expected records (City and Country
-- only; without it they would be the mismatches).
SELECT db, count(*) AS records_retyped
FROM source_network WHERE pg_temp.typed(record) <> record GROUP BY db ORDER BY db;

-- Mismatches: none.
SELECT db, network, edge, form, addr, got_network, expected, got
FROM probe
WHERE got IS DISTINCT FROM expected OR got_network IS DISTINCT FROM expected_network
   OR NOT helpers_agree
ORDER BY db, ord, edge, form;

RESET pdns.mmdb_databases;
