-- rrtype: mnemonic and numeric input, mnemonic output, RFC 3597 TYPEnnn.
SET search_path = pdns, public;

SELECT t AS input, t::rrtype AS type, t::rrtype::integer AS number FROM (VALUES
	('A'), ('a'), ('MX'), ('mx'), ('Mx'), ('15'), ('TYPE15'), ('type15'), ('TYPE65534'), ('65535'),
	('0'), ('AAAA'), ('NSAP-PTR'), ('nsap-ptr'), ('ANY'), ('255'), ('HTTPS'), ('SVCB'), ('CAA'),
	('TYPE1234'), ('DLV'), ('ZONEMD'), ('OPT'), ('TA'), ('00028')
) v(t);

-- Casts to and from integer, and from text.
SELECT 15::rrtype, 28::integer::rrtype, 'MX'::rrtype::integer, 'TXT'::text::rrtype;
CREATE TEMP TABLE types (t rrtype);
INSERT INTO types VALUES (1), ('AAAA'), ('TYPE99'), (65535), ('ns');
SELECT t AS type, t::integer AS number FROM types ORDER BY t;

-- Invalid input: 22P02 for unknown mnemonics, 22003 for numbers out of range.
CREATE FUNCTION pg_temp.input_error(input text, OUT code text, OUT message text, OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM input::rrtype;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
END $$;
SELECT e.* FROM (VALUES ('FOO'), (''), ('65536'), ('TYPE65536'), ('TYPE'), (' A'), ('A '), ('-1'),
	('TYPE99999999999999999999'), ('TYPE-1'), ('TYPE 1'), ('99999999999999999999'), ('MX.')) v(input),
	LATERAL pg_temp.input_error(input) e;
SELECT 'FOO'::rrtype;
SELECT (-1)::rrtype;
SELECT 65536::rrtype;

-- Ordering is numeric; btree and hash indexes agree with a sequential scan.
CREATE TEMP TABLE rr AS SELECT (i % 300)::rrtype AS t, i FROM generate_series(1, 30000) i;
CREATE INDEX ON rr (t);
CREATE INDEX ON rr USING hash (t);
ANALYZE rr;
SELECT array_agg(DISTINCT t ORDER BY t) FILTER (WHERE t < 'NS') FROM rr;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM rr WHERE t = 'MX';
SELECT count(*) FROM rr WHERE t = 'MX';
SELECT count(*) FROM rr WHERE t BETWEEN 'A' AND 'AAAA';
RESET enable_seqscan;
SELECT count(*) FROM rr WHERE t = 'MX';
SELECT count(*) FROM rr WHERE t BETWEEN 'A' AND 'AAAA';
-- Types above 32767 order after the others (a 2-byte datum is read back
-- sign-extended; comparisons must not see that), in sorts and in indexes.
CREATE TEMP TABLE wide AS SELECT ((i * 7919) % 65536)::rrtype AS t FROM generate_series(1, 20000) i;
CREATE INDEX ON wide (t);
ANALYZE wide;
SELECT min(t), max(t), count(*) FILTER (WHERE t >= 'TYPE40000') AS high FROM wide;
SET enable_seqscan = off; SET enable_bitmapscan = off;
SELECT min(t), max(t), count(*) FILTER (WHERE t >= 'TYPE40000') AS high FROM wide;
SELECT count(*) AS high FROM wide WHERE t >= 'TYPE40000';
CREATE TEMP TABLE by_index AS SELECT t FROM wide ORDER BY t;
RESET enable_seqscan; RESET enable_bitmapscan;
SELECT count(*) AS high FROM wide WHERE t >= 'TYPE40000';
SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;
CREATE TEMP TABLE by_sort AS SELECT t FROM wide ORDER BY t;
RESET enable_indexscan; RESET enable_indexonlyscan; RESET enable_bitmapscan;
SELECT (SELECT array_agg(t::integer) FROM by_index) = (SELECT array_agg(t::integer) FROM by_sort) AS same_order,
       (SELECT bool_and(a <= b) FROM (SELECT t::integer AS a, lead(t::integer) OVER () AS b FROM by_sort) s WHERE b IS NOT NULL) AS ascending;

SELECT rrtype_hash('MX') = rrtype_hash('15'), rrtype_hash_extended('MX', 1) = rrtype_hash_extended(15::rrtype, 1);
