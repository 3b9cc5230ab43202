# Attacks on the store, each run as the role that would try it (a sensor's
# login in pdns_ingest, an analyst in pdns_analyst, an operator in
# pdns_admin), each a check that failed before it was closed
# (docs/privacy.md, "What each role can do"):
#
#  1 escalation: a temporary domain shadowing pg_catalog.name while code
#    with the owner's rights makes partitions; internal functions called
#    directly; _partitions() given a table that is not the store's;
#  2 counts near 2^63 that would wrap or stop a popular RRset for good;
#  3 times far in the future or the past, and one COPY over many periods;
#  4 octets that used to fail a whole COPY (NUL, CR, 0x01, 0x02, invalid
#    UTF-8), through pdns-load, and the failing line kept out of the log;
#  5 such octets in sensor names and reasons, and a dump/restore of them;
#  6 client addresses in the rejects; the pseudonym of any address through
#    the batch functions;
#  7 memory: an unbounded address lookup, a COPY of large lines;
#  8 max_results at the largest bigint, sensors bound to roles, rejected
#    lines making sensors;
# 10 every SECURITY DEFINER function pins search_path; no internal function
#    is executable by PUBLIC, pdns_ingest or pdns_analyst.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# (small shared buffers: a backend's peak RSS counts the pages it touched)
my $node = pdns_node('security', log_min_messages => 'info', shared_buffers => "'16MB'");
my $dir = PostgreSQL::Test::Utils::tempdir;
my $bindir = `pg_config --bindir`;
chomp $bindir;

# (pdns's operators are in schema pdns: docs/ingest.md)
$node->safe_psql('postgres', 'ALTER DATABASE pdns SET search_path = pdns, public');
$node->safe_psql('pdns', q{
CREATE ROLE sensor1 LOGIN IN ROLE pdns_ingest;
CREATE ROLE sensor2 LOGIN IN ROLE pdns_ingest;
CREATE ROLE analyst LOGIN IN ROLE pdns_analyst;
CREATE ROLE admin LOGIN IN ROLE pdns_admin;
});

# Run $sql as $role; returns (exit code, stdout, stderr).
sub as
{
	my ($role, $sql) = @_;
	my ($out, $err);
	my $rc = $node->psql('pdns', $sql, stdout => \$out, stderr => \$err,
		extra_params => [ '-U', $role ]);
	return ($rc, $out, $err);
}

sub superuser
{
	my ($role) = @_;
	return $node->safe_psql('pdns', "SELECT rolsuper FROM pg_roles WHERE rolname = '$role'");
}

# A native line: time, sensor, client, name, type, rdata, count.
sub line
{
	my (%l) = @_;
	return join("\t", $l{time} // 1764892800, $l{sensor} // 's1', $l{client} // '',
		'', $l{name}, $l{type} // 'A', '', '', $l{rdata} // '192.0.2.1', '',
		$l{count} // '') . "\n";
}

sub write_file
{
	my ($name, $content) = @_;
	open(my $f, '>:raw', "$dir/$name") or die $!;
	print $f $content;
	close $f;
	chmod 0644, "$dir/$name";
	return "$dir/$name";
}

my $now = time();

# ---- 1: escalation to superuser ----

my $evil = q{
CREATE FUNCTION pg_temp.evil(v text) RETURNS boolean LANGUAGE plpgsql AS
$$BEGIN EXECUTE format('ALTER ROLE %I SUPERUSER', session_user); RETURN true; END$$;
CREATE DOMAIN pg_temp.name AS pg_catalog.text CHECK (pg_temp.evil(VALUE));
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.evil(VALUE));
};
my ($rc, $out, $err) = as('sensor1', $evil . q{
SET pdns.line_encoding = utf8;
INSERT INTO pdns.ingest_text VALUES (E'915148800\ts\t\t\tx.example\tA\t\t\t192.0.2.1');
});
is($rc, 0, 'a sensor with shadowing temporary types ingests a line for a new day') or diag($err);
is(superuser('sensor1'), 'f', '... and does not become superuser');
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.rrsets WHERE rrname = 'x.example'"), '1',
	'... and its line landed in a partition pdns made');

$node->safe_psql('pdns', 'GRANT CREATE ON SCHEMA public TO admin');
($rc, $out, $err) = as('admin', $evil . q{
CREATE DOMAIN public.name AS pg_catalog.text CHECK (pg_temp.evil(VALUE));
SELECT pdns.run_maintenance();
});
is(superuser('admin'), 'f', 'an admin with shadowing types runs maintenance and does not become superuser');
$node->safe_psql('pdns', 'DROP DOMAIN public.name; REVOKE CREATE ON SCHEMA public FROM admin');

