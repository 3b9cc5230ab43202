-- Lookups with DNSDB semantics (docs/lookup.md).
--
-- Two layers:
--  * access paths: SQL functions, one per index, that the planner inlines
--    into the calling query, so EXPLAIN shows their index range scans and
--    they compose with the rest of a query.  Their bodies are SQL-standard
--    (BEGIN ATOMIC): parsed once here, so they work whatever the caller's
--    search_path, and still inlined.  The address path is the exception,
--    C that does its two index scans itself (see rrsets_by_address);
--  * lookup_rrset(), lookup_rdata_name(), lookup_rdata_ip(),
--    lookup_rdata_raw() and their *_summary forms: DNSDB's query language
--    (wildcards, ANY/ANY-DNSSEC, fences given as absolute or relative times)
--    on top of those paths.
--
-- Each answer is summed over sensors by default; given a sensor, it is
-- that sensor's own (its first, last and count, from rrset_sensors, and
-- only the RRsets it saw); per_sensor() splits a result by sensor.  The
-- sensor's row is a LATERAL subquery with LIMIT 1 (the key is unique):
-- never pulled up into a join that a plan for any parameters could make a
-- hash join over the whole table, it is one probe of rrset_sensors_pkey
-- per RRset the index range yields (reading nothing when there is no
-- sensor: a NULL key ends the probe before the index is read).
--
-- Every path returns at most max_results rows in a stable order, with
-- `truncated` telling whether more matched, and a `cursor` per row to pass
-- as after_cursor for the rows that follow it (keyset pagination: rows
-- that existed when the paging started are returned once each, whatever is
-- ingested meanwhile).

CREATE TYPE lookup_row AS (
	rrname dnsname,
	rrtype rrtype,
	bailiwick dnsname,
	rdata text[],
	time_first timestamptz,
	time_last timestamptz,
	count bigint,
	lossy boolean,
	truncated boolean,
	cursor text
);
COMMENT ON TYPE lookup_row IS 'one result of a lookup: an RRset, when and how often it was seen';

-- Cursors: the sort key of a row, opaque to callers.
CREATE FUNCTION _cursor(VARIADIC fields text[]) RETURNS text
	AS 'MODULE_PATHNAME', 'pdns_cursor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION _cursor_field(cursor text, n integer) RETURNS text
	AS 'MODULE_PATHNAME', 'pdns_cursor_field' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The four time fences of DNSDB; NULL means no fence.
