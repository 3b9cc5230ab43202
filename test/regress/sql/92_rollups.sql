-- Rollups for dashboards (docs/signals.md, "Rollups"): kept by compaction
-- per period and registered domain, per month and domain, per period and
-- type, per period and sensor; late data moving a first sighting across a
-- month; the rollups against a recomputation from the history tier and
-- against rebuild_rollups().  This test's data lies in September and
-- October 2024, which no other test uses, under *-ru.* domains and the
-- sensors ru-a and ru-b.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
\getenv corpora PDNS_CORPORA
\set psl_list :corpora '/publicsuffix/public_suffix_list.dat'
SET pdns.public_suffix_list = :'psl_list';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SELECT record_clients AS clients_were FROM settings \gset
SELECT record_clients FROM configure(record_clients => 'count');

-- time|sensor|client|name|type|rdata|rcode
CREATE FUNCTION pg_temp.lines(VARIADIC l text[]) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT format(E'%s\t%s\t%s\t192.0.2.53\t%s\t%s\tIN\t300\t%s\t\t\t%s',
	              extract(epoch FROM split_part(x, '|', 1)::timestamptz), split_part(x, '|', 2),
	              split_part(x, '|', 3), split_part(x, '|', 4), split_part(x, '|', 5), split_part(x, '|', 6),
	              split_part(x, '|', 7))
	FROM unnest(l) x
$$;
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-09-29 10:00|ru-a|10.9.0.1|www.alpha-ru.example|A|192.0.2.1|',
	'2024-09-29 10:05|ru-a|10.9.0.2|www.alpha-ru.example|A|192.0.2.1|',
	'2024-09-29 11:00|ru-b|10.9.0.3|mail.alpha-ru.example|MX|10 mx.alpha-ru.example.|',
	'2024-09-29 12:00|ru-a|10.9.0.1|shop.beta-ru.co.uk|A|192.0.2.7|',
	'2024-09-29 12:30|ru-a|10.9.0.4|x1.beta-ru.co.uk|A||NXDOMAIN',
	'2024-09-29 12:31|ru-a|10.9.0.4|x2.beta-ru.co.uk|A||NXDOMAIN');
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-09-30 09:00|ru-b|10.9.0.5|www.alpha-ru.example|A|192.0.2.2|',
	'2024-09-30 09:10|ru-b|10.9.0.5|api.alpha-ru.example|AAAA|2001:db8::1|',
	'2024-09-30 23:59|ru-a|10.9.0.6|x3.beta-ru.co.uk|A||NXDOMAIN');
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-10-01 08:00|ru-a|10.9.0.1|www.alpha-ru.example|A|192.0.2.1|',
	'2024-10-01 08:00|ru-a|10.9.0.7|new.gamma-ru.example|A|198.51.100.1|',
	'2024-10-01 08:01|ru-b|10.9.0.8|cdn.gamma-ru.example|CNAME|new.gamma-ru.example.|',
	'2024-10-01 08:02|ru-b|10.9.0.8|late.alpha-ru.example|TXT|"hello"|',
	'2024-10-02 08:00|ru-b|10.9.0.9|shop.beta-ru.co.uk|A|192.0.2.7|');

CREATE TEMP VIEW shown AS
SELECT period, domain, round(hll_cardinality(names)) AS names, round(hll_cardinality(rrsets)) AS rrsets,
       observations, negatives, round(hll_cardinality(clients)) AS clients, new_names
FROM domain_rollups WHERE domain::text LIKE '%-ru.%' ORDER BY period, domain;
SELECT * FROM shown;
SELECT * FROM domain_month_rollups WHERE domain::text LIKE '%-ru.%' ORDER BY month, domain;
SELECT * FROM top_new_domains('2024-10-15');

-- Late data: late.alpha-ru.example seen on 28 September by ru-a.  Its
-- first sighting moves from October to September: a new name of
-- September's, no longer of October's.
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-09-28 07:00|ru-a|10.9.0.1|late.alpha-ru.example|TXT|"hello"|');
SELECT period, domain, new_names FROM domain_rollups
WHERE domain = 'alpha-ru.example' ORDER BY period;
SELECT month, domain, new_names FROM domain_month_rollups WHERE domain = 'alpha-ru.example' ORDER BY month;
SELECT * FROM top_new_domains('2024-09-15');
SELECT * FROM top_new_domains('2024-10-15');

-- Per type and per sensor, for this test's periods.
SELECT period, rrtype, round(hll_cardinality(names)) AS names, round(hll_cardinality(rrsets)) AS rrsets,
       observations, negatives, round(hll_cardinality(clients)) AS clients
FROM rrtype_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03' ORDER BY period, rrtype;
SELECT r.period, s.name AS sensor, round(hll_cardinality(r.names)) AS names, round(hll_cardinality(r.rrsets)) AS rrsets,
       r.observations, r.negatives, round(hll_cardinality(r.clients)) AS clients
FROM sensor_rollups r JOIN sensors s ON s.id = r.sensor_id
WHERE s.name LIKE 'ru-%' ORDER BY r.period, s.name;

