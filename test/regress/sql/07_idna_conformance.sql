-- UTS #46 conformance of dnsname input: every line of IdnaTestV2 (Unicode
-- 15.1.0) through the input function, compared with its toAsciiN column.
--
-- dnsname converts only labels that contain non-ASCII characters, with
-- libidn2 2.3.3 (UTS #46 non-transitional mapping of Unicode 14, IDNA2008
-- tables of Unicode 12).  Lines are set aside by these rules, never by line
-- number:
--   ascii-data      the source is pure ASCII: ASCII is stored as DNS data
--                   (hyphen, STD3 and Punycode rules are hostname rules), so
--                   an expected error is only checked where DNS itself
--                   refuses the name (empty labels, length limits);
--   bidi-per-label  the only expected errors are Bidi codes (B1-B6):
--                   libidn2 applies RFC 5893 to each label, not UTS #46's
--                   test across the labels of a Bidi domain name;
--   hyphen-in-ascii the expected errors are hyphen rules (V2, V3, with or
--                   without Bidi codes) broken by a pure-ASCII label, which
--                   DNS allows;
--   idna2008-table  the line expects success but libidn2 refuses a code point
--                   as DISALLOWED or UNASSIGNED under IDNA2008 (RFC 5892,
--                   Unicode 12 tables), which UTS #46 15.1 accepts;
--   sharp-s-mapping the source holds U+1E9E, whose mapping UTS #46 15.1
--                   changed from "ss" to "ß" (libidn2 has the older one).
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set idna_file :corpora '/idna/IdnaTestV2-15.1.0.txt'

\set idna_text `cat :'idna_file'`
CREATE TEMP TABLE idna_lines AS
SELECT n AS lineno, line FROM regexp_split_to_table(:'idna_text', E'\n') WITH ORDINALITY AS l(line, n);

-- The file escapes some characters as \uXXXX or \x{XXXX}.
CREATE FUNCTION pg_temp.unescape(s text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m text[];
BEGIN
	LOOP
		m := regexp_match(s, '\\u([0-9A-Fa-f]{4})|\\x\{([0-9A-Fa-f]+)\}');
		EXIT WHEN m IS NULL;
		s := regexp_replace(s, '\\u([0-9A-Fa-f]{4})|\\x\{([0-9A-Fa-f]+)\}',
			chr(('x' || lpad(coalesce(m[1], m[2]), 8, '0'))::bit(32)::int));
	END LOOP;
	RETURN s;
END $$;

CREATE FUNCTION pg_temp.try_dnsname(s text, OUT name text, OUT detail text) LANGUAGE plpgsql AS $$
BEGIN
	name := s::dnsname::text;
EXCEPTION WHEN invalid_text_representation THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
END $$;

-- Columns: 1 source, 2 toUnicode, 3 its status, 4 toAsciiN, 5 its status;
-- blanks inherit as the file's header says.
CREATE TEMP TABLE idna AS
SELECT lineno, src,
       coalesce(nullif(to_ascii, ''), nullif(to_unicode, ''), src) AS expected,
       CASE WHEN coalesce(nullif(st_ascii, ''), st_unicode) IN ('', '[]') THEN ''
            ELSE coalesce(nullif(st_ascii, ''), st_unicode) END AS status
FROM (SELECT lineno, pg_temp.unescape(trim(c[1])) AS src, pg_temp.unescape(trim(c[2])) AS to_unicode,
             trim(c[3]) AS st_unicode, pg_temp.unescape(trim(c[4])) AS to_ascii, trim(c[5]) AS st_ascii
      FROM (SELECT lineno, string_to_array(split_part(line, '#', 1), ';') AS c
            FROM idna_lines WHERE line !~ '^\s*(#|$)') l) c;

ALTER TABLE idna ADD COLUMN got text, ADD COLUMN detail text, ADD COLUMN ascii boolean;
UPDATE idna SET (got, detail) = (SELECT name, detail FROM pg_temp.try_dnsname(src)),
                ascii = src ~ '^[\x01-\x7f]*$';

CREATE TEMP TABLE verdicts AS
SELECT lineno, src, expected, status, got, detail,
	CASE
	WHEN status = '' AND got IS NOT NULL AND got::dnsname = rtrim(expected, '.')::dnsname THEN 'pass'
	WHEN status <> '' AND got IS NULL THEN 'pass'
	WHEN ascii THEN 'skip: ascii-data'
	WHEN status <> '' AND status ~ '^\[(B[1-6](, )?)+\]$' THEN 'skip: bidi-per-label'
	WHEN status <> '' AND status ~ '^\[((B[1-6]|V2|V3)(, )?)+\]$'
	     AND EXISTS (SELECT 1 FROM unnest(string_to_array(src, '.')) AS l
	                 WHERE l ~ '^[\x01-\x7f]+$' AND (l ~ '^-|-$' OR substr(l, 3, 2) = '--'))
	     THEN 'skip: hyphen-in-ascii'
	WHEN status = '' AND detail ~ 'disallowed character|unassigned code point' THEN 'skip: idna2008-table'
	WHEN src LIKE '%' || chr(x'1E9E'::int) || '%' THEN 'skip: sharp-s-mapping'
	ELSE 'FAIL'
	END AS verdict,
	CASE WHEN ascii THEN 'ascii source' ELSE 'non-ascii source' END AS kind,
	CASE WHEN status = '' THEN 'expects success' ELSE 'expects error' END AS expects
FROM idna;

SELECT kind, expects, verdict, count(*) FROM verdicts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT count(*) AS lines, count(*) FILTER (WHERE verdict = 'pass') AS passed,
       count(*) FILTER (WHERE verdict LIKE 'skip%') AS skipped,
       count(*) FILTER (WHERE verdict = 'FAIL') AS failed
FROM verdicts;

-- Any failure is listed here.
SELECT lineno, src, expected, status, got, detail FROM verdicts WHERE verdict = 'FAIL' ORDER BY lineno;

-- ASCII sources that expect success all pass exactly (they are a subset of
-- 'pass' above); ASCII sources that DNS refuses are refused.
SELECT count(*) FILTER (WHERE verdict = 'pass') AS ascii_success_lines_passed, count(*) AS ascii_success_lines
FROM verdicts WHERE kind = 'ascii source' AND expects = 'expects success';
SELECT DISTINCT regexp_replace(detail, '[0-9]+', 'N', 'g') AS ascii_refusals
FROM verdicts WHERE kind = 'ascii source' AND got IS NULL ORDER BY 1;
