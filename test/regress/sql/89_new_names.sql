-- Newly observed names and domains (docs/signals.md): first_sightings,
-- kept by compaction; the newly_observed view and the new_names_feed().
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
\getenv corpora PDNS_CORPORA
\set psl_list :corpora '/publicsuffix/public_suffix_list.dat'
SET pdns.public_suffix_list = :'psl_list';

-- where the feed stood before this test
SELECT coalesce(max(seq), 0) AS feed_start FROM first_sightings \gset
SELECT set_config('nn.feed_start', :'feed_start', false) IS NOT NULL AS noted;

CREATE FUNCTION pg_temp.lines(VARIADIC l text[]) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT format(E'%s\t%s\t\t\t%s\tA\tIN\t300\t%s',
	              extract(epoch FROM split_part(x, '|', 1)::timestamptz), split_part(x, '|', 2),
	              split_part(x, '|', 3), split_part(x, '|', 4))
	FROM unnest(l) x
$$;
-- 1 July: nn-a sees alpha and beta
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-07-01 10:00|nn-a|www.alpha-nn.example|192.0.2.1',
	'2024-07-01 11:00|nn-a|mail.alpha-nn.example|192.0.2.2',
	'2024-07-01 12:00|nn-a|www.beta-nn.co.uk|192.0.2.3');
-- 2 July: nn-b sees alpha's www (new to nn-b only) and a new name of
-- beta; nn-a sees a new domain, gamma, under two names, with two RRsets
INSERT INTO ingest_text SELECT pg_temp.lines(
	'2024-07-02 09:00|nn-b|www.alpha-nn.example|192.0.2.1',
	'2024-07-02 09:30|nn-b|api.beta-nn.co.uk|192.0.2.4',
	'2024-07-02 10:00|nn-a|new.gamma-nn.example|192.0.2.5',
	'2024-07-02 10:00|nn-a|new.gamma-nn.example|192.0.2.6',
	'2024-07-02 10:05|nn-a|cdn.gamma-nn.example|192.0.2.7');

-- First sightings in a window: names and domains, by any sensor, then by nn-b.
SELECT kind, subject, sensor, first_seen, rrname, rrtype, rdata
FROM newly_observed
WHERE first_seen >= '2024-07-02' AND first_seen < '2024-07-03' AND sensor IS NULL
  AND subject::text LIKE '%-nn.%'
ORDER BY kind, first_seen, subject;
SELECT kind, subject, first_seen
FROM newly_observed
WHERE first_seen >= '2024-07-02' AND first_seen < '2024-07-03' AND sensor = 'nn-b'
ORDER BY kind, subject;

-- The feed: every first sighting of a name once, in pages of two, each
-- page from the last row's cursor; the last poll is empty.
CREATE TEMP TABLE fed (page integer, subject dnsname, first_seen timestamptz, cursor text);
DO $$
DECLARE
	c text := current_setting('nn.feed_start');
	p integer := 0;
	n integer;
BEGIN
	LOOP
		p := p + 1;
		INSERT INTO fed SELECT p, f.subject, f.first_seen, f.cursor
		FROM pdns.new_names_feed(c, max_results => 2) f;
		GET DIAGNOSTICS n = ROW_COUNT;
		EXIT WHEN n = 0;
		SELECT f.cursor INTO c FROM fed f WHERE f.page = p ORDER BY f.cursor::bigint DESC LIMIT 1;
	END LOOP;
END
$$;
SELECT page, subject, first_seen FROM fed ORDER BY cursor::bigint;
SELECT count(*) AS fed, count(DISTINCT subject) AS distinct_names FROM fed;
-- the domains' feed, and one sensor's
SELECT subject, first_seen FROM new_names_feed(:'feed_start', domains => true) ORDER BY "cursor"::bigint;
SELECT subject, first_seen FROM new_names_feed(:'feed_start', sensor => 'nn-b') ORDER BY "cursor"::bigint;
SELECT count(*) AS unknown_sensor FROM new_names_feed(sensor => 'no-such-sensor');

