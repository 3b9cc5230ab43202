-- The views on the coordinator (docs/scale-out.md, "Views"): pdns's
-- history, volume and signal views over every shard, with the same columns
-- and rows as on one server holding all the data.
--
-- Each view's rows are about one name, one RRset or one registered domain
-- (its observations, its negatives, its first sighting, its spikes), and
-- all of those live on the shard of their registered domain: the union of
-- the shards' views is the one server's view, row for row.  Each shard's
-- view is a foreign table of postgres_fdw (made by add_shard()), and
-- pdns_cluster.<view> is their UNION ALL, which add_shard() rewrites.
-- Conditions in WHERE are sent to every shard (pdns's types and operators
-- are shippable: the servers list the extension), and the shards are read
-- side by side (asynchronous append).
--
-- The enriched views join the cluster's rows to the enrichment and tags
-- loaded on the coordinator: load them there (docs/enrichment.md).

-- pdns's views, and its rollup tables per registered domain, that are
-- each shard's rows together.
CREATE FUNCTION _cluster_views() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['rrset_history', 'ip_history', 'nameserver_history', 'name_volume', 'negative_volume',
	             'client_activity', 'newly_observed', 'negative_spike_history', 'domain_rollups',
	             'domain_month_rollups'];
END;

-- pdns's rollups per period and type: the shards' rows of a period and
-- type added up, their sketches united.
CREATE FUNCTION _cluster_sums() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['rrtype_rollups'];
END;

-- pdns's rollups per period and sensor, and its sensors: the shards
-- number sensors each their own way, so the coordinator adds up the rows
-- of a period and sensor name, their sketches united.
CREATE FUNCTION _cluster_per_sensor() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT ARRAY['sensor_rollups', 'sensors'];
END;

-- Every view and table of pdns that each shard's foreign tables
-- (pdns_cluster.<view>_<shard>) read.
CREATE FUNCTION _view_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT pdns_cluster._cluster_views() || pdns_cluster._cluster_sums() || pdns_cluster._cluster_per_sensor();
END;

