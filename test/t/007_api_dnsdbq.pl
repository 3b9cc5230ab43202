# pdns-api as Farsight's dnsdbq (2.6.4, the Debian package) uses it: every
# kind of question dnsdbq asks, asked by the real dnsdbq against a running
# pdns-api, and its printed answer compared with what the SQL functions
# answer to the same question (docs/lookup.md; /dnsdb/v2 and CIRCL's
# /pdns/query, src/bin/api):
#
#  1 rrset lookups by name (type, bailiwick, left and right wildcards, -t,
#    -b) and by raw owner name (-R); rdata lookups by name, address, CIDR
#    block (v4, v6) and raw rdata (-N);
#  2 time fences -A/-B, with and without -c; -l (limit), -O (offset);
#  3 presentation: -j, text, -p csv, -s/-S with -k first|last|count|name|data;
#  4 -V summarize (with -l and -M), -f batches with $OPTIONS, -g (aggr=f);
#  5 -u circl by name and by address; -I (rate_limit);
#  6 quotas and keys as dnsdbq reports them: a daily query quota, a daily
#    result quota, a revoked key, an unknown key;
#  7 the audit trail: a row per request, with its status and rows.
#
# dnsdbq exits 0 even when the server answers an error, so every check is
# on what it prints.  Data: native lines and COF lines (for RRsets of two
# elements) made here, over eight days of March 2024.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use PdnsTap;
use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use Time::Local qw(timegm);

# dnsdbq as packaged (tools/install-deps.sh installs it)
my $dnsdbq = (grep { -x "$_/dnsdbq" } split(/:/, $ENV{PATH}), '/usr/bin')[0];
die "dnsdbq is not installed (tools/install-deps.sh)\n" unless defined $dnsdbq;
$dnsdbq .= '/dnsdbq';

my $node = pdns_node('api_dnsdbq');
my $dir = PostgreSQL::Test::Utils::tempdir;
my $json = JSON::PP->new->canonical;

sub write_file
{
	my ($name, $content) = @_;
	open(my $f, '>:raw', "$dir/$name") or die "$dir/$name: $!";
	print $f $content;
	close $f;
	return "$dir/$name";
}

# ---- the data ----

my $day1 = timegm(0, 0, 0, 1, 2, 2024);    # 2024-03-01 00:00:00 UTC
sub at { my ($day, $hour) = @_; return $day1 + ($day - 1) * 86400 + $hour * 3600 + 17 }

# A UTC date as dnsdbq sends it: epoch seconds of its midnight.
sub epoch
{
	my ($date) = @_;
	my ($y, $m, $d) = split /-/, $date;
	return timegm(0, 0, 0, $d, $m - 1, $y);
}

# native lines: day, hour, sensor, owner, type, rdata, bailiwick, count
my @native = (
	[ 1, 8,  's1', 'www.example.com',    'A',     '192.0.2.10',           'example.com', 5 ],
	[ 2, 20, 's2', 'www.example.com',    'A',     '192.0.2.10',           'example.com', 3 ],
	[ 3, 9,  's1', 'www.example.com',    'AAAA',  '2001:db8::10',         'example.com', 2 ],
	[ 1, 3,  's1', 'mail.example.com',   'A',     '192.0.2.25',           'example.com', 1 ],
	[ 5, 3,  's2', 'mail.example.com',   'A',     '192.0.2.25',           'example.com', 7 ],
	[ 5, 4,  's1', 'mail.example.com',   'AAAA',  '2001:db8::25',         'example.com', 1 ],
	[ 2, 2,  's1', 'example.com',        'MX',    '10 mail.example.com.', 'example.com', 2 ],
	[ 6, 2,  's2', 'example.com',        'MX',    '10 mail.example.com.', 'example.com', 1 ],
	[ 4, 5,  's1', 'example.com',        'TXT',   '"v=spf1 mx -all"',     'example.com', 1 ],
	[ 3, 6,  's1', '_dmarc.example.com', 'TXT',   '"v=DMARC1; p=reject"', 'example.com', 2 ],
	[ 4, 10, 's1', 'ftp.example.com',    'CNAME', 'www.example.com.',     'example.com', 1 ],
	[ 8, 10, 's2', 'ftp.example.com',    'CNAME', 'www.example.com.',     'example.com', 1 ],
	[ 1, 0,  's1', 'ns1.example.com',    'A',     '192.0.2.53',           'example.com', 9 ],
	[ 2, 11, 's1', 'www.example.net',    'A',     '198.51.100.10',        'example.net', 4 ],
	[ 6, 11, 's2', 'www.example.net',    'AAAA',  '2001:db8:1::10',       'example.net', 1 ],
	[ 7, 12, 's1', 'www.example.org',    'CNAME', 'www.example.com.',     'example.org', 2 ],
	[ 3, 1,  's1', 'example.net',        'NS',    'ns1.example.com.',     'net',         3 ],
	[ 7, 1,  's2', 'example.net',        'MX',    '5 mail.example.com.',  'example.net', 2 ],
	# twelve RRsets under one name, for paging and sorting
	map({ [ 1 + $_ % 8, $_, 's' . (1 + $_ % 2), 'many.example.com', 'A', "203.0.113.$_",
			'example.com', $_ ] } 1 .. 12),
);
my $lines = '';
for my $l (@native)
{
	my ($day, $hour, $sensor, $name, $type, $rdata, $bw, $count) = @$l;
	$lines .= join("\t", at($day, $hour), $sensor, "10.0.0.$hour", '192.0.2.53', $name, $type,
		'IN', 300, $rdata, $bw, $count) . "\n";
}
$lines .= join("\t", at(2, 2), 's1', '', '', 'nx.example.com', 'A', 'IN', '', '', 'example.com',
	1, 'NXDOMAIN') . "\n";

