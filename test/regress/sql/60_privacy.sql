-- pseudonymize(): keyed, prefix-preserving pseudonymization of addresses
-- (Crypto-PAn).  Published vectors through SQL, prefix preservation, IPv6,
-- networks, the key's life cycle, errors, and who may set or read the key.
SET search_path = pdns, public;

-- This file expects a server that does not preload pdns (as pg_regress and
-- pg_virtualenv clusters do): the ALTER SYSTEM check below relies on it.
SELECT current_setting('shared_preload_libraries') !~ 'pdns'
   AND current_setting('session_preload_libraries') !~ 'pdns' AS not_preloaded \gset
SELECT :'not_preloaded' AS not_preloaded;

-- Without a key: 22023 with a hint; no fingerprint; SHOW says nothing.
SELECT pseudonymize('192.0.2.1');
\set VERBOSITY sqlstate
SELECT pseudonymize('192.0.2.1');
\set VERBOSITY default
SELECT pseudonymization_key_fingerprint() IS NULL AS no_fingerprint;
SHOW pdns.pseudonymization_key;

-- Malformed keys are refused without echoing the value.
SET pdns.pseudonymization_key = 'abc';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a84220g';
SET pdns.pseudonymization_key = ' 1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET pdns.pseudonymization_key = '0x1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a8422';
SELECT pseudonymization_key_fingerprint() IS NULL AS still_no_key;

-- The key of the Crypto-PAn reference distribution (sample.cpp), in hex.
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SHOW pdns.pseudonymization_key;
SELECT current_setting('pdns.pseudonymization_key') AS shown_to_superuser;
SELECT count(*) AS rows_in_pg_settings FROM pg_settings WHERE name = 'pdns.pseudonymization_key';
-- The fingerprint is the first 16 hex digits of SHA-256 over the key bytes.
SELECT pseudonymization_key_fingerprint(),
       pseudonymization_key_fingerprint() = left(encode(sha256(decode(
           '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202', 'hex')), 'hex'), 16)
       AS is_sha256_prefix;
-- Upper-case digits are the same key.
SET pdns.pseudonymization_key = '1522178D33A4CF80130A5B1649907D10D8988F837979652762574C2D2A842202';
SELECT pseudonymization_key_fingerprint();

