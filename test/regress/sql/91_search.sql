-- Regex and glob search (docs/search.md): searchable_names and
-- searchable_rdata, kept by compaction; search_rrnames() and search_rdata()
-- against a recomputation from the RRsets, by the trigram index and by the
-- sequential scan, in pages; fences, types, exclude, sensors; bad patterns.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';

-- an error as its SQLSTATE, message and detail
CREATE FUNCTION pg_temp.fails(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
	detail text;
BEGIN
	EXECUTE q;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	RETURN state || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END
$$;

-- Globs as regular expressions.
SELECT g, glob_to_regex(g) FROM unnest(ARRAY['*.example.com.', 'www?.ex[!a-c]mple.*', 'a[]b]c', '[[:digit:]x-z]*',
	'\*literal\?', 'a.b+c(d)|e{2}$^', '[\^]']) g;
SELECT 'WWW.Example.COM.' ~* glob_to_regex('*.example.com.') AS glob_ignores_case,
       'example.com.' ~* glob_to_regex('*.example.com.') AS star_dot_needs_a_label,
       'xexample.com.' ~* glob_to_regex('*example.com.') AS star_is_any_text;
SELECT pg_temp.fails($$SELECT glob_to_regex('abc[def')$$);
SELECT pg_temp.fails($$SELECT glob_to_regex('abc\')$$);
SELECT pg_temp.fails($$SELECT glob_to_regex('[[:word:]]')$$);
SELECT pg_temp.fails($$SELECT glob_to_regex('[[.a.]]')$$);
SELECT pg_temp.fails($$SELECT * FROM search_rrnames('')$$);
SELECT pg_temp.fails($$SELECT * FROM search_rrnames('x', 'fuzzy')$$);
SELECT pg_temp.fails($$SELECT * FROM search_rrnames('(unclosed')$$);
SELECT pg_temp.fails($$SELECT * FROM search_rdata('x', sensor => 'no-such-sensor')$$);
SELECT pg_temp.fails($$SELECT search_estimate('x', kind => 'names')$$);

-- A store: names and rdata of this test end in -sr.example.
CREATE FUNCTION pg_temp.lines(VARIADIC l text[]) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT format(E'%s\t%s\t\t\t%s\t%s\tIN\t300\t%s',
	              extract(epoch FROM split_part(x, '|', 1)::timestamptz), split_part(x, '|', 2),
	              split_part(x, '|', 3), split_part(x, '|', 4), split_part(x, '|', 5))
	FROM unnest(l) x
$$;
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-05-01 10:00|sr-a|www.alpha-sr.example|A|192.0.2.10',
	'2024-05-01 10:00|sr-a|www.alpha-sr.example|A|192.0.2.10',
	'2024-05-02 10:00|sr-b|www.alpha-sr.example|A|192.0.2.11',
	'2024-05-01 11:00|sr-a|mail.alpha-sr.example|A|192.0.2.20',
	'2024-05-01 11:00|sr-a|mail.alpha-sr.example|MX|10 mx1.alpha-sr.example.',
	'2024-05-03 11:00|sr-b|alpha-sr.example|MX|20 mx2.alpha-sr.example.',
	'2024-05-01 12:00|sr-a|alpha-sr.example|TXT|"v=spf1 include:_spf.alpha-sr.example -all"',
	'2024-05-04 12:00|sr-b|beta-sr.example|TXT|"V=SPF1 include:_spf.beta-sr.example ~all"',
	'2024-05-04 12:00|sr-b|beta-sr.example|NS|ns1.alpha-sr.example.',
	'2024-05-05 12:00|sr-a|cdn.beta-sr.example|CNAME|edge.alpha-sr.example.',
	'2024-05-06 12:00|sr-a|x7f3k9q2.beta-sr.example|A|192.0.2.99',
	'2024-05-06 13:00|sr-a|x7f3k9q2.beta-sr.example|AAAA|2001:db8::99',
	'2024-06-01 12:00|sr-b|x7f3k9q2.beta-sr.example|A|192.0.2.99',
	'2024-05-07 12:00|sr-a|gamma-sr.example|DNSKEY|257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3',
	'2024-05-07 12:00|sr-a|gamma-sr.example|A|198.51.100.7');
CALL compact();

-- The search tables hold each name and (non-DNSSEC) rdata value once:
-- exactly what the RRsets give.
SELECT (SELECT count(*) FROM searchable_names WHERE text LIKE '%-sr.example.') AS names,
       (SELECT count(*) FROM searchable_rdata v WHERE EXISTS (
            SELECT FROM rdata_elements e JOIN rrsets r ON r.key = e.rrset_key
            WHERE e.hash = v.hash AND r.rrname::text LIKE '%-sr.example')) AS rdata_values;
SELECT (SELECT array_agg(name ORDER BY name) FROM searchable_names)
     = (SELECT array_agg(DISTINCT rrname ORDER BY rrname) FROM rrsets) AS names_are_the_owners,
       (SELECT bool_and(text = fqdn(name)) FROM searchable_names) AS names_have_their_dot,
       (SELECT array_agg(ROW(hash, rrtype, value) ORDER BY hash, rrtype) FROM searchable_rdata)
     = (SELECT array_agg(DISTINCT ROW(e.hash, r.rrtype, e.value) ORDER BY ROW(e.hash, r.rrtype, e.value))
        FROM rrsets r, unnest(element_hashes(r.rdata), rdata(r.rdata)) e(hash, value)
        WHERE r.rrtype <> ALL (dnssec_rrtypes())) AS rdata_are_the_elements;

-- Names: regex anywhere, case-insensitively; globs whole.
SELECT rrname, rrtype, time_first, time_last, count, truncated
FROM search_rrnames('ALPHA-sr\.');
SELECT rrname, rrtype FROM search_rrnames('*.beta-sr.example.', 'glob');
SELECT rrname, rrtype FROM search_rrnames('beta-sr.example.', 'glob');
SELECT rrname, rrtype FROM search_rrnames('beta-sr.example', 'glob') AS no_dot_no_match;
SELECT rrname, rrtype FROM search_rrnames('^[a-z][0-9][a-z0-9]{6}\.', rrtype => 'AAAA');
SELECT rrname, rrtype FROM search_rrnames('-sr\.example\.$', exclude => '^(www|mail)\.');
-- ANY leaves DNSSEC out, ANY-DNSSEC asks for it
SELECT rrname, rrtype FROM search_rrnames('^gamma-sr\.');
SELECT rrname, rrtype FROM search_rrnames('^gamma-sr\.', rrtype => 'ANY-DNSSEC');
-- fences apply to the name and type's first and last sighting
SELECT rrname, rrtype, time_first, time_last
FROM search_rrnames('-sr\.example\.$', time_first_after => '2024-05-04', time_last_before => '2024-05-31');
SELECT rrname, rrtype, time_last FROM search_rrnames('x7f3k9q2', time_last_after => '2024-05-31');
-- a sensor's own view: its RRsets, its first, last and count
SELECT rrname, rrtype, time_first, time_last, count FROM search_rrnames('^(www|x7f3k9q2)\.', sensor => 'sr-b');

-- Rdata: values with their wire octets as hex, to pivot to raw lookups.
SELECT rdata, rrtype, raw_rdata, count FROM search_rdata('spf1');
SELECT rdata, rrtype FROM search_rdata('*.alpha-sr.example.', 'glob');
SELECT rdata, rrtype FROM search_rdata('192.0.2.?9', 'glob', rrtype => 'A');
SELECT rdata, rrtype FROM search_rdata('-sr\.example\.$', rrtype => 'NS');
SELECT rdata, rrtype FROM search_rdata('AwEAA') AS dnssec_values_are_not_searched;
SELECT r.rrname, r.rrtype, r.rdata
FROM search_rdata('^20 mx2\.') s, lookup_rdata_raw(s.raw_rdata) r;

-- Truncation and pages: pages of 3 give every row once, in order.
SELECT count(*) AS rows, bool_and(truncated) AS all_truncated
FROM search_rrnames('-sr\.example\.$', max_results => 3);
CREATE FUNCTION pg_temp.paged(kind text, pattern text, page bigint) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	c text;
	got text[] := '{}';
	r record;
	n integer;
BEGIN
	LOOP
		n := 0;
		FOR r IN EXECUTE format('SELECT %s::text || ''/'' || rrtype AS v, cursor FROM pdns.search_%s(%L, max_results => %s, after_cursor => %L)',
		                        CASE kind WHEN 'rrnames' THEN 'rrname' ELSE 'rdata' END, kind, pattern, page, c)
		LOOP
			got := got || r.v;
			c := r.cursor;
			n := n + 1;
		END LOOP;
		EXIT WHEN n < page;
	END LOOP;
	RETURN got;
END
$$;
SELECT pg_temp.paged('rrnames', '-sr\.example\.$', 3)
     = (SELECT array_agg(rrname::text || '/' || rrtype) FROM search_rrnames('-sr\.example\.$')) AS name_pages,
       pg_temp.paged('rdata', 'sr\.example|192\.0\.2', 2)
     = (SELECT array_agg(rdata || '/' || rrtype) FROM search_rdata('sr\.example|192\.0\.2')) AS rdata_pages;

-- Against a recomputation from the RRsets, and the trigram index (no
-- sequential scans) against the sequential scan (no bitmap scans: GIN
-- has no other).
CREATE FUNCTION pg_temp.names_recomputed(rx text) RETURNS TABLE (rrname dnsname, rrtype rrtype,
	time_first timestamptz, time_last timestamptz, count bigint)
LANGUAGE sql AS $$
	SELECT r.rrname, r.rrtype, min(r.time_first), max(r.time_last), sum(r.count)::bigint
	FROM pdns.rrsets r WHERE pdns.fqdn(r.rrname) ~* rx AND r.rrtype <> ALL (pdns.dnssec_rrtypes())
	GROUP BY 1, 2 ORDER BY 1, 2
$$;
CREATE FUNCTION pg_temp.rdata_recomputed(rx text) RETURNS TABLE (rdata text, rrtype rrtype,
	time_first timestamptz, time_last timestamptz, count bigint)
LANGUAGE sql AS $$
	SELECT v, r.rrtype, min(r.time_first), max(r.time_last), sum(r.count)::bigint
	FROM pdns.rrsets r, unnest(pdns.rdata(r.rdata)) v
	WHERE v ~* rx AND r.rrtype <> ALL (pdns.dnssec_rrtypes())
	GROUP BY 1, 2 ORDER BY v COLLATE "C", 2
$$;
CREATE TEMP TABLE patterns (p text);
INSERT INTO patterns VALUES ('-sr\.example\.$'), ('^mail\.'), ('x7f3'), ('alpha'), ('spf1 include'),
	('^192\.0\.2\.'), ('\.$'), ('2001:db8::'), ('^10 ');
SET enable_seqscan = off;
CREATE TEMP TABLE by_index AS
SELECT p, 'names' AS kind, array_agg(ROW(s.rrname::text, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rrname, s.rrtype) AS got
FROM patterns, search_rrnames(p) s GROUP BY p
UNION ALL
SELECT p, 'rdata', array_agg(ROW(s.rdata, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rdata COLLATE "C", s.rrtype)
FROM patterns, search_rdata(p) s GROUP BY p;
RESET enable_seqscan;
SET enable_bitmapscan = off;
CREATE TEMP TABLE by_scan AS
SELECT p, 'names' AS kind, array_agg(ROW(s.rrname::text, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rrname, s.rrtype) AS got
FROM patterns, search_rrnames(p) s GROUP BY p
UNION ALL
SELECT p, 'rdata', array_agg(ROW(s.rdata, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rdata COLLATE "C", s.rrtype)
FROM patterns, search_rdata(p) s GROUP BY p;
RESET enable_bitmapscan;
CREATE TEMP TABLE recomputed AS
SELECT p, 'names' AS kind, array_agg(ROW(s.rrname::text, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rrname, s.rrtype) AS got
FROM patterns, pg_temp.names_recomputed(p) s GROUP BY p
UNION ALL
SELECT p, 'rdata', array_agg(ROW(s.rdata, s.rrtype, s.time_first, s.time_last, s.count)::text
	ORDER BY s.rdata COLLATE "C", s.rrtype)
FROM patterns, pg_temp.rdata_recomputed(p) s GROUP BY p;
SELECT p, kind, cardinality(r.got) > 0 AS found,
       i.got IS NOT DISTINCT FROM r.got AS index_is_recomputation,
       s.got IS NOT DISTINCT FROM r.got AS scan_is_recomputation
FROM recomputed r FULL JOIN by_index i USING (p, kind) FULL JOIN by_scan s USING (p, kind)
ORDER BY kind, p;
-- the join of every matching value at once (for pages that hold most of
-- very many) gives what the probes value by value give, page by page
SELECT p, (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching(search_pattern(p), max_results => 3) m)
        = (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching_all(search_pattern(p), max_results => 3) m)
          AS first_pages_agree,
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching(search_pattern(p), types => '{A}', max_results => 2,
                                                             after_cursor => (SELECT cursor FROM rdata_matching(search_pattern(p), types => '{A}', max_results => 2) OFFSET 1)) m)
        IS NOT DISTINCT FROM
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching_all(search_pattern(p), types => '{A}', max_results => 2,
                                                                 after_cursor => (SELECT cursor FROM rdata_matching_all(search_pattern(p), types => '{A}', max_results => 2) OFFSET 1)) m)
          AS next_pages_agree,
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching(search_pattern(p), first_after => '2024-05-04', sensor_id => (SELECT id FROM sensors WHERE name = 'sr-a')) m)
        IS NOT DISTINCT FROM
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching_all(search_pattern(p), first_after => '2024-05-04', sensor_id => (SELECT id FROM sensors WHERE name = 'sr-a')) m)
          AS fenced_per_sensor_agree,
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching(search_pattern(p), sensor_id => (SELECT id FROM sensors WHERE name = 'sr-a')) m)
        IS NOT DISTINCT FROM
       (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching_all(search_pattern(p), sensor_id => (SELECT id FROM sensors WHERE name = 'sr-a')) m)
          AS per_sensor_agree
FROM patterns WHERE p IN ('-sr\.example\.$', '^192\.0\.2\.', 'alpha', '\.$') ORDER BY p;
-- a sensor's view lists only the values it saw
SELECT count(*) AS values_seen, count(*) FILTER (WHERE time_first IS NULL OR count > 1000) AS not_seen
FROM search_rdata('.', sensor => 'sr-a');

-- the trigram indexes serve selective patterns (in a store this small,
-- only when neither a sequential scan nor the name order is cheaper)
SET enable_seqscan = off;
SET enable_indexscan = off;
CREATE FUNCTION pg_temp.plan_uses(query text, index_name text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line LIKE '%' || index_name || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
ANALYZE searchable_names, searchable_rdata;
SELECT pg_temp.plan_uses($$SELECT * FROM rrnames_matching('x7f3k9q2')$$, 'searchable_names_trigrams')
         AS names_by_trigrams,
       pg_temp.plan_uses($$SELECT * FROM rdata_matching('spf1 include:_spf\.beta')$$, 'searchable_rdata_trigrams')
         AS rdata_by_trigrams;
RESET enable_seqscan;
RESET enable_indexscan;
-- the planner's estimates, which choose the way a search reads
SELECT search_estimate('\.$') > 0 AS names_estimated,
       search_estimate('*', 'glob', 'rdata') > 0 AS rdata_estimated;
-- search_rdata() joins every match at once for a page that may hold more
-- than a fifth of all values (known once analyzed), when as many match
SELECT (SELECT reltuples > 0 FROM pg_class WHERE oid = 'searchable_rdata'::regclass) AS analyzed,
       (SELECT array_agg(ROW(s.*)::text) FROM search_rdata('\.$', max_results => 1000000) s)
     = (SELECT array_agg(ROW(m.*)::text) FROM rdata_matching(search_pattern('\.$'), max_results => 1000000) m)
       AS whole_answer_agrees;

-- An RRset deleted takes along the search entries no other RRset holds.
DELETE FROM rrsets WHERE rrname = 'gamma-sr.example';
SELECT (SELECT count(*) FROM searchable_names WHERE name = 'gamma-sr.example') AS gamma_name,
       (SELECT count(*) FROM searchable_rdata WHERE value = '198.51.100.7') AS gamma_address;
DELETE FROM rrsets WHERE rrname = 'www.alpha-sr.example' AND rdata = rrset('A', '{192.0.2.10}');
SELECT (SELECT count(*) FROM searchable_names WHERE name = 'www.alpha-sr.example') AS www_still_has_an_rrset,
       (SELECT count(*) FROM searchable_rdata WHERE value = '192.0.2.10') AS its_old_address,
       (SELECT count(*) FROM searchable_rdata WHERE value = '192.0.2.11') AS its_other_address;
