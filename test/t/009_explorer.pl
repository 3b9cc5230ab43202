# The explorer page (src/bin/api/explorer, docs/explorer.md) in a real
# browser: Debian's chromium, headless, driven through chromedriver's W3C
# WebDriver API (WebDriver.pm), against a running pdns-api over a store of
# known data.  What the page shows is compared with what the SQL functions
# answer to the same question:
#
#  1 the key: the page asks for it, keeps it in sessionStorage only and
#    sends it; an unknown key gets the API's message;
#  2 a name search: #results rows (rrname, rrtype, count, first, last) are
#    lookup_rrset()'s; #status counts them; the #timeline has a bar per
#    RRset at its first..last, on one time axis; the #volume chart's
#    periods are volume_by_period()'s, for the name and for its registered
#    domain; enrichment cells show the planted ASN and country;
#  3 sorting by count, both ways;
#  4 pivots: an address link lands on the address lookup
#    (lookup_rdata_ip), its /24 and its names link on; back and forward
#    run the searches again; pushState URLs;
#  5 shared URLs (q, type, mode, after, before) run their search when
#    opened: wildcards, rdata by name, an address, a CIDR block, raw hex,
#    time fences; a limited answer shows #truncated;
#  6 bad input shows the API's message in #error;
#  7 the page loads nothing from elsewhere and breaks no rule of its
#    Content-Security-Policy.
#
# Screenshots of the views are written to the test's output directory and,
# when PDNS_SCREENSHOT_DIR is set, copied there as explorer-*.png (make
# docs-screenshots: docs/img).  chromium and chromedriver are declared
# dependencies: without them the test fails.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use File::Copy qw(copy);
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use PdnsTap;
use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);
use Time::Local qw(timegm);
use WebDriver;

my $started = time;

my $pdns_api = pdns_api_binary();
die "pdns-api is not installed at $pdns_api (make install)\n" unless -x $pdns_api;

my $node = pdns_node('explorer');
my $dir = PostgreSQL::Test::Utils::tempdir;
my $shots = "$PostgreSQL::Test::Utils::tmp_check/screenshots";
mkdir $shots;
my $json = JSON::PP->new->canonical;

sub write_file
{
	my ($name, $content) = @_;
	open(my $f, '>:raw', "$dir/$name") or die "$dir/$name: $!";
	print $f $content;
	close $f;
	return "$dir/$name";
}

# ---- the data: eight days of March 2024 ----

my $day1 = timegm(0, 0, 0, 1, 2, 2024);    # 2024-03-01 00:00:00 UTC
sub at { my ($day, $hour) = @_; return $day1 + ($day - 1) * 86400 + $hour * 3600 + 17 }

