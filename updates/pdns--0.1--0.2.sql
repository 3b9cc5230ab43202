-- pdns 0.1 -> 0.2 (ALTER EXTENSION pdns UPDATE).  An installed 0.1 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.2: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.2'" to load this file. \quit

-- The lookups plan their access path once per session (a generic plan,
-- without bitmap scans) instead of on every call, and every access path
-- takes the cursor's position as an index bound, so that a page after the
-- first starts in the index where the last one ended.  The definitions
-- below are those of src/sql/53_lookup.sql at 0.2.

CREATE OR REPLACE FUNCTION _wildcard(pattern text, OUT kind text, OUT name dnsname)
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


CREATE OR REPLACE FUNCTION rrsets_by_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(rrname::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key
		FROM pdns.rrsets r
		WHERE (CASE WHEN below THEN r.rrname << name ELSE r.rrname = name END)
		  -- the next page starts at the cursor's name: an index bound even
		  -- in a plan made for any parameters (greatest ignores NULL)
		  AND r.rrname >= greatest(name, pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (rrsets_by_name.bailiwick IS NULL OR r.bailiwick = rrsets_by_name.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (r.rrname, r.rrtype, r.key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY r.rrname, r.rrtype, r.key
		LIMIT max_results + 1
	) s
	ORDER BY rrname, rrtype, key
	LIMIT max_results;
END;


CREATE OR REPLACE FUNCTION rrsets_by_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(r.rrname) AS fkey
		FROM pdns.rrsets r
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(r.rrname) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                             decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(r.rrname) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (rrsets_by_name_prefix.bailiwick IS NULL OR r.bailiwick = rrsets_by_name_prefix.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(r.rrname), r.key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(r.rrname), r.key
		LIMIT max_results + 1
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;


CREATE OR REPLACE FUNCTION rrsets_by_rdata_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(matched::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, n.name AS matched
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		WHERE (CASE WHEN below THEN n.name << rrsets_by_rdata_name.name
		            ELSE n.name = rrsets_by_rdata_name.name END)
		  -- the next page starts at the cursor's name (greatest ignores NULL)
		  AND n.name >= greatest(rrsets_by_rdata_name.name,
		                         pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (n.name, n.rrtype, n.rrset_key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY n.name, n.rrtype, n.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY matched, rrtype, key
	LIMIT max_results;
END;


CREATE OR REPLACE FUNCTION rrsets_by_rdata_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(n.name) AS fkey
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(n.name) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                           decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(n.name) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(n.name), n.rrset_key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(n.name), n.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;


CREATE OR REPLACE FUNCTION rrsets_by_address(low inet, high inet,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(host(address), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, a.address
		FROM pdns.rdata_addresses a
		JOIN pdns.rrsets r ON r.key = a.rrset_key
		-- the next page starts at the cursor's address: an index bound
		-- even in a plan made for any parameters (greatest ignores NULL)
		WHERE a.address >= greatest(low, pdns._cursor_field(after_cursor, 1)::inet)
		  AND a.address <= high
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (a.address, a.rrset_key) >
		       (pdns._cursor_field(after_cursor, 1)::inet, pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY a.address, a.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY address, key
	LIMIT max_results;
END;


CREATE OR REPLACE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
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
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, true, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name_prefix(w.name, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, false, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	END IF;
END
$$;


CREATE OR REPLACE FUNCTION lookup_rdata_name(value text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
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
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, true, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name_prefix(w.name, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, false, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	END IF;
END
$$;


CREATE OR REPLACE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- The address path's index bounds are plain comparisons with the
-- parameters, so one plan serves every call of a session: planning the
-- inlined path each time cost several times the lookup itself.  Without
-- bitmap scans that plan reads the index in the order of the results and
-- stops after a page, however big the range (see lookup_rrset).
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	low inet;
	high inet;
BEGIN
	IF value ~ '^\s*[0-9A-Fa-f:.]+\s*-\s*[0-9A-Fa-f:.]+\s*$' THEN
		low := host(btrim(split_part(value, '-', 1))::inet)::inet;
		high := host(btrim(split_part(value, '-', 2))::inet)::inet;
	ELSE
		low := host(network(value::inet))::inet;
		high := host(broadcast(value::inet))::inet;
	END IF;
	IF family(low) <> family(high) OR low > high THEN
		RAISE EXCEPTION 'invalid address range "%"', value USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY SELECT * FROM pdns.rrsets_by_address(low, high,
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
END
$$;

