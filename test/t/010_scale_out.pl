# Scale-out (docs/scale-out.md): a coordinator with pdns_cluster over three
# shard servers, against one server holding the same data, all started
# here.  The same batches go to both (raw lines and columns through the
# coordinator's targets); then every kind of lookup, with wildcards, type,
# bailiwick, time and sensor filters, and paged, must answer exactly alike,
# and the shards together must hold exactly the one server's store.  A
# shard that is down makes a lookup fail naming it, or, when asked for,
# answer partially, flagged; a COPY through the coordinator while a shard
# is down leaves nothing anywhere, and sent again once the shard is back
# it is counted once.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use HTTP::Tiny;
use IPC::Run;
use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my @shards = map { pdns_node("shard$_") } 0 .. 2;
my $single = pdns_node('single');
my $coord = pdns_node('coordinator');
$coord->safe_psql('pdns', 'SET client_min_messages = warning; CREATE EXTENSION pdns_cluster CASCADE');
# The coordinator logs in to the shards as "coordinator", which may ingest
# and look up there; on the coordinator, an analyst and a sensor of their
# own roles ask and load.
for my $i (0 .. $#shards)
{
	$shards[$i]->safe_psql('pdns', 'CREATE ROLE coordinator LOGIN IN ROLE pdns_analyst, pdns_ingest');
	$coord->safe_psql('pdns',
		sprintf("SELECT pdns_cluster.add_shard('s%d', '%s', %d, 'pdns', login => 'coordinator')",
			$i, $shards[$i]->host, $shards[$i]->port));
}
$coord->safe_psql('pdns',
	'CREATE ROLE analyst LOGIN IN ROLE pdns_analyst; CREATE ROLE sensor LOGIN IN ROLE pdns_ingest');
is( $coord->safe_psql(
		'pdns', q{SELECT string_agg(shard_id || ':' || n, ' ' ORDER BY shard_id)
		 FROM (SELECT shard_id, count(*) n FROM pdns_cluster.slots GROUP BY 1) x}),
	'0:342 1:341 2:341',
	'the 1024 slots are spread over the three shards');

my $dir = PostgreSQL::Test::Utils::tempdir;
my @raw = (
	make_batch(tag => 'a', lines => 6000, seed => 1, dir => $dir, zone => 'example', names => 2500),
	make_batch(
		tag => 'b',
		lines => 6000,
		seed => 2,
		dir => $dir,
		zone => 'co.uk',
		names => 2500,
		sensors => [ 'sensor-0', 'sensor-9' ]));
# A batch for the column target (no garbage line: COPY itself would refuse it).
# Its lines of eleven fields get the twelfth, the rcode.
my $columns = make_batch(tag => 'c', lines => 399, seed => 3, dir => $dir, zone => 'com', names => 300);
{
	my @lines = map { /^(?:[^\t]*\t){11}/ ? $_ : "$_\tNOERROR" } split /\n/, slurp_file($columns->{file});
	open(my $fh, '>', $columns->{file}) or die "$columns->{file}: $!";
	print $fh map { "$_\n" } @lines;
	close $fh;
}

# Load a batch into the one server and through the coordinator, with SQL
# run first in both sessions; the shards compact what they were sent.
sub load
{
	my ($batch, $target, $first) = @_;
	$first //= '';
	my ($one, $cluster) =
	  $target eq 'columns'
	  ? ("\\copy pdns.native_in FROM '$batch->{file}'", "\\copy pdns_cluster.native_in FROM '$batch->{file}'")
	  : (copy_command($batch->{file}), copy_command($batch->{file}, 'pdns_cluster.ingest_text'));
	$single->safe_psql('pdns', "$first\n$one");
	my ($ret, $out, $err) = $coord->psql('pdns', "SET ROLE sensor;\n$first\n$cluster");
	return ($ret, $err);
}

# Lines that name no sensor: the session's pdns.sensor is theirs.
sub without_sensors
{
	my ($batch) = @_;
	my @lines = map { s/^([^\t]*)\t[^\t]*\t/$1\t\t/r } split /\n/, slurp_file($batch->{file});
	open(my $fh, '>', $batch->{file}) or die "$batch->{file}: $!";
	print $fh map { "$_\n" } @lines;
	close $fh;
	return $batch;
}

sub compact_shards
{
	$_->safe_psql('pdns', 'CALL pdns.compact()') for @shards;
	return;
}

# The first batch goes out in batches of 64 kB per shard, many per
# statement.
for my $b (@raw)
{
	my ($ret, $err) = load($b, 'lines', $b->{tag} eq 'a' ? 'SET pdns.cluster_batch_size = 64;' : '');
	is($ret, 0, "batch $b->{tag} through the coordinator") or diag $err;
}
my ($ret, $err) = load(without_sensors($columns), 'columns', q{SET pdns.sensor = 'sensor-session';});
is($ret, 0, 'a batch of columns without sensors through the coordinator') or diag $err;
my $unnamed = without_sensors(
	make_batch(tag => 'e', lines => 500, seed => 5, dir => $dir, zone => 'net', names => 300));
($ret, $err) = load($unnamed, 'lines', q{SET pdns.sensor = 'sensor-session';});
is($ret, 0, 'a batch of lines without sensors through the coordinator') or diag $err;
compact_shards();

# The store, row by row: every shard's rows together against the one
# server's.
my %store = (
	rrsets => q{SELECT format('%s %s %s %s %s %s %s', rrname, rrtype, bailiwick, pdns.rdata(rdata),
	                          time_first, time_last, count) FROM pdns.rrsets},
	per_sensor => q{SELECT format('%s %s %s %s', r.rrname, pdns.rdata(r.rdata), s.name, x.count)
	                FROM pdns.rrset_sensors x JOIN pdns.rrsets r ON r.key = x.rrset_key
	                JOIN pdns.sensors s ON s.id = x.sensor_id},
	observations => q{SELECT format('%s %s %s %s', r.rrname, o.period, s.name, o.count)
	                  FROM pdns.observations o JOIN pdns.rrsets r ON r.key = o.rrset_key
	                  JOIN pdns.sensors s ON s.id = o.sensor_id},
	negatives => q{SELECT format('%s %s %s %s', n.rrname, n.rrtype, n.period, n.count)
	               FROM pdns.negative_observations n},
	rejects => q{SELECT encode(raw, 'escape') FROM pdns.rejects});

sub store_matches
{
	my ($what) = @_;
	for my $part (sort keys %store)
	{
		my @want = sort split /\n/, $single->safe_psql('pdns', $store{$part});
		my @got = sort map { split /\n/, $_->safe_psql('pdns', $store{$part}) } @shards;
		is_deeply(\@got, \@want, "$what: the shards hold the one server's $part (" . scalar(@want) . ' rows)');
	}
	return;
}
store_matches('after four batches');
cmp_ok($single->safe_psql('pdns', q{SELECT count(*) FROM pdns.rrset_sensors x JOIN pdns.sensors s ON s.id = x.sensor_id
	WHERE s.name = 'sensor-session'}), '>', 500, 'the session\'s sensor is the sensor of lines that name none');
cmp_ok($_->safe_psql('pdns', 'SELECT count(*) FROM pdns.rrsets'), '>', 100, 'every shard holds RRsets')
  for @shards;

# Every lookup kind, on the one server (pdns.) and on the coordinator
# (pdns_cluster.): the same rows, cursors included, or the same error.
my @lookups = (
	q{lookup_rrset('h7.z7.example')},
	q{lookup_rrset('H8.Z8.EXAMPLE.')},
	q{lookup_rrset('h10.z10.co.uk', 'NS')},
	q{lookup_rrset('nothing.example')},
	q{lookup_rrset('*.z3.example')},
	q{lookup_rrset('*.z4.co.uk', max_results => 5)},
	q{lookup_rrset('*.example')},
	q{lookup_rrset('*.co.uk', 'A')},
	q{lookup_rrset('*.uk')},
	q{lookup_rrset('*.')},
	q{lookup_rrset('h1.*')},
	q{lookup_rrset('h12.z12.*')},
	q{lookup_rrset('*.example', 'ANY-DNSSEC', max_results => 50)},
	q{lookup_rrset('*.z2.example', 'ANY', 'example')},
	q{lookup_rrset('*.example', time_first_after => '1700100000', time_last_before => '1700200000')},
	q{lookup_rrset('*.', sensor => 'sensor-9')},
	q{lookup_rrset('*.example', sensor => 'sensor-9')},
	q{lookup_rrset('*.', sensor => 'no-such-sensor')},
	q{lookup_rrset('a*b')},
	q{lookup_rrset('*.example', max_results => 0)},
	q{lookup_rdata_ip('198.51.7.1')},
	q{lookup_rdata_ip('198.51.7.0/24')},
	q{lookup_rdata_ip('198.51.0.0/16', max_results => 100)},
	q{lookup_rdata_ip('198.51.7.0-198.51.9.255')},
	q{lookup_rdata_ip('2001:db8::/32', sensor => 'sensor-9')},
	q{lookup_rdata_ip('not an address')},
	q{lookup_rdata_ip('198.51.7.0', time_first_before => 'yesterday-ish')},
	q{lookup_rdata_name('ns0.z3.example')},
	q{lookup_rdata_name('*.z3.co.uk')},
	q{lookup_rdata_name('*.example', 'NS', max_results => 60)},
	q{lookup_rdata_name('ns1.*')},
	q{lookup_rdata_raw('c6330701')},
	q{lookup_rdata_raw('c6330701', 'A', time_last_after => '1700000000')});

sub answer
{
	my ($node, $schema, $call) = @_;
	my ($ret, $out, $err) = $node->psql('pdns',
		($schema eq 'pdns_cluster' ? 'SET ROLE analyst; ' : '') . "SELECT string_agg(t::text, E'\\n') FROM $schema.$call t");
	# an error: its message, detail and hint (not its context)
	return $ret == 0 ? $out : 'error: ' . ($err =~ /(ERROR:.*(?:\n(?:DETAIL|HINT):.*)*)/ ? $1 : $err);
}

sub lookups_match
{
	my ($what) = @_;
	for my $call (@lookups)
	{
		my $want = answer($single, 'pdns', $call);
		is(answer($coord, 'pdns_cluster', $call), $want,
			"$what: $call (" . ($want =~ /^error/ ? $want : scalar(split /\n/, $want) . ' rows') . ')');
	}
	return;
}
lookups_match('three shards against one server');

# Search (DNSDB Flex) across shards: names as lookups are; an rdata value
# aggregated over the shards that hold it, fenced after.
my %on_shards;
for my $shard (@shards)
{
	$on_shards{$_}++ for split /\n/, $shard->safe_psql('pdns', 'SELECT value FROM pdns.searchable_rdata');
}
cmp_ok(scalar(grep { $_ > 1 } values %on_shards), '>', 100, 'rdata values held by RRsets of several shards');
my @searches = (
	q{search_rrnames('z3\.example')},
	q{search_rrnames('*.z4.co.uk', 'glob')},
	q{search_rrnames('^h1', rrtype => 'NS')},
	q{search_rrnames('example', time_first_after => '1700100000', time_last_before => '1700200000')},
	q{search_rrnames('co\.uk', exclude => 'z1', max_results => 40)},
	q{search_rrnames('.', sensor => 'sensor-9', max_results => 30)},
	q{search_rrnames('.', sensor => 'no-such-sensor')},
	q{search_rrnames('(')},
	q{search_rrnames('x', time_first_before => 'not a time')},
	q{search_rdata('198\.51\.7\.')},
	q{search_rdata('ns0.*', 'glob')},
	q{search_rdata('198\.51\.', 'regex', 'A', max_results => 50)},
	q{search_rdata('198\.51\.', time_first_after => '1700100000', max_results => 60)},
	q{search_rdata('198\.51\.', time_last_before => '1700150000', max_results => 60)},
	q{search_rdata('^198', window_after => '1700050000', window_before => '1700060000', strict => true)},
	q{search_rdata('\.', exclude => '^198', max_results => 30)},
	q{search_rdata('198\.51\.', sensor => 'sensor-9', max_results => 40)},
	q{search_rdata('.', 'regex', 'NOTATYPE')},
	q{search_rdata('198', max_results => 0)},
	q{search_rdata('198\.51\.7\.', max_results => NULL)},
	q{search_rrnames('z7\.example', max_results => NULL)});

# The signals that are about registered domains, across shards.
my @signals = (
	q{top_new_domains('2023-11-01')},
	q{top_new_domains('2023-11-20', 3)},
	q{top_new_domains('2023-11-01', -1)},
	q{negative_spikes('2023-11-16 12:00', 3, 0, 1)},
	q{negative_spikes('2023-11-17 12:00', 3, -1000, 1, false)},
	q{negative_spikes(baseline_periods => 2)},
	q{names_on('198.51.0.0/16')},
	q{names_on('198.51.0.0/16', exact => true)},
	q{names_on('2001:db8::/32')},
	q{addresses_of('h7.z7.example')},
	q{addresses_of('z3.example', below => true)},
	q{addresses_of('example', below => true)},
	q{addresses_of('example', below => true, exact => true)},
	q{addresses_of('uk', below => true)},
	q{names_per_block('198.51.0.0/16')},
	q{names_per_block('198.51.0.0/16', 20)});
cmp_ok(scalar(split /\n/, answer($single, 'pdns', $signals[3])), '>', 10, 'negative spikes to compare');

sub searches_match
{
	my ($what) = @_;
	for my $call (@searches, @signals)
	{
		my $want = answer($single, 'pdns', $call);
		is(answer($coord, 'pdns_cluster', $call), $want,
			"$what: $call (" . ($want =~ /^error/ ? $want : scalar(split /\n/, $want) . ' rows)'));
	}
	return;
}
searches_match('three shards against one server');
for my $call (q{search_rrnames('example')}, q{search_rdata('198\.51\.')},
	q{search_rdata('198\.51\.', time_first_after => '1700100000')})
{
	my $want = pages($single, 'pdns', $call, 'rows');
	is_deeply(pages($coord, 'pdns_cluster', $call, 'rows'), $want,
		"$call paged by 7: the same pages (the first " . scalar(@$want) . ' rows)');
}

# The views: pdns_cluster.<view> on the coordinator holds the one server's
# pdns.<view>, row for row; filtered, the condition is sent to every shard,
# and they are read side by side.  The enriched views join the cluster's
# rows to the coordinator's enrichment and tags (loaded on both here).
my $enrichment = q{
	INSERT INTO pdns.enrichment_source (kind, name, version, valid)
	VALUES ('mmdb', 'test-asn', '1', tstzrange('2000-01-01', NULL));
	INSERT INTO pdns.ip_enrichment (source_id, network, valid, asn, as_org, country, city, record)
	SELECT id, '198.51.0.0/16', valid, 64500, 'Test AS', 'NL', 'Amsterdam', '{}' FROM pdns.enrichment_source;
	INSERT INTO pdns.name_tag (name, tag, source, valid)
	VALUES ('z3.example', 'malware', 'test-feed', tstzrange('2000-01-01', NULL)),
	       ('co.uk', 'watched', 'test-feed', tstzrange('2000-01-01', NULL));
};
$_->safe_psql('pdns', $enrichment) for $single, $coord;
my @views = (
	[ 'rrset_history', '' ],
	[ 'rrset_history', q{WHERE rrname = 'h7.z7.example'} ],
	[ 'ip_history', '' ],
	[ 'ip_history', q{WHERE address <<= '198.51.7.0/24'} ],
	[ 'nameserver_history', '' ],
	[ 'name_volume', '' ],
	[ 'name_volume', q{WHERE rrname = 'h10.z10.co.uk' AND period >= '2023-11-15'} ],
	[ 'negative_volume', '' ],
	[ 'client_activity', '' ],
	[ 'newly_observed', '' ],
	[ 'newly_observed', q{WHERE kind = 'domain'} ],
	[ 'negative_spike_history', '' ],
	[ 'ip_history_enriched', '' ],
	[ 'rrset_history_tagged', '' ],
	[ 'rrset_history_tagged', q{WHERE tag = 'watched'} ],
	[ 'domain_rollups', '' ],
	[ 'domain_month_rollups', '' ],
	[ 'rrtype_rollups', '' ]);

sub view_rows
{
	my ($node, $schema, $view, $where) = @_;
	return [ sort split /\n/,
		$node->safe_psql('pdns', ($schema eq 'pdns_cluster' ? 'SET ROLE analyst; ' : '') . "SELECT v::text FROM $schema.$view v $where") ];
}

sub views_match
{
	my ($what) = @_;
	for my $v (@views)
	{
		my $want = view_rows($single, 'pdns', @$v);
		is_deeply(view_rows($coord, 'pdns_cluster', @$v), $want,
			"$what: view " . join(' ', grep { $_ ne '' } @$v) . ' (' . scalar(@$want) . ' rows)');
	}
	return;
}
views_match('three shards against one server');
cmp_ok(scalar @{ view_rows($single, 'pdns', 'ip_history_enriched', q{WHERE asn = 64500}) }, '>', 10,
	'the enriched view has rows to compare');
cmp_ok(scalar @{ view_rows($single, 'pdns', 'rrset_history_tagged', q{WHERE tag = 'malware'}) }, '>', 2,
	'the tagged view has rows to compare');
my $plan = $coord->safe_psql('pdns',
	q{EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM pdns_cluster.rrset_history WHERE rrname = 'h7.z7.example'});
is(scalar(() = $plan =~ /Async Foreign Scan/g), 3, 'a view reads the three shards side by side');
is(scalar(() = $plan =~ /Remote SQL: .* FROM pdns\.rrset_history WHERE \(\(rrname OPERATOR\(public\.=\) 'h7\.z7\.example'\)\)/g),
	3, 'each with the condition on the name sent to the shard');

# Paging: pages of 7, each starting after the cursor of the last row of the
# previous one, until a page is not truncated (or 60 pages).
sub pages
{
	my ($node, $schema, $call, $whole) = @_;
	my (@rows, $cursor);
	for (my $page = 0; $page < 60; $page++)
	{
		my $after = defined $cursor ? "'$cursor'" : 'NULL';
		(my $paged = $call) =~ s/\)$/, max_results => 7, after_cursor => $after)/;
		# (a lookup's columns, or a search's whole row), then truncated and
		# the cursor
		my $out = $node->safe_psql('pdns',
			'SELECT ' . ($whole ? 't::text' : "concat_ws('|', rrname, rrtype, rdata, count)")
			  . ", truncated, cursor FROM $schema.$paged t");
		last if $out eq '';
		my @page = map { [ split /\|/ ] } split /\n/, $out;
		push @rows, map { join '|', @$_[ 0 .. $#$_ - 1 ] } @page;
		$cursor = $page[-1][-1];
		last if $page[-1][-2] eq 'f';
	}
	return \@rows;
}
for my $call (q{lookup_rrset('*.example')}, q{lookup_rrset('h2.*')}, q{lookup_rdata_ip('198.51.0.0/16')},
	q{lookup_rdata_name('*.co.uk')}, q{lookup_rdata_raw('c6330701')})
{
	my $want = pages($single, 'pdns', $call);
	is_deeply(pages($coord, 'pdns_cluster', $call), $want,
		"$call paged by 7: the same pages (the first " . scalar(@$want) . ' rows)');
}

# The rollups per sensor: the shards number sensors each their own way;
# the coordinator's rows are per sensor name.
is_deeply(view_rows($coord, 'pdns_cluster', 'sensor_rollups', ''),
	[ sort split /\n/, $single->safe_psql('pdns', q{
		SELECT (x.period, s.name, x.names, x.rrsets, x.observations, x.negatives, x.clients)::text
		FROM pdns.sensor_rollups x JOIN pdns.sensors s ON s.id = x.sensor_id}) ],
	'view sensor_rollups: the one server\'s rows per sensor name');

# The explorer's volume: a name and a subtree on their shard, larger
# subtrees over every shard.
for my $call (q{'h7.z7.example'}, q{'z7.example', true}, q{'example', true}, q{'co.uk', true},
	q{'.', true}, q{'no.such.example'})
{
	my $want = $single->safe_psql('pdns', "SELECT v::text FROM pdns.volume_by_period($call) v");
	is($coord->safe_psql('pdns', "SET ROLE analyst; SELECT v::text FROM pdns_cluster.volume_by_period($call) v"),
		$want, "volume_by_period($call) (" . scalar(split /\n/, $want) . ' periods)');
}

# The feed of first sightings, paged by 7 on the coordinator (whose cursor
# is every shard's position): each of the one server's rows exactly once,
# the shards' rows taken in turn.  From the last page's cursor, once more
# lines came, the rows those lines first sighted.
sub feed
{
	my ($node, $schema, $args, $cursor) = @_;
	my $rows = $node->safe_psql('pdns', sprintf(q{
		CREATE TEMP TABLE feed (page integer, n bigint, line text, cursor text);
		DO $$
		DECLARE
			c text := %2$s;
			p integer := 0;
		BEGIN
			LOOP
				INSERT INTO feed
				SELECT p, f.n, concat_ws('|', f.subject, f.first_seen, f.rrname, f.rrtype, f.rdata), f.cursor
				FROM %1$s.new_names_feed(c, 7 %3$s) WITH ORDINALITY f(subject, first_seen, rrname, rrtype, rdata, cursor, n);
				EXIT WHEN NOT FOUND OR p = 2000;
				c := (SELECT f.cursor FROM feed f WHERE f.page = p ORDER BY f.n DESC LIMIT 1);
				p := p + 1;
			END LOOP;
		END
		$$;
		SELECT line FROM feed;
		SELECT coalesce((SELECT f.cursor FROM feed f ORDER BY f.page DESC, f.n DESC LIMIT 1), %2$s, '-')},
		$schema, defined $cursor ? "'$cursor'" : 'NULL', $args));
	my @lines = split /\n/, $rows;
	my $last = pop @lines;
	return ([ sort @lines ], $last eq '-' ? undef : $last);
}
my %feed_cursor;
for my $args ('', ', domains => true', q{, sensor => 'sensor-9'}, q{, sensor => 'no-such-sensor'})
{
	my ($want, $one_cursor) = feed($single, 'pdns', $args);
	my ($got, $cluster_cursor) = feed($coord, 'pdns_cluster', $args);
	is_deeply($got, $want, "new_names_feed($args) paged by 7: the one server's " . scalar(@$want) . ' rows');
	$feed_cursor{$args} = [ $one_cursor, $cluster_cursor ];
}
like($feed_cursor{''}[1], qr/^0:\d+,1:\d+,2:\d+$/, 'the feed\'s cursor: each shard\'s position');
my ($r, $o, $e) = $coord->psql('pdns', q{SELECT * FROM pdns_cluster.new_names_feed('12')});
like($e, qr/invalid cursor for pdns_cluster\.new_names_feed\(\).*\n.*DETAIL:  The cursor is '12'/,
	'a cursor of one server\'s feed is refused, naming it');
($r, $o, $e) = $coord->psql('pdns', q{SELECT * FROM pdns_cluster.new_names_feed(max_results => 0)});
like($e, qr/ERROR:  max_results must be at least 1\n/, 'a feed of no row is refused, as on one server');

# pdns-api on both, as Farsight's dnsdbq asks it: the one server's
# (lookups = local) and the coordinator's (lookups = cluster) print the
# same, and so do their explorer volumes.
my $dnsdbq = (grep { -x "$_/dnsdbq" } split(/:/, $ENV{PATH}), '/usr/bin')[0] . '/dnsdbq';
my @apis;
sub start_api
{
	my ($node, $name, $lookups) = @_;
	$node->safe_psql('pdns', 'CREATE ROLE apigw LOGIN IN ROLE pdns_api');
	my $key = $node->safe_psql('pdns', "SELECT pdns.api_key_create('t', 'pdns_analyst')");
	my $port = PostgreSQL::Test::Cluster::get_free_port();
	my $conf = "$dir/$name-api.conf";
	open(my $fh, '>', $conf) or die "$conf: $!";
	print $fh "listen = 127.0.0.1\nport = $port\npool_size = 2\nlookups = $lookups\n",
	  'database = host=' . $node->host . ' port=' . $node->port . " dbname=pdns user=apigw\n";
	close $fh;
	my $log = "$PostgreSQL::Test::Utils::log_path/010_$name-api.log";
	push @apis, IPC::Run::start([ pdns_api_binary(), '-c', $conf ], '<', \undef, '>>', $log, '2>>', $log);
	my $base = "http://127.0.0.1:$port";
	my $http = HTTP::Tiny->new(timeout => 5);
	for (1 .. 300)
	{
		last if $http->get("$base/dnsdb/v2/ping")->{success};
		usleep(100_000);
	}
	return { base => $base, key => $key };
}
END { eval { $_->kill_kill } for @apis; }
my %api = (one => start_api($single, 'single', 'local'), cluster => start_api($coord, 'coordinator', 'cluster'));

sub dnsdbq
{
	my ($api, @args) = @_;
	local $ENV{DNSDB_API_KEY} = $api->{key};
	local $ENV{DNSDB_SERVER} = $api->{base};
	local $ENV{DNSDBQ_CONFIG_FILE} = '/dev/null';
	delete local $ENV{DNSDBQ_TIME_FORMAT};
	delete local $ENV{DNSDBQ_SYSTEM};
	my ($out, $err) = ('', '');
	IPC::Run::run([ $dnsdbq, '-u', 'dnsdb2', '-j', @args ], '<', \'', '>', \$out, '2>', \$err);
	return $out . $err;
}
for my $args ([ '-r', 'h7.z7.example' ], [ '-r', '*.z3.example' ], [ '-r', '*.co.uk/A', '-l', '50' ],
	[ '-r', 'h1.*' ], [ '-i', '198.51.7.0/24' ], [ '-n', 'ns0.z3.example' ],
	[ '-n', '*.z3.co.uk', '-l', '20' ], [ '-r', '*.z2.example', '-g' ], [ '-r', '*.example', '-V', 'summarize', '-l', '100' ],
	[ '-r', '*.example', '-A', '1700100000', '-l', '30' ])
{
	my $want = dnsdbq($api{one}, @$args);
	is(dnsdbq($api{cluster}, @$args), $want,
		"pdns-api on the coordinator: dnsdbq @$args (" . scalar(split /\n/, $want) . ' lines)');
}
for my $path ('volume/name/h7.z7.example', 'volume/domain/z3.example', 'volume/domain/co.uk')
{
	my %got = map {
		my $api = $api{$_};
		($_ => HTTP::Tiny->new(timeout => 5)->get("$api->{base}/pdns/v1/$path", { headers => { 'X-API-Key' => $api->{key} } }))
	} 'one', 'cluster';
	like($got{one}{content}, qr/"observations"/, "pdns-api on one server: /pdns/v1/$path has periods");
	is($got{cluster}{content}, $got{one}{content}, "pdns-api on the coordinator: /pdns/v1/$path");
}

# A shard down.
$shards[1]->stop('immediate');
($r, $o, $e) = $coord->psql('pdns', q{SELECT count(*) FROM pdns_cluster.lookup_rrset('*.example')});
isnt($r, 0, 'shard 1 down: a lookup that needs it fails');
like($e, qr/shard "s1" \(host=\S+ port=\d+ dbname=pdns\) did not answer/, 'the error names the shard');
my $elsewhere = $coord->safe_psql(
	'pdns', q{SELECT n FROM (SELECT 'h' || i || '.z' || i || '.example' n FROM generate_series(1, 50) i) x
	           WHERE pdns_cluster.shard_of(n) <> 1 LIMIT 1});
is(answer($coord, 'pdns_cluster', "lookup_rrset('$elsewhere')"),
	answer($single, 'pdns', "lookup_rrset('$elsewhere')"),
	"a lookup routed to another shard ($elsewhere) still answers");
($r, $o, $e) = $coord->psql('pdns',
	q{SET pdns_cluster.partial_answers = on;
	  SELECT count(*), bool_and(truncated) FROM pdns_cluster.lookup_rrset('*.example', max_results => 100000)});
is($r, 0, 'with partial answers allowed, the lookup answers');
like($e, qr/WARNING:  partial answer: shard "s1"/, 'it warns that the answer is partial, naming the shard');
my $others = 0;
$others += $_->safe_psql('pdns',
	q{SELECT count(*) FROM pdns.rrsets r WHERE r.rrname << 'example'::pdns.dnsname
	  AND r.rrtype::integer <> ALL (pdns.dnssec_rrtypes()::integer[])})
  for @shards[ 0, 2 ];
is($o, "$others|t", 'it holds the rows of the other shards, every one marked truncated');

# A COPY through the coordinator while shard 1 is down: it fails, and no
# shard keeps any of it (shard 0 was sent its lines before).
my $d = make_batch(tag => 'd', lines => 3000, seed => 4, dir => $dir, zone => 'example', names => 2500);
my %runs = map { $_ => $shards[$_]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs') } 0, 2;
($r, $o, $e) = $coord->psql('pdns', copy_command($d->{file}, 'pdns_cluster.ingest_text'));
isnt($r, 0, 'a COPY through the coordinator fails while a shard is down');
like($e, qr/pdns_shard_s1/, 'its error names the shard\'s server');
is($shards[$_]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs'), $runs{$_}, "shard $_ kept nothing of it")
  for 0, 2;

# Back up: the sensor sends the batch again; it is counted once.
$shards[1]->start;
load($d, 'lines');
compact_shards();
store_matches('the failed batch sent again');
lookups_match('after the failed batch was sent again');
for my $args (sort keys %feed_cursor)
{
	my ($want) = feed($single, 'pdns', $args, $feed_cursor{$args}[0]);
	my ($got) = feed($coord, 'pdns_cluster', $args, $feed_cursor{$args}[1]);
	is_deeply($got, $want,
		"new_names_feed($args) from the last cursor: the " . scalar(@$want) . ' rows the batch sighted first');
}

# Shard 1 killed in the middle of a COPY through the coordinator: once the
# COPY has sent it lines (its transaction from the coordinator is open
# there), its postmaster and every process get SIGKILL at once.  The COPY or its
# commit fails; after shard 1's crash recovery no shard holds a line of
# the batch; sent again, it is counted once.
my $f = make_batch(tag => 'f', lines => 20000, seed => 6, dir => $dir, zone => 'example', names => 2500);
%runs = map { $_ => $shards[$_]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs') } 0 .. 2;
my $copying = $coord->background_psql('pdns', on_error_stop => 0);
$copying->{stdin} .= "SET ROLE sensor;\nBEGIN;\nSET LOCAL pdns.cluster_batch_size = 64;\n"
  . copy_command($f->{file}, 'pdns_cluster.ingest_text') . "\n";
$copying->{run}->pump_nb;
ok( $shards[1]->poll_query_until(
		'pdns', q{SELECT EXISTS (SELECT FROM pg_stat_activity WHERE usename = 'coordinator'
		                          AND application_name = 'postgres_fdw' AND xact_start IS NOT NULL)}),
	'the COPY has sent shard 1 lines in its transaction');
kill_server_processes($shards[1]);
$copying->{stdin} .= "COMMIT;\n\\q\n";
eval { $copying->{run}->finish };
like($copying->{stderr}, qr/ERROR/, 'shard 1 killed mid-COPY: the COPY or its commit fails');
note "what the COPY's session printed: $copying->{stderr}";
$shards[1]->start;
is($shards[$_]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs'), $runs{$_},
	"after shard 1's recovery, shard $_ holds nothing of the batch")
  for 0 .. 2;
load($f, 'lines');
compact_shards();
store_matches('the batch of the killed COPY sent again');

# Moving a shard to a new server: its database dumped and restored there,
# then the coordinator pointed at it; the old server goes away.
my $moved = pdns_cluster('shard2moved');
$moved->safe_psql('postgres', 'CREATE DATABASE pdns');
my $dump = "$dir/shard2.dump";
$shards[2]->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $shards[2]->connstr('pdns') ],
	'shard 2 dumped');
$moved->command_ok([ 'pg_restore', '-d', $moved->connstr('pdns'), $dump ], 'and restored on a new server');
$moved->safe_psql('pdns', 'CREATE ROLE coordinator LOGIN IN ROLE pdns_analyst, pdns_ingest');
$coord->safe_psql('pdns',
	sprintf("SELECT pdns_cluster.move_shard('s2', '%s', %d, 'pdns')", $moved->host, $moved->port));
$shards[2]->stop;
$shards[2] = $moved;
store_matches('shard 2 moved to a new server');
lookups_match('shard 2 moved to a new server');
views_match('shard 2 moved to a new server');
my $e2;
($r, $o, $e2) = $coord->psql('pdns', q{SELECT pdns_cluster.move_shard('s9', 'h', 1, 'd')});
like($e2, qr/no shard is named "s9"/, 'moving a shard that does not exist is an error');

# Adding a shard after the first line: it holds no slot until slots move
# to it with their rows (move_slots(), logging in to the shards as a role
# that may write their stores).  A batch is sent first and left for the
# move to compact; every 4th slot moves from the three shards to the new
# one, and the store, the lookups, views, searches and signals are still
# the one server's.
my $added = pdns_node('shard3');
$added->safe_psql('pdns', 'CREATE ROLE coordinator LOGIN IN ROLE pdns_analyst, pdns_ingest');
$_->safe_psql('pdns', 'CREATE ROLE mover LOGIN SUPERUSER') for @shards, $added;
$coord->safe_psql('pdns',
	sprintf("SELECT pdns_cluster.add_shard('s3', '%s', %d, 'pdns', login => 'coordinator')",
		$added->host, $added->port));
is($coord->safe_psql('pdns', 'SELECT count(*) FROM pdns_cluster.slots WHERE shard_id = 3'),
	0, 'a shard added after the first line holds no slot');
# A move that fails half-way (the new shard holds a rollup row already,
# which the move would copy after the RRsets) leaves every row where it
# was.
my $every_4th = q{ARRAY(SELECT g FROM generate_series(3, 1023, 4) g)};
my $row = $shards[0]->safe_psql('pdns',
	q{SELECT d::text FROM pdns.domain_rollups d WHERE pdns.slot_of(domain) % 4 = 3 ORDER BY 1 LIMIT 1});
$added->safe_psql('pdns', "INSERT INTO pdns.domain_rollups SELECT (\$r\$$row\$r\$::pdns.domain_rollups).*");
($r, $o, $e2) = $coord->psql('pdns', "SELECT pdns_cluster.move_slots($every_4th, 's3', login => 'mover')");
like($e2, qr/duplicate key value violates unique constraint "domain_rollups_pkey"/,
	'a move that meets a row the new shard holds fails');
is($added->safe_psql('pdns', 'SELECT (SELECT count(*) FROM pdns.rrsets) + (SELECT count(*) FROM pdns.observations)'),
	0, 'the failed move left nothing on the new shard');
is($coord->safe_psql('pdns', 'SELECT count(*) FROM pdns_cluster.slots WHERE shard_id = 3'), 0,
	'and moved no slot');
$added->safe_psql('pdns', 'DELETE FROM pdns.domain_rollups');
store_matches('a failed move');
my $before_move = make_batch(
	tag => 'g',
	lines => 3000,
	seed => 7,
	dir => $dir,
	zone => 'example',
	names => 2500,
	sensors => [ 'sensor-0', 'sensor-late' ]);
($ret, $err) = load($before_move, 'lines');
is($ret, 0, 'a batch through the coordinator, not compacted yet') or diag $err;
cmp_ok($shards[0]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs'), '>', 0, 'shard 0 has runs to compact');
($r, $o, $e2) = $coord->psql('pdns', "SET ROLE analyst; SELECT pdns_cluster.move_slots($every_4th, 's3')");
like($e2, qr/permission denied for function move_slots/, 'an analyst may not move slots');
($r, $o, $e2) = $coord->psql('pdns', q{SELECT pdns_cluster.move_slots('{5,1024}', 's3')});
like($e2, qr/slots must be numbers from 0 to 1023\nDETAIL:  move_slots\(\) was given \{5,1024\}/,
	'slots that do not exist are an error');
($r, $o, $e2) = $coord->psql('pdns', q{SELECT pdns_cluster.move_slots('{5}', 's9')});
like($e2, qr/no shard is named "s9"/, 'moving slots to a shard that does not exist is an error');
is( $coord->safe_psql(
		'pdns', qq{SELECT string_agg(format('%s:%s', from_shard, cardinality(moved_slots)), ' ' ORDER BY from_shard)
		 FROM pdns_cluster.move_slots($every_4th, 's3', login => 'mover')}),
	's0:86 s1:85 s2:85',
	'every 4th slot moved from the three shards to the new one');
push @shards, $added;
is( $coord->safe_psql(
		'pdns', q{SELECT string_agg(shard_id || ':' || n, ' ' ORDER BY shard_id)
		 FROM (SELECT shard_id, count(*) n FROM pdns_cluster.slots GROUP BY 1) x}),
	'0:256 1:256 2:256 3:256',
	'the four shards hold 256 slots each');
is($shards[$_]->safe_psql('pdns', 'SELECT count(*) FROM pdns.runs'), 0, "shard $_ compacted its runs before the move")
  for 0 .. 2;
$single->safe_psql('pdns', 'CALL pdns.compact()');

# Every shard holds the rows of its slots only.
sub rows_elsewhere
{
	my ($i) = @_;
	my $slots = $coord->safe_psql('pdns', "SELECT array_agg(slot) FROM pdns_cluster.slots WHERE shard_id = $i");
	return $shards[$i]->safe_psql('pdns',
		"SELECT (SELECT count(*) FROM pdns.rrsets WHERE pdns.slot_of(rrname) <> ALL ('$slots'))
		      + (SELECT count(*) FROM pdns.negative_observations WHERE pdns.slot_of(rrname) <> ALL ('$slots'))
		      + (SELECT count(*) FROM pdns.domain_rollups WHERE pdns.slot_of(domain) <> ALL ('$slots'))
		      + (SELECT count(*) FROM pdns.first_sightings WHERE pdns.slot_of(subject) <> ALL ('$slots'))");
}
is(rows_elsewhere($_), 0, "after the move, shard $_ holds rows of its own slots only") for 0 .. 3;
cmp_ok($added->safe_psql('pdns', 'SELECT count(*) FROM pdns.rrsets'), '>', 1000, 'the new shard holds RRsets');
is( $coord->safe_psql('pdns', q{SELECT count(*) FROM generate_series(0, 1023) g
		WHERE pdns_cluster.slot_of('h' || g || '.z' || g || '.example')
		      IS DISTINCT FROM pdns.slot_of(('h' || g || '.z' || g || '.example')::pdns.dnsname)}),
	0, 'pdns.slot_of() of a stored name is the slot the coordinator routes it to');
store_matches('slots moved to a shard added after the first line');
lookups_match('slots moved to a shard added after the first line');
views_match('slots moved to a shard added after the first line');
searches_match('slots moved to a shard added after the first line');

# A COPY through the coordinator while a move is under way waits for it,
# then routes by the new map: the slots moved back to shard 0 get the
# lines of their names there.
my $moving = $coord->background_psql('pdns', on_error_stop => 0);
$moving->{stdin} .= "BEGIN;\nSELECT count(*) FROM pdns_cluster.move_slots('{3,7,11,15}', 's0', login => 'mover');\n";
$moving->{run}->pump_nb;
ok( $coord->poll_query_until(
		'pdns', q{SELECT EXISTS (SELECT FROM pg_stat_activity WHERE state = 'idle in transaction'
		                          AND query LIKE '%move_slots%')}),
	'a move is under way');
my $after_move = make_batch(
	tag => 'h',
	lines => 3000,
	seed => 8,
	dir => $dir,
	zone => 'example',
	names => 2500,
	sensors => [ 'sensor-0', 'sensor-later' ]);
$single->safe_psql('pdns', copy_command($after_move->{file}));
my $waiting = $coord->background_psql('pdns', on_error_stop => 0);
$waiting->{stdin} .= "SET ROLE sensor;\n" . copy_command($after_move->{file}, 'pdns_cluster.ingest_text') . "\n";
$waiting->{run}->pump_nb;
ok( $coord->poll_query_until(
		'pdns', q{SELECT EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock'
		                          AND query LIKE '%pdns_cluster.ingest_text%')}),
	'a COPY through the coordinator waits for the move');
$moving->{stdin} .= "COMMIT;\n\\q\n";
$moving->{run}->finish;
$waiting->{stdin} .= "\\q\n";
$waiting->{run}->finish;
is($waiting->{stderr}, '', 'then it routes its lines') or diag $waiting->{stderr};
compact_shards();
store_matches('a COPY routed after a move');
lookups_match('a COPY routed after a move');
is(rows_elsewhere($_), 0, "after the COPY, shard $_ holds rows of its own slots only") for 0 .. 3;

# The coordinator restored from pg_dump on a new server, roles first (as
# docs/ingest.md restores one server): the shards, the slot map (moved
# slots included) and when lines were first routed come with it, and the
# servers, user mappings and foreign tables add_shard() made; the views
# read the shards again.  It answers as the one server, and routes a new
# batch by the restored map.
my $restored = pdns_cluster('coordinator_restored');
my $coordinator_state = q{SELECT (SELECT string_agg(slot || ':' || shard_id, ',' ORDER BY slot) FROM pdns_cluster.slots),
	(SELECT string_agg(concat_ws(':', id, name, host, port, dbname, login), ',' ORDER BY id) FROM pdns_cluster.shards),
	(SELECT first_routed FROM pdns_cluster.state)};
$coord->command_ok([ 'pg_dumpall', '--globals-only', '-f', "$dir/coordinator_roles.sql" ], 'coordinator: roles dumped');
$coord->command_ok([ 'pg_dump', '-Fc', '-f', "$dir/coordinator.dump", 'pdns' ], 'coordinator dumped');
$restored->command_ok([ 'psql', '-X', '-q', '-f', "$dir/coordinator_roles.sql", 'postgres' ],
	'the roles made on the new server');
$restored->safe_psql('postgres', 'CREATE DATABASE pdns');
my ($restore_out, $restore_err);
IPC::Run::run([ 'pg_restore', '-d', $restored->connstr('pdns'), "$dir/coordinator.dump" ],
	'>', \$restore_out, '2>', \$restore_err);
is($restore_err, '', 'pg_restore of the coordinator reports no error');
is($restored->safe_psql('pdns', $coordinator_state), $coord->safe_psql('pdns', $coordinator_state),
	'restored: the slot map, the shards and when lines were first routed');
$coord->stop;
$coord = $restored;
lookups_match('the coordinator restored on a new server');
views_match('the coordinator restored on a new server');
searches_match('the coordinator restored on a new server');
my $after_restore = make_batch(tag => 'i', lines => 2000, seed => 9, dir => $dir, zone => 'example', names => 1500);
my ($after_restore_ret, $after_restore_err) = load($after_restore, 'lines');
is($after_restore_ret . $after_restore_err, '0', 'a batch through the restored coordinator');
compact_shards();
store_matches('a batch through the restored coordinator');
is(rows_elsewhere($_), 0, "after it, shard $_ holds rows of its own slots only") for 0 .. 3;

$_->stop for @shards, $single, $coord;
done_testing();
