-- Roles with least privilege (docs/ingest.md, "Roles"):
--   pdns_ingest   may load the ingestion targets, nothing else;
--   pdns_analyst  may read the store and run lookups, and distinct-client
--                 counts, not which client asked;
--   pdns_admin    both, plus settings, maintenance and rejects;
--   pdns_incident may read the client log (record_clients = 'log'): which
--                 pseudonymized client asked for what, for incident
--                 response; nobody else may, pdns_admin neither.
-- Roles are cluster-wide: they are made if missing and outlive the extension.
-- The pseudonymization key is a superuser-only setting that none of them
-- can read.

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['pdns_ingest', 'pdns_analyst', 'pdns_admin', 'pdns_incident'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;
GRANT pdns_ingest, pdns_analyst TO pdns_admin;

GRANT USAGE ON SCHEMA pdns TO pdns_ingest, pdns_analyst;

REVOKE EXECUTE ON FUNCTION run_maintenance(),
	configure(interval, integer, interval, boolean, text, integer, bigint, interval, interval,
	          boolean, integer, boolean, boolean, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION run_maintenance(),
	configure(interval, integer, interval, boolean, text, integer, bigint, interval, interval,
	          boolean, integer, boolean, boolean, interval) TO pdns_admin;

GRANT INSERT ON ingest_text, ingest_csv TO pdns_ingest;

GRANT SELECT ON settings TO pdns_ingest;

GRANT SELECT ON settings, sensors, rrsets, rrset_sensors, rdata_addresses, rdata_names, rdata_elements,
	searchable_names, searchable_rdata,
	observations, negative_observations, rrset_history, ip_history, nameserver_history,
	name_volume, negative_volume TO pdns_analyst;
GRANT SELECT, DELETE ON rejects TO pdns_admin;
GRANT SELECT ON client_counts, client_activity TO pdns_analyst;
GRANT SELECT ON client_observations TO pdns_incident;
