#!/usr/bin/perl
# crosscheck-tshark.pl: compare pdns-capture's messages with tshark's, file
# by file, for the people who maintain test/capture/expected.txt.  Not part
# of the test suite (the suite must not need tshark); run it by hand after
# changing the decoders:
#
#     test/capture/crosscheck-tshark.pl [FILE...]   (default: every corpus capture)
#
# For each capture it prints the messages both tools see, as multisets of
# (transport, DNS id, flags), and what only one of them sees.  tshark's view
# differs by design in known places (see the comments in run.sh): it does
# not resynchronise a TCP stream after a hole, and it dissects what it can
# of a packet cut short, where pdns-capture rejects the message.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Find;

my $root = dirname(__FILE__) . '/../..';
my $bin = "$root/src/bin/pdns-capture";
my $corpora = $ENV{PDNS_CORPORA} || "$root/test/corpora";
my @files = @ARGV;
if (!@files) {
    find(sub { push @files, $File::Find::name if /\.pcap$/ }, "$corpora/pcap");
    @files = sort @files;
}

for my $f (@files) {
    my (%ours, %theirs);
    open(my $in, '-|', $bin, '--sensor', 'x', $f) or die "$bin: $!";
    while (<$in>) {
        next if /^REJECT\t/;
        my @c = split /\t/;
        my ($id, $flags) = $c[7] =~ /^\\\\x(....)(....)/ or next;
        $ours{"$c[6] " . hex($id) . " " . hex($flags)}++;
    }
    close $in;
    open(my $ts, '-|', 'tshark', '-r', $f, '-Y', 'dns', '-T', 'fields', '-E', 'occurrence=a',
         '-E', 'aggregator=,', '-e', 'udp.srcport', '-e', 'dns.id', '-e', 'dns.flags')
        or die "tshark: $!";
    while (<$ts>) {
        chomp;
        my ($udp, $ids, $flags) = split /\t/;
        next unless defined $flags;
        my @i = split /,/, $ids;
        my @fl = split /,/, $flags;
        for my $k (0 .. $#i) {
            $theirs{(length $udp ? 'udp' : 'tcp') . " " . hex($i[$k]) . " " . hex($fl[$k])}++;
        }
    }
    close $ts;
    my ($both, @only_ours, @only_theirs) = (0);
    for my $k (sort keys %{{ %ours, %theirs }}) {
        my ($a, $b) = ($ours{$k} || 0, $theirs{$k} || 0);
        $both += $a < $b ? $a : $b;
        push @only_ours, "$k x" . ($a - $b) if $a > $b;
        push @only_theirs, "$k x" . ($b - $a) if $b > $a;
    }
    (my $name = $f) =~ s{^\Q$corpora\E/pcap/}{};
    printf "%-55s both=%d", $name, $both;
    print "  only pdns-capture: @only_ours" if @only_ours;
    print "  only tshark: @only_theirs" if @only_theirs;
    print "\n";
}
