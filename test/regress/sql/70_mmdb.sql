-- MaxMind databases through libmaxminddb: the setting, lookups, jsonb
-- conversion of every data type, networks, typed helpers, metadata, errors,
-- and reopening a file that changed.  Expected values come from the JSON the
-- test databases were built from (test/corpora/maxmind-db/source-data)
-- and from write-test-data.pl, which wrote the MaxMind-DB-test-* files.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set td :corpora '/maxmind-db/test-data/'
SELECT set_config('regress.corpora', :'corpora', false) IS NOT NULL AS corpora_set;

-- Errors quote file paths; this runs a query and prints its single value,
-- or its error with the corpora directory written as $corpora.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE q INTO r;
	RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN replace(format('ERROR %s: %s%s', st, msg, ' / ' || nullif(det, '')),
				   current_setting('regress.corpora'), '$corpora');
END $$;

-- Nothing is configured by default.
SELECT count(*) AS configured FROM mmdb_databases();
SHOW pdns.mmdb_databases;
SELECT ip_asn('1.128.0.1');
SELECT mmdb_lookup('asn', '1.128.0.1');

-- The setting: name=path pairs, checked when set.
SET pdns.mmdb_databases = 'asn=relative/GeoLite2-ASN.mmdb';
SET pdns.mmdb_databases = 'ASN=/x.mmdb';
SET pdns.mmdb_databases = 'asn=/a.mmdb, asn=/b.mmdb';
SET pdns.mmdb_databases = 'asn=/a.mmdb,';
SET pdns.mmdb_databases = 'asn = "/srv/geo, 2024/ASN.mmdb" , city=/srv/City.mmdb';
SELECT * FROM mmdb_databases();

-- Only a superuser may point the extension at files.
CREATE ROLE regress_mmdb_user;
SET ROLE regress_mmdb_user;
SET pdns.mmdb_databases = 'asn=/etc/passwd';
RESET ROLE;

\set dbs 'asn=' :td 'GeoLite2-ASN-Test.mmdb, isp=' :td 'GeoIP2-ISP-Test.mmdb, city=' :td 'GeoIP2-City-Test.mmdb, country=' :td 'GeoIP2-Country-Test.mmdb, decoder=' :td 'MaxMind-DB-test-decoder.mmdb, ipv4=' :td 'MaxMind-DB-test-ipv4-24.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT name, replace(path, :'td', '$td/') AS path FROM mmdb_databases();

-- Typed helpers.  GeoLite2-ASN-Test.json: ::1.128.0.0/107 is AS1221
-- "Telstra Pty Ltd"; ::12.81.96.0/115 has a number and no organization;
-- 2600:7000::/24 is AS6939.
SELECT ip, ip_asn(ip), ip_as_org(ip), mmdb_network('asn', ip)
FROM (VALUES ('1.128.0.1'::inet), ('1.159.255.255'), ('1.160.0.0'), ('12.81.96.7'),
             ('2600:7000::1'), ('2600:7000::1/64'), ('192.0.2.1'), ('::1')) v(ip);

-- An IPv4 address, its ::/96 form (how IPv6 databases store IPv4) and its
-- ::ffff:0:0/96 mapped form find the same record; the network is given in
-- the form that was asked.
SELECT ip, ip_asn(ip), mmdb_network('asn', ip)
FROM (VALUES ('1.128.0.1'::inet), ('::1.128.0.1'), ('::ffff:1.128.0.1')) v(ip);

-- GeoIP2-City-Test.json: ::81.2.69.160/123 is London, GB; 2001:218::/32 is
-- in Japan with no city; ::2.125.160.216/125 is Boxford, GB.
SELECT ip, ip_country(ip), ip_city(ip), ip_city(ip, 'ru') AS city_ru, ip_city(ip, 'xx') AS city_xx
FROM (VALUES ('81.2.69.160'::inet), ('2001:218::1'), ('2.125.160.216'), ('10.0.0.1')) v(ip);

-- One value by path: map keys, array indexes (negative from the end).
-- Absent keys, indexes out of range, and paths through a scalar give NULL,
-- as jsonb's #> does.
SELECT mmdb_lookup('city', '2.125.160.216', 'location') AS location;
SELECT mmdb_lookup('city', '2.125.160.216', 'subdivisions', '0', 'iso_code') AS first_sub,
       mmdb_lookup('city', '2.125.160.216', 'subdivisions', '-1', 'iso_code') AS last_sub,
       mmdb_lookup('city', '2.125.160.216', 'subdivisions', '2') AS out_of_range,
       mmdb_lookup('city', '2.125.160.216', 'subdivisions', 'x') AS not_an_index,
       mmdb_lookup('city', '2.125.160.216', 'nope') AS no_key,
       mmdb_lookup('city', '2.125.160.216', 'postal', 'code', 'deeper') AS through_scalar,
       mmdb_lookup('city', '10.0.0.1', 'location') AS no_record;
SELECT mmdb_lookup('city', '2.125.160.216', VARIADIC '{}'::text[]) = mmdb_lookup('city', '2.125.160.216')
	AS empty_path_is_record;
SELECT mmdb_lookup('city', '2.125.160.216', VARIADIC ARRAY['city', NULL]);
SELECT mmdb_lookup('city', '2.125.160.216', VARIADIC '{{city},{names}}'::text[]);