CREATE FUNCTION _fenced(first timestamptz, last timestamptz,
	first_before timestamptz, first_after timestamptz,
	last_before timestamptz, last_after timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT (first_before IS NULL OR first <= first_before)
	   AND (first_after IS NULL OR first >= first_after)
	   AND (last_before IS NULL OR last <= last_before)
	   AND (last_after IS NULL OR last >= last_after)
$$;

-- A lookup's sensor filter: the sensor's number, or NULL for the sum over
-- sensors.  A name that no sensor has is an error, not an empty answer (a
-- misspelt sensor would read as "never seen").
CREATE FUNCTION _sensor_filter(sensor text) RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result integer;
BEGIN
	IF nullif(sensor, '') IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no sensor is named "%"', sensor
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A lookup''s sensor filter names a sensor of pdns.sensors.';
	END IF;
	RETURN result;
END
$$;

-- The DNSSEC types, as DNSDB counts them: what ANY-DNSSEC asks for and
-- ANY leaves out.
CREATE FUNCTION dnssec_rrtypes() RETURNS rrtype[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '{DS,RRSIG,NSEC,DNSKEY,NSEC3,NSEC3PARAM,DLV,CDS,CDNSKEY,TA}'::pdns.rrtype[] $$;
COMMENT ON FUNCTION dnssec_rrtypes() IS 'the DNSSEC RR types (DNSDB''s ANY-DNSSEC; ANY leaves them out)';

-- Access path: RRsets of one owner name, or of every name strictly below it
-- (below = true, DNSDB's "*.example.com"), by index rrsets_name.
CREATE FUNCTION rrsets_by_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(rrname::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key
		FROM pdns.rrsets r
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_name.sensor_id
		                   LIMIT 1) ps ON true
		WHERE (CASE WHEN below THEN r.rrname << name ELSE r.rrname = name END)
		  -- the next page starts at the cursor's name: an index bound even
		  -- in a plan made for any parameters (greatest ignores NULL)
		  AND r.rrname >= greatest(name, pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name.bailiwick IS NULL OR r.bailiwick = rrsets_by_name.bailiwick)
		  AND (rrsets_by_name.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (r.rrname, r.rrtype, r.key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY r.rrname, r.rrtype, r.key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY rrname, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose owner starts with the given labels (DNSDB's
-- right wildcard "www.example.*": any name of more labels that begins with
-- them), by index rrsets_forward_name.
CREATE FUNCTION rrsets_by_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, pdns.forward_key(r.rrname) AS fkey
		FROM pdns.rrsets r
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_name_prefix.sensor_id
		                   LIMIT 1) ps ON true
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(r.rrname) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                             decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(r.rrname) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_name_prefix.bailiwick IS NULL OR r.bailiwick = rrsets_by_name_prefix.bailiwick)
		  AND (rrsets_by_name_prefix.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(r.rrname), r.key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(r.rrname), r.key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name (or, below = true, a name
-- strictly below it), by index rdata_names.
CREATE FUNCTION rrsets_by_rdata_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(matched::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, n.name AS matched
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_name.sensor_id
		                   LIMIT 1) ps ON true
		WHERE (CASE WHEN below THEN n.name << rrsets_by_rdata_name.name
		            ELSE n.name = rrsets_by_rdata_name.name END)
		  -- the next page starts at the cursor's name (greatest ignores NULL)
		  AND n.name >= greatest(rrsets_by_rdata_name.name,
		                         pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_name.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (n.name, n.rrtype, n.rrset_key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY n.name, n.rrtype, n.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY matched, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name starting with the given
-- labels (right wildcard), by index rdata_names_forward.
CREATE FUNCTION rrsets_by_rdata_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key, pdns.forward_key(n.name) AS fkey
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_name_prefix.sensor_id
		                   LIMIT 1) ps ON true
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(n.name) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                           decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(n.name) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND (types IS NOT NULL OR n.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_name_prefix.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(n.name), n.rrset_key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(n.name), n.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: A and AAAA RRsets holding an address in [low, high], by
-- index rdata_addresses_pkey, each RRset by rrsets_pkey.  A CIDR block is
-- its first and last address.  In C (src/pg/lookup_address.c): the two
-- index scans are all it does, and the executor and PL/pgSQL around them
-- cost several times the rows of a small range.
CREATE FUNCTION rrsets_by_address(low inet, high inet,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_rrsets_by_address' LANGUAGE C STABLE PARALLEL SAFE;

-- Access path: RRsets with an rdata element equal to these wire octets,
-- by index rdata_elements (a hash, then checked against the octets).
CREATE FUNCTION rrsets_by_rdata_octets(octets bytea, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       coalesce(ps.time_first, r.time_first) AS time_first,
		       coalesce(ps.time_last, r.time_last) AS time_last, coalesce(ps.count, r.count) AS count,
		       r.lossy, r.key
		FROM pdns.rdata_elements e
		JOIN pdns.rrsets r ON r.key = e.rrset_key
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key
		                     AND x.sensor_id = rrsets_by_rdata_octets.sensor_id
		                   LIMIT 1) ps ON true
		WHERE e.hash = pdns.element_hash(octets)
		  AND pdns.contains_element(r.rdata, octets)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrsets_by_rdata_octets.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		  AND pdns._fenced(coalesce(ps.time_first, r.time_first), coalesce(ps.time_last, r.time_last),
		                  first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR e.rrset_key > pdns._cursor_field(after_cursor, 1)::uuid)
		ORDER BY e.rrset_key
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) s
	ORDER BY key
	LIMIT max_results;
END;

-- ---------------------------------------------------------------------
-- DNSDB's query language on top of the access paths.

-- A fence: a timestamp, Unix epoch seconds, or a time relative to now: a
-- negative number of seconds (DNSDB's convention) or an interval ("-7
-- days", "7 days ago", "-P7D").  NULL or '' is no fence.
CREATE FUNCTION fence(value text) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'pdns_fence' LANGUAGE C STABLE PARALLEL SAFE;

-- DNSDB rrtype filters: a type, ANY or ANY-DNSSEC.  ANY is NULL, which the
-- access paths read as DNSDB does: every type but the DNSSEC ones, which
-- ANY-DNSSEC asks for.
CREATE FUNCTION rrtype_filter(rrtype text) RETURNS rrtype[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN rrtype IS NULL OR upper(rrtype) = 'ANY' THEN NULL
		WHEN upper(rrtype) = 'ANY-DNSSEC' THEN pdns.dnssec_rrtypes()
		ELSE ARRAY[rrtype::pdns.rrtype]
	END
$$;

-- The time window of a lookup as fences: loose (the record's life overlaps
-- the window) or strict (it lies within it).
CREATE FUNCTION _window_fences(time_first_before text, time_first_after text,
	time_last_before text, time_last_after text, window_after text, window_before text,
	strict boolean,
	OUT first_before timestamptz, OUT first_after timestamptz,
	OUT last_before timestamptz, OUT last_after timestamptz)
	AS 'MODULE_PATHNAME', 'pdns_window_fences' LANGUAGE C STABLE PARALLEL SAFE;

-- DNSDB's wildcards: "*.name" (the names below name), "name.*" (the names
-- of more labels that begin with name's labels), or none.
CREATE FUNCTION _wildcard(pattern text, OUT kind text, OUT name dnsname)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	IF pattern LIKE '*.%' AND pattern NOT LIKE '%.*' THEN
		kind := 'below';
		name := coalesce(nullif(substr(pattern, 3), ''), '.')::pdns.dnsname;
	ELSIF pattern LIKE '%.*' AND pattern NOT LIKE '*.%' THEN
		kind := 'prefix';
		name := left(pattern, -2)::pdns.dnsname;
	ELSIF pattern LIKE '%*%' THEN
		RAISE EXCEPTION 'unsupported wildcard in "%"', pattern
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'Wildcards are "*.name" (names below) or "name.*" (names starting with).';
	ELSE
		kind := 'exact';
		name := pattern::pdns.dnsname;
	END IF;
END
$$;

CREATE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	bw pdns.dnsname := nullif(bailiwick, '')::pdns.dnsname;
	w record := pdns._wildcard(owner);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, true, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name_prefix(w.name, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, false, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rrset IS
	'DNSDB rrset lookup: name (with *.x or x.* wildcards), rrtype, bailiwick, time fences';

CREATE FUNCTION lookup_rdata_name(value text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	w record := pdns._wildcard(value);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, true, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name_prefix(w.name, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, false, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor,
			sensor_id);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rdata_name IS
	'DNSDB rdata name lookup: RRsets whose rdata holds a name (with *.x or x.* wildcards)';

-- An address, a CIDR block ("192.0.2.0/24"), or a range ("192.0.2.10-192.0.2.99").
CREATE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_lookup_rdata_ip' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lookup_rdata_ip IS
	'DNSDB rdata IP lookup: an address, a CIDR block or an address range';

-- Raw rdata as hex (the wire octets of one rdata element).
CREATE FUNCTION lookup_rdata_raw(hex text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- every call is planned with its own values, so the access path's
-- conditions fold into index quals
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	-- (no call without a sensor: nothing but the store is read then)
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_octets(decode(hex, 'hex'), pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
END
$$;
COMMENT ON FUNCTION lookup_rdata_raw IS 'DNSDB rdata raw lookup: one rdata element as hex wire octets';

-- DNSDB's summarize: total observations, distinct results, first and last
-- seen, over what a lookup matches (max_results caps the results counted).
CREATE TYPE lookup_summary AS (
	count bigint,
	num_results bigint,
	time_first timestamptz,
	time_last timestamptz,
	truncated boolean
);

CREATE FUNCTION summarize(rows lookup_row[]) RETURNS lookup_summary
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(sum(r.count), 0)::bigint, count(*), min(r.time_first), max(r.time_last),
	       coalesce(bool_or(r.truncated), false)
	FROM unnest(rows) r
$$;
COMMENT ON FUNCTION summarize(lookup_row[]) IS
	'DNSDB summarize over a lookup: SELECT (pdns.summarize(array(SELECT pdns.lookup_rrset(...)))).*';

-- A lookup result split by sensor: when and how often each sensor saw the
-- RRset (the sensors' counts sum to the result's own, unless the result
-- was itself one sensor's).
CREATE FUNCTION per_sensor(result lookup_row)
RETURNS TABLE (sensor text, time_first timestamptz, time_last timestamptz, count bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT n.name, s.time_first, s.time_last, s.count
	FROM pdns.rrsets r
	JOIN pdns.rrset_sensors s ON s.rrset_key = r.key
	JOIN pdns.sensors n ON n.id = s.sensor_id
	WHERE r.rrname = result.rrname AND r.rrtype = result.rrtype
	  AND r.bailiwick IS NOT DISTINCT FROM result.bailiwick
	  AND r.lossy = result.lossy AND pdns.rdata(r.rdata) = result.rdata
	ORDER BY n.name;
END;
COMMENT ON FUNCTION per_sensor(lookup_row) IS
	'a lookup result split by sensor: first seen, last seen and count per sensor';

-- ---------------------------------------------------------------------
-- COF (draft-dulaunoy-dnsop-passive-dns-cof) export: one JSON object per
-- result, typed as DNSDB prints it -- numbers as numbers, rdata as an
-- array, names fully qualified with their trailing dot.  NDJSON is one per
-- line:  psql -At -c "SELECT pdns.to_cof(l) FROM pdns.lookup_rrset('...') l"

CREATE FUNCTION fqdn(dnsname) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN $1 = '.'::dnsname THEN '.' ELSE $1::text || '.' END;
END;
COMMENT ON FUNCTION fqdn(dnsname) IS 'the name with its trailing dot, as DNS tools print it';

CREATE FUNCTION to_cof(result lookup_row) RETURNS json
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT json_strip_nulls(json_build_object(
		'count', result.count,
		'time_first', floor(extract(epoch FROM result.time_first))::bigint,
		'time_last', floor(extract(epoch FROM result.time_last))::bigint,
		'rrname', pdns.fqdn(result.rrname),
		'rrtype', result.rrtype::text,
		'bailiwick', pdns.fqdn(result.bailiwick),
		'rdata', to_json(result.rdata)));
END;
COMMENT ON FUNCTION to_cof(lookup_row) IS 'a lookup result as a COF (Passive DNS Common Output Format) object';
