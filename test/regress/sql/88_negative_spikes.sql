-- NXDOMAIN and failure spikes (docs/signals.md): the per-domain rollup
-- that compaction keeps, negative_spikes() and negative_spike_history.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
\getenv corpora PDNS_CORPORA
\set psl_list :corpora '/publicsuffix/public_suffix_list.dat'
SET pdns.public_suffix_list = :'psl_list';

-- 21 days (2024-03-01 to 21) of flat traffic: five domains, two sensors,
-- each day's NXDOMAIN (and, for one domain, SERVFAIL) counts varying
-- around their own level, spread over several names per domain.
CREATE TEMP TABLE flat AS
SELECT timestamptz '2024-03-01 00:00' + d * interval '1 day' + (h * interval '1 hour') AS t,
       sensor, name, rcode, count
FROM generate_series(0, 20) d,
     (VALUES ('spikes-s1'), ('spikes-s2')) s(sensor),
     (VALUES ('flat.example', 60), ('quiet.example', 12), ('busy.co.uk', 400),
             ('tiny.example', 1), ('mixed.example', 25)) dom(domain, level),
     LATERAL (SELECT (hashtext(sensor || domain || d) & 65535) / 65536.0 AS u) r,
     LATERAL (SELECT round(level * (0.8 + 0.4 * u))::int AS total) c,
     LATERAL (SELECT h, 'n' || h || '.' || domain AS name, 'NXDOMAIN' AS rcode, total / 4 + (h < total % 4)::int AS count
              FROM generate_series(0, 3) h
              UNION ALL
              SELECT 5, 'api.' || domain, 'SERVFAIL', round(level / 5.0 * (0.7 + 0.6 * u))::int
              WHERE domain = 'mixed.example') l
WHERE count > 0;
CREATE TEMP TABLE test_domains AS
SELECT domain::dnsname FROM unnest(ARRAY['flat.example', 'quiet.example', 'busy.co.uk', 'tiny.example',
                                         'mixed.example', 'burst.example']) domain;
INSERT INTO ingest_text
SELECT format(E'%s\t%s\t\t\t%s\tA\tIN\t\t\t\t%s\t%s', extract(epoch FROM t), sensor, name, count, rcode)
FROM flat ORDER BY t;

-- The rollup is what a recomputation from negative_observations gives.
SELECT count(*) AS rollup_rows,
       count(*) FILTER (WHERE r.count IS DISTINCT FROM x.count) AS differing
FROM negative_domains r
FULL JOIN (SELECT coalesce(registered_domain(rrname), rrname) AS domain, rcode, period, sensor_id,
                  sum(count) AS count
           FROM negative_observations GROUP BY 1, 2, 3, 4) x USING (domain, rcode, period, sensor_id)
WHERE sensor_id IN (SELECT id FROM sensors WHERE name LIKE 'spikes-%');
SELECT domain, kind, count(DISTINCT period) AS periods, sum(count) AS answers
FROM negative_domains d CROSS JOIN LATERAL (SELECT _negative_kind(d.rcode) AS kind) k
WHERE sensor_id IN (SELECT id FROM sensors WHERE name LIKE 'spikes-%')
GROUP BY 1, 2 ORDER BY 1, 2;

-- Flat traffic: no period of the last week holds an outlier, per sensor or
-- over all sensors, even with a lower score threshold.
SELECT p::date AS period,
       (SELECT count(*) FROM negative_spikes(p) WHERE sensor LIKE 'spikes-%') AS per_sensor,
       (SELECT count(*) FROM negative_spikes(p, per_sensor => false) WHERE domain IN (SELECT domain FROM test_domains)) AS all_sensors,
       (SELECT count(*) FROM negative_spikes(p, min_score => 4, min_count => 1) WHERE sensor LIKE 'spikes-%') AS at_score_4
FROM generate_series(timestamptz '2024-03-15', '2024-03-21', '1 day') p;

-- A planted spike: on 2024-03-22 sensor spikes-s1 sees flat.example's
-- NXDOMAINs at ten times their level, and a domain never seen before
-- bursts; the rest goes on as before.
INSERT INTO ingest_text
SELECT format(E'%s\t%s\t\t\t%s\tA\tIN\t\t\t\t%s\t%s', extract(epoch FROM t + interval '21 days'), sensor,
              name, CASE WHEN sensor = 'spikes-s1' AND name LIKE '%.flat.example' THEN count * 10 ELSE count END,
              rcode)
