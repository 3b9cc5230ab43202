-- pdns 0.11 -> 0.12: pdns.slot_of(dnsname), the slot of a stored name,
-- for moving slots between the shards of a pdns_cluster
-- (src/sql/93_cluster_slots.sql); addresses_of_sketch() hashes
-- addresses_seen()'s addresses (the same sketch).
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.12'" to load this file. \quit

CREATE FUNCTION slot_of(dnsname) RETURNS integer
	AS 'MODULE_PATHNAME', 'pdns_slot_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION slot_of(dnsname) IS
	'the pdns_cluster slot (0 to 1023) of a name: its registered domain hashed';

CREATE OR REPLACE FUNCTION addresses_of_sketch(name dnsname, below boolean DEFAULT false) RETURNS hll
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT hll_add_agg(hll_hash_any(x.address)) FROM addresses_seen(name, below) x(address);
END;
