#!/usr/bin/perl
# check-docs.pl: run the examples in docs/*.md and compare their output.
#
# In a page, every ```sql fenced block is run, in order, in one psql session
# against a fresh database where pdns is installed; the ```text block that
# follows it (if any) must equal what psql printed.  Pages are independent.
# Prints one line per page and exits non-zero on any difference.
# With --update, rewrites each page's text blocks with the actual output
# (for the author, who then reads the diff).
use strict;
use warnings;

my $update = 0;
if (@ARGV && $ARGV[0] eq '--update') {
    $update = 1;
    shift @ARGV;
}
my $failed = 0;
my $blocks_total = 0;

for my $page (@ARGV) {
    open(my $fh, '<', $page) or die "$page: $!";
    my @lines = <$fh>;
    close $fh;

    # Collect (sql, expected-or-undef) pairs.
    my @pairs;
    my ($in, $kind, @buf) = (0, '', ());
    for my $line (@lines) {
        if (!$in && $line =~ /^```(sql|text)\s*$/) {
            ($in, $kind, @buf) = (1, $1, ());
        } elsif ($in && $line =~ /^```\s*$/) {
            $in = 0;
            my $body = join('', @buf);
            if ($kind eq 'sql') {
                push @pairs, [$body, undef];
            } elsif (@pairs && !defined $pairs[-1][1]) {
                $pairs[-1][1] = $body;
            }
        } elsif ($in) {
            push @buf, $line;
        }
    }
    next unless @pairs;

    (my $db = "pdns_docs_" . $page) =~ s/[^A-Za-z0-9_]/_/g;
    system("dropdb --if-exists $db 2>/dev/null") == 0 or die "dropdb $db failed";
    system('createdb', $db) == 0 or die "createdb $db failed";

    my $script = "\\set ON_ERROR_STOP 0\nCREATE EXTENSION pdns CASCADE;\n\\echo ==== 0\n";
    for my $i (0 .. $#pairs) {
        $script .= $pairs[$i][0];
        $script .= sprintf("\n\\echo ==== %d\n", $i + 1);
    }
    my $tmp = "/tmp/check-docs.$$.sql";
    open(my $out, '>', $tmp) or die $!;
    print $out $script;
    close $out;
    my $output = `psql -X -q -d $db -f $tmp 2>&1`;
    unlink $tmp;
    system('dropdb', $db);

    # Split psql's output at the markers; strip psql's file:line prefixes.
    $output =~ s/^psql:[^:]+:\d+: //mg;
    my @parts = split(/^==== \d+\n/m, $output, -1);
    shift @parts;    # before marker 0: the CREATE EXTENSION
    my $page_failed = 0;
    for my $i (0 .. $#pairs) {
        next unless defined $pairs[$i][1];
        $blocks_total++;
        my $got = $parts[$i] // '';
        my $want = $pairs[$i][1];
        if ($got ne $want) {
            $page_failed = 1;
            print "docs: $page: example ", $i + 1, " differs\n--- expected\n$want--- got\n$got";
        }
    }
    if ($update) {
        # Rebuild the page: every sql block is followed by a text block
        # holding its output (blocks with no output get none).
        my ($n, $in2, $skip) = (0, 0, 0);
        my @new;
        my $pending;    # output to insert after the current sql block
        for my $line (@lines) {
            if (!$in2 && $line =~ /^```(sql|text)\s*$/) {
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
                if ($was eq 'sql') {
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
