#!/usr/bin/perl
# check-docs.pl: run the examples in docs/*.md and compare their output.
#
# In a page, every ```sql fenced block is run, in order, in one psql session
# against a fresh database where pdns is installed; the ```text block that
# follows it (if any) must equal what psql printed.  Pages are independent.
#
# A ```console block holds shell commands: each line starting with "$ " is
# a command, and lines starting with "> " continue it (a here-document, a
# few commands that share a variable), run by sh in the page's scratch
# directory (the same one for all of a page's commands), in
# order with the sql blocks (each is a psql \! command of the same
# session), and the ```text block after the console block must equal what
# its commands printed, stdout and stderr together.  What the page's SQL
# exports with psql's \setenv (say a key it made: SELECT ... AS key \gset,
# then \setenv DNSDB_API_KEY :key) is in their environment.
#
# A page with the line
#
#	<!-- check-docs: pdns-api [name=value ...] -->
#
# gets a pdns-api of its own, on a free port of 127.0.0.1, started once
# pdns is installed in its database and stopped when the page is done.  Its
# configuration file (in the page's scratch directory) names the database
# and a login role that is IN ROLE pdns_api (pdns_docs_api, made if
# missing, with a fresh random password each run), then the marker's
# settings, such as pool_size=1 or trust_forwarded_for=yes.  pdns-api's
# sessions have the server's pdns.pseudonymization_key, if it has one (a
# superuser-only setting of the server's configuration, which check-docs
# leaves alone): a page shows what depends on it only as it compares.
# The page's psql and commands see PDNS_API and DNSDB_SERVER, both
# http://127.0.0.1:PORT, PDNS_API_CONF, the configuration file's path, and
# PATH with pg_config --bindir (where pdns-api is) first.  After each
# command, the page goes on only once pdns-api's database sessions are
# idle: a lookup's audit row and result count are written after its last
# byte is sent, and what follows may read them.
#
# Prints one line per page and exits non-zero on any difference.
# With --update, rewrites each page's text blocks with the actual output
# (for the author, who then reads the diff).
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

my $API_ROLE   = 'pdns_docs_api';

$| = 1;
my $update = 0;
if (@ARGV && $ARGV[0] eq '--update') {
    $update = 1;
    shift @ARGV;
}
my $failed = 0;
my $blocks_total = 0;

my $daemon_pid;    # the running pdns-api, if any
END { stop_daemon() if $daemon_pid; }
$SIG{INT} = $SIG{TERM} = sub { stop_daemon() if $daemon_pid; exit 130; };

sub stop_daemon {
    return unless $daemon_pid;
    kill 'TERM', $daemon_pid;
    my $deadline = time + 10;
    while (waitpid($daemon_pid, WNOHANG) == 0) {
        if (time > $deadline) {
            kill 'KILL', $daemon_pid;
            waitpid($daemon_pid, 0);
            last;
        }
        sleep 0.05;
    }
    $daemon_pid = undef;
}

sub psql_quiet {
    my ($db, $sql) = @_;
    open(my $p, '|-', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $db) or die "psql: $!";
    print $p $sql;
    close $p;
    return $? == 0;
}

sub bindir {
    my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
    my $dir = `$pg_config --bindir`;
    chomp $dir;
    return $dir;
}

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
        or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# Installs pdns in $db, then starts pdns-api for it; returns its URL.
sub start_daemon {
    my ($db, $dir, $settings) = @_;
    open(my $rnd, '<:raw', '/dev/urandom') or die "/dev/urandom: $!";
    read($rnd, my $octets, 16) == 16 or die "/dev/urandom: short read";
    close $rnd;
    my $password = unpack('H*', $octets);
    psql_quiet($db, <<"SQL") or return (undef, "setting up $db for pdns-api failed");
SET client_min_messages = warning;
CREATE EXTENSION pdns CASCADE;
DO \$\$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '$API_ROLE') THEN
		CREATE ROLE $API_ROLE LOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members
	               WHERE roleid = 'pdns_api'::regrole AND member = '$API_ROLE'::regrole) THEN
		GRANT pdns_api TO $API_ROLE;
	END IF;
