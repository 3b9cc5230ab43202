#!/bin/sh
# dnsname.sh: the dnsname benchmark (issue 2; see bench/README.md).
#
#   bench/dnsname.sh          SCALE=1: 2 000 000 names; SCALE=0.1 for a quick run
#
# Builds bench/namegen, writes SCALE x 2 million distinct names from the
# registered domains of test/corpora/top-domains with a Zipf-like
# fan-out of subdomains, and measures, against plain PostgreSQL on the same
# names in the same run: COPY into a dnsname column vs a text COLLATE "C"
# column; CREATE INDEX; bytes per value and index sizes; exact lookups vs a
# text btree; subdomain search (*.example.com) vs reverse(text)
# text_pattern_ops LIKE-prefix and vs ltree with GiST.  Prints one table of
# same-run ratios with the targets of the issue.
#
# Needs the server named by PG* (a superuser; pdns installed, contrib's
# ltree available) and pgbench.  RUNS (default 3) repetitions of each
# measurement, the best counts; DURATION (default 3) seconds per pgbench
# round.  Works in a scratch database, pdns_bench_dnsname, dropped at the end.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 2000000)
PROBES=$(scaled 100000)
db=pdns_bench_dnsname

echo "== dnsname benchmark: $N names, best of $RUNS"
environment
build_namegen
"$out/namegen" names "$N" "$PDNS_CORPORA/top-domains" > "$out/names.txt"
"$out/namegen" domains "$N" "$PDNS_CORPORA/top-domains" > "$out/domains.txt"

fresh_db $db
trap "drop_db $db" EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db <<'EOF'
SET client_min_messages = warning;
CREATE EXTENSION ltree;
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
CREATE TABLE names_text (name text COLLATE "C");
CREATE TABLE names_dns (name pdns.dnsname);
CREATE TABLE domains (rank integer PRIMARY KEY, name text NOT NULL, names integer NOT NULL);
EOF
psql -X -q -d $db -c "COPY domains FROM STDIN" < "$out/domains.txt"

# COPY of the same file into each column type, interleaved, best of RUNS.
copy_text= copy_dns=
for i in $(seq "$RUNS"); do
	psql -X -q -d $db -c "TRUNCATE names_text"
	copy_text=$(best "$copy_text" "$(copy_seconds $db names_text "$out/names.txt")")
	psql -X -q -d $db -c "TRUNCATE names_dns"
	copy_dns=$(best "$copy_dns" "$(copy_seconds $db names_dns "$out/names.txt")")
done
psql -X -q -d $db -c "INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
	VALUES ('load', 'COPY rows/s into a dnsname column, vs text', $N / $copy_dns, $N / $copy_text, 'rows/s', '>= 0.85')"

echo "load average before the SQL part: $(load_average)"
psql -X -q -v ON_ERROR_STOP=1 -d $db -v runs="$RUNS" -v probes="$PROBES" -v outdir="$out" -f bench/dnsname.sql

# Lookups from a client: pgbench, one connection, rounds interleaved.
# Exact: a prepared statement returning the name (9 in 10 probes present).
# Subdomains: each search planned with its value (extended protocol), all
# rows returned; over every registered domain (most are small) and over
# the 20 biggest.
probes=$(psql -X -qAt -d $db -c "SELECT count(*) FROM probes")
domains=$(psql -X -qAt -d $db -c "SELECT count(*) FROM domains")
probe="SELECT name AS n FROM probes WHERE id = :i"
pgbench_script "$out/exact-text.pgb" "$probes" "$probe" "SELECT name FROM names_text WHERE name = :n"
pgbench_script "$out/exact-dns.pgb" "$probes" "$probe" "SELECT name FROM names_dns WHERE name = :n"
probe="SELECT name AS d, path AS p FROM domains WHERE rank = :i"
for set in all:$domains top20:20; do
	name=${set%%:*} n=${set#*:}
	pgbench_script "$out/sub-$name-dns.pgb" "$n" "$probe" "SELECT name FROM names_dns WHERE name << :d"
	pgbench_script "$out/sub-$name-reverse.pgb" "$n" "$probe" \
		"SELECT name FROM names_text WHERE reverse(name) LIKE reverse('.' || :d) || '%'"
	pgbench_script "$out/sub-$name-ltree.pgb" "$n" "$probe" \
		"SELECT name FROM names_ltree WHERE path <@ :p AND path <> :p"
done

results=$out/dnsname-latency.txt
: > "$results"
for i in $(seq "$RUNS"); do
	for s in exact-text exact-dns; do
		measure $s $db "$out/$s.pgb" prepared
	done
	for s in sub-all-dns sub-all-reverse sub-all-ltree sub-top20-dns sub-top20-reverse sub-top20-ltree; do
		measure $s $db "$out/$s.pgb" extended
	done
done
psql -X -q -v ON_ERROR_STOP=1 -d $db <<EOF
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('exact', 'pgbench -M prepared, per lookup, vs text COLLATE "C"', $(lat exact-dns), $(lat exact-text), 'us', '<= 1.10'),
('subtree', '*.domain, every domain, vs reverse(text) LIKE', $(lat sub-all-dns), $(lat sub-all-reverse), 'us', '<= 1.00'),
('subtree', '*.domain, every domain, vs ltree GiST', $(lat sub-all-dns), $(lat sub-all-ltree), 'us', '<= 0.20'),
('subtree', '*.domain, 20 biggest domains, vs reverse(text) LIKE', $(lat sub-top20-dns), $(lat sub-top20-reverse), 'us', '<= 1.00'),
('subtree', '*.domain, 20 biggest domains, vs ltree GiST', $(lat sub-top20-dns), $(lat sub-top20-ltree), 'us', '<= 0.20');
EOF

echo
echo "== dnsname: same-run figures (ratio = pdns / baseline; load average now $(load_average))"
report $db
echo
echo "What reverse(name) LIKE 'moc.elpmaxe%' (no leading dot) also returns, first examples:"
cat "$out/nodot-examples.txt"
echo "Plans of the biggest subtree:"
cat "$out/subtree-plans.txt"