-- The sample trace's pairs (sample_trace_raw.dat / sample_trace_sanitized.dat
-- of the reference distribution), and IPv6 pairs under the same key that
-- other implementations agree on.
CREATE TABLE privacy_vectors (raw inet, sanitized inet);
INSERT INTO privacy_vectors VALUES
    ('128.11.68.132', '135.242.180.132'), ('129.118.74.4', '134.136.186.123'), ('130.132.252.244', '133.68.164.234'),
    ('141.223.7.43', '141.167.8.160'), ('141.233.145.108', '141.129.237.235'), ('152.163.225.39', '151.140.114.167'),
    ('156.29.3.236', '147.225.12.42'), ('165.247.96.84', '162.9.99.234'), ('166.107.77.190', '160.132.178.185'),
    ('192.102.249.13', '252.138.62.131'), ('192.215.32.125', '252.43.47.189'), ('192.233.80.103', '252.25.108.8'),
    ('192.41.57.43', '252.222.221.184'), ('193.150.244.223', '253.169.52.216'), ('195.205.63.100', '255.186.223.5'),
    ('198.200.171.101', '249.199.68.213'), ('198.26.132.101', '249.36.123.202'), ('198.36.213.5', '249.7.21.132'),
    ('198.51.77.238', '249.18.186.254'), ('199.217.79.101', '248.38.184.213'), ('202.49.198.20', '245.206.7.234'),
    ('203.12.160.252', '244.248.163.4'), ('204.184.162.189', '243.192.77.90'), ('204.202.136.230', '243.178.4.198'),
    ('204.29.20.4', '243.33.20.123'), ('205.178.38.67', '242.108.198.51'), ('205.188.147.153', '242.96.16.101'),
    ('205.188.248.25', '242.96.88.27'), ('205.245.121.43', '242.21.121.163'), ('207.105.49.5', '241.118.205.138'),
    ('207.135.65.238', '241.202.129.222'), ('207.155.9.214', '241.220.250.22'), ('207.188.7.45', '241.255.249.220'),
    ('207.25.71.27', '241.33.119.156'), ('207.33.151.131', '241.1.233.131'), ('208.147.89.59', '227.237.98.191'),
    ('208.234.120.210', '227.154.67.17'), ('208.28.185.184', '227.39.94.90'), ('208.52.56.122', '227.8.63.165'),
    ('209.12.231.7', '226.243.167.8'), ('209.238.72.3', '226.6.119.243'), ('209.246.74.109', '226.22.124.76'),
    ('209.68.60.238', '226.184.220.233'), ('209.85.249.6', '226.170.70.6'), ('212.120.124.31', '228.135.163.231'),
    ('212.146.8.236', '228.19.4.234'), ('212.186.227.154', '228.59.98.98'), ('212.204.172.118', '228.71.195.169'),
    ('212.206.130.201', '228.69.242.193'), ('216.148.237.145', '235.84.194.111'), ('216.157.30.252', '235.89.31.26'),
    ('216.184.159.48', '235.96.225.78'), ('216.227.10.221', '235.28.253.36'), ('216.254.18.172', '235.7.16.162'),
    ('216.32.132.250', '235.192.139.38'), ('216.35.217.178', '235.195.157.81'), ('24.0.250.221', '100.15.198.226'),
    ('24.13.62.231', '100.2.192.247'), ('24.14.213.138', '100.1.42.141'), ('24.5.0.80', '100.9.15.210'),
    ('24.7.198.88', '100.10.6.25'), ('24.94.26.44', '100.88.228.35'), ('38.15.67.68', '64.3.66.187'),
    ('4.3.88.225', '124.60.155.63'), ('63.14.55.111', '95.9.215.7'), ('63.195.241.44', '95.179.238.44'),
    ('63.97.7.140', '95.97.9.123'), ('64.14.118.196', '0.255.183.58'), ('64.34.154.117', '0.221.154.117'),
    ('64.39.15.238', '0.219.7.41'), ('10.185.25.118', '117.161.29.118'), ('129.69.205.36', '134.182.53.212'),
    ('129.69.215.37', '134.182.41.43'), ('127.0.0.1', '33.0.243.129'), ('0.0.0.0', '120.255.240.1'),
    ('10.0.1.128', '117.15.1.129'), ('169.254.100.50', '169.251.68.45'), ('255.255.255.255', '206.120.97.255'),
    ('::1', '78ff:f001:9fc0:20df:8380:b1f1:704:ed'), ('::2', '78ff:f001:9fc0:20df:8380:b1f1:704:ef'), ('::ffff', '78ff:f001:9fc0:20df:8380:b1f1:704:f838'),
    ('2001:db8::1', '4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e'), ('2001:db8::2', '4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c');
