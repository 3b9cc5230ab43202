-- Every DNS message in the packet captures of test/corpora/pcap:
-- framed by pdns-capture (UDP, TCP reassembly, fragments, VLAN, IPv6,
-- tunnels), parsed by dns_message(), and ingested into the store.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP TABLE dumped (LIKE wire_in);
CREATE TEMP TABLE unframed (LIKE wire_rejects_in);
-- (\copy takes no psql variables, but the shell running the program sees
-- PDNS_CORPORA; the sensor is the capture's file name)
\copy dumped FROM PROGRAM 'cd "$PDNS_CORPORA/pcap" && for f in $(find . -name "*.pcap" | sort); do "$(pg_config --bindir)/pdns-capture" --dump --sensor "${f#./}" "$f" 2>/dev/null | grep -v "^REJECT"; done; true'
\copy unframed FROM PROGRAM 'cd "$PDNS_CORPORA/pcap" && for f in $(find . -name "*.pcap" | sort); do "$(pg_config --bindir)/pdns-capture" --dump --sensor "${f#./}" "$f" 2>/dev/null | grep "^REJECT" | cut -f2-; done; true'

-- Per capture: messages, how dns_message() reads them, and what the capture
-- tool could not frame.
CREATE TEMP TABLE parsed AS
SELECT d.sensor AS file, d.transport, d.message,
       h.header_ok IS TRUE AS header_ok, coalesce(h.partial, true) AS partial,
       (SELECT count(*) FROM dns_message(d.message) m WHERE m.rrtype IS NOT NULL) AS rrsets,
       (get_byte(d.message, 2) >> 7) = 1 AS response
FROM dumped d LEFT JOIN LATERAL (
	SELECT true AS header_ok, bool_or(m.partial) AS partial FROM dns_message(d.message) m) h ON true;

SELECT file, count(*) AS messages, count(*) FILTER (WHERE transport = 'tcp') AS tcp,
       count(*) FILTER (WHERE response) AS responses, sum(rrsets) AS rrsets,
       count(*) FILTER (WHERE partial) AS damaged,
       (SELECT count(*) FROM unframed u WHERE u.sensor = p.file) AS unframed
FROM parsed p GROUP BY file ORDER BY file;
SELECT count(*) AS captures, sum(messages) AS messages, sum(damaged) AS damaged FROM (
	SELECT file, count(*) AS messages, count(*) FILTER (WHERE partial) AS damaged FROM parsed GROUP BY file) s;
-- what the damaged ones say is wrong
SELECT file, m.problem, count(*) FROM parsed p, dns_message(p.message) m
WHERE p.partial AND m.problem <> '' GROUP BY 1, 2 ORDER BY 1, 2;

-- Into the store: every message, and what could not be framed.
INSERT INTO wire_in SELECT * FROM dumped;
INSERT INTO wire_rejects_in SELECT * FROM unframed;
SELECT count(*) AS rrsets, sum(count) AS observations FROM rrsets;
SELECT (SELECT count(*) FROM negative_observations) AS negative_answers,
       (SELECT count(*) FROM client_observations) AS client_activity,
       (SELECT count(*) FROM rejects WHERE target = 'wire') AS damaged_messages_kept,
       (SELECT count(*) FROM rejects WHERE target = 'capture') AS unframed_kept;
-- a sample of what the captures tell about names
SELECT rrname, rrtype, rdata(rdata), count FROM rrsets
WHERE rrname IN ('google.com', 'www.google.com', 'wikipedia.org', 'en.wikipedia.org') ORDER BY 1, 2, 3;
SELECT rrname, rrtype, rdata, count FROM lookup_rdata_ip('216.58.0.0/16') ORDER BY 1, 2, 3;
