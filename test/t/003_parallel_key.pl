# The key set up as docs/privacy.md first recommends it (the server
# configuration, pdns in session_preload_libraries) must not get in the way
# of parallel queries: a parallel worker restores the leader's settings in
# name order, the key before session_preload_libraries.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('session_preload');
$node->init;
$node->append_conf('postgresql.conf',
	"session_preload_libraries = 'pdns'\n"
	  . "pdns.pseudonymization_key = '$PSEUDONYMIZATION_KEY'\n"
	  . "max_parallel_workers_per_gather = 2\n");
$node->start;
$node->safe_psql('postgres', 'SET client_min_messages = warning; CREATE EXTENSION pdns CASCADE');
$node->safe_psql('postgres', 'CREATE TABLE t AS SELECT i FROM generate_series(1, 100000) i');

my $force = 'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; '
  . 'SET min_parallel_table_scan_size = 0; ';
like($node->safe_psql('postgres', $force . 'EXPLAIN (COSTS OFF) SELECT count(*) FROM t'),
	qr/Gather/, 'the query is planned in parallel');
my ($rc, $out, $err) = $node->psql('postgres', $force . 'SELECT count(*) FROM t');
is($rc . $err, '0', 'a parallel query runs with the key in the configuration');
is($out, '100000', 'and counts every row');
is( $node->safe_psql('postgres',
		$force . "SELECT pdns.pseudonymize('192.0.2.1') = pdns.pseudonymize('192.0.2.1')"),
	't', 'the key is in use');

# The check it skips still holds for a server that does not preload pdns.
$node->append_conf('postgresql.conf', "session_preload_libraries = ''\n");
$node->reload;
($rc, $out, $err) = $node->psql('postgres', "SELECT pdns.pseudonymize('192.0.2.1')");
like($err, qr/only when pdns is preloaded/, 'without the preload the configured key is refused');

$node->stop;
done_testing();
