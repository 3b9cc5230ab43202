# pdns-api (src/bin/api, src/sql/85_api.sql) as a client, an operator and
# an attacker meet it, each part with its own daemon settings where it needs
# them:
#
#  1 bad input: 4xx with a one-line JSON {"error":...}, never 500;
#  2 a key's concurrency limit across requests (slots are advisory locks);
#  3 an aborted client and a client that stops reading give their pooled
#    connection back (pool_size = 1);
#  4 64 clients at once, each with a whole SAF stream;
#  5 the database going away: 503, then recovery;
#  6 the audit trail: a row per admitted request, append-only, expiry;
#    keys stored as hashes only; who may make keys, and for whom;
#  7 failed authentications: audited, pseudonymized, rate-limited;
#  8 daily quotas, /rate_limit, max_limit and offset;
#  9 the key's role's grants and row-level security;
# 10 TLS;
# 11 X-Forwarded-For, ignored unless trusted.
#
# Requests that reach the database carry swclient=<tag> (DNSDB clients send
# swclient; pdns-api passes it by), so their audit rows are found by tag.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use IO::Socket::INET;
use IPC::Run;
use JSON::PP;
use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

my $t_start = time();
my $node = pdns_node('api');
my $dir = PostgreSQL::Test::Utils::tempdir;
my $json = JSON::PP->new;

# (pdns's operators are in schema pdns: docs/ingest.md)
$node->safe_psql('postgres', 'ALTER DATABASE pdns SET search_path = pdns, public');
$node->safe_psql('pdns', q{
CREATE ROLE apigw LOGIN IN ROLE pdns_api;
CREATE ROLE analyst LOGIN IN ROLE pdns_analyst;
CREATE ROLE admin LOGIN IN ROLE pdns_admin;
});

# The store: a few A RRsets, and 12 000 TXT RRsets of about 700 octets an
# answer line under fat.example (an answer of 8 MB: more than the
# socket buffers between pdns-api and a client hold).
$node->safe_psql('pdns', q{
SET pdns.line_encoding = utf8;
INSERT INTO pdns.ingest_text
SELECT format(E'%s\ts1\t\t\th%s.small.example\tA\t\t\t%s', extract(epoch FROM now())::bigint - 3600,
              i, host('10.0.0.0'::inet + i))
FROM generate_series(1, 100) i;
INSERT INTO pdns.ingest_text
SELECT format(E'%s\ts1\t\t\tt%s.fat.example\tTXT\t\t\t"%s" "%s" "%s"',
              extract(epoch FROM now())::bigint - 3600, i,
              repeat(md5(i::text), 6), repeat(md5(i::text), 6), repeat(md5(i::text), 6))
FROM generate_series(1, 12000) i});
is($node->safe_psql('pdns', q{SELECT count(*) FROM pdns.rrsets WHERE rrname << 'fat.example'}),
	'12000', 'the store holds 12 000 RRsets under fat.example');

# Keys, each for what a part needs.
sub make_key
{
	my ($name, $args) = @_;
	return $node->safe_psql('pdns', "SELECT pdns.api_key_create('$name', $args)");
}

sub key_id
{
	my ($name) = @_;
	return $node->safe_psql('pdns', "SELECT id FROM pdns.api_keys WHERE name = '$name'");
}
my %key = (
	main => make_key('main',
		"'pdns_analyst', queries_per_day => NULL, results_per_day => NULL, max_limit => 100000, max_concurrent => 64"),
	one => make_key('one-at-a-time',
		"'pdns_analyst', queries_per_day => NULL, results_per_day => NULL, max_limit => 100000, max_concurrent => 1"),
	quota => make_key('quota', "'pdns_analyst', queries_per_day => 3, max_limit => 5"),
	results => make_key('results', "'pdns_analyst', results_per_day => 7, max_limit => 5"),
	expired => make_key('expired', "'pdns_analyst', expires => now() - interval '1 hour'"),
	revoked => make_key('revoked', "'pdns_analyst'"),
);
$node->safe_psql('pdns', "SELECT pdns.api_key_revoke('revoked')");

# ---- the daemons ----

my @daemons;

sub start_api
{
	my ($name, %conf) = @_;
	my $port = PostgreSQL::Test::Cluster::get_free_port();
	my %c = (
		listen => '127.0.0.1',
		port => $port,
		database => '"host=' . $node->host . ' port=' . $node->port . ' dbname=pdns user=apigw"',
		%conf);
	my $file = "$dir/$name.conf";
	open(my $f, '>', $file) or die "$file: $!";
	print $f map { "$_ = $c{$_}\n" } sort keys %c;
	close $f;
	my $h = IPC::Run::start([ pdns_api_binary(), '-c', $file ],
		'<', \undef, '>', "$dir/$name.log", '2>', "$dir/$name.err");
	push @daemons, $h;
	my $scheme = $c{tls_cert} ? 'https' : 'http';
	my $base = "$scheme://127.0.0.1:$port";
	for (1 .. 100)
	{
		my ($status) = http("$base/dnsdb/v2/ping");
		return $base if $status eq '200';
		sleep 0.1;
	}
	die "pdns-api $name did not start: " . slurp_file("$dir/$name.err");
}

END
{
	for my $h (@daemons)
	{
		eval { $h->kill_kill(grace => 3) };
	}
}

# ---- HTTP through curl ----

