-- pdns 0.9 -> 0.10: regex and glob search (docs/search.md): the search
-- tables searchable_names and searchable_rdata under pg_trgm indexes
-- (filled here from the RRsets stored; compaction keeps them), and
-- search_rrnames() and search_rdata().  Needs pg_trgm: CREATE EXTENSION
-- pg_trgm first.  Rollups for dashboards (docs/signals.md): per period
-- and domain, month and domain, period and type, period and sensor (made
-- here from the history; compaction keeps them), top_new_domains().
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

CREATE FUNCTION element_octets(rrset) RETURNS bytea[]
	AS 'MODULE_PATHNAME', 'rrset_element_octets' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION element_octets(rrset) IS 'the wire octets of each rdata element of a set, in the order of rdata()';

-- The search indexes (docs/search.md): each owner name, and each rdata
-- element of every type but the DNSSEC ones, once, in the master-file form
-- that DNSDB's Flex search matches (names with their trailing dot), under
-- a trigram index (pg_trgm) that serves regular expressions and globs.
-- Compaction adds those of new RRsets; an RRset deleted takes along the
-- ones no other RRset holds.
CREATE TABLE searchable_names (
	name dnsname PRIMARY KEY,
	text text NOT NULL
);
CREATE INDEX searchable_names_trigrams ON searchable_names USING gin (text gin_trgm_ops);
ALTER TABLE searchable_names ALTER COLUMN text SET STATISTICS 1000;	-- (the planner tries patterns on its histogram)
COMMENT ON TABLE searchable_names IS 'each owner name once, as text with its trailing dot, for regex and glob search';

-- hash is element_hash() of the element's wire octets: the key of
-- rdata_elements, which leads from a value to its RRsets (the octets
-- settle which of them hold it).  Two values of one type with the same
-- 64-bit hash would share a row: the second would not be searchable.
CREATE TABLE searchable_rdata (
	hash bigint NOT NULL,
	rrtype rrtype NOT NULL,
	octets bytea NOT NULL,
	value text NOT NULL,
	PRIMARY KEY (hash, rrtype)
);
CREATE INDEX searchable_rdata_trigrams ON searchable_rdata USING gin (value gin_trgm_ops);
ALTER TABLE searchable_rdata ALTER COLUMN value SET STATISTICS 1000;
COMMENT ON TABLE searchable_rdata IS 'each rdata element once per type (DNSSEC types aside), as presentation text, for regex and glob search';

-- The names and rdata values of the RRsets stored so far.
INSERT INTO searchable_names (name, text)
SELECT DISTINCT r.rrname, fqdn(r.rrname) FROM rrsets r ORDER BY 1;
INSERT INTO searchable_rdata (hash, rrtype, octets, value)
SELECT DISTINCT ON (e.hash, r.rrtype) e.hash, r.rrtype, e.octets, e.value
FROM rrsets r, unnest(element_hashes(r.rdata), element_octets(r.rdata), rdata(r.rdata)) e(hash, octets, value)
WHERE r.rrtype::integer <> ALL (dnssec_rrtypes()::integer[])
ORDER BY 1, 2;
ANALYZE searchable_names, searchable_rdata;
SELECT pg_catalog.pg_extension_config_dump('searchable_names', '');
SELECT pg_catalog.pg_extension_config_dump('searchable_rdata', '');
GRANT SELECT ON searchable_names, searchable_rdata TO pdns_analyst;

-- An RRset deleted (or truncated) takes its search entries along.
-- The search entries that no RRset holds any longer, of the owner names
-- and rdata sets of RRsets just deleted.  (SQL-standard: the comparisons
-- of the types are bound here, the trigger below pins its search_path.)
CREATE FUNCTION _forget_searchable(names dnsname[], sets rrset[]) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	DELETE FROM searchable_names s
	WHERE s.name = ANY (names) AND NOT EXISTS (SELECT FROM rrsets r WHERE r.rrname = s.name);
	DELETE FROM searchable_rdata s
	USING (SELECT DISTINCT h, rrtype(x) AS rrtype FROM unnest(sets) x, unnest(element_hashes(x)) h) g
	WHERE s.hash = g.h AND s.rrtype = g.rrtype
	  AND NOT EXISTS (SELECT FROM rdata_elements e JOIN rrsets r ON r.key = e.rrset_key
	                  WHERE e.hash = s.hash AND r.rrtype = s.rrtype AND contains_element(r.rdata, s.octets));
