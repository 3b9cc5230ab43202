# PdnsTap.pm: what the pdns TAP tests share.
#
#  - pdns_cluster(), pdns_node(): a cluster of its own
#    (PostgreSQL::Test::Cluster: free port, private socket directory),
#    configured for pdns, with pdns installed in database "pdns" or not;
#  - make_batch(): a file of native lines with names, sensors and keys that
#    overlap between batches, a few negative answers and a few bad lines,
#    and the observations it holds, parsed by this module (not by pdns);
#  - model_add() / model_state(): what the store must hold after a set of
#    batches, computed here in Perl from the generated input;
#  - store_state(): the same figures read from a database; store_is_model()
#    compares them and shows the first lines that differ;
#  - copy_command(): the documented raw-line COPY, as a psql \copy.
package PdnsTap;

use strict;
use warnings;

use Digest::MD5 qw(md5_hex);
use Exporter 'import';
use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(pdns_cluster pdns_node make_batch model_new model_add model_state sensors_sum_up
  store_state store_is_model copy_command pdns_api_binary kill_server_processes $PSEUDONYMIZATION_KEY);

# The Crypto-PAn sample key (public: tests only).
our $PSEUDONYMIZATION_KEY =
  '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';

# A started cluster whose configuration has the pseudonymization key, with
# pdns preloaded, as docs/privacy.md says it belongs, and the settings in
# %conf.  (003_parallel_key.pl covers session_preload_libraries.)
sub pdns_cluster
{
	my ($name, %conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf',
		"shared_preload_libraries = 'pdns'\n"
		  . "pdns.pseudonymization_key = '$PSEUDONYMIZATION_KEY'\n"
		  . "log_statement = 'ddl'\n"
		  . join('', map { "$_ = $conf{$_}\n" } sort keys %conf));
	$node->start;
	return $node;
}

# A started cluster (pdns_cluster) with pdns installed in database "pdns".
sub pdns_node
{
	my $node = pdns_cluster(@_);
	$node->safe_psql('postgres', 'CREATE DATABASE pdns');
	$node->safe_psql('pdns',
		'SET client_min_messages = warning; CREATE EXTENSION pdns CASCADE');
	return $node;
}

# SIGKILL a node's postmaster and every server process at once, as a power
# cut or an OOM kill of the service would: no backend outlives the
# postmaster to finish its statement.  Returns once they are all gone.
sub kill_server_processes
{
	my ($node) = @_;
	my $postmaster = (split /\n/, slurp_file($node->data_dir . '/postmaster.pid'))[0];
	my @pids = ($postmaster);
	opendir(my $proc, '/proc') or die "/proc: $!";
	for my $pid (grep { /^\d+$/ } readdir $proc)
	{
		open(my $fh, '<', "/proc/$pid/stat") or next;
		my $stat = <$fh>;
		close $fh;
		push @pids, $pid if $stat && $stat =~ /\) \S+ (\d+) / && $1 == $postmaster;
	}
	closedir $proc;
	$node->kill9;
	kill 'KILL', @pids;
	my $deadline = time + 60;
	while (grep { -e "/proc/$_" } @pids)
	{
		die "server processes still there after SIGKILL" if time > $deadline;
		select(undef, undef, undef, 0.01);
	}
	return;
}

# The pdns-api to test: $PDNS_API_BIN when set (make check-api-asan runs
# the API's tests against a build under AddressSanitizer), else the one
# installed in PostgreSQL's bindir.
sub pdns_api_binary
{
	return $ENV{PDNS_API_BIN} if $ENV{PDNS_API_BIN};
	my $bindir = `pg_config --bindir`;
	chomp $bindir;
	return "$bindir/pdns-api";
}

# psql's \copy of a file of raw lines into a target, with the options that
# keep every line whole and every octet exact (docs/sensors.md).
sub copy_command
{
	my ($file, $target) = @_;
	$target //= 'pdns.ingest_text';
	return "\\copy $target FROM '$file' WITH (FORMAT csv, DELIMITER E'\\x01', "
	  . "QUOTE E'\\x02', ENCODING 'LATIN1')";
}

