-- Enrichment: MaxMind databases read through libmaxminddb (src/pg/mmdb.c),
-- and temporal enrichment tables that remember what each database version
-- said about the addresses seen while it was valid (docs/enrichment.md).

-- MaxMind databases.  SQL names a database; the superuser setting
-- pdns.mmdb_databases maps names to files.  STABLE: the file may change
-- between statements, never within one.

CREATE FUNCTION mmdb_lookup(db text, ip inet) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mmdb_lookup' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_lookup(text, inet) IS
	'the record of a MaxMind database for an address, as jsonb; NULL if none';

CREATE FUNCTION mmdb_lookup(db text, ip inet, VARIADIC path text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mmdb_lookup_path' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_lookup(text, inet, text[]) IS
	'the value at a path (map keys, array indexes) in the record for an address; NULL if absent';

CREATE FUNCTION mmdb_network(db text, ip inet) RETURNS cidr
	AS 'MODULE_PATHNAME', 'mmdb_network' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_network(text, inet) IS
	'the network the record for an address covers; NULL if none';

CREATE FUNCTION ip_asn(ip inet) RETURNS bigint
	AS 'MODULE_PATHNAME', 'mmdb_ip_asn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_asn(inet) IS
	'autonomous system number from the mmdb database "asn" (else "isp")';

CREATE FUNCTION ip_as_org(ip inet) RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_as_org' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_as_org(inet) IS
	'autonomous system organization from the mmdb database "asn" (else "isp")';

CREATE FUNCTION ip_country(ip inet) RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_country' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_country(inet) IS
	'ISO 3166-1 country code from the mmdb database "country" (else "city")';

CREATE FUNCTION ip_city(ip inet, language text DEFAULT 'en') RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_city' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_city(inet, text) IS
	'city name in a language from the mmdb database "city"';

CREATE FUNCTION mmdb_metadata(db text,
	OUT database_type text, OUT build_epoch timestamptz, OUT ip_version integer,
	OUT record_size integer, OUT node_count bigint, OUT binary_format text,
	OUT languages text[], OUT description jsonb, OUT path text, OUT file_size bigint)
	AS 'MODULE_PATHNAME', 'mmdb_metadata' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_metadata(text) IS
	'what a MaxMind database says about itself, and the file it was read from';

CREATE FUNCTION mmdb_databases(OUT name text, OUT path text) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'mmdb_databases' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION mmdb_databases() IS
	'the databases named in pdns.mmdb_databases (not opened)';
