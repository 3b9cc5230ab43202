-- dns_message on damaged input: every kind of damage yields rows flagged
-- partial with the problem, keeping what came before it; nothing raises an
-- error, crashes or loops.
SET search_path = pdns, public;

CREATE TEMP TABLE good (msg bytea);
INSERT INTO good VALUES (decode(
	'12348180000100030001000203777777076578616d706c6503636f6d0000010001'
	'c00c000500010000012c000603576562c010'
	'c02d000100010000012c0004c0000201'
	'c02d00010001000000c80004c0000202'
	'c0100006000100000e100027036e7331c0100a486f73744d6173746572c010'
	'0000000100000002000000030000000400000005'
	'c02d001c00010000012c001020010db8000000000000000000000001'
	'000029100001008000000b0008000700011800c63364', 'hex'));

-- Every truncation of a good response: all flagged, none raising.
SELECT count(*) AS truncations,
       count(*) FILTER (WHERE h.partial AND h.problem IS NOT NULL) AS flagged,
       count(*) FILTER (WHERE h.id IS NULL) AS without_header
FROM good, generate_series(0, length(msg) - 1) n,
     LATERAL dns_message_header(substr(msg, 1, n)) h;
-- What survives a cut in the authority section: the answer's two sets.
SELECT section, owner, rrtype, rdata, partial, problem
FROM good, dns_message(substr(msg, 1, 100));

CREATE TEMP TABLE bad (label text, msg bytea);
INSERT INTO bad
SELECT 'trailing junk', msg || '\x00ff'::bytea FROM good
UNION ALL
SELECT 'forward pointer', overlay(msg PLACING '\xc050'::bytea FROM 52) FROM good
UNION ALL
SELECT 'pointer to itself', decode('000081800001000000000000c00c00010001', 'hex')
UNION ALL
SELECT 'pointer loop', decode('000081800000000200000000' -- two answers
	'0000100001000000000005040161c01c' -- a TXT whose rdata holds "a" + pointer to 28
	'0162c018000100010000000000040a000001', 'hex') -- at 28: "b" + pointer to 24
UNION ALL
SELECT 'extended label', decode('00008180000100000000000041610000010001', 'hex')
UNION ALL
SELECT 'A of 3 octets', decode('00008180000000020000000000000100010000000a000301020300000100010000000a000401020304', 'hex')
UNION ALL
SELECT 'pointer in SVCB', decode('000081800001000100000000016100004000'
	'01c00c004000010000000000040001c00c', 'hex')
UNION ALL
SELECT 'counts too high', decode('000081800000000500000000000001000100000000000401020304', 'hex')
UNION ALL
SELECT 'rdlength too long', decode('00008180000000010000000000000100010000000000ff01020304', 'hex')
UNION ALL
SELECT 'name too long', decode('000081800001000000000000'
	|| repeat('3f' || repeat('78', 63), 5) || '0000010001', 'hex')
UNION ALL
SELECT 'short', '\x0001'::bytea
UNION ALL
SELECT 'empty', ''::bytea;

SELECT label, section, owner, rrtype, rdata, partial, problem
FROM bad, dns_message(msg) ORDER BY label, section, owner;

-- A batch of good and bad messages in one query: nothing aborts it.
SELECT count(*) AS rows, count(*) FILTER (WHERE partial) AS partial_rows,
       count(DISTINCT label) AS messages
FROM (SELECT 'good' AS label, msg FROM good UNION ALL SELECT * FROM bad) m, dns_message(msg);

-- 3000 random mutations of the good response (fixed seed): every message
-- yields rows, and every partial row says why.
SELECT setseed(0.25);
CREATE TEMP TABLE mutants AS
SELECT i, set_byte(set_byte(msg, 12 + (random() * 171)::int, (random() * 255)::int),
                   12 + (random() * 171)::int, (random() * 255)::int) AS msg
FROM good, generate_series(1, 3000) i;
SELECT count(DISTINCT i) AS messages_with_rows,
       bool_and(problem IS NOT NULL) FILTER (WHERE partial) AS partial_rows_explained,
       bool_and(problem IS NULL) FILTER (WHERE NOT partial) AS clean_rows_quiet,
       bool_and(rdata IS NULL OR rrset(rrtype(rdata), rdata(rdata)) = rdata) AS rdata_round_trips
FROM mutants, dns_message(msg);