# Write a batch of native lines (src/pg/ingest_native.c) to a file.
#
#   tag      name of the batch, in its bad lines (and in its sensors' names
#            when it has sensors of its own)
#   lines    how many lines
#   seed     for rand(): the same arguments make the same batch
#   sensors  sensor names to draw from (default sensor-0 .. sensor-3)
#   names    size of the name space (default 20000): batches drawing from
#            the same space hit the same RRsets, so merges update rows
#   zone     the zone the names live in (default crash.example)
#   base     epoch of the first period (default 2023-11-14 22:13:20 UTC)
#   days     how many days the times spread over (default 3)
#   dir      directory of the file
#
# Every 400th line is garbage (a reject), every 10th a negative answer
# (NXDOMAIN); half the lines have a client address; an owner name is
# sometimes in upper case with a final dot (the store folds it).  Returns
# { tag, file, size (octets), lines, obs => [...], rejects => [...] }.
sub make_batch
{
	my (%o) = @_;
	my $tag = $o{tag};
	my $sensors = $o{sensors} // [ map { "sensor-$_" } 0 .. 3 ];
	my $names = $o{names} // 20000;
	my $zone = $o{zone} // 'crash.example';
	my $base = $o{base} // 1700000000;
	my $days = $o{days} // 3;
	my $file = "$o{dir}/$tag.tsv";
	my (@obs, @rejects);

	srand($o{seed});
	open(my $fh, '>', $file) or die "$file: $!";
	for my $i (1 .. $o{lines})
	{
		if ($i % 400 == 0)
		{
			my $raw = "garbage of batch $tag, line $i";
			print $fh "$raw\n";
			push @rejects, $raw;
			next;
		}
		my $time = $base + int(rand($days * 86400));
		my $sensor = $sensors->[ int(rand(@$sensors)) ];
		my $client =
		  rand() < 0.5
		  ? sprintf('10.%d.%d.%d', int(rand(4)), int(rand(256)), int(rand(256)))
		  : '';
		my $k = int(rand($names));
		my $count = 1 + $i % 3;
		my ($name, $type, $rdata, @line);
		if ($i % 10 == 0)
		{
			($name, $type) = ("nx$k.$zone", 'A');
			@line = ($time, $sensor, $client, '', $name, $type, 'IN', '', '', '',
				$count, 'NXDOMAIN');
		}
		else
		{
			my $r = int(rand(3));
			$name = sprintf('h%d.z%d.%s', $k, $k % 50, $zone);
			($type, $rdata) =
			    $k % 3 == 0 ? ('AAAA', sprintf('2001:db8::%x', $k * 3 + $r + 1))
			  : $k % 3 == 1 ? ('A', sprintf('198.51.%d.%d', $k % 256, $r))
			  :               ('NS', "ns$r.z" . ($k % 50) . ".$zone.");
			my $written = $i % 7 == 0 ? uc($name) . '.' : $name;
			@line = ($time, $sensor, $client, '192.0.2.53', $written, $type, 'IN',
				300, $rdata, $zone, $count);
		}
		print $fh join("\t", @line), "\n";
		push @obs, [ $time, $sensor, $client, $name, $type, $rdata, $count ];
	}
	close $fh;
	return {
		tag => $tag,
		file => $file,
		size => -s $file,
		lines => $o{lines},
		obs => \@obs,
		rejects => \@rejects
	};
}

sub model_new
{
	return {
		rrsets => {},
		types => {},
		obs => {},
		neg => {},
		clients => {},
		client_counts => {},
		client_addresses => {},
		sensors => {},
		rejects => []
	};
}

