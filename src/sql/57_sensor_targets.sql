-- Ingestion targets for sensor logs (docs/sensors.md; the C side is
-- src/pg/ingest_{passivedns,zeek,suricata,cof}.c over the core parsers in
-- src/core/log_*.c).  Like the native targets they stay empty: each raw
-- line is parsed by the row trigger into this session's batch, rejected
-- lines go to pdns.rejects with the reason.  Load raw lines with
--
--   COPY pdns.zeek_in FROM STDIN
--       WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
--
-- so that COPY neither splits, unescapes nor re-encodes them.

CREATE VIEW passivedns_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW passivedns_in IS
	'COPY target: gamelinux passivedns log lines, text (pdns.passivedns_fields) or JSON';
SELECT _make_target('passivedns_in', 'passivedns');

CREATE VIEW zeek_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW zeek_in IS
	'COPY target: Zeek dns.log, TSV with its header lines, or JSON lines';
SELECT _make_target('zeek_in', 'zeek');

CREATE VIEW suricata_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW suricata_in IS
	'COPY target: Suricata eve.json lines (DNS events; others are ignored)';
SELECT _make_target('suricata_in', 'suricata');

CREATE VIEW cof_in AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW cof_in IS
	'COPY target: Passive DNS Common Output Format (COF) NDJSON';
SELECT _make_target('cof_in', 'cof');

GRANT INSERT ON passivedns_in, zeek_in, suricata_in, cof_in TO pdns_ingest;
