-- Raw lines are carried intact by COPY ... WITH (FORMAT csv, DELIMITER
-- E'\x01', QUOTE E'\x02', ENCODING 'LATIN1'): backslashes, double quotes,
-- "||" inside TXT data, tabs and non-UTF-8 octets reach the parsers byte
-- for byte, land exactly, or are kept verbatim in rejects.  The inputs are
-- written as base64 so that this file states their octets exactly.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

-- One TXT string of 8 octets: a \ b TAB " | | 0xE9, sent four ways.
-- passivedns (ldns presentation: \\ and \" escapes, a raw tab and a raw
-- 0xE9 inside the quotes, "||" inside the data), plus a line whose query
-- holds the octets 0xFF 0xFE and whose address is bad:
\copy passivedns_in from program 'echo MTcwMDAwMDAwMHx8MTAuMC4wLjF8fDEwLjAuMC41M3x8SU58fHNhbWUuZXhhbXBsZS58fFRYVHx8ImFcXGIJXCJ8fOkifHw2MHx8MQoxNzAwMDAwMDAwfHwxMC4wLjAuMXx8MTAuMC4wLjUzfHxJTnx8//4uZXhhbXBsZS58fEF8fDEuMi4zLjk5OXx8NjB8fDEK | base64 -d' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
-- Suricata (JSON escapes \\ \t \", and its \\xe9 for a non-UTF-8 octet):
\copy suricata_in from program 'echo eyJ0aW1lc3RhbXAiOiIyMDIzLTExLTE0VDIyOjEzOjIwWiIsImV2ZW50X3R5cGUiOiJkbnMiLCJkbnMiOnsidHlwZSI6ImFuc3dlciIsInJybmFtZSI6InNhbWUuZXhhbXBsZSIsInJydHlwZSI6IlRYVCIsInR0bCI6MSwicmRhdGEiOiJhXFxiXHRcInx8XFx4ZTkifX0K | base64 -d' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
-- Zeek TSV ("TXT 8 a\x5cb\x09"||\xe9", with its header):
\copy zeek_in from program 'echo I3NlcGFyYXRvciBceDA5CiNmaWVsZHMJdHMJcXVlcnkJcXR5cGUJcmNvZGUJYW5zd2VycwoxNzAwMDAwMDAwCXNhbWUuZXhhbXBsZQkxNgkwCVRYVCA4IGFceDVjYlx4MDkifHxceGU5Cg== | base64 -d' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
-- COF (a JSON string holding the presentation "a\\b\009\"||\233"):
\copy cof_in from program 'echo eyJ0aW1lX2ZpcnN0IjoxNzAwMDAwMDAwLCJ0aW1lX2xhc3QiOjE3MDAwMDAwMDAsInJydHlwZSI6IlRYVCIsInJybmFtZSI6InNhbWUuZXhhbXBsZSIsInJkYXRhIjoiXCJhXFxcXGJcXDAwOVxcXCJ8fFxcMjMzXCIifQo= | base64 -d' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')

-- Four sightings of one string, exact (passivedns's TXT is flagged lossy:
-- it logs only the first string of an RR; so is the Suricata v1 event,
-- which carries no flow or transaction id to tell its response by).
SELECT rrname, rdata(rdata), lossy, count FROM rrsets ORDER BY lossy;
SELECT bool_and((rdata(rdata))[1] = E'"a\\\\b\\009\\"||\\233"') AS exact_octets FROM rrsets;
-- The reject keeps the line's raw octets, 0xFF 0xFE included -- but for its
-- client address, pseudonymized (docs/privacy.md, "Rejects").
SELECT target, reason,
       raw = overlay('\x313730303030303030307c7c31302e302e302e317c7c31302e302e302e35337c7c494e7c7cfffe2e6578616d706c652e7c7c417c7c312e322e332e3939397c7c36307c7c31'::bytea
                     placing convert_to(host(pseudonymize('10.0.0.1')), 'UTF8') from 13 for 8) AS raw_exact
FROM rejects;
-- Without ENCODING 'LATIN1' the same bytes cannot pass as UTF-8: COPY fails
-- (the whole statement), which is why the option is part of the recipe.
\copy passivedns_in from program 'echo MTcwMDAwMDAwMHx8MTAuMC4wLjF8fDEwLjAuMC41M3x8SU58fHNhbWUuZXhhbXBsZS58fFRYVHx8ImFcXGIJXCJ8fOkifHw2MHx8MQo= | base64 -d' with (format csv, delimiter E'\x01', quote E'\x02')
-- and the text format would have unescaped the backslashes.
SET pdns.line_encoding = utf8;
\copy passivedns_in from program 'echo MTcwMDAwMDAwMHx8MTAuMC4wLjF8fDEwLjAuMC41M3x8SU58fHQuZXhhbXBsZS58fFRYVHx8ImFcXGIifHw2MHx8MQo= | base64 -d'
RESET pdns.line_encoding;
SELECT rrname, rdata(rdata) AS unescaped_by_text_format FROM rrsets WHERE rrname = 't.example';
