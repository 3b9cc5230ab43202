-- Corrupt MaxMind databases: every file of test/corpora/maxmind-db/
-- bad-data (collected by libmaxminddb and maxminddb-golang because they
-- crashed or confused some reader) and the deliberately broken test
-- databases.  Each is opened, described and searched at 300 addresses; every
-- outcome is a value, NULL or an ERROR with SQLSTATE XX001 (data_corrupted)
-- and libmaxminddb's explanation -- never a crash.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set bad :corpora '/maxmind-db/bad-data'
\set td :corpora '/maxmind-db/test-data'
\set bad_files `cd :'bad' && ls */*.mmdb`
\set broken_files `cd :'td' && ls *Broken*.mmdb *Invalid*.mmdb *broken*.mmdb`

CREATE TEMP TABLE bad_file AS
SELECT f AS file, :'bad' || '/' || f AS path
FROM regexp_split_to_table(:'bad_files', E'\n') f
UNION ALL
SELECT f, :'td' || '/' || f
FROM regexp_split_to_table(:'broken_files', E'\n') f;
SELECT count(*) AS files FROM bad_file;

-- 256 addresses in 1.1.1.0/24 (where the MaxMind-DB-test-* networks are),
-- and a spread over both families.
CREATE TEMP TABLE probe_ip AS
SELECT ('1.1.1.' || i)::inet AS ip FROM generate_series(0, 255) i
UNION ALL
SELECT ip::inet FROM unnest(ARRAY['0.0.0.0', '1.0.0.1', '2.125.160.216', '81.2.69.160',
	'128.0.0.1', '202.196.224.1', '255.255.255.255', '::', '::1.1.1.1', '::ffff:1.1.1.1',
	'::2.125.160.216', '2001::1', '2001:218::1', '2002:101:101::', '2600:7000::1', 'abcd::1',
	'1000::1234:1', 'fe80::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) ip;
SELECT count(*) AS addresses FROM probe_ip;

-- One call, its outcome as text: 'value', 'NULL', or the error.
CREATE FUNCTION pg_temp.outcome(q text, ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE q INTO r USING ip;
	RETURN CASE WHEN r IS NULL THEN 'NULL' ELSE 'value' END;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN format('ERROR %s: %s / %s', st,
				  regexp_replace(regexp_replace(msg, ' \(file "[^"]*"\)', ''),
								 '(look up|record for) \S+ in', '\1 <address> in'), det);
END $$;

-- Each file is configured under the name "asn" in turn (set_config with
-- is_local, so the setting changes inside the statement: the first call
-- after a change reopens), and every function is tried on it: metadata
-- once, the lookups at every address.
CREATE FUNCTION pg_temp.try_file(path text) RETURNS TABLE(call text, outcome text) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('pdns.mmdb_databases', format('asn="%s"', path), true);
	RETURN QUERY
	SELECT c.call, pg_temp.outcome(c.q, p.ip)
	FROM (VALUES ('mmdb_metadata', 'SELECT mmdb_metadata(''asn'') WHERE $1 IS NOT NULL'),
				 ('mmdb_lookup', 'SELECT mmdb_lookup(''asn'', $1)'),
				 ('mmdb_lookup path', 'SELECT mmdb_lookup(''asn'', $1, ''ip'')'),
				 ('mmdb_network', 'SELECT mmdb_network(''asn'', $1)'),
				 ('ip_asn', 'SELECT ip_asn($1)')) c(call, q)
		 JOIN probe_ip p ON c.call <> 'mmdb_metadata' OR p.ip = '1.1.1.1';
END $$;

SELECT b.file, t.call, t.outcome, count(*)
FROM bad_file b, pg_temp.try_file(b.path) t
GROUP BY 1, 2, 3 ORDER BY b.file COLLATE "C", t.call COLLATE "C", t.outcome COLLATE "C";

-- After all that, the backend is still fine and reads a good database.
\set good 'asn=' :td '/GeoLite2-ASN-Test.mmdb'
SET pdns.mmdb_databases = :'good';
SELECT ip_asn('1.128.0.1');
RESET pdns.mmdb_databases;