# day, hour, sensor, owner, type, rdata, bailiwick, count, rcode
my @native = (
	# one name, four RRsets of three types, each count its own
	[ 1, 8,  's1', 'www.example.com',  'A',     '192.0.2.10',        'example.com', 5 ],
	[ 2, 20, 's2', 'www.example.com',  'A',     '192.0.2.10',        'example.com', 3 ],
	[ 4, 1,  's1', 'www.example.com',  'A',     '192.0.2.11',        'example.com', 6 ],
	[ 3, 9,  's1', 'www.example.com',  'AAAA',  '2001:db8::10',      'example.com', 2 ],
	[ 6, 14, 's2', 'www.example.com',  'AAAA',  '2001:db8::10',      'example.com', 1 ],
	[ 7, 4,  's1', 'www.example.com',  'TXT',   '"v=spf1 -all"',     'example.com', 1 ],
	# negative answers: no MX at the name (NODATA), a name that is gone
	[ 2, 3,  's1', 'www.example.com',  'MX',    '',                  'example.com', 4, 'NOERROR' ],
	[ 6, 3,  's2', 'www.example.com',  'MX',    '',                  'example.com', 2, 'NOERROR' ],
	[ 4, 7,  's1', 'old.example.com',  'A',     '',                  'example.com', 3, 'NXDOMAIN' ],
	# the address 192.0.2.10, shared by three names
	[ 3, 12, 's1', 'shop.example.com', 'A',     '192.0.2.10',        'example.com', 4 ],
	[ 7, 12, 's2', 'shop.example.com', 'A',     '192.0.2.10',        'example.com', 2 ],
	[ 6, 2,  's1', 'api.example.net',  'A',     '192.0.2.10',        'example.net', 7 ],
	# the rest of the domain
	[ 1, 6,  's1', 'mail.example.com', 'A',     '192.0.2.25',        'example.com', 1 ],
	[ 5, 10, 's2', 'ftp.example.com',  'CNAME', 'www.example.com.',  'example.com', 2 ],
	[ 1, 0,  's1', 'example.com',      'NS',    'ns1.example.com.',  'com',         9 ],
	[ 8, 0,  's1', 'example.com',      'NS',    'ns1.example.com.',  'com',         1 ],
	[ 2, 5,  's2', 'www.example.org',  'A',     '198.51.100.7',      'example.org', 2 ],
);
my $lines = '';
for my $l (@native)
{
	my ($day, $hour, $sensor, $name, $type, $rdata, $bw, $count, $rcode) = @$l;
	$lines .= join("\t", at($day, $hour), $sensor, "10.0.0.$hour", '192.0.2.53', $name, $type,
		'IN', ($rdata eq '' ? '' : 300), $rdata, $bw, $count, $rcode // ()) . "\n";
}
$node->safe_psql('pdns', copy_command(write_file('native.tsv', $lines)));
is( $node->safe_psql('pdns',
		'SELECT (SELECT count(*) FROM pdns.rrsets) || \' \' || '
		  . '(SELECT count(*) FROM pdns.negative_observations) || \' \' || '
		  . '(SELECT count(*) FROM pdns.rejects)'),
	'10 3 0', 'the data set is in the store: 10 RRsets, 3 negative observations, no reject');

# enrichment: the documentation network 192.0.2.0/24 in AS64500, NL
$node->safe_psql('pdns', q{
SELECT pdns.enrichment_version('whois', 'registry', 'v1', '2023-01-01');
INSERT INTO pdns.ip_enrichment (source_id, network, valid, asn, as_org, country, record)
SELECT id, '192.0.2.0/24', valid, 64500, 'Example AS', 'NL', '{}' FROM pdns.enrichment_source;
});

# ---- the daemon ----

$node->safe_psql('pdns', 'CREATE ROLE apigw LOGIN IN ROLE pdns_api');
my $key = $node->safe_psql('pdns', "SELECT pdns.api_key_create('explorer', 'pdns_analyst')");
like($key, qr/^\S{16,}$/, 'api_key_create() returns a key');

my $port = PostgreSQL::Test::Cluster::get_free_port();
my $conf = write_file('pdns-api.conf', join("\n",
	'listen = 127.0.0.1',
	"port = $port",
	'database = host=' . $node->host . ' port=' . $node->port . ' dbname=pdns user=apigw',
	'pool_size = 4', ''));
my $api_log = "$PostgreSQL::Test::Utils::log_path/009_pdns-api.log";
my $api = IPC::Run::start([ $pdns_api, '-c', $conf ], '<', \undef, '>>', $api_log,
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

my $page = $http->get("$base/");
is($page->{status}, 200, 'pdns-api serves the explorer at /');
like($page->{headers}{'content-security-policy'} // '', qr/default-src 'self'/,
	'... with a Content-Security-Policy that allows only its own origin');

# The API's error message for a request, as the page must show it.
sub api_error
{
	my ($path, $with_key) = @_;
	my $r = $http->get("$base$path", { headers => { 'X-API-Key' => $with_key } });
	my $e = eval { $json->decode($r->{content}) } // {};
	return $e->{error} // "(no error object: $r->{status} $r->{content})";
}

# ---- what the SQL says ----

# Rows of a lookup as "rrname rrtype count first last" (epochs), sorted;
# $call is a pdns lookup function call.
sub sql_rows
{
	my ($call) = @_;
	my $out = $node->safe_psql('pdns', qq{
SELECT rtrim(rrname::text, '.') || ' ' || rrtype::text || ' ' || count || ' '
       || floor(extract(epoch FROM time_first))::bigint || ' '
       || floor(extract(epoch FROM time_last))::bigint
FROM $call ORDER BY 1});
	return [ sort grep { $_ ne '' } split /\n/, $out ];
}

# volume_by_period() as { "YYYY-MM-DD obs|neg" => count } (counts > 0)
sub sql_volume
{
	my ($name, $below) = @_;
	my $out = $node->safe_psql('pdns', qq{
SELECT to_char(period AT TIME ZONE 'UTC', 'YYYY-MM-DD'), observations, negative
FROM pdns.volume_by_period('$name', $below) ORDER BY 1});
	my %v;
	for (split /\n/, $out)
	{
		my ($p, $obs, $neg) = split /\|/;
		$v{"$p obs"} = $obs if $obs > 0;
		$v{"$p neg"} = $neg if $neg > 0;
	}
	return \%v;
}

# ---- the browser ----

my $wd = WebDriver->start(dir => $dir,
	log => "$PostgreSQL::Test::Utils::log_path/009_chromedriver.log");
ok($wd, 'chromedriver started');
ok($wd->new_session, 'a headless chromium session');

# The rows of #results as sql_rows() has them.
sub page_rows
{
	my $rows = $wd->execute(q{
return Array.from(document.querySelectorAll('#results tbody tr')).map(function (tr) {
	return [tr.dataset.rrname, tr.dataset.rrtype, tr.dataset.count, tr.dataset.first,
		tr.dataset.last];
});});
	my @rows;
	for (@$rows)
	{
		my @f = map { $_ // '' } @$_;
		$f[0] =~ s/\.$//;    # the API's names end with a dot, the SQL's not
		push @rows, "@f";
	}
	return [ sort @rows ];
}

# Wait until #results holds the rows of a lookup; then compare them.
sub rows_are
{
	my ($want, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $got;
	$wd->wait_until(sub { $got = page_rows(); return $json->encode($got) eq $json->encode($want) },
		10);
	return is_deeply($got, $want, $name);
}

sub query_param
{
	my ($url, $name) = @_;
	my ($query) = $url =~ /\?([^#]*)/;
	for (split /&/, $query // '')
	{
		my ($k, $v) = split /=/, $_, 2;
		next unless $k eq $name;
		$v = '' unless defined $v;
		$v =~ tr/+/ /;
		$v =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge;
		return $v;
	}
	return undef;
}

sub wait_url_q
{
	my ($q) = @_;
	return $wd->wait_until(sub { my $u = $wd->url; (query_param($u, 'q') // '') eq $q ? $u : undef },
		10);
}

# A screenshot of a view: the viewport, one element (element => $e) or the
# whole page (full => 1: the window made as tall as the page, then back).
sub shot
{
	my ($name, %o) = @_;
	my $file = "$shots/explorer-$name.png";
	$wd->execute('if (document.activeElement) document.activeElement.blur()');
	if ($o{full})
	{
		# the window as tall as what the page shows, and its margin
		my $h = $wd->execute(q{
var b = 0;
for (var e of document.body.children)
	if (e.getClientRects().length)
		b = Math.max(b, e.getBoundingClientRect().bottom + window.scrollY);
return Math.ceil(b + 20 + window.outerHeight - window.innerHeight);});
		$wd->set_window_size(1280, $h > 2400 ? 2400 : $h);
		usleep(500_000);    # the charts are drawn again on resize
		$wd->screenshot($file);
		$wd->set_window_size(1280, 900);
		usleep(500_000);
	}
	else
	{
		$wd->screenshot($file, $o{element});
	}
	ok(-s $file, "screenshot explorer-$name.png");
	if ($ENV{PDNS_SCREENSHOT_DIR})
	{
		copy($file, "$ENV{PDNS_SCREENSHOT_DIR}/explorer-$name.png")
		  or die "$ENV{PDNS_SCREENSHOT_DIR}/explorer-$name.png: $!";
	}
	return;
}

sub visible
{
	my ($css) = @_;
	my $e = $wd->find($css);
	return $e && $wd->displayed($e);
}

# Run a search through the form.
sub search
{
	my (%o) = @_;
	my $q = $wd->find('#q');
	$wd->clear($q);
	$wd->send_keys($q, $o{q});
	$wd->execute(q{
var s = document.querySelector('#rrtype'); s.value = arguments[0];
s.dispatchEvent(new Event('change', {bubbles: true}));
var m = document.querySelector('#mode');
if (m) { m.value = arguments[1]; m.dispatchEvent(new Event('change', {bubbles: true})); }},
		$o{type} // 'ANY', $o{mode} // 'rrset');
	for my $f ('after', 'before')
	{
		# date inputs: set through the DOM (typing depends on the locale)
		$wd->execute(q{var e = document.querySelector(arguments[0]); e.value = arguments[1];
e.dispatchEvent(new Event('input', {bubbles: true}));}, "#$f", $o{$f} // '');
	}
	$wd->click($wd->find('#go'));
	return;
}

# What shows of an element on the page: its box, clipped by the boxes
# around it that scroll or hide their overflow.
sub visible_box
{
	my ($css) = @_;
	return $wd->execute(q{
var s = document.querySelector(arguments[0]), r = s.getBoundingClientRect();
var v = {left: r.left, right: r.right, top: r.top, bottom: r.bottom, own: r.width};
for (var e = s.parentElement; e && e !== document.body; e = e.parentElement) {
	var st = getComputedStyle(e);
	if (st.overflowX !== 'visible' || st.overflowY !== 'visible') {
		var c = e.getBoundingClientRect();
		v.left = Math.max(v.left, c.left + e.clientLeft);
		v.right = Math.min(v.right, c.left + e.clientLeft + e.clientWidth);
		v.top = Math.max(v.top, c.top + e.clientTop);
		v.bottom = Math.min(v.bottom, c.top + e.clientTop + e.clientHeight);
	}
}
v.width = document.documentElement.clientWidth;
v.left = Math.max(v.left, 0);
v.right = Math.min(v.right, v.width);
return v;}, $css);
}

# The shapes of a chart (CSS selector) that do not show whole in it.
sub outside
{
	my ($chart, $shapes) = @_;
	my $v = visible_box($chart);
	my $r = $wd->execute(q{
return Array.from(document.querySelectorAll(arguments[0])).map(function (b) {
	var r = b.getBoundingClientRect();
	return [b.getAttribute('class') + ' ' + (b.dataset.period || b.dataset.first || ''),
		r.left, r.right, r.top, r.bottom];
});}, $shapes);
	return map {
		"$_->[0] at $_->[1]..$_->[2]: $chart is $v->{own} px wide, "
		  . "$v->{left}..$v->{right} of it visible"
	  }
	  grep {
		     $_->[2] - $_->[1] < 1
		  || $_->[1] < $v->{left} - 0.5
		  || $_->[2] > $v->{right} + 0.5
		  || $_->[3] < $v->{top} - 0.5
		  || $_->[4] > $v->{bottom} + 0.5
	  } @$r;
}

# 1 the key

$wd->navigate("$base/");
my $key_input = $wd->wait_for('#key', 10);
ok($key_input, 'the page asks for the API key');
ok(!visible('#q'), '... and shows no search before it has one');

# an unknown key: the API's message
$wd->send_keys($key_input, 'not-a-key-0123456789');
$wd->click($wd->find('#key-save'));
ok($wd->wait_for('#q', 10), 'a key entered: the search form');
search(q => 'www.example.com');
my $unknown = api_error('/dnsdb/v2/lookup/rrset/name/www.example.com', 'not-a-key-0123456789');
ok( $wd->wait_until(sub { visible('#error') && index($wd->text($wd->find('#error')), $unknown) >= 0 }, 10),
	"an unknown key: #error shows the API's message ($unknown)")
  or diag('#status: ' . $wd->text($wd->find('#status')) . '; #error: ' . $wd->text($wd->find('#error')));

# the right key
$wd->execute('sessionStorage.clear()');
$wd->navigate("$base/");
$key_input = $wd->wait_for('#key', 10);
ok($key_input, 'with no key kept, the page asks again');
$wd->send_keys($key_input, $key);
$wd->click($wd->find('#key-save'));
ok($wd->wait_for('#q', 10), 'the key entered: the search form');
my $storage = $wd->execute(q{
var s = [], l = [];
for (var i = 0; i < sessionStorage.length; i++) s.push(sessionStorage.getItem(sessionStorage.key(i)));
for (var i = 0; i < localStorage.length; i++) l.push(localStorage.getItem(localStorage.key(i)));
return {session: s, local: l, cookie: document.cookie};});
ok((grep { $_ eq $key } @{ $storage->{session} }), 'the key is kept in sessionStorage');
ok(!(grep { index($_, $key) >= 0 } @{ $storage->{local} }) && index($storage->{cookie}, $key) < 0,
	'... and neither in localStorage nor in a cookie');

# 2 a name search

my $www = sql_rows(q{pdns.lookup_rrset('www.example.com')});
is(scalar(@$www), 4, 'SQL: www.example.com has four RRsets');
search(q => 'www.example.com');
rows_are($www, 'a name search: #results has the rows of lookup_rrset()');
my $url = wait_url_q('www.example.com');
ok($url, 'the search is in the URL (pushState): q=www.example.com');
like($wd->text($wd->find('#status')), qr/\b4\b/, '#status counts the results');
ok(!visible('#truncated'), '#truncated is hidden: the answer was not limited');

# the timeline: a bar per RRset, on one time axis
my $bars = $wd->execute(q{
return Array.from(document.querySelectorAll('#timeline rect.bar')).map(function (b) {
	var r = b.getBoundingClientRect(), t = b.querySelector('title');
	return {first: b.dataset.first, last: b.dataset.last, rrtype: b.dataset.rrtype,
		count: b.dataset.count, title: t ? t.textContent : '', left: r.left, right: r.right,
		top: r.top, bottom: r.bottom};
});});
is(scalar(@$bars), scalar(@$www), 'the timeline has a bar per RRset');
is_deeply(
	[ sort map { "$_->{rrtype} $_->{count} $_->{first} $_->{last}" } @$bars ],
	[ sort map { my @f = split / /; "@f[1 .. 4]" } @$www ],
	'... with the rrtype, count, first and last seen of each (epochs as in SQL)');
is(scalar(grep { $_->{title} =~ /\S/ } @$bars), scalar(@$bars), '... each with a <title>');
{
	my @b = sort { $a->{first} <=> $b->{first} } @$bars;
	my ($lo, $hi) = ($b[0], $b[-1]);
	my $max_last = (sort { $b <=> $a } map { $_->{last} } @b)[0];
	my $scale = $hi->{first} > $lo->{first}
	  ? ($hi->{left} - $lo->{left}) / ($hi->{first} - $lo->{first}) : 0;
	my $svg = visible_box('#timeline');
	my @off;
	for my $x (@b)
	{
		my $l = $lo->{left} + ($x->{first} - $lo->{first}) * $scale;
		my $r = $lo->{left} + ($x->{last} - $lo->{first}) * $scale;
		push @off, "left of $x->{rrtype} $x->{first}: $x->{left}, expected $l"
		  if abs($x->{left} - $l) > 1.5;
		# a short span may be drawn wider than its time
		push @off, "right of $x->{rrtype} $x->{last}: $x->{right}, expected $r"
		  if $r - $l > 6 && abs($x->{right} - $r) > 1.5;
	}
	my $end = $lo->{left} + ($max_last - $lo->{first}) * $scale;
	ok($scale > 0 && !@off, 'the bars are placed on one linear time axis')
	  or diag(join("\n", @off));
	is($lo->{left}, (sort { $a <=> $b } map { $_->{left} } @b)[0],
		'... which starts at the earliest first seen');
	ok( $end <= $svg->{right} + 1 && $end - $lo->{left} >= 0.6 * ($svg->{right} - $svg->{left}),
		'... and ends at the latest last seen, within the chart and across most of it')
	  or diag("axis end $end, visible chart $svg->{left}..$svg->{right}");
	my @hidden = outside('#timeline', '#timeline rect.bar');
	ok(!@hidden, 'every bar shows, whole, in the visible part of the chart')
	  or diag(join("\n", @hidden));
}

# enrichment cells of the addresses in 192.0.2.0/24
ok( $wd->wait_until(sub {
			my $cells = $wd->execute(q{
return Array.from(document.querySelectorAll('#results tbody tr')).filter(function (tr) {
	return tr.dataset.rrtype === 'A';
}).map(function (tr) {
	var a = tr.querySelector('td.asn'), c = tr.querySelector('td.country');
	return (a ? a.textContent : '') + '|' + (c ? c.textContent : '');
});});
			return @$cells == 2 && !grep { !/64500.*\|.*NL/s } @$cells;
		}, 10),
	'enrichment: the A rows show AS64500 and NL in td.asn and td.country');

shot('name', full => 1);

# the volume chart, for the name and for its registered domain
sub page_volume
{
	my $v = $wd->execute(q{
return Array.from(document.querySelectorAll('#volume rect.obs, #volume rect.neg')).map(function (r) {
	return [r.classList.contains('obs') ? 'obs' : 'neg', r.dataset.period, r.dataset.count];
});});
	my %v;
	for (@$v)
	{
		my ($kind, $period, $count) = @$_;
		$period = strftime('%Y-%m-%d', gmtime($period)) if ($period // '') =~ /^\d+$/;
		$period = substr($period // '', 0, 10);
		next unless ($count // 0) > 0;
		$v{"$period $kind"} = $count;
	}
	return \%v;
}

sub volume_is
{
	my ($want, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $got;
	$wd->wait_until(sub { $got = page_volume(); $json->encode($got) eq $json->encode($want) }, 10);
	return is_deeply($got, $want, $name);
}

my $vol_name = sql_volume('www.example.com', 'false');
is(scalar(grep { / neg$/ } keys %$vol_name), 2, 'SQL: the name has negative answers on two days');
volume_is($vol_name, 'the volume chart: rect.obs and rect.neg per period as volume_by_period()');
{
	my @hidden = outside('#volume', '#volume rect.obs, #volume rect.neg');
	ok(!@hidden, '... every bar of it showing, whole') or diag(join("\n", @hidden));
}
{
	my $scope = $wd->find('#volume-scope');
	ok($scope, 'a #volume-scope switch');
	my $tag = lc($wd->execute('return arguments[0].tagName', $scope));
	if ($tag eq 'select')
	{
		$wd->click($scope);
		$wd->click($wd->find('#volume-scope option[value="domain"]'));
	}
	else
	{
		$wd->click($scope);
	}
	volume_is(sql_volume('example.com', 'true'),
		'... switched to the registered domain: volume_by_period(example.com, below)');
	shot('volume', element => $wd->find('#volume-panel') // $wd->find('#volume'));
}

# 3 sorting

sub counts { return [ map { $_->[0] } @{ $wd->execute(q{
return Array.from(document.querySelectorAll('#results tbody tr')).map(function (tr) {
	return [Number(tr.dataset.count)]; });}) } ] }

sub order_of
{
	my ($c) = @_;
	my ($up, $down) = (1, 1);
	for my $i (1 .. $#$c)
	{
		$up = 0 if $c->[$i] < $c->[ $i - 1 ];
		$down = 0 if $c->[$i] > $c->[ $i - 1 ];
	}
	return $up ? 'ascending' : $down ? 'descending' : 'unordered';
}
{
	$wd->click($wd->find('#results th[data-sort="count"]'));
	my $first = $wd->wait_until(sub { my $o = order_of(counts()); $o eq 'unordered' ? undef : $o }, 5);
	ok($first, 'sorting by count orders the rows (' . ($first // 'unordered') . ')')
	  or diag('counts: @{counts()}');
	$wd->click($wd->find('#results th[data-sort="count"]'));
	my $want = ($first // '') eq 'ascending' ? 'descending' : 'ascending';
	ok($wd->wait_until(sub { order_of(counts()) eq $want }, 5),
		"... and a second click orders them the other way ($want)")
	  or diag("counts: @{counts()}");
}

# 4 pivots

my $ip_rows = sql_rows(q{pdns.lookup_rdata_ip('192.0.2.10')});
is(scalar(@$ip_rows), 3, 'SQL: 192.0.2.10 is in three RRsets');
{
	my ($link) = grep { $wd->text($_) =~ /^\s*192\.0\.2\.10\s*$/ } @{ $wd->find_all('#results a.pivot-ip') };
	ok($link, 'the address 192.0.2.10 is a link (a.pivot-ip)');
	$wd->click($link) if $link;
}
ok(wait_url_q('192.0.2.10'), 'a click on it: the URL has q=192.0.2.10');
rows_are($ip_rows, '... and #results the rows of lookup_rdata_ip()');
{
	my @net = map { query_param($wd->attribute($_, 'href'), 'q') // '' } @{ $wd->find_all('#results a.pivot-net') };
	ok(@net && !grep({ $_ ne '192.0.2.0/24' } @net), "... its network links (a.pivot-net) are the /24")
	  or diag("pivot-net: @net");
	my @names = sort map { (query_param($wd->attribute($_, 'href'), 'q') // '') =~ s/\.$//r }
	  @{ $wd->find_all('#results a.pivot-name') };
	ok((grep { $_ eq 'shop.example.com' } @names) && (grep { $_ eq 'api.example.net' } @names),
		'... and its names link to their searches (a.pivot-name)')
	  or diag("pivot-name: @names");
}
ok( $wd->wait_until(sub {
			my $c = $wd->execute(q{
return Array.from(document.querySelectorAll('#results tbody tr td.asn')).map(function (td) {
	return td.textContent; });});
			return @$c == 3 && !grep { !/64500/ } @$c;
		}, 10),
	'... with AS64500 in each row');
shot('address', full => 1);

$wd->back;
ok(wait_url_q('www.example.com'), 'back: the URL is the name search again');
rows_are($www, '... and #results the name\'s rows again');
$wd->forward;
ok(wait_url_q('192.0.2.10'), 'forward: the address again');
rows_are($ip_rows, '... with its rows');

{
	my ($link) = grep { (query_param($wd->attribute($_, 'href'), 'q') // '') =~ /^shop\.example\.com\.?$/ }
	  @{ $wd->find_all('#results a.pivot-name') };
	$wd->click($link) if $link;
	ok(wait_url_q('shop.example.com') || wait_url_q('shop.example.com.'), 'a name link: its search');
	rows_are(sql_rows(q{pdns.lookup_rrset('shop.example.com')}), '... with the rows of lookup_rrset()');
}
{
	my ($link) = $wd->find('#results a.pivot-net');
	$wd->click($link) if $link;
	ok(wait_url_q('192.0.2.0/24'), 'a network link: its search');
	rows_are(sql_rows(q{pdns.lookup_rdata_ip('192.0.2.0/24')}),
		'... with the rows of lookup_rdata_ip() of the /24');
}

# 5 shared URLs, opened afresh

my @shared = (
	[ 'q=www.example.com&type=A', q{pdns.lookup_rrset('www.example.com', 'A')} ],
	[ 'q=www.example.com&type=ANY&mode=rrset&after=2024-03-03&before=2024-03-05',
		q{pdns.lookup_rrset('www.example.com', time_last_after => '2024-03-03',
			time_first_before => '2024-03-05')} ],
	[ 'q=*.example.com', q{pdns.lookup_rrset('*.example.com')} ],
	[ 'q=www.example.*', q{pdns.lookup_rrset('www.example.*')} ],
	[ 'q=www.example.com&mode=rdata', q{pdns.lookup_rdata_name('www.example.com')} ],
	[ 'q=2001:db8::10', q{pdns.lookup_rdata_ip('2001:db8::10')} ],
	[ 'q=192.0.2.0%2F24', q{pdns.lookup_rdata_ip('192.0.2.0/24')} ],
	[ 'q=c000020a', q{pdns.lookup_rdata_raw('c000020a')} ],
);
for my $s (@shared)
{
	my ($query, $call) = @$s;
	my $want = sql_rows($call);
	ok(@$want > 0, "SQL: $call has rows");
	$wd->navigate("$base/?$query");
	rows_are($want, "the shared URL /?$query runs its search");
}
{
	$wd->navigate("$base/?q=www.example.com&type=A&after=2024-03-03");
	rows_are(sql_rows(q{pdns.lookup_rrset('www.example.com', 'A', time_last_after => '2024-03-03')}),
		'/?q=www.example.com&type=A&after=2024-03-03');
	my $form = $wd->execute(q{return [document.querySelector('#q').value,
		document.querySelector('#rrtype').value, document.querySelector('#after').value];});
	is("@$form", 'www.example.com A 2024-03-03', '... and fills the form from the URL');
}

# a limited answer (the form's limit)
{
	$wd->navigate("$base/");
	ok($wd->wait_for('#q', 10), 'the page again');
	my $limit = $wd->find('#limit');
	ok($limit, 'a #limit field');
	if ($limit)
	{
		$wd->clear($limit);
		$wd->send_keys($limit, '2');
	}
	search(q => 'www.example.com');
	ok($wd->wait_until(sub { visible('#truncated') && @{ page_rows() } == 2 }, 10),
		'a search limited to 2 results: two rows and #truncated visible');
	$wd->clear($limit) if $limit;
	$wd->send_keys($limit, '1000') if $limit;
}

# 6 bad input

{
	my $msg = api_error('/dnsdb/v2/lookup/rrset/name/a..b', $key);
	search(q => 'a..b');
	my $shown = $wd->wait_until(sub {
			return undef unless visible('#error');
			my $t = $wd->text($wd->find('#error'));
			return index($t, $msg) >= 0 ? $t : undef;
		}, 10);
	ok($shown, "bad input (a..b): #error shows the API's message ($msg)")
	  or diag('#error: ' . (eval { $wd->text($wd->find('#error')) } // '(none)'));
	shot('error', element => $wd->find('#app'));
}

# 7 nothing from elsewhere, no CSP violation

{
	my $foreign = $wd->execute(q{
return performance.getEntriesByType('resource').map(function (e) { return e.name; })
	.filter(function (n) { return n.indexOf(location.origin + '/') !== 0; });});
	is_deeply($foreign, [], 'the page loaded nothing from another origin');
	my @csp = grep { ($_->{message} // '') =~ /Content Security Policy|Content-Security-Policy/i }
	  @{ $wd->console_log };
	is_deeply([ map { $_->{message} } @csp ], [], '... and broke no rule of its Content-Security-Policy');
}

# a shared URL in a new tab (a sessionStorage of its own): the key first,
# then the search
{
	my $first_tab = $wd->window_handle;
	$wd->new_tab;
	$wd->navigate("$base/?q=192.0.2.10");
	my $k = $wd->wait_for('#key', 10);
	ok($k, 'a shared URL in a new tab asks for the key');
	if ($k)
	{
		$wd->send_keys($k, $key);
		$wd->click($wd->find('#key-save'));
	}
	rows_are($ip_rows, '... then runs its search');
	$wd->close_tab;
	$wd->switch_to($first_tab);
}

$wd->quit;
# (kill_kill sends SIGTERM, and SIGKILL only after the grace time)
$api->kill_kill(grace => 10);
is($api->full_result(0), 0, 'pdns-api stops on SIGTERM, with exit status 0');
$api = undef;
$node->stop;
note(sprintf('009_explorer ran in %.1f s', time - $started));
done_testing();