-- Every data type (MaxMind-DB-test-decoder.mmdb, written by
-- write-test-data.pl from %all_types and, at ::0.0.0.0, %all_types_0):
-- utf8_string 'unicode! ☯ - ♫', double 42.123456, bytes pack('N', 42),
-- uint16 100, uint32 2**28, int32 -(2**28), uint64 1<<60, uint128 1<<120,
-- array [1, 2, 3], map {mapX: {utf8_stringX: 'hello', arrayX: [7, 8, 9]}},
-- boolean 1, float 1.1.  Numbers keep their exact value; bytes become a
-- string in bytea hex form.
SELECT key, value, jsonb_typeof(value) AS json_type
FROM jsonb_each(mmdb_lookup('decoder', '1.1.1.1')) ORDER BY key;
SELECT (mmdb_lookup('decoder', '1.1.1.1')->>'uint128')::numeric = 2::numeric ^ 120 AS uint128_exact,
       (mmdb_lookup('decoder', '1.1.1.1')->>'uint64')::numeric = 2::numeric ^ 60 AS uint64_exact,
       (mmdb_lookup('decoder', '1.1.1.1')->>'bytes')::bytea = int4send(42) AS bytes_exact;
SELECT mmdb_lookup('decoder', '::0.0.0.0') AS zero_values;
SELECT mmdb_lookup('decoder', '1.1.1.1', 'map', 'mapX', 'arrayX', '1') AS nested_elem,
       mmdb_lookup('decoder', '1.1.1.1', 'float') AS float,
       mmdb_lookup('decoder', 'abcd::1', 'utf8_string') AS from_ipv6;

-- An IPv4-only database has no record for an IPv6 address.
SELECT mmdb_lookup('ipv4', '1.1.1.3') AS v4, mmdb_lookup('ipv4', '2001:db8::1') AS v6,
       mmdb_network('ipv4', '1.1.1.3') AS v4_net, mmdb_network('ipv4', '1.1.1.33') AS v4_net_32;

-- Metadata.
SELECT m.database_type, m.build_epoch AT TIME ZONE 'UTC' AS build_epoch_utc, m.ip_version, m.record_size, m.node_count,
       m.binary_format, m.languages, m.description, replace(m.path, :'td', '$td/') AS path, m.file_size
FROM mmdb_databases() d, mmdb_metadata(d.name) m ORDER BY d.name;

-- The typed helpers fall back on other conventional names: ip_asn() and
-- ip_as_org() on "isp", ip_country() on "city".
\set dbs 'isp=' :td 'GeoIP2-ISP-Test.mmdb, city=' :td 'GeoIP2-City-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT ip_asn('1.128.0.1'), ip_as_org('1.128.0.1'), ip_country('81.2.69.160');
SET pdns.mmdb_databases = '';
SELECT ip_asn('1.128.0.1');
SELECT ip_country('1.128.0.1');
SELECT ip_city('1.128.0.1');

-- Errors: unknown names, missing and unreadable files, files that are not
-- MaxMind databases.  Each is an ERROR with its own SQLSTATE.
\set dbs 'missing=/nonexistent/GeoLite2-ASN.mmdb, dir=/, notdb=' :td 'README.md, empty=/dev/null, asn=' :td 'GeoLite2-ASN-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT q, pg_temp.try(q) AS result
FROM (VALUES ($$SELECT mmdb_lookup('nope', '1.1.1.1')$$),
             ($$SELECT mmdb_lookup('missing', '1.1.1.1')$$),
             ($$SELECT mmdb_metadata('dir')$$),
             ($$SELECT mmdb_network('notdb', '1.1.1.1')$$),
             ($$SELECT mmdb_lookup('empty', '1.1.1.1', 'x')$$),
             ($$SELECT mmdb_lookup('asn', '1.128.0.1')$$)) v(q);

-- A database file replaced on disk (renamed over, as geoipupdate does) is
-- reopened by a later statement, once pdns.mmdb_check_interval has passed
-- since the last check (0: every statement); a changed setting takes effect
-- at once.
\set tmpdir `d=$(mktemp -d) && chmod 755 "$d" && echo "$d"`
\set live :tmpdir '/live.mmdb'
\set new :tmpdir '/new.mmdb'
\set asn_file :td 'GeoLite2-ASN-Test.mmdb'
\set isp_file :td 'GeoIP2-ISP-Test.mmdb'
\set ok `cp :'asn_file' :'live' && echo copied`
\set dbs 'asn=' :live
SET pdns.mmdb_databases = :'dbs';
SHOW pdns.mmdb_check_interval;
SET pdns.mmdb_check_interval = '1h';
SELECT (mmdb_metadata('asn')).database_type, mmdb_lookup('asn', '1.128.0.1');
\set ok `cp :'isp_file' :'new' && mv :'new' :'live' && echo replaced`
-- Not checked again within the hour: the open database is still used.
SELECT (mmdb_metadata('asn')).database_type;
SET pdns.mmdb_check_interval = 0;
SELECT (mmdb_metadata('asn')).database_type, mmdb_lookup('asn', '1.128.0.1');
\set ok `rm -f :'live' && echo removed`
SELECT pg_temp.try($$SELECT mmdb_lookup('asn', '1.128.0.1')$$) LIKE 'ERROR 58P01: could not open mmdb database "asn" (file "%/live.mmdb"): No such file or directory' AS missing_after_removal;
\set ok `cp :'asn_file' :'live' && echo restored`
SELECT (mmdb_metadata('asn')).database_type;
\set ok `rm -rf :'tmpdir' && echo cleaned`
RESET pdns.mmdb_databases;
RESET pdns.mmdb_check_interval;

DROP ROLE regress_mmdb_user;