-- The rollups equal a recomputation from the history tier: exact counts
-- and distinct counts (here, exact: a few values per sketch), and the new
-- names from the periods where each name's RRsets were first observed.
CREATE TEMP TABLE recomputed AS
WITH obs AS (
	SELECT o.period, coalesce(registered_domain(r.rrname), r.rrname) AS domain, r.rrname, o.rrset_key, o.count
	FROM observations o JOIN rrsets r ON r.key = o.rrset_key
	WHERE o.period >= '2024-09-28' AND o.period < '2024-10-03'
), neg AS (
	SELECT n.period, coalesce(registered_domain(n.rrname), n.rrname) AS domain, n.count
	FROM negative_observations n WHERE n.period >= '2024-09-28' AND n.period < '2024-10-03'
), cli AS (
	SELECT c.period, coalesce(registered_domain(c.rrname), c.rrname) AS domain, c.clients
	FROM client_counts c WHERE c.period >= '2024-09-28' AND c.period < '2024-10-03'
), firsts AS (
	SELECT min(o.period) AS period, o.domain, o.rrname FROM obs o GROUP BY o.domain, o.rrname
), keys AS (
	SELECT period, domain FROM obs UNION SELECT period, domain FROM neg UNION SELECT period, domain FROM cli
)
SELECT k.period, k.domain,
       (SELECT count(DISTINCT o.rrname) FROM obs o WHERE o.period = k.period AND o.domain = k.domain) AS names,
       (SELECT count(DISTINCT o.rrset_key) FROM obs o WHERE o.period = k.period AND o.domain = k.domain) AS rrsets,
       (SELECT coalesce(sum(o.count), 0) FROM obs o WHERE o.period = k.period AND o.domain = k.domain) AS observations,
       (SELECT coalesce(sum(n.count), 0) FROM neg n WHERE n.period = k.period AND n.domain = k.domain) AS negatives,
       (SELECT round(coalesce(hll_cardinality(hll_union_agg(c.clients)), 0)) FROM cli c
        WHERE c.period = k.period AND c.domain = k.domain) AS clients,
       (SELECT count(*) FROM firsts f WHERE f.period = k.period AND f.domain = k.domain) AS new_names
FROM keys k WHERE k.domain::text LIKE '%-ru.%';
SELECT (SELECT count(*) FROM recomputed) AS rows,
       (SELECT count(*) FROM (SELECT * FROM shown EXCEPT SELECT * FROM recomputed) d) AS only_kept,
       (SELECT count(*) FROM (SELECT * FROM recomputed EXCEPT SELECT * FROM shown) d) AS only_recomputed;

-- rebuild_rollups() makes the same rows anew, sketches included.
CREATE TEMP TABLE kept AS
SELECT 'domain' AS kind, period::text AS at, domain::text AS what, names::text, rrsets::text,
       observations, negatives, clients::text, new_names
FROM domain_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03'
UNION ALL
SELECT 'month', month::text, domain::text, NULL, NULL, observations, negatives, NULL, new_names
FROM domain_month_rollups WHERE domain::text LIKE '%-ru.%'
UNION ALL
SELECT 'rrtype', period::text, rrtype::text, names::text, rrsets::text, observations, negatives, clients::text, NULL
FROM rrtype_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03'
UNION ALL
SELECT 'sensor', period::text, sensor_id::text, names::text, rrsets::text, observations, negatives, clients::text,
       NULL
FROM sensor_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03';
SELECT rebuild_rollups();
CREATE TEMP TABLE rebuilt AS
SELECT 'domain' AS kind, period::text AS at, domain::text AS what, names::text, rrsets::text,
       observations, negatives, clients::text, new_names
FROM domain_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03'
UNION ALL
SELECT 'month', month::text, domain::text, NULL, NULL, observations, negatives, NULL, new_names
FROM domain_month_rollups WHERE domain::text LIKE '%-ru.%'
UNION ALL
SELECT 'rrtype', period::text, rrtype::text, names::text, rrsets::text, observations, negatives, clients::text, NULL
FROM rrtype_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03'
UNION ALL
SELECT 'sensor', period::text, sensor_id::text, names::text, rrsets::text, observations, negatives, clients::text,
       NULL
FROM sensor_rollups WHERE period >= '2024-09-28' AND period < '2024-10-03';
SELECT kind, count(*) AS rows,
       count(*) FILTER (WHERE NOT EXISTS (SELECT FROM rebuilt b WHERE ROW(b.*) IS NOT DISTINCT FROM ROW(k.*)))
         AS differ
FROM kept k GROUP BY kind ORDER BY kind;
SELECT (SELECT count(*) FROM rebuilt) = (SELECT count(*) FROM kept) AS as_many_rows;

-- Analysts read them; only an admin rebuilds.
SELECT has_table_privilege('pdns_analyst', 'pdns.domain_rollups', 'SELECT') AS analyst_reads,
       has_function_privilege('pdns_analyst', 'pdns.rebuild_rollups()', 'EXECUTE') AS analyst_rebuilds,
       has_function_privilege('pdns_admin', 'pdns.rebuild_rollups()', 'EXECUTE') AS admin_rebuilds;
SELECT record_clients FROM configure(record_clients => :'clients_were');