# COF records: RRsets of two elements (owner, type, rdata, bailiwick, first, last, count)
my @cof = (
	[ 'www.example.com', 'A', [ '192.0.2.10', '192.0.2.11' ], 'example.com', at(4, 1), at(6, 23), 6 ],
	[ 'www.example.com', 'AAAA', [ '2001:db8::10', '2001:db8::11' ], 'example.com', at(7, 0), at(7, 5), 2 ],
	[ 'example.com', 'NS', [ 'ns1.example.com.', 'ns2.example.net.' ], 'com', at(1, 0), at(8, 0), 10 ],
	[ 'example.com', 'NS', [ 'ns1.example.com.', 'ns2.example.net.' ], 'example.com', at(2, 0), at(5, 0), 3 ],
	[ 'example.com', 'A', [ '192.0.2.1', '192.0.2.2' ], 'example.com', at(3, 4), at(4, 4), 4 ],
);
my $cof = join('', map {
	my ($name, $type, $rdata, $bw, $first, $last, $count) = @$_;
	$json->encode({ rrname => $name, rrtype => $type, rdata => $rdata, bailiwick => $bw,
		time_first => $first, time_last => $last, count => $count, sensor_id => 's3' }) . "\n"
} @cof);

$node->safe_psql('pdns',
	copy_command(write_file('native.tsv', $lines)) . "\n"
	  . copy_command(write_file('cof.ndjson', $cof), 'pdns.cof_in'));
is( $node->safe_psql('pdns', 'SELECT count(*) || \' \' || (SELECT count(*) FROM pdns.rejects) FROM pdns.rrsets'),
	'31 0', 'the data set is in the store (26 RRsets of native lines, 5 of COF), no line rejected');

# ---- the daemon ----

$node->safe_psql('pdns', 'CREATE ROLE apigw LOGIN IN ROLE pdns_api');
my $key = $node->safe_psql('pdns', "SELECT pdns.api_key_create('t', 'pdns_analyst')");
like($key, qr/^\S{16,}$/, 'api_key_create() returns a key');

my $port = PostgreSQL::Test::Cluster::get_free_port();
my $conf = write_file('pdns-api.conf', join("\n",
	'listen = 127.0.0.1',
	"port = $port",
	'database = host=' . $node->host . ' port=' . $node->port . ' dbname=pdns user=apigw',
	'pool_size = 4', ''));
my $api_log = "$PostgreSQL::Test::Utils::log_path/007_pdns-api.log";
my $api = IPC::Run::start([ pdns_api_binary(), '-c', $conf ], '<', \undef, '>>', $api_log,
	'2>>', $api_log);
END { eval { $api->kill_kill if $api }; }

my $base = "http://127.0.0.1:$port";
my $http = HTTP::Tiny->new(timeout => 5);
my $ping;
for (1 .. 300)
{
	$ping = $http->get("$base/dnsdb/v2/ping");
	last if $ping->{success};
	usleep(100_000);
}
is($ping->{content}, qq({"ping":"ok"}\n), 'pdns-api answers /dnsdb/v2/ping');

# ---- running dnsdbq ----

my $empty_conf = write_file('empty.conf', '');
my $circl_conf = write_file('circl.conf',
	"CIRCL_SERVER=$base/pdns/query\nCIRCL_AUTH=x:$key\n");

