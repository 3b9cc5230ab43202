# ALTER EXTENSION pdns UPDATE from every released version: a store made by
# an old version, populated, and updated must be the store the current
# version makes (every member object of the extension defined alike), keep
# its rows, answer its lookups as before (beyond what the update means to
# change), and take new batches.  updates/ keeps the first release's
# install script and the update scripts (see the Makefile): an older
# release is installed as PostgreSQL installs any version without a script
# of its own, by the base and the updates up to it.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;

use PdnsTap;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $dir = PostgreSQL::Test::Utils::tempdir;
my $node = pdns_cluster('update');

my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'pdns'");
my @released = split /\n/, $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'pdns' "
	  . "AND version <> '$current' ORDER BY string_to_array(version, '.')::int[]");
ok(@released >= 1, "released versions to update from: @released (current $current)");

# Every member object of pdns with what defines it, one block per object,
# in a stable order.  Two databases with the same text have the same
# functions (bodies, settings, privileges), tables (columns, defaults,
# constraints, indexes, triggers, storage options), views, types,
# operators, operator classes and families, casts and comments.
my $members_sql = q{
WITH m AS (
	SELECT d.classid, d.objid
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = :'extension'
), described AS (
	SELECT pg_describe_object(m.classid, m.objid, 0) AS object,
	CASE m.classid
	WHEN 'pg_proc'::regclass THEN (
		SELECT CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid)
		            ELSE format('aggregate (%s) %s', pg_get_function_arguments(p.oid),
		                        (SELECT format('kind %s transition %s %s final %s combine %s sort %s', a.aggkind,
		                                       a.aggtransfn, a.aggtranstype::regtype, a.aggfinalfn,
		                                       a.aggcombinefn, a.aggsortop::regoperator)
		                                FROM pg_aggregate a WHERE a.aggfnoid = p.oid)) END
		       || format(' acl %s', p.proacl)
		FROM pg_proc p WHERE p.oid = m.objid)
	WHEN 'pg_class'::regclass THEN (
		SELECT format('kind %s options %s acl %s', c.relkind, c.reloptions, c.relacl)
		       || E'\ncolumns ' || coalesce((
		          SELECT string_agg(format('%s %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
		                                   CASE WHEN a.attnotnull THEN ' not null' END,
		                                   ' default ' || pg_get_expr(ad.adbin, ad.adrelid)),
		                            ', ' ORDER BY a.attnum)
		          FROM pg_attribute a
		          LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
		       || coalesce(E'\nview ' || CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, '')
		       || coalesce(E'\npartitioned by ' || CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, '')
		       || coalesce((SELECT string_agg(E'\nindex ' || regexp_replace(pg_get_indexdef(x.indexrelid), ' ON .*? USING', ' USING')
		                                      || coalesce(' with ' || array_to_string(i.reloptions, ','), ''),
		                                      '' ORDER BY i.relname)
		                    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid), '')
		       || coalesce((SELECT string_agg(E'\nconstraint ' || k.conname || ' ' || pg_get_constraintdef(k.oid), '' ORDER BY k.conname)
		                    FROM pg_constraint k WHERE k.conrelid = c.oid), '')
		       || coalesce((SELECT string_agg(E'\ntrigger ' || pg_get_triggerdef(t.oid), '' ORDER BY t.tgname)
		                    FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '')
		       || coalesce((SELECT string_agg(format(E'\ncomment on column %s: %s', d.objsubid, d.description), '' ORDER BY d.objsubid)
		                    FROM pg_description d WHERE d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
		                    AND d.objsubid > 0), '')
		FROM pg_class c WHERE c.oid = m.objid)
	WHEN 'pg_type'::regclass THEN (
		SELECT format('type %s input %s output %s receive %s send %s length %s align %s storage %s collatable %s',
		              t.typtype, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typlen, t.typalign,
		              t.typstorage, t.typcollation <> 0)
		       || coalesce(E'\nattributes ' || (
		          SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
		          FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0), '')
		FROM pg_type t WHERE t.oid = m.objid)
	WHEN 'pg_operator'::regclass THEN (
		SELECT format('code %s restrict %s join %s commutator %s negator %s hashes %s merges %s',
		              o.oprcode, o.oprrest, o.oprjoin, o.oprcom::regoperator, o.oprnegate::regoperator,
		              o.oprcanhash, o.oprcanmerge)
		FROM pg_operator o WHERE o.oid = m.objid)
	WHEN 'pg_opclass'::regclass THEN (
		SELECT format('default %s family %s key type %s', c.opcdefault,
		              pg_describe_object('pg_opfamily'::regclass, c.opcfamily, 0), c.opckeytype::regtype)
		FROM pg_opclass c WHERE c.oid = m.objid)
	WHEN 'pg_opfamily'::regclass THEN
		coalesce((SELECT string_agg(E'\n' || pg_describe_object('pg_amop'::regclass, a.oid, 0)
		                            || ' purpose ' || a.amoppurpose::text, '' ORDER BY a.amopstrategy, a.amoplefttype, a.amoprighttype)
		          FROM pg_amop a WHERE a.amopfamily = m.objid), '')
		|| coalesce((SELECT string_agg(E'\n' || pg_describe_object('pg_amproc'::regclass, p.oid, 0), '' ORDER BY p.amprocnum, p.amproclefttype, p.amprocrighttype)
		             FROM pg_amproc p WHERE p.amprocfamily = m.objid), '')
	WHEN 'pg_cast'::regclass THEN (
		SELECT format('function %s context %s method %s', c.castfunc::regprocedure, c.castcontext, c.castmethod)
		FROM pg_cast c WHERE c.oid = m.objid)
	END AS definition,
	(SELECT d.description FROM pg_description d
	 WHERE d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0) AS comment
	FROM m
)
SELECT string_agg(format(E'== %s\n%s\ncomment %s', object, definition, comment), E'\n' ORDER BY object COLLATE "C")
FROM described
UNION ALL
-- (the tables dumped with their conditions, in name order: the order they
-- were marked in means nothing to pg_dump)
SELECT format('extension: schema %s relocatable %s tables dumped %s; schema acl %s',
              e.extnamespace::regnamespace, e.extrelocatable,
              (SELECT array_agg(c::regclass::text || coalesce(' where ' || nullif(e.extcondition[n], ''), '')
                                ORDER BY c::regclass::text COLLATE "C")
               FROM unnest(e.extconfig) WITH ORDINALITY u(c, n)),
              (SELECT nspacl FROM pg_namespace WHERE oid = e.extnamespace))
FROM pg_extension e WHERE e.extname = :'extension'
};

sub members
{
	my ($db, $extension) = @_;
	return $node->safe_psql($db, $members_sql, extra_params => [ '-v', 'extension=' . ($extension // 'pdns') ]);
}

# The lines of $got and $want that the other lacks, a few of each.
sub show_difference
{
	my ($got, $want) = @_;
	my %g = map { $_ => 1 } split /\n/, $got;
	my %w = map { $_ => 1 } split /\n/, $want;
	my @only_got = grep { !$w{$_} } split /\n/, $got;
	my @only_want = grep { !$g{$_} } split /\n/, $want;
	diag("only after the update: $_") for grep { defined } @only_got[ 0 .. 9 ];
	diag("only in a new install: $_") for grep { defined } @only_want[ 0 .. 9 ];
	return;
}

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
# The install script sets its own search_path; the caller's session keeps
# the one it had (a leaked "pdns, public" would resolve the caller's
# unqualified names in pdns first), inside a transaction block as well.
is($node->safe_psql('fresh', 'SET client_min_messages = warning; CREATE EXTENSION pdns CASCADE; '
		. 'SHOW search_path'),
	'"$user", public', 'CREATE EXTENSION leaves the session\'s search_path as it was');
is($node->safe_psql('fresh', 'BEGIN; SET client_min_messages = warning; DROP EXTENSION pdns; '
		. 'CREATE EXTENSION pdns; SHOW search_path; ROLLBACK'),
	'"$user", public', '... also in a transaction block');
my $want = members('fresh');
like($want, qr/== function pdns\.lookup_rdata_ip\(/, 'the description of members covers functions');
like($want, qr/\nindex CREATE UNIQUE INDEX rdata_addresses_pkey USING btree \(address, rrset_key\)/, '... and the indexes of tables');

my %lookups = (
	rrset => "SELECT * FROM pdns.lookup_rrset('*.z7.update.example')",
	rdata_ip => "SELECT * FROM pdns.lookup_rdata_ip('198.51.7.0/24')",
	rdata_ip_page => "SELECT * FROM pdns.lookup_rdata_ip('198.51.0.0/16', max_results => 5, "
	  . "after_cursor => (SELECT cursor FROM pdns.lookup_rdata_ip('198.51.0.0/16', max_results => 5) "
	  . "OFFSET 4))",
	rdata_name => "SELECT * FROM pdns.lookup_rdata_name('*.z8.update.example', 'NS')",
	name_volume => "SELECT * FROM pdns.name_volume WHERE rrname <<= 'z7.update.example' "
	  . "ORDER BY rrname, rrtype, period");
sub answers
{
	my ($db) = @_;
	return {
		map {
			$_ => $node->safe_psql($db,
				"SET search_path = pdns, public; SET timezone = 'UTC'; SET datestyle = 'ISO'; $lookups{$_}")
		} keys %lookups
	};
}

# version_before(A, B): release A is older than release B ("0.7" < "0.10").
sub version_before
{
	my ($x, $y) = @_;
	my @x = split /\./, $x;
	my @y = split /\./, $y;
	return ($x[0] <=> $y[0] || $x[1] <=> $y[1]) < 0;
}

my $seed = 0;
for my $from (@released)
{
	(my $db = "from_$from") =~ s/\W/_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db,
		"SET client_min_messages = warning; CREATE EXTENSION pdns VERSION '$from' CASCADE");
	my $model = model_new();
	for my $tag ('before_a', 'before_b')
	{
		my $batch = make_batch(tag => "$db-$tag", lines => 3000, seed => ++$seed, dir => $dir,
			zone => 'update.example', names => 2000);
		$node->safe_psql($db, copy_command($batch->{file}));
		model_add($model, $batch);
	}
	store_is_model($node, $db, $model, "$from: the store holds its batches");
	my $before = answers($db);

	is($node->safe_psql($db, 'ALTER EXTENSION pdns UPDATE; SHOW search_path'), '"$user", public',
		"$from: the update leaves the session's search_path as it was");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'pdns'"),
		$current, "$from: updated to $current");
	my $got = members($db);
	ok($got eq $want, "$from: after the update every member object is as a new install makes it")
	  or show_difference($got, $want);

	# partitions made before the update are stored as new ones will be
	is($node->safe_psql($db, q{
		SELECT string_agg(c.relname || ': ' || coalesce(array_to_string(c.reloptions, ','), 'none'), '; ')
		FROM pdns.partitioned_tables() p
		JOIN pg_class pc ON pc.oid = p
		JOIN pg_class t ON t.relname = '_template_' || pc.relname AND t.relnamespace = pc.relnamespace
		JOIN pg_inherits i ON i.inhparent = p
		JOIN pg_class c ON c.oid = i.inhrelid
		WHERE c.reloptions IS DISTINCT FROM t.reloptions}), '',
		"$from: every partition has its template's storage options");
	# (the update to 0.8 queued the clients seen so far as a run, for
	# their distinct-client counts: docs/ingest.md; a store of 0.8 or
	# later has its counts already)
	if (version_before($from, '0.8'))
	{
		ok($node->safe_psql($db, q{SELECT count(*) FROM pg_inherits
			WHERE inhparent = 'pdns.client_observations'::regclass}) > 0,
			"$from: (there are client partitions made before the update)");
		like($node->safe_psql($db, 'SELECT pending_runs || \' \' || pending_rows FROM pdns.ingest_status'),
			qr/^1 [1-9]\d*$/, "$from: the clients seen before the update wait in one run");
	}
	else
	{
		is($node->safe_psql($db, 'SELECT pending_runs FROM pdns.ingest_status'), '0',
			"$from: nothing waits for compaction after the update");
	}
	$node->safe_psql($db, 'CALL pdns.compact()');
	store_is_model($node, $db, $model, "$from: the update kept every row");
	is_deeply(answers($db), $before, "$from: the lookups answer as before the update");
	# (rrset_sensors, made by the update to 0.8 from the history)
	sensors_sum_up($node, $db, "$from: the sensors of each RRset sum to its all-time aggregate");

	my $batch = make_batch(tag => "$db-after", lines => 3000, seed => ++$seed, dir => $dir,
		zone => 'update.example', names => 2000);
	$node->safe_psql($db, copy_command($batch->{file}));
	model_add($model, $batch);
	store_is_model($node, $db, $model, "$from: a batch after the update lands in the store");
	sensors_sum_up($node, $db, "$from: a batch later, the sensors still sum up");
	# (negative_domains, made by the update to 0.9 from the negative answers
	# stored, then kept by compaction)
	is($node->safe_psql($db, q{
		SELECT count(*) FILTER (WHERE r.count IS DISTINCT FROM x.count) || ' of ' || count(*)
		FROM pdns.negative_domains r
		FULL JOIN (SELECT coalesce(pdns.registered_domain(rrname), rrname) AS domain, rcode, period,
		                  sensor_id, sum(count) AS count
		           FROM pdns.negative_observations GROUP BY 1, 2, 3, 4) x
		  USING (domain, rcode, period, sensor_id)}) =~ s/^0 of [1-9]\d*$/ok/r, 'ok',
		"$from: the negative answers per registered domain add up");
	# (first_sightings, made by the update to 0.9 from rrset_sensors, then
	# kept by compaction)
	is($node->safe_psql($db, q{
		WITH sightings AS (
			SELECT r.rrname AS name, coalesce(pdns.registered_domain(r.rrname), r.rrname) AS domain,
			       s.sensor_id, s.time_first
			FROM pdns.rrset_sensors s JOIN pdns.rrsets r ON r.key = s.rrset_key),
		expected AS (
			SELECT name AS subject, false AS is_domain, sensor_id, min(time_first) AS first_seen
			FROM sightings GROUP BY 1, 2, 3
			UNION ALL SELECT name, false, NULL, min(time_first) FROM sightings GROUP BY 1
			UNION ALL SELECT domain, true, sensor_id, min(time_first) FROM sightings GROUP BY 1, 2, 3
			UNION ALL SELECT domain, true, NULL, min(time_first) FROM sightings GROUP BY 1)
		SELECT count(*) FILTER (WHERE f.first_seen IS DISTINCT FROM e.first_seen) || ' of ' || count(*)
		FROM pdns.first_sightings f FULL JOIN expected e
		  ON e.subject OPERATOR(public.=) f.subject AND e.is_domain = f.is_domain
		 AND e.sensor_id IS NOT DISTINCT FROM f.sensor_id}) =~ s/^0 of [1-9]\d*$/ok/r, 'ok',
		"$from: every name and domain has its first sighting");
	# (the search tables and the rollups, made by the update to 0.10 from
	# the store, then kept by compaction)
	is($node->safe_psql($db, q{
		SELECT (SELECT count(*) FROM pdns.searchable_names) = (SELECT count(DISTINCT rrname) FROM pdns.rrsets)
		   AND (SELECT count(*) FROM pdns.searchable_rdata)
		     = (SELECT count(*) FROM (SELECT DISTINCT h, r.rrtype FROM pdns.rrsets r, unnest(pdns.element_hashes(r.rdata)) h
		                              WHERE r.rrtype::integer <> ALL (pdns.dnssec_rrtypes()::integer[])) x)}), 't',
		"$from: the search tables hold every name and rdata value");
	is($node->safe_psql($db, q{
		SELECT count(*) FILTER (WHERE r.observations IS DISTINCT FROM x.observations
		                           OR r.new_names IS DISTINCT FROM x.new_names) || ' of ' || count(*)
		FROM pdns.domain_rollups r
		FULL JOIN (SELECT o.period, coalesce(pdns.registered_domain(s.rrname), s.rrname) AS domain,
		                  sum(o.count) AS observations,
		                  count(DISTINCT s.rrname) FILTER (WHERE o.period = (
		                      SELECT min(o2.period) FROM pdns.observations o2 JOIN pdns.rrsets s2 ON s2.key = o2.rrset_key
		                      WHERE s2.rrname OPERATOR(public.=) s.rrname)) AS new_names
		           FROM pdns.observations o JOIN pdns.rrsets s ON s.key = o.rrset_key GROUP BY 1, 2) x
		  USING (period, domain)
		WHERE r.observations > 0 OR x.observations IS NOT NULL}) =~ s/^0 of [1-9]\d*$/ok/r, 'ok',
		"$from: the rollups' observations and new names per period and domain add up");
}

# pdns_cluster (docs/scale-out.md): a coordinator of every released version
# with a shard (a database of this server), updated, must be the
# coordinator the current version makes with that shard, and answer its
# lookups as before; the views it gains read the shard.
my $cluster_current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'pdns_cluster'");
my @cluster_released = split /\n/, $node->safe_psql('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'pdns_cluster' "
	  . "AND version <> '$cluster_current' ORDER BY string_to_array(version, '.')::int[]");
ok(@cluster_released >= 1, "pdns_cluster: released versions to update from: @cluster_released");
$node->safe_psql('postgres', 'CREATE DATABASE shard');
$node->safe_psql('shard', 'SET client_min_messages = warning; CREATE EXTENSION pdns CASCADE');
$node->safe_psql('shard', copy_command(make_batch(tag => 'shard', lines => 3000, seed => ++$seed, dir => $dir,
	zone => 'update.example', names => 2000)->{file}));
sub coordinator
{
	my ($db, $version) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'SET client_min_messages = warning; CREATE EXTENSION pdns_cluster '
		  . ($version ? "VERSION '$version' " : '') . 'CASCADE');
	# (each coordinator has its own server for the shard; the shard keeps one name)
	$node->safe_psql($db, sprintf("SELECT pdns_cluster.add_shard('s0', '%s', %d, 'shard')", $node->host, $node->port));
	return;
}
coordinator('coordinator_fresh');
my $cluster_want = members('coordinator_fresh', 'pdns_cluster');
like($cluster_want, qr/== view pdns_cluster\.rrset_history\n.*\nview  SELECT rrset_history_s0\.rrname/s,
	'pdns_cluster: a new install\'s views read the shard added');
for my $from (@cluster_released)
{
	(my $db = "coordinator_from_$from") =~ s/\W/_/g;
	coordinator($db, $from);
	my @calls = (q{lookup_rrset('*.z7.update.example')}, q{lookup_rrset('h7.z7.update.example')},
		q{lookup_rdata_ip('198.51.7.0/24')}, q{lookup_rdata_name('*.z8.update.example', 'NS')});
	my $ask = sub { join "\n", map { $node->safe_psql($db, "SELECT * FROM pdns_cluster.$_") } @calls };
	my $before = $ask->();
	like($before, qr/h7\.z7\.update\.example/, "pdns_cluster $from: (the lookups find rows)");
	$node->safe_psql($db, 'ALTER EXTENSION pdns_cluster UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'pdns_cluster'"),
		$cluster_current, "pdns_cluster $from: updated to $cluster_current");
	my $got = members($db, 'pdns_cluster');
	ok($got eq $cluster_want, "pdns_cluster $from: after the update every member object is as a new install makes it")
	  or show_difference($got, $cluster_want);
	is($ask->(), $before, "pdns_cluster $from: the lookups answer as before the update");
	is($node->safe_psql($db, 'SELECT count(*) FROM pdns_cluster.rrset_history'),
		$node->safe_psql('shard', 'SELECT count(*) FROM pdns.rrset_history'),
		"pdns_cluster $from: the views read the shard added before the update");
}

done_testing();
