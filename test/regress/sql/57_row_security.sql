-- Row-level security: the SQL lookups apply the store's policies; the
-- address lookup, which reads the indexes itself, refuses to run where they
-- apply rather than return rows they would hide.
SET search_path = pdns, public;
CREATE ROLE pdns_rls_analyst IN ROLE pdns_analyst;
ALTER TABLE rrsets ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_example_com ON rrsets TO pdns_rls_analyst USING (rrname <<= 'example.com');
SELECT count(*) > 0 AS rows_outside_policy FROM rrsets WHERE NOT rrname <<= 'example.com';
SET ROLE pdns_rls_analyst;
SELECT count(*) AS outside_policy_seen FROM lookup_rrset('*.example.net');
SELECT count(*) AS addresses FROM lookup_rdata_ip('0.0.0.0/0');
RESET ROLE;
-- The owner (and a superuser) bypass the policies: the path runs.
SELECT count(*) > 0 AS owner_runs FROM lookup_rdata_ip('0.0.0.0/0');
DROP POLICY only_example_com ON rrsets;
ALTER TABLE rrsets DISABLE ROW LEVEL SECURITY;
DROP ROLE pdns_rls_analyst;
