-- History and volume views (docs/lookup.md).  Filter them in WHERE: the
-- conditions reach the indexes underneath (rrsets_name, rdata_addresses,
-- rdata_names, the observations' primary keys).

CREATE VIEW rrset_history AS
SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
       r.time_first, r.time_last, r.count, r.lossy, r.key
FROM pdns.rrsets r;
COMMENT ON VIEW rrset_history IS 'what each name resolved to, and when (filter on rrname)';

CREATE VIEW ip_history AS
SELECT a.address, r.rrname, r.rrtype, pdns.rdata(r.rdata) AS rdata,
       r.time_first, r.time_last, r.count, r.lossy, r.key
FROM pdns.rdata_addresses a
JOIN pdns.rrsets r ON r.key = a.rrset_key;
COMMENT ON VIEW ip_history IS 'which names pointed at an address, and when (filter on address, e.g. <<= a CIDR)';

CREATE VIEW nameserver_history AS
SELECT n.name AS nameserver, r.rrname AS zone, r.bailiwick,
       r.time_first, r.time_last, r.count, r.key
FROM pdns.rdata_names n
JOIN pdns.rrsets r ON r.key = n.rrset_key
WHERE n.rrtype = 'NS';
COMMENT ON VIEW nameserver_history IS 'which zones a name server served, and when (filter on nameserver)';

CREATE VIEW name_volume AS
SELECT r.rrname, r.rrtype, o.period, sum(o.count)::bigint AS count,
       count(DISTINCT r.key) AS rrsets, count(DISTINCT o.sensor_id) AS sensors,
       min(o.time_first) AS time_first, max(o.time_last) AS time_last
FROM pdns.observations o
JOIN pdns.rrsets r ON r.key = o.rrset_key
GROUP BY r.rrname, r.rrtype, o.period;
COMMENT ON VIEW name_volume IS 'observations per name, type and period (filter on rrname and period)';

CREATE VIEW negative_volume AS
SELECT n.rrname, n.rrtype, n.rcode,
       CASE n.rcode WHEN 0 THEN 'NODATA' WHEN 3 THEN 'NXDOMAIN' ELSE 'RCODE' || n.rcode END AS kind,
       n.period, sum(n.count)::bigint AS count, count(DISTINCT n.sensor_id) AS sensors,
       min(n.time_first) AS time_first, max(n.time_last) AS time_last
FROM pdns.negative_observations n
GROUP BY n.rrname, n.rrtype, n.rcode, n.period;
COMMENT ON VIEW negative_volume IS 'negative answers per name, type, rcode and period';

CREATE VIEW client_activity AS
SELECT c.rrname, c.rrtype, c.period,
       round(hll_cardinality(hll_union_agg(c.clients)))::bigint AS clients,
       sum(c.count)::bigint AS queries, count(DISTINCT c.sensor_id) AS sensors,
       min(c.time_first) AS time_first, max(c.time_last) AS time_last
FROM pdns.client_counts c
GROUP BY c.rrname, c.rrtype, c.period;
COMMENT ON VIEW client_activity IS
	'distinct clients (estimated: HyperLogLog) and queries per name, type and period (filter on rrname and period)';
