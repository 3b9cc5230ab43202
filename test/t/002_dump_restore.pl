# pg_dump / pg_restore of a populated store: every tier (several periods
# and their partitions, negative answers, pseudonymized client activity,
# rejects, rdata indexes, sensors), changed settings, pg_partman's
# registration with a retention, and the enrichment tables.  The dump is
# restored into a new database of the same cluster, and into a fresh
# cluster with the roles first, by the recipe of docs/ingest.md; each
# copy must equal the source table by table (partitions included), in
# pg_partman's configuration, sequences, indexes and lookups, and take new
# batches as the source does.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use IPC::Run;
use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $started = time;
my $dir = PostgreSQL::Test::Utils::tempdir;
my $source = pdns_node('source');
my $model = model_new();
my $seed = 0;

# A shell command line in $dir with the PG* environment of a node, as an
# operator would type it; returns its exit code and what it printed on
# standard error.
sub sh
{
	my ($node, $command) = @_;
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'sh', '-c', "cd '$dir' && $command" ], '>', \$out, '2>', \$err);
	return ($? >> 8, $err);
}

# Load a batch (PdnsTap::make_batch) into the databases given as
# [node, dbname] pairs; the model takes it once.
sub load
{
	my ($tag, $lines, $targets, %o) = @_;
	my $batch = make_batch(
		tag => $tag,
		lines => $lines,
		seed => ++$seed,
		dir => $dir,
		zone => 'dump.example',
		names => 3000,
		base => 1699920000,    # 2023-11-14 00:00 UTC
		days => 4,
		%o);
	$_->[0]->safe_psql($_->[1], copy_command($batch->{file})) for @$targets;
	model_add($model, $batch);
	return;
}

