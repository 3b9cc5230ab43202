-- pdns-api's side in SQL: keys (hashes only), the admission of a request
-- (key, quotas, concurrency slot), its end (results counted, audit row),
-- the append-only audit trail, and the objects it prints.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET client_min_messages = warning;
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;
INSERT INTO ingest_text VALUES
	(E'1700000000\tapi\t\t\twww.example.com\tA\t\t\t192.0.2.1\texample.com\t3'),
	(E'1700090000\tapi\t\t\twww.example.com\tA\t\t\t192.0.2.1\texample.com\t2'),
	(E'1700000000\tapi\t\t\texample.com\tMX\t\t\t10 mail.example.com.\texample.com');
DROP ROLE IF EXISTS api_reader, api_super;
CREATE ROLE api_reader IN ROLE pdns_analyst;
CREATE ROLE api_super SUPERUSER;
RESET client_min_messages;

-- A key: shown once, stored as its SHA-256 only.
SELECT api_key_create('reader', 'api_reader', queries_per_day => 2, results_per_day => 3,
                      max_limit => 2, max_concurrent => 1) AS key \gset
SELECT length(:'key') AS key_length, :'key' LIKE 'pdns\_%' AS prefixed;
SELECT name, role, key_hash = sha256(convert_to(:'key', 'UTF8')) AS hashed,
       queries_per_day, results_per_day, max_limit, max_concurrent
FROM api_keys;
SELECT pg_has_role('pdns_api', 'api_reader', 'MEMBER') AS gateway_may_act_as_it;
-- Refused: superusers, bad names, names taken.
SELECT api_key_create('root', 'api_super');
SELECT api_key_create('bad name', 'api_reader');
SELECT api_key_create('reader', 'api_reader');

-- Admission: unknown, missing, good.
SELECT status, message, key_name, role FROM _api_begin('nope', '192.0.2.9', 'lookup', '', 10, true);
SELECT status, message FROM _api_begin(NULL, '192.0.2.9', 'lookup', '', 10, true);
SELECT status, message, key_name, role, slot, max_results, offset_max
FROM _api_begin(:'key', '192.0.2.9', 'lookup', 'limit=10', 10, true) \gset a_
SELECT :a_status AS status, :'a_role' AS role, :a_slot AS slot, :a_max_results AS max_results;
SELECT pg_advisory_unlock(k.id, 0),
       _api_end_batch(ARRAY[k.id], ARRAY[true], ARRAY[now()], ARRAY[inet '192.0.2.0'], ARRAY['lookup'],
                      ARRAY['limit=10'], ARRAY[200], ARRAY[2::bigint], ARRAY[NULL], ARRAY[1.5::float8])
FROM api_keys k WHERE k.name = 'reader';
-- The daily results quota shrinks the next limit; then the query quota is spent.
SELECT status, max_results FROM _api_begin(:'key', '192.0.2.9', 'lookup', '', 10, true);
SELECT pg_advisory_unlock(k.id, 0),
       _api_end_batch(ARRAY[k.id], ARRAY[true], ARRAY[now()], ARRAY[inet '192.0.2.0'], ARRAY['lookup'],
                      ARRAY[''], ARRAY[200], ARRAY[1::bigint], ARRAY[NULL], ARRAY[1.5::float8])
FROM api_keys k WHERE k.name = 'reader';
SELECT status, message ~ 'daily (query|result) quota of \d+ exhausted' AS quota_message
FROM _api_begin(:'key', '192.0.2.9', 'lookup', '', 10, true);
SELECT name, queries_today, results_today FROM api_key_status;
-- rate_limit is not counted, and reports in DNSDB's shape.
SELECT status FROM _api_begin(:'key', '192.0.2.9', 'rate_limit', '', NULL, false);
SELECT r -> 'rate' ->> 'limit' AS "limit", r -> 'rate' ->> 'remaining' AS remaining,
       r -> 'rate' ->> 'results_max' AS results_max, json_typeof(r -> 'rate' -> 'reset') AS reset