for my $call ("pdns._partitions('pdns.observations', ARRAY[now()])",
	"pdns._compact_runs('{1}', true)", 'pdns._compact_step(1)', "pdns._run_register(1, 'x', 1, 1, 0, 0, 0)",
	"pdns._sensor_id('x')", 'pdns._run_maintenance()', "pdns._partman_register('pdns.rrsets')")
{
	($rc, $out, $err) = as('sensor1', "SELECT $call");
	like($err, qr/permission denied for function/, "a sensor may not call $call");
}
($rc, $out, $err) = $node->psql('pdns', q{
CREATE TABLE public.mine (period timestamptz);
SELECT pdns._partitions('public.mine', ARRAY[now()])});
like($err, qr/not one of the store's partitioned tables/,
	'_partitions() takes only the store\'s tables, even from the owner');

# ---- 2: counts ----

my $max = '9223372036854775807';
my $file = write_file('counts.tsv',
	line(name => 'poison.example', count => $max) . line(name => 'poison.example', count => $max)
	  . line(name => 'poison.example', count => 1000000000));
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor1; " . copy_command($file));
is($rc, 0, 'lines with counts near 2^63 do not fail their COPY') or diag($err);
is( $node->safe_psql('pdns', q{
SELECT count, (SELECT count(*) FROM pdns.rejects WHERE reason LIKE 'count % is out of range%')
FROM pdns.rrsets WHERE rrname = 'poison.example'}),
	'1000000000|2', 'counts beyond line_count_max() are rejected, the one within lands');
$node->safe_psql('pdns',
	"UPDATE pdns.rrsets SET count = pdns.count_ceiling() - 5 WHERE rrname = 'poison.example'");
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor2; " . copy_command($file));
is($rc, 0, 'an RRset at the ceiling takes more lines from another sensor') or diag($err);
is( $node->safe_psql('pdns',
		"SELECT count = pdns.count_ceiling() FROM pdns.rrsets WHERE rrname = 'poison.example'"),
	't', '... and its count saturates');

# ---- 3: times ----

$node->safe_psql('pdns', "SELECT pdns.configure(max_periods => 5, max_age => '30 days')");
my $times = '';
$times .= line(name => "future$_.example", time => $now + 86400 * $_) for (1 .. 3);
$times .= line(name => 'ancient.example', time => $now - 86400 * 400);
$times .= line(name => "day$_.example", time => $now - 86400 * $_) for (1 .. 8);
$file = write_file('times.tsv', $times);
my $partitions_before = $node->safe_psql('pdns',
	"SELECT count(*) FROM pg_inherits WHERE inhparent = 'pdns.observations'::regclass");
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor1; " . copy_command($file));
is($rc, 0, 'a COPY of lines in the future, the past and over many days succeeds') or diag($err);
is( $node->safe_psql('pdns', q{
SELECT count(*) FILTER (WHERE reason LIKE '% is later than now plus settings.future_skew%') || ' ' ||
       count(*) FILTER (WHERE reason LIKE '% is before the retention horizon%') || ' ' ||
       count(*) FILTER (WHERE reason LIKE 'the transaction already writes to % periods%')
FROM pdns.rejects}),
	'3 1 3', 'future and too old lines are rejected, and lines past max_periods');
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.rrsets WHERE rrname::text LIKE 'day%'"),
	'5', '... the first max_periods periods land');
cmp_ok(
	$node->safe_psql('pdns',
		"SELECT count(*) FROM pg_inherits WHERE inhparent = 'pdns.observations'::regclass")
	  - $partitions_before,
	'<=', 5, '... and no partition is made for the rejected times');
$node->safe_psql('pdns', "SELECT pdns.configure(max_periods => 200, any_age => true)");

# ---- 4 and 5: any octet, through pdns-load ----

my $canary = '10.99.88.77';
my $octets = line(name => 'before.example')
  . line(name => "soh\x01stx\x02.example", client => $canary)
  . line(name => 'cr.example', time => "17648\r92800", client => $canary)
  . line(name => "nul\x00.example")
  . line(name => 'latin.example', sensor => "s\xff1")
  . "garbage \xfe\xff\x00 $canary\n"
  . line(name => 'after.example');
$file = write_file('octets.tsv', $octets);
my $log_offset = -s $node->logfile;
$node->command_ok([ "$bindir/pdns-load", '-d', $node->connstr('pdns') . ' user=sensor1', $file ],
	'pdns-load sends lines holding NUL, CR, 0x01, 0x02 and invalid UTF-8');
