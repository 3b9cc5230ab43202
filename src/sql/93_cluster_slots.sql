-- A shard's side of a pdns_cluster (docs/scale-out.md): the slot of a
-- stored name, as the coordinator's pdns_cluster.slot_of() routes it, so
-- that moving slots between shards picks a slot's rows on the shard
-- itself.  IMMUTABLE, which postgres_fdw asks of a function before it
-- sends it to a shard: the answer depends only on the public suffix list,
-- which every server of a cluster must share (pdns.public_suffix_list
-- changes the slot of names on the coordinator too).
CREATE FUNCTION slot_of(dnsname) RETURNS integer
	AS 'MODULE_PATHNAME', 'pdns_slot_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION slot_of(dnsname) IS
	'the pdns_cluster slot (0 to 1023) of a name: its registered domain hashed';