-- The schema of the hll extension (the coordinator's functions name it).
CREATE FUNCTION _hll_schema() RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT e.extnamespace::regnamespace::text FROM pg_catalog.pg_extension e WHERE e.extname = 'hll';
END;

-- The columns of pdns's view, as a foreign table's column list.
CREATE FUNCTION _view_columns(view text) RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = format('pdns.%I', view)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
END;

-- A shard's views as foreign tables pdns_cluster.<view>_<shard>.
CREATE FUNCTION _add_view_tables(shard text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._view_tables() LOOP
		-- (those it has already: a shard added before an update brought more)
		CONTINUE WHEN to_regclass(format('pdns_cluster.%I', v || '_' || shard)) IS NOT NULL;
		EXECUTE format('CREATE FOREIGN TABLE pdns_cluster.%I (%s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
		               v || '_' || shard, pdns_cluster._view_columns(v), 'pdns_shard_' || shard, 'pdns', v);
	END LOOP;
END
$$;

-- pdns_cluster.<view>: the UNION ALL of every shard's (nothing while there
-- is no shard).
CREATE FUNCTION _refresh_views() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v text;
	key text;
	part text;
	body text;
	hll text;
BEGIN
	FOREACH v IN ARRAY pdns_cluster._cluster_views() LOOP
		SELECT string_agg(format('SELECT * FROM pdns_cluster.%I', v || '_' || s.name), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%I AS %s', v,
		               coalesce(body, format('SELECT * FROM pdns.%I WHERE false', v)));
	END LOOP;
	-- the sums: each shard's rows (part: the table's, %1$s, with the
	-- names of the shard's sensors, %2$s), added up per period and key
	hll := pdns_cluster._hll_schema();
	FOR v, key, part IN
		VALUES ('rrtype_rollups', 'rrtype', 'SELECT * FROM %1$s'),
		       ('sensor_rollups', 'sensor', 'SELECT x.period, s.name AS sensor, x.names, x.rrsets, x.observations, '
		                                    'x.negatives, x.clients FROM %1$s x JOIN %2$s s ON s.id = x.sensor_id') LOOP
		SELECT string_agg(format(part, format('pdns_cluster.%I', v || '_' || s.name),
		                         format('pdns_cluster.%I', 'sensors_' || s.name)), ' UNION ALL ' ORDER BY s.id)
		INTO body FROM pdns_cluster.shards s;
		EXECUTE format('CREATE OR REPLACE VIEW pdns_cluster.%2$I AS '
		               'SELECT r.period, r.%3$I, %1$I.hll_union_agg(r.names) AS names, '
		               '%1$I.hll_union_agg(r.rrsets) AS rrsets, sum(r.observations)::bigint AS observations, '
		               'sum(r.negatives)::bigint AS negatives, %1$I.hll_union_agg(r.clients) AS clients '
		               'FROM (%4$s) r GROUP BY r.period, r.%3$I',
		               hll, v, key, coalesce(body, format(part, 'pdns.' || v, 'pdns.sensors') || ' WHERE false'));
	END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION _add_view_tables(text), _refresh_views() FROM PUBLIC;

SELECT _refresh_views();

-- A coordinator restored from pg_dump: pg_restore makes the extension
-- (these views reading no shard), then the servers and foreign tables
-- add_shard() made, then the rows of pdns_cluster.shards, when the views
-- are made again.  (add_shard() inserts its shard before it makes the
-- shard's foreign tables, and makes the views itself.)
CREATE FUNCTION _shards_inserted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM pdns_cluster.shards s, unnest(pdns_cluster._view_tables()) v
	               WHERE to_regclass(format('pdns_cluster.%I', v || '_' || s.name)) IS NULL) THEN
		PERFORM pdns_cluster._refresh_views();
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER views AFTER INSERT ON shards FOR EACH STATEMENT EXECUTE FUNCTION _shards_inserted();

COMMENT ON VIEW rrset_history IS 'what each name resolved to, and when (filter on rrname), from every shard';
COMMENT ON VIEW ip_history IS
	'which names pointed at an address, and when (filter on address, e.g. <<= a CIDR), from every shard';
COMMENT ON VIEW nameserver_history IS
	'which zones a name server served, and when (filter on nameserver), from every shard';
COMMENT ON VIEW name_volume IS 'observations per name, type and period, from every shard';
COMMENT ON VIEW negative_volume IS 'negative answers per name, type, rcode and period, from every shard';
COMMENT ON VIEW client_activity IS
	'distinct clients (estimated) and queries per name, type and period, from every shard';
COMMENT ON VIEW newly_observed IS
	'names and registered domains by first sighting, by any sensor (sensor NULL) or by each, from every shard';
COMMENT ON VIEW domain_rollups IS
	'per period and registered domain: names, RRsets, observations, negative answers, clients, new names, from every shard';
COMMENT ON VIEW domain_month_rollups IS
	'per calendar month and registered domain: observations, negative answers, new names, from every shard';
COMMENT ON VIEW rrtype_rollups IS
	'per period and RR type: names, RRsets, observations, negative answers, clients, over every shard';
COMMENT ON VIEW sensor_rollups IS
	'per period and sensor (by name): names, RRsets, observations, negative answers, clients, over every shard';
COMMENT ON VIEW negative_spike_history IS
	'negative answers per registered domain, kind, period and sensor, scored, from every shard';

-- As pdns's enriched views, over the cluster's rows and the coordinator's
-- enrichment.
CREATE VIEW ip_history_enriched AS
SELECT h.address, h.rrname, h.rrtype, h.time_first, h.time_last, h.count,
       e.kind, e.source, e.version, e.network, e.during,
       e.asn, e.as_org, e.country, e.city
FROM pdns_cluster.ip_history h,
     LATERAL pdns.enrich_during(h.address, tstzrange(h.time_first, h.time_last, '[]')) e;
COMMENT ON VIEW ip_history_enriched IS
	'A/AAAA records of every shard with ASN, country and city (the coordinator''s enrichment) as they were while seen';

CREATE VIEW rrset_history_tagged AS
SELECT h.rrname, h.rrtype, h.bailiwick, h.rdata, h.time_first, h.time_last, h.count,
       t.name AS tagged, t.tag, t.source, t.valid, t.details
FROM pdns_cluster.rrset_history h
JOIN pdns.name_tag t
  ON t.name OPERATOR(public.>>=) h.rrname
 AND t.valid && tstzrange(h.time_first, h.time_last, '[]');
COMMENT ON VIEW rrset_history_tagged IS
	'RRsets of every shard with the tags (the coordinator''s) valid on their name or a parent while seen';

GRANT SELECT ON rrset_history, ip_history, nameserver_history, name_volume, negative_volume, client_activity,
	newly_observed, negative_spike_history, domain_rollups, domain_month_rollups, rrtype_rollups,
	sensor_rollups, ip_history_enriched, rrset_history_tagged TO pdns_analyst;
