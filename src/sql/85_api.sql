-- The HTTP face of the store (pdns-api, docs/api.md): API keys, their
-- quotas, and the audit trail of every request.
--
-- pdns-api connects as a login role that is a member of pdns_api.  For each
-- request it calls _api_begin() with the key the client sent; that checks
-- the key and its daily quotas and takes one of the key's concurrency
-- slots (a session advisory lock, so a process that dies gives its slots
-- back with its connections), writing nothing unless it refuses; it names
-- the key's role.  The lookup then runs under SET ROLE to that role, so the
-- role's grants and row-level security policies decide what it sees.  At
-- its end pdns-api resets the role and gives the slot back, and
-- _api_end_batch() counts the query and its results and writes the audit
-- rows of the requests that ended meanwhile (at once when no other request
-- is in flight, else every 100 ms).  Quota state is in these tables, so
-- several pdns-api processes enforce one quota: a quota is kept to within
-- the requests in flight and those of the last 100 ms.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pdns_api') THEN
		CREATE ROLE pdns_api NOLOGIN;
	END IF;
END
$$;

CREATE TABLE api_settings (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	audit_retention interval NOT NULL DEFAULT '400 days' CHECK (audit_retention >= interval '1 day'),
	failed_auth_per_minute integer NOT NULL DEFAULT 10 CHECK (failed_auth_per_minute > 0)
);
INSERT INTO api_settings DEFAULT VALUES;
-- Dumped and restored like pdns.settings: the restored row takes the place
-- of the default one that CREATE EXTENSION made.
CREATE FUNCTION _api_settings_replace() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.api_settings;
	RETURN NEW;
END
$$;
CREATE TRIGGER replace_row BEFORE INSERT ON api_settings
	FOR EACH ROW EXECUTE FUNCTION _api_settings_replace();
COMMENT ON TABLE api_settings IS 'pdns-api settings kept in the database (one row)';
COMMENT ON COLUMN api_settings.audit_retention IS 'audit rows older than this are deleted by api_audit_expire()';
COMMENT ON COLUMN api_settings.failed_auth_per_minute IS
	'failed authentications from one client address per minute before it is answered 429';

CREATE TABLE api_keys (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
	key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
	role name NOT NULL,
	created timestamptz NOT NULL DEFAULT now(),
	created_by name NOT NULL DEFAULT current_user,
	expires timestamptz,
	revoked timestamptz,
	queries_per_day bigint CHECK (queries_per_day > 0),
	results_per_day bigint CHECK (results_per_day > 0),
	max_limit bigint NOT NULL DEFAULT 10000 CHECK (max_limit > 0),
	max_concurrent integer NOT NULL DEFAULT 4 CHECK (max_concurrent BETWEEN 1 AND 256)
);
COMMENT ON TABLE api_keys IS 'pdns-api keys (SHA-256 of the key only); make them with api_key_create()';
COMMENT ON COLUMN api_keys.queries_per_day IS 'queries per UTC day (NULL: unlimited)';
COMMENT ON COLUMN api_keys.results_per_day IS 'results returned per UTC day (NULL: unlimited)';
COMMENT ON COLUMN api_keys.max_limit IS 'the largest limit a query may ask for; larger limits are cut to it';
COMMENT ON COLUMN api_keys.max_concurrent IS 'requests of this key served at once, across every pdns-api process';

CREATE TABLE api_usage (
	key_id integer NOT NULL REFERENCES api_keys ON DELETE CASCADE,
	day date NOT NULL,
	queries bigint NOT NULL DEFAULT 0,
	results bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (key_id, day)
);
COMMENT ON TABLE api_usage IS 'queries and results per key and UTC day: the state of the daily quotas';

