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

-- Temporal enrichment.  Every version of an enrichment source (a build of
-- an mmdb database, a WHOIS snapshot, a threat-intel feed) is valid from
-- its start until the next version of the same source starts; what a
-- version said is kept, so an observation is joined to the version valid
-- when it was seen.  Range lookups use GiST; exclusion constraints keep the
-- answer for any (source, address, time) unique.

CREATE SEQUENCE enrichment_source_id_seq AS integer;
CREATE TABLE enrichment_source (
	id integer PRIMARY KEY DEFAULT nextval('enrichment_source_id_seq'),
	kind text NOT NULL CHECK (kind IN ('mmdb', 'whois', 'threat')),
	name text NOT NULL,
	version text NOT NULL,
	valid tstzrange NOT NULL
		CHECK (lower(valid) IS NOT NULL AND lower_inc(valid) AND NOT upper_inc(valid)),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	snapshot_through timestamptz,
	details jsonb NOT NULL DEFAULT '{}',
	UNIQUE (kind, name, version),
	EXCLUDE USING gist (kind WITH =, name WITH =, valid WITH &&)
);
ALTER SEQUENCE enrichment_source_id_seq OWNED BY enrichment_source.id;
COMMENT ON TABLE enrichment_source IS
	'versions of enrichment sources: kind, source name, version, and when it was valid';
COMMENT ON COLUMN enrichment_source.name IS
	'the source: for mmdb, the database name in pdns.mmdb_databases';
COMMENT ON COLUMN enrichment_source.valid IS
	'from the version''s start (for mmdb, its build epoch) to the next version''s start';
COMMENT ON COLUMN enrichment_source.snapshot_through IS
	'enrichment_snapshot() has recorded this version for the addresses seen up to here';

CREATE TABLE ip_enrichment (
	source_id integer NOT NULL REFERENCES enrichment_source ON DELETE CASCADE,
	network cidr NOT NULL,
	valid tstzrange NOT NULL,
	asn bigint,
	as_org text,
	country text,
	city text,
	record jsonb NOT NULL,
	UNIQUE (source_id, network),
	EXCLUDE USING gist (network inet_ops WITH &&, valid WITH &&, source_id WITH =)
);
COMMENT ON TABLE ip_enrichment IS
	'what each source version said about a network; valid is its version''s (kept in step by a trigger)';

-- The exclusion constraint's index, led by (network, valid), is also the
-- index of "which record covered this address at that time".

CREATE FUNCTION enrichment_source_valid_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
BEGIN
	UPDATE ip_enrichment SET valid = NEW.valid WHERE source_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER valid_sync AFTER UPDATE OF valid ON enrichment_source
	FOR EACH ROW WHEN (OLD.valid IS DISTINCT FROM NEW.valid)
	EXECUTE FUNCTION enrichment_source_valid_sync();

CREATE TABLE name_tag (
	name dnsname NOT NULL,
	tag text NOT NULL,
	source text NOT NULL,
	valid tstzrange NOT NULL CHECK (lower(valid) IS NOT NULL AND NOT isempty(valid)),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	details jsonb NOT NULL DEFAULT '{}',
	EXCLUDE USING gist ((name::text) WITH =, tag WITH =, source WITH =, valid WITH &&)
);
CREATE INDEX name_tag_name ON name_tag (name);
COMMENT ON TABLE name_tag IS
	'tags on a name and everything below it (threat intel, registration data), with their source and validity';

-- Addresses seen outside the store (flow logs, another sensor system) that
-- enrichment should also snapshot; the store's own come from its rdata
-- index (view enrichment_ips_seen).
CREATE TABLE ips_seen_elsewhere (
	ip inet NOT NULL,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	CHECK (first_seen <= last_seen)
);
CREATE VIEW enrichment_ips_seen AS
	SELECT a.address AS ip, min(r.time_first) AS first_seen, max(r.time_last) AS last_seen
	FROM pdns.rdata_addresses a JOIN pdns.rrsets r ON r.key = a.rrset_key
	GROUP BY a.address
	UNION ALL
	SELECT ip, first_seen, last_seen FROM ips_seen_elsewhere;
