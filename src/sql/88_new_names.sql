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
	CONSTRAINT first_sightings_key UNIQUE NULLS NOT DISTINCT (is_domain, subject, sensor_id),
	moved_from timestamptz
);
CREATE UNIQUE INDEX first_sightings_feed ON first_sightings (seq);
CREATE INDEX first_sightings_seen ON first_sightings (first_seen);
COMMENT ON TABLE first_sightings IS
	'when each name and registered domain was first seen, by any sensor (sensor_id NULL) and by each (kept by compaction)';
COMMENT ON COLUMN first_sightings.moved_from IS
	'the first sighting known before late data moved it back (NULL if it never moved)';
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
-- turns, they need no common order of keys either.)  The names new, or
-- first seen earlier than known, by any sensor, go to the rollups' new
-- names (_rollup_new_names), with the first sighting each had before
-- (moved_from, which the update sets).
CREATE FUNCTION _record_first_sightings() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	moved_names pdns.dnsname[];
	moved_seen timestamptz[];
	seen_before timestamptz[];
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
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	), names_any AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.name) p.name, false, NULL::integer, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.name, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
		RETURNING f.subject, f.first_seen, f.moved_from
	), domains AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.domain, p.sensor_id) p.domain, true, p.sensor_id, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.domain, p.sensor_id, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	), domains_any AS (
		INSERT INTO pdns.first_sightings AS f (subject, is_domain, sensor_id, first_seen, rrset_key)
		SELECT DISTINCT ON (p.domain) p.domain, true, NULL::integer, p.time_first, p.rrset_key
		FROM per_sensor p ORDER BY p.domain, p.time_first, p.rrset_key
		ON CONFLICT ON CONSTRAINT first_sightings_key DO UPDATE SET
			first_seen = excluded.first_seen, rrset_key = excluded.rrset_key, moved_from = f.first_seen
			WHERE excluded.first_seen < f.first_seen
	)
	SELECT array_agg(n.subject), array_agg(n.first_seen), array_agg(n.moved_from)
	INTO moved_names, moved_seen, seen_before
	FROM names_any n;
	PERFORM pdns._rollup_new_names(moved_names, moved_seen, seen_before);
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
