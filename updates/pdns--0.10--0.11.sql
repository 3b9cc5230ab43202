-- pdns 0.10 -> 0.11: search_rdata() filtered by a sensor no longer lists
-- values that sensor never saw (their rows had no first or last sighting
-- and the largest count) when it probes the values one by one.
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

CREATE OR REPLACE FUNCTION rdata_matching(rx text, ex text DEFAULT NULL, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL,
	sensor_id integer DEFAULT NULL)
RETURNS SETOF search_rdata_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT m.rdata, m.rrtype, encode(m.octets, 'hex'), m.time_first, m.time_last, m.count,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(m.rdata, m.rrtype::integer::text)
	FROM (
		SELECT v.value AS rdata, v.rrtype, v.octets, a.time_first, a.time_last, a.count
		FROM (SELECT * FROM pdns.searchable_rdata v
		      WHERE v.value ~* rx
		        AND (ex IS NULL OR v.value !~* ex)
		        AND (types IS NULL OR v.rrtype = ANY (types))
		        AND (after_cursor IS NULL OR (v.value COLLATE "C", v.rrtype) >
		             (pdns._cursor_field(after_cursor, 1) COLLATE "C",
		              pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype))
		      ORDER BY v.value COLLATE "C", v.rrtype) v
		CROSS JOIN LATERAL (
			SELECT min(coalesce(ps.time_first, r.time_first)) AS time_first,
			       max(coalesce(ps.time_last, r.time_last)) AS time_last,
			       least(sum(coalesce(ps.count, r.count)), pdns.count_ceiling())::bigint AS count
			FROM pdns.rdata_elements e
			JOIN pdns.rrsets r ON r.key = e.rrset_key
			LEFT JOIN LATERAL (SELECT * FROM pdns.rrset_sensors x
			                   WHERE x.rrset_key = r.key AND x.sensor_id = rdata_matching.sensor_id
			                   LIMIT 1) ps ON true
			WHERE e.hash = v.hash AND r.rrtype = v.rrtype AND pdns.contains_element(r.rdata, v.octets)
			  AND (rdata_matching.sensor_id IS NULL OR ps.rrset_key IS NOT NULL)) a
		-- (a value none of whose RRsets passed has no first sighting; its
		-- count is not NULL: least() skips a NULL sum)
		WHERE a.time_first IS NOT NULL
		  AND pdns._fenced(a.time_first, a.time_last, first_before, first_after, last_before, last_after)
		ORDER BY v.value COLLATE "C", v.rrtype
		LIMIT least(max_results, 9223372036854775806) + 1	-- (no overflow at the largest bigint)
	) m
	ORDER BY m.rdata COLLATE "C", m.rrtype
	LIMIT max_results;
END;
