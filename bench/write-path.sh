#!/bin/sh
# write-path.sh: the log-structured write path (issue 15; bench/README.md).
#
#   bench/write-path.sh     SCALE=1: the store benchmark's one-day file,
#                           5.2 million native lines over 550 000 RRsets
#
# In one run, on the same file, against plain COPY into an unindexed table
# of twelve text columns (best of RUNS):
#  - foreground: COPY into pdns.native_in (COPY's default text format)
#    with pdns.compaction = background, until the COPY returns;
#  - compaction: CALL pdns.compact() of that run, and sustained: from the
#    COPY's start until everything is compacted (here the two one after the
#    other: the background workers overlap them);
#  - two concurrent COPYs of the two halves of the file against one COPY
#    of the whole (foreground throughput);
#  - inline: the same COPY compacting its own runs (pdns.compaction =
#    inline, what a server without the workers does by default);
#  - the bro-pdns-style table a user builds without pdns
#    (bench/peer-ingest.sh), in the same run;
#  - bytes of every table of the store against the all-text table.
#  - floors: COPY into a view whose row trigger does nothing, and the
#    compacted store rewritten whole (sorted CREATE TABLE AS + indexes):
#    its seconds against compaction's, its bytes against the all-text table.
# Needs the server named by PG* (a superuser; pdns installed).  Scratch
# databases pdns_bench_write_*, dropped at the end.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202
bg=pdns_bench_write_bg two=pdns_bench_write_two inline=pdns_bench_write_inline

echo "== write-path benchmark: $N observations over $R RRsets"
environment
build_namegen
file=$(observations_file "$N" "$R")
half1=$out/write-half1.tsv half2=$out/write-half2.tsv
head -n $((N / 2)) "$file" > "$half1"
tail -n +$((N / 2 + 1)) "$file" > "$half2"

cleanup() {
	for db in $bg $two $inline; do
		drop_db $db
	done
}
trap cleanup EXIT
for db in $bg $two $inline; do
	fresh_db $db
done
psql -X -q -v ON_ERROR_STOP=1 -d $bg <<'SQL'
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
CREATE TABLE plain_obs (time text, sensor text, client text, server text, rrname text, rrtype text,
	class text, ttl text, rdata text, bailiwick text, count text, rcode text);
SQL

settings="SET pdns.pseudonymization_key = '$key'; SET pdns.compaction = background"
compact_seconds() {
	_t=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "CALL pdns.compact()" > /dev/null
	since "$_t"
}

plain=
for i in $(seq "$RUNS"); do
	psql -X -q -d $bg -c "TRUNCATE plain_obs"
	plain=$(best "$plain" "$(copy_seconds $bg plain_obs "$file")")
done
psql -X -q -d $bg -c "VACUUM ANALYZE plain_obs"
plain_bytes=$(psql -X -qAt -d $bg -c "SELECT pg_total_relation_size('plain_obs')")
echo "plain COPY: $plain s (load average $(load_average))"

fg=$(copy_seconds $bg pdns.native_in "$file" "" "$settings")
echo "pdns foreground COPY: $fg s"
pending=$(psql -X -qAt -d $bg -c "SELECT pending_runs || ' runs, ' || pending_rows || ' rows' FROM pdns.ingest_status")
cs=$(compact_seconds $bg)
echo "pdns compaction ($pending): $cs s (load average $(load_average))"

# two halves at once, against the whole file in one COPY (above)
_t=$(now)
copy_seconds $two pdns.native_in "$half1" "" "$settings" > /dev/null &
p1=$!
copy_seconds $two pdns.native_in "$half2" "" "$settings" > /dev/null &
p2=$!
wait $p1 $p2
halves=$(since "$_t")
echo "two concurrent COPYs of the halves: $halves s"
compact_seconds $two > /dev/null

il=$(copy_seconds $inline pdns.native_in "$file" "" \
	"SET pdns.pseudonymization_key = '$key'; SET pdns.compaction = inline")
echo "pdns inline: $il s"

peer=$(bench/peer-ingest.sh "$file" | awk '$1 == "peer" { print $2 }')
echo "bro-pdns-style peer: $peer s"