FROM (SELECT _api_rate_limit(id) AS r FROM api_keys WHERE name = 'reader') s;
SELECT api_key_set_limits('reader', unlimited => true);
SELECT _api_rate_limit(id) FROM api_keys WHERE name = 'reader';
SELECT api_key_set_limits('nobody', max_limit => 5);
SELECT status FROM _api_begin(:'key', '192.0.2.9', 'lookup', '', 10, true);
SELECT pg_advisory_unlock_all();
-- Revoked at once.
SELECT api_key_revoke('reader'), api_key_revoke('reader');
SELECT status, message FROM _api_begin(:'key', '192.0.2.9', 'lookup', '', 10, true);

-- The audit: every request, refused or served, with the client address
-- pseudonymized; append-only.
SELECT endpoint, parameters, status, rows, duration_ms, key_name, role,
       client <> '192.0.2.9' AS not_in_the_clear
FROM api_audit ORDER BY id;
UPDATE api_audit SET status = 200;
DELETE FROM api_audit;
TRUNCATE api_audit;
SELECT api_audit_expire() AS expired;
-- Failed authentications from one address are limited.
SELECT count(*) FROM generate_series(1, 10) i,
	LATERAL _api_begin('nope', '198.51.100.7', 'lookup', 'try=' || i, 10, true) a WHERE a.status = 401;
SELECT status, message FROM _api_begin('nope', '198.51.100.7', 'lookup', '', 10, true);
SELECT status, message FROM _api_begin(NULL, '198.51.100.8', 'lookup', '', 10, true);

-- What pdns-api prints: DNSDB objects (epoch or human times), summaries,
-- and aggr=false's split by period.
SELECT dnsdb_object(l) FROM lookup_rrset('www.example.com') l;
SELECT dnsdb_object(l, humantime => true) FROM lookup_rrset('www.example.com') l;
SELECT dnsdb_summary(summarize(array(SELECT l FROM lookup_rrset('*.example.com') l)));
SELECT dnsdb_object(u) FROM lookup_rrset('www.example.com') l, unaggregated(l) u;
SELECT dnsdb_object(u) FROM lookup_rrset('www.example.com') l,
	unaggregated(l, time_first_after => '1700050000') u;

-- What the explorer draws: volume per period (a name, or a name and all
-- below it), with negative answers; enrichment of an address while seen.
INSERT INTO ingest_text VALUES
	(E'1700000000\tapi\t\t\tnx.example.com\tA\t\t\t\texample.com\t4\tNXDOMAIN');
SELECT * FROM volume_by_period('www.example.com');
SELECT * FROM volume_by_period('example.com', below => true);
SELECT explorer_volume('example.com', true);
SELECT explorer_volume('no..name', false);
SELECT enrichment_version('whois', 'registry', 'v1', '2023-01-01') IS NOT NULL AS source_made;
INSERT INTO ip_enrichment (source_id, network, valid, asn, as_org, country, record)
SELECT id, '192.0.2.0/24', valid, 64500, 'Example AS', 'NL', '{}' FROM enrichment_source;
SELECT explorer_enrichment('192.0.2.1', '1700000000', '1700090000');
SELECT count(*) FROM explorer_enrichment('192.0.2.1', '1600000000', '1600090000');

-- Privileges: analysts see nothing of keys or audit; pdns_api only gates.
SELECT has_table_privilege('pdns_analyst', 'api_audit', 'SELECT') AS analyst_reads_audit,
       has_table_privilege('pdns_admin', 'api_audit', 'DELETE') AS admin_deletes_audit,
       has_table_privilege('pdns_analyst', 'api_keys', 'SELECT') AS analyst_reads_keys,
       has_function_privilege('pdns_analyst', 'api_key_create(text, regrole, bigint, bigint, bigint, integer, timestamptz)', 'EXECUTE') AS analyst_makes_keys,
       has_function_privilege('pdns_api', '_api_begin(text, inet, text, text, bigint, boolean)', 'EXECUTE') AS gateway_admits,
       has_function_privilege('pdns_analyst', '_api_begin(text, inet, text, text, bigint, boolean)', 'EXECUTE') AS analyst_admits;

-- (clean up: keys and audit rows go with their tables' owner only)
SET client_min_messages = warning;
ALTER TABLE api_audit DISABLE TRIGGER USER;
DELETE FROM api_audit;
ALTER TABLE api_audit ENABLE TRIGGER USER;
DELETE FROM api_keys;
DELETE FROM ip_enrichment;
DELETE FROM enrichment_source;
REVOKE api_reader FROM pdns_api;
DROP ROLE api_reader, api_super;