-- Append-only: rows are inserted by pdns-api's functions only, never
-- changed, and deleted only once older than api_settings.audit_retention.
CREATE TABLE api_audit (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time timestamptz NOT NULL,
	key_id integer,
	key_name text,
	role name,
	client inet,
	endpoint text NOT NULL,
	parameters text,
	status smallint NOT NULL,
	rows bigint NOT NULL DEFAULT 0,
	duration_ms double precision NOT NULL DEFAULT 0,
	message text
);
CREATE INDEX api_audit_time ON api_audit (time);
CREATE INDEX api_audit_failed ON api_audit (client, time) WHERE status IN (401, 403);
COMMENT ON TABLE api_audit IS 'every pdns-api request: who, what, how many rows, how long, with what status (append-only)';
COMMENT ON COLUMN api_audit.client IS
	'the caller''s address, pseudonymized when pdns.pseudonymization_key is set, else cut to its /24 or /48';
COMMENT ON COLUMN api_audit.parameters IS 'the query string as sent (the key is never in it: it travels in a header)';

CREATE FUNCTION _api_audit_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'DELETE' AND OLD.time < pg_catalog.now() -
	       (SELECT audit_retention FROM pdns.api_settings) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'the API audit trail is append-only'
		USING ERRCODE = 'insufficient_privilege',
		      DETAIL = 'Rows are deleted only once older than pdns.api_settings.audit_retention.';
END
$$;
CREATE TRIGGER api_audit_append_only BEFORE UPDATE OR DELETE ON api_audit
	FOR EACH ROW EXECUTE FUNCTION _api_audit_guard();
CREATE TRIGGER api_audit_no_truncate BEFORE TRUNCATE ON api_audit
	FOR EACH STATEMENT EXECUTE FUNCTION _api_audit_guard();

