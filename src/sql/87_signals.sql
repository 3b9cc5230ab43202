-- Signals over names (docs/signals.md).

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