sub curl_command
{
	my ($url, %o) = @_;
	my @cmd = ('curl', '-s', '-g', '-w', "\n%{http_code}", '--max-time', $o{max_time} // 30);
	push @cmd, '-k' if $url =~ /^https:/;
	push @cmd, '-H', "X-API-Key: $o{key}" if defined $o{key};
	push @cmd, '-H', $_ for @{ $o{headers} // [] };
	push @cmd, @{ $o{args} // [] };
	return (@cmd, $url);
}

# body and status of curl's output (the body, a newline and the status)
sub parse_output
{
	my ($out) = @_;
	$out =~ s/\n(\d{3})\z// or return ('', $out);
	return ($1, $out);
}

# A request: (status, body, seconds, curl's exit code).  Status 000 is no
# HTTP answer.
sub http
{
	my ($url, %o) = @_;
	my $t0 = time();
	open(my $fh, '-|', curl_command($url, %o)) or die "curl: $!";
	binmode $fh;
	my $out = do { local $/; <$fh> } // '';
	close $fh;
	my $exit = $? >> 8;
	my ($status, $body) = parse_output($out);
	return ($status, $body, time() - $t0, $exit);
}

# A request in the background, its answer into a file.
my $bg_count = 0;

sub http_start
{
	my ($url, %o) = @_;
	my $file = "$dir/bg." . ++$bg_count;
	my $h = IPC::Run::start([ curl_command($url, %o) ], '<', \undef, '>', $file, '2>', "$file.err");
	return { h => $h, file => $file };
}

sub http_finish
{
	my ($bg) = @_;
	$bg->{h}->finish;
	return parse_output(slurp_file($bg->{file}));
}

# Waits until a background request has $octets of its answer (or ended).
sub http_wait_for
{
	my ($bg, $octets) = @_;
	for (1 .. 600)
	{
		return 1 if (-s $bg->{file} // 0) >= $octets;
		return 0 unless $bg->{h}->pumpable;
		sleep 0.05;
	}
	return 0;
}

# Kills a background request, as a client that goes away does.
sub http_kill
{
	my ($bg) = @_;
	$bg->{h}->kill_kill(grace => 2);
	return slurp_file($bg->{file});
}

# The lines of an SAF answer, decoded; undef if one is not JSON.
sub saf_lines
{
	my ($body) = @_;
	my @lines;
	for my $l (split /\n/, $body)
	{
		my $v = eval { $json->decode($l) };
		return undef unless ref $v eq 'HASH';
		push @lines, $v;
	}
	return \@lines;
}

# A whole SAF stream: begin, objects, and succeeded or limited last.
sub saf_complete
{
	my ($body) = @_;
	my $l = saf_lines($body) or return (0, 0, '');
	return (0, 0, '') unless @$l >= 2 && ($l->[0]{cond} // '') eq 'begin';
	my $last = $l->[-1]{cond} // '';
	my $objs = grep { exists $_->{obj} } @$l;
	return ($objs == @$l - 2 && ($last eq 'succeeded' || $last eq 'limited'), $objs, $last);
}

# The error of a one-line JSON error answer, or undef.
sub json_error
{
	my ($body) = @_;
	return undef unless defined $body && $body =~ /\A\{[^\n]*\}\n\z/;
	my $v = eval { $json->decode($body) };
	return undef unless ref $v eq 'HASH' && defined $v->{error} && !ref $v->{error};
	return $v->{error};
}

# What the audit holds for requests tagged swclient=$tag.
sub audit_rows
{
	my ($tag) = @_;
	return $node->safe_psql('pdns', qq{
SELECT string_agg(status || ' ' || rows, ',' ORDER BY id) FROM pdns.api_audit
WHERE parameters ~ '(^|&)swclient=$tag(&|\$)'});
}

sub wait_audit
{
	my ($tag) = @_;
	return $node->poll_query_until('pdns', qq{
SELECT count(*) > 0 FROM pdns.api_audit WHERE parameters ~ '(^|&)swclient=$tag(&|\$)'});
}

# Whether a key's concurrency slots in use (session advisory locks on
# (id, slot)) are $cond, such as "> 0".
sub slots_held
{
	my ($name, $cond) = @_;
	return "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
	  . key_id($name) . " AND objsubid = 2) $cond";
}

# Requests whose audit rows are checked at the end: tag => status.
my %audited;

# main: pool of 8; held requests read by slow clients stay open (timeout)
my $main = start_api('main', pool_size => 8, pool_wait_ms => 10000, timeout => 20,
	max_header_bytes => 4096);
# one connection, and a client that stops reading is cut after 2 s
my $single = start_api('single', pool_size => 1, pool_wait_ms => 10000, timeout => 2);
my $forwarded = start_api('forwarded', trust_forwarded_for => 'yes', pool_size => 2);
my $lookup = '/dnsdb/v2/lookup/rrset/name';
my $fat = "$lookup/*.fat.example?limit=100000";
my $pseudonym_localhost =
  $node->safe_psql('pdns', "SELECT pdns.pseudonymize('127.0.0.1'::inet)");

# ---- 7: failed authentications (first: no failure from 127.0.0.1 before) ----

for my $i (1 .. 10)
{
	my ($status, $body) = http("$main$lookup/h1.small.example?swclient=badkey$i",
		key => "pdns_wrong$i");
	is($status, '401', "a wrong key is refused with 401 ($i)") if $i == 1 || $i == 10;
	$audited{"badkey$i"} = 401;
}
my ($status, $body) = http("$main$lookup/h1.small.example?swclient=locked", key => $key{main});
is($status, '429', 'after 10 failed authentications in a minute, even a good key gets 429');
like(json_error($body) // '', qr/too many failed authentications/, '... saying why');
$audited{locked} = 429;
is( $node->safe_psql('pdns', qq{
SELECT count(*) || ' ' || count(*) FILTER (WHERE client = '$pseudonym_localhost'::inet)
       || ' ' || count(*) FILTER (WHERE client = '127.0.0.1'::inet)
FROM pdns.api_audit WHERE status = 401 AND parameters LIKE 'swclient=badkey%'}),
	'10 10 0', 'the 10 failures are audited with 401 and the pseudonym of 127.0.0.1, not the address');
isnt($pseudonym_localhost, '127.0.0.1', '(the pseudonym is not the address)');
($status) = http("$forwarded$lookup/h1.small.example?swclient=otheraddr", key => $key{main},
	headers => [ 'X-Forwarded-For: 198.51.100.77' ]);
is($status, '200', '... while another client address (through a trusted proxy) is served');
$audited{otheraddr} = 200;
# (lifted for the rest of the test: every client here is 127.0.0.1)
$node->safe_psql('pdns', 'UPDATE pdns.api_settings SET failed_auth_per_minute = 1000000');
($status) = http("$main$lookup/h1.small.example?swclient=unlocked", key => $key{main});
is($status, '200', 'with the limit raised, the good key is served again');
$audited{unlocked} = 200;

# ---- 1: bad input ----

my @bad = (
	[ '/nope', 404, qr/no such endpoint/ ],
	[ '/dnsdb/v2/nope', 404, qr/no such endpoint/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/A/example/x/y/z', 404, qr/too many path segments/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/A/example/x', 404, qr/too many path segments/ ],
	[ '/dnsdb/v2/lookup/rdata/ip/1.2.3.4/24', 404, qr/too many path segments/ ],
	[ '/dnsdb/v2/lookup/rrset/name', 404, qr/incomplete path/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a%01b.example', 400, qr/control character/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a%20b.example', 400, qr/space or control character/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a%7fb.example', 400, qr/control character/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a%00b.example', 400, qr/control character|NUL/ ],
	[ '/dnsdb/v2/lookup/rrset/name/' . ('a' x 1100), 400, qr/longer than/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/A/b%09c', 400, qr/bailiwick/ ],
	[ '/dnsdb/v2/lookup/rdata/ip/300.1.1.1', 400, qr/invalid address/ ],
	[ '/dnsdb/v2/lookup/rdata/ip/1.2.3.4,33', 400, qr/prefix length/ ],
	[ '/dnsdb/v2/lookup/rdata/ip/::1,129', 400, qr/prefix length/ ],
	[ '/dnsdb/v2/lookup/rdata/ip/1.2.3.4-::1', 400, qr/address range/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/A$', 400, qr/invalid rrtype/ ],
	[ '/dnsdb/v2/lookup/rdata/name/a.example/FOO', 400, qr/rrtype|RR type/ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/TYPE99999', 400, qr/out of range/ ],
	[ '/dnsdb/v2/lookup/rdata/raw/abc', 400, qr/even number of hex digits/ ],
	[ '/dnsdb/v2/lookup/rdata/raw/zz', 400, qr/not a hex digit/ ],
	[ '/dnsdb/v2/lookup/rrset/raw/0561626364', 400, qr/raw name/ ],
	[ '/dnsdb/v2/lookup/rrset/raw/4061', 400, qr/label of 64 octets/ ],
	[ '/dnsdb/v2/lookup/rrset/raw/016100ff', 400, qr/after its root label/ ],
	[ "$lookup/a.example?time_first_before=abc", 400, qr/time_first_before/ ],
	[ "$lookup/a.example?time_last_after=2024-13-45", 400, qr/fence/ ],
	[ "$lookup/a.example?time_first_after=9999999999999", 400, qr/out of range/ ],
	[ "$lookup/a.example?limit=-1", 400, qr/invalid limit/ ],
	[ "$lookup/a.example?limit=1e3", 400, qr/invalid limit/ ],
	[ "$lookup/a.example?limit=99999999999999", 400, qr/invalid limit/ ],
	[ "$lookup/a.example?offset=x", 400, qr/invalid offset/ ],
	[ "$lookup/a.example?offset=-5", 400, qr/invalid offset/ ],
	[ "$lookup/a.example?aggr=maybe", 400, qr/invalid aggr/ ],
	[ "$lookup/a.example?max_count=0", 400, qr/max_count/ ],
	[ "$lookup/a.example?id=" . ('x' x 1100), 400, qr/longer than/ ],
	[ "$lookup/a.example?" . join('&', map { "p$_=1" } 1 .. 40), 400, qr/too many query parameters/ ],
	[ '/dnsdb/v2/lookup/rrset/name/' . ('b' x 2100), 414, qr/longer than 2048/ ],
	[ "$lookup/a..b?swclient=emptylabel", 400, qr/[Ee]mpty label/ ],
	[ '/pdns/query/a..b?swclient=emptylabelcircl', 400, qr/[Ee]mpty label/ ],
	[ '/dnsdb/v2/summarize/rrset/name/x..y?swclient=emptylabelsum', 400, qr/[Ee]mpty label/ ],
	# an octet that is not UTF-8 is bad input, not a server error
	[ '/dnsdb/v2/lookup/rrset/name/a%FFb.example', 400, qr/./ ],
	[ '/dnsdb/v2/lookup/rrset/name/a.example/A/b%FF', 400, qr/./ ],
	[ '/pdns/query/%C3%28', 400, qr/./ ],
	[ 'POST /dnsdb/v2/lookup/rrset/name/a.example', 405, qr/method POST not allowed/ ],
	[ 'POSTBODY /dnsdb/v2/lookup/rrset/name/a.example', 405, qr/method POST not allowed/ ],
	[ 'DELETE /dnsdb/v2/ping', 405, qr/not allowed/ ],
	[ 'HEADERS /dnsdb/v2/ping', 431, qr/request headers larger than 4096 bytes/ ],
	[ 'NOKEY /dnsdb/v2/lookup/rrset/name/a.example', 401, qr/no API key/ ],
	[ "BADUTF8KEY $lookup/a.example", 401, qr/unknown API key|invalid/ ],
	[ 'EXPIRED /dnsdb/v2/lookup/rrset/name/a.example', 403, qr/API key expired/ ],
	[ 'REVOKED /dnsdb/v2/lookup/rrset/name/a.example', 403, qr/API key revoked/ ],
);
$audited{$_} = 400 for qw(emptylabel emptylabelcircl emptylabelsum);
for my $case (@bad)
{
	my ($request, $want, $msg) = @$case;
	my ($how, $path) = $request =~ m{^([A-Z0-9]+) (/.*)$} ? ($1, $2) : ('GET', $request);
	my %o = (key => $key{main});
	$o{args} = [ '-X', 'POST' ] if $how eq 'POST';
	$o{args} = [ '-d', 'x=1' ] if $how eq 'POSTBODY';
	$o{args} = [ '-X', 'DELETE' ] if $how eq 'DELETE';
	$o{headers} = [ 'X-Padding: ' . ('p' x 5000) ] if $how eq 'HEADERS';
	delete $o{key} if $how eq 'NOKEY';
	$o{key} = "pdns_\xff\xfe" if $how eq 'BADUTF8KEY';
	$o{key} = $key{expired} if $how eq 'EXPIRED';
	$o{key} = $key{revoked} if $how eq 'REVOKED';
	my ($status, $body, $took, $exit) = http("$main$path", %o);
	my $name = substr("$how $path", 0, 70);
	my $error = json_error($body);
	ok($status >= 400 && $status < 500 && defined $error,
		"$name: a 4xx with a one-line JSON error")
	  or diag("got $status (curl exit $exit): " . substr($body, 0, 300));
	is($status, $want, "$name: status $want");
	like($error // '', $msg, "$name: the error names the problem");
}
# A header larger than libmicrohttpd's buffer for the whole request is
# refused by libmicrohttpd itself.
($status, $body) = http("$main/dnsdb/v2/ping", headers => [ 'X-Padding: ' . ('p' x 100000) ]);
is($status, '431', 'a header beyond the request buffer: 431');
($status, $body) = http("$main$lookup/a.example?swclient=%FF", key => $key{main});
ok($status ne '' && $status < 500, 'a parameter of the client\'s own that is not UTF-8 is no server error')
  or diag("got $status: $body");
($status, $body) = http("$main/dnsdb/v2/ping");
is($status, '200', 'after all that, ping answers');

# ---- 2: a key's concurrency limit ----

my $hold = http_start("$main/dnsdb/v2/lookup/rrset/name/*.fat.example?limit=100000&swclient=hold",
	key => $key{one}, args => [ '--limit-rate', '10k' ]);
$node->poll_query_until('pdns', slots_held('one-at-a-time', '> 0'))
  or die 'the held request took no slot';
($status, $body) = http("$main$lookup/h1.small.example?swclient=second", key => $key{one});
is($status, '429', 'a second request of a key with max_concurrent 1 while the first streams: 429');
like(json_error($body) // '', qr/concurrent/, '... naming the concurrent request limit');
$audited{second} = 429;
is(audit_rows('hold'), '', '... and the first was still streaming then');
($status, $body) = http("$main/dnsdb/v2/rate_limit", key => $key{one});
is($status, '200', '... while /rate_limit, which takes no slot, answers');
ok(http_wait_for($hold, 20000), '... which streams its answer');
http_kill($hold);
$node->poll_query_until('pdns', slots_held('one-at-a-time', '= 0'))
  or diag('the slot of the held request was not given back');
wait_audit('hold');
like(audit_rows('hold'), qr/^499 \d+$/, 'the held request, cut by its client, is audited with 499');
$audited{hold} = 499;
($status, $body) = http("$main$lookup/h1.small.example?swclient=afterhold", key => $key{one});
is($status, '200', 'once the first has ended, the key is served again');
ok((saf_complete($body))[0], '... with a whole SAF stream');
$audited{afterhold} = 200;
($status, $body) = http("$main$lookup/c..d?swclient=slotafter400", key => $key{one});
is($status, '400', 'a lookup the database rejects after admission: 400');
$audited{slotafter400} = 400;
($status, $body) = http("$main$lookup/h2.small.example?swclient=slotafter400ok", key => $key{one});
is($status, '200', '... and it gave its slot back');
$audited{slotafter400ok} = 200;

# ---- 3: aborted clients and slow readers give their connection back ----

my $abort = http_start("$single$fat&swclient=abort", key => $key{main},
	args => [ '--limit-rate', '10k' ]);
ok(http_wait_for($abort, 20000), 'pool of one: a large answer streams to a slow client');
my $aborted = http_kill($abort);
ok($aborted =~ /\A\{"cond":"begin"\}\n\{"obj":/ && $aborted !~ /"cond":"(succeeded|limited)"/,
	'... which is killed in the middle of it');
($status, $body, my $took) = http("$single$lookup/h1.small.example?swclient=afterabort",
	key => $key{main}, max_time => 10);
is($status, '200', 'the next request is served on the one connection');
cmp_ok($took, '<', 5, "... within a few seconds ($took s)");
$audited{afterabort} = 200;
wait_audit('abort');
my ($abort_status, $abort_rows) = split / /, audit_rows('abort');
is($abort_status, '499', 'the aborted request is audited with 499');
ok($abort_rows > 0 && $abort_rows < 12000, "... with the rows it was sent ($abort_rows)");
$audited{abort} = 499;

my $slow = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => ($single =~ /:(\d+)$/)[0])
  or die "connect: $!";
print $slow "GET $fat&swclient=slowreader HTTP/1.1\r\nHost: localhost\r\nX-API-Key: $key{main}\r\n\r\n";
$node->poll_query_until('pdns', slots_held('main', '> 0')) or die 'the slow reader took no slot';
($status, $body, $took) = http("$single$lookup/h2.small.example?swclient=afterslow",
	key => $key{main}, max_time => 20);
is($status, '200', 'a client that stops reading is cut (timeout = 2), and the connection serves the next');
cmp_ok($took, '<', 15, "... which waited $took s for it");
$audited{afterslow} = 200;
wait_audit('slowreader');
like(audit_rows('slowreader'), qr/^499 \d+$/, 'the cut slow reader is audited with 499');
$audited{slowreader} = 499;
close $slow;

# ---- 4: 64 clients at once ----

# (started from one shell, so that they arrive together)
my $script = "$dir/parallel.sh";
open(my $sh, '>', $script) or die $!;
for my $i (1 .. 64)
{
	print $sh join(' ', map { "'$_'" }
		  curl_command("$main/dnsdb/v2/lookup/rrset/name/*.small.example?limit=50&swclient=par$i",
			  key => $key{main}))
	  . " > '$dir/par.$i' 2>&1 &\n";
}
print $sh "wait\n";
close $sh;
system('sh', $script) == 0 or die "sh $script: $?";
my ($ok200, $whole) = (0, 0);
for my $i (1 .. 64)
{
	my ($s, $b) = parse_output(slurp_file("$dir/par.$i"));
	my ($complete, $objs, $last) = saf_complete($b);
	$ok200++ if $s eq '200';
	$whole++ if $complete && $objs == 50 && $last eq 'limited';
	diag("parallel request $i got $s: " . substr($b, 0, 200))
	  unless $s eq '200' && $complete;
	$audited{"par$i"} = 200;
}
is($ok200, 64, '64 concurrent clients (pool of 8) all get 200');
is($whole, 64, '... each with a whole SAF stream of 50 results ending "limited"');
wait_audit('par64');
diag('the 64 requests were admitted within '
	  . $node->safe_psql('pdns', q{
SELECT round(extract(epoch FROM max(time) - min(time))::numeric, 2) FROM pdns.api_audit
WHERE parameters ~ 'swclient=par[0-9]+$'}) . ' s');

# ---- 8: quotas ----

sub rate
{
	my ($key) = @_;
	my ($s, $b) = http("$main/dnsdb/v2/rate_limit", key => $key);
	my $v = eval { $json->decode($b) };
	return ref $v eq 'HASH' ? $v->{rate} : { status => $s, body => $b };
}
my $midnight = $node->safe_psql('pdns',
	"SELECT extract(epoch FROM ((now() AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC')::bigint");
my $r = rate($key{quota});
is_deeply([ @$r{qw(limit remaining reset)} ], [ 3, 3, $midnight ],
	'/rate_limit: {"rate":{"limit":3,"remaining":3,"reset":<next UTC midnight>}}');
($status, $body) = http("$main/dnsdb/v2/lookup/rrset/name/*.small.example?limit=100&swclient=cut",
	key => $key{quota});
my ($complete, $objs, $last) = saf_complete($body);
is("$status $objs $last", '200 5 limited', 'a limit above the key\'s max_limit (5) is cut to it, ending "limited"');
like((split /\n/, $body)[-1], qr/^\{"cond":"limited","msg":/, '... with a message');
$audited{cut} = 200;
is(rate($key{quota})->{remaining}, 2, '/rate_limit: remaining 2 after a lookup');
($status, $body) = http("$main$lookup/h1.small.example?offset=6&swclient=bigoffset", key => $key{quota});
is($status, '400', 'an offset above the key\'s max_limit: 400');
like(json_error($body) // '', qr/offset/, '... naming the offset');
$audited{bigoffset} = 400;
($status, $body) = http("$main/dnsdb/v2/lookup/rrset/name/*.small.example?offset=5&limit=5&swclient=offset",
	key => $key{quota});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 5', 'an offset of max_limit is served');
$audited{offset} = 200;
($status, $body) = http("$main$lookup/h1.small.example?swclient=quotaout", key => $key{quota});
is($status, '429', 'past queries_per_day: 429');
like(json_error($body) // '', qr/daily query quota of 3 exhausted/, '... naming the quota');
$audited{quotaout} = 429;
is(rate($key{quota})->{remaining}, 0, '/rate_limit: remaining 0');

($status, $body) = http("$main/dnsdb/v2/lookup/rrset/name/*.small.example?swclient=res1", key => $key{results});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 5', 'results_per_day 7: the first lookup gets max_limit (5)');
($status, $body) = http("$main/dnsdb/v2/lookup/rrset/name/*.small.example?swclient=res2", key => $key{results});
($complete, $objs, $last) = saf_complete($body);
is("$status $objs $last", '200 2 limited', '... the second what is left of the day (2)');
($status, $body) = http("$main$lookup/h1.small.example?swclient=res3", key => $key{results});
is($status, '429', '... the third 429');
like(json_error($body) // '', qr/daily result quota of 7 exhausted/, '... naming the result quota');
@audited{qw(res1 res2 res3)} = (200, 200, 429);

$r = rate($key{main});
is_deeply([ @$r{qw(limit remaining reset)} ], [ 'unlimited', 'n/a', 'n/a' ],
	'/rate_limit of a key without a daily quota: limit "unlimited", remaining and reset "n/a"');

# ---- 9: the key's role's grants and row-level security ----

$node->safe_psql('pdns', q{
CREATE ROLE noread;
GRANT USAGE ON SCHEMA pdns TO noread;
GRANT EXECUTE ON FUNCTION pdns._cursor(text[]), pdns._cursor_field(text, integer),
	pdns._fenced(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz, timestamptz),
	pdns._wildcard(text), pdns._window_fences(text, text, text, text, text, text, boolean),
	pdns._sensor_filter(text) TO noread;
CREATE ROLE hidden_fat IN ROLE pdns_analyst;
});
$key{noread} = make_key('noread', "'noread'");
$key{rls} = make_key('rls', "'hidden_fat'");
($status, $body) = http("$main$lookup/h1.small.example?swclient=noread", key => $key{noread});
is($status, '403', 'a key whose role may not read pdns.rrsets: 403');
like(json_error($body) // '', qr/permission denied for table rrsets/, '... with the permission message');
$audited{noread} = 403;

$node->safe_psql('pdns', q{
ALTER TABLE pdns.rrsets ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON pdns.rrsets USING (true);
CREATE POLICY no_fat ON pdns.rrsets AS RESTRICTIVE TO hidden_fat USING (NOT rrname << 'fat.example');
});
($status, $body) = http("$main$lookup/t1.fat.example?swclient=rlshidden", key => $key{rls});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 0', 'row-level security of the key\'s role hides rows');
($status, $body) = http("$main$lookup/h1.small.example?swclient=rlsshown", key => $key{rls});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 1', '... and shows the others');
($status, $body) = http("$main$lookup/t1.fat.example?swclient=rlsother", key => $key{main});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 1', '... to that role only');
@audited{qw(rlshidden rlsshown rlsother)} = (200, 200, 200);
$node->safe_psql('pdns', q{
DROP POLICY no_fat ON pdns.rrsets; DROP POLICY everyone ON pdns.rrsets;
ALTER TABLE pdns.rrsets DISABLE ROW LEVEL SECURITY});

# A lookup refused for want of a grant is no failed authentication: it must
# not shut the client's address out (a fresh address, through the proxy).
$node->safe_psql('pdns', 'UPDATE pdns.api_settings SET failed_auth_per_minute = 10');
for my $i (1 .. 10)
{
	http("$forwarded$lookup/h1.small.example?swclient=denied$i", key => $key{noread},
		headers => [ 'X-Forwarded-For: 192.0.2.99' ]);
	$audited{"denied$i"} = 403;
}
($status, $body) = http("$forwarded$lookup/h1.small.example?swclient=afterdenied",
	key => $key{main}, headers => [ 'X-Forwarded-For: 192.0.2.99' ]);
is($status, '200', '10 lookups refused for permission (403) do not count as failed authentications')
  or diag($body);
$audited{afterdenied} = $status;
$node->safe_psql('pdns', 'UPDATE pdns.api_settings SET failed_auth_per_minute = 1000000');

# ---- 10: TLS ----

my ($ssl_out, $ssl_err) = ('', '');
IPC::Run::run([ 'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost',
		'-days', '1', '-keyout', "$dir/tls.key", '-out', "$dir/tls.crt" ],
	'<', \undef, '>', \$ssl_out, '2>', \$ssl_err)
  or die "openssl req: $ssl_err";
my $tls = start_api('tls', tls_cert => "$dir/tls.crt", tls_key => "$dir/tls.key");
($status, $body) = http("$tls$lookup/h1.small.example?swclient=tls", key => $key{main});
($complete, $objs) = saf_complete($body);
is("$status $objs", '200 1', 'TLS: a lookup over https answers');
$audited{tls} = 200;
(my $plain = $tls) =~ s/^https:/http:/;
($status) = http("$plain/dnsdb/v2/ping");
isnt($status, '200', "TLS: plain http to it gets no answer ($status)");
(my $https_main = $main) =~ s/^http:/https:/;
($status) = http("$https_main/dnsdb/v2/ping");
isnt($status, '200', "... and https to a daemon without TLS gets none ($status)");

# ---- 11: X-Forwarded-For ----

($status) = http("$main$lookup/h1.small.example?swclient=xffignored", key => $key{main},
	headers => [ 'X-Forwarded-For: 203.0.113.7' ]);
is($status, '200', 'a request with X-Forwarded-For to a daemon that does not trust it');
$audited{xffignored} = 200;
($status) = http("$forwarded$lookup/h1.small.example?swclient=xfftrusted", key => $key{main},
	headers => [ 'X-Forwarded-For: 10.1.1.1, 203.0.113.7' ]);
is($status, '200', '... and to one with trust_forwarded_for = yes');
$audited{xfftrusted} = 200;
($status) = http("$forwarded$lookup/h1.small.example?swclient=xffgarbage", key => $key{main},
	headers => [ 'X-Forwarded-For: not-an-address' ]);
$audited{xffgarbage} = 200;
wait_audit($_) for qw(xffignored xfftrusted xffgarbage);
is( $node->safe_psql('pdns', q{
SELECT string_agg(CASE client WHEN pdns.pseudonymize('127.0.0.1'::inet) THEN 'localhost'
                              WHEN pdns.pseudonymize('203.0.113.7'::inet) THEN 'forwarded'
                              ELSE host(client) END, ' ' ORDER BY id)
FROM pdns.api_audit WHERE parameters ~ '^swclient=xff'}),
	'localhost forwarded localhost',
	'X-Forwarded-For: ignored by default, its last address honoured when trusted (pseudonymized), '
	  . 'ignored when it is no address');

# ---- 5: the database goes away and comes back ----

$node->stop('fast');
($status, $body) = http("$main$lookup/h1.small.example", key => $key{main});
is($status, '503', 'database down: 503');
like(json_error($body) // '', qr/database unavailable/, '... with "database unavailable" as JSON');
($status, $body) = http("$main$lookup/h2.small.example", key => $key{main});
is($status, '503', '... and again');
like(json_error($body) // '', qr/database unavailable/, '... again as JSON');
$node->start;
my $tries = 0;
for (1 .. 20)
{
	$tries++;
	($status, $body) = http("$main$lookup/h1.small.example?swclient=back$tries", key => $key{main});
	last if $status eq '200';
	sleep 0.2;
}
is($status, '200', "database back: requests succeed again (after $tries tries)");
ok((saf_complete($body))[0], '... with whole answers');
cmp_ok($tries, '<=', 9, '... within the 8 stale pooled connections and one');
$audited{"back$tries"} = 200;
($status) = http("$main$lookup/h2.small.example?swclient=backagain", key => $key{main});
is($status, '200', '... and the next one too');
$audited{backagain} = 200;

# ---- 6: the audit trail and the keys ----

($status) = http("$main$lookup/h1.small.example?swclient=head", key => $key{main}, args => ['-I']);
is($status, '200', 'a HEAD request is answered 200');
$audited{head} = 200;

# (the audit row of a request is written after its answer: wait for all)
my $tags = join(',', map { "'$_'" } sort keys %audited);
$node->poll_query_until('pdns', qq{
SELECT count(DISTINCT substring(parameters FROM 'swclient=([^&]*)')) = } . scalar(keys %audited) . qq{
FROM pdns.api_audit WHERE substring(parameters FROM 'swclient=([^&]*)') IN ($tags)})
  or diag('some audited requests have no audit row');
my %rows = map { split /\|/, $_, 2 } split /\n/, $node->safe_psql('pdns', q{
SELECT substring(parameters FROM 'swclient=([^&]*)'),
       string_agg(status::text, ',' ORDER BY id)
FROM pdns.api_audit WHERE parameters ~ 'swclient=' GROUP BY 1});
my @wrong = grep { ($rows{$_} // 'none') ne $audited{$_} } sort keys %audited;
is(scalar(@wrong), 0, 'every admitted request has one audit row with its status ('
	  . scalar(keys %audited) . ' requests)')
  or diag(join("\n", map { "$_: want $audited{$_}, audit has " . ($rows{$_} // 'none') } @wrong));
is( $node->safe_psql('pdns', q{
SELECT count(*) FROM pdns.api_audit
WHERE parameters ~ 'swclient=' AND NOT (endpoint LIKE '% /%' AND duration_ms >= 0 AND time IS NOT NULL)}),
	'0', 'audit rows name their endpoint and path, with a duration');
is( $node->safe_psql('pdns', q{
SELECT endpoint || ' ' || parameters || ' ' || rows || ' ' || key_name || ' ' || role || ' ' || (duration_ms > 0)
FROM pdns.api_audit WHERE parameters LIKE '%swclient=cut'}),
	'lookup /dnsdb/v2/lookup/rrset/name/*.small.example limit=100&swclient=cut 5 quota pdns_analyst true',
	'an audit row: endpoint, parameters, rows, key, role, duration');

sub as
{
	my ($role, $sql) = @_;
	my ($out, $err) = ('', '');
	my $rc = $node->psql('pdns', $sql, stdout => \$out, stderr => \$err,
		extra_params => [ '-U', $role ]);
	return ($rc, $out, $err);
}
my ($rc, $out, $err);
for my $sql ('SELECT count(*) FROM pdns.api_audit',
	"INSERT INTO pdns.api_audit (time, endpoint, status) VALUES (now(), 'forged', 200)",
	'UPDATE pdns.api_audit SET status = 200',
	'DELETE FROM pdns.api_audit',
	'SELECT count(*) FROM pdns.api_keys')
{
	($rc, $out, $err) = as('analyst', $sql);
	like($err, qr/permission denied for table api_(audit|keys)/, "an analyst may not: $sql");
}
($rc, $out, $err) = $node->psql('pdns', 'UPDATE pdns.api_audit SET status = 200 WHERE status = 499');
like($err, qr/append-only/, 'the owner (superuser) may not UPDATE the audit: append-only');
($rc, $out, $err) = $node->psql('pdns', q{DELETE FROM pdns.api_audit WHERE parameters LIKE '%swclient=abort'});
like($err, qr/append-only/, '... nor DELETE a recent row');
($rc, $out, $err) = $node->psql('pdns', 'TRUNCATE pdns.api_audit');
like($err, qr/append-only/, '... nor TRUNCATE it');
($rc, $out, $err) = as('admin', q{DELETE FROM pdns.api_audit WHERE time < now() - interval '1 year'});
like($err, qr/permission denied/, 'an admin may not delete audit rows directly');
my $audit_count = $node->safe_psql('pdns', 'SELECT count(*) FROM pdns.api_audit');
$node->safe_psql('pdns', q{INSERT INTO pdns.api_audit (time, endpoint, parameters, status)
VALUES (now() - interval '2 years', 'lookup /old', 'swclient=ancient', 200)});
is($node->safe_psql('pdns', 'SELECT pdns.api_audit_expire()'), '1',
	'api_audit_expire() deletes the row older than the retention');
is( $node->safe_psql('pdns',
		"SELECT count(*) || ' ' || count(*) FILTER (WHERE parameters = 'swclient=ancient') FROM pdns.api_audit"),
	"$audit_count 0", '... that one only');

my $keys_sql = join(' UNION ALL ', map {
	"SELECT count(*) FROM pdns.api_keys WHERE key_hash = sha256(convert_to('$key{$_}', 'UTF8'))"
} sort keys %key);
is($node->safe_psql('pdns', "SELECT string_agg(c::text, '') FROM ($keys_sql) t(c)"),
	'1' x scalar(keys %key), 'each key is stored as its SHA-256');
my $clear = join(' OR ', map { "t LIKE '%' || '$key{$_}' || '%' OR t LIKE '%' || substr('$key{$_}', 6, 40) || '%'" }
	sort keys %key);
is( $node->safe_psql('pdns', qq{
SELECT count(*) FROM (
	SELECT k::text AS t FROM pdns.api_keys k UNION ALL SELECT a::text FROM pdns.api_audit a
	UNION ALL SELECT u::text FROM pdns.api_usage u UNION ALL SELECT s::text FROM pdns.api_settings s) x
WHERE $clear}),
	'0', 'no column of the API tables holds a key in clear');
my $log = slurp_file($node->logfile);
is(scalar(grep { index($log, substr($key{$_}, 5)) >= 0 } keys %key), 0,
	'the server log holds no key');

# Who may make keys.
$node->safe_psql('pdns', 'CREATE ROLE partner IN ROLE pdns_analyst; GRANT partner TO pdns_api');
($rc, $out, $err) = as('admin', "SELECT pdns.api_key_create('by-admin', 'partner')");
is($rc, 0, 'a pdns_admin makes a key (for a role pdns_api may act as)') or diag($err);
# (when the admin could not, the superuser makes it, for the revocation)
my $admin_key = $rc == 0 ? $out : make_key('by-admin', "'partner'");
($status) = http("$main$lookup/h1.small.example", key => $admin_key);
is($status, '200', '... which is served');
($rc, $out, $err) = as('admin', "SELECT pdns.api_key_revoke('by-admin')");
($status, $body) = http("$main$lookup/h1.small.example", key => $admin_key);
is("$rc $out $status", '0 t 403', 'a pdns_admin revokes a key: 403 from then on');
($rc, $out, $err) = as('admin', "SELECT pdns.api_key_revoke('main-not-there')");
is("$rc $out", '0 f', 'a pdns_admin revokes keys (false for no such key)');
($rc, $out, $err) = as('analyst', "SELECT pdns.api_key_create('by-analyst', 'pdns_analyst')");
like($err, qr/permission denied for function api_key_create/, 'a pdns_analyst may not make keys');
($rc, $out, $err) = $node->psql('pdns', "SELECT pdns.api_key_create('su', 'postgres')");
like($err, qr/cannot act as role "postgres"/, 'no key acts as a superuser');
$node->safe_psql('pdns', 'CREATE ROLE sneaky BYPASSRLS IN ROLE pdns_analyst');
($rc, $out, $err) = $node->psql('pdns', "SELECT pdns.api_key_create('sneaky', 'sneaky')");
like($err, qr/cannot act as role "sneaky"/, '... nor as a role that bypasses row-level security');

for my $h (@daemons)
{
	$h->signal('TERM');
	ok(eval { $h->finish; 1 } && $h->result == 0, 'pdns-api stops on SIGTERM');
}
@daemons = ();
diag(sprintf('run time %.1f s', time() - $t_start));
done_testing();
