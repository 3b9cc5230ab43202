-- Binary COPY round trips; binary input is validated like text input.
SET search_path = pdns, public;

-- (\copy takes no variables; pg_regress runs in the build directory)

CREATE TEMP TABLE src (name dnsname, type rrtype);
INSERT INTO src VALUES ('www.example.com', 'A'), ('.', 'NS'), ('a\.b\000c.example', 'TYPE65534'),
	('xn--bcher-kva.de', 'MX'), (repeat('x', 63) || '.example', 'AAAA'), ('\255.\001', 'ANY');
\copy src TO 'test/regress/results/binary_copy.bin' WITH (FORMAT binary)
CREATE TEMP TABLE dst (LIKE src);
\copy dst FROM 'test/regress/results/binary_copy.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE d.name IS NOT NULL) AS matched
FROM src s LEFT JOIN dst d ON d.name = s.name AND d.type = s.type;

-- The binary form of a dnsname is the uncompressed wire form.
SELECT name, encode(dnsname_send(name), 'hex') AS wire, encode(rrtype_send(type), 'hex') AS type_wire
FROM src ORDER BY name;

-- Hand-made binary COPY files with bad values: 22P03, naming the problem.
CREATE FUNCTION pg_temp.binary_copy_file(field bytea) RETURNS bytea LANGUAGE sql AS $$
	SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(length(field)) || field || '\xffff'::bytea
$$;
CREATE TEMP TABLE one_name (name dnsname);
CREATE TEMP TABLE one_type (type rrtype);

\set VERBOSITY default
-- a label length of 64
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x40'::bytea || convert_to(repeat('a', 64), 'UTF8') || '\x00'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
-- a compression pointer
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0161c00c'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
-- truncated: no root label
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x076578616d706c65'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
-- junk after the root label
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x0161000000'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
-- longer than 255 octets
SELECT lo_from_bytea(0, pg_temp.binary_copy_file(
	decode(repeat('3f' || repeat('61', 63), 4) || '00', 'hex'))) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
-- an rrtype of three bytes
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x000f00'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_type FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)

-- Upper case on the wire is folded, as text input folds it.
SELECT lo_from_bytea(0, pg_temp.binary_copy_file('\x074558414d504c4503434f4d00'::bytea)) AS lo \gset
\lo_export :lo 'test/regress/results/binary_bad.bin'
\lo_unlink :lo
\copy one_name FROM 'test/regress/results/binary_bad.bin' WITH (FORMAT binary)
SELECT name, name = 'example.com' AS folded FROM one_name;
