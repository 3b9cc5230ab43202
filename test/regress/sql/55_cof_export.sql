-- COF export of lookups, strictly typed, and back in through the COF
-- importer: the same RRsets come back.
SET search_path = pdns, public;
SET timezone = 'UTC';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

INSERT INTO ingest_text VALUES
	(E'1700000000\tcof\t\t\twww.example.com\tA\t\t\t192.0.2.1\texample.com\t3'),
	(E'1700000500\tcof\t\t\twww.example.com\tA\t\t\t192.0.2.1\texample.com'),
	(E'1700000000\tcof\t\t\texample.com\tMX\t\t\t10 mail.example.com.\texample.com'),
	(E'1700000000\tcof\t\t\t.\tNS\t\t\ta.root-servers.net.');
INSERT INTO ingest_csv VALUES ('1700000000,cof,,,example.com,TXT,,,"""v=spf1 -all"" ""a \""b\"" \\ c"""');

SELECT to_cof(l) FROM lookup_rrset('www.example.com') l;
SELECT to_cof(l) FROM lookup_rrset('example.com') l ORDER BY l.rrtype;
SELECT to_cof(l) FROM lookup_rrset('.') l;

-- Strict types: numbers are numbers, rdata an array, names end in a dot.
SELECT bool_and(json_typeof(c -> 'count') = 'number' AND json_typeof(c -> 'time_first') = 'number'
                AND json_typeof(c -> 'time_last') = 'number' AND json_typeof(c -> 'rdata') = 'array'
                AND c ->> 'rrname' LIKE '%.' AND (c ->> 'bailiwick' IS NULL OR c ->> 'bailiwick' LIKE '%.'))
       AS strictly_typed
FROM (SELECT to_cof(l) AS c FROM lookup_rrset('*.') l) s;

-- Round trip: export everything, import it again into an empty store.
CREATE TEMP TABLE exported AS
SELECT to_cof(l)::text AS line, l.rrname, l.rrtype, l.rdata, l.count, l.time_first, l.time_last
FROM (SELECT * FROM lookup_rrset('*.') UNION ALL SELECT * FROM lookup_rrset('.')) l;
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;
INSERT INTO cof_in SELECT line FROM exported;
SELECT e.rrname, e.rrtype, e.rdata = rdata(r.rdata) AS same_rdata, e.count = r.count AS same_count,
       e.time_first = r.time_first AND e.time_last = r.time_last AS same_window
FROM exported e LEFT JOIN rrsets r ON r.rrname = e.rrname AND r.rrtype = e.rrtype
ORDER BY 1, 2;
SELECT count(*) AS rejects FROM rejects;
