-- Hashes of rdata elements, for raw-rdata lookups (src/pg/rrset_elements.c).

CREATE FUNCTION element_hash(bytea) RETURNS bigint
	AS 'MODULE_PATHNAME', 'rrset_element_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION element_hash(bytea) IS 'hash of one rdata element''s wire octets';
CREATE FUNCTION element_hashes(rrset) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'rrset_element_hashes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION element_hashes(rrset) IS 'element_hash() of each rdata element of a set';
CREATE FUNCTION contains_element(rrset, bytea) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rrset_contains_element' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION contains_element(rrset, bytea) IS 'does the set hold an element with these wire octets';
CREATE FUNCTION element_octets(rrset) RETURNS bytea[]
	AS 'MODULE_PATHNAME', 'rrset_element_octets' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION element_octets(rrset) IS 'the wire octets of each rdata element of a set, in the order of rdata()';
