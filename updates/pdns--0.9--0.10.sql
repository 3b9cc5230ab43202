-- pdns 0.9 -> 0.10: regex and glob search (docs/search.md): the search
-- tables searchable_names and searchable_rdata under pg_trgm indexes
-- (filled here from the RRsets stored; compaction keeps them), and
-- search_rrnames() and search_rdata().  Needs pg_trgm: CREATE EXTENSION
-- pg_trgm first.
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
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	RETURN QUERY SELECT * FROM pdns.rrnames_matching(pdns.search_pattern(pattern, method),
		CASE WHEN exclude <> '' THEN pdns.search_pattern(exclude, method) END, pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
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
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	sensor_id integer := CASE WHEN sensor <> '' THEN pdns._sensor_filter(sensor) END;
BEGIN
	RETURN QUERY SELECT * FROM pdns.rdata_matching(pdns.search_pattern(pattern, method),
		CASE WHEN exclude <> '' THEN pdns.search_pattern(exclude, method) END, pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor, sensor_id);
END
$$;
COMMENT ON FUNCTION search_rdata IS
	'DNSDB Flex search over rdata values: regex or glob, rrtype, time fences, exclude, paging';

-- Compaction keeps the search tables.
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

	-- last: compactions take turns from here to their commit
	PERFORM pdns._record_first_sightings();

	DELETE FROM pdns.compactions c WHERE c.finished < started - interval '1 day';
	INSERT INTO pdns.compactions (finished, runs, lines, pending_rows, seconds, oldest_age)
	VALUES (pg_catalog.clock_timestamp(), runs_taken, lines, taken,
	        extract(epoch FROM pg_catalog.clock_timestamp() - started),
	        coalesce(pg_catalog.clock_timestamp() - oldest, interval '0'));
	RETURN taken;
END
$$;
