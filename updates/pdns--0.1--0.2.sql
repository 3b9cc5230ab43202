-- pdns 0.1 -> 0.2 (ALTER EXTENSION pdns UPDATE).  An installed 0.1 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.2: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.2'" to load this file. \quit

-- lookup_rdata_ip() plans once per session (a generic plan) instead of on
-- every call, and the address path takes the cursor's address as an index
-- bound so that a page after the first starts where the last one ended.

-- Access path: A and AAAA RRsets holding an address in [low, high], by
-- index rdata_addresses.  A CIDR block is its first and last address.
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

-- An address, a CIDR block ("192.0.2.0/24"), or a range ("192.0.2.10-192.0.2.99").
CREATE OR REPLACE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- The address path's index bounds are plain comparisons with the
-- parameters, so one plan serves every call of a session: planning the
-- inlined path each time cost several times the lookup itself.
SET plan_cache_mode = force_generic_plan
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
