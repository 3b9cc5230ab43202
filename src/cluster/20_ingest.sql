-- Ingestion through the coordinator (docs/scale-out.md): COPY into
-- pdns_cluster.ingest_text (raw native lines, as pdns.ingest_text takes
-- them) or pdns_cluster.native_in (the twelve columns of pdns.native_in).
-- Each line goes to the shard of its owner's registered domain: it waits
-- in that shard's batch on the coordinator, and the batch is inserted into
-- the same target on that shard through postgres_fdw (in statements of up
-- to 5000 lines), in this transaction.
-- postgres_fdw commits the shards' transactions when this one commits, so
-- a COPY that fails on any shard (a shard killed mid-COPY) leaves nothing
-- on any shard, and the sensor sends its batch again: nothing is counted
-- twice.  The shards only append runs; their own compaction merges them.
-- A line whose owner is not a name goes to shard 0, which rejects it with
-- its reason, as one server would; a line that names no sensor gets this
-- session's pdns.sensor (the shards' sessions have none).

CREATE VIEW ingest_text AS SELECT NULL::text AS line WHERE false;
COMMENT ON VIEW ingest_text IS
	'COPY target on the coordinator: native lines, each sent to the shard of its owner (docs/scale-out.md)';

CREATE VIEW native_in AS
SELECT NULL::text AS time, NULL::text AS sensor, NULL::text AS client, NULL::text AS server,
       NULL::text AS rrname, NULL::text AS rrtype, NULL::text AS class, NULL::text AS ttl,
       NULL::text AS rdata, NULL::text AS bailiwick, NULL::text AS count, NULL::text AS rcode
WHERE false;
COMMENT ON VIEW native_in IS
	'COPY target on the coordinator: the native layout in columns, each line sent to the shard of its owner';

-- The triggers (src/pg/cluster_route.c): each row goes into its shard's
-- batch, and a batch is sent when it holds pdns.cluster_batch_size (8 MB)
-- and when the statement ends.
CREATE FUNCTION _route_row() RETURNS trigger
	AS '$libdir/pdns', 'pdns_cluster_route_row' LANGUAGE C;
CREATE FUNCTION _route_send() RETURNS trigger
	AS '$libdir/pdns', 'pdns_cluster_route_send' LANGUAGE C;

CREATE TRIGGER route INSTEAD OF INSERT ON ingest_text FOR EACH ROW
	EXECUTE FUNCTION _route_row();
CREATE TRIGGER route_send AFTER INSERT ON ingest_text FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();
CREATE TRIGGER route INSTEAD OF INSERT ON native_in FOR EACH ROW
	EXECUTE FUNCTION _route_row();
CREATE TRIGGER route_send AFTER INSERT ON native_in FOR EACH STATEMENT
	EXECUTE FUNCTION _route_send();

GRANT INSERT ON ingest_text, native_in TO pdns_ingest;
