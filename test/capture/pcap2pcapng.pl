#!/usr/bin/perl
# pcap2pcapng.pl: rewrite a classic pcap file (microsecond, little- or
# big-endian) as pcapng, for the capture suite: no corpus file is pcapng, and
# the suite must not need Wireshark's editcap.  Writes one Section Header
# Block, one Interface Description Block (with if_tsresol 6) and an Enhanced
# Packet Block per packet.
#
#   pcap2pcapng.pl IN.pcap > OUT.pcapng
use strict;
use warnings;

open(my $in, '<:raw', $ARGV[0]) or die "$ARGV[0]: $!";
binmode STDOUT;
read($in, my $gh, 24) == 24 or die "short global header";
my $le = unpack('V', $gh) == 0xa1b2c3d4;
my $u32 = $le ? 'V' : 'N';
unpack($u32, $gh) == 0xa1b2c3d4 or die "not a microsecond pcap file";
my (undef, undef, undef, undef, undef, $snaplen, $linktype) = unpack("${u32}vvVVVV", $gh);
($snaplen, $linktype) = unpack('NN', substr($gh, 16, 8)) unless $le;

sub block {
    my ($type, $body) = @_;
    $body .= "\0" x ((4 - length($body) % 4) % 4);
    my $len = length($body) + 12;
    print pack('VV', $type, $len), $body, pack('V', $len);
}

block(0x0A0D0D0A, pack('VvvVV', 0x1A2B3C4D, 1, 0, 0xFFFFFFFF, 0xFFFFFFFF));
block(0x00000001, pack('vvV', $linktype, 0, $snaplen) .
      pack('vvC', 9, 1, 6) . "\0\0\0" . pack('vv', 0, 0));
while (read($in, my $rh, 16) == 16) {
    my ($sec, $usec, $caplen, $len) = unpack("${u32}4", $rh);
    read($in, my $data, $caplen) == $caplen or die "short packet";
    my $ts = $sec * 1000000 + $usec;
    block(0x00000006, pack('VVVVV', 0, int($ts / 4294967296), $ts % 4294967296, $caplen, $len) . $data);
}
