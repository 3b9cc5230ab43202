-- rrset: text input and output, canonical form, invalid input.
SET search_path = pdns, public;

-- Order, case of embedded names and duplicates do not matter: these are all
-- one set, byte-equal and hash-equal.
SELECT r AS rrset, r = 'MX {"10 a.example.","20 b.example."}'::rrset AS same,
       rrset_hash(r) = rrset_hash('MX {"10 a.example.","20 b.example."}') AS same_hash
FROM (VALUES ('MX {"10 a.example.","20 b.example."}'::rrset),
             ('MX {"20 b.example.", "10 a.example."}'),
             ('mx {"20 B.Example.","10 A.EXAMPLE","10 a.example."}'),
             ('TYPE15 { "10 a.example." , "20 b.example." }'),
             ('15 {"10 a.example.","20 b.example."}')) v(r);

-- One literal per type family; output is ldns' presentation format, quoted
-- as an array element wherever it holds blanks, commas, quotes or braces.
SELECT r FROM (VALUES
	('A {192.0.2.2,192.0.2.1,192.0.2.1}'::rrset),
	('AAAA {2001:DB8::1,::ffff:192.0.2.1}'),
	('NS {NS1.Example.COM,ns2.example.com.}'),
	('CNAME {Target.Example.}'),
	('SOA {"ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300"}'),
	('TXT {"\"v=spf1 -all\"","\"two\" \"strings\""}'),
	('SRV {"0 5 5060 SIP.example.com."}'),
	('HTTPS {"1 . alpn=h2,h3 ipv4hint=192.0.2.1"}'),
	('SVCB {"16 Foo.Example.org. port=53"}'),
	('NSEC {"Next.Example. A NS SOA RRSIG NSEC"}'),
	('DS {"12345 8 2 49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC4912"}'),
	('TYPE999 {"\\# 2 abcd","\\# 0"}'),
	('A {"\\# 4 c0000201"}')
) v(r);

-- RFC 4034 §6.2: names are lowercased for the types it lists (CNAME, MX,
-- SOA, SRV, NAPTR, RRSIG ...) and kept for others (NSEC per RFC 6840,
-- SVCB, HTTPS), so only the first sets here are equal.
SELECT 'CNAME {A.EXAMPLE.}'::rrset = 'CNAME {a.example.}' AS cname_folds,
       'RRSIG {"A 8 2 300 20250101000000 20240101000000 1 Example.COM. AAAA"}'::rrset =
       'RRSIG {"A 8 2 300 20250101000000 20240101000000 1 example.com. AAAA"}' AS rrsig_folds,
       'NSEC {"B.example. A"}'::rrset = 'NSEC {"b.example. A"}' AS nsec_folds,
       'SVCB {"1 B.example."}'::rrset = 'SVCB {"1 b.example."}' AS svcb_folds,
       'HINFO {"\"PC\" \"BSD\""}'::rrset = 'HINFO {"\"pc\" \"bsd\""}' AS hinfo_strings_fold;

-- TXT rdata holding any octet: commas, quotes, braces, backslashes,
-- newlines and non-UTF-8 octets survive text output and input.
CREATE TEMP TABLE txt AS
SELECT rrset('TXT', ARRAY['\# ' || (n + 1) || ' ' || lpad(to_hex(n), 2, '0') ||
	coalesce((SELECT string_agg(lpad(to_hex((n * 7 + i) % 256), 2, '0'), '')
	          FROM generate_series(1, n) i), '')]) AS r
FROM generate_series(0, 255) n;
SELECT count(*) AS sets, bool_and(r::text::rrset = r) AS text_round_trip,
       bool_and(rrset('TXT', rdata(r)) = r) AS rdata_round_trip,
       bool_and(r::text !~ '[^\x20-\x7e]') AS printable_ascii
FROM txt;
SELECT r, rdata(r) FROM (VALUES (rrset('TXT', ARRAY['"a,b" "{c}" "\"q\"" "back\\slash"', '"line\010feed" "\255\000"']))) v(r);
SELECT rrset('TXT', ARRAY[E'"raw\nnewline" "raw\ttab" "caf\u00e9"']);

-- The RR type takes any spelling rrtype reads.
SELECT 'a {10.0.0.1}'::rrset, 'TYPE1 {10.0.0.1}'::rrset, '1 {10.0.0.1}'::rrset,
       'TYPE65534 {"\\# 1 00"}'::rrset;

-- Constructors: rrset(rrtype, text[]) treats names as absolute; the
-- three-argument form completes relative names with an origin, as a zone
-- file does.
SELECT rrset('MX', ARRAY['10 mail', '20 mail.example.com.']),
       rrset('MX', ARRAY['10 mail', '20 mail.example.com.'], 'example.com'),
       rrset('SOA', ARRAY['@ hostmaster 1 2 3 4 5'], 'Example.COM');

-- Invalid input: 22P02 with the element and ldns' reason.
CREATE FUNCTION pg_temp.input_error(input text, OUT code text, OUT message text, OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM input::rrset;
	code := 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
END $$;
SELECT left(input, 30) AS input, e.code, e.detail FROM (VALUES
	('MX {"10"}'), ('A {10.0.0.300}'), ('AAAA {10.0.0.1}'), ('A {"\\# 5 0102030405"}'),
	('A {}'), ('A'), ('A 10.0.0.1'), ('FOO {1}'), ('A {10.0.0.1'), ('A {10.0.0.1} x'),
	('A {NULL}'), ('A {10.0.0.1,,10.0.0.2}'), ('A {"10.0.0.1}'), ('A {10.0.0.1 10.0.0.2}'),
	('TYPE999 {abcd}'), ('TYPE999 {"\\# 3 abcd"}'), ('TXT {"\\# 0"}'),
	('NS {"\\# 4 0161c000"}'), ('NS {"\\# 3 416100"}'), ('CNAME {a..b}'),
	('SOA {"a. b. 1 2 3"}'), ('TXT {"\"' || repeat('x', 256) || '\""}')
) v(input), LATERAL pg_temp.input_error(input) e;
\set VERBOSITY default
SELECT 'MX {"10"}'::rrset;
SELECT rrset('A', ARRAY['10.0.0.1', NULL]);
SELECT rrset('A', ARRAY[]::text[]);
SELECT rrset('A', ARRAY['10.0.0.1', '10.0.0.x']);
\set VERBOSITY terse
