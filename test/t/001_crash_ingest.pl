# Durability of the write path: the server is killed with SIGKILL while
# batches are being loaded and compacted, at different moments (a COPY
# parsing its lines, two COPYs appending their runs side by side, a COPY
# between two runs of a batch larger than batch_keys, right after a
# commit, a compaction taking its runs, merging RRsets, merging the
# per-period tiers, and one backend killed in its compaction).  After the
# restart, once every committed run is compacted, the store holds every
# committed batch exactly once and nothing of the others: every count, time
# and row is compared with what this script computes from the lines it
# generated (PdnsTap.pm), and PostgreSQL's own commit log (pg_xact_status)
# says which transactions committed.  Ingestion then goes on as before.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $started = time;

# The server restarts by itself after one backend is killed (the last
# round); the others kill the postmaster too.  No autovacuum: after a
# restart, the first transaction ids given out are those of the batches
# that died, and their status is read before anyone else writes.
my $node = pdns_node('crash', restart_after_crash => 'on', autovacuum => 'off');
my $dir = PostgreSQL::Test::Utils::tempdir;
# Runs wait for CALL pdns.compact(), so that this script decides when a
# compaction runs (and kills it).
$node->safe_psql('postgres', 'ALTER DATABASE pdns SET pdns.compaction = background');

