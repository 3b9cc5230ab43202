-- dns_message(bytea): a DNS message as one row per RRset, the header
-- repeated; dns_message_header(bytea): the header alone.
SET search_path = pdns, public;

-- A response to www.example.com/A (compressed names throughout): a CNAME to
-- Web.example.com, two A records with TTLs 300 and 200, an SOA in the
-- authority section, an AAAA and an OPT (UDP 4096, extended rcode 1, DO,
-- client subnet 198.51.100.0/24) in the additional section.
CREATE TEMP TABLE msgs (name text, msg bytea);
INSERT INTO msgs VALUES ('response', decode(
	'12348180000100030001000203777777076578616d706c6503636f6d0000010001'
	'c00c000500010000012c000603576562c010'
	'c02d000100010000012c0004c0000201'
	'c02d00010001000000c80004c0000202'
	'c0100006000100000e100027036e7331c0100a486f73744d6173746572c010'
	'0000000100000002000000030000000400000005'
	'c02d001c00010000012c001020010db8000000000000000000000001'
	'000029100001008000000b0008000700011800c63364', 'hex'));

SELECT * FROM dns_message((SELECT msg FROM msgs WHERE name = 'response'));
SELECT * FROM dns_message_header((SELECT msg FROM msgs WHERE name = 'response'));

-- Decompressed, canonical rdata: names spelled out, folded where RFC 4034
-- says so (CNAME, SOA); the A set sorted and its TTL the lower one.
SELECT section, owner, rrtype, ttl, rdata, encode(rrset_send(rdata), 'hex') AS payload
FROM dns_message((SELECT msg FROM msgs WHERE name = 'response'))
WHERE rrtype IN ('CNAME', 'A');

-- A query: no RRs, one row with the header and NULL RR columns.
SELECT id, opcode, rcode, flags, qname, qtype, section, owner, rdata IS NULL AS no_rdata,
       edns_udp_size, partial, problem
FROM dns_message(decode('abcd01000001000000000000076578616d706c6500000f0001', 'hex'));

-- The same answer twice: once with the RRs in another order and upper case
-- owner, in a truncated (TC) response with an IPv6 client subnet /56
-- (scope /48) and no DO bit.  The rrsets compare equal, so the two
-- observations deduplicate.
INSERT INTO msgs VALUES ('reordered', decode(
	'43218380000100020000000103575757074558414d504c4503434f4d0000010001'
	'c00c00010001000000c80004c0000202'
	'c00c000100010000012c0004c0000201'
	'00002904d000000000000f0008000b0002383020010db8000000', 'hex'));
INSERT INTO msgs VALUES ('in_order', decode(
	'43228180000100020000000003777777076578616d706c6503636f6d0000010001'
	'c00c000100010000012c0004c0000201'
	'c00c000100010000012c0004c0000202', 'hex'));
SELECT name, id, flags, rcode, qname, owner, rdata, ttl, edns_udp_size, edns_do, edns_client_subnet
FROM msgs, dns_message(msg) WHERE name IN ('reordered', 'in_order') ORDER BY name;
SELECT count(DISTINCT rdata) AS distinct_sets, count(*) AS observations
FROM msgs, dns_message(msg) WHERE name IN ('reordered', 'in_order');

-- A response to an ANY query: compressed names inside MX, SRV and SOA
-- rdata (SRV's and SOA's point into the MX rdata); a TXT holding quotes, a
-- comma and an octet 0xff; an HTTPS record; an NSEC in the authority
-- section (uncompressed, as RFC 4034 requires; its case is kept).
INSERT INTO msgs VALUES ('types', decode(
	'0007858000010005000100000474797065076578616d706c650000ff0001'
	'c00c000f00010000012c0009000a046d61696cc011'
	'c00c0021000100000e1000080000000501bbc02c'
	'c00c0010000100000e100007062261622cff22'
	'c00c0041000100000e100010000100000100030268320003000201bb'
	'c01100060001000151800018c02cc02c000000010000000200000003000000040000001e'
	'c00c002f0001000005460016044e455854076578616d706c65000006400100000003', 'hex'));
SELECT section, owner, rrtype, class, ttl, rdata, names(rdata), partial
FROM dns_message((SELECT msg FROM msgs WHERE name = 'types'));

-- The functions are immutable and parallel safe, and strict.
SELECT proname, provolatile, proparallel, proisstrict FROM pg_proc
WHERE proname IN ('dns_message', 'dns_message_header') ORDER BY 1;
SELECT * FROM dns_message(NULL);
