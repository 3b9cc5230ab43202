-- pdns 0.8 -> 0.9: signals (docs/signals.md): randomness() of names, and
-- NXDOMAIN and failure spikes over a per-domain rollup that compaction
-- keeps (negative_domains, filled here from the negative answers stored);
-- newly observed names and domains (first_sightings, filled here from the
-- all-time aggregate per sensor), the newly_observed view and the feed;
-- approximate distinct counts (names_on, addresses_of, names_per_block).
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

-- How random the labels of a name look, left of its public suffix: for
-- ranking DGA-like names among NXDOMAINs and new names.
CREATE FUNCTION randomness(dnsname) RETURNS double precision
	AS 'MODULE_PATHNAME', 'dnsname_randomness' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION randomness(dnsname) IS
	'0 (word-like) to 1 (random-looking): the score of the most random label left of the public suffix; NULL if none is scored';

CREATE FUNCTION randomness_labels(name dnsname, OUT "position" integer, OUT label text,
	OUT score double precision, OUT surprise double precision, OUT entropy double precision,
	OUT digit_share double precision, OUT consonant_run integer, OUT length integer)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'dnsname_randomness_labels' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION randomness_labels(dnsname) IS
	'each label left of the public suffix, leftmost first: its randomness score, bigram surprise (bits), entropy, digit share, longest consonant run';

-- Negative answers per registered domain, rcode, period and sensor: the
-- rollup that spike detection reads, kept by compaction from the negative
-- answers it merges (_rollup_negatives), trimmed by the maintenance with
-- negative_observations' retention.  A name that is itself a public
-- suffix counts under its own name.
CREATE TABLE negative_domains (
	domain dnsname NOT NULL,
	rcode smallint NOT NULL,
	period timestamptz NOT NULL,
	sensor_id integer NOT NULL,
	count bigint NOT NULL,
	PRIMARY KEY (domain, rcode, period, sensor_id)
);
CREATE INDEX negative_domains_period ON negative_domains (period);
COMMENT ON TABLE negative_domains IS
	'negative answers per registered domain, rcode, period and sensor (kept by compaction)';
SELECT pg_catalog.pg_extension_config_dump('negative_domains', '');

-- Called by _compact_runs, in its transaction: this compaction's negative
-- answers (its scratch table, one row per key of negative_observations),
-- summed per registered domain, in key order like every merge.
CREATE FUNCTION _rollup_negatives() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO pdns.negative_domains AS d (domain, rcode, period, sensor_id, count)
	SELECT coalesce(pdns.registered_domain(n.rrname), n.rrname), n.rcode, n.period, n.sensor_id,
	       pdns._count_sum(n.count)
	FROM pg_temp._compact_negative_observations n
	GROUP BY 1, 2, 3, 4
	ORDER BY 1, 2, 3, 4
	ON CONFLICT (domain, rcode, period, sensor_id) DO UPDATE SET
		count = pdns._count_add(d.count, excluded.count);
END
$$;

-- Called by _run_maintenance: rows of periods whose negative answers the
-- retention dropped.
CREATE FUNCTION _expire_negative_domains() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM pdns.negative_domains d
	WHERE d.period + (SELECT s.partition_interval FROM pdns.settings s)
	      <= pg_catalog.now() - pdns._retention('pdns.negative_observations');
$$;

