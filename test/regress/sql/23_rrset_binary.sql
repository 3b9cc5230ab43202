-- rrset binary I/O: the canonical payload; binary input is validated and
-- canonicalized exactly as text input is.
SET search_path = pdns, public;

CREATE TEMP TABLE src (r rrset);
INSERT INTO src VALUES ('A {10.0.0.1,10.0.0.2}'), ('MX {"10 a.example.","20 b.example."}'),
	('TXT {"\"x,y\" \"{z}\"","\"\\\\\" \"\\\"\""}'), ('TYPE999 {"\\# 3 000102"}'),
	('SVCB {"1 Svc.Example. alpn=h2"}');
\copy src TO 'test/regress/results/rrset_binary.bin' WITH (FORMAT binary)
CREATE TEMP TABLE dst (LIKE src);
\copy dst FROM 'test/regress/results/rrset_binary.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, count(d.r) AS matched FROM src s LEFT JOIN dst d ON d.r = s.r;

-- The payload: type, count, then length-prefixed canonical rdata.
SELECT r, encode(rrset_send(r), 'hex') AS payload FROM src ORDER BY r;

CREATE FUNCTION pg_temp.binary_copy_file(field bytea) RETURNS bytea LANGUAGE sql AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(length(field)) || field || '\xffff'::bytea
$$;
CREATE TEMP TABLE one (r rrset);

-- Out of order, duplicated and upper-case rdata is canonicalized on input.
SELECT lo_from_bytea(0, pg_temp.binary_copy_file(
	'\x000f0004'::bytea || '\x0005000a014200'::bytea || '\x0005000a016100'::bytea
	|| '\x0005000a014100'::bytea || '\x0005000a016100'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
SELECT r, rdata_count(r), r = 'MX {"10 a.","10 b."}' AS canonical FROM one;

\set VERBOSITY default
-- count says 2, one element follows
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0001000200040a000001')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- an element longer than what remains
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0001000100050a000001')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- junk after the last element
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0001000100040a00000100')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- no elements
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x00010000')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- an A rdata of 5 octets
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0001000100050a00000101')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- a compression pointer inside NS rdata
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0002000100040161c000')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- TXT rdata whose string length runs past the rdata
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0010000100020561')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
-- three octets: no header
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x000100')) AS lo \gset
\lo_export :lo 'test/regress/results/rrset_bad.bin'
\lo_unlink :lo
\copy one FROM 'test/regress/results/rrset_bad.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_after_errors FROM one;
