-- public_suffix() and registered_domain() against the Public Suffix List's
-- own test vectors (tests.txt: "input registrable-domain", null = none).
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set psl_list :corpora '/publicsuffix/public_suffix_list.dat'
\set psl_tests :corpora '/publicsuffix/tests.txt'

-- The vectors were written against the upstream list, so load that one.
-- Only a superuser may point the extension at a file.
SET pdns.public_suffix_list = :'psl_list';
SELECT rules > 5000 AS has_rules, exceptions > 0 AS has_exceptions, wildcards > 0 AS has_wildcards
FROM public_suffix_list_info();

\set psl_text `cat :'psl_tests'`
CREATE TEMP TABLE psl_lines AS
SELECT n AS lineno, line FROM regexp_split_to_table(:'psl_text', E'\n') WITH ORDINALITY AS l(line, n);

-- A vector whose input is not a valid name (a leading dot, "null") has no
-- registrable domain: the input function rejects it, which counts as NULL.
CREATE FUNCTION pg_temp.registered(input text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF input = 'null' THEN
		RETURN 'null';
	END IF;
	RETURN coalesce(pdns.registered_domain(input::pdns.dnsname)::text, 'null');
EXCEPTION WHEN invalid_text_representation THEN
	RETURN 'null (rejected input)';
END $$;

CREATE TEMP TABLE psl AS
SELECT lineno, split_part(line, ' ', 1) AS input, split_part(line, ' ', 2) AS expected,
       pg_temp.registered(split_part(line, ' ', 1)) AS got
FROM psl_lines WHERE line !~ '^\s*(//|$)';

SELECT input, expected, got,
       CASE WHEN expected = 'null' THEN got LIKE 'null%'
            ELSE got <> 'null' AND got::dnsname = expected::dnsname END AS pass
FROM psl ORDER BY lineno;

SELECT count(*) AS vectors,
       count(*) FILTER (WHERE CASE WHEN expected = 'null' THEN got LIKE 'null%'
                                   ELSE got <> 'null' AND got::dnsname = expected::dnsname END) AS passed
FROM psl;

-- public_suffix() on the same kinds of names.
SELECT n AS name, public_suffix(n::dnsname), registered_domain(n::dnsname),
       to_unicode(registered_domain(n::dnsname)) AS registered_display
FROM (VALUES ('www.example.com'), ('com'), ('a.b.c.kobe.jp'), ('www.ck'), ('b.test.ck'),
             ('www.食狮.公司.cn'), ('example'), ('.'), ('weird\.label.example.co.uk'),
             ('x.weird\.label.co.uk'), ('\000.com')) v(n);

-- Reloading re-reads the list; settings are superuser-only.
SELECT public_suffix_list_reload();
SELECT registered_domain('www.example.co.uk');
CREATE ROLE regress_psl_tester;
SET ROLE regress_psl_tester;
SET pdns.public_suffix_list = '/etc/passwd';
RESET ROLE;
DROP ROLE regress_psl_tester;

-- A file that is not there gives a clear error.
SET pdns.public_suffix_list = '/nonexistent/list.dat';
SELECT registered_domain('www.example.com');
RESET pdns.public_suffix_list;

-- The default list (Debian's publicsuffix package) answers the basics too.
SELECT registered_domain('www.example.co.uk'), public_suffix('a.b.github.io');
