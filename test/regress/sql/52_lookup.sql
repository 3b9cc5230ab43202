-- Lookups with DNSDB semantics: names and wildcards, rrtypes, bailiwick,
-- rdata by name, address, range and raw octets, time fences, limits,
-- keyset pagination, summaries -- and the index scans beneath them.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

-- A store: three zones with hosts, mail, name servers, CNAMEs, DNSSEC,
-- seen at different times, plus a crowd of other names for the planner.
INSERT INTO ingest_text
SELECT format(E'%s\tlk\t\t\t%s\t%s\tIN\t300\t%s\t%s\t%s', t, n, ty, rd, bw, c) FROM (VALUES
	(1600000000, 'www.example.com', 'A', '192.0.2.1', 'example.com', 3),
	(1650000000, 'www.example.com', 'A', '192.0.2.2', 'example.com', 5),
	(1700000000, 'www.example.com', 'A', '192.0.2.2', 'example.com', 1),
	(1600000000, 'www.example.com', 'AAAA', '2001:db8::1', 'example.com', 2),
	(1600000000, 'example.com', 'NS', 'ns1.example.net.', 'com', 10),
	(1600000000, 'example.com', 'NS', 'ns2.example.net.', 'com', 10),
	(1600000000, 'example.com', 'MX', '10 mail.example.com.', 'example.com', 4),
	(1600000000, 'mail.example.com', 'A', '192.0.2.25', 'example.com', 4),
	(1620000000, 'cdn.example.com', 'CNAME', 'edge.cdn.example.net.', 'example.com', 7),
	(1620000000, 'a.b.example.com', 'A', '192.0.2.200', 'example.com', 1),
	(1620000000, 'example.com', 'DNSKEY', '257 3 8 AwEAAag=', 'example.com', 2),
	(1620000000, 'example.com', 'DS', '12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE', 'com', 2),
	(1620000000, 'www.example.net', 'A', '198.51.100.7', 'example.net', 6),
	(1620000000, 'www.example.org', 'A', '192.0.2.1', 'example.org', 1),
	(1620000000, 'www.badexample.com', 'A', '192.0.2.66', 'badexample.com', 1),
	(1620000000, 'ns1.example.net', 'A', '198.51.100.53', 'example.net', 9),
	(1620000000, 'example.com', 'TXT', '"v=spf1 -all"', 'example.com', 3),
	(1620000000, 'v6.example.com', 'AAAA', '2001:db8::ff', 'example.com', 1)
) v(t, n, ty, rd, bw, c);
-- the same www.example.com A record, also seen under an unknown bailiwick
INSERT INTO ingest_text VALUES (E'1610000000\tlk\t\t\twww.example.com\tA\tIN\t300\t192.0.2.1');
INSERT INTO ingest_text
SELECT format(E'%s\tlk\t\t\thost%s.zone%s.test\tA\tIN\t300\t10.%s.%s.%s\tzone%s.test', 1600000000 + i, i, i % 40,
              i % 200, i % 250, i % 256, i % 40)
FROM generate_series(1, 4000) i;
ANALYZE rrsets, rdata_addresses, rdata_names, rdata_elements;

-- rrset lookups: exact, left wildcard (names strictly below), right wildcard.
SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, truncated
FROM lookup_rrset('www.example.com');
SELECT rrname, rrtype, rdata, count FROM lookup_rrset('*.example.com');
SELECT rrname, rrtype, rdata, count FROM lookup_rrset('www.example.*');
-- rrtype filters and bailiwick
SELECT rrname, rrtype, rdata FROM lookup_rrset('example.com', 'NS');
SELECT rrname, rrtype, rdata FROM lookup_rrset('example.com', 'ANY-DNSSEC');
SELECT rrname, rrtype, bailiwick, rdata FROM lookup_rrset('www.example.com', 'A', 'example.com');
SELECT count(*) AS any_type FROM lookup_rrset('example.com', 'ANY');
-- label-exactness: badexample.com is not below example.com
SELECT count(*) FILTER (WHERE rrname::text LIKE '%badexample%') AS bad_matches FROM lookup_rrset('*.example.com');