-- What a negative answer's rcode is called (as negative_volume names it).
CREATE FUNCTION _negative_kind(rcode smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE rcode WHEN 0 THEN 'NODATA' WHEN 3 THEN 'NXDOMAIN' ELSE 'RCODE' || rcode END
$$;

-- The counts of a domain and rcode (one sensor's, or all sensors' when
-- sensor_id is NULL) in the n periods before a period, oldest first; 0
-- for a period without any.
CREATE FUNCTION _negative_baseline(domain dnsname, rcode smallint, sensor_id integer,
	period timestamptz, n integer) RETURNS bigint[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off		-- (one small index range per call: compiling costs 100 times more)
AS $$
	WITH step AS (SELECT s.partition_interval AS step FROM pdns.settings s),
	     counts AS (
		SELECT b.period, pg_catalog.sum(b.count)::bigint AS count
		FROM pdns.negative_domains b, step
		WHERE b.domain OPERATOR(public.=) _negative_baseline.domain
		  AND b.rcode = _negative_baseline.rcode
		  AND b.period >= _negative_baseline.period - n * step.step
		  AND b.period < _negative_baseline.period
		  AND (_negative_baseline.sensor_id IS NULL OR b.sensor_id = _negative_baseline.sensor_id)
		GROUP BY b.period)
	SELECT pg_catalog.array_agg(coalesce(c.count, 0) ORDER BY i DESC)
	FROM step, pg_catalog.generate_series(1, n) i
	LEFT JOIN counts c ON c.period = _negative_baseline.period - i * (SELECT step FROM step)
$$;

-- A robust score of x against its baseline: (x - median) / scale, where
-- scale is 1.4826 * MAD (the standard deviation for normal noise), but at
-- least sqrt(median) (the noise of a Poisson count) and at least 1, so that
-- a flat baseline (MAD 0) does not make every small rise an outlier.
CREATE FUNCTION _robust_score(x bigint, baseline bigint[],
	OUT median double precision, OUT mad double precision, OUT score double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH m AS (SELECT pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median
	           FROM pg_catalog.unnest(baseline) v),
	     d AS (SELECT pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(v - m.median)) AS mad
	           FROM pg_catalog.unnest(baseline) v, m)
	SELECT m.median, d.mad,
	       (x - m.median) / greatest(1.4826 * d.mad, pg_catalog.sqrt(m.median), 1)
	FROM m, d
$$;

-- The periods of a baseline: pdns.spike_baseline_periods (14 unless set).
CREATE FUNCTION _spike_baseline_periods() RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(pg_catalog.current_setting('pdns.spike_baseline_periods', true)::integer, 14)
$$;

-- Negative-answer spikes of one period (the one holding `at`, by default
-- now's): the registered domains whose NXDOMAIN, NODATA or failure count
-- stands out from their own last baseline_periods periods, per sensor, or
-- over all sensors (per_sensor => false, sensor NULL).
CREATE FUNCTION negative_spikes(at timestamptz DEFAULT now(), baseline_periods integer DEFAULT NULL,
	min_score double precision DEFAULT 5, min_count bigint DEFAULT 10, per_sensor boolean DEFAULT true)
RETURNS TABLE (domain dnsname, sensor text, kind text, period timestamptz, count bigint,
	baseline_median double precision, baseline_mad double precision, score double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	n integer := coalesce(baseline_periods, pdns._spike_baseline_periods());
	scored timestamptz := pdns._period_start(at);
BEGIN
	IF n < 3 OR n > 1000 THEN
		RAISE EXCEPTION 'baseline_periods must be between 3 and 1000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = pg_catalog.format('It is %s: a median and its deviation need at least 3 periods.', n);
	END IF;
	RETURN QUERY
	WITH now_counts AS (
		SELECT d.domain, d.rcode, CASE WHEN per_sensor THEN d.sensor_id END AS sensor_id,
		       pg_catalog.sum(d.count)::bigint AS count
		FROM pdns.negative_domains d
		WHERE d.period = scored
		GROUP BY 1, 2, 3
		HAVING pg_catalog.sum(d.count) >= min_count)
	SELECT c.domain, s.name, pdns._negative_kind(c.rcode), scored, c.count, r.median, r.mad, r.score
	FROM now_counts c
	CROSS JOIN LATERAL pdns._robust_score(c.count,
		pdns._negative_baseline(c.domain, c.rcode, c.sensor_id, scored, n)) r
	LEFT JOIN pdns.sensors s ON s.id = c.sensor_id
	WHERE r.score >= min_score
	ORDER BY r.score DESC, c.domain, s.name;
END
$$;
COMMENT ON FUNCTION negative_spikes(timestamptz, integer, double precision, bigint, boolean) IS
	'registered domains whose negative answers in a period stand out from their trailing baseline (median/MAD score)';

-- Every period of every domain, rcode and sensor, scored against the
-- pdns.spike_baseline_periods before it: filter on domain (and period).
CREATE VIEW negative_spike_history AS
SELECT d.domain, s.name AS sensor, pdns._negative_kind(d.rcode) AS kind, d.period, d.count,
       r.median AS baseline_median, r.mad AS baseline_mad, r.score
FROM pdns.negative_domains d
LEFT JOIN pdns.sensors s ON s.id = d.sensor_id
CROSS JOIN LATERAL pdns._robust_score(d.count,
	pdns._negative_baseline(d.domain, d.rcode, d.sensor_id, d.period, pdns._spike_baseline_periods())) r;
COMMENT ON VIEW negative_spike_history IS
	'negative answers per registered domain, kind, period and sensor, scored against the periods before (filter on domain)';

GRANT SELECT ON negative_domains, negative_spike_history TO pdns_analyst;
GRANT EXECUTE ON FUNCTION _period_start(timestamptz), _negative_kind(smallint),
	_negative_baseline(dnsname, smallint, integer, timestamptz, integer),
	_robust_score(bigint, bigint[]), _spike_baseline_periods() TO pdns_analyst;

-- The negative answers stored so far, rolled up once (registered domains
-- by the Public Suffix List of the updating session).
INSERT INTO negative_domains (domain, rcode, period, sensor_id, count)
SELECT coalesce(registered_domain(n.rrname), n.rrname), n.rcode, n.period, n.sensor_id,
       _count_sum(n.count)
FROM negative_observations n
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

-- Newly observed names and domains (docs/signals.md): when each owner
-- name and each registered domain was first seen, by any sensor and by
-- each sensor, kept by compaction; a view for windows, and a feed that an
-- integration polls with a cursor.

CREATE SEQUENCE first_sighting_order;

-- One row per name (or registered domain) and sensor, and one per name
-- (or domain) for all sensors (sensor_id NULL): when it was first seen,
-- and an RRset of that sighting.  seq is the feed's order: the order in
-- which the rows were added, which is the order their compactions
-- committed in (_record_first_sightings).
CREATE TABLE first_sightings (
	subject dnsname NOT NULL,
	is_domain boolean NOT NULL,
	sensor_id integer,
	first_seen timestamptz NOT NULL,
	rrset_key uuid NOT NULL,
	seq bigint NOT NULL DEFAULT pg_catalog.nextval('pdns.first_sighting_order'),
	CONSTRAINT first_sightings_key UNIQUE NULLS NOT DISTINCT (is_domain, subject, sensor_id)
);
CREATE UNIQUE INDEX first_sightings_feed ON first_sightings (seq);
CREATE INDEX first_sightings_seen ON first_sightings (first_seen);
COMMENT ON TABLE first_sightings IS
	'when each name and registered domain was first seen, by any sensor (sensor_id NULL) and by each (kept by compaction)';
SELECT pg_catalog.pg_extension_config_dump('first_sightings', '');
SELECT pg_catalog.pg_extension_config_dump('first_sighting_order', '');

-- This session's scratch table of the (RRset, sensor) pairs a compaction
-- saw first (_compact_runs fills it from the rrset_sensors merge).
CREATE FUNCTION _scratch_first_seen() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.to_regclass('pg_temp._compact_first_seen') IS NULL THEN
		CREATE TEMP TABLE _compact_first_seen (rrset_key uuid, sensor_id integer, time_first timestamptz)
			ON COMMIT DELETE ROWS;
	ELSE
		DELETE FROM pg_temp._compact_first_seen;
	END IF;
END
$$;

-- From those pairs: the names and registered domains they show, per
-- sensor and for all sensors, each at its earliest time; new ones are
-- added, known ones move to an earlier first sighting (their place in the
-- feed stays).  Compactions take turns here, from the first row added to
-- their commit (the last step of _compact_runs): so the rows each adds take
-- numbers above those of every compaction that committed before it, and a
-- feed reader that has seen a number has seen every smaller one.  (Taking
-- turns, they need no common order of keys either.)
CREATE FUNCTION _record_first_sightings() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_temp._compact_first_seen) THEN
		RETURN;
	END IF;
	LOCK TABLE pdns.first_sightings IN SHARE ROW EXCLUSIVE MODE;
	-- each name's earliest pair per sensor first (the other three kinds of
	-- row are read from these), then one insert per kind
	WITH per_sensor AS MATERIALIZED (
		SELECT n.name, n.sensor_id, n.time_first, n.rrset_key,
		       coalesce(pdns.registered_domain(n.name), n.name) AS domain
		FROM (SELECT DISTINCT ON (r.rrname, c.sensor_id) r.rrname AS name, c.sensor_id, c.time_first,
		             c.rrset_key
		      FROM pg_temp._compact_first_seen c JOIN pdns.rrsets r ON r.key = c.rrset_key
		      ORDER BY r.rrname, c.sensor_id, c.time_first, c.rrset_key) n
	), names AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT p.name, false, p.sensor_id, p.time_first, p.rrset_key FROM per_sensor p
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key
			WHERE excluded.first_seen < f.first_seen
	), names_any AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.name) p.name, false, NULL::integer, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.name, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key
			WHERE excluded.first_seen < f.first_seen
	), domains AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.domain, p.sensor_id) p.domain, true, p.sensor_id, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.domain, p.sensor_id, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key
			WHERE excluded.first_seen < f.first_seen
	)
	INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
	SELECT DISTINCT ON (p.domain) p.domain, true, NULL::integer, p.time_first, p.rrset_key
	FROM per_sensor p ORDER BY p.domain, p.time_first, p.rrset_key
	ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
		first_seen = excluded.first_seen, rrset_key = excluded.rrset_key
		WHERE excluded.first_seen < f.first_seen;