psql -X -q -d $bg -c "VACUUM ANALYZE" > /dev/null
store_bytes=$(psql -X -qAt -d $bg -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
	WHERE c.relkind = 'r' AND c.relnamespace = 'pdns'::regnamespace")
tiers=$(psql -X -qAt -d $bg -c "SELECT string_agg(t || ' ' || pg_size_pretty(s), ', ' ORDER BY s DESC)
	FROM (SELECT coalesce(p.inhparent::regclass::text, c.oid::regclass::text) AS t,
	             sum(pg_total_relation_size(c.oid)) AS s
	      FROM pg_class c LEFT JOIN pg_inherits p ON p.inhrelid = c.oid
	      WHERE c.relkind = 'r' AND c.relnamespace = 'pdns'::regnamespace GROUP BY 1) x
	WHERE s > 1048576")
rows=$(psql -X -qAt -d $bg -c "SELECT string_agg(t || ' ' || n, ', ' ORDER BY n DESC)
	FROM (SELECT coalesce(p.inhparent::regclass::text, c.oid::regclass::text) AS t,
	             sum(c.reltuples)::bigint AS n
	      FROM pg_class c LEFT JOIN pg_inherits p ON p.inhrelid = c.oid
	      WHERE c.relkind = 'r' AND c.relnamespace = 'pdns'::regnamespace GROUP BY 1) x
	WHERE n > 1000")

# Floors: what plain PostgreSQL needs for parts of the same work, on the
# same rows.  (1) COPY into a view whose INSTEAD OF row trigger does
# nothing (contrib lo's lo_manage, which passes an INSERT through): the
# cost of any COPY target that hands each row to a trigger.  (2) every
# table of the compacted store rewritten whole, the cheapest way to write
# its rows: CREATE TABLE AS in primary-key order at fillfactor 100, then
# the same indexes; its seconds against compaction's, its bytes against
# the all-text table.
psql -X -q -v ON_ERROR_STOP=1 -d $bg <<'SQL'
CREATE EXTENSION IF NOT EXISTS lo;
CREATE VIEW noop_in AS SELECT * FROM plain_obs WHERE false;
CREATE TRIGGER noop INSTEAD OF INSERT ON noop_in FOR EACH ROW EXECUTE FUNCTION lo_manage('rdata');
SQL
noop=
for i in $(seq "$RUNS"); do
	noop=$(best "$noop" "$(copy_seconds $bg noop_in "$file")")
done
echo "COPY into a view with a trigger that does nothing: $noop s"
_t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $bg <<'SQL'
CREATE SCHEMA rewritten;
DO $$
DECLARE
	t record;
	i record;
BEGIN
	FOR t IN SELECT c.oid, c.relname,
	                (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
	                 FROM pg_index x, unnest(x.indkey) WITH ORDINALITY k(attnum, n), pg_attribute a
	                 WHERE x.indrelid = c.oid AND x.indisprimary
	                   AND a.attrelid = c.oid AND a.attnum = k.attnum) AS pkey
	         FROM pg_class c
	         WHERE c.relkind = 'r' AND c.relnamespace = 'pdns'::regnamespace AND c.reltuples > 0 LOOP
		EXECUTE format('CREATE TABLE rewritten.%I WITH (fillfactor = 100) AS SELECT * FROM pdns.%I%s',
		               t.relname, t.relname, ' ORDER BY ' || t.pkey);
		FOR i IN SELECT pg_get_indexdef(x.indexrelid) AS def FROM pg_index x WHERE x.indrelid = t.oid LOOP
			EXECUTE regexp_replace(i.def, 'INDEX \S+ ON \S+',
			                       format('INDEX ON rewritten.%I', t.relname));
		END LOOP;
	END LOOP;
END
$$;
SQL
rewrite=$(since "$_t")
rewritten_bytes=$(psql -X -qAt -d $bg -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
	WHERE c.relkind = 'r' AND c.relnamespace = 'rewritten'::regnamespace")
echo "the store rewritten whole: $rewrite s"

psql -X -q -v ON_ERROR_STOP=1 -d $bg <<SQL
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('write', 'foreground, until the COPY returns, rows/s', $N / $fg, $N / $plain, 'rows/s', '>= 0.70'),
('write', 'sustained, COPY start to all compacted (serial here), rows/s', $N / ($fg + $cs), $N / $plain, 'rows/s', '>= 0.35'),
('write', 'compaction alone, rows/s', $N / $cs, $N / $plain, 'rows/s', ''),
('write', 'two concurrent COPYs of halves vs one COPY, rows/s', $N / $halves, $N / $fg, 'rows/s', '>= 1.50'),
('write', 'inline (no workers), rows/s', $N / $il, $N / $plain, 'rows/s', ''),
('write', 'sustained vs the bro-pdns-style table, rows/s', $N / ($fg + $cs), $N / $peer, 'rows/s', '>= 3.00'),
('write', 'inline vs the bro-pdns-style table, rows/s', $N / $il, $N / $peer, 'rows/s', ''),
('write', 'bytes, all tables, vs the all-text table', $store_bytes, $plain_bytes, 'bytes', '<= 0.30'),
('floor', 'COPY into a view with a do-nothing row trigger, rows/s', $N / $noop, $N / $plain, 'rows/s', ''),
('floor', 'the store rewritten whole (sorted CTAS + indexes) vs compaction, s', $rewrite, $cs, 's', ''),
('floor', 'bytes of the store rewritten whole vs the all-text table', $rewritten_bytes, $plain_bytes, 'bytes', '');
INSERT INTO bench_info VALUES ('plain COPY', '$plain s'), ('foreground', '$fg s'),
	('compaction', '$cs s ($pending)'), ('two halves', '$halves s'), ('inline', '$il s'),
	('peer', '$peer s'), ('store tables over 1 MB', '$tiers'),
	('view with a do-nothing trigger', '$noop s'), ('store rewritten whole', '$rewrite s'),
	('rows of the store''s tables', '$rows'),
	('load average at the end', '$(load_average)');
SQL
report $bg
