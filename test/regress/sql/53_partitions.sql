-- Time partitions: made on demand and ahead, dropped by the retention, by
-- pdns's own SQL in UTC; registered with pg_partman, whose automatic
-- maintenance leaves them alone (test/t/004_partman_worker.pl).
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET intervalstyle = 'postgres';

-- The partitioned tables are registered with pg_partman (daily, premake 4).
CREATE TEMP VIEW partman_config AS
SELECT parent_table, control, partition_interval, premake, retention, infinite_time_partitions
FROM public.part_config WHERE parent_table LIKE 'pdns.%' ORDER BY parent_table;
SELECT * FROM partman_config;
SELECT DISTINCT automatic_maintenance FROM public.part_config WHERE parent_table LIKE 'pdns.%';

CREATE TEMP VIEW partitions AS
SELECT i.inhparent::regclass AS parent, c.relname AS partition,
       pg_get_expr(c.relpartbound, c.oid) AS bounds
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = ANY (ARRAY['pdns.observations', 'pdns.negative_observations',
                               'pdns.client_observations']::regclass[]);

-- Old data got the partitions of its own days (a backfill makes only those).
-- There is no default partition: every row has a partition of its own.
SELECT partition, bounds FROM partitions
WHERE parent = 'pdns.observations'::regclass
  AND partition BETWEEN 'observations_p2020' AND 'observations_p2024'
ORDER BY partition;
SELECT count(*) AS default_partitions FROM partitions WHERE bounds = 'DEFAULT';

-- Partitions are made ahead of time: today and premake days after it.
SELECT parent, count(*) FILTER (WHERE partition >= 'observations_p' || to_char(now() + interval '4 days', 'YYYY_MM_DD')
                                   OR partition >= 'negative_observations_p' || to_char(now() + interval '4 days', 'YYYY_MM_DD')
                                   OR partition >= 'client_observations_p' || to_char(now() + interval '4 days', 'YYYY_MM_DD'))
       >= 1 AS premade_ahead
FROM partitions GROUP BY parent ORDER BY parent::text;

-- Settings that shape partitions are fixed once data has arrived.
SELECT configure(partition_interval => '1 hour');

-- Retention: maintenance drops partitions older than it.  The all-time
-- aggregate keeps its history; per-period detail goes with its partition.
SELECT count(*) AS periods_before FROM observations \gset
SELECT count(*) AS rrsets_before FROM rrsets \gset
SELECT :periods_before > 0 AS have_old_periods;
SELECT retention FROM configure(retention => '400 days');
SELECT retention FROM partman_config;
SELECT run_maintenance();
SELECT current_setting('search_path') AS search_path_kept;
SELECT count(*) AS old_partitions_left FROM partitions WHERE partition < 'observations_p2024'
   AND parent = 'pdns.observations'::regclass;
SELECT count(*) AS periods_after, (SELECT count(*) FROM rrsets) = :rrsets_before AS all_time_kept
FROM observations;

-- The all-time aggregate keeps the RRsets last seen before the retention,
-- unless retention_drops_rrsets says otherwise: then maintenance deletes
-- them, and their rdata rows go along.
SELECT count(*) > 0 AS have_old_rrsets FROM rrsets WHERE time_last < now() - interval '400 days';
SELECT retention, retention_drops_rrsets FROM configure(retention_drops_rrsets => true);
SELECT run_maintenance();
SELECT count(*) AS old_rrsets_left FROM rrsets WHERE time_last < now() - interval '400 days';
SELECT count(*) AS orphan_rdata_rows FROM rdata_addresses a
WHERE NOT EXISTS (SELECT 1 FROM rrsets r WHERE r.key = a.rrset_key);
SELECT retention, retention_drops_rrsets FROM configure(keep_forever => true, retention_drops_rrsets => false);

-- New old data still finds (and makes) its partition.
INSERT INTO ingest_text VALUES (E'1500000000\tpt\t\t\tbackfill.example\tA\t\t\t192.0.2.1');
SELECT o.period, r.rrname FROM observations o JOIN rrsets r ON r.key = o.rrset_key
WHERE r.rrname = 'backfill.example';

-- Every partition, whoever made it (a merge, the backfill, maintenance),
-- has the keys and indexes of its template table, and the partitioned
-- tables have none of their own (docs/ingest.md, "Backup and restore").
-- (pg_partman's background worker: test/t/004_partman_worker.pl.)
SELECT p.oid::regclass AS parent,
       count(*) > 0 AS has_partitions,
       count(*) FILTER (WHERE (
           SELECT array_agg(regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') ORDER BY 1)
           FROM pg_index x WHERE x.indrelid = i.inhrelid) IS DISTINCT FROM (
           SELECT array_agg(regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') ORDER BY 1)
           FROM pg_index x WHERE x.indrelid = format('pdns._template_%s', p.relname)::regclass))
         AS lacking_template_indexes,
       (SELECT count(*) FROM pg_index x WHERE x.indrelid = p.oid) AS parent_indexes
FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
WHERE i.inhparent IN (SELECT partitioned_tables())
GROUP BY p.oid, p.relname ORDER BY 1;