# count, first and last sighting of one key
sub _widen
{
	my ($h, $k, $time, $count) = @_;
	my $e = $h->{$k} //= [ 0, $time, $time ];
	$e->[0] += $count;
	$e->[1] = $time if $time < $e->[1];
	$e->[2] = $time if $time > $e->[2];
	return;
}

# What a committed batch adds to the store.
sub model_add
{
	my ($m, $batch) = @_;
	for my $o (@{ $batch->{obs} })
	{
		my ($time, $sensor, $client, $name, $type, $rdata, $count) = @$o;
		my $day = strftime('%Y-%m-%d', gmtime($time));
		if (defined $rdata)
		{
			my $rrset = "$name $type {$rdata}";
			_widen($m->{rrsets}, $rrset, $time, $count);
			_widen($m->{obs}, "$rrset $day $sensor", $time, $count);
			$m->{types}{$rrset} = $type;
		}
		else
		{
			# NXDOMAIN is rcode 3
			_widen($m->{neg}, "$name $type 3 $day $sensor", $time, $count);
		}
		if ($client ne '')
		{
			_widen($m->{clients}, "$client $name $type $day $sensor", $time, $count);
			_widen($m->{client_counts}, "$name $type $day $sensor", $time, $count);
			$m->{client_addresses}{$client} = 1;
		}
		$m->{sensors}{$sensor} = 1;
	}
	push @{ $m->{rejects} }, @{ $batch->{rejects} };
	return;
}

# The lines of a tier of the model: "key count first last".
sub _lines
{
	my ($h) = @_;
	return sort map { "$_ @{ $h->{$_} }" } keys %$h;
}

# rows, sum of counts and a digest of the lines of a tier
sub _tier
{
	my ($h) = @_;
	my $sum = 0;
	$sum += $_->[0] for values %$h;
	return join(' ', scalar(keys %$h), $sum, md5_hex(join("\n", _lines($h))));
}

# The figures store_state() reads, as the model says they must be.
sub model_state
{
	my ($m) = @_;
	my @types = values %{ $m->{types} };
	my ($csum) = (0);
	$csum += $_->[0] for values %{ $m->{clients} };
	return {
		rrsets => _tier($m->{rrsets}),
		observations => _tier($m->{obs}),
		negatives => _tier($m->{neg}),
		clients => join(' ', scalar(keys %{ $m->{client_counts} }), $csum),
		rdata_indexes => join(' ',
			scalar(grep { $_ eq 'A' || $_ eq 'AAAA' } @types),
			scalar(grep { $_ eq 'NS' } @types),
			scalar(@types)),
		rejects => join(' ',
			scalar(@{ $m->{rejects} }),
			md5_hex(join("\n", sort @{ $m->{rejects} }))),
		sensors => join(',', sort keys %{ $m->{sensors} }),
	};
}

# " count first last" of a row of table alias $t
sub _times
{
	my ($t) = @_;
	return "' ' || $t.count || ' ' || extract(epoch FROM $t.time_first)::bigint || ' ' || "
	  . "extract(epoch FROM $t.time_last)::bigint";
}

# Queries of (l, count): the store's lines of the tiers the model keeps
# line by line, in the model's format.  Periods are days in UTC; times are
# whole epoch seconds.
my %line_sql = (
	rrsets => "SELECT r.rrname::text || ' ' || r.rdata::text || "
	  . _times('r')
	  . " AS l, r.count FROM pdns.rrsets r",
	observations => "SELECT r.rrname::text || ' ' || r.rdata::text || ' ' || "
	  . "to_char(o.period, 'YYYY-MM-DD') || ' ' || s.name || "
	  . _times('o')
	  . " AS l, o.count FROM pdns.observations o "
	  . "JOIN pdns.rrsets r ON r.key = o.rrset_key JOIN pdns.sensors s ON s.id = o.sensor_id",
	negatives => "SELECT n.rrname::text || ' ' || n.rrtype::text || ' ' || n.rcode || ' ' || "
	  . "to_char(n.period, 'YYYY-MM-DD') || ' ' || s.name || "
	  . _times('n')
	  . " AS l, n.count FROM pdns.negative_observations n "
	  . "JOIN pdns.sensors s ON s.id = n.sensor_id",
);
my %model_tier = (rrsets => 'rrsets', observations => 'obs', negatives => 'neg');