SELECT pg_catalog.pg_extension_config_dump('api_settings', '');
SELECT pg_catalog.pg_extension_config_dump('api_keys', '');
SELECT pg_catalog.pg_extension_config_dump('api_keys_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('api_usage', '');
SELECT pg_catalog.pg_extension_config_dump('api_audit', '');
SELECT pg_catalog.pg_extension_config_dump('api_audit_id_seq', '');

-- The caller's address as the audit keeps it.
CREATE FUNCTION _api_client(remote inet) RETURNS inet
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE WHEN remote IS NULL THEN NULL
	            WHEN pdns.pseudonymization_key_fingerprint() IS NOT NULL THEN pdns.pseudonymize(remote)
	            ELSE network(set_masklen(remote, CASE family(remote) WHEN 4 THEN 24 ELSE 48 END)) END;
END;

-- (api_key_create() hashes the same way, with its caller's rights)
CREATE FUNCTION _api_key_hash(key text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(key, 'UTF8')) $$;

-- ---------------------------------------------------------------------
-- Keys, for admins.

-- Makes a key for a role and returns it: the only time it is shown.  The
-- role must not be a superuser or bypass row-level security.  Runs with
-- the caller's rights: pdns_api is made a member of the role (so pdns-api
-- may SET ROLE to it) only if the caller may grant the role.
CREATE FUNCTION api_key_create(name text, role regrole,
	queries_per_day bigint DEFAULT 10000, results_per_day bigint DEFAULT 1000000,
	max_limit bigint DEFAULT 10000, max_concurrent integer DEFAULT 4,
	expires timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r pg_catalog.pg_roles;
	key text := 'pdns_' || pdns.generate_pseudonymization_key();
BEGIN
	IF name IS NULL OR name !~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' THEN
		RAISE EXCEPTION 'invalid API key name "%"', name
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A name is 1 to 64 letters, digits, ".", "_", "@" or "-", and starts with a letter or digit.';
	END IF;
	IF EXISTS (SELECT 1 FROM pdns.api_keys k WHERE k.name = api_key_create.name) THEN
		RAISE EXCEPTION 'an API key named "%" exists', name
			USING ERRCODE = 'unique_violation',
			      HINT = 'Revoke it and choose another name, or change its limits with pdns.api_key_set_limits().';
	END IF;
	SELECT * INTO r FROM pg_catalog.pg_roles WHERE oid = role;
	IF r.rolsuper OR r.rolbypassrls OR r.rolname IN ('pdns_api', 'pdns_ingest') THEN
		RAISE EXCEPTION 'an API key cannot act as role "%"', r.rolname
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'Keys act as roles without superuser or BYPASSRLS rights that read the store, such as pdns_analyst or a role made for the key.';
	END IF;
	IF NOT pg_catalog.pg_has_role('pdns_api', role, 'MEMBER') THEN
		EXECUTE format('GRANT %I TO pdns_api', r.rolname);
	END IF;
	INSERT INTO pdns.api_keys (name, key_hash, role, expires, queries_per_day, results_per_day,
	                           max_limit, max_concurrent)
	VALUES (api_key_create.name, pg_catalog.sha256(pg_catalog.convert_to(key, 'UTF8')),
	        r.rolname, api_key_create.expires,
	        api_key_create.queries_per_day, api_key_create.results_per_day,
	        api_key_create.max_limit, api_key_create.max_concurrent);
	RETURN key;
END
$$;
COMMENT ON FUNCTION api_key_create IS
	'a new pdns-api key acting as a role, with its quotas (NULL: unlimited); returns the key, which is stored only as a hash';

CREATE FUNCTION api_key_revoke(name text) RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	WITH r AS (
		UPDATE pdns.api_keys k SET revoked = now()
		WHERE k.name = api_key_revoke.name AND k.revoked IS NULL
		RETURNING 1)
	SELECT EXISTS (SELECT 1 FROM r);
END;
COMMENT ON FUNCTION api_key_revoke(text) IS 'revokes a key at once (every pdns-api process refuses it from its next request)';

CREATE FUNCTION api_key_set_limits(name text,
	queries_per_day bigint DEFAULT NULL, results_per_day bigint DEFAULT NULL,
	max_limit bigint DEFAULT NULL, max_concurrent integer DEFAULT NULL,
	unlimited boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE pdns.api_keys k SET
		queries_per_day = CASE WHEN unlimited THEN NULL
		                       ELSE coalesce(api_key_set_limits.queries_per_day, k.queries_per_day) END,
		results_per_day = CASE WHEN unlimited THEN NULL
		                       ELSE coalesce(api_key_set_limits.results_per_day, k.results_per_day) END,
		max_limit = coalesce(api_key_set_limits.max_limit, k.max_limit),
		max_concurrent = coalesce(api_key_set_limits.max_concurrent, k.max_concurrent)
	WHERE k.name = api_key_set_limits.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no API key named "%"', name USING ERRCODE = 'undefined_object';
	END IF;
END
$$;
COMMENT ON FUNCTION api_key_set_limits IS
	'changes a key''s quotas (NULL keeps one; unlimited => true lifts both daily quotas)';

CREATE VIEW api_key_status AS
SELECT k.name, k.role, k.created, k.created_by, k.expires, k.revoked,
       k.queries_per_day, k.results_per_day, k.max_limit, k.max_concurrent,
       coalesce(u.queries, 0) AS queries_today, coalesce(u.results, 0) AS results_today
FROM pdns.api_keys k
LEFT JOIN pdns.api_usage u ON u.key_id = k.id
     AND u.day = (pg_catalog.now() AT TIME ZONE 'UTC')::date;
COMMENT ON VIEW api_key_status IS 'every API key with its limits and today''s (UTC) use';

CREATE FUNCTION api_audit_expire() RETURNS bigint
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	WITH d AS (
		DELETE FROM pdns.api_audit
		WHERE time < now() - (SELECT audit_retention FROM pdns.api_settings)
		RETURNING 1)
	SELECT count(*) FROM d;
END;
COMMENT ON FUNCTION api_audit_expire() IS
	'deletes audit rows older than api_settings.audit_retention (pdns-api runs it hourly); returns how many';

-- ---------------------------------------------------------------------
-- The gateway, for pdns-api.

CREATE TYPE api_admission AS (
	status integer,		-- 200, or the HTTP status to answer with
	message text,
	key_id integer,
	key_name text,
	role name,
	slot integer,		-- the concurrency slot taken (NULL: none)
	max_results bigint,	-- the limit to use (the key's, the asked, the day's remainder)
	started timestamptz,
	offset_max bigint,	-- the largest offset (the key's max_limit)
	client inet			-- the caller's address as the audit keeps it
);

-- Admits a request (counted: a lookup; uncounted: rate_limit) or refuses
-- it, auditing a refusal at once.  An admitted request gives its slot back
-- on the same connection (it holds the slot's lock), and ends in
-- _api_end_batch().
CREATE FUNCTION _api_begin(key text, remote inet, endpoint text, parameters text,
	asked_limit bigint, counted boolean)
RETURNS api_admission
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a pdns.api_admission;
	k pdns.api_keys;
	locked boolean;
	used_queries bigint;
	used_results bigint;
	today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
	a.started := clock_timestamp();
	a.client := pdns._api_client(remote);
	-- one query for what every request needs: whether its address is
	-- locked out (failed authentications are the refusals of admission: a
	-- lookup a key's role may not make is audited with the role), its key,
	-- and the key's use today
	SELECT f.n >= s.failed_auth_per_minute, kk.id, kk.name, kk.role, kk.revoked, kk.expires,
	       kk.queries_per_day, kk.results_per_day, kk.max_limit, kk.max_concurrent,
	       u.queries, u.results
	INTO locked, k.id, k.name, k.role, k.revoked, k.expires, k.queries_per_day, k.results_per_day,
	     k.max_limit, k.max_concurrent, used_queries, used_results
	FROM pdns.api_settings s
	CROSS JOIN LATERAL (SELECT count(*) AS n FROM pdns.api_audit f
	                    WHERE f.client IS NOT DISTINCT FROM a.client AND f.status IN (401, 403)
	                      AND f.role IS NULL AND f.time > a.started - interval '1 minute') f
	LEFT JOIN pdns.api_keys kk ON kk.key_hash = pdns._api_key_hash(key)
	LEFT JOIN pdns.api_usage u ON u.key_id = kk.id AND u.day = today;
	a.key_id := k.id;
	a.key_name := k.name;
	IF locked THEN
		a.status := 429;
		a.message := 'too many failed authentications from this address; try again in a minute';
		a.key_id := NULL;
		a.key_name := NULL;
	ELSIF key IS NULL OR key = '' THEN
		a.status := 401;
		a.message := 'no API key: send it in the X-API-Key header';
	ELSIF k.id IS NULL THEN
		a.status := 401;
		a.message := 'unknown API key';
	ELSIF k.revoked IS NOT NULL THEN
		a.status := 403;
		a.message := 'API key revoked';
	ELSIF k.expires <= now() THEN
		a.status := 403;
		a.message := 'API key expired';
	ELSIF counted AND used_queries >= k.queries_per_day THEN
		a.status := 429;
		a.message := format('daily query quota of %s exhausted; it resets at %s UTC', k.queries_per_day,
		                    to_char((today + 1)::timestamp, 'YYYY-MM-DD HH24:MI'));
	ELSIF counted AND used_results >= k.results_per_day THEN
		a.status := 429;
		a.message := format('daily result quota of %s exhausted; it resets at %s UTC', k.results_per_day,
		                    to_char((today + 1)::timestamp, 'YYYY-MM-DD HH24:MI'));
	ELSIF counted THEN
		FOR s IN 0 .. k.max_concurrent - 1 LOOP
			IF pg_try_advisory_lock(k.id, s) THEN
				a.slot := s;
				EXIT;
			END IF;
		END LOOP;
		IF a.slot IS NULL THEN
			a.status := 429;
			a.message := format('concurrent request limit of %s reached', k.max_concurrent);
		END IF;
	END IF;
	IF a.status IS NOT NULL THEN
		INSERT INTO pdns.api_audit (time, key_id, key_name, client, endpoint, parameters, status, message)
		VALUES (a.started, a.key_id, a.key_name, a.client, endpoint, parameters, a.status, a.message);
		a.role := NULL;
	ELSE
		a.status := 200;
		a.role := k.role;
		a.offset_max := k.max_limit;
		a.max_results := least(coalesce(asked_limit, k.max_limit), k.max_limit,
		                       k.results_per_day - coalesce(used_results, 0));
	END IF;
	-- what the lookup sent after this (pdns-api pipelines them) may do:
	-- _api_assume() and api_admitted_fetch() read it
	PERFORM set_config('pdns.api_role', coalesce(a.role, ''), false),
	        set_config('pdns.api_fetch', coalesce(a.max_results::text, ''), false),
	        set_config('pdns.api_offset_max', coalesce(a.offset_max::text, ''), false);
	RETURN a;
END
$$;

-- The role _api_begin() admitted the request with (once): pdns-api sends
-- SET ROLE to it, and the lookup, after _api_begin() without waiting for
-- its answer; without an admission both fail.
CREATE FUNCTION _api_assume() RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r text := current_setting('pdns.api_role', true);
BEGIN
	IF r IS NULL OR r = '' THEN
		RAISE EXCEPTION 'the request was not admitted' USING ERRCODE = 'insufficient_privilege';
	END IF;
	PERFORM set_config('pdns.api_role', '', false);
	RETURN r;
END
$$;

-- What a lookup of an admitted request fetches: the results its admission
-- allows (the asked limit, the key's max_limit and what is left of its
-- daily results, the least of them) and the offset before them, which may
-- not pass the key's offset_max.  Runs as the key's role.
CREATE FUNCTION api_admitted_fetch("offset" bigint) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	allowed bigint := nullif(current_setting('pdns.api_fetch', true), '')::bigint;
	offset_max bigint := nullif(current_setting('pdns.api_offset_max', true), '')::bigint;
BEGIN
	IF allowed IS NULL THEN
		RAISE EXCEPTION 'no pdns-api admission in this session' USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF "offset" > offset_max THEN
		RAISE EXCEPTION 'offset % is larger than this key''s offset_max of %', "offset", offset_max
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN allowed + coalesce("offset", 0);
END
$$;
COMMENT ON FUNCTION api_admitted_fetch(bigint) IS
	'pdns-api: the rows the admitted request''s lookup fetches (its limit plus the offset)';

-- The ends of admitted requests, several at once (pdns-api gathers them
-- while it is busy, and writes them when it is not, or every 100 ms): the
-- counted queries and the results they returned added to the day's usage
-- of their keys, and their audit rows.  Their slots were given back as
-- each ended (pg_advisory_unlock).
CREATE FUNCTION _api_end_batch(key_ids integer[], counted boolean[], started timestamptz[],
	clients inet[], endpoints text[], parameters text[], statuses integer[], rows bigint[],
	messages text[], durations double precision[])
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	-- (rows locked in key order: two batches never deadlock)
	INSERT INTO pdns.api_usage AS u (key_id, day, queries, results)
	SELECT r.key_id, (r.started AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE r.counted),
	       coalesce(sum(r.rows), 0)
	FROM unnest(key_ids, counted, started, rows) r(key_id, counted, started, rows)
	WHERE r.key_id IS NOT NULL AND (r.counted OR r.rows > 0)
	GROUP BY 1, 2
	ORDER BY 1, 2
	ON CONFLICT (key_id, day) DO UPDATE
		SET queries = u.queries + excluded.queries, results = u.results + excluded.results;
	INSERT INTO pdns.api_audit (time, key_id, key_name, role, client, endpoint, parameters,
	                            status, rows, duration_ms, message)
	SELECT r.started, k.id, k.name, k.role, r.client, r.endpoint, r.parameters, r.status,
	       coalesce(r.rows, 0), r.duration_ms, r.message
	FROM unnest(key_ids, started, clients, endpoints, parameters, statuses, rows, messages, durations)
	     r(key_id, started, client, endpoint, parameters, status, rows, message, duration_ms)
	LEFT JOIN pdns.api_keys k ON k.id = r.key_id;
END;

-- A request refused before admission (its path or parameters are not
-- what the API takes): audited, with its key's name when the key is good.
CREATE FUNCTION _api_refused(key text, remote inet, endpoint text, parameters text,
	status integer, message text)
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	INSERT INTO pdns.api_audit (time, key_id, key_name, client, endpoint, parameters, status, message)
	SELECT clock_timestamp(), k.id, k.name, pdns._api_client(remote), endpoint, parameters, status, message
	FROM (SELECT 1) one
	LEFT JOIN pdns.api_keys k ON k.key_hash = pdns._api_key_hash(key);
END;

-- DNSDB's /rate_limit for a key: its daily quotas and what is left.
CREATE FUNCTION _api_rate_limit(key_id integer) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT json_build_object('rate', json_strip_nulls(json_build_object(
		'reset', CASE WHEN k.queries_per_day IS NULL THEN to_json('n/a'::text)
		              ELSE to_json(extract(epoch FROM ((now() AT TIME ZONE 'UTC')::date + 1)::timestamp
		                                   AT TIME ZONE 'UTC')::bigint) END,
		'limit', coalesce(to_json(k.queries_per_day), to_json('unlimited'::text)),
		'remaining', CASE WHEN k.queries_per_day IS NULL THEN to_json('n/a'::text)
		                  ELSE to_json(greatest(k.queries_per_day - coalesce(u.queries, 0), 0)) END,
		'expires', CASE WHEN k.expires IS NULL THEN NULL
		                ELSE to_json(extract(epoch FROM k.expires)::bigint) END,
		'results_max', k.max_limit,
		'offset_max', k.max_limit,
		'results_per_day', k.results_per_day,
		'results_remaining', CASE WHEN k.results_per_day IS NOT NULL
		                          THEN greatest(k.results_per_day - coalesce(u.results, 0), 0) END,
		'concurrent_max', k.max_concurrent)))
	FROM pdns.api_keys k
	LEFT JOIN pdns.api_usage u ON u.key_id = k.id AND u.day = (now() AT TIME ZONE 'UTC')::date
	WHERE k.id = _api_rate_limit.key_id;
END;

-- ---------------------------------------------------------------------
-- Answers as DNSDB API v2 prints them (one object of the Streaming API
-- Framing's "obj"); pdns-api runs these as the key's role.

CREATE FUNCTION dnsdb_time(t timestamptz, humantime boolean) RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN humantime
	            THEN to_json(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))
	            ELSE to_json(floor(extract(epoch FROM t))::bigint) END
$$;

CREATE FUNCTION dnsdb_object(result lookup_row, humantime boolean DEFAULT false) RETURNS json
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT json_strip_nulls(json_build_object(
		'count', result.count,
		'time_first', pdns.dnsdb_time(result.time_first, humantime),
		'time_last', pdns.dnsdb_time(result.time_last, humantime),
		'rrname', pdns.fqdn(result.rrname),
		'rrtype', result.rrtype::text,
		'bailiwick', pdns.fqdn(result.bailiwick),
		'rdata', to_json(result.rdata)))
$$;
COMMENT ON FUNCTION dnsdb_object(lookup_row, boolean) IS
	'a lookup result as DNSDB API v2 prints it (times as epoch seconds, or UTC text with humantime)';

CREATE FUNCTION dnsdb_summary(s lookup_summary, humantime boolean DEFAULT false) RETURNS json
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT json_strip_nulls(json_build_object(
		'count', s.count,
		'num_results', s.num_results,
		'time_first', pdns.dnsdb_time(s.time_first, humantime),
		'time_last', pdns.dnsdb_time(s.time_last, humantime)))
$$;
COMMENT ON FUNCTION dnsdb_summary(lookup_summary, boolean) IS 'a summarize answer as DNSDB API v2 prints it';

-- aggr=false: a result per period of the history tier (summed over
-- sensors) instead of one over all time, each within the fences.
CREATE FUNCTION unaggregated(result lookup_row,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT result.rrname, result.rrtype, result.bailiwick, result.rdata,
	       min(o.time_first), max(o.time_last), sum(o.count)::bigint, result.lossy,
	       result.truncated, result.cursor
	FROM pdns.rrsets r
	JOIN pdns.observations o ON o.rrset_key = r.key
	WHERE r.rrname = result.rrname AND r.rrtype = result.rrtype
	  AND r.bailiwick IS NOT DISTINCT FROM result.bailiwick
	  AND r.lossy = result.lossy AND pdns.rdata(r.rdata) = result.rdata
	GROUP BY o.period
	HAVING (time_first_before IS NULL OR min(o.time_first) <= pdns.fence(time_first_before))
	   AND (time_first_after IS NULL OR min(o.time_first) >= pdns.fence(time_first_after))
	   AND (time_last_before IS NULL OR max(o.time_last) <= pdns.fence(time_last_before))
	   AND (time_last_after IS NULL OR max(o.time_last) >= pdns.fence(time_last_after))
	ORDER BY o.period;
END;
COMMENT ON FUNCTION unaggregated(lookup_row, text, text, text, text) IS
	'a lookup result split by period of the history tier (DNSDB''s aggr=false), within time fences';

-- ---------------------------------------------------------------------
-- What the explorer page draws (docs/explorer.md), as pdns-api serves it
-- under /pdns/v1/: volume per period, and enrichment while seen.

-- Observations and negative answers per period of the history tier, for
-- one name or (below) a name and every name under it, as a JSON object
-- per period: {"period", "observations", "negative", "nxdomain"}.
CREATE FUNCTION volume_by_period(name dnsname, below boolean DEFAULT false)
RETURNS TABLE (period timestamptz, observations bigint, negative bigint, nxdomain bigint)
LANGUAGE plpgsql STABLE
-- one plan per branch: the name is an index bound in either
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
	IF below THEN
		RETURN QUERY
		SELECT v.period, sum(v.obs)::bigint, sum(v.neg)::bigint, sum(v.nx)::bigint
		FROM (SELECT o.period, o.count AS obs, 0::bigint AS neg, 0::bigint AS nx
		      FROM pdns.rrsets r JOIN pdns.observations o ON o.rrset_key = r.key
		      WHERE r.rrname OPERATOR(public.<<=) volume_by_period.name
		      UNION ALL
		      SELECT n.period, 0, n.count, CASE WHEN n.rcode = 3 THEN n.count ELSE 0 END
		      FROM pdns.negative_observations n
		      WHERE n.rrname OPERATOR(public.<<=) volume_by_period.name) v
		GROUP BY v.period ORDER BY v.period;
	ELSE
		RETURN QUERY
		SELECT v.period, sum(v.obs)::bigint, sum(v.neg)::bigint, sum(v.nx)::bigint
		FROM (SELECT o.period, o.count AS obs, 0::bigint AS neg, 0::bigint AS nx
		      FROM pdns.rrsets r JOIN pdns.observations o ON o.rrset_key = r.key
		      WHERE r.rrname OPERATOR(public.=) volume_by_period.name
		      UNION ALL
		      SELECT n.period, 0, n.count, CASE WHEN n.rcode = 3 THEN n.count ELSE 0 END
		      FROM pdns.negative_observations n
		      WHERE n.rrname OPERATOR(public.=) volume_by_period.name) v
		GROUP BY v.period ORDER BY v.period;
	END IF;
END
$$;
COMMENT ON FUNCTION volume_by_period(dnsname, boolean) IS
	'observations, negative answers and NXDOMAINs per period for a name (below: and every name under it)';

-- One period of the explorer's volume chart as its JSON object (a
-- pdns_cluster coordinator's explorer_volume() makes the same).
CREATE FUNCTION volume_json(period timestamptz, observations bigint, negative bigint, nxdomain bigint)
RETURNS json
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT json_build_object('period', floor(extract(epoch FROM period))::bigint,
	                         'observations', observations, 'negative', negative, 'nxdomain', nxdomain);
END;
COMMENT ON FUNCTION volume_json(timestamptz, bigint, bigint, bigint) IS
	'a period of volume_by_period() as the JSON object pdns-api serves at /pdns/v1/volume/';

-- The explorer's volume chart: volume_by_period() as JSON objects.
CREATE FUNCTION explorer_volume(value text, below boolean) RETURNS SETOF json
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT pdns.volume_json(v.period, v.observations, v.negative, v.nxdomain)
	FROM pdns.volume_by_period(value::pdns.dnsname, below) v;
END;
COMMENT ON FUNCTION explorer_volume(text, boolean) IS
	'volume_by_period() as the JSON objects pdns-api serves at /pdns/v1/volume/';

-- What every enrichment source version said about an address while it was
-- seen (first to last, epoch seconds or any fence form), newest first.
CREATE FUNCTION explorer_enrichment(value text, first text, last text) RETURNS SETOF json
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT json_strip_nulls(json_build_object(
		'kind', e.kind, 'source', e.source, 'version', e.version, 'network', e.network::text,
		'from', floor(extract(epoch FROM lower(e.during)))::bigint,
		'until', floor(extract(epoch FROM upper(e.during)))::bigint,
		'asn', e.asn, 'as_org', e.as_org, 'country', e.country, 'city', e.city))
	FROM pdns.enrich_during(value::inet,
	                        tstzrange(coalesce(pdns.fence(first), '-infinity'),
	                                  coalesce(pdns.fence(last), 'infinity'), '[]')) e
	ORDER BY lower(e.during) DESC NULLS LAST, e.kind, e.source;
END;
COMMENT ON FUNCTION explorer_enrichment(text, text, text) IS
	'enrich_during() of an address as the JSON objects pdns-api serves at /pdns/v1/enrich/';

REVOKE ALL ON api_settings, api_keys, api_usage, api_audit FROM PUBLIC;
GRANT SELECT ON api_settings, api_audit, api_key_status TO pdns_admin;
GRANT UPDATE (audit_retention, failed_auth_per_minute) ON api_settings TO pdns_admin;
GRANT EXECUTE ON FUNCTION dnsdb_object(lookup_row, boolean), dnsdb_summary(lookup_summary, boolean)
	TO PUBLIC;
REVOKE EXECUTE ON FUNCTION api_key_create(text, regrole, bigint, bigint, bigint, integer, timestamptz),
	api_key_revoke(text), api_key_set_limits(text, bigint, bigint, bigint, integer, boolean),
	api_audit_expire() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api_key_create(text, regrole, bigint, bigint, bigint, integer, timestamptz),
	api_key_revoke(text), api_key_set_limits(text, bigint, bigint, bigint, integer, boolean),
	api_audit_expire() TO pdns_admin;
GRANT SELECT, INSERT, UPDATE ON api_keys TO pdns_admin;
GRANT USAGE ON SCHEMA pdns TO pdns_api;
GRANT EXECUTE ON FUNCTION _api_begin(text, inet, text, text, bigint, boolean),
	_api_rate_limit(integer), _api_refused(text, inet, text, text, integer, text), _api_assume(),
	_api_end_batch(integer[], boolean[], timestamptz[], inet[], text[], text[], integer[], bigint[],
	               text[], double precision[]),
	api_audit_expire() TO pdns_api;
