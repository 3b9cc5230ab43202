-- Observations joined to the enrichment valid when they were seen
-- (docs/enrichment.md, "The store, enriched").  Filter them like the views
-- they extend: the conditions reach the store's indexes, and each row then
-- probes the enrichment indexes.

-- Every A/AAAA record, with what each source version valid during its life
-- (time_first to time_last) said about its address; `during` is the part
-- of its life that version covers.
CREATE VIEW ip_history_enriched AS
SELECT h.address, h.rrname, h.rrtype, h.time_first, h.time_last, h.count,
       e.kind, e.source, e.version, e.network, e.during,
       e.asn, e.as_org, e.country, e.city
FROM pdns.ip_history h,
     LATERAL pdns.enrich_during(h.address, tstzrange(h.time_first, h.time_last, '[]')) e;
COMMENT ON VIEW ip_history_enriched IS
	'A/AAAA records with ASN, country and city as they were while each was seen';

-- Every RRset, with the tags valid during its life on its name or on any
-- name above it (a tag on example.com applies to www.example.com).
CREATE VIEW rrset_history_tagged AS
SELECT h.rrname, h.rrtype, h.bailiwick, h.rdata, h.time_first, h.time_last, h.count,
       t.name AS tagged, t.tag, t.source, t.valid, t.details
FROM pdns.rrset_history h
JOIN pdns.name_tag t
  ON t.name OPERATOR(public.>>=) h.rrname
 AND t.valid && tstzrange(h.time_first, h.time_last, '[]');
COMMENT ON VIEW rrset_history_tagged IS
	'RRsets with the tags (threat intel, registration) valid on their name or a parent while seen';

GRANT SELECT ON ip_history_enriched, rrset_history_tagged, ip_enrichment, enrichment_source, name_tag
	TO pdns_analyst;
