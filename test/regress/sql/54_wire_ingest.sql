-- Whole DNS messages into the store through pdns.wire_in (what pdns-capture
-- writes): responses' answer and authority RRsets as true sets, negative
-- answers, who asked; damaged messages kept in rejects.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP TABLE messages (n integer, what text, msg bytea);
INSERT INTO messages VALUES
	(1, 'A answer with two addresses, NS in authority, glue in additional',
	 '\x00018180000100020002000103777777076578616d706c6503636f6d000001000103777777076578616d706c6503636f6d00000100010000012c0004c000020103777777076578616d706c6503636f6d00000100010000012c0004c0000202076578616d706c6503636f6d000002000100000e100011036e7331076578616d706c65036e657400076578616d706c6503636f6d000002000100000e100011036e7332076578616d706c65036e657400036e7331076578616d706c65036e6574000001000100000e100004c6336401'),
	(2, 'NXDOMAIN with the zone''s SOA',
	 '\x000281830001000000010000026e78076578616d706c6503636f6d0000010001076578616d706c6503636f6d00000600010000012c003d036e7331076578616d706c65036e6574000a686f73746d6173746572076578616d706c6503636f6d000000000100000002000000030000000400000005'),
	(3, 'NODATA (NOERROR, no answer)',
	 '\x00038180000100000000000003777777076578616d706c6503636f6d00001c0001'),
	(4, 'a query: nothing to observe',
	 '\x00040100000100000000000003777777076578616d706c6503636f6d0000010001'),
	(5, 'a CNAME chain',
	 '\x00058180000100020000000005636e616d65076578616d706c6503636f6d000001000105636e616d65076578616d706c6503636f6d00000500010000003c001103777777076578616d706c6503636f6d0003777777076578616d706c6503636f6d00000100010000012c0004c0000201'),
	(6, 'truncated in the middle of an RR', '\x00018180000100020002000103777777076578616d706c6503636f6d000001000103777777076578'),
	(7, 'three octets', '\x000102'),
	(8, 'class CH: not stored',
	 '\x0008818000010001000000000776657273696f6e0462696e6400001000030776657273696f6e0462696e64000010000300000000000403392e39');

INSERT INTO wire_in (time, sensor, client, client_port, server, server_port, transport, message)
SELECT '2023-11-14 22:13:20+00'::timestamptz + n * interval '1 second', 'tap0',
       CASE WHEN n % 2 = 0 THEN '192.0.2.200'::inet ELSE '2001:db8::200'::inet END, 53000 + n,
       '198.51.100.53', 53, 'udp', msg
FROM messages ORDER BY n;
-- the same first response again, from another client
INSERT INTO wire_in (time, sensor, client, message)
SELECT '2023-11-14 23:00:00+00', 'tap0', '192.0.2.201', msg FROM messages WHERE n = 1;

SELECT rrname, rrtype, rdata(rdata), count, time_first, time_last FROM rrsets ORDER BY rrname, rrtype;
SELECT rrname, rrtype, rcode, count FROM negative_observations ORDER BY rrname;
SELECT rrname, rrtype, count, client IN (pseudonymize('192.0.2.200'), pseudonymize('2001:db8::200'),
       pseudonymize('192.0.2.201')) AS pseudonymized
FROM client_observations ORDER BY rrname, rrtype, client;
SELECT target, sensor, reason, length(raw) AS octets FROM rejects ORDER BY id;

-- Traffic a capture program could not frame arrives in wire_rejects_in.
INSERT INTO wire_rejects_in VALUES
	('2023-11-14 22:13:20+00', 'tap0', 'dnso1tcp-midmiss.pcap packet 17', 'TCP segment missing: message lost', '\x0102');
SELECT target, sensor, reason, raw FROM rejects WHERE target = 'capture';

-- The bailiwick of an authoritative answer (AA) is the zone of the SOA or NS
-- RRset in its authority section; a resolver's answer (no AA), or an
-- authoritative one without SOA or NS there, leaves it unknown
-- (docs/capture.md, "Bailiwick").
INSERT INTO wire_in (time, sensor, client, message) VALUES
	('2023-11-14 22:13:20+00', 'tap0', '192.0.2.7', '\x1234850000010001000100000377777706706c65786f70076578616d706c650000010001c00c0001000100000e100004c0000207c0100002000100000e100006036e7331c010'),
	('2023-11-14 22:13:21+00', 'tap0', '192.0.2.7', '\x1234818000010001000100000377777706706c65786f70076578616d706c650000010001c00c0001000100000e100004c0000207c0100002000100000e100006036e7331c010'),
	('2023-11-14 22:13:22+00', 'tap0', '192.0.2.7', '\x1234850000010001000000000377777706706c65786f70076578616d706c650000010001c00c0001000100000e100004c0000207');
SELECT rrname, rrtype, bailiwick, rdata(rdata), count FROM rrsets
WHERE rrname <<= 'plexop.example' ORDER BY rrname, rrtype, bailiwick NULLS LAST;
SELECT rrname, rrtype, bailiwick FROM lookup_rrset('*.plexop.example', bailiwick => 'plexop.example')
ORDER BY rrname;

-- dns_message() and the store agree on what a message holds.
SELECT m.owner, m.rrtype, rdata(m.rdata) FROM messages, dns_message(msg) m
WHERE n = 1 AND m.section <> 'additional' ORDER BY 1, 2;
