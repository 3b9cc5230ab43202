-- Regex and glob search over owner names and rdata (docs/search.md), with
-- DNSDB Flex semantics: patterns match the master-file form of a name (with
-- its trailing dot) or of one rdata element, case-insensitively; a regular
-- expression matches anywhere unless anchored, a glob matches the whole
-- text.  Each result is a name (or rdata value) and type, with when and how
-- often the RRsets holding it were seen, to pivot into the lookups.
--
-- The matching runs over searchable_names and searchable_rdata (each name
-- and value once, kept by compaction) through their trigram indexes
-- (pg_trgm), then reaches the RRsets by the name index and by
-- rdata_elements for the fences and counts.  Each call is planned with its
-- own pattern: the planner tries the pattern on the column's histogram to
-- choose between the trigram index (few matches) and reading in order until
-- a page is full (many).

CREATE TYPE search_name_row AS (
	rrname dnsname,
	rrtype rrtype,
	time_first timestamptz,
	time_last timestamptz,
	count bigint,
	truncated boolean,
	cursor text
);
COMMENT ON TYPE search_name_row IS 'one result of a name search: an owner name and type, when and how often seen';

CREATE TYPE search_rdata_row AS (
	rdata text,
	rrtype rrtype,
	raw_rdata text,
	time_first timestamptz,
	time_last timestamptz,
	count bigint,
	truncated boolean,
	cursor text
);
COMMENT ON TYPE search_rdata_row IS
	'one result of an rdata search: an rdata value (and its wire octets as hex) and type, when and how often seen';