COMMENT ON VIEW enrichment_ips_seen IS
	'addresses seen (in A/AAAA answers, and elsewhere), with when: the input of enrichment_snapshot()';

SELECT pg_catalog.pg_extension_config_dump('enrichment_source', '');
SELECT pg_catalog.pg_extension_config_dump('enrichment_source_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ip_enrichment', '');
SELECT pg_catalog.pg_extension_config_dump('name_tag', '');
SELECT pg_catalog.pg_extension_config_dump('ips_seen_elsewhere', '');

-- Register a version of a source, valid from valid_from until the next
-- version's start; the version it falls into now ends at valid_from.
-- Registering a known (kind, name, version) again returns its id and
-- changes nothing.
CREATE FUNCTION enrichment_version(kind text, name text, version text,
	valid_from timestamptz, details jsonb DEFAULT '{}') RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
DECLARE
	known integer;
	next_start timestamptz;
	new_id integer;
BEGIN
	IF kind IS NULL OR name IS NULL OR version IS NULL OR valid_from IS NULL THEN
		RAISE EXCEPTION 'kind, name, version and valid_from must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- One registration at a time: the ranges below are read, then written.
	LOCK TABLE enrichment_source IN SHARE ROW EXCLUSIVE MODE;
	SELECT s.id INTO known FROM enrichment_source s
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND s.version = enrichment_version.version;
	IF known IS NOT NULL THEN
		RETURN known;
	END IF;
	IF EXISTS (SELECT FROM enrichment_source s
			   WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
				 AND lower(s.valid) = valid_from) THEN
		RAISE EXCEPTION 'a version of % source "%" already starts at %', kind, name, valid_from
			USING ERRCODE = 'exclusion_violation',
				  HINT = 'Each version of a source needs its own start time.';
	END IF;
	SELECT min(lower(s.valid)) INTO next_start FROM enrichment_source s
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND lower(s.valid) > valid_from;
	UPDATE enrichment_source s SET valid = tstzrange(lower(s.valid), valid_from)
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND s.valid @> valid_from;
	INSERT INTO enrichment_source (kind, name, version, valid, details)
	VALUES (kind, name, version, tstzrange(valid_from, next_start), details)
	RETURNING id INTO new_id;
	RETURN new_id;
END $$;
COMMENT ON FUNCTION enrichment_version(text, text, text, timestamptz, jsonb) IS
	'register a version of an enrichment source, valid from valid_from to the next version';

-- For every database in pdns.mmdb_databases: register its current build as
-- a version (valid from its build epoch, or from valid_from when the build
-- is new), and record what it says about every address seen while it was
-- valid, with last_seen since the version's last snapshot run (or since
-- "since" when given; never before the version's start).  Returns one row
-- per database.  Run it regularly, and before replacing a database file:
-- only the current file can be read.
CREATE FUNCTION enrichment_snapshot(since timestamptz DEFAULT NULL,
	valid_from timestamptz DEFAULT NULL)