-- rdata lookups
SELECT rrname, rrtype, rdata FROM lookup_rdata_name('ns1.example.net');
SELECT rrname, rrtype, rdata FROM lookup_rdata_name('*.example.net', 'NS');
SELECT rrname, rrtype, rdata FROM lookup_rdata_name('mail.example.*');
SELECT rrname, rrtype, rdata FROM lookup_rdata_ip('192.0.2.1');
SELECT rrname, rrtype, rdata FROM lookup_rdata_ip('192.0.2.0/24');
SELECT rrname, rrtype, rdata FROM lookup_rdata_ip('192.0.2.2-192.0.2.30');
SELECT rrname, rrtype, rdata FROM lookup_rdata_ip('2001:db8::/64');
SELECT rrname, rrtype, rdata FROM lookup_rdata_raw('c0000219');
SELECT rrname, rrtype, rdata FROM lookup_rdata_raw('0b763d73706631202d616c6c', 'TXT');

-- Time fences: DNSDB's four, and windows in loose (overlap) and strict
-- (contained) form.
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A', time_first_after => '2020-06-01');
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A', time_first_before => '2020-06-01');
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A', time_last_before => '2021-01-01');
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A', time_last_after => '1650000000');
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A',
	window_after => '2022-01-01', window_before => '2023-01-01');
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A',
	window_after => '2022-01-01', window_before => '2023-01-01', strict => true);
SELECT rdata, time_first, time_last FROM lookup_rrset('www.example.com', 'A',
	window_after => '2020-01-01', window_before => '2024-01-01', strict => true);
-- fences relative to now: negative seconds, or an interval before now
SELECT fence('-60') BETWEEN now() - interval '61 seconds' AND now() - interval '59 seconds' AS seconds_ago,
       fence('-7 days') = now() - interval '7 days' AS interval_ago,
       fence('3 days ago') = now() - interval '3 days' AS ago,
       fence(' -P2DT1H ') = now() - interval '2 days 1 hour' AS iso_ago,
       fence('P-2D') = now() - interval '2 days' AS iso_negative,
       fence('1600000000') = '2020-09-13 12:26:40+00' AS epoch,
       fence(' 1600000000.25 ') = '2020-09-13 12:26:40.25+00' AS epoch_fraction,
       fence('2020-09-13 12:26:40+00') = '2020-09-13 12:26:40+00' AS timestamp,
       fence(NULL) IS NULL AND fence('') IS NULL AND fence('  ') IS NULL AS no_fence;
SELECT count(*) AS seen_in_last_century FROM lookup_rrset('*.example.com', time_last_after => '-3153600000');
SELECT fence('next tuesday');
SELECT fence('-P7X');
SELECT fence('99999999999999999');

-- Limits: a truncated flag, and keyset pagination that visits each row once.
SELECT rrname, truncated FROM lookup_rrset('*.zone7.test', max_results => 3);
SELECT count(*) AS all_rows, bool_or(truncated) AS truncated FROM lookup_rrset('*.zone7.test');
CREATE TEMP TABLE pages (page integer, rrname dnsname, cursor text);
DO $$
DECLARE
	c text := NULL;
	p integer := 0;
	n integer;
BEGIN
	LOOP
		p := p + 1;
		INSERT INTO pages SELECT p, l.rrname, l.cursor
		FROM pdns.lookup_rrset('*.zone7.test', max_results => 30, after_cursor => c) l;
		GET DIAGNOSTICS n = ROW_COUNT;
		EXIT WHEN n < 30;
		SELECT cursor INTO c FROM pages WHERE page = p ORDER BY rrname DESC LIMIT 1;
		-- rows ingested between pages neither repeat nor hide earlier rows
		INSERT INTO pdns.ingest_text VALUES (format(E'1700000000\tlk\t\t\tlate%s.zone7.test\tA\t\t\t10.0.0.1', p));
	END LOOP;
END
$$;
SELECT count(DISTINCT page) AS pages, count(*) AS rows, count(DISTINCT rrname) AS distinct_rows,
       count(*) FILTER (WHERE rrname::text LIKE 'host%') AS original_rows
