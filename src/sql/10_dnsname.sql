-- dnsname: a domain name, stored so that byte order is RFC 4034 canonical
-- order (see src/core/dnsname_codec.h).  Not collatable: order and equality
-- never depend on a locale.

CREATE TYPE dnsname;

CREATE FUNCTION dnsname_in(cstring) RETURNS dnsname
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_out(dnsname) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_recv(internal) RETURNS dnsname
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_send(dnsname) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE dnsname (
	INPUT = dnsname_in,
	OUTPUT = dnsname_out,
	RECEIVE = dnsname_recv,
	SEND = dnsname_send,
	INTERNALLENGTH = VARIABLE,
	STORAGE = main,
	CATEGORY = 'U'
);
COMMENT ON TYPE dnsname IS 'DNS domain name in RFC 4034 canonical order';

CREATE CAST (text AS dnsname) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS dnsname) WITH INOUT AS ASSIGNMENT;
CREATE CAST (dnsname AS text) WITH INOUT AS ASSIGNMENT;

-- Ordering and equality

CREATE FUNCTION dnsname_cmp(dnsname, dnsname) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_lt(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_le(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_eq(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION dnsname_ne(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION dnsname_ge(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_gt(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_hash(dnsname) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_hash_extended(dnsname, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The operators are made in schema public, on every session's default
-- search_path, so that a session without pdns on its path compares and
-- index-searches these values (docs/dnsname.md, "Schemas").
SET LOCAL search_path = public, pdns;
CREATE OPERATOR < (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR = (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR >= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR > (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
SET LOCAL search_path = pdns, public;

CREATE OPERATOR CLASS dnsname_ops DEFAULT FOR TYPE dnsname USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 dnsname_cmp(dnsname, dnsname),
	FUNCTION 2 dnsname_sortsupport(internal);

CREATE OPERATOR CLASS dnsname_ops DEFAULT FOR TYPE dnsname USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 dnsname_hash(dnsname),
	FUNCTION 2 dnsname_hash_extended(dnsname, bigint);

CREATE FUNCTION dnsname_smaller(dnsname, dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_larger(dnsname, dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE min(dnsname) (SFUNC = dnsname_smaller, STYPE = dnsname,
	COMBINEFUNC = dnsname_smaller, SORTOP = <, PARALLEL = SAFE);
CREATE AGGREGATE max(dnsname) (SFUNC = dnsname_larger, STYPE = dnsname,
	COMBINEFUNC = dnsname_larger, SORTOP = >, PARALLEL = SAFE);

-- Subdomain operators: a <<= b "a is b or below it", a << b "strictly below",
-- a >>= b "a is b or above it", a >> b "strictly above".  The support
-- function turns them into btree range (or = ANY) conditions.

CREATE FUNCTION dnsname_subdomain_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dnsname_subdomain_sel(internal, oid, internal, integer) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION dnsname_within(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dnsname_subdomain_support;
CREATE FUNCTION dnsname_strictly_within(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dnsname_subdomain_support;
CREATE FUNCTION dnsname_contains(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dnsname_subdomain_support;
CREATE FUNCTION dnsname_strictly_contains(dnsname, dnsname) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT dnsname_subdomain_support;

SET LOCAL search_path = public, pdns;
CREATE OPERATOR <<= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_within,
	COMMUTATOR = >>=, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR << (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_strictly_within,
	COMMUTATOR = >>, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR >>= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_contains,
	COMMUTATOR = <<=, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR >> (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_strictly_contains,
	COMMUTATOR = <<, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
SET LOCAL search_path = pdns, public;

-- The bounds the support function builds (also usable by hand).
CREATE FUNCTION dnsname_subtree_end(dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dnsname_subtree_end(dnsname) IS
	'the first name after a name''s subtree in canonical order';
CREATE FUNCTION dnsname_ancestors(dnsname, inclusive boolean DEFAULT true) RETURNS dnsname[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dnsname_ancestors(dnsname, boolean) IS
	'the root, every parent and (if inclusive) the name itself';

-- Label helpers

CREATE FUNCTION labels(dnsname) RETURNS text[]
	AS 'MODULE_PATHNAME', 'dnsname_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labels(dnsname) IS 'the labels, left to right, in presentation format';
CREATE FUNCTION label_count(dnsname) RETURNS integer
	AS 'MODULE_PATHNAME', 'dnsname_label_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION label_count(dnsname) IS 'the number of labels (0 for the root)';
CREATE FUNCTION parent(dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME', 'dnsname_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION parent(dnsname) IS 'the name without its leftmost label; NULL for the root';
CREATE FUNCTION tld(dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME', 'dnsname_tld' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tld(dnsname) IS 'the rightmost label; NULL for the root';
CREATE FUNCTION reversed(dnsname) RETURNS text
	AS 'MODULE_PATHNAME', 'dnsname_reversed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION reversed(dnsname) IS 'the labels TLD first: com.example.www';
CREATE FUNCTION to_unicode(dnsname) RETURNS text
	AS 'MODULE_PATHNAME', 'dnsname_to_unicode' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION to_unicode(dnsname) IS 'the name for display, with U-labels';

CREATE FUNCTION forward_key(dnsname) RETURNS bytea
	AS 'MODULE_PATHNAME', 'dnsname_forward_key' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION forward_key(dnsname) IS
	'the sort key with the labels leftmost first (for right-wildcard indexes)';

-- Public Suffix List.  STABLE, not IMMUTABLE: the answer follows the list,
-- which is refreshed (see docs/dnsname.md).

CREATE FUNCTION public_suffix(dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME', 'dnsname_public_suffix' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION public_suffix(dnsname) IS 'the longest public suffix (eTLD)';
CREATE FUNCTION registered_domain(dnsname) RETURNS dnsname
	AS 'MODULE_PATHNAME', 'dnsname_registered_domain' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION registered_domain(dnsname) IS
	'the public suffix plus one label (eTLD+1); NULL for a public suffix';
CREATE FUNCTION public_suffix_list_info(OUT source text, OUT rules integer,
	OUT exceptions integer, OUT wildcards integer, OUT libpsl_version text)
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION public_suffix_list_reload() RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
