-- Suricata eve.json DNS events through pdns.suricata_in: v1 events (one
-- per RR), v2 "answers" and "grouped", v3 responses, SOA/SRV/SSHFP objects,
-- TXT split per string, queries and other events ignored, rejects.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
SET pdns.sensor = 'suricata-1';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP VIEW stored AS
SELECT r.rrname, r.rrtype, array_to_string(rdata(r.rdata), ' | ') AS rdata, r.count, r.lossy
FROM rrsets r ORDER BY r.rrname, r.rrtype, 3;

COPY suricata_in FROM STDIN WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
{"timestamp":"2023-11-14T22:13:20.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":4444,"dest_ip":"10.0.0.53","dest_port":53,"dns":{"type":"query","id":1,"rrname":"example.com","rrtype":"ANY","tx_id":0}}
{"timestamp":"2023-11-14T22:13:20.000000+0000","event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.1","dest_port":4444,"dns":{"version":3,"type":"response","id":1,"rcode":"NOERROR","queries":[{"rrname":"example.com","rrtype":"ANY"}],"answers":[{"rrname":"example.com","rrtype":"SOA","ttl":60,"soa":{"mname":"ns.example.com","rname":"hostmaster.example.com","serial":2023111401,"refresh":7200,"retry":3600,"expire":1209600,"minimum":300}},{"rrname":"example.com","rrtype":"TXT","ttl":60,"rdata":"v=spf1 -all"},{"rrname":"example.com","rrtype":"MX","ttl":60,"rdata":"mx.example.com"},{"rrname":"example.com","rrtype":"HTTPS","ttl":60},{"rrname":"example.com","rrtype":"SSHFP","ttl":60,"sshfp":{"fingerprint":"12:34:ab","algo":1,"type":1}}]}}
{"timestamp":"2023-11-14T22:13:21.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":4445,"dest_ip":"10.0.0.53","dest_port":53,"dns":{"version":3,"type":"response","id":2,"rcode":"NOERROR","queries":[{"rrname":"_sip._udp.example.com","rrtype":"SRV"}],"answers":[{"rrname":"_sip._udp.example.com","rrtype":"SRV","ttl":60,"srv":{"priority":10,"weight":20,"port":5060,"name":"sip1.example.com"}},{"rrname":"_sip._udp.example.com","rrtype":"SRV","ttl":60,"srv":{"priority":10,"weight":30,"port":5060,"name":"sip2.example.com"}}]}}
{"timestamp":"2023-11-14T22:13:22.000000+0000","event_type":"dns","dns":{"version":2,"type":"answer","id":3,"rrname":"www.example.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"www.example.com","rrtype":"CNAME","ttl":60,"rdata":"web.example.net"},{"rrname":"web.example.net","rrtype":"A","ttl":60,"rdata":"192.0.2.2"},{"rrname":"web.example.net","rrtype":"A","ttl":60,"rdata":"192.0.2.1"}]}}
{"timestamp":"2023-11-14T22:13:23.000000+0000","event_type":"dns","dns":{"version":2,"type":"answer","id":4,"rrname":"www.example.com","rrtype":"A","rcode":"NOERROR","grouped":{"A":["192.0.2.1","192.0.2.2"],"CNAME":["web.example.net"]}}}
{"timestamp":"2023-11-14T22:13:24.000000+0000","event_type":"dns","dns":{"version":2,"type":"answer","id":5,"rrname":"txt.example.com","rrtype":"TXT","rcode":"NOERROR","grouped":{"TXT":["first string","caf\\xc3\\xa9 || \"q\""]}}}
{"timestamp":"2023-11-14T22:13:25.000000+0000","event_type":"dns","dns":{"type":"answer","id":6,"rrname":"old.example.com","rrtype":"AAAA","ttl":60,"rdata":"2001:db8::1"}}
{"timestamp":"2023-11-14T22:13:25.000000+0000","event_type":"dns","dns":{"type":"answer","id":7,"rrname":"nx.example.com","rrtype":"A","rcode":"NXDOMAIN"}}
{"timestamp":"2023-11-14T22:13:25.000000+0000","event_type":"dns","dns":{"version":3,"type":"response","id":8,"rcode":"NOERROR","queries":[{"rrname":"nodata.example.com","rrtype":"AAAA"}]}}
{"timestamp":"2023-11-14T22:13:25.000000+0000","event_type":"flow","src_ip":"10.0.0.1"}
{"timestamp":"2023-11-14T22:13:26.000000+0000","event_type":"dns","dns":{"version":3,"type":"response","rcode":"NOERROR","queries":[{"rrname":"bad.example.com","rrtype":"A"}],"answers":[{"rrname":"bad.example.com","rrtype":"A","ttl":1,"rdata":"999.0.0.1"}]}}
{"timestamp":"2023-11-14T22:13:26.000000+0000","event_type":"dns","dns":{"type":"answer"
{"event_type":"dns","dns":{"type":"answer","rrname":"x.example.com","rrtype":"A","rdata":"192.0.2.1"}}
{"timestamp":"2023-11-14T22:13:26.000000+0000","event_type":"dns","dns":{"type":"mystery"}}
\.
SELECT * FROM stored;
SELECT rrname, rrtype, rcode, count FROM negative_observations ORDER BY rrname;
-- The client is the side that is not port 53, whatever the event's direction.
SELECT count(*) AS client_rows, count(DISTINCT client) AS clients FROM client_observations;
SELECT reason, convert_from(raw, 'UTF8') AS raw FROM rejects ORDER BY id;

-- Eve v1 logs one event per RR: consecutive events of one response (the
-- same flow_id, dns.id and tx_id, time, client, name and type) are one
-- RRset, as the lines of the line formats are; another response's events
-- are not joined to it.  Events with none of the three cannot be told
-- from another response's: joined the same way, but flagged lossy (the set
-- may be partial, or mixed).
COPY suricata_in FROM STDIN WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
{"timestamp":"2023-11-15T08:00:00.000000+0000","flow_id":100,"event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5000,"dns":{"type":"answer","id":1,"tx_id":0,"rrname":"www.v1.example.com","rrtype":"CNAME","ttl":60,"rdata":"v1.example.com"}}
{"timestamp":"2023-11-15T08:00:00.000000+0000","flow_id":100,"event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5000,"dns":{"type":"answer","id":1,"tx_id":0,"rrname":"v1.example.com","rrtype":"A","ttl":60,"rdata":"192.0.2.11"}}
{"timestamp":"2023-11-15T08:00:00.000000+0000","flow_id":100,"event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5000,"dns":{"type":"answer","id":1,"tx_id":0,"rrname":"v1.example.com","rrtype":"A","ttl":60,"rdata":"192.0.2.12"}}
{"timestamp":"2023-11-15T08:00:00.000000+0000","flow_id":100,"event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5000,"dns":{"type":"answer","id":2,"tx_id":1,"rrname":"v1.example.com","rrtype":"A","ttl":60,"rdata":"192.0.2.13"}}
{"timestamp":"2023-11-15T08:00:01.000000+0000","event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5001,"dns":{"type":"answer","rrname":"noid.v1.example.com","rrtype":"A","ttl":60,"rdata":"192.0.2.21"}}
{"timestamp":"2023-11-15T08:00:01.000000+0000","event_type":"dns","src_ip":"10.0.0.53","src_port":53,"dest_ip":"10.0.0.7","dest_port":5001,"dns":{"type":"answer","rrname":"noid.v1.example.com","rrtype":"A","ttl":60,"rdata":"192.0.2.22"}}
\.
SELECT * FROM stored WHERE rrname <<= 'v1.example.com';
