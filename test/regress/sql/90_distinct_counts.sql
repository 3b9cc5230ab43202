-- Approximate distinct counts (docs/signals.md): names_on(),
-- addresses_of(), names_per_block() against exact counts.
SET search_path = pdns, public;

-- 4 000 names under dc-test.example, each with an A RRset of two addresses
-- in 198.18.0.0/15 (7 000 distinct ones), and an AAAA RRset for every
-- tenth name.
INSERT INTO ingest_text
SELECT format(E'1700000000\tdc\t\t\tn%s.dc-test.example\tA\tIN\t300\t%s', i, a)
FROM generate_series(1, 4000) i,
     LATERAL (VALUES ('198.18.' || (i / 250) || '.' || (i % 250)),
                     ('198.19.' || (i % 24) || '.' || (i % 250))) v(a);
INSERT INTO ingest_text
SELECT format(E'1700000000\tdc\t\t\tn%s.dc-test.example\tAAAA\tIN\t300\t2001:db8:dc::%s', i, to_hex(i))
FROM generate_series(10, 4000, 10) i;

-- Estimates beside exact counts: within a few percent (the sketches have
-- 2 048 registers: a standard error of about 2.3 %).
CREATE TEMP TABLE compared AS
SELECT q, estimate, exact, round(abs(estimate - exact)::numeric / exact, 3) AS relative_error
FROM (VALUES
	('names on 198.18.0.0/15', names_on('198.18.0.0/15'), names_on('198.18.0.0/15', exact => true)),
	('names on 198.18.0.0/16', names_on('198.18.0.0/16'), names_on('198.18.0.0/16', exact => true)),
	('names on 198.18.3.0/24', names_on('198.18.3.0/24'), names_on('198.18.3.0/24', exact => true)),
	('names on 2001:db8:dc::/48', names_on('2001:db8:dc::/48'), names_on('2001:db8:dc::/48', exact => true)),
	('addresses of *.dc-test.example', addresses_of('dc-test.example', below => true),
	 addresses_of('dc-test.example', below => true, exact => true)),
	('addresses of n7.dc-test.example', addresses_of('n7.dc-test.example'),
	 addresses_of('n7.dc-test.example', exact => true)),
	('addresses of n10.dc-test.example', addresses_of('n10.dc-test.example'),
	 addresses_of('n10.dc-test.example', exact => true))) v(q, estimate, exact);
SELECT * FROM compared;
SELECT max(relative_error) < 0.05 AS all_within_5_percent FROM compared;

-- Per /24 (and per /16) block.
SELECT * FROM names_per_block('198.18.0.0/22');
SELECT * FROM names_per_block('198.18.0.0/15', prefix => 16);
SELECT * FROM names_per_block('2001:db8::/32');

-- Nothing there: 0, not NULL; the dnsname must be a name.
SELECT names_on('203.0.113.0/24') AS none_on, addresses_of('nothing.dc-test.example') AS none_of,
       count(*) AS no_blocks FROM names_per_block('203.0.113.0/24');
SELECT addresses_of('bad..name');

-- The index paths count what the sequential scans count.
SET enable_seqscan = off;
SELECT names_on('198.18.0.0/16', exact => true) AS by_index_names,
       addresses_of('dc-test.example', below => true, exact => true) AS by_index_addresses \gset
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT names_on('198.18.0.0/16', exact => true) = :by_index_names AS names_agree,
       addresses_of('dc-test.example', below => true, exact => true) = :by_index_addresses AS addresses_agree;
RESET enable_indexscan;
RESET enable_bitmapscan;

-- Analysts may call them.
SET ROLE pdns_analyst;
SELECT names_on('198.18.3.0/24') > 0 AS analyst_counts;
RESET ROLE;