END
$$;

-- Names and domains by their first sighting: filter on first_seen (a
-- window), kind ('name' or 'domain') and sensor (NULL: the first sighting
-- by any sensor).  rrname, rrtype and rdata are an RRset of that sighting.
CREATE VIEW newly_observed AS
SELECT CASE WHEN f.is_domain THEN 'domain' ELSE 'name' END AS kind, f.subject, s.name AS sensor,
       f.first_seen, r.rrname, r.rrtype, r.rdata
FROM pdns.first_sightings f
LEFT JOIN pdns.sensors s ON s.id = f.sensor_id
LEFT JOIN pdns.rrsets r ON r.key = f.rrset_key;
COMMENT ON VIEW newly_observed IS
	'names and registered domains by first sighting, by any sensor (sensor NULL) or by each; filter on first_seen';

-- The feed of first sightings, in the order they were recorded, after a
-- cursor: each row exactly once, however compactions commit (see
-- _record_first_sightings).  By any sensor, or by the one named.
CREATE FUNCTION new_names_feed(after_cursor text DEFAULT NULL, max_results integer DEFAULT 1000,
	domains boolean DEFAULT false, sensor text DEFAULT NULL)
RETURNS TABLE (subject dnsname, first_seen timestamptz, rrname dnsname, rrtype rrtype, rdata rrset,
	"cursor" text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	from_seq bigint := 0;
	sensor_wanted integer;
BEGIN
	IF max_results IS NULL OR max_results < 1 THEN
		RAISE EXCEPTION 'max_results must be at least 1'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF after_cursor IS NOT NULL THEN
		IF after_cursor !~ '^[0-9]{1,18}$' THEN
			RAISE EXCEPTION 'invalid cursor for new_names_feed()'
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = pg_catalog.format('The cursor is %L; a cursor is what a row of the feed returned.',
				                                 pg_catalog.left(after_cursor, 64));
		END IF;
		from_seq := after_cursor::bigint;
	END IF;
	IF new_names_feed.sensor IS NOT NULL THEN
		SELECT s.id INTO sensor_wanted FROM pdns.sensors s WHERE s.name = new_names_feed.sensor;
		IF NOT FOUND THEN
			RETURN;
		END IF;
	END IF;
	RETURN QUERY
	SELECT f.subject, f.first_seen, r.rrname, r.rrtype, r.rdata, f.seq::text
	FROM pdns.first_sightings f
	LEFT JOIN pdns.rrsets r ON r.key = f.rrset_key
	WHERE f.seq > from_seq
	  AND f.is_domain = domains
	  AND f.sensor_id IS NOT DISTINCT FROM sensor_wanted
	ORDER BY f.seq
	LIMIT max_results;
END
$$;
COMMENT ON FUNCTION new_names_feed(text, integer, boolean, text) IS
	'first sightings of names (or registered domains) in the order recorded, after a cursor: each exactly once';

GRANT SELECT ON first_sightings, newly_observed TO pdns_analyst;

-- The first sightings of the names and domains stored so far, from the
-- all-time aggregate per sensor (the earliest RRset of each; the feed
-- starts with them, in key order).
INSERT INTO first_sightings (subject, is_domain, sensor_id, first_seen, rrset_key)
SELECT DISTINCT ON (x.is_domain, x.subject, x.sensor_id)
       x.subject, x.is_domain, x.sensor_id, x.first_seen, x.rrset_key
FROM (SELECT r.rrname AS name, coalesce(registered_domain(r.rrname), r.rrname) AS domain, s.sensor_id,
             s.time_first, s.rrset_key
      FROM rrset_sensors s JOIN rrsets r ON r.key = s.rrset_key) c
CROSS JOIN LATERAL (VALUES (c.name, false, c.sensor_id), (c.name, false, NULL),
                           (c.domain, true, c.sensor_id), (c.domain, true, NULL))
	AS v(subject, is_domain, sensor_id)
CROSS JOIN LATERAL (SELECT v.subject, v.is_domain, v.sensor_id, c.time_first AS first_seen, c.rrset_key) x
ORDER BY x.is_domain, x.subject, x.sensor_id NULLS FIRST, x.first_seen, x.rrset_key;

-- Approximate distinct counts (docs/signals.md): HyperLogLog sketches of
-- the hll extension, made as the rows are read; exact => true counts
-- exactly instead.  The bodies are SQL-standard (BEGIN ATOMIC): their
-- names are bound here, wherever the hll extension was installed, and not
-- looked up on the caller's search_path.

-- Distinct owner names whose A or AAAA RRsets held an address in a network.
CREATE FUNCTION names_on(network inet, exact boolean DEFAULT false) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(DISTINCT r.rrname)
	                  FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	                  WHERE a.address <<= network)
	            ELSE (SELECT coalesce(round(hll_cardinality(hll_add_agg(hll_hash_any(r.rrname))))::bigint, 0)
	                  FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	                  WHERE a.address <<= network) END;
