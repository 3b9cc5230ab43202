# pdns's background worker keeps the store's partitions made ahead and
# applies the retention without anyone calling anything, every period in
# UTC, on a server whose time zone is not UTC.  pg_partman's own worker
# runs beside it, configured as docs/ingest.md used to say, and leaves the
# store alone (it would name and advance partitions in local time).  Each
# partition has the template's keys and indexes.  (A cluster of its own:
# changing pg_partman's worker settings on a running server can crash
# pg_partman 4.7's worker as it starts a run.)
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = pdns_node('worker',
	shared_preload_libraries => "'pdns,pg_partman_bgw'",
	'pdns.compaction_database' => "'pdns'",
	'pdns.maintenance_interval' => 1,
	'pg_partman_bgw.dbname' => "'pdns'",
	'pg_partman_bgw.interval' => 1,
	'pg_partman_bgw.role' => "'" . getpwuid($<) . "'",
	timezone => "'America/New_York'");

# The first batch registers the tables (eight days premade); old data makes
# its own partition, which the retention, set after it (lines older than
# the retention are rejected), will drop.  A premade partition dropped by
# hand is made again.
$node->safe_psql('pdns', <<'EOF');
SELECT pdns.configure(premake => 8);
INSERT INTO pdns.ingest_text VALUES
	(format(E'%s\tworker\t10.0.0.1\t\tnow.example\tA\t\t\t192.0.2.1', extract(epoch FROM now())::bigint)),
	(format(E'%s\tworker\t10.0.0.1\t\told.example\tA\t\t\t192.0.2.2', extract(epoch FROM now() - interval '90 days')::bigint));
CALL pdns.compact();
SELECT pdns.configure(retention => '30 days');
-- (pg_partman's worker, were it maintaining the store, would premake more)
UPDATE public.part_config SET premake = 12;
DO $$
BEGIN
	EXECUTE format('DROP TABLE pdns.%I',
	               'observations_p' || to_char(now() AT TIME ZONE 'UTC' + interval '2 days', 'YYYY_MM_DD'));
END
$$;
EOF

# Wait for the worker: partitions eight days ahead (the one dropped made
# again), the old one gone.
my $done = <<'EOF';
SELECT count(*) FILTER (WHERE c.relname IN ('observations_p' || to_char(now() AT TIME ZONE 'UTC' + interval '8 days', 'YYYY_MM_DD'),
                                            'observations_p' || to_char(now() AT TIME ZONE 'UTC' + interval '2 days', 'YYYY_MM_DD'))) = 2
   AND count(*) FILTER (WHERE c.relname <= 'observations_p' || to_char(now() - interval '60 days', 'YYYY_MM_DD')) = 0
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'pdns.observations'::regclass
EOF
ok($node->poll_query_until('pdns', $done), 'the worker premade eight days ahead and dropped the old period');
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.lookup_rrset('old.example')"),
	'1', 'the all-time aggregate keeps the RRset whose period was dropped');

# Every partition of every table covers one UTC day and is named after it:
# pg_partman's worker, which names partitions in local time and has run
# every second meanwhile with a larger premake, made none of them.
sleep 3;
is( $node->safe_psql('pdns', <<'EOF'),
SET timezone = 'UTC';
SELECT count(*) FILTER (WHERE b[1]::timestamptz <> date_trunc('day', b[1]::timestamptz)
                           OR b[2]::timestamptz <> b[1]::timestamptz + interval '1 day'
                           OR c.relname <> p.relname || '_p' || to_char(b[1]::timestamptz, 'YYYY_MM_DD'))
       || ' of ' || (count(*) >= 27) || ', '
       || count(*) FILTER (WHERE b[1]::timestamptz > now() + interval '9 days')
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent,
     regexp_match(pg_get_expr(c.relpartbound, c.oid), $r$FROM \('([^']+)'\) TO \('([^']+)'\)$r$) b
WHERE i.inhparent IN (SELECT pdns.partitioned_tables())
EOF
	'0 of true, 0',
	'every partition is one UTC day, named after it, none beyond premake');
is($node->safe_psql('pdns', 'SELECT DISTINCT automatic_maintenance FROM public.part_config'),
	'off', "pg_partman's automatic maintenance is off for the store's tables");

# Every partition, the worker's included, has its template's indexes.
is( $node->safe_psql('pdns', <<'EOF'),
SELECT string_agg(format('%s %s', p.relname, ok), ' ' ORDER BY p.relname)
FROM (
	SELECT i.inhparent, bool_and((
		SELECT array_agg(regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') ORDER BY 1)
		FROM pg_index x WHERE x.indrelid = i.inhrelid) IS NOT DISTINCT FROM (
		SELECT array_agg(regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') ORDER BY 1)
		FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relname = '_template_' || (SELECT relname FROM pg_class WHERE oid = i.inhparent)
		  AND t.relnamespace = 'pdns'::regnamespace)) AS ok
	FROM pg_inherits i WHERE i.inhparent IN (SELECT pdns.partitioned_tables())
	GROUP BY i.inhparent) s
JOIN pg_class p ON p.oid = s.inhparent
EOF
	'client_counts t negative_observations t observations t',
	'every partition has the keys and indexes of its template');

# A batch after the worker's runs lands as usual.
$node->safe_psql('pdns',
	"INSERT INTO pdns.ingest_text VALUES (format(E'%s\\tworker\\t\\t\\tnow.example\\tA\\t\\t\\t192.0.2.1', extract(epoch FROM now())::bigint)); CALL pdns.compact()");
is($node->safe_psql('pdns', "SELECT count FROM pdns.lookup_rrset('now.example')"), '2',
	'a later batch adds to the counts');

$node->stop;
done_testing();