is( $node->safe_psql('pdns', q{
SELECT string_agg(rrname::text, ' ' ORDER BY rrname) FROM pdns.rrsets
WHERE rrname IN ('before.example', 'after.example', 'latin.example')
   OR rrname::text LIKE 'soh%' OR rrname::text LIKE 'nul%'}),
	'after.example before.example latin.example nul\\000.example soh\\001stx\\002.example',
	'... every good line lands, whatever the lines around it hold');
is( $node->safe_psql('pdns',
		"SELECT count(*) FROM pdns.rejects WHERE reason LIKE 'bad time %' OR reason LIKE 'expected % fields%'"),
	'2', '... and the two bad ones are rejects');
my $log = slurp_file($node->logfile, $log_offset);
unlike($log, qr/\Q$canary\E/, 'the server log holds no client address of a failing line');
is($node->safe_psql('pdns', "SELECT name FROM pdns.sensors WHERE name LIKE 's\\\\x%'"),
	's\\xff1', 'a sensor name with an octet that is not UTF-8 is stored escaped');

# The rejects hold no client address in the clear.
is( $node->safe_psql('pdns',
		"SELECT count(*) FROM pdns.rejects WHERE position('$canary' IN encode(raw, 'escape') || reason) > 0"),
	'0', 'no reject holds the client address in the clear');

# A dump of the store restores whole.
$node->command_ok([ 'pg_dump', '--format=custom', "--file=$dir/pdns.dump", '--dbname=' . $node->connstr('pdns') ],
	'pg_dump of a store that took such input');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', "--dbname=" . $node->connstr('restored'), "$dir/pdns.dump" ],
	'pg_restore of it reports no error');
my $counts = 'SELECT (SELECT count(*) FROM pdns.sensors) || \' \' || (SELECT count(*) FROM pdns.rejects)';
is($node->safe_psql('restored', $counts), $node->safe_psql('pdns', $counts),
	'sensors and rejects restore with every row');

# ---- 6: batch functions ----

($rc, $out, $err) = as('sensor1', q{
CREATE TEMP TABLE mine (line text);
CREATE TRIGGER t BEFORE INSERT ON mine FOR EACH ROW EXECUTE FUNCTION pdns._ingest_row('native-text');
});
like($err, qr/permission denied for function (pdns\.)?_ingest_row/,
	'a sensor may not attach the ingestion trigger to a table of its own');
for my $role ('sensor1', 'analyst')
{
	($rc, $out, $err) = as($role, 'SELECT * FROM pdns.pending_clients');
	like($err, qr/permission denied for table pending_clients/,
		"$role may not read the pseudonyms of runs not compacted yet");
	($rc, $out, $err) = as($role, 'SELECT * FROM pdns._batch_rejects()');
	like($err, qr/permission denied for function _batch_rejects/,
		"$role may not read a batch's rejects");
}

# ---- 7: memory ----

sub peak_kb
{
	my ($sql) = @_;
	my @lines = split /\n/, $node->safe_psql('pdns', $sql . q{;
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')});
	return $lines[-1];
}
$node->safe_psql('pdns', q{
SET pdns.line_encoding = utf8;
INSERT INTO pdns.ingest_text
SELECT format(E'%s\tmem\t\t\tm%s.mem.example\tA\t\t\t%s', extract(epoch FROM now())::bigint - 3600,
              i, host('10.0.0.0'::inet + i))
FROM generate_series(1, 200000) i});
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.rdata_addresses WHERE address << '10.0.0.0/8'"),
	'200000', '200 000 addresses in the store');
my $base = peak_kb('SELECT 1');
my $peak = peak_kb(q{SET work_mem = '1MB';
SELECT count(*) FROM pdns.lookup_rdata_ip('0.0.0.0/0', max_results => NULL)});
cmp_ok($peak - $base, '<', 32 * 1024,
	'an unbounded address lookup of 200 000 rows holds bounded memory (' . ($peak - $base) . ' kB more)');
is( $node->safe_psql('pdns', q{SET work_mem = '1MB';
SELECT count(*) || ' ' || bool_or(truncated) FROM pdns.lookup_rdata_ip('10.0.0.0/8', max_results => 150000)}),
	'150000 true', '... and a truncated page says so on every row');

$node->safe_psql('pdns', "SELECT pdns.configure(batch_bytes => 8388608)");
$base = peak_kb('SELECT 1');
# (the ingestion alone: its runs are compacted afterwards, in memory
# bounded by work_mem)
$peak = peak_kb(q{SET pdns.line_encoding = utf8; SET pdns.compaction = background;
INSERT INTO pdns.ingest_text
SELECT format(E'%s\tbig\t\t\tt%s.big.example\tTXT\t\t\t%s', extract(epoch FROM now())::bigint - 3600,
              i, repeat('"' || repeat(md5(i::text), 7) || '" ', 80))
FROM generate_series(1, 3000) i});
cmp_ok($peak - $base, '<', 64 * 1024,
	'a COPY of 3 000 lines of 18 kB holds memory bounded by settings.batch_bytes ('
	  . ($peak - $base) . ' kB more for 54 MB of lines)');
$base = peak_kb('SELECT 1');
$peak = peak_kb('CALL pdns.compact()');
note 'their compaction: ' . ($peak - $base) . ' kB more';
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.rrsets WHERE rrname << 'big.example'"),
	'3000', '... and lands whole');

