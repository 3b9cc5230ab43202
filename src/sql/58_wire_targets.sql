-- Whole DNS messages (docs/sensors.md, "Packet captures and dnstap"):
-- pdns-capture, or any program that sees messages, COPYs them here.

CREATE FUNCTION _ingest_typed_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_typed_row' LANGUAGE C;

CREATE VIEW wire_in AS
SELECT NULL::timestamptz AS time, NULL::text AS sensor, NULL::inet AS client,
       NULL::integer AS client_port, NULL::inet AS server, NULL::integer AS server_port,
       NULL::text AS transport, NULL::bytea AS message
WHERE false;
COMMENT ON VIEW wire_in IS
	'COPY target: one DNS message per row (a response''s answer and authority RRsets are observed)';
CREATE TRIGGER ingest INSTEAD OF INSERT ON wire_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('wire');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

CREATE VIEW wire_rejects_in AS
SELECT NULL::timestamptz AS time, NULL::text AS sensor, NULL::text AS source,
       NULL::text AS reason, NULL::bytea AS raw
WHERE false;
COMMENT ON VIEW wire_rejects_in IS
	'COPY target: traffic a capture program could not frame (kept in pdns.rejects)';
CREATE TRIGGER ingest INSTEAD OF INSERT ON wire_rejects_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('capture-reject');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_rejects_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

-- Lines of any of the line formats (57_sensor_targets.sql, 52_ingest.sql), as octets: what pdns-load sends
-- (docs/ingest.md, "Loading lines").  No octet of a line can make COPY
-- itself fail, so a bad line is a reject and never costs its neighbours.
CREATE VIEW raw_lines_in AS SELECT NULL::text AS format, NULL::bytea AS line WHERE false;
COMMENT ON VIEW raw_lines_in IS
	'COPY target: one line of a format (native-text, native-csv, passivedns, zeek, suricata, cof) as octets';
CREATE TRIGGER ingest INSTEAD OF INSERT ON raw_lines_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('raw-lines');
CREATE TRIGGER ingest_merge AFTER INSERT ON raw_lines_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

-- The native layout as twelve columns: what plain COPY in its default text
-- format loads (\copy pdns.native_in FROM 'file'), COPY splitting and
-- unescaping the fields itself (docs/ingest.md).  Lines with fewer fields
-- name their columns: \copy pdns.native_in (time, ..., rdata) FROM 'file'.
CREATE VIEW native_in AS
SELECT NULL::text AS time, NULL::text AS sensor, NULL::text AS client, NULL::text AS server,
       NULL::text AS rrname, NULL::text AS rrtype, NULL::text AS class, NULL::text AS ttl,
       NULL::text AS rdata, NULL::text AS bailiwick, NULL::text AS count, NULL::text AS rcode
WHERE false;
COMMENT ON VIEW native_in IS
	'COPY target: the native layout (docs/ingest.md) in COPY''s own text format, one column per field';
CREATE TRIGGER ingest INSTEAD OF INSERT ON native_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('native-columns');
CREATE TRIGGER ingest_merge AFTER INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

GRANT INSERT ON wire_in, wire_rejects_in, raw_lines_in, native_in TO pdns_ingest;
