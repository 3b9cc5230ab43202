-- rdata through ldns, checked against dnspython's zone test corpus
-- (test/corpora/dnspython-zone): every record of `example` is parsed
-- as rdata of its type (relative names completed with the zone's origin),
-- printed, and parsed again; its text is compared with dnspython's
-- re-serialisation in example2.good (absolute names), both as rdata (do
-- the two texts parse to the same canonical octets?) and as text.  Types
-- ldns 1.8.3 does not know are listed with how pdns handles them: RFC 3597
-- generic form only.  The SVCB/HTTPS vectors are checked text against
-- generic form.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set zone_file :corpora '/dnspython-zone/example'
\set good_file :corpora '/dnspython-zone/example2.good'
\set svcb_text_file :corpora '/dnspython-zone/svcb_test_vectors.text'
\set svcb_generic_file :corpora '/dnspython-zone/svcb_test_vectors.generic'
\set zone_text `cat :'zone_file'`
\set good_text `cat :'good_file'`
\set svcb_text `cat :'svcb_text_file'`
\set svcb_generic `cat :'svcb_generic_file'`

-- Master-file lines (RFC 1035 §5.1) without comments, parentheses joining
-- physical lines into one logical line; quoted strings and backslash
-- escapes are kept as they are.
CREATE FUNCTION pg_temp.logical_lines(file text)
RETURNS TABLE (lineno integer, line text) LANGUAGE plpgsql AS $$
DECLARE
	phys text[] := regexp_split_to_array(file, E'\n');
	depth integer := 0;
	buf text := '';
	quoted boolean := false;
	c text;
	i integer;
	k integer;
BEGIN
	FOR i IN 1 .. coalesce(array_length(phys, 1), 0) LOOP
		IF depth = 0 THEN
			lineno := i;
			buf := '';
		END IF;
		k := 1;
		WHILE k <= length(phys[i]) LOOP
			c := substr(phys[i], k, 1);
			IF c = '\' THEN
				buf := buf || substr(phys[i], k, 2);
				k := k + 2;
				CONTINUE;
			ELSIF c = '"' THEN
				quoted := NOT quoted;
			ELSIF NOT quoted AND c = ';' THEN
				EXIT;
			ELSIF NOT quoted AND c IN ('(', ')') THEN
				depth := depth + CASE c WHEN '(' THEN 1 ELSE -1 END;
				c := ' ';
			END IF;
			buf := buf || c;
			k := k + 1;
		END LOOP;
		quoted := false;
		IF depth = 0 THEN
			line := buf;
			RETURN NEXT;
		ELSE
			buf := buf || ' ';
		END IF;
	END LOOP;
END $$;

-- The zone's records: owner made absolute, $ORIGIN followed, a blank owner
-- field meaning the previous owner; TTL and class dropped.
CREATE FUNCTION pg_temp.zone_records(file text)
RETURNS TABLE (lineno integer, owner text, origin text, rtype text, rdata text) LANGUAGE plpgsql AS $$
DECLARE
	l record;
	rest text;
	m text[];
	cur_origin text := '.';
	prev text;
BEGIN
	FOR l IN SELECT * FROM pg_temp.logical_lines(file) LOOP
		CONTINUE WHEN l.line ~ '^\s*$';
		IF l.line ~ '^\$ORIGIN\s' THEN
			cur_origin := (regexp_match(l.line, '^\$ORIGIN\s+(\S+)'))[1];
			CONTINUE;
		END IF;
		CONTINUE WHEN l.line ~ '^\$';
		IF l.line ~ '^\s' THEN
			owner := prev;
			rest := l.line;
		ELSE
			m := regexp_match(l.line, '^(\S+)(.*)$');
			owner := CASE WHEN m[1] = '@' THEN cur_origin
						  WHEN m[1] ~ '\.$' THEN m[1]
						  WHEN cur_origin = '.' THEN m[1] || '.'
						  ELSE m[1] || '.' || cur_origin END;
			rest := m[2];
		END IF;
		prev := owner;
		rest := regexp_replace(rest, '^\s+((\d+|IN|CH|HS)\s+)?((\d+|IN|CH|HS)\s+)?', '');
		m := regexp_match(rest, '^(\S+)\s*(.*?)\s*$');
		lineno := l.lineno;
		origin := cur_origin;
		rtype := m[1];
		rdata := m[2];
		RETURN NEXT;
	END LOOP;
END $$;

-- Parse text as rdata of a type; the error detail when it is refused.
CREATE FUNCTION pg_temp.try_rrset(t rrtype, rdata text, origin dnsname, OUT r rrset, OUT error text)
LANGUAGE plpgsql AS $$
BEGIN
	IF rdata IS NULL THEN
		RETURN;
	END IF;
	r := rrset(t, ARRAY[rdata], origin);
EXCEPTION WHEN invalid_text_representation THEN
	GET STACKED DIAGNOSTICS error = PG_EXCEPTION_DETAIL;
END $$;

CREATE TEMP TABLE zone AS
SELECT z.lineno, lower(z.owner) AS owner, z.rtype::rrtype AS rtype, z.rdata, z.origin,
       row_number() OVER (PARTITION BY lower(z.owner), z.rtype::rrtype ORDER BY z.lineno) AS nth
FROM pg_temp.zone_records(:'zone_text') z;

CREATE TEMP TABLE good AS
SELECT lower(m[1]) AS owner, m[2]::rrtype AS rtype, m[3] AS rdata,
       row_number() OVER (PARTITION BY lower(m[1]), m[2]::rrtype ORDER BY n) AS nth
FROM regexp_split_to_table(:'good_text', E'\n') WITH ORDINALITY AS l(line, n),
     LATERAL regexp_match(line, '^(\S+)\s+\d+\s+IN\s+(\S+)\s*(.*?)\s*$') AS m
WHERE m IS NOT NULL;

CREATE TEMP TABLE checked AS
SELECT z.lineno, z.owner, z.rtype, z.rdata AS source, p.r, p.error,
       (rdata(p.r))[1] AS ldns_text, g.rdata AS dnspython_text,
       (pg_temp.try_rrset(z.rtype, (rdata(p.r))[1], '.')).r = p.r AS round_trip,
       d.r AS from_dnspython, d.error AS dnspython_error
FROM zone z
LEFT JOIN good g USING (owner, rtype, nth),
LATERAL pg_temp.try_rrset(z.rtype, z.rdata, z.origin::dnsname) p,
LATERAL pg_temp.try_rrset(z.rtype, g.rdata, '.') d;

-- Every record of the zone has its counterpart in dnspython's output.
SELECT count(*) AS records, count(dnspython_text) AS matched_in_good_file FROM checked;

-- Per type: records ldns read; whose printed text reads back to the same
-- rdata; whose dnspython text ldns reads too, to the same rdata; and whose
-- text is dnspython's, character for character.
SELECT rtype, count(*) AS records, count(r) AS parsed,
       count(*) FILTER (WHERE round_trip) AS round_trip,
       count(from_dnspython) AS dnspython_reads,
       count(*) FILTER (WHERE from_dnspython = r) AS same_rdata,
       count(*) FILTER (WHERE ldns_text = dnspython_text) AS same_text
FROM checked GROUP BY rtype ORDER BY rtype::integer;

-- The promise: every record ldns reads prints to text that reads back to
-- the very same rdata.
SELECT count(r) AS parsed, count(*) FILTER (WHERE round_trip) AS round_trip FROM checked;

-- Records of types ldns knows that ldns 1.8.3 refuses: nsec303's next
-- hashed owner "alkmaao" is 7 base32 digits, not a whole number of octets
-- (dnspython pads it); svcb05's "ohttp" key (RFC 9540) is newer than ldns.
-- Such rdata can still be stored in generic form (below for svcb05).
SELECT owner, rtype, source, error FROM checked
WHERE r IS NULL AND error NOT LIKE '%does not know the rdata format%' ORDER BY lineno;
SELECT rrset('SVCB', ARRAY['\# 23 0010 03666f6f076578616d706c65036f726700 00080000'])
     = rrset('SVCB', ARRAY['16 foo.example.org. key8']) AS ohttp_is_key8;

-- Where ldns and dnspython print the same rdata differently: base64 and
-- hex in one piece, CERT algorithms and LOC without mnemonics or with
-- fewer digits, APL addresses in full, SVCB values unquoted, L64 in lower
-- case, GPOS quoted.  (WKS is printed with numbers by pdns itself: ldns
-- would name protocols and services from the machine's /etc files.)
SELECT owner, rtype, ldns_text, dnspython_text
FROM checked WHERE from_dnspython = r AND ldns_text <> dnspython_text
ORDER BY lineno;

-- Where dnspython's text does not give ldns the same rdata.  IPSECKEY:
-- ldns reads no blank inside the key's base64 (dnspython writes one), and
-- does not complete a relative gateway with the origin (ipseckey05).
-- loc07: ldns 1.8.3 misreads a longitude without seconds that follows a
-- latitude with them ("24 39 E" becomes 24 55 40); the record as written
-- and dnspython's text both read it, so it shows here.
SELECT owner, rtype, source, ldns_text, dnspython_text, dnspython_error
FROM checked WHERE r IS NOT NULL AND from_dnspython IS DISTINCT FROM r
ORDER BY lineno;

-- Types ldns 1.8.3 does not know: presentation format is refused with a
-- pointer to RFC 3597, and generic form carries them.
SELECT rtype, count(*) AS records, min(error) AS error
FROM checked WHERE error LIKE '%does not know the rdata format%'
GROUP BY rtype ORDER BY rtype::integer;

-- Their rdata in generic form, where SQL can build the octets: AVC,
-- RESINFO and WALLET hold character-strings as TXT does; HHIT and BRID
-- hold one base64 blob.  The generic text reads, prints back identically,
-- and the set compares as any other.
CREATE TEMP TABLE generic AS
SELECT c.lineno, c.owner, c.rtype,
       '\# ' || length(w) || ' ' || encode(w, 'hex') AS generic_text
FROM checked c,
     LATERAL (SELECT CASE WHEN c.rtype IN ('AVC', 'RESINFO', 'WALLET')
                  THEN substr(rrset_send(rrset('TXT', ARRAY[c.source])), 7)
                  ELSE decode(regexp_replace(c.source, '\s', '', 'g'), 'base64') END AS w) x
WHERE c.r IS NULL AND c.rtype IN ('AVC', 'RESINFO', 'WALLET', 'HHIT', 'BRID');
SELECT owner, rtype, left(generic_text, 60) AS generic_text,
       (rdata(rrset(rtype, ARRAY[generic_text])))[1] = generic_text AS prints_back,
       rrset(rtype, ARRAY[generic_text]) = rrset(rtype, ARRAY[upper(generic_text)]) AS hex_case_free
FROM generic ORDER BY lineno;

-- SVCB/HTTPS vectors (RFC 9460 appendix D): each text vector should be the
-- same rdata as its generic counterpart.  The last two are not: RFC 9460
-- unescapes an alpn value twice (once as a character-string, once as a
-- comma-separated list, so "f\\\\oo\\,bar" is the one id "f\oo,bar"),
-- ldns 1.8.3 once (ids "f\\oo\" and "bar").  The generic form gives the
-- RFC's octets, and prints back to them.
CREATE TEMP TABLE svcb AS
SELECT t.n, t.line AS text_form, g.line AS generic_form,
       (pg_temp.try_rrset('SVCB', t.line, '.')).r AS from_text,
       (pg_temp.try_rrset('SVCB', g.line, '.')).r AS from_generic
FROM (SELECT row_number() OVER (ORDER BY lineno) AS n, trim(line) AS line
      FROM pg_temp.logical_lines(:'svcb_text') WHERE line !~ '^\s*$') t
JOIN (SELECT row_number() OVER (ORDER BY lineno) AS n, trim(line) AS line
      FROM pg_temp.logical_lines(:'svcb_generic') WHERE line !~ '^\s*$') g USING (n);
SELECT n, text_form, from_text = from_generic AS same, (rdata(from_text))[1] AS ldns_text
FROM svcb ORDER BY n;
SELECT n, (rdata(from_generic))[1] AS generic_printed,
       rrset('SVCB', rdata(from_generic)) = from_generic AS round_trip
FROM svcb WHERE from_text <> from_generic ORDER BY n;