# ---- 8: smaller ones ----

is( $node->safe_psql('pdns',
		"SELECT count(*) FROM pdns.lookup_rrset('x.example', max_results => 9223372036854775807)"),
	'1', 'max_results may be the largest bigint');

my $sensors = $node->safe_psql('pdns', 'SELECT count(*) FROM pdns.sensors');
$file = write_file('junk.tsv', join('', map { "1764892800\tjunk$_\t\t\tbad..name\tA\t\t\t192.0.2.1\n" } 1 .. 50));
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor1; " . copy_command($file));
is($node->safe_psql('pdns', 'SELECT count(*) FROM pdns.sensors'), $sensors,
	'rejected lines make no sensors');

$node->safe_psql('pdns', "SELECT pdns.bind_sensor('alpha', 'sensor1')");
$file = write_file('alpha.tsv', line(name => 'alpha.example', sensor => 'alpha'));
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor2; " . copy_command($file));
is( $node->safe_psql('pdns',
		"SELECT count(*) FROM pdns.rejects WHERE reason = 'sensor \"alpha\" is bound to roles this login is not a member of'"),
	'1', 'a sensor bound to a role: another login\'s line for it is rejected');
($rc, $out, $err) = $node->psql('pdns', "SET ROLE sensor1; " . copy_command($file));
is($node->safe_psql('pdns', "SELECT count(*) FROM pdns.rrsets WHERE rrname = 'alpha.example'"),
	'1', '... and the bound login\'s line lands');
($rc, $out, $err) = as('sensor1', "SELECT pdns.bind_sensor('beta', 'sensor1')");
like($err, qr/permission denied for function bind_sensor/, 'only an admin binds sensors');

# ---- 10: the functions themselves ----

is( $node->safe_psql('pdns', q{
SELECT string_agg(p.oid::regprocedure::text, ', ')
FROM pg_proc p
WHERE p.pronamespace = 'pdns'::regnamespace AND p.prosecdef
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')}),
	'', 'every SECURITY DEFINER function sets its search_path');
cmp_ok($node->safe_psql('pdns',
		"SELECT count(*) FROM pg_proc WHERE pronamespace = 'pdns'::regnamespace AND prosecdef"),
	'>', 5, '(there are SECURITY DEFINER functions to check)');
# The lookup helpers run inside the analyst's lookups, and the signals'
# inside negative_spikes() and its view: read-only, IMMUTABLE or STABLE, not
# SECURITY DEFINER (src/sql/99_privileges.sql, src/sql/87_signals.sql).
my %lookup_helpers = map { $_ => 1 } qw(_cursor _cursor_field _fenced _wildcard _window_fences _sensor_filter
  _period_start _negative_kind _negative_baseline _robust_score _spike_baseline_periods);
for my $role ('public', 'pdns_ingest', 'pdns_analyst')
{
	my $who = $role eq 'public' ? "'public'" : "'$role'";
	my $callable = $node->safe_psql('pdns', qq{
SELECT string_agg(p.proname, ' ' ORDER BY p.proname)
FROM pg_proc p
WHERE p.pronamespace = 'pdns'::regnamespace AND p.proname LIKE '\\_%'
  AND (CASE WHEN $who = 'public'
            THEN coalesce(p.proacl, acldefault('f', p.proowner))::text[] && ARRAY['=X/' || p.proowner::regrole::text]
            ELSE has_function_privilege($who, p.oid, 'EXECUTE') END)});
	my @unexpected = grep { !($role eq 'pdns_analyst' && $lookup_helpers{$_}) } split / /, $callable;
	is("@unexpected", '', "no internal function is executable by $role");
}
is( $node->safe_psql('pdns', q{
SELECT string_agg(proname, ' ') FROM pg_proc
WHERE pronamespace = 'pdns'::regnamespace
  AND proname IN ('_cursor', '_cursor_field', '_fenced', '_wildcard', '_window_fences')
  AND (prosecdef OR provolatile = 'v')}),
	'', 'the lookup helpers an analyst may call are read-only and run with the analyst\'s rights');

done_testing();