# The store's figures, in the shape of model_state().
sub store_state
{
	my ($node, $db) = @_;
	my %sql = (
		# distinct-client counts (0.8): a row per name, type, day and
		# sensor asked by some client; before 0.8, the same from the
		# per-client rows
		clients => "SELECT count(*) || ' ' || coalesce(sum(c), 0) FROM ("
		  . "SELECT sum(count) AS c FROM pdns."
		  . ($node->safe_psql($db, "SELECT to_regclass('pdns.client_counts') IS NOT NULL") eq 't'
			? 'client_counts' : 'client_observations')
		  . " GROUP BY rrname, rrtype, period, sensor_id) t",
		rdata_indexes => "SELECT (SELECT count(*) FROM pdns.rdata_addresses) || ' ' || "
		  . "(SELECT count(*) FROM pdns.rdata_names) || ' ' || "
		  . "(SELECT count(*) FROM pdns.rdata_elements)",
		rejects => "SELECT count(*) || ' ' || md5(coalesce(string_agg(l, E'\\n' "
		  . "ORDER BY l COLLATE \"C\"), '')) "
		  . "FROM (SELECT encode(raw, 'escape') AS l FROM pdns.rejects) t",
		sensors => "SELECT coalesce(string_agg(name, ',' ORDER BY name COLLATE \"C\"), '') "
		  . "FROM pdns.sensors",
	);
	for my $tier (keys %line_sql)
	{
		$sql{$tier} = "SELECT count(*) || ' ' || coalesce(sum(count), 0) || ' ' || "
		  . "md5(coalesce(string_agg(l, E'\\n' ORDER BY l COLLATE \"C\"), '')) "
		  . "FROM ($line_sql{$tier}) t";
	}
	my %state;
	$state{$_} = $node->safe_psql($db, "SET timezone = 'UTC'; $sql{$_}")
	  for keys %sql;
	return \%state;
}

# Compare the store with the model; on a difference, show the first lines
# that differ in the tiers kept line by line.
sub store_is_model
{
	my ($node, $db, $m, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($got, $want) = (store_state($node, $db), model_state($m));
	my $ok = is_deeply($got, $want, $name);
	return $ok if $ok;
	for my $tier (sort keys %line_sql)
	{
		next if $got->{$tier} eq $want->{$tier};
		my %store = map { $_ => 1 } split /\n/,
		  $node->safe_psql($db, "SET timezone = 'UTC'; SELECT l FROM ($line_sql{$tier}) t");
		my %model = map { $_ => 1 } _lines($m->{ $model_tier{$tier} });
		my @only_store = grep { !$model{$_} } sort keys %store;
		my @only_model = grep { !$store{$_} } sort keys %model;
		diag("$tier, only in the store: $_") for grep { defined } @only_store[ 0 .. 4 ];
		diag("$tier, only in the model: $_") for grep { defined } @only_model[ 0 .. 4 ];
	}
	return $ok;
}

# Each RRset's rows in rrset_sensors sum to its all-time aggregate: count,
# first and last.
sub sensors_sum_up
{
	my ($node, $db, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return is(
		$node->safe_psql(
			$db, q{
SELECT count(*) FROM pdns.rrsets r
LEFT JOIN (SELECT rrset_key, sum(count) AS count, min(time_first) AS first, max(time_last) AS last
           FROM pdns.rrset_sensors GROUP BY rrset_key) s ON s.rrset_key = r.key
WHERE s.count IS DISTINCT FROM r.count OR s.first IS DISTINCT FROM r.time_first
   OR s.last IS DISTINCT FROM r.time_last}),
		'0', $name);
}

1;
