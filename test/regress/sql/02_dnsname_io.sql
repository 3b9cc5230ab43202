-- dnsname text input and output: valid and invalid literals side by side.
SET search_path = pdns, public;

-- Case folding, optional trailing dot, the root.
SELECT n::dnsname AS name FROM (VALUES
	('www.example.com'), ('WWW.Example.COM.'), ('.'), ('com'), ('COM.'),
	('_dmarc.example.com'), ('*.example.com'), ('xn--bcher-kva.de'),
	('a-.-b'), ('1.2.3.4.in-addr.arpa')
) v(n);

-- Escapes: \DDD decimal, \X literal; any octet can be stored and prints back
-- in a canonical escaped form.
SELECT n AS input, n::dnsname AS name FROM (VALUES
	('a\.b.example'), ('a\\b.example'), ('\065BC.example'), ('\000.example'),
	('\255\001.example'), ('sp\ ace.example'), ('semi\;colon.example'),
	('quote\".example'), ('\@.example'), ('a\(b\).example'), ('tab\009.example'),
	('\127del.example'), ('\~tilde.example')
) v(n);

-- Output is canonical: reading the output back gives the same value.
SELECT bool_and(n::dnsname::text::dnsname = n::dnsname AND n::dnsname::text = n::dnsname::text::dnsname::text) AS round_trips
FROM (VALUES ('a\.b.example'), ('\000\001\002.x'), ('\255.x'), ('A.B.C'), ('.'), ('x.')) v(n);

-- U-labels become A-labels (UTS #46 non-transitional), per label.
SELECT n AS input, n::dnsname AS name, to_unicode(n::dnsname) AS display FROM (VALUES
	('Bücher.de'), ('faß.de'), ('日本語。ＪＰ'), ('ÄÖÜ.example'), ('_srv.bücher.de'),
	('münchen.de.'), ('παράδειγμα.δοκιμή')
) v(n);

-- The label and name limits, at and over the edge.
SELECT length(repeat('a', 63)::dnsname::text) AS label_63;
SELECT repeat('a', 64)::dnsname;
SELECT label_count(rtrim(repeat('abcdefghi.', 25) || 'abcd', '.')::dnsname) AS labels_at_255_octets;
SELECT (rtrim(repeat('abcdefghi.', 25) || 'abcde', '.'))::dnsname;
SELECT length(repeat('\000', 63)::dnsname::text) AS escaped_label_63;
SELECT repeat('\000', 64)::dnsname;

-- Errors: SQLSTATE 22P02 and a detail that names the problem.
\set VERBOSITY default
SELECT ''::dnsname;
SELECT 'a..b'::dnsname;
SELECT '.example'::dnsname;
SELECT 'example..'::dnsname;
SELECT '..'::dnsname;
SELECT 'a\25'::dnsname;
SELECT 'a\2x5.b'::dnsname;
SELECT 'a\256'::dnsname;
SELECT 'abc\'::dnsname;
SELECT 'xn--a.ä☕'::dnsname;
SELECT 'a\.ä.b'::dnsname;
-- SQLSTATEs, and a very long input that must fail fast and cleanly.
CREATE FUNCTION pg_temp.input_error(input text, OUT code text, OUT detail text) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM input::dnsname;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, detail = PG_EXCEPTION_DETAIL;
END $$;
SELECT left(input, 20) AS input, e.* FROM (VALUES ('a..b'), (''), ('a\25'), (repeat('x', 64)),
	(repeat('x', 100000)), (repeat('a.', 200)), ('ä☕'), (repeat('ä', 2000))) v(input),
	LATERAL pg_temp.input_error(input) e;

-- Invalid UTF-8 octets can still be stored, through escapes.
SELECT '\195\164\255.example'::dnsname;

-- Casts to and from text.
SELECT 'WWW.EXAMPLE.COM'::text::dnsname, 'www.example.com'::dnsname::text;
CREATE TEMP TABLE casts (n dnsname);
INSERT INTO casts VALUES ('Example.ORG'::text), ('mail.example.org'::varchar);
SELECT n FROM casts ORDER BY n;