END;
REVOKE EXECUTE ON FUNCTION _forget_searchable(dnsname[], rrset[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION _rrsets_deleted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.rdata_addresses d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_names d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_elements d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rrset_sensors d USING gone g WHERE d.rrset_key = g.key;
	PERFORM pdns._forget_searchable(ARRAY(SELECT DISTINCT g.rrname FROM gone g),
	                                ARRAY(SELECT g.rdata FROM gone g));
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION _rrsets_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- (not TRUNCATE: the statement that fired this may be truncating them)
	DELETE FROM pdns.rdata_addresses;
	DELETE FROM pdns.rdata_names;
	DELETE FROM pdns.rdata_elements;
	DELETE FROM pdns.rrset_sensors;
	DELETE FROM pdns.searchable_names;
	DELETE FROM pdns.searchable_rdata;
	RETURN NULL;
END
$$;

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
		WHERE a.count IS NOT NULL
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

-- Rollups for dashboards (docs/signals.md, "Rollups"): per period (the
-- store's partition period) and registered domain, per period and RR type,
-- per period and sensor, and per calendar month and registered domain:
-- how much was seen, kept by compaction from the rows it merges, in the same
-- transaction.  Counts are exact sums; distinct names, RRsets and clients
-- are HyperLogLog sketches (hll, 2 048 registers, as client_counts keeps
-- them), which unite exactly: a rollup's sketch is the sketch of all its
-- rows, whichever compactions brought them.  rebuild_rollups() makes them
-- anew from the history tier (observations, negative_observations,
-- client_counts) and first_sightings.
--
-- What a row counts:
--   names        distinct owner names with an RRset observed in the period
--   rrsets       distinct RRsets observed
--   observations the observations' counts summed
--   negatives    negative answers (NXDOMAIN, NODATA, failures) summed
--   clients      distinct clients that asked (by their pseudonyms' hashes;
--                only when record_clients keeps counts)
--   new_names    owner names first seen (by any sensor) in the period
-- A name that is itself a public suffix counts under its own name.

CREATE TABLE domain_rollups (
	period timestamptz NOT NULL,
	domain dnsname NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	new_names bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (period, domain)
) WITH (fillfactor = 80);
COMMENT ON TABLE domain_rollups IS
	'per period and registered domain: names, RRsets, observations, negative answers, clients, new names (kept by compaction)';

CREATE TABLE domain_month_rollups (
	month timestamptz NOT NULL,
	domain dnsname NOT NULL,
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	new_names bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (month, domain)
) WITH (fillfactor = 80);
COMMENT ON TABLE domain_month_rollups IS
	'per calendar month (UTC) and registered domain: observations, negative answers, new names (kept by compaction)';

CREATE TABLE rrtype_rollups (
	period timestamptz NOT NULL,
	rrtype rrtype NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	PRIMARY KEY (period, rrtype)
) WITH (fillfactor = 80);
COMMENT ON TABLE rrtype_rollups IS
	'per period and RR type: names, RRsets, observations, negative answers, clients (kept by compaction)';

CREATE TABLE sensor_rollups (
	period timestamptz NOT NULL,
	sensor_id integer NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	PRIMARY KEY (period, sensor_id)
) WITH (fillfactor = 80);
COMMENT ON TABLE sensor_rollups IS
	'per period and sensor: names, RRsets, observations, negative answers, clients (kept by compaction)';

SELECT pg_catalog.pg_extension_config_dump('domain_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('domain_month_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('rrtype_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('sensor_rollups', '');

-- The month of a period (UTC, as periods are).
CREATE FUNCTION _month_of(period timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_catalog.date_trunc('month', period, 'UTC') $$;

-- Add history rows to the rollups: source is a query of rows (period,
-- rrname, rrtype, sensor_id, name_hash, key_hash, observations, negatives,
-- clients), one per row of the history tier (_rollup_source), summed here
-- in one pass per period and domain, type and sensor (grouping sets), and
-- merged into each table in key order like every merge.  Used by
-- compaction for what it merges and by rebuild_rollups() for the whole
-- history.
CREATE FUNCTION _rollup_add(source text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	h text := pdns._hll_schema();
	-- the merge of one kind of sums (a grouping set) into its table
	merge text := $q$
		INSERT INTO pdns.%2$I AS d (period, %3$I, names, rrsets, observations, negatives, clients)
		SELECT x.period, x.%3$I, x.names, x.rrsets, x.observations, x.negatives, x.clients
		FROM sums x WHERE x.kind = %4$s ORDER BY 1, 2
		ON CONFLICT (period, %3$I) DO UPDATE SET
			names = %1$s.hll_union(d.names, excluded.names), rrsets = %1$s.hll_union(d.rrsets, excluded.rrsets),
			observations = pdns._count_add(d.observations, excluded.observations),
			negatives = pdns._count_add(d.negatives, excluded.negatives),
			clients = %1$s.hll_union(d.clients, excluded.clients)$q$;
BEGIN
	-- Compactions take turns from here to their commit: the rows of a
	-- period's types and sensors are few and every compaction adds to
	-- them, and the new names (_record_first_sightings, later in the same
	-- transaction) add to domains.
	LOCK TABLE pdns.domain_rollups IN SHARE ROW EXCLUSIVE MODE;
	-- (kind: GROUPING()'s bits of the columns a set leaves out)
	EXECUTE format($q$
		WITH sums AS MATERIALIZED (
			SELECT s.period, coalesce(pdns.registered_domain(s.rrname), s.rrname) AS domain, s.rrtype, s.sensor_id,
			       GROUPING(coalesce(pdns.registered_domain(s.rrname), s.rrname), s.rrtype, s.sensor_id) AS kind,
			       coalesce(%1$s.hll_add_agg(s.name_hash, 11, 5, 0, 1) FILTER (WHERE s.name_hash IS NOT NULL),
			                %1$s.hll_empty(11, 5, 0, 1)) AS names,
			       coalesce(%1$s.hll_add_agg(s.key_hash, 11, 5, 0, 1) FILTER (WHERE s.key_hash IS NOT NULL),
			                %1$s.hll_empty(11, 5, 0, 1)) AS rrsets,
			       coalesce(pdns._count_sum(s.observations), 0) AS observations,
			       coalesce(pdns._count_sum(s.negatives), 0) AS negatives,
			       coalesce(%1$s.hll_union_agg(s.clients), %1$s.hll_empty(11, 5, 0, 1)) AS clients
			FROM (%2$s) s
			GROUP BY GROUPING SETS ((s.period, coalesce(pdns.registered_domain(s.rrname), s.rrname)),
			                        (s.period, s.rrtype), (s.period, s.sensor_id))
		), domains AS (%3$s
		), months AS (
			INSERT INTO pdns.domain_month_rollups AS d (month, domain, observations, negatives)
			SELECT pdns._month_of(x.period), x.domain, pdns._count_sum(x.observations), pdns._count_sum(x.negatives)
			FROM sums x WHERE x.kind = 3 GROUP BY 1, 2 ORDER BY 1, 2
			ON CONFLICT (month, domain) DO UPDATE SET
				observations = pdns._count_add(d.observations, excluded.observations),
				negatives = pdns._count_add(d.negatives, excluded.negatives)
		), types AS (%4$s
		)%5$s$q$,
		h, source, format(merge, h, 'domain_rollups', 'domain', 3), format(merge, h, 'rrtype_rollups', 'rrtype', 5),
		format(merge, h, 'sensor_rollups', 'sensor_id', 6));
END
$$;

-- The rows of the history tier, as _rollup_add takes them: the
-- observations (with their RRsets' names and types, hashed for the
-- sketches), the negative answers and the client sketches.  The names are
-- of tables or scratch tables of the history tier's shape.
CREATE FUNCTION _rollup_source(observations text, negatives text, client_counts text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT format($q$
		SELECT o.period, r.rrname, r.rrtype, o.sensor_id, %4$s.hll_hash_any(r.rrname) AS name_hash,
		       %4$s.hll_hash_any(o.rrset_key) AS key_hash, o.count AS observations, NULL::bigint AS negatives,
		       NULL::%4$s.hll AS clients
		FROM %1$s o JOIN pdns.rrsets r ON r.key = o.rrset_key
		UNION ALL
		SELECT n.period, n.rrname, n.rrtype, n.sensor_id, NULL, NULL, NULL, n.count, NULL FROM %2$s n
		UNION ALL
		SELECT c.period, c.rrname, c.rrtype, c.sensor_id, NULL, NULL, NULL, NULL, c.clients FROM %3$s c$q$,
		observations, negatives, client_counts, pdns._hll_schema())
$$;

-- Called by _compact_runs, in its transaction: the rows it merged (its
-- scratch tables).
CREATE FUNCTION _rollup_compacted() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pdns._rollup_add(pdns._rollup_source('pg_temp._compact_observations',
		'pg_temp._compact_negative_observations', 'pg_temp._compact_client_counts'));
END
$$;

-- New names: called by _record_first_sightings with the names whose first
-- sighting by any sensor it added or moved earlier, and the first sighting
-- each had before (NULL for a new name): each counts in the period (and
-- month) of its first sighting, and no longer in that of the old one.
CREATE FUNCTION _rollup_new_names(names dnsname[], seen timestamptz[], seen_before timestamptz[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	WITH moves AS (
		SELECT coalesce(pdns.registered_domain(m.name), m.name) AS domain, pdns._period_start(m.seen) AS period,
		       1 AS n
		FROM unnest(names, seen, seen_before) m(name, seen, seen_before)
		UNION ALL
		SELECT coalesce(pdns.registered_domain(m.name), m.name), pdns._period_start(m.seen_before), -1
		FROM unnest(names, seen, seen_before) m(name, seen, seen_before)
		WHERE m.seen_before IS NOT NULL
	), per_period AS (
		SELECT m.period, m.domain, sum(m.n)::bigint AS n FROM moves m GROUP BY 1, 2 HAVING sum(m.n) <> 0
	), per_month AS (
		SELECT pdns._month_of(m.period) AS month, m.domain, sum(m.n)::bigint AS n
		FROM moves m GROUP BY 1, 2 HAVING sum(m.n) <> 0
	), months AS (
		INSERT INTO pdns.domain_month_rollups AS d (month, domain, new_names)
		SELECT p.month, p.domain, p.n FROM per_month p ORDER BY 1, 2
		ON CONFLICT (month, domain) DO UPDATE SET new_names = d.new_names + excluded.new_names
	)
	INSERT INTO pdns.domain_rollups AS d (period, domain, new_names)
	SELECT p.period, p.domain, p.n FROM per_period p ORDER BY 1, 2
	ON CONFLICT (period, domain) DO UPDATE SET new_names = d.new_names + excluded.new_names;
END
$$;

-- Make the rollups anew from the history tier and first_sightings (after
-- a change of the Public Suffix List, say).  Rows of periods whose history
-- the retention dropped are gone afterwards.
CREATE FUNCTION rebuild_rollups() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '256MB'
AS $$
BEGIN
	LOCK TABLE pdns.domain_rollups, pdns.domain_month_rollups, pdns.rrtype_rollups, pdns.sensor_rollups
		IN EXCLUSIVE MODE;
	-- (compaction adds to the rollups under this lock: none runs meanwhile)
	DELETE FROM pdns.domain_rollups;
	DELETE FROM pdns.domain_month_rollups;
	DELETE FROM pdns.rrtype_rollups;
	DELETE FROM pdns.sensor_rollups;
	PERFORM pdns._rollup_add(pdns._rollup_source('pdns.observations', 'pdns.negative_observations',
	                                             'pdns.client_counts'));
	PERFORM pdns._rollup_new_names(array_agg(f.subject), array_agg(f.first_seen),
	                               array_fill(NULL::timestamptz, ARRAY[count(*)::integer]))
	FROM pdns.first_sightings f WHERE NOT f.is_domain AND f.sensor_id IS NULL;
END
$$;
COMMENT ON FUNCTION rebuild_rollups() IS 'make the rollups anew from the history tier and first_sightings';

-- The dashboard's question: the registered domains with the most new names
-- in a month (the current one by default), from domain_month_rollups.
CREATE FUNCTION top_new_domains(month timestamptz DEFAULT now(), max_results integer DEFAULT 20)
RETURNS TABLE (domain dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT d.domain, d.new_names, d.observations, d.negatives
	FROM domain_month_rollups d
	WHERE d.month = date_trunc('month', top_new_domains.month, 'UTC') AND d.new_names > 0
	ORDER BY d.new_names DESC, d.domain
	LIMIT max_results;
END;
COMMENT ON FUNCTION top_new_domains(timestamptz, integer) IS
	'the registered domains with the most names first seen in a month';

GRANT SELECT ON domain_rollups, domain_month_rollups, rrtype_rollups, sensor_rollups TO pdns_analyst;
REVOKE EXECUTE ON FUNCTION rebuild_rollups() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rebuild_rollups() TO pdns_admin;

-- The rollups of the history stored so far (and of first_sightings).
SELECT rebuild_rollups();

-- (as 99_privileges does for every internal function)
REVOKE EXECUTE ON FUNCTION _month_of(timestamptz), _rollup_add(text), _rollup_source(text, text, text),
	_rollup_compacted(), _rollup_new_names(dnsname[], timestamptz[], timestamptz[])
	FROM PUBLIC;

-- The first sightings add their new names to the rollups, and keep the
-- first sighting a late one replaced.
ALTER TABLE first_sightings ADD COLUMN moved_from timestamptz;
COMMENT ON COLUMN first_sightings.moved_from IS
	'the first sighting known before late data moved it back (NULL if it never moved)';
CREATE OR REPLACE FUNCTION _record_first_sightings() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	moved_names pdns.dnsname[];
	moved_seen timestamptz[];
	seen_before timestamptz[];
BEGIN
	IF NOT EXISTS (SELECT FROM pg_temp._compact_first_seen) THEN
		RETURN;
	END IF;
	LOCK TABLE pdns.first_sightings IN SHARE ROW EXCLUSIVE MODE;
	-- each name's earliest pair per sensor first (the other three kinds of
	-- row are read from these), then one insert per kind
	WITH per_sensor AS MATERIALIZED (
		SELECT n.name, n.sensor_id, n.time_first, n.rrset_key,
		       coalesce(pdns.registered_domain(n.name), n.name) AS domain
		FROM (SELECT DISTINCT ON (r.rrname, c.sensor_id) r.rrname AS name, c.sensor_id, c.time_first,
		             c.rrset_key
		      FROM pg_temp._compact_first_seen c JOIN pdns.rrsets r ON r.key = c.rrset_key
		      ORDER BY r.rrname, c.sensor_id, c.time_first, c.rrset_key) n
	), names AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT p.name, false, p.sensor_id, p.time_first, p.rrset_key FROM per_sensor p
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	), names_any AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.name) p.name, false, NULL::integer, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.name, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
		RETURNING f.subject, f.first_seen, f.moved_from
	), domains AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.domain, p.sensor_id) p.domain, true, p.sensor_id, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.domain, p.sensor_id, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	), domains_any AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.domain) p.domain, true, NULL::integer, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.domain, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	)
	SELECT array_agg(n.subject), array_agg(n.first_seen), array_agg(n.moved_from)
	INTO moved_names, moved_seen, seen_before
	FROM names_any n;
	PERFORM pdns._rollup_new_names(moved_names, moved_seen, seen_before);
END
$$;

-- Compaction keeps the search tables and the rollups.
CREATE OR REPLACE FUNCTION _compact_runs(run_list bigint[], exclusive boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sums and sorts by key stay in memory
AS $$
DECLARE
	started timestamptz := pg_catalog.clock_timestamp();
	taken bigint := 0;
	runs_taken integer;
	lines bigint;
	oldest timestamptz;
	periods timestamptz[];
	obs_parts text[];
	neg_parts text[];
	client_parts text[];
	count_parts text[];
	client_log boolean := (SELECT s.record_clients = 'log' FROM pdns.settings s);
BEGIN
	IF run_list IS NULL OR cardinality(run_list) = 0 THEN
		RETURN 0;
	END IF;
	WITH gone AS (DELETE FROM pdns.runs r WHERE r.id = ANY (run_list) RETURNING r.lines, r.created)
	SELECT count(*), coalesce(sum(g.lines), 0), min(g.created) INTO runs_taken, lines, oldest FROM gone g;

	-- The per-period rows first, summed in this session's scratch tables;
	-- then the partitions they need (making one takes strong locks, best
	-- taken before any row lock of the store).
	taken := taken + pdns._compact_take('observations', run_list);
	taken := taken + pdns._compact_take('negative_observations', run_list);
	taken := taken + pdns._compact_take('client_observations', run_list);
	taken := taken + pdns._compact_take('client_counts', run_list);
	SELECT array_agg(p ORDER BY p) INTO periods
	FROM (SELECT period FROM pg_temp._compact_observations
	      UNION SELECT period FROM pg_temp._compact_negative_observations
	      UNION SELECT period FROM pg_temp._compact_client_observations
	      UNION SELECT period FROM pg_temp._compact_client_counts) u(p);
	SELECT array_agg(partition_table ORDER BY period) INTO obs_parts
	FROM pdns._partitions('pdns.observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO neg_parts
	FROM pdns._partitions('pdns.negative_observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO count_parts
	FROM pdns._partitions('pdns.client_counts', periods);
	IF client_log THEN
		SELECT array_agg(partition_table ORDER BY period) INTO client_parts
		FROM pdns._partitions('pdns.client_observations', periods);
	END IF;

	IF exclusive THEN
		PERFORM pdns._store_write_lock();
	ELSE
		PERFORM FROM pdns.settings FOR SHARE;
	END IF;

	WITH taken_rows AS (
		DELETE FROM pdns.pending_rrsets p WHERE p.run_id = ANY (run_list)
		RETURNING p.key, p.rrname, p.rrtype, p.bailiwick, p.rdata, p.time_first, p.time_last,
		          p.count, p.lossy
	), delta AS (
		SELECT t.key, pdns._any(t.rrname) AS rrname, pdns._any(t.rrtype) AS rrtype,
		       pdns._any(t.bailiwick) AS bailiwick, pdns._any(t.rdata) AS rdata,
		       min(t.time_first) AS time_first, max(t.time_last) AS time_last,
		       pdns._count_sum(t.count) AS count, pdns._any(t.lossy) AS lossy,
		       count(*) AS rows
		FROM taken_rows t GROUP BY t.key
	), merged AS (
		INSERT INTO pdns.rrsets AS r (key, rrname, rrtype, bailiwick, rdata, time_first, time_last,
		                              count, lossy)
		SELECT d.key, d.rrname, d.rrtype, d.bailiwick, d.rdata, d.time_first, d.time_last, d.count,
		       d.lossy
		FROM delta d ORDER BY d.key
		ON CONFLICT (key) DO UPDATE SET
			time_first = least(r.time_first, excluded.time_first),
			time_last = greatest(r.time_last, excluded.time_last),
			count = pdns._count_add(r.count, excluded.count)
		RETURNING r.key, r.rrname, r.rrtype, r.rdata, (r.xmax = 0) AS created
	), new AS (
		SELECT * FROM merged WHERE created
	-- Rows for new RRsets only: no other transaction can be adding these
	-- keys (a concurrent one waited for this one and found the RRset), and
	-- a deleted RRset took its rows along (_rrsets_deleted), so plain
	-- inserts, without the cost of conflict checks.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, n.key FROM new n, unnest(pdns.addresses(n.rdata)) a
		ORDER BY 1, 2
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT x, n.rrtype, n.key FROM new n, unnest(pdns.names(n.rdata)) x
		ORDER BY 1, 2, 3
	), elements AS (
		INSERT INTO pdns.rdata_elements (hash, rrset_key)
		SELECT DISTINCT h, n.key FROM new n, unnest(pdns.element_hashes(n.rdata)) h
		ORDER BY 1, 2
	-- the search indexes: the names and rdata elements of new RRsets that
	-- no RRset held before (a concurrent compaction may add the same: the
	-- conflict check is needed here)
	), names_searchable AS (
		INSERT INTO pdns.searchable_names (name, text)
		SELECT DISTINCT n.rrname, pdns.fqdn(n.rrname) FROM new n
		ORDER BY 1
		ON CONFLICT DO NOTHING
	), rdata_searchable AS (
		INSERT INTO pdns.searchable_rdata (hash, rrtype, octets, value)
		SELECT DISTINCT ON (e.hash, n.rrtype) e.hash, n.rrtype, e.octets, e.value
		FROM new n,
		     unnest(pdns.element_hashes(n.rdata), pdns.element_octets(n.rdata), pdns.rdata(n.rdata))
		         e(hash, octets, value)
		WHERE n.rrtype::integer <> ALL (pdns.dnssec_rrtypes()::integer[])
		ORDER BY 1, 2
		ON CONFLICT DO NOTHING
	)
	SELECT taken + coalesce(sum(d.rows), 0) INTO taken FROM delta d;

	PERFORM pdns._compact_put('observations', obs_parts, periods, '{rrset_key, period, sensor_id}');
	-- the all-time aggregate per sensor, from the same per-period sums; the
	-- pairs this compaction saw first (new, or seen earlier than known) are
	-- kept aside for the first sightings of names and domains
	PERFORM pdns._scratch_first_seen();
	WITH batch AS (
		SELECT o.rrset_key, o.sensor_id, min(o.time_first) AS time_first, max(o.time_last) AS time_last,
		       pdns._count_sum(o.count) AS count
		FROM pg_temp._compact_observations o
		GROUP BY o.rrset_key, o.sensor_id
	), merged AS (
		INSERT INTO pdns.rrset_sensors AS s (rrset_key, sensor_id, time_first, time_last, count)
		SELECT b.rrset_key, b.sensor_id, b.time_first, b.time_last, b.count
		FROM batch b
		ORDER BY b.rrset_key, b.sensor_id
		ON CONFLICT (rrset_key, sensor_id) DO UPDATE SET
			time_first = least(s.time_first, excluded.time_first),
			time_last = greatest(s.time_last, excluded.time_last),
			count = pdns._count_add(s.count, excluded.count)
		RETURNING s.rrset_key, s.sensor_id, s.time_first
	)
	INSERT INTO pg_temp._compact_first_seen (rrset_key, sensor_id, time_first)
	SELECT m.rrset_key, m.sensor_id, m.time_first
	FROM merged m JOIN batch b ON b.rrset_key = m.rrset_key AND b.sensor_id = m.sensor_id
	WHERE m.time_first = b.time_first;
	PERFORM pdns._compact_put('negative_observations', neg_parts, periods,
	                          '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._rollup_negatives();
	PERFORM pdns._compact_put('client_counts', count_parts, periods, '{rrname, rrtype, period, sensor_id}');
	IF client_log THEN
		PERFORM pdns._compact_append('client_observations', client_parts, periods);
	END IF;

	-- last: compactions take turns from here to their commit (the rollups,
	-- then the first sightings, which add their new names to the rollups)
	PERFORM pdns._rollup_compacted();
	PERFORM pdns._record_first_sightings();

	DELETE FROM pdns.compactions c WHERE c.finished < started - interval '1 day';
	INSERT INTO pdns.compactions (finished, runs, lines, pending_rows, seconds, oldest_age)
	VALUES (pg_catalog.clock_timestamp(), runs_taken, lines, taken,
	        extract(epoch FROM pg_catalog.clock_timestamp() - started),
	        coalesce(pg_catalog.clock_timestamp() - oldest, interval '0'));
	RETURN taken;
END
$$;