-- A glob as an anchored regular expression: * is any text, ? any one
-- character, [...] a class ([!...] negated, [:digit:] and the other POSIX
-- classes inside), \ makes the next character literal (outside a class).
CREATE FUNCTION glob_to_regex(glob text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result text := '^';
	n integer := length(glob);
	i integer := 1;
	c text;
	opened integer;
	close integer;
	class_name text;
BEGIN
	WHILE i <= n LOOP
		c := substr(glob, i, 1);
		IF c = '*' THEN
			result := result || '.*';
		ELSIF c = '?' THEN
			result := result || '.';
		ELSIF c = '\' THEN
			IF i = n THEN
				RAISE EXCEPTION 'invalid glob "%"', glob
					USING ERRCODE = 'invalid_regular_expression',
					      DETAIL = 'It ends with a backslash, which escapes nothing.';
			END IF;
			i := i + 1;
			result := result || '\' || substr(glob, i, 1);
		ELSIF c = '[' THEN
			opened := i;
			result := result || '[';
			i := i + 1;
			IF substr(glob, i, 1) = '!' THEN
				result := result || '^';
				i := i + 1;
			END IF;
			IF substr(glob, i, 1) = ']' THEN	-- first: a member, not the end
				result := result || '\]';
				i := i + 1;
			END IF;
			LOOP
				IF i > n THEN
					RAISE EXCEPTION 'invalid glob "%"', glob
						USING ERRCODE = 'invalid_regular_expression',
						      DETAIL = format('The character class opened at position %s is not closed.', opened);
				END IF;
				c := substr(glob, i, 1);
				EXIT WHEN c = ']';
				IF c = '[' AND substr(glob, i + 1, 1) IN ('.', '=') THEN
					RAISE EXCEPTION 'invalid glob "%"', glob
						USING ERRCODE = 'invalid_regular_expression',
						      DETAIL = format('"%s" at position %s: collating elements and equivalence classes are not supported.',
						                      substr(glob, i, 2), i);
				ELSIF c = '[' AND substr(glob, i + 1, 1) = ':' THEN
					close := strpos(substr(glob, i + 2), ':]');
					class_name := CASE WHEN close > 0 THEN substr(glob, i + 2, close - 1) END;
					IF class_name IS NULL OR class_name NOT IN ('alnum', 'alpha', 'blank', 'cntrl', 'digit',
						'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit') THEN
						RAISE EXCEPTION 'invalid glob "%"', glob
							USING ERRCODE = 'invalid_regular_expression',
							      DETAIL = format('"[:" at position %s does not begin a POSIX class such as [:digit:].', i);
					END IF;
					result := result || '[:' || class_name || ':]';
					i := i + close + 3;
					CONTINUE;
				END IF;
				-- (a backslash or caret is a plain member of a glob's class)
				result := result || CASE WHEN c IN ('\', '^') THEN '\' || c ELSE c END;
				i := i + 1;
			END LOOP;
			result := result || ']';
		ELSIF strpos('.^$|()[]{}+', c) > 0 THEN
			result := result || '\' || c;
		ELSE
			result := result || c;
		END IF;
		i := i + 1;
	END LOOP;
	RETURN result || '$';
END
$$;
COMMENT ON FUNCTION glob_to_regex(text) IS 'a DNSDB Flex glob as the anchored regular expression that matches the same texts';

-- The regular expression a search runs: the pattern itself (method regex)
-- or the glob's.
CREATE FUNCTION search_pattern(pattern text, method text DEFAULT 'regex') RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF nullif(pattern, '') IS NULL THEN
		RAISE EXCEPTION 'a search needs a pattern'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The pattern is empty or NULL.';
	END IF;
	IF lower(method) = 'regex' THEN
		RETURN pattern;
	ELSIF lower(method) = 'glob' THEN
		RETURN pdns.glob_to_regex(pattern);
	END IF;
	RAISE EXCEPTION 'unknown search method "%"', method
		USING ERRCODE = 'invalid_parameter_value',
		      DETAIL = 'The methods are "regex" and "glob".';
END
$$;
COMMENT ON FUNCTION search_pattern(text, text) IS 'the regular expression a search runs for a pattern and method (regex or glob)';

-- How many owner names (kind rrnames) or rdata values (kind rdata) the
-- planner expects a pattern to match, from the column's histogram.
CREATE FUNCTION search_estimate(pattern text, method text DEFAULT 'regex', kind text DEFAULT 'rrnames')
RETURNS bigint
LANGUAGE plpgsql VOLATILE	-- (EXPLAIN)
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	plan json;
BEGIN
	IF kind IS NULL OR kind NOT IN ('rrnames', 'rdata') THEN
		RAISE EXCEPTION 'unknown search kind "%"', kind
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The kinds are "rrnames" and "rdata".';
	END IF;
	EXECUTE format('EXPLAIN (FORMAT JSON) SELECT FROM pdns.%I WHERE %I ~* %L',
	               CASE kind WHEN 'rrnames' THEN 'searchable_names' ELSE 'searchable_rdata' END,
	               CASE kind WHEN 'rrnames' THEN 'text' ELSE 'value' END, pdns.search_pattern(pattern, method))
	INTO plan;
	RETURN round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8);
END
$$;
COMMENT ON FUNCTION search_estimate(text, text, text) IS
	'how many owner names or rdata values the planner expects a search pattern to match';

-- Access path: owner names that match rx (and not ex), per type, ordered
-- by name (dnsname order) and type; the next page starts after the cursor.
-- The planner joins the matching names (from the trigram index when few
-- match, in name order when many do) to their RRsets (rrsets_name), which
-- give the types, fences and counts.
CREATE FUNCTION rrnames_matching(rx text, ex text DEFAULT NULL, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF search_name_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.rrname, m.rrtype, m.time_first, m.time_last, m.count,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(m.rrname::text, m.rrtype::integer::text)
	FROM (
		SELECT n.name AS rrname, r.rrtype,
		       min(coalesce(ps.time_first, r.time_first)) AS time_first,
		       max(coalesce(ps.time_last, r.time_last)) AS time_last,
		       least(sum(coalesce(ps.count, r.count)), pdns.count_ceiling())::bigint AS count
		FROM pdns.searchable_names n
		JOIN pdns.rrsets r ON r.rrname = n.name
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key AND x.sensor_id = rrnames_matching.sensor_id
		                   LIMIT 1) ps ON true
		WHERE n.text ~* rx
		  AND (ex IS NULL OR n.text !~* ex)
		  -- the next page starts at the cursor's name
		  AND (after_cursor IS NULL OR n.name >= pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (after_cursor IS NULL OR (n.name, r.rrtype) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype))
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (types IS NOT NULL OR r.rrtype <> ALL (pdns.dnssec_rrtypes()))
		  AND (rrnames_matching.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		GROUP BY n.name, r.rrtype
		HAVING pdns._fenced(min(coalesce(ps.time_first, r.time_first)), max(coalesce(ps.time_last, r.time_last)),
		                    first_before, first_after, last_before, last_after)
		ORDER BY n.name, r.rrtype
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) m
	ORDER BY m.rrname, m.rrtype
	LIMIT max_results;
END;

-- Access path: rdata values that match rx (and not ex), per type, ordered
-- by value (bytewise) and type; the next page starts after the cursor.
-- The matching values are sorted, then the RRsets of each (rdata_elements
-- by the hash, the octets rechecked) give its fences and counts as it
-- comes: a page reads no further than the values it shows.
CREATE FUNCTION rdata_matching(rx text, ex text DEFAULT NULL, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF search_rdata_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.rdata, m.rrtype, encode(m.octets, 'hex'), m.time_first, m.time_last, m.count,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(m.rdata, m.rrtype::integer::text)
	FROM (
		SELECT v.value AS rdata, v.rrtype, v.octets, a.time_first, a.time_last, a.count
		FROM (SELECT * FROM pdns.searchable_rdata v
		      WHERE v.value ~* rx
		        AND (ex IS NULL OR v.value !~* ex)
		        AND (types IS NULL OR v.rrtype = ANY (types))
		        AND (after_cursor IS NULL OR (v.value COLLATE "C", v.rrtype) >
		             (pdns._cursor_field(after_cursor, 1) COLLATE "C",
		              pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype))
		      ORDER BY v.value COLLATE "C", v.rrtype) v
		CROSS JOIN LATERAL (
			SELECT min(coalesce(ps.time_first, r.time_first)) AS time_first,
			       max(coalesce(ps.time_last, r.time_last)) AS time_last,
			       least(sum(coalesce(ps.count, r.count)), pdns.count_ceiling())::bigint AS count
			FROM pdns.rdata_elements e
			JOIN pdns.rrsets r ON r.key = e.rrset_key
			LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
			                   WHERE x.rrset_key = r.key AND x.sensor_id = rdata_matching.sensor_id
			                   LIMIT 1) ps ON true
			WHERE e.hash = v.hash AND r.rrtype = v.rrtype AND pdns.contains_element(r.rdata, v.octets)
			  AND (rdata_matching.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)) a
		-- (a value none of whose RRsets passed has no first sighting; its
		-- count is not NULL: least() skips a NULL sum)
		WHERE a.time_first IS NOT NULL
		  AND pdns._fenced(a.time_first, a.time_last, first_before, first_after, last_before, last_after)
		ORDER BY v.value COLLATE "C", v.rrtype
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) m
	ORDER BY m.rdata COLLATE "C", m.rrtype
	LIMIT max_results;
END;

-- Access path: what rdata_matching gives, by joining every matching value
-- to its RRsets at once (hash joins over rdata_elements and rrsets) before
-- sorting: for a page that holds most of very many matches, where reading
-- the RRsets whole costs less than probing them value by value.
CREATE FUNCTION rdata_matching_all(rx text, ex text DEFAULT NULL, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF search_rdata_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.rdata, m.rrtype, encode(m.octets, 'hex'), m.time_first, m.time_last, m.count,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(m.rdata, m.rrtype::integer::text)
	FROM (
		SELECT v.value AS rdata, v.rrtype, v.octets,
		       min(coalesce(ps.time_first, r.time_first)) AS time_first,
		       max(coalesce(ps.time_last, r.time_last)) AS time_last,
		       least(sum(coalesce(ps.count, r.count)), pdns.count_ceiling())::bigint AS count
		FROM pdns.searchable_rdata v
		JOIN pdns.rdata_elements e ON e.hash = v.hash
		JOIN pdns.rrsets r ON r.key = e.rrset_key AND r.rrtype = v.rrtype
		LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
		                   WHERE x.rrset_key = r.key AND x.sensor_id = rdata_matching_all.sensor_id
		                   LIMIT 1) ps ON true
		WHERE v.value ~* rx
		  AND (ex IS NULL OR v.value !~* ex)
		  AND (types IS NULL OR v.rrtype = ANY (types))
		  AND (after_cursor IS NULL OR (v.value COLLATE "C", v.rrtype) >
		       (pdns._cursor_field(after_cursor, 1) COLLATE "C",
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype))
		  AND pdns.contains_element(r.rdata, v.octets)
		  AND (rdata_matching_all.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)
		GROUP BY v.hash, v.rrtype
		HAVING pdns._fenced(min(coalesce(ps.time_first, r.time_first)), max(coalesce(ps.time_last, r.time_last)),
		                    first_before, first_after, last_before, last_after)
		ORDER BY v.value COLLATE "C", v.rrtype
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) m
	ORDER BY m.rdata COLLATE "C", m.rrtype
	LIMIT max_results;
END;

-- DNSDB Flex's search on top of the access paths: the method, the type
-- filter (ANY, ANY-DNSSEC or a type), the fences as the lookups take them,
-- exclude (a second pattern of the same method whose matches are left
-- out), max_results and the cursor of the last row of the previous page,
-- and a sensor's own view.  Each call is planned with its own pattern.
CREATE FUNCTION search_rrnames(pattern text, method text DEFAULT 'regex', rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	exclude text DEFAULT NULL, max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF search_name_row
LANGUAGE plpgsql VOLATILE	-- (it asks the planner for an estimate: EXPLAIN)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
	-- a pattern expected to match one name in 20 or more reads the names
	-- in order, not through the trigram index
	names_stored float8 := (SELECT greatest(c.reltuples, 0) FROM pg_catalog.pg_class c
	                        WHERE c.oid = 'pdns.searchable_names'::regclass);
	many boolean := names_stored > 0 AND pdns.search_estimate(pattern, method, 'rrnames') >= 0.05 * names_stored;
	bitmaps text := current_setting('enable_bitmapscan');
BEGIN
	IF many THEN
		PERFORM set_config('enable_bitmapscan', 'off', true);
	END IF;
	RETURN QUERY SELECT * FROM pdns.rrnames_matching(pdns.search_pattern(pattern, method),
		CASE WHEN exclude <> '' THEN pdns.search_pattern(exclude, method) END, pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
	PERFORM set_config('enable_bitmapscan', bitmaps, true);
END
$$;
COMMENT ON FUNCTION search_rrnames IS
	'DNSDB Flex search over owner names: regex or glob, rrtype, time fences, exclude, paging';

CREATE FUNCTION search_rdata(pattern text, method text DEFAULT 'regex', rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	exclude text DEFAULT NULL, max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor text DEFAULT NULL)
RETURNS SETOF search_rdata_row
LANGUAGE plpgsql VOLATILE	-- (it asks the planner for an estimate: EXPLAIN)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
	rx text := pdns.search_pattern(pattern, method);
	ex text := CASE WHEN exclude <> '' THEN pdns.search_pattern(exclude, method) END;
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	values_stored float8 := (SELECT greatest(c.reltuples, 0) FROM pg_catalog.pg_class c
	                         WHERE c.oid = 'pdns.searchable_rdata'::regclass);
	expected bigint := pdns.search_estimate(pattern, method, 'rdata');
	bitmaps text := current_setting('enable_bitmapscan');
BEGIN
	IF values_stored > 0 AND least(expected, max_results) > 0.2 * values_stored THEN
		-- a page that may hold more than a fifth of all values, and as
		-- many expected to match: every match joined to its RRsets at once
		RETURN QUERY SELECT * FROM pdns.rdata_matching_all(rx, ex, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
		RETURN;
	END IF;
	-- one value in 20 or more expected to match: read them all, not
	-- through the trigram index
	IF values_stored > 0 AND expected >= 0.05 * values_stored THEN
		PERFORM set_config('enable_bitmapscan', 'off', true);
	END IF;
	RETURN QUERY SELECT * FROM pdns.rdata_matching(rx, ex, types,
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
	PERFORM set_config('enable_bitmapscan', bitmaps, true);
END
$$;
COMMENT ON FUNCTION search_rdata IS
	'DNSDB Flex search over rdata values: regex or glob, rrtype, time fences, exclude, paging';
