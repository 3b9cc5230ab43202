-- Rollups for dashboards (docs/signals.md, "Rollups"): per period (the
-- store's partition period) and registered domain, per period and RR type,
-- per period and sensor, and per calendar month and registered domain:
-- how much was seen, kept by compaction from the rows it merges, in the same
-- transaction.  Counts are exact sums; distinct names, RRsets and clients
-- are HyperLogLog sketches (hll, 2 048 registers, as client_counts keeps
-- them), which unite exactly: a rollup's sketch is the sketch of all its
-- rows, whichever compactions brought them.  rebuild_rollups() makes them
-- anew from the history tier (observations, negative_observations,
-- client_counts) and first_sightings.
--
-- What a row counts:
--   names        distinct owner names with an RRset observed in the period
--   rrsets       distinct RRsets observed
--   observations the observations' counts summed
--   negatives    negative answers (NXDOMAIN, NODATA, failures) summed
--   clients      distinct clients that asked (by their pseudonyms' hashes;
--                only when record_clients keeps counts)
--   new_names    owner names first seen (by any sensor) in the period
-- A name that is itself a public suffix counts under its own name.

CREATE TABLE domain_rollups (
	period timestamptz NOT NULL,
	domain dnsname NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	new_names bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (period, domain)
) WITH (fillfactor = 80);
COMMENT ON TABLE domain_rollups IS
	'per period and registered domain: names, RRsets, observations, negative answers, clients, new names (kept by compaction)';

CREATE TABLE domain_month_rollups (
	month timestamptz NOT NULL,
	domain dnsname NOT NULL,
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	new_names bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (month, domain)
) WITH (fillfactor = 80);
COMMENT ON TABLE domain_month_rollups IS
	'per calendar month (UTC) and registered domain: observations, negative answers, new names (kept by compaction)';

CREATE TABLE rrtype_rollups (
	period timestamptz NOT NULL,
	rrtype rrtype NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	PRIMARY KEY (period, rrtype)
) WITH (fillfactor = 80);
COMMENT ON TABLE rrtype_rollups IS
	'per period and RR type: names, RRsets, observations, negative answers, clients (kept by compaction)';

CREATE TABLE sensor_rollups (
	period timestamptz NOT NULL,
	sensor_id integer NOT NULL,
	names hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	rrsets hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	observations bigint NOT NULL DEFAULT 0,
	negatives bigint NOT NULL DEFAULT 0,
	clients hll NOT NULL DEFAULT hll_empty(11, 5, 0, 1),
	PRIMARY KEY (period, sensor_id)
) WITH (fillfactor = 80);
COMMENT ON TABLE sensor_rollups IS
	'per period and sensor: names, RRsets, observations, negative answers, clients (kept by compaction)';

SELECT pg_catalog.pg_extension_config_dump('domain_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('domain_month_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('rrtype_rollups', '');
SELECT pg_catalog.pg_extension_config_dump('sensor_rollups', '');

-- The month of a period (UTC, as periods are).
CREATE FUNCTION _month_of(period timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_catalog.date_trunc('month', period, 'UTC') $$;

-- Add history rows to the rollups: source is a query of rows (period,
-- rrname, rrtype, sensor_id, name_hash, key_hash, observations, negatives,
-- clients), one per row of the history tier (_rollup_source), summed here
-- in one pass per period and domain, type and sensor (grouping sets), and
-- merged into each table in key order like every merge.  Used by
-- compaction for what it merges and by rebuild_rollups() for the whole
-- history.
CREATE FUNCTION _rollup_add(source text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	h text := pdns._hll_schema();
	-- the merge of one kind of sums (a grouping set) into its table
	merge text := $q$
		INSERT INTO pdns.%2$I AS d (period, %3$I, names, rrsets, observations, negatives, clients)
		SELECT x.period, x.%3$I, x.names, x.rrsets, x.observations, x.negatives, x.clients
		FROM sums x WHERE x.kind = %4$s ORDER BY 1, 2
		ON CONFLICT (period, %3$I) DO UPDATE SET
			names = %1$s.hll_union(d.names, excluded.names), rrsets = %1$s.hll_union(d.rrsets, excluded.rrsets),
			observations = pdns._count_add(d.observations, excluded.observations),
			negatives = pdns._count_add(d.negatives, excluded.negatives),
			clients = %1$s.hll_union(d.clients, excluded.clients)$q$;
BEGIN
	-- Compactions take turns from here to their commit: the rows of a
	-- period's types and sensors are few and every compaction adds to
	-- them, and the new names (_record_first_sightings, later in the same
	-- transaction) add to domains.
	LOCK TABLE pdns.domain_rollups IN SHARE ROW EXCLUSIVE MODE;
	-- (kind: GROUPING()'s bits of the columns a set leaves out)
	EXECUTE format($q$
		WITH sums AS MATERIALIZED (
			SELECT s.period, coalesce(pdns.registered_domain(s.rrname), s.rrname) AS domain, s.rrtype, s.sensor_id,
			       GROUPING(coalesce(pdns.registered_domain(s.rrname), s.rrname), s.rrtype, s.sensor_id) AS kind,
			       coalesce(%1$s.hll_add_agg(s.name_hash, 11, 5, 0, 1) FILTER (WHERE s.name_hash IS NOT NULL),
			                %1$s.hll_empty(11, 5, 0, 1)) AS names,
			       coalesce(%1$s.hll_add_agg(s.key_hash, 11, 5, 0, 1) FILTER (WHERE s.key_hash IS NOT NULL),
			                %1$s.hll_empty(11, 5, 0, 1)) AS rrsets,
			       coalesce(pdns._count_sum(s.observations), 0) AS observations,
			       coalesce(pdns._count_sum(s.negatives), 0) AS negatives,
			       coalesce(%1$s.hll_union_agg(s.clients), %1$s.hll_empty(11, 5, 0, 1)) AS clients
			FROM (%2$s) s
			GROUP BY GROUPING SETS ((s.period, coalesce(pdns.registered_domain(s.rrname), s.rrname)),
			                        (s.period, s.rrtype), (s.period, s.sensor_id))
		), domains AS (%3$s
		), months AS (
			INSERT INTO pdns.domain_month_rollups AS d (month, domain, observations, negatives)
			SELECT pdns._month_of(x.period), x.domain, pdns._count_sum(x.observations), pdns._count_sum(x.negatives)
			FROM sums x WHERE x.kind = 3 GROUP BY 1, 2 ORDER BY 1, 2
			ON CONFLICT (month, domain) DO UPDATE SET
				observations = pdns._count_add(d.observations, excluded.observations),
				negatives = pdns._count_add(d.negatives, excluded.negatives)
		), types AS (%4$s
		)%5$s$q$,
		h, source, format(merge, h, 'domain_rollups', 'domain', 3), format(merge, h, 'rrtype_rollups', 'rrtype', 5),
		format(merge, h, 'sensor_rollups', 'sensor_id', 6));
END
$$;

-- The rows of the history tier, as _rollup_add takes them: the
-- observations (with their RRsets' names and types, hashed for the
-- sketches), the negative answers and the client sketches.  The names are
-- of tables or scratch tables of the history tier's shape.
CREATE FUNCTION _rollup_source(observations text, negatives text, client_counts text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT format($q$
		SELECT o.period, r.rrname, r.rrtype, o.sensor_id, %4$s.hll_hash_any(r.rrname) AS name_hash,
		       %4$s.hll_hash_any(o.rrset_key) AS key_hash, o.count AS observations, NULL::bigint AS negatives,
		       NULL::%4$s.hll AS clients
		FROM %1$s o JOIN pdns.rrsets r ON r.key = o.rrset_key
		UNION ALL
		SELECT n.period, n.rrname, n.rrtype, n.sensor_id, NULL, NULL, NULL, n.count, NULL FROM %2$s n
		UNION ALL
		SELECT c.period, c.rrname, c.rrtype, c.sensor_id, NULL, NULL, NULL, NULL, c.clients FROM %3$s c$q$,
		observations, negatives, client_counts, pdns._hll_schema())
$$;

-- Called by _compact_runs, in its transaction: the rows it merged (its
-- scratch tables).
CREATE FUNCTION _rollup_compacted() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pdns._rollup_add(pdns._rollup_source('pg_temp._compact_observations',
		'pg_temp._compact_negative_observations', 'pg_temp._compact_client_counts'));
END
$$;

-- New names: called by _record_first_sightings with the names whose first
-- sighting by any sensor it added or moved earlier, and the first sighting
-- each had before (NULL for a new name): each counts in the period (and
-- month) of its first sighting, and no longer in that of the old one.
CREATE FUNCTION _rollup_new_names(names dnsname[], seen timestamptz[], seen_before timestamptz[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	WITH moves AS (
		SELECT coalesce(pdns.registered_domain(m.name), m.name) AS domain, pdns._period_start(m.seen) AS period,
		       1 AS n
		FROM unnest(names, seen, seen_before) m(name, seen, seen_before)
		UNION ALL
		SELECT coalesce(pdns.registered_domain(m.name), m.name), pdns._period_start(m.seen_before), -1
		FROM unnest(names, seen, seen_before) m(name, seen, seen_before)
		WHERE m.seen_before IS NOT NULL
	), per_period AS (
		SELECT m.period, m.domain, sum(m.n)::bigint AS n FROM moves m GROUP BY 1, 2 HAVING sum(m.n) <> 0
	), per_month AS (
		SELECT pdns._month_of(m.period) AS month, m.domain, sum(m.n)::bigint AS n
		FROM moves m GROUP BY 1, 2 HAVING sum(m.n) <> 0
	), months AS (
		INSERT INTO pdns.domain_month_rollups AS d (month, domain, new_names)
		SELECT p.month, p.domain, p.n FROM per_month p ORDER BY 1, 2
		ON CONFLICT (month, domain) DO UPDATE SET new_names = d.new_names + excluded.new_names
	)
	INSERT INTO pdns.domain_rollups AS d (period, domain, new_names)
	SELECT p.period, p.domain, p.n FROM per_period p ORDER BY 1, 2
	ON CONFLICT (period, domain) DO UPDATE SET new_names = d.new_names + excluded.new_names;
END
$$;

-- Make the rollups anew from the history tier and first_sightings (after
-- a change of the Public Suffix List, say).  Rows of periods whose history
-- the retention dropped are gone afterwards.
CREATE FUNCTION rebuild_rollups() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '256MB'
AS $$
BEGIN
	LOCK TABLE pdns.domain_rollups, pdns.domain_month_rollups, pdns.rrtype_rollups, pdns.sensor_rollups
		IN EXCLUSIVE MODE;
	-- (compaction adds to the rollups under this lock: none runs meanwhile)
	DELETE FROM pdns.domain_rollups;
	DELETE FROM pdns.domain_month_rollups;
	DELETE FROM pdns.rrtype_rollups;
	DELETE FROM pdns.sensor_rollups;
	PERFORM pdns._rollup_add(pdns._rollup_source('pdns.observations', 'pdns.negative_observations',
	                                             'pdns.client_counts'));
	PERFORM pdns._rollup_new_names(array_agg(f.subject), array_agg(f.first_seen),
	                               array_fill(NULL::timestamptz, ARRAY[count(*)::integer]))
	FROM pdns.first_sightings f WHERE NOT f.is_domain AND f.sensor_id IS NULL;
END
$$;
COMMENT ON FUNCTION rebuild_rollups() IS 'make the rollups anew from the history tier and first_sightings';

-- The dashboard's question: the registered domains with the most new names
-- in a month (the current one by default), from domain_month_rollups.
CREATE FUNCTION top_new_domains(month timestamptz DEFAULT now(), max_results integer DEFAULT 20)
RETURNS TABLE (domain dnsname, new_names bigint, observations bigint, negatives bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT d.domain, d.new_names, d.observations, d.negatives
	FROM domain_month_rollups d
	WHERE d.month = date_trunc('month', top_new_domains.month, 'UTC') AND d.new_names > 0
	ORDER BY d.new_names DESC, d.domain
	LIMIT max_results;
END;
COMMENT ON FUNCTION top_new_domains(timestamptz, integer) IS
	'the registered domains with the most names first seen in a month';

GRANT SELECT ON domain_rollups, domain_month_rollups, rrtype_rollups, sensor_rollups TO pdns_analyst;
REVOKE EXECUTE ON FUNCTION rebuild_rollups() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rebuild_rollups() TO pdns_admin;
