-- The tour that tools/demo.sh runs.  Names: the bundled list, plus the
-- OpenDNS top-10k list from ../shared/corpora when it is there.
CREATE EXTENSION pdns CASCADE;
SET search_path = pdns, public;

\echo '== Names sort in DNS (canonical) order, so a zone is one index range'
CREATE TABLE names (name dnsname PRIMARY KEY);
\set sample :top '/tools/sample/names.txt'
\set top10k :top '/../shared/corpora/top-domains/opendns-top-domains.txt'
\set sample_text `cat :'sample'; cat :'top10k' 2>/dev/null || true`
INSERT INTO names SELECT DISTINCT line::dnsname
FROM regexp_split_to_table(:'sample_text', E'\n') AS line WHERE line <> '';
ANALYZE names;
SELECT count(*) AS names FROM names;

\echo '== Everything under google.com (an index range scan)'
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name <<= 'google.com';
SELECT name FROM names WHERE name <<= 'google.com' ORDER BY name LIMIT 10;

\echo '== Registered domains with the most names below them'
SELECT registered_domain(name) AS domain, count(*) AS names
FROM names WHERE registered_domain(name) IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5;

\echo '== Internationalized names are stored as A-labels and shown as U-labels'
SELECT n AS typed, n::dnsname AS stored, to_unicode(n::dnsname) AS shown
FROM (VALUES ('Bücher.de'), ('www.食狮.公司.cn')) v(n);

\echo '== RR types read mnemonics, TYPEnnn and numbers'
SELECT 'mx'::rrtype AS mx, 'TYPE65'::rrtype AS https, '28'::rrtype AS aaaa;