# What must survive the round trip, read from a database:
#  tables      every table of pdns and of pg_partman's schema (partitions,
#              pg_partman's configuration and template tables included):
#              rows and an ordered digest of their text;
#  part_config pg_partman's configuration of the store's tables;
#  sequences   the last value of every sequence;
#  indexes     the definition of every index;
#  lookups     the answers of the lookup functions and views.
# With $new_rows_since set, the columns that take the time of insertion
# (sensors.first_seen, rejects.received) are left out.
sub snapshot
{
	my ($node, $db, $new_rows_since) = @_;
	my %volatile = (
		'pdns.sensors' => 'ROW(t.id, t.name)',
		'pdns.rejects' => 'ROW(t.id, t.target, t.sensor, t.reason, t.raw)',
		'pdns.compactions' => 'ROW(t.runs, t.lines, t.pending_rows)');
	my $row = "CASE c.oid::regclass::text "
	  . join(' ', map { "WHEN '$_' THEN '$volatile{$_}'" } sort keys %volatile)
	  . " ELSE 't' END";
	$row = "'t'" unless $new_rows_since;
	my %snapshot;
	my $tables = $node->safe_psql(
		$db, qq{
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(r, E''\\n'' ORDER BY r COLLATE "C"), '''')) '
              'FROM (SELECT %s::text AS r FROM %s t) x', c.oid::regclass, $row, c.oid::regclass)
FROM pg_class c
WHERE c.relkind = 'r'
  AND c.relnamespace IN ('pdns'::regnamespace,
                         (SELECT extnamespace FROM pg_extension WHERE extname = 'pg_partman'))
ORDER BY 1
\\gexec
});
	$snapshot{tables} = { map { split /\|/, $_, 2 } split /\n/, $tables };
	$snapshot{part_config} = $node->safe_psql($db,
		"SELECT p::text FROM part_config p WHERE parent_table LIKE 'pdns.%' ORDER BY parent_table");
	$snapshot{sequences} = $node->safe_psql($db,
		"SELECT schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'unused') "
		  . "FROM pg_sequences WHERE schemaname IN ('pdns', 'public') ORDER BY 1");
	$snapshot{indexes} = $node->safe_psql($db,
		"SELECT indexdef FROM pg_indexes WHERE schemaname IN ('pdns', 'public') "
		  . "ORDER BY indexdef COLLATE \"C\"");
	my %lookups = (
		rrset => "SELECT * FROM pdns.lookup_rrset('*.z7.dump.example')",
		rdata_ip => "SELECT * FROM pdns.lookup_rdata_ip('198.51.7.0/24')",
		rdata_name => "SELECT * FROM pdns.lookup_rdata_name('*.z8.dump.example', 'NS')",
		name_volume => "SELECT * FROM pdns.name_volume WHERE rrname <<= 'z7.dump.example' "
		  . "ORDER BY rrname, rrtype, period",
		negative_volume => "SELECT * FROM pdns.negative_volume WHERE rrname <<= 'dump.example' "
		  . "ORDER BY rrname, rrtype, rcode, period LIMIT 50",
		enrichment => "SELECT * FROM pdns.enrich_at('198.51.7.1', '2023-11-16')",
		name_tags => "SELECT * FROM pdns.name_tags_at('h7.z7.dump.example', '2023-11-16')");
	$snapshot{lookups} = {
		map {
			$_ => $node->safe_psql($db,
				"SET search_path = pdns, public; SET timezone = 'UTC'; SET datestyle = 'ISO'; $lookups{$_}")
		} keys %lookups
	};
	return \%snapshot;
}

# A copy equals the source in every part of its snapshot.
sub same_as_source
{
	my ($got, $want, $what) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	is_deeply($got->{tables}, $want->{tables},
		"$what: every table (partitions included) holds the same rows");
	is($got->{part_config}, $want->{part_config},
		"$what: the same pg_partman configuration of the store's tables");
	is($got->{sequences}, $want->{sequences}, "$what: the same sequence values");
	is($got->{indexes}, $want->{indexes}, "$what: the same indexes");
	is_deeply($got->{lookups}, $want->{lookups}, "$what: lookups give the same rows");
	return;
}

# How many partitions each of the store's partitioned tables has (of those
# whose name is LIKE $pattern, when given).
sub partitions
{
	my ($node, $db, $pattern) = @_;
	$pattern //= '%';
	return $node->safe_psql(
		$db, qq{
SELECT string_agg(n::text, ' ' ORDER BY t)
FROM (SELECT t, (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = t AND c.relname LIKE '$pattern') AS n
      FROM pdns.partitioned_tables() t) x});
}

# The source store: settings first (partitioning is fixed by the first
# batch), three batches spread over four days, enrichment, maintenance.
$source->safe_psql('pdns',
	"SELECT pdns.configure(premake => 2, retention => '3650 days', batch_keys => 2000)");
load("b$_", 6000, [ [ $source, 'pdns' ] ]) for 1 .. 3;
$source->safe_psql(
	'pdns', q{
SELECT pdns.enrichment_version('whois', 'registry', 'v1', '2023-11-01');
SELECT pdns.enrichment_version('whois', 'registry', 'v2', '2023-11-15');
INSERT INTO pdns.ip_enrichment (source_id, network, valid, asn, as_org, country, record)
SELECT id, '198.51.0.0/16', valid, 64500 + id, 'Example AS', 'NL', jsonb_build_object('v', version)
FROM pdns.enrichment_source;
INSERT INTO pdns.name_tag (name, tag, source, valid)
VALUES ('z7.dump.example', 'watched', 'tap', tstzrange('2023-11-01', NULL));
INSERT INTO pdns.ips_seen_elsewhere VALUES ('198.51.7.1', '2023-11-14', '2023-11-16');
SELECT pdns.run_maintenance();
});
# pdns-api's keys, usage, audit and settings (src/sql/85_api.sql).
my $api_key = $source->safe_psql(
	'pdns', q{
SET client_min_messages = warning;
CREATE ROLE dump_reader IN ROLE pdns_analyst;
UPDATE pdns.api_settings SET audit_retention = '30 days';
SELECT pdns.api_key_create('dump', 'dump_reader', queries_per_day => 5);
});
is( $source->safe_psql(
		'pdns', qq{
SELECT string_agg(a.status::text, ' ' ORDER BY a.status)
FROM (VALUES ('$api_key'), ('wrong')) k(key), pdns._api_begin(k.key, '192.0.2.1', 'lookup', '', 10, true) a}),
	'200 401',
	'source: an API key admitted, a wrong one refused and audited');
# (its end, as pdns-api writes it: the query counted, an audit row)
$source->safe_psql('pdns', q{
SELECT pg_advisory_unlock_all(),
       pdns._api_end_batch(ARRAY[id], ARRAY[true], ARRAY[now()], ARRAY[NULL::inet], ARRAY['lookup'],
                           ARRAY[''], ARRAY[200], ARRAY[1::bigint], ARRAY[NULL], ARRAY[1.0::float8])
FROM pdns.api_keys WHERE name = 'dump'});
store_is_model($source, 'pdns', $model, 'source: the store holds the batches loaded');
# A run left pending (not compacted) goes into the dump too: the snapshot
# compares the pending tables and pdns.runs, and each copy compacts it
# later (below, "after new batches").
my $pending = make_batch(tag => 'pending', lines => 500, seed => 99, dir => $dir,
	zone => 'dump.example', names => 300, base => 1699920000, days => 4);
$source->safe_psql('pdns',
	"SET pdns.compaction = background;\n" . copy_command($pending->{file}));
is($source->safe_psql('pdns', 'SELECT pending_runs, pending_lines > 0 FROM pdns.ingest_status'),
	'1|t', 'source: a run pending at the dump');
my $want = snapshot($source, 'pdns');
cmp_ok(scalar(keys %{ $want->{tables} }), '>=', 40,
	'source: ' . scalar(keys %{ $want->{tables} }) . ' tables to compare');
# (the client log, off by default, has none)
is(partitions($source, 'pdns', '%_p2023_%'), '4 4 4 0',
	'source: a partition per day of data and partitioned table');
cmp_ok((split / /, partitions($source, 'pdns'))[0], '>', 4 + 2,
	'source: and partitions made ahead');
like($want->{part_config}, qr/^(.*3650 days.*\n?){3}$/,
	"source: the three tables registered with pg_partman, with the retention");
ok(!grep({ $_ eq '' } values %{ $want->{lookups} }), 'source: every lookup finds rows');

# The dump, and the roles (cluster-wide: not in a database's dump).
my ($rc, $err) = sh($source,
	'pg_dumpall --globals-only --file=globals.sql && pg_dump --format=custom --file=pdns.dump pdns');
is($rc, 0, 'pg_dumpall --globals-only and pg_dump -Fc succeed') or diag($err);

# Into a new database of the same cluster, with a plain pg_restore.
$source->safe_psql('postgres', 'CREATE DATABASE restored');
($rc, $err) = sh($source, 'pg_restore --dbname=restored pdns.dump');
my @errors = $err =~ /^pg_restore: error: (.*)$/mg;
is(scalar(@errors), 0, 'pg_restore into a new database reports no error')
  or diag(scalar(@errors) . " errors, the first ones:\n" . join("\n", @errors[ 0 .. 2 ]));
is($source->safe_psql('restored', 'SELECT premake, retention, batch_keys FROM pdns.settings'),
	'2|3650 days|2000', 'new database: the settings made with configure()');
same_as_source(snapshot($source, 'restored'), $want, 'new database');

# Into a fresh cluster, by the commands of docs/ingest.md ("Backup and
# restore"): roles first, then the database.
my $fresh = pdns_cluster('fresh');
($rc, $err) = sh($fresh, 'psql --quiet --dbname=postgres --file=globals.sql');
my $superuser = $fresh->safe_psql('postgres', 'SELECT current_user');
is( join('', grep { !/ERROR:  role "\Q$superuser\E" already exists/ } grep { /ERROR/ } split /\n/, $err),
	'',
	'fresh cluster: the roles restored (the bootstrap superuser exists already)');
($rc, $err) = sh($fresh, 'createdb pdns && pg_restore --dbname=pdns pdns.dump');
is($rc . $err, '0', 'fresh cluster: createdb and pg_restore run without an error');
is( $fresh->safe_psql('pdns',
		"SELECT string_agg(rolname, ' ' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'pdns%'"),
	'pdns_admin pdns_analyst pdns_api pdns_incident pdns_ingest',
	'fresh cluster: the roles of pdns');
same_as_source(snapshot($fresh, 'pdns'), $want, 'fresh cluster');
for my $copy ([ 'source', $source, 'pdns' ], [ 'new database', $source, 'restored' ],
	[ 'fresh cluster', $fresh, 'pdns' ])
{
	my ($what, $node, $db) = @$copy;
	is( $node->safe_psql(
			$db, qq{
SELECT a.status, a.role, (SELECT audit_retention FROM pdns.api_settings),
       (SELECT count(*) FROM pdns.api_audit), (SELECT queries FROM pdns.api_usage)
FROM pdns._api_begin('$api_key', '192.0.2.1', 'lookup', '', 10, true) a}),
		'200|dump_reader|30 days|2|1',
		"$what: the API key still works; its usage (before this query), audit and settings");
}

# New batches go into the copies as into the source: one in the periods
# that exist (no partition made), one in a new period (a partition per
# table made); counts add to the restored rows, and a new sensor and new
# rejects take the same numbers as in the source.
my @stores = ([ $source, 'pdns' ], [ $source, 'restored' ], [ $fresh, 'pdns' ]);
my @before = map { partitions(@$_) } @stores;
load('after', 3000, \@stores, sensors => [ 'sensor-1', 'sensor-new' ]);
is_deeply([ map { partitions(@$_) } @stores ], \@before,
	'a batch in existing periods makes no partition');
load('later', 500, \@stores, base => 1700956800, days => 1);    # 2023-11-26
is_deeply([ map { partitions(@$_) } @stores ],
	[ map { join(' ', map { $_ ? $_ + 1 : 0 } split / /) } @before ],
	'a batch in a new period makes one partition per table (the client log, off, none)');
# The run pending at the dump, compacted in each copy as in the source.
$_->[0]->safe_psql($_->[1], 'CALL pdns.compact()') for @stores;
model_add($model, $pending);
$want = snapshot($source, 'pdns', 1);
for my $copy ([ 'new database', @{ $stores[1] } ], [ 'fresh cluster', @{ $stores[2] } ])
{
	my ($what, $node, $db) = @$copy;
	store_is_model($node, $db, $model, "$what, after new batches: they added to the restored rows");
	same_as_source(snapshot($node, $db, 1), $want, "$what, after new batches");
}

$source->stop;
$fresh->stop;
note sprintf('runtime %.1f s', time - $started);
done_testing();
