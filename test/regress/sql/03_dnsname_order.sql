-- dnsname ordering is RFC 4034 §6.1 canonical order.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set rfc_list :corpora '/name-ordering/rfc4034-6.1-canonical-order.txt'
\set rfc_wire :corpora '/name-ordering/rfc4034-6.1-canonical-order.wire.tsv'

-- The RFC's example, read from the corpus in its listed (ascending) order.
\set rfc_text `cat :'rfc_list'`
CREATE TEMP TABLE rfc AS
SELECT row_number() OVER (ORDER BY n) AS rank, line AS name
FROM regexp_split_to_table(:'rfc_text', E'\n') WITH ORDINALITY AS l(line, n)
WHERE line !~ '^#' AND line <> '';

SELECT rank, name, name::dnsname AS stored,
       row_number() OVER (ORDER BY name::dnsname) AS canonical_rank
FROM rfc ORDER BY rank;

SELECT count(*) AS names, bool_and(rank = canonical_rank) AS sorts_as_listed
FROM (SELECT rank, row_number() OVER (ORDER BY name::dnsname) AS canonical_rank FROM rfc) s;

-- Binary send gives the corpus' wire form (lower-cased: dnsname folds case).
\set wire_text `cat :'rfc_wire'`
CREATE TEMP TABLE rfc_wire AS
SELECT split_part(line, E'\t', 1)::int AS rank, split_part(line, E'\t', 2) AS presentation,
       split_part(line, E'\t', 3) AS wire_hex
FROM regexp_split_to_table(:'wire_text', E'\n') AS line WHERE line !~ '^#' AND line <> '';
-- Binary output is the uncompressed wire form: equal to the corpus' wire
-- form for the names written in lower case (dnsname folds case).
SELECT rank, presentation,
       encode(dnsname_send(presentation::dnsname), 'hex') = lower(wire_hex) AS send_matches_wire
FROM rfc_wire WHERE presentation = lower(presentation) ORDER BY rank;

-- Binary input of the corpus' wire form (upper case included) gives the
-- same values as text input, and in canonical order.
SELECT lo_from_bytea(0, '\x5047434f50590aff0d0a000000000000000000'::bytea
	|| string_agg('\x0001'::bytea || int4send(length(decode(wire_hex, 'hex'))) || decode(wire_hex, 'hex'),
	              ''::bytea ORDER BY rank)
	|| '\xffff'::bytea) AS lo FROM rfc_wire \gset
\lo_export :lo 'test/regress/results/rfc_wire.bin'
\lo_unlink :lo
CREATE TEMP TABLE rfc_recv (n serial, name dnsname);
\copy rfc_recv (name) FROM 'test/regress/results/rfc_wire.bin' WITH (FORMAT binary)
SELECT w.rank, w.presentation, r.name AS received, r.name = w.presentation::dnsname AS recv_matches_text,
       row_number() OVER (ORDER BY r.name) AS canonical_rank
FROM rfc_recv r JOIN rfc_wire w ON w.rank = r.n ORDER BY w.rank;

-- Label-wise order: a parent sorts before its children, children of a name
-- sort together, and a longer label sorts after its prefix.
SELECT n::dnsname AS name FROM (VALUES
	('com'), ('example.com'), ('a.example.com'), ('z.a.example.com'), ('b.example.com'),
	('badexample.com'), ('example-a.com'), ('examplea.com'), ('example\000.com'), ('net'),
	('.'), ('a.b'), ('b.a'), ('\000.com'), ('-.com'), ('0.com')
) v(n) ORDER BY n::dnsname;

-- Comparison operators agree with the order.
SELECT 'a.example'::dnsname < 'z.example', 'Z.a.example'::dnsname > 'yljkjljk.a.example',
       'EXAMPLE.com'::dnsname = 'example.COM.', 'a.example'::dnsname <> 'b.example',
       'example'::dnsname <= 'example', 'example'::dnsname >= 'a.example',
       dnsname_cmp('a', 'b'), dnsname_cmp('b', 'a'), dnsname_cmp('a', 'A.');