END
\$\$;
ALTER ROLE $API_ROLE LOGIN PASSWORD '$password';
SQL
    my $port = free_port();
    my $conf = "$dir/pdns-api.conf";
    open(my $c, '>', $conf) or die "$conf: $!";
    print $c "listen = 127.0.0.1\nport = $port\n";
    print $c "database = \"dbname=$db user=$API_ROLE password=$password\"\n";
    print $c "$_\n" for @$settings;
    close $c;

    my $log = "$dir/pdns-api.log";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>', $log) or die "$log: $!";
        open(STDERR, '>&', \*STDOUT);
        exec(bindir() . '/pdns-api', '-c', $conf) or die "pdns-api: $!";
    }
    $daemon_pid = $pid;
    my $deadline = time + 20;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $daemon_pid = undef;
            return (undef, "pdns-api exited at start:\n" . slurp($log));
        }
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
        if ($s) {
            close $s;
            return ("http://127.0.0.1:$port", undef);
        }
        sleep 0.05;
    }
    stop_daemon();
    return (undef, "pdns-api did not listen within 20 s:\n" . slurp($log));
}

sub slurp {
    my ($f) = @_;
    open(my $h, '<', $f) or return '';
    local $/;
    return <$h>;
}

# pdns-api writes a lookup's audit row once the last byte is sent: wait
# until its sessions have been idle for a while before the page goes on.
my $SETTLE = q{DO $settle$ DECLARE quiet int := 0; BEGIN FOR i IN 1 .. 1000 LOOP }
    . q{PERFORM pg_catalog.pg_stat_clear_snapshot(); }
    . q{IF EXISTS (SELECT FROM pg_catalog.pg_stat_activity WHERE datname = current_database() }
    . q{AND application_name = 'pdns-api' AND state <> 'idle') THEN quiet := 0; }
    . q{ELSE quiet := quiet + 1; EXIT WHEN quiet >= 4; END IF; }
    . q{PERFORM pg_catalog.pg_sleep(0.02); END LOOP; END $settle$;} . "\n";