FROM pages;
SELECT (SELECT count(*) FROM lookup_rrset('*.zone7.test', time_first_before => '1699999999')) AS original_total,
       (SELECT count(*) FROM lookup_rrset('*.zone7.test')) AS total_now;
-- pagination of the other access paths
SELECT count(*) FROM lookup_rdata_ip('10.7.0.0/16', max_results => 5);
SELECT count(*) AS all_rows FROM lookup_rdata_ip('10.7.0.0/16');
WITH first AS (SELECT * FROM lookup_rdata_ip('10.7.0.0/16', max_results => 5)),
     second AS (SELECT * FROM lookup_rdata_ip('10.7.0.0/16', max_results => 5,
                  after_cursor => (SELECT cursor FROM first OFFSET 4)))
SELECT (SELECT count(*) FROM first) AS first_page, (SELECT count(*) FROM second) AS second_page,
       (SELECT count(*) FROM first JOIN second USING (rrname, rrtype)) AS overlap;

-- Every lookup, read in pages of 4, gives exactly the rows it gives in one
-- piece (the lookups plan once per session; each page starts at its cursor).
INSERT INTO pdns.ingest_text
SELECT format(E'1700000000\tpg\t\t\twww.s%s.page.test\tA\t\t\t10.9.0.%s', i, i) FROM generate_series(1, 25) i
UNION ALL
SELECT format(E'1700000000\tpg\t\t\ts%s.page.test\tNS\t\t\tns%s.dns%s.page.test.', i, i % 4, i % 3) FROM generate_series(1, 25) i
UNION ALL
-- (each a line of its own response: consecutive lines of one response are one RRset)
SELECT format(E'%s\tpg\t\t\ts7.page.test\tTXT\t\t\t"v%s"', 1700000000 + j, j) FROM generate_series(1, 6) j;
CREATE FUNCTION pg_temp.paged_as_whole(lookup text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	c text;
	page record;
	pages integer := 0;
	paged text[] := '{}';
	whole text[];
BEGIN
	EXECUTE format('SELECT array_agg(format(''%%s %%s %%s'', rrname, rrtype, rdata) ORDER BY ordinality) '
	               'FROM pdns.%s WITH ORDINALITY', format(lookup, 100000, NULL))
		INTO whole;
	LOOP
		EXECUTE format('SELECT count(*) AS n, array_agg(format(''%%s %%s %%s'', rrname, rrtype, rdata) ORDER BY ordinality) AS rows, '
		               '(array_agg(cursor ORDER BY ordinality DESC))[1] AS last FROM pdns.%s WITH ORDINALITY',
		               format(lookup, 4, c))
			INTO page;
		pages := pages + 1;
		paged := paged || coalesce(page.rows, '{}');
		EXIT WHEN page.n < 4;
		c := page.last;
	END LOOP;
	RETURN format('%s rows in %s pages, the same rows as in one piece: %s', cardinality(paged), pages,
	              paged = whole);
END
$$;
SELECT l AS lookup, pg_temp.paged_as_whole(l) FROM (VALUES
	('lookup_rrset(''*.page.test'', max_results => %s, after_cursor => %L)'),
	('lookup_rrset(''www.*'', max_results => %s, after_cursor => %L)'),
	('lookup_rrset(''s7.page.test'', ''ANY'', max_results => %s, after_cursor => %L)'),
	('lookup_rdata_name(''*.page.test'', max_results => %s, after_cursor => %L)'),
	('lookup_rdata_name(''ns1.*'', max_results => %s, after_cursor => %L)'),
	('lookup_rdata_ip(''10.9.0.0/24'', max_results => %s, after_cursor => %L)')) v(l);

-- Summaries: DNSDB's count, num_results, first and last seen.
SELECT (summarize(array(SELECT lookup_rrset('www.example.com')))).*;
SELECT (summarize(array(SELECT lookup_rrset('*.zone7.test', max_results => 10)))).*;

-- Bad arguments are refused with a reason.
SELECT * FROM lookup_rrset('*.example.*');
SELECT * FROM lookup_rrset('www..example.com');
SELECT * FROM lookup_rrset('www.example.com', 'NOTATYPE');
SELECT * FROM lookup_rdata_ip('192.0.2.9-192.0.2.1');
SELECT * FROM lookup_rdata_ip('not-an-address');

-- Every access path is an index range scan (the planner inlines them).
-- These tables are small, so tell the planner not to read them whole.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_name('www.example.com', types => '{A}');
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_name('example.com', below => true);
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_name_prefix('www.example');
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_rdata_name('example.net', below => true);
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_rdata_name_prefix('mail.example');
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_rdata_octets('\xc0000201');
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_name('zone7.test', below => true,
	after_cursor => 'aG9zdDEwNy56b25lNy50ZXN0CjEKMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw');

RESET enable_seqscan;

-- ... and answers exactly as a sequential scan does.
CREATE TEMP TABLE answers AS
SELECT 'index' AS how, q, (SELECT array_agg(l.rrname::text || l.rrtype::text || array_to_string(l.rdata, ',') ORDER BY 1)
                           FROM lookup_rrset(q) l) AS rows
FROM unnest(ARRAY['www.example.com', '*.example.com', 'www.example.*', '*.zone3.test', 'host17.zone17.*']) q;
SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;
INSERT INTO answers
SELECT 'seq', q, (SELECT array_agg(l.rrname::text || l.rrtype::text || array_to_string(l.rdata, ',') ORDER BY 1)
                  FROM lookup_rrset(q) l)
FROM unnest(ARRAY['www.example.com', '*.example.com', 'www.example.*', '*.zone3.test', 'host17.zone17.*']) q;
RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan;
SELECT i.q, cardinality(i.rows) AS rows, i.rows = s.rows AS same_as_seqscan
FROM answers i JOIN answers s ON s.q = i.q AND s.how = 'seq' WHERE i.how = 'index' ORDER BY i.q;

-- The address path is C that reads rdata_addresses_pkey and rrsets_pkey
-- itself (EXPLAIN shows only a function scan): this transaction's
-- statistics show one range scan of the address index, one probe of the
-- RRset index per address in range, and no table read whole.
SELECT pg_stat_force_next_flush();	-- counts so far go, at the end of this statement
BEGIN;
SELECT count(*) AS rows FROM lookup_rdata_ip('10.7.0.0/16', max_results => 1000);
SELECT pg_stat_get_xact_numscans('rdata_addresses'::regclass) AS address_table_scans,
       pg_stat_get_xact_numscans('rdata_addresses_pkey'::regclass) AS address_index_scans,
       pg_stat_get_xact_numscans('rrsets'::regclass) AS rrset_table_scans,
       pg_stat_get_xact_numscans('rrsets_pkey'::regclass) AS rrset_index_probes;
COMMIT;

-- ... and it answers as the join of the two tables does, read whole, with
-- fences, windows and limits.
CREATE TEMP VIEW address_rows AS
SELECT a.address, r.key, r.rrname, r.rrtype, r.rdata, r.time_first, r.time_last, r.count
FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key;
CREATE TEMP TABLE ip_cases (q text, sql text, expected text);
INSERT INTO ip_cases VALUES
	('/16', $$lookup_rdata_ip('10.7.0.0/16')$$, $$address <<= '10.7.0.0/16'$$),
	('/28, host bits set', $$lookup_rdata_ip('10.7.7.185/28')$$, $$address <<= '10.7.7.176/28'$$),
	('range', $$lookup_rdata_ip(' 10.7.7.100 - 10.7.57.30 ')$$, $$address BETWEEN '10.7.7.100' AND '10.7.57.30'$$),
	('IPv6 /32', $$lookup_rdata_ip('2001:db8::/32')$$, $$address <<= '2001:db8::/32'$$),
	('everything IPv4', $$lookup_rdata_ip('0.0.0.0/0')$$, $$family(address) = 4$$),
	('first seen after', $$lookup_rdata_ip('0.0.0.0/0', time_first_after => '1600000100')$$,
	 $$family(address) = 4 AND time_first >= to_timestamp(1600000100)$$),
	('loose window', $$lookup_rdata_ip('0.0.0.0/0', window_after => '1650000000', window_before => '1660000000')$$,
	 $$family(address) = 4 AND time_last >= to_timestamp(1650000000) AND time_first <= to_timestamp(1660000000)$$),
	('strict window', $$lookup_rdata_ip('::/0', window_after => '1600000000', window_before => '1600000200', strict => true)$$,
	 $$family(address) = 6 AND time_first >= to_timestamp(1600000000) AND time_last <= to_timestamp(1600000200)$$),
	('first 7', $$lookup_rdata_ip('10.7.0.0/16', max_results => 7)$$,
	 $$address <<= '10.7.0.0/16' ORDER BY address, key LIMIT 7$$);
CREATE FUNCTION pg_temp.ip_answers() RETURNS TABLE (q text, rows integer, same_as_join boolean, truncated boolean)
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	got text;
	want text;
	n integer;
	more boolean;
BEGIN
	SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off;
	FOR c IN SELECT * FROM ip_cases LOOP
		EXECUTE format('SELECT string_agg(format(%L, rrname, rrtype, rdata, count), %L ORDER BY n), '
		               'count(*), bool_or(truncated) FROM %s WITH ORDINALITY AS l(rrname, rrtype, '
		               'bailiwick, rdata, time_first, time_last, count, lossy, truncated, cursor, n)',
		               '%s %s %s %s', ' | ', c.sql)
			INTO got, n, more;
		EXECUTE format('SELECT string_agg(format(%L, rrname, rrtype, pdns.rdata(rdata), count), %L '
		               'ORDER BY address, key) FROM (SELECT * FROM pg_temp.address_rows WHERE %s) s',
		               '%s %s %s %s', ' | ', c.expected)
			INTO want;
		q := c.q; rows := n; same_as_join := got = want; truncated := more;
		RETURN NEXT;
	END LOOP;
END
$$;
SELECT * FROM pg_temp.ip_answers() ORDER BY q;

-- Where VACUUM has marked the address table's pages all visible, the
-- address index is read alone (as an Index Only Scan reads it): no row
-- of rdata_addresses is fetched, and the answers stay the same.
VACUUM rdata_addresses;
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT count(*) AS rows FROM lookup_rdata_ip('10.7.0.0/16', max_results => 1000);
SELECT pg_stat_get_xact_tuples_returned('rdata_addresses_pkey'::regclass) AS address_entries_read,
       pg_stat_get_xact_tuples_fetched('rdata_addresses_pkey'::regclass) AS address_rows_fetched;
COMMIT;
SELECT * FROM pg_temp.ip_answers() ORDER BY q;
-- A new address clears its page's bit: the rows of that page are fetched
-- again, the new one among them.
INSERT INTO ingest_text VALUES (E'1700000000\tlk\t\t\tnew.zone7.test\tA\tIN\t300\t10.7.200.1');
SELECT pg_stat_force_next_flush();
BEGIN;
SELECT count(*) AS rows FROM lookup_rdata_ip('10.7.0.0/16', max_results => 1000);
SELECT pg_stat_get_xact_tuples_fetched('rdata_addresses_pkey'::regclass) > 0 AS address_rows_fetched;
COMMIT;
SELECT * FROM pg_temp.ip_answers() ORDER BY q;

-- A cursor that is not one of ours.
SELECT count(*) FROM lookup_rrset('www.example.com', after_cursor => 'not a cursor!');

-- DNSDB's ANY leaves the DNSSEC types out; ANY-DNSSEC asks for them alone.
SELECT string_agg(DISTINCT rrtype::text, ' ') AS any_types FROM lookup_rrset('example.com');
SELECT string_agg(DISTINCT rrtype::text, ' ') AS dnssec_types FROM lookup_rrset('example.com', 'ANY-DNSSEC');
SELECT string_agg(DISTINCT rrtype::text, ' ') AS asked_by_name FROM lookup_rrset('example.com', 'DNSKEY');

-- A name inside rdata written as U-labels is stored as A-labels, as owner
-- names are, and found by either form.
SET pdns.line_encoding = utf8;
INSERT INTO ingest_text VALUES (E'1700000000\tlk\t\t\tshop.example.com\tCNAME\tIN\t300\twww.b\u00fccher.de.');
SELECT rrname, rdata FROM lookup_rdata_name(E'www.b\u00fccher.de');
SELECT rrname, rdata FROM lookup_rdata_name('www.xn--bcher-kva.de');