END;
COMMENT ON FUNCTION names_on(inet, boolean) IS
	'distinct owner names with an address in the network (HyperLogLog estimate unless exact)';

-- Distinct addresses a name (or, below => true, the name and its subtree)
-- resolved to, in its A and AAAA RRsets.
CREATE FUNCTION addresses_of(name dnsname, below boolean DEFAULT false, exact boolean DEFAULT false)
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET plan_cache_mode = force_custom_plan		-- (the subtree's range comes from the name)
BEGIN ATOMIC
	SELECT CASE WHEN exact
	            THEN (SELECT count(DISTINCT x.address)
	                  FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	                  WHERE r.rrname <<= name AND (below OR r.rrname = name)
	                    AND r.rrtype IN ('A', 'AAAA'))
	            ELSE (SELECT coalesce(round(hll_cardinality(hll_add_agg(hll_hash_any(x.address))))::bigint, 0)
	                  FROM rrsets r, unnest(addresses(r.rdata)) x(address)
	                  WHERE r.rrname <<= name AND (below OR r.rrname = name)
	                    AND r.rrtype IN ('A', 'AAAA')) END;
END;
COMMENT ON FUNCTION addresses_of(dnsname, boolean, boolean) IS
	'distinct addresses in the A and AAAA RRsets of a name or its subtree (HyperLogLog estimate unless exact)';

-- Per block of a network (a /24 of IPv4, a /48 of IPv6, unless prefix
-- says otherwise): how many distinct names had an address there, and on
-- how many distinct addresses, estimated.
CREATE FUNCTION names_per_block(network inet, prefix integer DEFAULT NULL)
RETURNS TABLE (block cidr, names bigint, addresses bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT network(set_masklen(a.address,
	                           coalesce(prefix, CASE family(a.address) WHEN 4 THEN 24 ELSE 48 END))),
	       round(hll_cardinality(hll_add_agg(hll_hash_any(r.rrname))))::bigint,
	       round(hll_cardinality(hll_add_agg(hll_hash_any(a.address))))::bigint
	FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key
	WHERE a.address <<= network
	GROUP BY 1
	ORDER BY 1;
END;
COMMENT ON FUNCTION names_per_block(inet, integer) IS
	'per /24 (IPv4) or /48 (IPv6) block of a network: distinct names and addresses (HyperLogLog estimates)';

-- (as 99_privileges does for every internal function)
REVOKE EXECUTE ON FUNCTION _rollup_negatives(), _expire_negative_domains(), _negative_kind(smallint),
	_negative_baseline(dnsname, smallint, integer, timestamptz, integer), _robust_score(bigint, bigint[]),
	_spike_baseline_periods(), _scratch_first_seen(), _record_first_sightings() FROM PUBLIC;

-- Compaction keeps the rollup; the maintenance trims it.
CREATE OR REPLACE FUNCTION _compact_runs(run_list bigint[], exclusive boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sums and sorts by key stay in memory
AS $$
DECLARE
	started timestamptz := pg_catalog.clock_timestamp();
	taken bigint := 0;
	runs_taken integer;
	lines bigint;
	oldest timestamptz;
	periods timestamptz[];
	obs_parts text[];
	neg_parts text[];
	client_parts text[];
	count_parts text[];
	client_log boolean := (SELECT s.record_clients = 'log' FROM pdns.settings s);
BEGIN
	IF run_list IS NULL OR cardinality(run_list) = 0 THEN
		RETURN 0;
	END IF;
	WITH gone AS (DELETE FROM pdns.runs r WHERE r.id = ANY (run_list) RETURNING r.lines, r.created)
	SELECT count(*), coalesce(sum(g.lines), 0), min(g.created) INTO runs_taken, lines, oldest FROM gone g;

	-- The per-period rows first, summed in this session's scratch tables;
	-- then the partitions they need (making one takes strong locks, best
	-- taken before any row lock of the store).
	taken := taken + pdns._compact_take('observations', run_list);
	taken := taken + pdns._compact_take('negative_observations', run_list);
	taken := taken + pdns._compact_take('client_observations', run_list);
	taken := taken + pdns._compact_take('client_counts', run_list);
	SELECT array_agg(p ORDER BY p) INTO periods
	FROM (SELECT period FROM pg_temp._compact_observations
	      UNION SELECT period FROM pg_temp._compact_negative_observations
	      UNION SELECT period FROM pg_temp._compact_client_observations
	      UNION SELECT period FROM pg_temp._compact_client_counts) u(p);
	SELECT array_agg(partition_table ORDER BY period) INTO obs_parts
	FROM pdns._partitions('pdns.observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO neg_parts
	FROM pdns._partitions('pdns.negative_observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO count_parts
	FROM pdns._partitions('pdns.client_counts', periods);
	IF client_log THEN
		SELECT array_agg(partition_table ORDER BY period) INTO client_parts
		FROM pdns._partitions('pdns.client_observations', periods);
	END IF;

	IF exclusive THEN
		PERFORM pdns._store_write_lock();
	ELSE
		PERFORM FROM pdns.settings FOR SHARE;
	END IF;

	WITH taken_rows AS (
		DELETE FROM pdns.pending_rrsets p WHERE p.run_id = ANY (run_list)
		RETURNING p.key, p.rrname, p.rrtype, p.bailiwick, p.rdata, p.time_first, p.time_last,
		          p.count, p.lossy
	), delta AS (
		SELECT t.key, pdns._any(t.rrname) AS rrname, pdns._any(t.rrtype) AS rrtype,
		       pdns._any(t.bailiwick) AS bailiwick, pdns._any(t.rdata) AS rdata,
		       min(t.time_first) AS time_first, max(t.time_last) AS time_last,
		       pdns._count_sum(t.count) AS count, pdns._any(t.lossy) AS lossy,
		       count(*) AS rows
		FROM taken_rows t GROUP BY t.key
	), merged AS (
		INSERT INTO pdns.rrsets AS r (key, rrname, rrtype, bailiwick, rdata, time_first, time_last,
		                              count, lossy)
		SELECT d.key, d.rrname, d.rrtype, d.bailiwick, d.rdata, d.time_first, d.time_last, d.count,
		       d.lossy
		FROM delta d ORDER BY d.key
		ON CONFLICT (key) DO UPDATE SET
			time_first = least(r.time_first, excluded.time_first),
			time_last = greatest(r.time_last, excluded.time_last),
			count = pdns._count_add(r.count, excluded.count)
		RETURNING r.key, r.rrtype, r.rdata, (r.xmax = 0) AS created
	), new AS (
		SELECT * FROM merged WHERE created
	-- Rows for new RRsets only: no other transaction can be adding these
	-- keys (a concurrent one waited for this one and found the RRset), and
	-- a deleted RRset took its rows along (_rrsets_deleted), so plain
	-- inserts, without the cost of conflict checks.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, n.key FROM new n, unnest(pdns.addresses(n.rdata)) a
		ORDER BY 1, 2
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT x, n.rrtype, n.key FROM new n, unnest(pdns.names(n.rdata)) x
		ORDER BY 1, 2, 3
	), elements AS (
		INSERT INTO pdns.rdata_elements (hash, rrset_key)
		SELECT DISTINCT h, n.key FROM new n, unnest(pdns.element_hashes(n.rdata)) h
		ORDER BY 1, 2
	)
	SELECT taken + coalesce(sum(d.rows), 0) INTO taken FROM delta d;

	PERFORM pdns._compact_put('observations', obs_parts, periods, '{rrset_key, period, sensor_id}');
	-- the all-time aggregate per sensor, from the same per-period sums; the
	-- pairs this compaction saw first (new, or seen earlier than known) are
	-- kept aside for the first sightings of names and domains
	PERFORM pdns._scratch_first_seen();
	WITH batch AS (
		SELECT o.rrset_key, o.sensor_id, min(o.time_first) AS time_first, max(o.time_last) AS time_last,
		       pdns._count_sum(o.count) AS count
		FROM pg_temp._compact_observations o
		GROUP BY o.rrset_key, o.sensor_id
	), merged AS (
		INSERT INTO pdns.rrset_sensors AS s (rrset_key, sensor_id, time_first, time_last, count)
		SELECT b.rrset_key, b.sensor_id, b.time_first, b.time_last, b.count
		FROM batch b
		ORDER BY b.rrset_key, b.sensor_id
		ON CONFLICT (rrset_key, sensor_id) DO UPDATE SET
			time_first = least(s.time_first, excluded.time_first),
			time_last = greatest(s.time_last, excluded.time_last),
			count = pdns._count_add(s.count, excluded.count)
		RETURNING s.rrset_key, s.sensor_id, s.time_first
	)
	INSERT INTO pg_temp._compact_first_seen (rrset_key, sensor_id, time_first)
	SELECT m.rrset_key, m.sensor_id, m.time_first
	FROM merged m JOIN batch b ON b.rrset_key = m.rrset_key AND b.sensor_id = m.sensor_id
	WHERE m.time_first = b.time_first;
	PERFORM pdns._compact_put('negative_observations', neg_parts, periods,
	                          '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._rollup_negatives();
	PERFORM pdns._compact_put('client_counts', count_parts, periods, '{rrname, rrtype, period, sensor_id}');
	IF client_log THEN
		PERFORM pdns._compact_append('client_observations', client_parts, periods);
	END IF;

	-- last: compactions take turns from here to their commit
	PERFORM pdns._record_first_sightings();

	DELETE FROM pdns.compactions c WHERE c.finished < started - interval '1 day';
	INSERT INTO pdns.compactions (finished, runs, lines, pending_rows, seconds, oldest_age)
	VALUES (pg_catalog.clock_timestamp(), runs_taken, lines, taken,
	        extract(epoch FROM pg_catalog.clock_timestamp() - started),
	        coalesce(pg_catalog.clock_timestamp() - oldest, interval '0'));
	RETURN taken;
END
$$;

CREATE OR REPLACE FUNCTION _run_maintenance() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	s pdns.settings;
	parent regclass;
	now_period timestamptz := pdns._period_start(pg_catalog.now());
	ahead timestamptz[];
	child record;
BEGIN
	SELECT * INTO STRICT s FROM pdns.settings;
	SELECT pg_catalog.array_agg(pdns._period_start(now_period + s.partition_interval * i))
	INTO ahead FROM pg_catalog.generate_series(0, s.premake) i;
	FOR parent IN SELECT * FROM pdns.partitioned_tables() LOOP
		IF NOT pdns._partman_managed(parent) THEN
			CONTINUE;		-- nothing ingested yet: partitioning may still change
		END IF;
		PERFORM pdns._partitions(parent, ahead);
		IF pdns._retention(parent) IS NULL THEN
			CONTINUE;
		END IF;
		-- A partition's end: the fourth piece, split at quotes, of its bound
		-- as PostgreSQL prints it: FOR VALUES FROM ('<start>') TO ('<end>').
		FOR child IN
			SELECT c.oid::regclass AS partition
			FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = parent
			  AND pg_catalog.split_part(pg_catalog.pg_get_expr(c.relpartbound, c.oid), '''', 4)::timestamptz
			      <= pg_catalog.now() - pdns._retention(parent)
		LOOP
			EXECUTE format('DROP TABLE %s', child.partition);
		END LOOP;
	END LOOP;
	IF pdns._retention('pdns.negative_observations') IS NOT NULL THEN
		PERFORM pdns._expire_negative_domains();
	END IF;
	-- The all-time aggregate keeps every RRset unless told otherwise: an
	-- RRset's history may matter long after its periods are gone.
	IF s.retention IS NOT NULL AND s.retention_drops_rrsets THEN
		PERFORM pdns._store_write_lock();
		DELETE FROM pdns.rrsets r WHERE r.time_last < pg_catalog.now() - s.retention;
	END IF;
END
$$;
