-- rrset: the rdata of one owner name and RR type, in canonical form (RFC
-- 4034 §6.2 name case folding where the type calls for it, §6.3 order,
-- duplicates removed), so equal sets are byte-equal and hash-equal.  Text
-- form: "<TYPE> {<rdata>,...}" with array-literal quoting.  See
-- src/core/rrset_codec.h for the stored layout.  Not collatable.

CREATE TYPE rrset;

CREATE FUNCTION rrset_in(cstring) RETURNS rrset
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_out(rrset) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_recv(internal) RETURNS rrset
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_send(rrset) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rrset (
	INPUT = rrset_in,
	OUTPUT = rrset_out,
	RECEIVE = rrset_recv,
	SEND = rrset_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = extended,
	CATEGORY = 'U'
);
COMMENT ON TYPE rrset IS 'DNS RRset rdata in canonical form (RFC 4034 §6.2, §6.3)';

CREATE CAST (text AS rrset) WITH INOUT AS ASSIGNMENT;
CREATE CAST (rrset AS text) WITH INOUT AS ASSIGNMENT;

-- Constructors

CREATE FUNCTION rrset(rrtype, text[]) RETURNS rrset
	AS 'MODULE_PATHNAME', 'rrset_from_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rrset(rrtype, text[]) IS
	'a set from presentation-format rdata; names in the rdata are absolute';
CREATE FUNCTION rrset(rrtype, text[], origin dnsname) RETURNS rrset
	AS 'MODULE_PATHNAME', 'rrset_from_array_origin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rrset(rrtype, text[], dnsname) IS
	'a set from presentation-format rdata; relative names end in origin, as in a zone file';

-- Ordering, equality and hashing: byte order of the canonical payload.

CREATE FUNCTION rrset_cmp(rrset, rrset) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_lt(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_le(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_eq(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrset_ne(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrset_ge(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_gt(rrset, rrset) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_hash(rrset) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrset_hash_extended(rrset, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The operators are made in schema public, on every session's default
-- search_path, so that a session without pdns on its path compares and
-- index-searches these values (docs/dnsname.md, "Schemas").
SET LOCAL search_path = public, pdns;
CREATE OPERATOR < (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR = (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR >= (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR > (LEFTARG = rrset, RIGHTARG = rrset, FUNCTION = rrset_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
SET LOCAL search_path = pdns, public;

CREATE OPERATOR CLASS rrset_ops DEFAULT FOR TYPE rrset USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 rrset_cmp(rrset, rrset);

CREATE OPERATOR CLASS rrset_ops DEFAULT FOR TYPE rrset USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 rrset_hash(rrset),
	FUNCTION 2 rrset_hash_extended(rrset, bigint);

-- What a set holds

CREATE FUNCTION rrtype(rrset) RETURNS rrtype
	AS 'MODULE_PATHNAME', 'rrset_rrtype' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rrtype(rrset) IS 'the RR type of the set';
CREATE FUNCTION rdata_count(rrset) RETURNS integer
	AS 'MODULE_PATHNAME', 'rrset_rdata_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rdata_count(rrset) IS 'the number of distinct rdata in the set';
CREATE FUNCTION rdata(rrset) RETURNS text[]
	AS 'MODULE_PATHNAME', 'rrset_rdata' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rdata(rrset) IS 'the rdata in presentation format, in canonical order';
CREATE FUNCTION addresses(rrset) RETURNS inet[]
	AS 'MODULE_PATHNAME', 'rrset_addresses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION addresses(rrset) IS 'the addresses of an A or AAAA set; empty for other types';
CREATE FUNCTION names(rrset) RETURNS dnsname[]
	AS 'MODULE_PATHNAME', 'rrset_names' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION names(rrset) IS 'the domain names inside the rdata, in element and field order';
CREATE FUNCTION contains_rdata(rrset, text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'rrset_contains_rdata' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION contains_rdata(rrset, text) IS
	'does the set hold this rdata (parsed as the set''s type, compared canonically)?';
