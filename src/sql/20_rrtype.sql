-- rrtype: a DNS RR type; reads mnemonics, TYPEnnn and numbers, prints
-- mnemonics (TYPEnnn where there is none).

CREATE TYPE rrtype;

CREATE FUNCTION rrtype_in(cstring) RETURNS rrtype
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrtype_out(rrtype) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrtype_recv(internal) RETURNS rrtype
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrtype_send(rrtype) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rrtype (
	INPUT = rrtype_in,
	OUTPUT = rrtype_out,
	RECEIVE = rrtype_recv,
	SEND = rrtype_send,
	INTERNALLENGTH = 2,
	PASSEDBYVALUE,
	ALIGNMENT = int2,
	STORAGE = plain,
	CATEGORY = 'U'
);
COMMENT ON TYPE rrtype IS 'DNS resource record type';

CREATE FUNCTION rrtype(integer) RETURNS rrtype
	AS 'MODULE_PATHNAME', 'rrtype_from_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION int4(rrtype) RETURNS integer
	AS 'MODULE_PATHNAME', 'rrtype_to_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE CAST (integer AS rrtype) WITH FUNCTION rrtype(integer) AS ASSIGNMENT;
CREATE CAST (rrtype AS integer) WITH FUNCTION int4(rrtype) AS ASSIGNMENT;
CREATE CAST (text AS rrtype) WITH INOUT AS ASSIGNMENT;
CREATE CAST (rrtype AS text) WITH INOUT AS ASSIGNMENT;

CREATE FUNCTION rrtype_cmp(rrtype, rrtype) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_lt(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_le(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_eq(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_ne(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_ge(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_gt(rrtype, rrtype) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrtype_hash(rrtype) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION rrtype_hash_extended(rrtype, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

-- The operators are made in schema public, on every session's default
-- search_path, so that a session without pdns on its path compares and
-- index-searches these values (docs/dnsname.md, "Schemas").
SET LOCAL search_path = public, pdns;
CREATE OPERATOR < (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR = (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR >= (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR > (LEFTARG = rrtype, RIGHTARG = rrtype, FUNCTION = rrtype_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
SET LOCAL search_path = pdns, public;

CREATE OPERATOR CLASS rrtype_ops DEFAULT FOR TYPE rrtype USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 rrtype_cmp(rrtype, rrtype),
	FUNCTION 2 rrtype_sortsupport(internal);

CREATE FUNCTION rrtype_smaller(rrtype, rrtype) RETURNS rrtype
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rrtype_larger(rrtype, rrtype) RETURNS rrtype
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE min(rrtype) (SFUNC = rrtype_smaller, STYPE = rrtype,
	COMBINEFUNC = rrtype_smaller, SORTOP = <, PARALLEL = SAFE);
CREATE AGGREGATE max(rrtype) (SFUNC = rrtype_larger, STYPE = rrtype,
	COMBINEFUNC = rrtype_larger, SORTOP = >, PARALLEL = SAFE);

CREATE OPERATOR CLASS rrtype_ops DEFAULT FOR TYPE rrtype USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 rrtype_hash(rrtype),
	FUNCTION 2 rrtype_hash_extended(rrtype, bigint);