# tap_wait(application_name, phase, octets of the COPY's input) returns,
# as "xid pid", when that session is in the phase:
#   parse     its COPY has read between 10% and 60% of its lines, and
#             appended nothing yet;
#   append    its COPY has read every line and is appending its run, or
#             has appended it and ended, its transaction still open (the
#             monitor may look only after the COPY returned);
#   between   its COPY has read between 30% and 80% of its lines and
#             appended at least one run;
#   take      its compaction is taking runs (pending rows into its scratch
#             tables), before it writes to any tier;
#   rrsets    its compaction is merging RRsets, the per-period tiers not yet;
#   periods   its compaction is merging the per-period tiers.
# Appending is seen by the RowExclusiveLock a session holds on
# pdns.pending_rrsets until its transaction ends, merging by the locks on
# pdns.rrsets and the partitions of pdns.observations; progress by
# pg_stat_progress_copy.
$node->safe_psql(
	'pdns', q{
CREATE EXTENSION amcheck;
CREATE FUNCTION tap_wait(app text, phase text, total bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	deadline timestamptz := clock_timestamp() + interval '90 s';
BEGIN
	LOOP
		PERFORM pg_stat_clear_snapshot();
		SELECT a.pid, coalesce(a.backend_xid::text, '') AS xid, p.bytes_processed AS done,
		       EXISTS (SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.granted
		                 AND l.relation = 'pdns.pending_rrsets'::regclass
		                 AND l.mode = 'RowExclusiveLock') AS appended,
		       EXISTS (SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.granted
		                 AND l.relation = 'pdns.runs'::regclass
		                 AND l.mode = 'RowShareLock') AS taking,
		       EXISTS (SELECT FROM pg_locks l WHERE l.pid = a.pid AND l.granted
		                 AND l.relation = 'pdns.rrsets'::regclass
		                 AND l.mode = 'RowExclusiveLock') AS rrsets,
		       EXISTS (SELECT FROM pg_locks l JOIN pg_inherits i ON i.inhrelid = l.relation
		               WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock'
		                 AND i.inhparent = 'pdns.observations'::regclass) AS periods
		INTO r
		FROM pg_stat_activity a LEFT JOIN pg_stat_progress_copy p ON p.pid = a.pid
		WHERE a.application_name = app;
		IF (CASE phase
		   WHEN 'parse' THEN r.done BETWEEN total / 10 AND total * 6 / 10 AND NOT r.appended
		   WHEN 'append' THEN (r.done = total OR r.done IS NULL) AND r.appended
		   WHEN 'between' THEN r.done BETWEEN total * 3 / 10 AND total * 8 / 10 AND r.appended
		   WHEN 'take' THEN r.taking AND NOT r.rrsets
		   WHEN 'rrsets' THEN r.rrsets AND NOT r.periods
		   WHEN 'periods' THEN r.periods
		   END) THEN
			RETURN r.xid || ' ' || r.pid;
		END IF;
		IF clock_timestamp() > deadline THEN
			RAISE EXCEPTION 'session % never reached phase %: %', app, phase, r;
		END IF;
		PERFORM pg_sleep(0.001);
	END LOOP;
END
$$;
});

my $model = model_new();
my $seed = 0;
my %xact;    # transaction id => the status it must have after the crash
my @doomed;  # tags of the batches that must leave nothing

sub batch
{
	my ($tag, $lines, %o) = @_;
	return make_batch(tag => $tag, lines => $lines, seed => ++$seed, dir => $dir, %o);
}

# A psql session named $name (its application_name), kept open.
sub session
{
	my ($name) = @_;
	my $s = $node->background_psql('pdns');
	$s->query_safe("SET client_min_messages = warning; SET application_name = '$name'");
	return $s;
}

# Send input to a session without waiting for it to be done.
sub send_input
{
	my ($s, $input) = @_;
	$s->{stdin} .= $input;
	$s->{run}->pump_nb;
	return;
}

# Start loading a batch; the session prints "acked TAG" once COPY returns,
# or "copied TAG" when the COPY is in a transaction block that this script
# never commits (its returning acknowledges nothing).
sub start_copy
{
	my ($s, $batch, $in_transaction) = @_;
	my $said = $in_transaction ? 'copied' : 'acked';
	send_input($s, copy_command($batch->{file}) . "\n\\echo $said $batch->{tag}\n");
	return;
}

# Load a batch and wait for COPY to return; a committed one joins the model.
sub copy_now
{
	my ($s, $batch, $committed) = @_;
	$s->query_safe(copy_command($batch->{file}));
	model_add($model, $batch) if $committed;
	return;
}

# Wait until session $app is in a phase; note its transaction, which must
# not have committed.  $batch: the batch its COPY loads (undef for a
# compaction).
sub wait_phase
{
	my ($monitor, $app, $phase, $batch) = @_;
	my ($xid, $pid) =
	  split / /, $monitor->query_safe(
		"SELECT tap_wait('$app', '$phase', " . ($batch ? $batch->{size} : 0) . ")");
	$xact{$xid} = 'aborted' if $xid ne '';
	return $pid unless $batch;
	push @doomed, $batch->{tag};
	note "$batch->{tag}: $phase reached (xid '$xid', pid $pid)";
	return $pid;
}

# SIGKILL the server (kill_server_processes()), then close the sessions.
sub kill_server
{
	my (@sessions) = @_;
	kill_server_processes($node);
	return finish(@sessions);
}

# Close sessions whose server went away; returns what each printed.
sub finish
{
	my @out;
	for my $s (@_)
	{
		eval {
			$s->{stdin} .= "\\q\n";
			$s->{run}->finish;
		};
		push @out, $s->{stdout};
	}
	return join('', @out);
}

# After a restart, before anything writes: did the transactions noted
# commit?  One whose writes never reached the log is past the next
# transaction id: it did not commit either.
sub check_xacts
{
	my ($what) = @_;
	for my $xid (sort keys %xact)
	{
		is( $node->safe_psql(
				'pdns', qq{
SELECT CASE WHEN '$xid'::xid8 >= pg_snapshot_xmax(pg_current_snapshot()) THEN 'aborted'
            ELSE pg_xact_status('$xid') END}),
			$xact{$xid},
			"$what: transaction $xid $xact{$xid}");
	}
	%xact = ();
	return;
}

# Start a compaction of every committed run in one transaction; the
# session prints "compacted" once it committed.
sub start_compaction
{
	my ($s) = @_;
	send_input($s, "BEGIN; CALL pdns.compact(); COMMIT;\n\\echo compacted\n");
	return;
}

# Once the transactions are checked: compact what is committed, then
# compare the store with the model.
sub check_store
{
	my ($what) = @_;
	$node->safe_psql('pdns', 'CALL pdns.compact()');
	is($node->safe_psql('pdns', 'SELECT pending_runs FROM pdns.ingest_status'),
		'0', "$what: every committed run compacted");
	store_is_model($node, 'pdns', $model,
		"$what: the store holds every committed batch exactly once, nothing else");
	sensors_sum_up($node, 'pdns', "$what: the sensors of each RRset sum to its all-time aggregate");
	my $pattern = join('|', @doomed);
	is( $node->safe_psql(
			'pdns', qq{
SELECT (SELECT count(*) FROM pdns.sensors WHERE name LIKE 'doomed-%')
     + (SELECT count(*) FROM pdns.rejects WHERE encode(raw, 'escape') ~ 'batch ($pattern),')
     + (SELECT count(*) FROM pdns.observations o
        WHERE NOT EXISTS (SELECT FROM pdns.sensors s WHERE s.id = o.sensor_id))
     + (SELECT count(*) FROM pdns.negative_observations n
        WHERE NOT EXISTS (SELECT FROM pdns.sensors s WHERE s.id = n.sensor_id))}),
		'0',
		"$what: no sensor, reject or row of an uncommitted batch");
	return;
}

# Kill the server while sessions are loading batches; the batches being
# loaded were not acknowledged.  Restart, then check.
sub crash_and_check
{
	my ($what, @sessions) = @_;
	my $out = kill_server(@sessions);
	my $pattern = join('|', @doomed);
	unlike($out, qr/acked ($pattern)\n/, "$what: no batch that died was acknowledged");
	$node->start;
	check_xacts($what);
	check_store($what);
	return;
}

# BEGIN and load a batch, which the caller commits later.
sub copy_in_transaction
{
	my ($s, $batch) = @_;
	$s->query_safe('BEGIN');
	copy_now($s, $batch, 0);
	$xact{ $s->query_safe('SELECT pg_current_xact_id()') } = 'committed';
	return;
}

my ($s1, $s2, $s3, $monitor);

# 1. Killed while a COPY is parsing its lines.  Before it, one batch
# committed on its own and one in an explicit transaction.
$s1 = session('a');
$s2 = session('b');
$monitor = session('monitor');
copy_now($s1, batch('c1', 40000), 1);
my $c2 = batch('c2', 40000);
copy_in_transaction($s2, $c2);
$s2->query_safe('COMMIT');
model_add($model, $c2);
my $d1 = batch('d1', 80000, sensors => [ 'sensor-0', 'doomed-d1' ]);
start_copy($s1, $d1);
wait_phase($monitor, 'a', 'parse', $d1);
crash_and_check('killed while parsing', $s1, $s2, $monitor);

# 2. Killed while two COPYs append their runs side by side (neither
# waits for the other), both in explicit transactions, just after a third session committed its batch, whose run is compacted
# meanwhile.
$s1 = session('a');
$s2 = session('b');
$s3 = session('c');
$monitor = session('monitor');
my $c3 = batch('c3', 40000);
copy_in_transaction($s1, $c3);
$s1->query_safe('COMMIT');
model_add($model, $c3);
my $d2 = batch('d2', 200000, sensors => [ 'sensor-1', 'doomed-d2' ]);
my $d3 = batch('d3', 200000, sensors => [ 'sensor-2', 'doomed-d3' ]);
$s2->query_safe('BEGIN');
$s3->query_safe('BEGIN');
start_copy($s2, $d2, 1);
start_copy($s3, $d3, 1);
start_compaction($s1);
wait_phase($monitor, 'b', 'append', $d2);
wait_phase($monitor, 'c', 'append', $d3);
crash_and_check('killed while two COPYs append side by side', $s1, $s2, $s3, $monitor);

# 3. Batches larger than batch_keys append a run as they go: killed after
# a COPY has appended a run and is reading more.  Before it, one such batch
# committed.
$s1 = session('a');
$s2 = session('b');
$monitor = session('monitor');
$s1->query_safe('SELECT pdns.configure(batch_keys => 4000)');
copy_now($s1, batch('c4', 40000), 1);
my $d4 = batch('d4', 80000, sensors => [ 'sensor-3', 'doomed-d4' ]);
start_copy($s2, $d4);
wait_phase($monitor, 'b', 'between', $d4);
crash_and_check('killed between two runs of a batch', $s1, $s2, $monitor);

# 4. Killed as soon as a COPY has returned: what was acknowledged is there.
$s1 = session('a');
$s1->query_safe('SELECT pdns.configure(batch_keys => 500000)');
copy_now($s1, batch('c5', 40000), 1);
crash_and_check('killed right after a commit', $s1);

# 5. Killed at three points of a compaction of committed runs: taking
# them, merging RRsets, merging the per-period tiers.  The runs it had
# taken are compacted again after the restart, once.
for my $phase ('take', 'rrsets', 'periods')
{
	$s1 = session('a');
	$s2 = session('z');
	$monitor = session('monitor');
	copy_now($s1, batch("c7$phase", 150000), 1);
	copy_now($s1, batch("c8$phase", 50000, base => 1700300000), 1);
	start_compaction($s2);
	wait_phase($monitor, 'z', $phase);
	crash_and_check("killed while a compaction is in phase $phase", $s1, $s2, $monitor);
}

# 6. Killed right after a compaction committed.
$s1 = session('a');
copy_now($s1, batch('c9', 40000), 1);
$s1->query_safe('CALL pdns.compact()');
crash_and_check('killed right after a compaction', $s1);

# 7. One backend killed in its compaction: the postmaster resets every
# session and recovers by itself (restart_after_crash).
$s1 = session('a');
$s2 = session('z');
$monitor = session('monitor');
copy_now($s1, batch('c10', 150000), 1);
start_compaction($s2);
my $pid = wait_phase($monitor, 'z', 'rrsets');
my $log_offset = -s $node->logfile;
kill 'KILL', $pid;
unlike(finish($s1, $s2, $monitor), qr/compacted\n/,
	'one backend killed while compacting: its compaction was not acknowledged');
# Wait in the server's log for its reset and recovery.  Polling with psql
# instead can fail by itself: a psql refused during recovery exits before
# reading its query, and IPC::Run dies writing it (EPIPE).
$node->wait_for_log(
	qr/all server processes terminated; reinitializing.*database system is ready to accept connections/s,
	$log_offset);
check_xacts('one backend killed while compacting');
check_store('one backend killed while compacting');

# Ingestion goes on: a new batch (new sensor, new periods, the same names)
# adds to the recovered rows, and every index agrees with its table.
$s1 = session('a');
copy_now($s1,
	batch('c6', 40000, sensors => [ 'sensor-0', 'sensor-new' ], base => 1700500000),
	1);
finish($s1);
check_store('after the crashes, a new batch');
my $checked = $node->safe_psql(
	'pdns', q{
SELECT count(*) FROM (
	SELECT bt_index_check(c.oid, true)
	FROM pg_class c JOIN pg_am am ON am.oid = c.relam
	WHERE am.amname = 'btree' AND c.relkind = 'i'
	  AND c.relnamespace = 'pdns'::regnamespace) t});
cmp_ok($checked, '>', 20,
	"every btree index of the store agrees with its table ($checked checked with amcheck)");

$node->stop;
note sprintf('runtime %.1f s', time - $started);
done_testing();