FROM flat WHERE t < '2024-03-02';
INSERT INTO ingest_text
SELECT format(E'%s\tspikes-s2\t\t\trnd%s.burst.example\tA\tIN\t\t\t\t3\tNXDOMAIN',
              extract(epoch FROM timestamptz '2024-03-22 12:00'), i)
FROM generate_series(1, 30) i;
SELECT domain, sensor, kind, period, count, baseline_median, round(baseline_mad::numeric, 1) AS mad,
       round(score::numeric, 1) AS score
FROM negative_spikes('2024-03-22 18:00') WHERE sensor LIKE 'spikes-%';
SELECT domain, sensor, kind, count, baseline_median, round(score::numeric, 1) AS score
FROM negative_spikes('2024-03-22', per_sensor => false) WHERE domain IN (SELECT domain FROM test_domains);
-- the day before is still quiet
SELECT count(*) AS outliers_on_the_21st FROM negative_spikes('2024-03-21') WHERE sensor LIKE 'spikes-%';

-- History: each period against the periods before it.
SELECT sensor, kind, period::date, count, baseline_median, round(score::numeric, 1) AS score
FROM negative_spike_history
WHERE domain = 'flat.example' AND period >= '2024-03-20'
ORDER BY sensor, period;
-- the baseline is pdns.spike_baseline_periods long (14 unless set)
SHOW pdns.spike_baseline_periods;
SELECT cardinality(_negative_baseline('flat.example', 3::smallint, NULL, '2024-03-22', 14)) AS periods_14,
       _negative_baseline('tiny.example', 3::smallint, NULL, '2024-03-22', 5) AS tiny_last_5;
SET pdns.spike_baseline_periods = 5;
SELECT period::date, baseline_median, round(score::numeric, 1) AS score
FROM negative_spike_history
WHERE domain = 'flat.example' AND sensor = 'spikes-s1' AND period = '2024-03-22';
SELECT count(*) AS outliers_with_5 FROM negative_spikes('2024-03-22') WHERE sensor LIKE 'spikes-%';
RESET pdns.spike_baseline_periods;
-- fewer than 3 periods of baseline is refused
SELECT * FROM negative_spikes('2024-03-22', baseline_periods => 2);
SET pdns.spike_baseline_periods = 2;

-- The index paths answer as the sequential scans do.
SET enable_seqscan = off;
CREATE TEMP TABLE by_index AS SELECT * FROM negative_spike_history WHERE domain = 'mixed.example';
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE by_scan AS SELECT * FROM negative_spike_history WHERE domain = 'mixed.example';
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT (SELECT count(*) FROM by_index) AS rows,
       (SELECT count(*) FROM (SELECT * FROM by_index EXCEPT SELECT * FROM by_scan) d) AS only_by_index,
       (SELECT count(*) FROM (SELECT * FROM by_scan EXCEPT SELECT * FROM by_index) d) AS only_by_scan;

-- Analysts read the spikes.
SET ROLE pdns_analyst;
SELECT count(*) AS analyst_sees_outliers FROM negative_spikes('2024-03-22') WHERE sensor LIKE 'spikes-%';
SELECT count(*) > 0 AS analyst_reads_history FROM negative_spike_history WHERE domain = 'burst.example';
RESET ROLE;

-- The rollup follows negative_observations' retention: periods up to
-- 2024-03-10 go, with their partitions (and the retention is put back).
SELECT retention IS NULL AS kept_forever FROM settings;
SELECT retention IS NOT NULL AS has_retention
FROM configure(retention => now() - timestamptz '2024-03-11 12:00');
SELECT run_maintenance();
SELECT (SELECT min(period)::date FROM negative_domains WHERE domain = 'flat.example') AS rollup_from,
       (SELECT min(period)::date FROM negative_observations WHERE rrname <<= 'flat.example') AS answers_from;
SELECT retention FROM configure(keep_forever => true);
RESET pdns.public_suffix_list;