# Runs dnsdbq; returns (stdout, stderr).  Options: key, stdin, config.
sub dnsdbq
{
	my ($args, %o) = @_;
	local $ENV{DNSDB_API_KEY} = $o{key} // $key;
	local $ENV{DNSDB_SERVER} = $base;
	local $ENV{DNSDBQ_CONFIG_FILE} = $o{config} // $empty_conf;
	delete local $ENV{DNSDBQ_TIME_FORMAT};
	delete local $ENV{DNSDBQ_SYSTEM};
	my ($out, $err) = ('', '');
	IPC::Run::run([ $dnsdbq, @$args ], '<', \($o{stdin} // ''), '>', \$out, '2>', \$err);
	return ($out, $err);
}

sub objects
{
	my ($text) = @_;
	return [ map { $json->decode($_) } grep { /\S/ } split /\n/, $text ];
}

sub canonical { return [ map { $json->encode($_) } @{ $_[0] } ] }

# What the audit trail must hold, request by request, in order.
my @audit;

sub expect_audit
{
	my (%a) = @_;
	push @audit, join('|', $a{key} // 't', $a{endpoint}, $a{params} // '', $a{status} // 200,
		$a{rows});
	return;
}

# The query string dnsdbq sends for these options (its fixed order).
sub wire_params
{
	my (%o) = @_;
	my $p = 'swclient=dnsdbq&version=2.6.4';
	$p .= '&aggr=f' if $o{g};
	$p .= "&offset=$o{O}" if $o{O};
	$p .= "&max_count=$o{M}" if $o{M};
	$p .= "&limit=$o{l}" if defined $o{l};
	if ($o{c})
	{
		$p .= '&time_first_after=' . epoch($o{A}) if $o{A};
		$p .= '&time_last_before=' . epoch($o{B}) if $o{B};
	}
	else
	{
		$p .= '&time_first_before=' . epoch($o{B}) if $o{B};
		$p .= '&time_last_after=' . epoch($o{A}) if $o{A};
	}
	return $p;
}

# dnsdbq's arguments for these options (besides the question itself).
sub option_args
{
	my (%o) = @_;
	my @a;
	push @a, '-A', $o{A} if $o{A};
	push @a, '-B', $o{B} if $o{B};
	push @a, '-c' if $o{c};
	push @a, '-l', $o{l} if defined $o{l};
	push @a, '-O', $o{O} if $o{O};
	push @a, '-M', $o{M} if $o{M};
	push @a, '-g' if $o{g};
	return @a;
}

# The SQL fences of these options, as named arguments.
sub sql_fences
{
	my (%o) = @_;
	my @f;
	if ($o{c})
	{
		push @f, "time_first_after => '" . epoch($o{A}) . "'" if $o{A};
		push @f, "time_last_before => '" . epoch($o{B}) . "'" if $o{B};
	}
	else
	{
		push @f, "time_first_before => '" . epoch($o{B}) . "'" if $o{B};
		push @f, "time_last_after => '" . epoch($o{A}) . "'" if $o{A};
	}
	return @f;
}

# The lookup call of a question: lookup is "function('arg', ...)" without
# the closing parenthesis; fences and max_results are added.
sub sql_call
{
	my ($lookup, $max, %o) = @_;
	return $lookup . join('', map { ", $_" } sql_fences(%o), "max_results => $max") . ')';
}

# The results the SQL functions give for a question, in their order, as
# dnsdb_object() prints them: with -g one per period (unaggregated()),
# with -O and -l the slice of the answer of max_results => limit + offset.
sub sql_answer
{
	my ($lookup, %o) = @_;
	my $limit = $o{l} || 10000;    # no -l or -l 0: the key's max_limit
	my $offset = $o{O} // 0;
	my $sql;
	if ($o{g})
	{
		# the limit and offset count unaggregated results; the RRsets are
		# those whose life can hold a period within the fences (-A/-B
		# without -c), the periods are fenced as asked
		$sql = 'SELECT pdns.dnsdb_object(u)::text FROM ' . sql_call($lookup, 10000, %o, c => 0)
		  . ' l CROSS JOIN LATERAL pdns.unaggregated(l' . join('', map { ", $_" } sql_fences(%o))
		  . ') u';
	}
	else
	{
		$sql = 'SELECT pdns.dnsdb_object(l)::text FROM ' . sql_call($lookup, $limit + $offset, %o) . ' l';
	}
	my @rows = @{ objects($node->safe_psql('pdns', $sql)) };
	splice(@rows, 0, $offset);
	splice(@rows, $limit) if @rows > $limit;
	return \@rows;
}

# Asks dnsdbq the question (args) with options, compares its -j output with
# the SQL answer (in order unless -s/-S), and notes the audit row.  Returns
# the objects dnsdbq printed.
sub lookup_is
{
	my ($name, $args, $lookup, $path, %o) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($out, $err) = dnsdbq([ @$args, option_args(%o), '-j', @{ $o{extra} // [] } ]);
	my $got = objects($out);
	my $want = sql_answer($lookup, %o);
	if ($o{sorted})
	{
		is_deeply([ sort @{ canonical($got) } ], [ sort @{ canonical($want) } ], $name)
		  or diag("stderr: $err");
	}
	else
	{
		is_deeply(canonical($got), canonical($want), $name) or diag("stderr: $err");
	}
	expect_audit(endpoint => "lookup /dnsdb/v2/lookup/$path", params => wire_params(%o),
		rows => scalar(@$want));
	return $got;
}

# The rows of the last audited request that meets a condition, once it is
# written (after the answer is sent: dnsdbq may have exited before).
sub audited_rows
{
	my ($condition) = @_;
	my $rows = '';
	for (1 .. 100)
	{
		$rows = $node->safe_psql('pdns',
			"SELECT rows FROM pdns.api_audit WHERE $condition ORDER BY id DESC LIMIT 1");
		last if $rows ne '';
		usleep(100_000);
	}
	return $rows;
}

# ---- 1: every kind of lookup ----

my $www = lookup_is('-r name', [ '-r', 'www.example.com' ], "pdns.lookup_rrset('www.example.com'",
	'rrset/name/www.example.com');
is(scalar(@$www), 4, '... four RRsets, two of them of two elements');
lookup_is('-r name/type', [ '-r', 'www.example.com/A' ], "pdns.lookup_rrset('www.example.com', 'A'",
	'rrset/name/www.example.com/A');
my $bw = lookup_is('-r name/type/bailiwick', [ '-r', 'example.com/NS/com' ],
	"pdns.lookup_rrset('example.com', 'NS', 'com'", 'rrset/name/example.com/NS/com');
is_deeply([ map { $_->{bailiwick} } @$bw ], ['com.'], '... only the RRset of that bailiwick');
my $below = lookup_is("-r '*.domain'", [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com');
cmp_ok(scalar(@$below), '>=', 20, '... every name below example.com');
my $right = lookup_is("-r 'www.example.*'", [ '-r', 'www.example.*' ],
	"pdns.lookup_rrset('www.example.*'", 'rrset/name/www.example.*');
is_deeply([ sort keys %{ { map { $_->{rrname} => 1 } @$right } } ],
	[ 'www.example.com.', 'www.example.net.', 'www.example.org.' ], '... of .com, .net and .org');
lookup_is('-t type', [ '-t', 'NS', '-r', 'example.com' ], "pdns.lookup_rrset('example.com', 'NS'",
	'rrset/name/example.com/NS');
lookup_is('-b bailiwick', [ '-b', 'example.com', '-r', 'example.com' ],
	"pdns.lookup_rrset('example.com', 'ANY', 'example.com'", 'rrset/name/example.com/ANY/example.com');
lookup_is('-R hex (raw owner name)', [ '-R', '03777777076578616d706c6503636f6d00' ],
	"pdns.lookup_rrset('www.example.com'", 'rrset/raw/03777777076578616d706c6503636f6d00');
lookup_is('-R hex/type of an owner with an underscore',
	[ '-R', '065f646d617263076578616d706c6503636f6d00/TXT' ],
	"pdns.lookup_rrset('_dmarc.example.com', 'TXT'",
	'rrset/raw/065f646d617263076578616d706c6503636f6d00/TXT');

my $mx = lookup_is('-n name', [ '-n', 'mail.example.com' ], "pdns.lookup_rdata_name('mail.example.com'",
	'rdata/name/mail.example.com');
is(scalar(@$mx), 2, '... the MX RRsets naming it');
my $ns = lookup_is('-n name/type', [ '-n', 'ns1.example.com/NS' ],
	"pdns.lookup_rdata_name('ns1.example.com', 'NS'", 'rdata/name/ns1.example.com/NS');
is(scalar(@$ns), 3, '... the NS RRsets naming it, in two zones and two bailiwicks');
lookup_is('-t type -n name', [ '-t', 'CNAME', '-n', 'www.example.com' ],
	"pdns.lookup_rdata_name('www.example.com', 'CNAME'", 'rdata/name/www.example.com/CNAME');
lookup_is("-n '*.domain'", [ '-n', '*.example.com' ], "pdns.lookup_rdata_name('*.example.com'",
	'rdata/name/*.example.com');

lookup_is('-i address', [ '-i', '192.0.2.25' ], "pdns.lookup_rdata_ip('192.0.2.25'",
	'rdata/ip/192.0.2.25');
my $pair = lookup_is('-i address in an RRset of two', [ '-i', '192.0.2.11' ],
	"pdns.lookup_rdata_ip('192.0.2.11'", 'rdata/ip/192.0.2.11');
is_deeply([ map { $_->{rdata} } @$pair ], [ [ '192.0.2.10', '192.0.2.11' ] ],
	'... the whole RRset');
lookup_is('-i v4 CIDR', [ '-i', '192.0.2.0/24' ], "pdns.lookup_rdata_ip('192.0.2.0/24'",
	'rdata/ip/192.0.2.0,24');
lookup_is('-i v6 address', [ '-i', '2001:db8::10' ], "pdns.lookup_rdata_ip('2001:db8::10'",
	'rdata/ip/2001:db8::10');
lookup_is('-i v6 CIDR', [ '-i', '2001:db8::/32' ], "pdns.lookup_rdata_ip('2001:db8::/32'",
	'rdata/ip/2001:db8::,32');
lookup_is('-i v4 range', [ '-i', '192.0.2.9-192.0.2.30' ],
	"pdns.lookup_rdata_ip('192.0.2.9-192.0.2.30'", 'rdata/ip/192.0.2.9-192.0.2.30');

my $raw = lookup_is('-N hex (raw rdata, an address)', [ '-N', 'c000020a' ],
	"pdns.lookup_rdata_raw('c000020a'", 'rdata/raw/c000020a');
is(scalar(@$raw), 2, '... both RRsets holding 192.0.2.10');
lookup_is('-N hex/type (raw rdata, a name)', [ '-N', '036e7331076578616d706c6503636f6d00/NS' ],
	"pdns.lookup_rdata_raw('036e7331076578616d706c6503636f6d00', 'NS'",
	'rdata/raw/036e7331076578616d706c6503636f6d00/NS');
my $none = lookup_is('-N hex/type of no result', [ '-N', 'c000020a/AAAA' ],
	"pdns.lookup_rdata_raw('c000020a', 'AAAA'", 'rdata/raw/c000020a/AAAA');
is(scalar(@$none), 0, '... nothing');

# ---- 2: fences, limit, offset ----

my %subset;
for my $f ([ A => '2024-03-05' ], [ B => '2024-03-04' ], [ A => '2024-03-03', B => '2024-03-06' ])
{
	for my $c (0, 1)
	{
		my %o = (@$f, c => $c);
		my $label = join(' ', map { "-$_ $o{$_}" } grep { $_ ne 'c' } sort keys %o) . ($c ? ' -c' : '');
		my $got = lookup_is("-r '*.example.com' $label", [ '-r', '*.example.com' ],
			"pdns.lookup_rrset('*.example.com'", 'rrset/name/*.example.com', %o);
		$subset{$label} = join(',', sort @{ canonical($got) });
		ok(@$got > 0 && @$got < @$below, "... a part of the unfenced answer");
	}
}
is(scalar(keys %{ { reverse %subset } }), 6, 'the six fences select six different subsets');
lookup_is('-n with -B -c', [ '-n', 'ns1.example.com' ], "pdns.lookup_rdata_name('ns1.example.com'",
	'rdata/name/ns1.example.com', B => '2024-03-06', c => 1);
lookup_is('-i with -A', [ '-i', '192.0.2.0/24' ], "pdns.lookup_rdata_ip('192.0.2.0/24'",
	'rdata/ip/192.0.2.0,24', A => '2024-03-04');
lookup_is('-R with -A -c', [ '-R', '03777777076578616d706c6503636f6d00' ],
	"pdns.lookup_rrset('www.example.com'", 'rrset/raw/03777777076578616d706c6503636f6d00',
	A => '2024-03-03', c => 1);

my $five = lookup_is('-l 5', [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com', l => 5);
is(scalar(@$five), 5, '... five results');
lookup_is('-l 0 (the largest)', [ '-r', 'many.example.com' ], "pdns.lookup_rrset('many.example.com'",
	'rrset/name/many.example.com', l => 0);
my $page = lookup_is('-O 3 -l 4', [ '-r', 'many.example.com' ], "pdns.lookup_rrset('many.example.com'",
	'rrset/name/many.example.com', O => 3, l => 4);
my $all = sql_answer("pdns.lookup_rrset('many.example.com'");
is_deeply(canonical($page), [ @{ canonical($all) }[ 3 .. 6 ] ], '... results 4 to 7 of the whole answer');
lookup_is('-O 10 (the last two)', [ '-r', 'many.example.com' ], "pdns.lookup_rrset('many.example.com'",
	'rrset/name/many.example.com', O => 10);
lookup_is('-O past the end', [ '-r', 'many.example.com' ], "pdns.lookup_rrset('many.example.com'",
	'rrset/name/many.example.com', O => 12, l => 5);
lookup_is('-O with -l on an address block', [ '-i', '203.0.113.0/24' ],
	"pdns.lookup_rdata_ip('203.0.113.0/24'", 'rdata/ip/203.0.113.0,24', O => 5, l => 3);
lookup_is('-O -l with fences', [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com', O => 2, l => 3, A => '2024-03-03');

# ---- 3: presentation ----

# text
{
	my ($out, $err) = dnsdbq([ '-r', 'www.example.com/A' ]);
	my @want;
	for my $o (@{ sql_answer("pdns.lookup_rrset('www.example.com', 'A'") })
	{
		push @want, ';; record times: ' . strftime('%Y-%m-%d %H:%M:%S', gmtime($o->{time_first}))
		  . ' .. ' . strftime('%Y-%m-%d %H:%M:%S', gmtime($o->{time_last}));
		push @want, ";; count: $o->{count}; bailiwick: $o->{bailiwick}";
		push @want, map { "$o->{rrname}  $o->{rrtype}  $_" } @{ $o->{rdata} };
		push @want, '';
	}
	my @got = split /\n/, $out, -1;
	pop @got if @got && $got[-1] eq '';
	s/ \([^)]*\)$// for @got;    # the duration after the times
	is_deeply(\@got, \@want, 'text presentation: times, count, bailiwick, one line per element');
	expect_audit(endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/www.example.com/A',
		params => wire_params(), rows => 2);
}

# csv
{
	my ($out, $err) = dnsdbq([ '-r', 'example.com', '-p', 'csv' ]);
	my @lines = split /\n/, $out;
	is(shift(@lines), 'time_first,time_last,zone_first,zone_last,count,bailiwick,rrname,rrtype,rdata',
		'csv header');
	my (@got, @want);
	for my $l (@lines)
	{
		my @f = split /,/, $l, 9;
		s/^"(.*)"$/$1/s for @f;
		push @got, join('|', @f[ 0, 1, 4 .. 8 ]);
	}
	my $rows = sql_answer("pdns.lookup_rrset('example.com'");
	for my $o (@$rows)
	{
		push @want, map {
			join('|', strftime('%Y-%m-%d %H:%M:%S', gmtime($o->{time_first})),
				strftime('%Y-%m-%d %H:%M:%S', gmtime($o->{time_last})),
				$o->{count}, $o->{bailiwick}, $o->{rrname}, $o->{rrtype}, $_)
		} @{ $o->{rdata} };
	}
	is_deeply(\@got, \@want, 'csv: a row per rdata element with the values of the SQL answer');
	expect_audit(endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/example.com',
		params => wire_params(), rows => scalar(@$rows));
}

# sorting (dnsdbq sorts with sort(1); the request is the same)
for my $k (qw(first last count))
{
	for my $dir ('-s', '-S')
	{
		my $got = lookup_is("$dir -k $k: the same results", [ '-r', '*.example.com' ],
			"pdns.lookup_rrset('*.example.com'", 'rrset/name/*.example.com',
			extra => [ $dir, '-k', $k ], sorted => 1);
		my $field = $k eq 'count' ? 'count' : "time_$k";
		my @v = map { $_->{$field} } @$got;
		my @s = $dir eq '-s' ? sort { $a <=> $b } @v : sort { $b <=> $a } @v;
		is_deeply(\@v, \@s, "... in " . ($dir eq '-s' ? 'ascending' : 'descending') . " $field");
	}
}
for my $dir ('-s', '-S')
{
	my $got = lookup_is("$dir -k name: the same results", [ '-r', 'www.example.*' ],
		"pdns.lookup_rrset('www.example.*'", 'rrset/name/www.example.*',
		extra => [ $dir, '-k', 'name' ], sorted => 1);
	my @v = map { join('.', reverse split /\./, $_->{rrname}) } @$got;
	my @s = $dir eq '-s' ? sort @v : reverse sort @v;
	is_deeply(\@v, \@s, '... names in ' . ($dir eq '-s' ? 'ascending' : 'descending')
		  . ' order, right to left');
	my $got_data = lookup_is("$dir -k data: the same results", [ '-r', 'many.example.com' ],
		"pdns.lookup_rrset('many.example.com'", 'rrset/name/many.example.com',
		extra => [ $dir, '-k', 'data' ], sorted => 1);
	is_deeply([ map { $_->{rdata}[0] =~ s/.*\.//r } @$got_data ],
		[ $dir eq '-s' ? (1 .. 12) : reverse(1 .. 12) ],
		'... addresses in ' . ($dir eq '-s' ? 'ascending' : 'descending') . ' numeric order');
}

# ---- 4: summarize, batches, aggr=f ----

# summarize: the SQL summary of the lookup's results (max_results as the limit)
sub summary_is
{
	my ($name, $args, $lookup, $path, %o) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($out, $err) = dnsdbq([ '-V', 'summarize', @$args, option_args(%o), '-j' ]);
	my $want = $node->safe_psql('pdns', 'SELECT pdns.dnsdb_summary(pdns.summarize(ARRAY(SELECT l FROM '
		  . sql_call($lookup, $o{l} || 10000, %o) . ' l)))::text');
	is_deeply(objects($out), objects($want), $name) or diag("stderr: $err");
	expect_audit(endpoint => "summarize /dnsdb/v2/summarize/$path", params => wire_params(%o),
		rows => 1);
	return objects($want)->[0];
}

my $sum = summary_is('-V summarize -r', [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com');
is($sum->{num_results}, scalar(@$below), '... num_results is the number of lookup results');
summary_is('-V summarize with -A', [ '-r', 'www.example.com' ], "pdns.lookup_rrset('www.example.com'",
	'rrset/name/www.example.com', A => '2024-03-04');
summary_is('-V summarize -l 3', [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com', l => 3);
summary_is('-V summarize -i', [ '-i', '192.0.2.0/24' ], "pdns.lookup_rdata_ip('192.0.2.0/24'",
	'rdata/ip/192.0.2.0,24');
summary_is('-V summarize -n', [ '-n', 'mail.example.com' ], "pdns.lookup_rdata_name('mail.example.com'",
	'rdata/name/mail.example.com');
{
	my ($out, $err) = dnsdbq([ '-V', 'summarize', '-r', 'www.example.*' ]);
	my $s = objects($node->safe_psql('pdns',
		"SELECT pdns.dnsdb_summary(pdns.summarize(ARRAY(SELECT l FROM pdns.lookup_rrset('www.example.*') l)))::text"))->[0];
	is( $out,
		';; record times: ' . strftime('%Y-%m-%d %H:%M:%S', gmtime($s->{time_first})) . ' .. '
		  . strftime('%Y-%m-%d %H:%M:%S', gmtime($s->{time_last})) . "\n"
		  . ";; count: $s->{count}; num_results: $s->{num_results}\n",
		'-V summarize in text');
	expect_audit(endpoint => 'summarize /dnsdb/v2/summarize/rrset/name/www.example.*',
		params => wire_params(), rows => 1);
}
# -M: "stops summarizing when the count reaches max_count; the total count
# may exceed it, as it includes the whole count of the last RRset" (dnsdbq(1))
{
	my ($out, $err) = dnsdbq([ '-V', 'summarize', '-r', '*.example.com', '-M', 10, '-j' ]);
	my ($count, $n, $first, $last) = (0, 0);
	for my $o (@$below)
	{
		last if $count >= 10;
		$count += $o->{count};
		$n++;
		$first = $o->{time_first} if !defined $first || $o->{time_first} < $first;
		$last = $o->{time_last} if !defined $last || $o->{time_last} > $last;
	}
	is_deeply(objects($out),
		[ { count => $count, num_results => $n, time_first => $first, time_last => $last } ],
		'-V summarize -M 10: the results in lookup order until their count reaches 10')
	  or diag("stderr: $err");
	expect_audit(endpoint => 'summarize /dnsdb/v2/summarize/rrset/name/*.example.com',
		params => wire_params(M => 10), rows => 1);
}

# batch: each line a request, its results then "--"
{
	my @batch = (
		[ 'rrset/name/www.example.com/A', "pdns.lookup_rrset('www.example.com', 'A'",
			'rrset/name/www.example.com/A', {} ],
		[ 'rdata/ip/192.0.2.0,24', "pdns.lookup_rdata_ip('192.0.2.0/24'", 'rdata/ip/192.0.2.0,24', {} ],
		[ 'rdata/name/mail.example.com/MX', "pdns.lookup_rdata_name('mail.example.com', 'MX'",
			'rdata/name/mail.example.com/MX', {} ],
		[ '$OPTIONS -l 3 -A 2024-03-03', undef ],
		[ 'rrset/name/many.example.com', "pdns.lookup_rrset('many.example.com'",
			'rrset/name/many.example.com', { l => 3, A => '2024-03-03' } ],
		[ 'rdata/raw/c000020a', "pdns.lookup_rdata_raw('c000020a'", 'rdata/raw/c000020a',
			{ l => 3, A => '2024-03-03' } ],
		[ '$OPTIONS', undef ],
		[ 'rrset/raw/03777777076578616d706c6503636f6d00/AAAA', "pdns.lookup_rrset('www.example.com', 'AAAA'",
			'rrset/raw/03777777076578616d706c6503636f6d00/AAAA', {} ],
	);
	my ($out, $err) = dnsdbq([ '-f', '-j' ], stdin => join("\n", map { $_->[0] } @batch) . "\n");
	my @blocks = split /^--\n/m, $out, -1;
	pop @blocks if @blocks && $blocks[-1] eq '';
	my @lookups = grep { defined $_->[1] } @batch;
	is(scalar(@blocks), scalar(@lookups), '-f: an answer per batch line') or diag("stderr: $err");
	for my $i (0 .. $#lookups)
	{
		my ($line, $lookup, $path, $o) = @{ $lookups[$i] };
		my $want = sql_answer($lookup, %$o);
		is_deeply(canonical(objects($blocks[$i] // '')), canonical($want), "-f: $line");
		expect_audit(endpoint => "lookup /dnsdb/v2/lookup/$path", params => wire_params(%$o),
			rows => scalar(@$want));
	}
}

# aggr=f: a result per period
my $gravel = lookup_is('-g', [ '-r', 'www.example.com' ], "pdns.lookup_rrset('www.example.com'",
	'rrset/name/www.example.com', g => 1);
is(scalar(@$gravel), scalar(@$www) + 1, '... the RRset seen on two days is two results');
lookup_is('-g with -A', [ '-r', 'www.example.com' ], "pdns.lookup_rrset('www.example.com'",
	'rrset/name/www.example.com', g => 1, A => '2024-03-02');
lookup_is('-g with -B -c', [ '-r', '*.example.com' ], "pdns.lookup_rrset('*.example.com'",
	'rrset/name/*.example.com', g => 1, B => '2024-03-05', c => 1);
lookup_is('-g -n', [ '-n', 'mail.example.com' ], "pdns.lookup_rdata_name('mail.example.com'",
	'rdata/name/mail.example.com', g => 1);
# -l counts results, unaggregated ones with -g (the audit's rows say what
# the server sent; dnsdbq prints no more than -l itself)
lookup_is('-g -l 2', [ '-r', 'www.example.com' ], "pdns.lookup_rrset('www.example.com'",
	'rrset/name/www.example.com', g => 1, l => 2);
is(audited_rows(q{parameters LIKE '%aggr=f&limit=2'}), 2, '... and the server sent 2 results, not more');

# ---- 5: CIRCL, rate_limit ----

sub circl_is
{
	my ($name, $args, $sql, $thing) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($out, $err) = dnsdbq([ '-u', 'circl', @$args, '-j' ], config => $circl_conf);
	my $want = objects($node->safe_psql('pdns', "SELECT pdns.to_cof(l)::text FROM ($sql) l"));
	is_deeply([ sort @{ canonical(objects($out)) } ], [ sort @{ canonical($want) } ], $name)
	  or diag("stderr: $err");
	expect_audit(endpoint => "circl /pdns/query/$thing", rows => scalar(@$want));
	return $want;
}
my $c = circl_is('-u circl -r name: RRsets of the name and RRsets naming it', [ '-r', 'mail.example.com' ],
	"SELECT * FROM pdns.lookup_rrset('mail.example.com') UNION ALL "
	  . "SELECT * FROM pdns.lookup_rdata_name('mail.example.com')", 'mail.example.com');
is(scalar(@$c), 4, '... two of each');
circl_is('-u circl -i address', [ '-i', '192.0.2.10' ], "SELECT * FROM pdns.lookup_rdata_ip('192.0.2.10')",
	'192.0.2.10');
circl_is('-u circl -i v6 address', [ '-i', '2001:db8::10' ],
	"SELECT * FROM pdns.lookup_rdata_ip('2001:db8::10')", '2001:db8::10');
{
	my $bad = write_file('circl-bad.conf', "CIRCL_SERVER=$base/pdns/query\nCIRCL_AUTH=x:not-a-key\n");
	my ($out, $err) = dnsdbq([ '-u', 'circl', '-r', 'mail.example.com' ], config => $bad);
	is($out, '', '-u circl with an unknown key: no results');
	like($err, qr/libcurl 401 .*unknown API key/, '... dnsdbq reports 401, unknown API key');
	expect_audit(key => '', endpoint => 'circl /pdns/query/mail.example.com', status => 401, rows => 0);
}

# -I is not counted: what it says is what the key has used until now
{
	my ($out, $err) = dnsdbq(['-I']);
	my ($limit, $used, $max) = split /\|/, $node->safe_psql('pdns',
		"SELECT queries_per_day, queries_today, max_limit FROM pdns.api_key_status WHERE name = 't'");
	my %rate = $out =~ /^\t(\w+): (.*)$/mg;
	is_deeply(
		[ @rate{qw(limit remaining results_max offset_max)} ],
		[ $limit, $limit - $used, $max, $max ],
		'-I: the daily limit, what remains of it, results_max and offset_max')
	  or diag("stdout: $out\nstderr: $err");
	is( $rate{reset},
		$node->safe_psql('pdns', q{SELECT (now() AT TIME ZONE 'UTC')::date + 1 || ' 00:00:00'}),
		'... reset at the next UTC midnight');
	expect_audit(endpoint => 'rate_limit /dnsdb/v2/rate_limit', params => wire_params(), rows => 0);
}

# ---- 6: quotas and keys ----

my $q3 = $node->safe_psql('pdns', "SELECT pdns.api_key_create('q3', 'pdns_analyst', queries_per_day => 3)");
for my $i (1 .. 3)
{
	my ($out, $err) = dnsdbq([ '-r', 'www.example.com/AAAA', '-j' ], key => $q3);
	is_deeply(canonical(objects($out)),
		canonical(sql_answer("pdns.lookup_rrset('www.example.com', 'AAAA'")),
		"a key of 3 queries a day: query $i is answered");
	expect_audit(key => 'q3', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/www.example.com/AAAA',
		params => wire_params(), rows => 2);
}
{
	my ($out, $err) = dnsdbq([ '-r', 'www.example.com/AAAA', '-j' ], key => $q3);
	is($out, '', '... query 4 has no results');
	like($err, qr/^dnsdbq: warning: libcurl 429 \[.*\] \{"error":"daily query quota of 3 exhausted/m,
		'... dnsdbq reports 429 and the query quota');
	expect_audit(key => 'q3', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/www.example.com/AAAA',
		params => wire_params(), status => 429, rows => 0);
}

my $r5 = $node->safe_psql('pdns', "SELECT pdns.api_key_create('r5', 'pdns_analyst', results_per_day => 5)");
{
	my ($out, $err) = dnsdbq([ '-r', 'many.example.com', '-j' ], key => $r5);
	is_deeply(canonical(objects($out)), canonical(sql_answer("pdns.lookup_rrset('many.example.com'", l => 5)),
		'a key of 5 results a day: the first 5 results');
	like($err, qr/^Database limit: Result limit reached$/m, '... and the limit is reported');
	expect_audit(key => 'r5', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/many.example.com',
		params => wire_params(), rows => 5);
	($out, $err) = dnsdbq([ '-r', 'www.example.com', '-j' ], key => $r5);
	is($out, '', '... then no more');
	like($err, qr/^dnsdbq: warning: libcurl 429 \[.*\] \{"error":"daily result quota of 5 exhausted/m,
		'... dnsdbq reports 429 and the result quota');
	expect_audit(key => 'r5', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/www.example.com',
		params => wire_params(), status => 429, rows => 0);
}

# a result quota bounds unaggregated results too
my $g2 = $node->safe_psql('pdns', "SELECT pdns.api_key_create('g2', 'pdns_analyst', results_per_day => 2)");
{
	my ($out, $err) = dnsdbq([ '-r', 'www.example.com', '-g', '-j' ], key => $g2);
	my $want = sql_answer("pdns.lookup_rrset('www.example.com'", g => 1, l => 2);
	is_deeply(canonical(objects($out)), canonical($want),
		'-g with a key of 2 results a day: the first 2 unaggregated results')
	  or diag("stderr: $err");
	expect_audit(key => 'g2', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/www.example.com',
		params => wire_params(g => 1), rows => 2);
	audited_rows(q{key_name = 'g2'});
	is($node->safe_psql('pdns', "SELECT results_today FROM pdns.api_key_status WHERE name = 'g2'"),
		'2', '... and the key has used 2 results, no more than its quota');
}

my $rv = $node->safe_psql('pdns', "SELECT pdns.api_key_create('rv', 'pdns_analyst')");
{
	my ($out, $err) = dnsdbq([ '-r', 'ftp.example.com', '-j' ], key => $rv);
	is(scalar(@{ objects($out) }), 1, 'a key answers before it is revoked');
	expect_audit(key => 'rv', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/ftp.example.com',
		params => wire_params(), rows => 1);
	is($node->safe_psql('pdns', "SELECT pdns.api_key_revoke('rv')"), 't', 'api_key_revoke()');
	($out, $err) = dnsdbq([ '-r', 'ftp.example.com', '-j' ], key => $rv);
	is($out, '', '... then it has no results');
	like($err, qr/^dnsdbq: warning: libcurl 403 \[.*\] \{"error":"API key revoked"/m,
		'... dnsdbq reports 403, revoked');
	expect_audit(key => 'rv', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/ftp.example.com',
		params => wire_params(), status => 403, rows => 0);
	lookup_is('... while another key still works', [ '-r', 'ftp.example.com' ],
		"pdns.lookup_rrset('ftp.example.com'", 'rrset/name/ftp.example.com');
	($out, $err) = dnsdbq([ '-r', 'ftp.example.com', '-j' ], key => 'pdns_no-such-key');
	is($out, '', 'an unknown key has no results');
	like($err, qr/^dnsdbq: warning: libcurl 401 \[.*\] \{"error":"unknown API key"/m,
		'... dnsdbq reports 401, unknown API key');
	expect_audit(key => '', endpoint => 'lookup /dnsdb/v2/lookup/rrset/name/ftp.example.com',
		params => wire_params(), status => 401, rows => 0);
}

# ---- 7: the audit trail ----

# (a request is audited once its answer is sent: the last may still be
# writing its row when dnsdbq has exited)
my $audited;
for (1 .. 100)
{
	$audited = $node->safe_psql('pdns', 'SELECT count(*) FROM pdns.api_audit');
	last if $audited >= @audit;
	usleep(100_000);
}
is($audited, scalar(@audit), 'the audit trail has a row per request');
my @rows = split /\n/, $node->safe_psql('pdns', q{
SELECT concat_ws('|', coalesce(key_name, ''), endpoint, coalesce(parameters, ''), status, rows)
FROM pdns.api_audit ORDER BY time, id});
my $same = 0;
for my $i (0 .. $#audit)
{
	$same++ if defined $rows[$i] && $rows[$i] eq $audit[$i];
}
is($same, scalar(@audit), '... each with its key, endpoint, parameters, status and rows');
for my $i (0 .. $#audit)
{
	next if defined $rows[$i] && $rows[$i] eq $audit[$i];
	diag("audit row $i: got      " . ($rows[$i] // '(none)'));
	diag("audit row $i: expected $audit[$i]");
}
is( $node->safe_psql('pdns', q{
SELECT count(*) FROM pdns.api_audit
WHERE client IS NULL OR client = '127.0.0.1' OR (status = 200) <> (role IS NOT NULL)}),
	'0', '... the client pseudonymized, the role named when the request was admitted');

# (kill_kill sends SIGTERM, and SIGKILL only after the grace time)
$api->kill_kill(grace => 10);
is($api->full_result(0), 0, 'pdns-api stops on SIGTERM, with exit status 0');
$api = undef;
$node->stop;
done_testing();