SELECT family(raw), count(*) AS vectors, count(*) FILTER (WHERE pseudonymize(raw) = sanitized) AS passed
FROM privacy_vectors GROUP BY 1 ORDER BY 1;
SELECT raw, pseudonymize(raw), sanitized FROM privacy_vectors
WHERE pseudonymize(raw) IS DISTINCT FROM sanitized;
SELECT raw, pseudonymize(raw) FROM privacy_vectors
WHERE raw IN ('128.11.68.132', '64.39.15.238', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1')
ORDER BY raw;

-- NULL in, NULL out; the same input always gives the same output.
SELECT pseudonymize(NULL) IS NULL AS strict;
SELECT count(DISTINCT pseudonymize('198.51.100.7')) AS distinct_results
FROM generate_series(1, 100);

-- Prefix preservation: random pairs sharing at least L bits for every L
-- (b = a's first L bits followed by c's), and fully random pairs.  The
-- common prefix, masklen(inet_merge(a, b)), is the same after
-- pseudonymization.
SELECT setseed(0.42);
CREATE TEMP TABLE privacy_addrs AS
SELECT n, fam,
       CASE fam WHEN 4 THEN '0.0.0.0'::inet + (random() * 4294967295)::bigint
                ELSE regexp_replace(md5(random()::text), '(....)(?!$)', '\1:', 'g')::inet END AS a,
       CASE fam WHEN 4 THEN '0.0.0.0'::inet + (random() * 4294967295)::bigint
                ELSE regexp_replace(md5(random()::text), '(....)(?!$)', '\1:', 'g')::inet END AS c
FROM generate_series(1, 1300) n, (VALUES (4), (6)) f(fam);
CREATE TEMP TABLE privacy_pairs AS
SELECT fam, l, a, (a & m) | (c & ~m) AS b
FROM (SELECT fam, a, c, n % (CASE fam WHEN 4 THEN 33 ELSE 129 END) AS l FROM privacy_addrs) s,
     LATERAL (SELECT netmask(set_masklen(CASE fam WHEN 4 THEN '0.0.0.0'::inet ELSE '::'::inet END, l)) AS m) mm
UNION ALL
SELECT fam, NULL, a, c FROM privacy_addrs;
SELECT fam, count(*) AS pairs,
       count(DISTINCT l) AS prefix_lengths_covered,
       count(*) FILTER (WHERE masklen(inet_merge(a, b)) >= coalesce(l, 0)) AS built_as_intended,
       count(*) FILTER (WHERE masklen(inet_merge(a, b))
                              = masklen(inet_merge(pseudonymize(a), pseudonymize(b)))) AS prefix_preserved
FROM privacy_pairs GROUP BY fam ORDER BY fam;

-- All 256 hosts of a /24 land, all distinct, in one /24: the pseudonym of
-- the network.  The same for 256 hosts of an IPv6 /120.
SELECT count(DISTINCT p) AS distinct_hosts,
       bool_and(p <<= pseudonymize('192.0.2.0/24')) AS inside_pseudonymized_net,
       pseudonymize('192.0.2.0/24') AS pseudonymized_net
FROM (SELECT pseudonymize('192.0.2.0'::inet + i) AS p FROM generate_series(0, 255) i) s;
SELECT count(DISTINCT p) AS distinct_hosts,
       bool_and(p <<= pseudonymize('2001:db8:1:2::/120')) AS inside_pseudonymized_net,
       pseudonymize('2001:db8:1:2::/120') AS pseudonymized_net
FROM (SELECT pseudonymize('2001:db8:1:2::'::inet + i) AS p FROM generate_series(0, 255) i) s;

-- Networks: the family and the prefix length are kept; a network (host
-- bits zero) maps to the network of its hosts' pseudonyms; an address with
-- a netmask and host bits is pseudonymized whole and keeps its netmask.
SELECT x, pseudonymize(x), masklen(pseudonymize(x)) = masklen(x) AS same_masklen
FROM (VALUES ('192.0.2.0/24'::inet), ('192.0.2.77/24'), ('192.0.2.77/32'), ('10.0.0.0/8'),
             ('0.0.0.0/0'), ('::/0'), ('2001:db8::/32'), ('2001:db8::1/64'), ('2001:db8::1/128')) v(x);
SELECT fam, count(*) AS prefixes,
       count(*) FILTER (WHERE pseudonymize(network(set_masklen(a, l)))
                              = network(set_masklen(pseudonymize(a), l))) AS network_of_pseudonyms,
       count(*) FILTER (WHERE set_masklen(a, l) <> network(set_masklen(a, l))) AS with_host_bits,
       count(*) FILTER (WHERE set_masklen(a, l) <> network(set_masklen(a, l))
                          AND pseudonymize(set_masklen(a, l))
                              = set_masklen(pseudonymize(a), l)) AS host_keeps_netmask
FROM privacy_pairs WHERE l IS NOT NULL GROUP BY fam ORDER BY fam;
-- A cidr argument is accepted (as inet) and casts back.
SELECT pseudonymize('192.0.2.0/24'::cidr)::cidr AS cidr_result;

-- A second key, with vectors from node-cryptopan's tests.
\set other_key 8009ab3a605435bea0c385bea18485d8b0a1103d6590bdf48c968be5de53836e

-- The key's life cycle: another key gives other pseudonyms; SET LOCAL is
-- undone at rollback; RESET forgets the key.
SELECT pseudonymize('128.11.68.132') AS with_sample_key \gset
BEGIN;
SET LOCAL pdns.pseudonymization_key = :'other_key';
SELECT pseudonymize('123.123.123.123') AS with_other_key, pseudonymization_key_fingerprint();
ROLLBACK;
SELECT pseudonymize('128.11.68.132') = :'with_sample_key' AS sample_key_back;
RESET pdns.pseudonymization_key;
SELECT pseudonymize('128.11.68.132');
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';

-- generate_pseudonymization_key(): 64 hex digits, fresh each call, usable.
SELECT k ~ '^[0-9a-f]{64}$' AS well_formed, k <> generate_pseudonymization_key() AS fresh
FROM generate_pseudonymization_key() k;
SELECT generate_pseudonymization_key() AS new_key \gset
BEGIN;
SET LOCAL pdns.pseudonymization_key = :'new_key';
SELECT pseudonymization_key_fingerprint() = left(encode(sha256(decode(:'new_key', 'hex')), 'hex'), 16)
       AS fingerprint_matches;
ROLLBACK;

-- Parallel workers get the key with the rest of the session's settings
-- (the leader stays out of the scan, so the workers do the work).
-- Under valgrind on a loaded machine a launch can fail; the check retries,
-- and says what plan it got if no attempt launched a worker.  The table
-- asks for two workers: once autovacuum has counted its one page, the
-- planner would give it one, which without the leader costs as much as
-- no worker, and a serial plan could win the tie.
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    plan text;
    launched integer;
BEGIN
    FOR attempt IN 1..5 LOOP
        EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || query INTO plan;
        launched := (SELECT max(m[1]::integer)
                     FROM regexp_matches(plan, '"Workers Launched": (\d+)', 'g') m);
        IF launched > 0 THEN
            RETURN launched;
        END IF;
        PERFORM pg_sleep(attempt);
    END LOOP;
    RAISE NOTICE 'no worker launched in 5 attempts; last plan: %', plan;
    RETURN coalesce(launched, 0);
END $$;
ALTER TABLE privacy_vectors SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM privacy_vectors WHERE pseudonymize(raw) = sanitized;
SELECT count(*) AS passed_in_parallel FROM privacy_vectors WHERE pseudonymize(raw) = sanitized;
SELECT pg_temp.workers_launched('SELECT count(*) FROM privacy_vectors WHERE pseudonymize(raw) = sanitized') > 0
       AS workers_launched;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- A role without privileges may not call pseudonymize() at all (it could
-- test guesses against stored pseudonyms); a member of pdns_admin uses the
-- key through it and gets what the superuser gets -- and neither can set
-- nor read the key.
CREATE ROLE regress_pdns_analyst;
GRANT USAGE ON SCHEMA pdns TO regress_pdns_analyst;
GRANT SELECT ON privacy_vectors TO regress_pdns_analyst;
SET ROLE regress_pdns_analyst;
SELECT pseudonymize('192.0.2.1');
RESET ROLE;
GRANT pdns_admin TO regress_pdns_analyst;
SET ROLE regress_pdns_analyst;
SELECT count(*) FILTER (WHERE pseudonymize(raw) = sanitized) AS same_as_superuser
FROM privacy_vectors;
SELECT pseudonymization_key_fingerprint();
SELECT length(generate_pseudonymization_key()) AS may_generate;
SET pdns.pseudonymization_key = :'other_key';
SET pdns.pseudonymization_key = '';
RESET pdns.pseudonymization_key;
SELECT set_config('pdns.pseudonymization_key', :'other_key', false);
SHOW pdns.pseudonymization_key;
SELECT current_setting('pdns.pseudonymization_key');
SELECT current_setting('pdns.pseudonymization_key', true);
SELECT count(*) AS rows_in_pg_settings FROM pg_settings WHERE name = 'pdns.pseudonymization_key';
ALTER ROLE regress_pdns_analyst SET pdns.pseudonymization_key = :'other_key';
SELECT format('ALTER ROLE regress_pdns_analyst IN DATABASE %I SET pdns.pseudonymization_key = %L',
              current_database(), :'other_key') \gexec
CREATE FUNCTION pg_temp.with_key() RETURNS int LANGUAGE sql
    SET pdns.pseudonymization_key = :'other_key'
    AS 'SELECT 1';
-- still the superuser's key
SELECT pseudonymization_key_fingerprint();
RESET ROLE;

-- ... nor in a database of its own.
CREATE DATABASE regress_pdns_owned OWNER regress_pdns_analyst;
SET ROLE regress_pdns_analyst;
ALTER DATABASE regress_pdns_owned SET pdns.pseudonymization_key = :'other_key';
RESET ROLE;
DROP DATABASE regress_pdns_owned;

-- Members of pg_read_all_settings, who may read superuser-only settings,
-- learn only that a key is set.
CREATE ROLE regress_pdns_monitor IN ROLE pg_read_all_settings;
SET ROLE regress_pdns_monitor;
SHOW pdns.pseudonymization_key;
SELECT current_setting('pdns.pseudonymization_key');
SELECT count(*) AS rows_in_pg_settings FROM pg_settings WHERE name = 'pdns.pseudonymization_key';
RESET ROLE;

-- Not even a superuser may store the key where every role can read it:
-- per role, per database, per function.
ALTER ROLE regress_pdns_analyst SET pdns.pseudonymization_key = :'other_key';
ALTER ROLE ALL SET pdns.pseudonymization_key = :'other_key';
SELECT format('ALTER DATABASE %I SET pdns.pseudonymization_key = %L',
              current_database(), :'other_key') \gexec
CREATE FUNCTION pg_temp.with_key() RETURNS int LANGUAGE sql
    SET pdns.pseudonymization_key = :'other_key'
    AS 'SELECT 1';
-- An empty value (no key) may go there; it reveals nothing.
ALTER ROLE regress_pdns_analyst SET pdns.pseudonymization_key = '';
ALTER ROLE regress_pdns_analyst RESET pdns.pseudonymization_key;
SELECT count(*) AS stored_keys FROM pg_db_role_setting
WHERE array_to_string(setconfig, ' ') LIKE '%pdns.pseudonymization_key%';

-- In the server configuration only when pdns is preloaded (else sessions
-- that have not loaded pdns yet could read it); a malformed key never.
-- Both fail before anything is written.
\if :not_preloaded
ALTER SYSTEM SET pdns.pseudonymization_key = :'other_key';
\endif
ALTER SYSTEM SET pdns.pseudonymization_key = 'not-a-key';

DROP TABLE privacy_vectors;
DROP OWNED BY regress_pdns_analyst;
DROP ROLE regress_pdns_analyst;
DROP ROLE regress_pdns_monitor;

-- A key a superuser stored per database while pdns was not loaded (so
-- nothing could check it) is refused when pdns loads: the next session
-- warns, has no key, and pseudonymize() fails closed.
\c
SELECT format('ALTER DATABASE %I SET pdns.pseudonymization_key = %L',
              current_database(), :'other_key') \gexec
\c
SELECT pdns.pseudonymize('192.0.2.1');
SELECT pdns.pseudonymization_key_fingerprint() IS NULL AS no_key;
SELECT format('ALTER DATABASE %I RESET pdns.pseudonymization_key', current_database()) \gexec