-- A sighting older than the first one known (late data) moves the first
-- sighting earlier; the feed does not hand the name out again.
SELECT max("cursor"::bigint) AS last_cursor FROM new_names_feed(:'feed_start') \gset
INSERT INTO ingest_text SELECT pg_temp.lines('2024-06-30 08:00|nn-b|new.gamma-nn.example|192.0.2.9');
SELECT kind, subject, sensor, first_seen, rdata FROM newly_observed
WHERE subject IN ('new.gamma-nn.example', 'gamma-nn.example') ORDER BY kind, sensor NULLS FIRST;
SELECT count(*) AS fed_again FROM new_names_feed(:'last_cursor');

-- first_sightings is what a recomputation from the all-time aggregate per
-- sensor gives: for each name and registered domain, per sensor and over
-- all, its earliest sighting (for this test's names: earlier tests
-- truncate the tiers, and their first sightings stay).
WITH sightings AS (
	SELECT r.rrname AS name, coalesce(registered_domain(r.rrname), r.rrname) AS domain, s.sensor_id,
	       s.time_first
	FROM rrset_sensors s JOIN rrsets r ON r.key = s.rrset_key),
expected AS (
	SELECT name AS subject, false AS is_domain, sensor_id, min(time_first) AS first_seen
	FROM sightings GROUP BY 1, 2, 3
	UNION ALL SELECT name, false, NULL, min(time_first) FROM sightings GROUP BY 1
	UNION ALL SELECT domain, true, sensor_id, min(time_first) FROM sightings GROUP BY 1, 2, 3
	UNION ALL SELECT domain, true, NULL, min(time_first) FROM sightings GROUP BY 1)
SELECT count(*) AS sightings, count(*) FILTER (WHERE f.first_seen IS DISTINCT FROM e.first_seen) AS differing
FROM (SELECT * FROM first_sightings WHERE subject::text LIKE '%-nn.%') f
FULL JOIN (SELECT * FROM expected WHERE subject::text LIKE '%-nn.%') e
  ON e.subject = f.subject AND e.is_domain = f.is_domain AND e.sensor_id IS NOT DISTINCT FROM f.sensor_id;
-- and each row's RRset was seen (by its sensor) at its first sighting
SELECT count(*) AS rrset_not_at_first_sighting
FROM first_sightings f
WHERE f.subject::text LIKE '%-nn.%'
  AND NOT EXISTS (SELECT FROM rrset_sensors s
                  WHERE s.rrset_key = f.rrset_key AND s.time_first = f.first_seen
                    AND (f.sensor_id IS NULL OR s.sensor_id = f.sensor_id));

-- The window's index path answers as the sequential scan does.
CREATE TEMP TABLE by_scan AS SELECT * FROM newly_observed WHERE first_seen >= '2024-07-01' AND first_seen < '2024-07-03'
	AND subject::text LIKE '%-nn.%';
SET enable_seqscan = off;
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
SELECT pg_temp.plan_uses($$SELECT subject FROM newly_observed
                           WHERE first_seen >= '2024-07-01' AND first_seen < '2024-07-03'$$,
                         'first_sightings_seen') AS window_uses_the_index;
CREATE TEMP TABLE by_index AS SELECT * FROM newly_observed WHERE first_seen >= '2024-07-01' AND first_seen < '2024-07-03'
	AND subject::text LIKE '%-nn.%';
RESET enable_seqscan;
SELECT (SELECT count(*) FROM by_index) AS rows,
       (SELECT count(*) FROM (SELECT * FROM by_index EXCEPT ALL SELECT * FROM by_scan) d) AS only_by_index,
       (SELECT count(*) FROM (SELECT * FROM by_scan EXCEPT ALL SELECT * FROM by_index) d) AS only_by_scan;

-- Bad input: a cursor the feed did not give, a page of no rows.
SELECT * FROM new_names_feed('12;DROP TABLE x');
SELECT * FROM new_names_feed(max_results => 0);

-- Analysts read the view and poll the feed.
SET ROLE pdns_analyst;
SELECT count(*) > 0 AS analyst_sees_new_names FROM newly_observed WHERE first_seen >= '2024-07-02';
SELECT count(*) AS analyst_polls FROM new_names_feed(:'feed_start', domains => true);
RESET ROLE;
RESET pdns.public_suffix_list;