RETURNS TABLE (source text, version text, source_id integer, addresses bigint, networks_added bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
DECLARE
	db record;
	run_started timestamptz := clock_timestamp();
	from_time timestamptz;
	version_valid tstzrange;
BEGIN
	FOR db IN SELECT d.name, m.* FROM mmdb_databases() d, mmdb_metadata(d.name) m ORDER BY d.name
	LOOP
		source := db.name;
		version := format('%s %s', db.database_type,
						  to_char(db.build_epoch AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
		source_id := enrichment_version('mmdb', db.name, version,
			coalesce(valid_from, db.build_epoch),
			jsonb_build_object('database_type', db.database_type, 'build_epoch', db.build_epoch,
							   'ip_version', db.ip_version, 'node_count', db.node_count,
							   'languages', db.languages, 'description', db.description,
							   'path', db.path, 'file_size', db.file_size));
		SELECT greatest(coalesce(since, s.snapshot_through), lower(s.valid)), s.valid
		INTO from_time, version_valid
		FROM enrichment_source s WHERE s.id = enrichment_snapshot.source_id;

		-- Addresses seen while the version was valid, since from_time.
		WITH seen AS (
			SELECT DISTINCT i.ip FROM enrichment_ips_seen i
			WHERE i.last_seen >= from_time
			  AND tstzrange(i.first_seen, i.last_seen, '[]') && version_valid
		), found AS (
			SELECT DISTINCT ON (net) net, rec
			FROM seen, LATERAL (SELECT mmdb_network(db.name, seen.ip) AS net,
									   mmdb_lookup(db.name, seen.ip) AS rec) l
			WHERE rec IS NOT NULL
		), added AS (
			INSERT INTO ip_enrichment (source_id, network, valid, asn, as_org, country, city, record)
			SELECT enrichment_snapshot.source_id, f.net, s.valid,
				   (f.rec->>'autonomous_system_number')::bigint,
				   f.rec->>'autonomous_system_organization',
				   f.rec->'country'->>'iso_code',
				   f.rec->'city'->'names'->>'en',
				   f.rec
			FROM found f, enrichment_source s WHERE s.id = enrichment_snapshot.source_id
			ON CONFLICT ON CONSTRAINT ip_enrichment_source_id_network_key DO NOTHING
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM seen), (SELECT count(*) FROM added)
		INTO addresses, networks_added;

		UPDATE enrichment_source s SET snapshot_through = run_started
		WHERE s.id = enrichment_snapshot.source_id;
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION enrichment_snapshot(timestamptz, timestamptz) IS
	'record the current mmdb versions'' answers for the addresses seen since the last run';

-- What every source version valid at a time said about an address: one row
-- per source.  Inlined into the caller's query, so a join to observations
-- probes the GiST index once per row.
CREATE FUNCTION enrich_at(ip inet, at timestamptz)
RETURNS TABLE (kind text, source text, version text, network cidr, valid tstzrange,
			   asn bigint, as_org text, country text, city text, record jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT s.kind, s.name, s.version, e.network, e.valid, e.asn, e.as_org, e.country, e.city, e.record
	FROM pdns.ip_enrichment e JOIN pdns.enrichment_source s ON s.id = e.source_id
	WHERE e.network >>= ip AND e.valid @> at
$$;
COMMENT ON FUNCTION enrich_at(inet, timestamptz) IS
	'the enrichment of an address by every source version valid at a time';

-- The same over a period: every version valid during any part of it, with
-- the part (the intersection) it covers.
CREATE FUNCTION enrich_during(ip inet, seen tstzrange)
RETURNS TABLE (kind text, source text, version text, network cidr, valid tstzrange,
			   during tstzrange, asn bigint, as_org text, country text, city text, record jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT s.kind, s.name, s.version, e.network, e.valid, e.valid * seen,
		   e.asn, e.as_org, e.country, e.city, e.record
	FROM pdns.ip_enrichment e JOIN pdns.enrichment_source s ON s.id = e.source_id
	WHERE e.network >>= ip AND e.valid && seen
$$;
COMMENT ON FUNCTION enrich_during(inet, tstzrange) IS
	'the enrichment of an address by every source version valid during part of a period';

-- Tags valid at a time on a name or any name above it: a tag on
-- example.com applies to www.example.com.  The subdomain operator becomes
-- an index probe on name_tag (name) for the name's ancestors.
CREATE FUNCTION name_tags_at(name dnsname, at timestamptz)
RETURNS TABLE (tagged dnsname, tag text, source text, valid tstzrange, details jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT t.name, t.tag, t.source, t.valid, t.details
	FROM pdns.name_tag t
	WHERE t.name OPERATOR(public.>>=) name_tags_at.name AND t.valid @> at
$$;
COMMENT ON FUNCTION name_tags_at(dnsname, timestamptz) IS
	'tags valid at a time on a name or on any name above it';

-- Each address seen, joined to every source version valid while it was
-- seen (first_seen to last_seen, inclusive).
CREATE VIEW enrichment_ips_seen_history AS
	SELECT i.ip, i.first_seen, i.last_seen, e.kind, e.source, e.version, e.network, e.during,
		   e.asn, e.as_org, e.country, e.city, e.record
	FROM enrichment_ips_seen i,
		 LATERAL enrich_during(i.ip, tstzrange(i.first_seen, i.last_seen, '[]')) e;
COMMENT ON VIEW enrichment_ips_seen_history IS
	'each address seen, with what every source version valid at the time said about it';
