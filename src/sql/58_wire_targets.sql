-- Whole DNS messages (docs/sensors.md, "Packet captures and dnstap"):
-- pdns-capture, or any program that sees messages, COPYs them here.

CREATE FUNCTION _ingest_typed_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_typed_row' LANGUAGE C;

CREATE TABLE wire_in (
	time timestamptz,
	sensor text,
	client inet,
	client_port integer,
	server inet,
	server_port integer,
	transport text,
	message bytea
);
COMMENT ON TABLE wire_in IS
	'COPY target: one DNS message per row (a response''s answer and authority RRsets are observed)';
CREATE TRIGGER ingest BEFORE INSERT ON wire_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('wire');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

CREATE TABLE wire_rejects_in (
	time timestamptz,
	sensor text,
	source text,
	reason text,
	raw bytea
);
COMMENT ON TABLE wire_rejects_in IS
	'COPY target: traffic a capture program could not frame (kept in pdns.rejects)';
CREATE TRIGGER ingest BEFORE INSERT ON wire_rejects_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('capture-reject');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_rejects_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

-- Lines of any of the line formats (57_sensor_targets.sql, 52_ingest.sql), as octets: what pdns-load sends
-- (docs/ingest.md, "Loading lines").  No octet of a line can make COPY
-- itself fail, so a bad line is a reject and never costs its neighbours.
CREATE TABLE raw_lines_in (format text, line bytea);
COMMENT ON TABLE raw_lines_in IS
	'COPY target: one line of a format (native-text, native-csv, passivedns, zeek, suricata, cof) as octets';
CREATE TRIGGER ingest BEFORE INSERT ON raw_lines_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('raw-lines');
CREATE TRIGGER ingest_merge AFTER INSERT ON raw_lines_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

GRANT INSERT ON wire_in, wire_rejects_in, raw_lines_in TO pdns_ingest;