for my $page (@ARGV) {
    open(my $fh, '<', $page) or die "$page: $!";
    my @lines = <$fh>;
    close $fh;

    # Collect [kind, body, expected-or-undef] examples, and the marker.
    my @pairs;
    my ($in, $kind, @buf) = (0, '', ());
    my $api;    # the marker's settings, if there is one
    for my $line (@lines) {
        if (!$in && $line =~ /^<!--\s*check-docs:\s*pdns-api\b(.*?)-->\s*$/) {
            $api = [map { my ($n, $v) = split(/=/, $_, 2); "$n = $v" } split(' ', $1)];
        } elsif (!$in && $line =~ /^```(sql|console|text)\s*$/) {
            ($in, $kind, @buf) = (1, $1, ());
        } elsif ($in && $line =~ /^```\s*$/) {
            $in = 0;
            my $body = join('', @buf);
            if ($kind ne 'text') {
                push @pairs, [$kind, $body, undef];
            } elsif (@pairs && !defined $pairs[-1][2]) {
                $pairs[-1][2] = $body;
            }
        } elsif ($in) {
            push @buf, $line;
        }
    }
    next unless @pairs;

    (my $db = "pdns_docs_" . $page) =~ s/[^A-Za-z0-9_]/_/g;
    system("dropdb --if-exists --force $db 2>/dev/null") == 0 or die "dropdb $db failed";
    system('createdb', $db) == 0 or die "createdb $db failed";
    my $dir = tempdir("check-docs.XXXXXX", TMPDIR => 1, CLEANUP => 1);

    local %ENV = %ENV;
    my $script = "\\set ON_ERROR_STOP 0\n";
    if ($api) {
        my ($url, $why) = start_daemon($db, $dir, $api);
        if (!$url) {
            print "docs: $page: $why\n";
            printf "docs: %s: %d examples, FAILED\n", $page, scalar(@pairs);
            $failed = 1;
            system('dropdb', $db);
            next;
        }
        $ENV{PDNS_API} = $ENV{DNSDB_SERVER} = $url;
        $ENV{PDNS_API_CONF} = "$dir/pdns-api.conf";
        $ENV{PATH} = bindir() . ":$ENV{PATH}";
    } else {
        $script .= "CREATE EXTENSION pdns CASCADE;\n";
    }
    $script .= "\\echo ==== 0\n";
    my $ncmd = 0;
    for my $i (0 .. $#pairs) {
        my ($k, $body) = @{$pairs[$i]};
        if ($k eq 'sql') {
            $script .= $body;
        } else {
            # "$ " starts a command, "> " continues it
            my @cmds;
            for my $l (split(/^/m, $body)) {
                if ($l =~ /^\$ (.*\n?)/s) {
                    push @cmds, $1;
                } elsif (@cmds && $l =~ /^>(?: |$)(.*\n?)/s) {
                    $cmds[-1] .= $1;
                } else {
                    die "$page: a console block's lines start with \"\$ \" or \"> \": $l";
                }
            }
            for my $cmd (@cmds) {
                my $f = sprintf("%s/cmd-%03d.sh", $dir, ++$ncmd);
                open(my $o, '>', $f) or die "$f: $!";
                print $o $cmd;
                close $o;
                $script .= "\\! cd '$dir' && sh '$f' 2>&1\n";
                $script .= $SETTLE if $api;
            }
        }
        $script .= sprintf("\n\\echo ==== %d\n", $i + 1);
    }
    my $tmp = "$dir/page.sql";
    open(my $out, '>', $tmp) or die $!;
    print $out $script;
    close $out;
    my $output = `psql -X -q -d $db -f $tmp 2>&1`;
    my $daemon_log = $api ? slurp("$dir/pdns-api.log") : '';
    stop_daemon() if $api;
    system('dropdb', $db);

    # Split psql's output at the markers; strip psql's file:line prefixes.
    $output =~ s/^psql:[^:]+:\d+: //mg;
    my @parts = split(/^==== \d+\n/m, $output, -1);
    shift @parts;    # before marker 0: the CREATE EXTENSION
    my $page_failed = 0;
    for my $i (0 .. $#pairs) {
        next unless defined $pairs[$i][2];
        $blocks_total++;
        my $got = $parts[$i] // '';
        my $want = $pairs[$i][2];
        if ($got ne $want) {
            $page_failed = 1;
            print "docs: $page: example ", $i + 1, " differs\n--- expected\n$want--- got\n$got";
        }
    }
    if ($page_failed && $api) {
        print "docs: $page: pdns-api's log:\n$daemon_log";
    }
    if ($update) {
        # Rebuild the page: every sql or console block is followed by a
        # text block holding its output (blocks with no output get none).
        my ($n, $in2, $skip) = (0, 0, 0);
        my @new;
        for my $line (@lines) {
            if (!$in2 && $line =~ /^```(sql|console|text)\s*$/) {
                $in2 = $1;
                if ($in2 eq 'text') { $skip = 1; next; }
                push @new, $line;
                next;
            }
            if ($in2 && $line =~ /^```\s*$/) {
                my $was = $in2;
                $in2 = 0;
                if ($skip) { $skip = 0; next; }
                push @new, $line;
                if ($was ne 'text') {
                    my $got = $parts[$n++] // '';
                    push @new, "```text\n", $got, "```\n" if $got ne '';
                }
                next;
            }
            next if $skip;
            push @new, $line;
        }
        # drop blank-line runs left where an old text block was removed
        my $text = join('', @new);
        $text =~ s/```\n\n+```text/```\n```text/g;
        open(my $w, '>', $page) or die $!;
        print $w $text;
        close $w;
        $page_failed = 0;
    }
    printf "docs: %s: %d examples, %s\n", $page, scalar(@pairs), $page_failed ? "FAILED" : "ok";
    $failed ||= $page_failed;
}
exit($failed ? 1 : 0);
