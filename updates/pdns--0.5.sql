-- generated from src/sql/*.sql by make; edit those files
\echo Use "CREATE EXTENSION pdns" to load this file. \quit

-- src/sql/10_dnsname.sql
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

CREATE OPERATOR <<= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_within,
	COMMUTATOR = >>=, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR << (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_strictly_within,
	COMMUTATOR = >>, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR >>= (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_contains,
	COMMUTATOR = <<=, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);
CREATE OPERATOR >> (LEFTARG = dnsname, RIGHTARG = dnsname, FUNCTION = dnsname_strictly_contains,
	COMMUTATOR = <<, RESTRICT = dnsname_subdomain_sel, JOIN = contjoinsel);

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

-- src/sql/20_rrtype.sql
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

-- src/sql/30_rrset.sql
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

-- src/sql/35_dns_message.sql
-- DNS wire messages (a UDP payload, or a TCP message without its two-octet
-- length) as rows.  Damage never raises an error: the rows hold what could
-- be read, with partial = true and the problem (see docs/wire.md).

CREATE FUNCTION dns_message(msg bytea,
	OUT id integer, OUT opcode text, OUT rcode text, OUT flags text[],
	OUT qname dnsname, OUT qtype rrtype,
	OUT section text, OUT owner dnsname, OUT rrtype rrtype, OUT class text,
	OUT ttl bigint, OUT rdata rrset,
	OUT edns_udp_size integer, OUT edns_do boolean, OUT edns_client_subnet inet,
	OUT partial boolean, OUT problem text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'dns_message_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	ROWS 6;
COMMENT ON FUNCTION dns_message(bytea) IS
	'one row per RRset of a DNS message (OPT left out), header columns repeated';

CREATE FUNCTION dns_message_header(msg bytea,
	OUT id integer, OUT opcode text, OUT rcode text, OUT flags text[],
	OUT qname dnsname, OUT qtype rrtype,
	OUT qdcount integer, OUT ancount integer, OUT nscount integer, OUT arcount integer,
	OUT edns_udp_size integer, OUT edns_do boolean, OUT edns_client_subnet inet,
	OUT partial boolean, OUT problem text)
	AS 'MODULE_PATHNAME', 'dns_message_header' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dns_message_header(bytea) IS
	'the header, first question, section counts and EDNS values of a DNS message';

-- src/sql/40_rrset_elements.sql
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

-- src/sql/50_store.sql
-- The store: all-time RRset aggregate, per-period observations (partitioned
-- by pg_partman), rdata indexes, negative answers, client activity, rejects.
-- See docs/ingest.md for how rows get here and docs/lookup.md for reading.

-- Store-wide settings: one row.  Change them with pdns.configure() before
-- the first ingestion (partitioning cannot change once partitions exist).
CREATE TABLE settings (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	partition_interval interval NOT NULL DEFAULT '1 day'
		CHECK (partition_interval IN ('1 hour', '1 day', '1 week', '1 month')),
	premake integer NOT NULL DEFAULT 4 CHECK (premake > 0),
	retention interval,
	record_clients boolean NOT NULL DEFAULT true,
	batch_keys integer NOT NULL DEFAULT 2000000 CHECK (batch_keys >= 1000)
);
INSERT INTO settings DEFAULT VALUES;
COMMENT ON TABLE settings IS 'store-wide settings (one row); see pdns.configure()';
COMMENT ON COLUMN settings.retention IS 'drop partitions older than this (NULL: keep forever)';
COMMENT ON COLUMN settings.record_clients IS 'keep per-period client activity (pseudonymized)';
COMMENT ON COLUMN settings.batch_keys IS 'distinct keys an ingesting session buffers before merging';

-- The row is dumped (pg_extension_config_dump below), and restoring a dump
-- runs CREATE EXTENSION, which makes the default row, before it loads the
-- dumped one: a row inserted takes the place of the one that is there.
CREATE FUNCTION _settings_replace() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.settings;
	RETURN NEW;
END
$$;
CREATE TRIGGER replace_row BEFORE INSERT ON settings
	FOR EACH ROW EXECUTE FUNCTION _settings_replace();

CREATE TABLE sensors (
	id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE,
	first_seen timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sensors IS 'sensors, numbered on first sight';

-- One row per (rrname, rrtype, bailiwick, rdata, lossy) ever seen.  `key` is
-- the 128-bit SHA-256 digest of those (see src/core/digest.h): the unique
-- key that ingestion merges on, and what other tables refer to.
CREATE TABLE rrsets (
	key uuid PRIMARY KEY,
	rrname dnsname NOT NULL,
	rrtype rrtype NOT NULL,
	bailiwick dnsname,
	rdata rrset NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL,
	lossy boolean NOT NULL DEFAULT false
) WITH (fillfactor = 50);	-- room for the updates of counts to stay HOT
COMMENT ON TABLE rrsets IS 'all-time aggregate: one row per rrname, rrtype, bailiwick and rdata set';
COMMENT ON COLUMN rrsets.lossy IS
	'the sensor format dropped part of the rdata (e.g. passivedns logs MX without preference): '
	'kept apart from exact observations of the same set';
-- Lookups by name (exact, subtree), and a stable keyset order.
CREATE INDEX rrsets_name ON rrsets (rrname, rrtype, key);
-- Right wildcards: "www.example.*" is a prefix of the forward key.
CREATE INDEX rrsets_forward_name ON rrsets (forward_key(rrname), key);

-- Rdata indexes: derived once per new RRset, keyed by what is inside it.
CREATE TABLE rdata_addresses (
	address inet NOT NULL,
	rrset_key uuid NOT NULL,
	PRIMARY KEY (address, rrset_key)
);
COMMENT ON TABLE rdata_addresses IS 'the addresses in A and AAAA RRsets';

CREATE TABLE rdata_names (
	name dnsname NOT NULL,
	rrtype rrtype NOT NULL,
	rrset_key uuid NOT NULL,
	PRIMARY KEY (name, rrtype, rrset_key)
);
CREATE INDEX rdata_names_forward ON rdata_names (forward_key(name), rrset_key);
COMMENT ON TABLE rdata_names IS 'the names inside NS, CNAME, MX, SOA, SRV, ... RRsets';

CREATE TABLE rdata_elements (
	hash bigint NOT NULL,
	rrset_key uuid NOT NULL,
	PRIMARY KEY (hash, rrset_key)
);
COMMENT ON TABLE rdata_elements IS 'a hash of each rdata element in wire form, for raw (hex) lookups';

-- The rows of the rdata tables exist exactly as long as their RRset does,
-- so the merge adds those of a new RRset with plain inserts (no conflict
-- checks): an RRset deleted takes its rows along.
CREATE FUNCTION _rrsets_deleted() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM pdns.rdata_addresses d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_names d USING gone g WHERE d.rrset_key = g.key;
	DELETE FROM pdns.rdata_elements d USING gone g WHERE d.rrset_key = g.key;
	RETURN NULL;
END
$$;
CREATE TRIGGER rdata_rows AFTER DELETE ON rrsets REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION _rrsets_deleted();

CREATE FUNCTION _rrsets_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- (not TRUNCATE: the statement that fired this may be truncating them)
	DELETE FROM pdns.rdata_addresses;
	DELETE FROM pdns.rdata_names;
	DELETE FROM pdns.rdata_elements;
	RETURN NULL;
END
$$;
CREATE TRIGGER rdata_rows_truncated AFTER TRUNCATE ON rrsets
	FOR EACH STATEMENT EXECUTE FUNCTION _rrsets_truncated();

-- The tables partitioned by period (51_partitions.sql) carry no keys or
-- indexes themselves: each partition gets those of a template table when
-- pg_partman makes it, and the merge writes to the partitions.  (Keys on
-- the partitioned tables, made by CREATE EXTENSION, would be made again on
-- each partition as pg_restore attaches it, and the partitions' own keys,
-- restored next, would then fail.)

-- Per-period observations: how often each RRset was seen, by which sensor.
CREATE TABLE observations (
	period timestamptz NOT NULL,
	rrset_key uuid NOT NULL,
	sensor_id integer NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL
) PARTITION BY RANGE (period);
COMMENT ON TABLE observations IS 'RRset counts per period and sensor (partitioned by period)';
CREATE TABLE _template_observations (LIKE observations,
	PRIMARY KEY (rrset_key, period, sensor_id)) WITH (fillfactor = 80);

-- Negative answers: NXDOMAIN, NODATA (rcode 0 with no records) and other
-- failures, per name, type and period.
CREATE TABLE negative_observations (
	period timestamptz NOT NULL,
	rrname dnsname NOT NULL,
	rrtype rrtype NOT NULL,
	rcode smallint NOT NULL,
	sensor_id integer NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL
) PARTITION BY RANGE (period);
COMMENT ON TABLE negative_observations IS 'negative answers per name, type, rcode, period and sensor';
CREATE TABLE _template_negative_observations (LIKE negative_observations,
	PRIMARY KEY (rrname, rrtype, rcode, period, sensor_id)) WITH (fillfactor = 80);

-- Which (pseudonymized) clients asked for what, per period.
CREATE TABLE client_observations (
	period timestamptz NOT NULL,
	client inet NOT NULL,
	rrname dnsname NOT NULL,
	rrtype rrtype NOT NULL,
	sensor_id integer NOT NULL,
	time_first timestamptz NOT NULL,
	time_last timestamptz NOT NULL,
	count bigint NOT NULL
) PARTITION BY RANGE (period);
COMMENT ON TABLE client_observations IS
	'client activity per period; client addresses are pseudonymized before they get here';
-- Room on each page, as for observations: a later batch's counts for the
-- same client, name and period update the row in place (HOT), without new
-- entries in both indexes (at full benchmark scale the one-day ingestion
-- took 9 % less time, bench/README.md).
CREATE TABLE _template_client_observations (LIKE client_observations,
	PRIMARY KEY (client, rrname, rrtype, period, sensor_id)) WITH (fillfactor = 80);
CREATE INDEX ON _template_client_observations (rrname, rrtype);

-- Everything that could not be ingested, verbatim, with the reason.
CREATE TABLE rejects (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	received timestamptz NOT NULL DEFAULT now(),
	target text NOT NULL,
	sensor text,
	reason text NOT NULL,
	raw bytea NOT NULL
);
COMMENT ON TABLE rejects IS 'input that could not be ingested: the raw line or message and why';
COMMENT ON COLUMN rejects.target IS 'the ingestion target (format) it was sent to';

-- pg_dump keeps the contents of these extension tables.  Partitions are made
-- later by maintenance, outside the extension, and are dumped as usual.
SELECT pg_catalog.pg_extension_config_dump('settings', '');
SELECT pg_catalog.pg_extension_config_dump('sensors', '');
SELECT pg_catalog.pg_extension_config_dump('sensors_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('rrsets', '');
SELECT pg_catalog.pg_extension_config_dump('rdata_addresses', '');
SELECT pg_catalog.pg_extension_config_dump('rdata_names', '');
SELECT pg_catalog.pg_extension_config_dump('rdata_elements', '');
SELECT pg_catalog.pg_extension_config_dump('rejects', '');
SELECT pg_catalog.pg_extension_config_dump('rejects_id_seq', '');

-- src/sql/51_partitions.sql
-- Time partitions, made and retired by pg_partman.
--
-- The partitioned tables are registered with pg_partman when the first
-- batch is merged (not at CREATE EXTENSION: partitions made then would
-- belong to the extension, and pg_dump would leave their rows out), and a
-- batch that reaches into periods with no partition yet gets them made
-- first.  From then on pg_partman's maintenance premakes partitions ahead
-- and drops those older than the retention: run it with pg_partman's
-- background worker (docs/ingest.md), or by calling pdns.run_maintenance().

CREATE FUNCTION partitioned_tables() RETURNS SETOF regclass
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ VALUES ('pdns.observations'::regclass), ('pdns.negative_observations'::regclass),
             ('pdns.client_observations'::regclass) $$;
COMMENT ON FUNCTION partitioned_tables() IS 'the tables pg_partman partitions by period';

-- pg_partman's schema and major version (4.x and 5.x differ in create_parent).
CREATE FUNCTION _partman() RETURNS TABLE (nspname name, major integer)
LANGUAGE sql STABLE
AS $$
	SELECT n.nspname, split_part(e.extversion, '.', 1)::integer
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_partman'
$$;

-- Is the table registered with pg_partman?
CREATE FUNCTION _partman_managed(parent regclass) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	managed boolean;
BEGIN
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config WHERE parent_table = $1)',
	               (SELECT nspname FROM pdns._partman()))
		INTO managed USING parent::text;
	RETURN managed;
END
$$;

-- Register one table with pg_partman.  pg_partman makes partitions around
-- now; the periods of older data are made on demand by _partitions
-- (a backfill of old data makes only the partitions it needs).
CREATE FUNCTION _partman_register(parent regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	pm record;
	s pdns.settings;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	SELECT * INTO STRICT s FROM pdns.settings;
	-- the template: pdns._template_<table> (50_store.sql)
	EXECUTE format('SELECT %I.create_parent(p_parent_table := $1, p_control := %L, '
	               'p_type := %L, p_interval := $2, p_premake := $3, p_template_table := $4)',
	               pm.nspname, 'period', CASE WHEN pm.major >= 5 THEN 'range' ELSE 'native' END)
		USING parent::text, s.partition_interval::text, s.premake,
		      format('pdns.%I', '_template_' || (SELECT c.relname FROM pg_catalog.pg_class c
		                                          WHERE c.oid = parent));
	EXECUTE format('UPDATE %I.part_config SET retention = $2, retention_keep_table = false, '
	               'infinite_time_partitions = true WHERE parent_table = $1', pm.nspname)
		USING parent::text, s.retention::text;
	-- No default partition: rows always get a partition of their own first
	-- (_partitions).  A default partition would have to be locked
	-- exclusively, until the ingesting transaction ends, by every new
	-- partition attached, and readers of the table would wait on it.
	EXECUTE format('DROP TABLE IF EXISTS %s', parent::text || '_default');
END
$$;

-- The partition of each of these periods, from the partitions' bounds.
CREATE FUNCTION _partitions_of(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
	WITH bounds AS MATERIALIZED (	-- parsed once, not once per period
		SELECT c.relname::text AS name, b[1]::timestamptz AS low, b[2]::timestamptz AS high
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
		     regexp_match(pg_get_expr(c.relpartbound, c.oid), $r$FROM \('([^']+)'\) TO \('([^']+)'\)$r$) b
		WHERE i.inhparent = parent
	)
	SELECT p, (SELECT name FROM bounds WHERE p >= low AND p < high)
	FROM unnest(periods) p
	ORDER BY p
$$;

-- The partitions of a partitioned table for these periods, made first
-- where pg_partman has not made them yet.  Called by pdns._merge_batch().
CREATE FUNCTION _partitions(parent regclass, periods timestamptz[])
RETURNS TABLE (period timestamptz, partition_table text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
	pm record;
	missing timestamptz[];
BEGIN
	IF periods IS NULL OR cardinality(periods) = 0 THEN
		RETURN;
	END IF;
	SELECT array_agg(o.period) INTO missing
	FROM pdns._partitions_of(parent, periods) o WHERE o.partition_table IS NULL;
	IF missing IS NOT NULL THEN
		SELECT * INTO STRICT pm FROM pdns._partman();
		-- one session at a time makes partitions for a table
		PERFORM pg_catalog.pg_advisory_xact_lock('pdns._partitions'::regproc::oid::integer,
		                                         parent::oid::integer);
		IF NOT pdns._partman_managed(parent) THEN
			PERFORM pdns._partman_register(parent);
		END IF;
		EXECUTE format('SELECT %I.create_partition_time($1, $2, false)', pm.nspname)
			USING parent::text, missing;
	END IF;
	RETURN QUERY SELECT * FROM pdns._partitions_of(parent, periods);
END
$$;

CREATE FUNCTION _run_maintenance() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pm record;
	parent regclass;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	FOR parent IN SELECT * FROM pdns.partitioned_tables() LOOP
		IF pdns._partman_managed(parent) THEN
			EXECUTE format('SELECT %I.run_maintenance($1)', pm.nspname) USING parent::text;
		END IF;
	END LOOP;
END
$$;

-- Run pg_partman's maintenance for the store's tables: premake partitions,
-- apply the retention.  The background worker does this on its own; call
-- it from cron (or by hand) where the worker is not configured.
CREATE FUNCTION run_maintenance() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_run_maintenance' LANGUAGE C VOLATILE STRICT;

-- Change the store's settings.  Partitioning (interval, premake) can only
-- change before the first ingestion; retention and the rest at any time.
CREATE FUNCTION configure(
	partition_interval interval DEFAULT NULL,
	premake integer DEFAULT NULL,
	retention interval DEFAULT NULL,
	keep_forever boolean DEFAULT false,
	record_clients boolean DEFAULT NULL,
	batch_keys integer DEFAULT NULL)
RETURNS pdns.settings
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	pm record;
	registered boolean;
	result pdns.settings;
BEGIN
	SELECT * INTO STRICT pm FROM pdns._partman();
	EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config WHERE parent_table = ANY ($1))',
	               pm.nspname)
		INTO registered USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t);
	IF registered AND (configure.partition_interval IS NOT NULL OR configure.premake IS NOT NULL) THEN
		RAISE EXCEPTION 'the partitioning of the store is fixed once data has arrived'
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Set partition_interval and premake before the first ingestion.';
	END IF;
	UPDATE pdns.settings s SET
		partition_interval = coalesce(configure.partition_interval, s.partition_interval),
		premake = coalesce(configure.premake, s.premake),
		retention = CASE WHEN keep_forever THEN NULL ELSE coalesce(configure.retention, s.retention) END,
		record_clients = coalesce(configure.record_clients, s.record_clients),
		batch_keys = coalesce(configure.batch_keys, s.batch_keys)
	RETURNING * INTO result;
	IF registered THEN
		EXECUTE format('UPDATE %I.part_config SET retention = $2 WHERE parent_table = ANY ($1)',
		               pm.nspname)
			USING ARRAY(SELECT t::text FROM pdns.partitioned_tables() t), result.retention::text;
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION configure(interval, integer, interval, boolean, boolean, integer) IS
	'change the store settings (partitioning only before the first ingestion)';

-- src/sql/52_ingest.sql
-- Ingestion targets and the merge of a batch into the store
-- (docs/ingest.md; the C side is src/pg/ingest_*.c).
--
-- Every target is a table of raw lines that stays empty: a C row trigger
-- parses each line into this session's batch, and a statement trigger
-- merges the batch when the COPY (or INSERT) ends.  Load raw lines so that
-- COPY neither splits nor re-encodes them:
--
--   COPY pdns.ingest_text FROM STDIN
--       WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');

CREATE FUNCTION _ingest_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_row' LANGUAGE C;
CREATE FUNCTION _ingest_flush() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_flush' LANGUAGE C;

-- Make a table an ingestion target for a format.
CREATE FUNCTION _make_target(target regclass, format text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE format('CREATE TRIGGER ingest BEFORE INSERT ON %s FOR EACH ROW '
	               'EXECUTE FUNCTION pdns._ingest_row(%L)', target, format);
	EXECUTE format('CREATE TRIGGER ingest_merge AFTER INSERT ON %s FOR EACH STATEMENT '
	               'EXECUTE FUNCTION pdns._ingest_flush()', target);
END
$$;

CREATE TABLE ingest_text (line text);
COMMENT ON TABLE ingest_text IS 'COPY target: native layout, tab-separated (docs/ingest.md)';
SELECT _make_target('ingest_text', 'native-text');

CREATE TABLE ingest_csv (line text);
COMMENT ON TABLE ingest_csv IS 'COPY target: native layout, comma-separated values (docs/ingest.md)';
SELECT _make_target('ingest_csv', 'native-csv');

-- The batch, read back by the merge (this session's memory).
CREATE FUNCTION _batch_rrsets(OUT key uuid, OUT rrname dnsname, OUT rrtype rrtype,
	OUT bailiwick dnsname, OUT rdata rrset, OUT time_first timestamptz,
	OUT time_last timestamptz, OUT count bigint, OUT lossy boolean) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rrsets' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_observations(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT rrset_key uuid,
	OUT sensor_id integer, OUT time_first timestamptz, OUT time_last timestamptz,
	OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_observations' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_negatives(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT rrname dnsname,
	OUT rrtype rrtype, OUT rcode smallint, OUT sensor_id integer,
	OUT time_first timestamptz, OUT time_last timestamptz, OUT count bigint)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_negatives' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_clients(for_period timestamptz DEFAULT NULL,
	OUT period timestamptz, OUT client inet, OUT rrname dnsname,
	OUT rrtype rrtype, OUT sensor_id integer, OUT time_first timestamptz,
	OUT time_last timestamptz, OUT count bigint) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_clients' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_rejects(OUT target text, OUT sensor text, OUT reason text, OUT raw bytea)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'pdns_batch_rejects' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_periods() RETURNS timestamptz[]
	AS 'MODULE_PATHNAME', 'pdns_batch_periods' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION _batch_reset() RETURNS void
	AS 'MODULE_PATHNAME', 'pdns_batch_reset' LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- Ingesting transactions write to the store one at a time: each takes
-- this lock before its first write (a new sensor's row, a merge) and keeps
-- it to its end.  A transaction that merges more than once (a COPY of more
-- than batch_keys keys, several statements in one transaction) locks rows
-- in several passes, each in key order but not all together, and two such
-- transactions sharing keys would deadlock.  Sessions that share keys
-- waited for each other's commits anyway; their lines are still read and
-- parsed side by side.  A row lock, not an advisory one, so that only
-- roles that may update the settings can take it (callers are SECURITY
-- DEFINER).
CREATE FUNCTION _store_write_lock() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM FROM pdns.settings FOR NO KEY UPDATE;
END
$$;

-- A sensor's number, made on first sight.
CREATE FUNCTION _sensor_id(sensor_name text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result integer;
BEGIN
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor_name;
	IF NOT FOUND THEN
		PERFORM pdns._store_write_lock();
		INSERT INTO pdns.sensors AS s (name) VALUES (sensor_name)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name
		RETURNING s.id INTO result;
	END IF;
	RETURN result;
END
$$;

-- Merge a per-period tier of the batch (the rows of batch_function, whose
-- columns are those of parent) into its partitions, one period after the
-- other, each in the order of its key.
CREATE FUNCTION _merge_tier(parent regclass, periods timestamptz[], partitions text[],
	batch_function text, conflict_key text[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	columns text := (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum)
	                 FROM pg_catalog.pg_attribute a
	                 WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped);
	conflict text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k);
	sort text := (SELECT string_agg(format('%I', k), ', ') FROM unnest(conflict_key) k
	              WHERE k <> 'period');
BEGIN
	FOR i IN 1 .. coalesce(cardinality(periods), 0) LOOP
		EXECUTE format('INSERT INTO pdns.%I AS o (%s) SELECT * FROM pdns.%I($1) ORDER BY %s '
		               'ON CONFLICT (%s) DO UPDATE SET '
		               'time_first = least(o.time_first, excluded.time_first), '
		               'time_last = greatest(o.time_last, excluded.time_last), '
		               'count = o.count + excluded.count',
		               partitions[i], columns, batch_function, sort, conflict)
			USING periods[i];
	END LOOP;
END
$$;

-- Merge this session's batch into the store.  Every INSERT takes its rows
-- in key order (the partitioned tables period by period, in order), and a
-- transaction merges only while it holds _store_write_lock(), so
-- concurrent merges cannot deadlock; ON CONFLICT makes the counts add up
-- exactly.
CREATE FUNCTION _merge_batch() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'		-- the sorts by key stay in memory
AS $$
DECLARE
	periods timestamptz[] := pdns._batch_periods();
	obs_parts text[];
	neg_parts text[];
	client_parts text[];
BEGIN
	PERFORM pdns._store_write_lock();
	-- The partitions first: making one takes strong locks, best taken
	-- before any row lock.
	SELECT array_agg(partition_table ORDER BY period) INTO obs_parts
	FROM pdns._partitions('pdns.observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO neg_parts
	FROM pdns._partitions('pdns.negative_observations', periods);
	SELECT array_agg(partition_table ORDER BY period) INTO client_parts
	FROM pdns._partitions('pdns.client_observations', periods);

	WITH merged AS (
		INSERT INTO pdns.rrsets AS r (key, rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy)
		SELECT * FROM pdns._batch_rrsets() ORDER BY 1
		ON CONFLICT (key) DO UPDATE SET
			time_first = least(r.time_first, excluded.time_first),
			time_last = greatest(r.time_last, excluded.time_last),
			count = r.count + excluded.count
		RETURNING r.key, r.rrtype, r.rdata, (r.xmax = 0) AS created
	), new AS (
		SELECT * FROM merged WHERE created
	-- Rows for new RRsets only: no other session can be adding these keys,
	-- and a deleted RRset took its rows along (_rrsets_deleted), so plain
	-- inserts, without the cost of conflict checks.
	), addresses AS (
		INSERT INTO pdns.rdata_addresses (address, rrset_key)
		SELECT DISTINCT a, key FROM new, unnest(pdns.addresses(rdata)) a
		ORDER BY 1, 2
	), names AS (
		INSERT INTO pdns.rdata_names (name, rrtype, rrset_key)
		SELECT DISTINCT n, rrtype, key FROM new, unnest(pdns.names(rdata)) n
		ORDER BY 1, 2, 3
	)
	INSERT INTO pdns.rdata_elements (hash, rrset_key)
	SELECT DISTINCT h, key FROM new, unnest(pdns.element_hashes(rdata)) h
	ORDER BY 1, 2;

	PERFORM pdns._merge_tier('pdns.observations', periods, obs_parts, '_batch_observations',
	                         '{rrset_key, period, sensor_id}');
	PERFORM pdns._merge_tier('pdns.negative_observations', periods, neg_parts, '_batch_negatives',
	                         '{rrname, rrtype, rcode, period, sensor_id}');
	PERFORM pdns._merge_tier('pdns.client_observations', periods, client_parts, '_batch_clients',
	                         '{client, rrname, rrtype, period, sensor_id}');

	INSERT INTO pdns.rejects (target, sensor, reason, raw)
	SELECT * FROM pdns._batch_rejects();

	PERFORM pdns._batch_reset();
END
$$;

-- src/sql/53_lookup.sql
-- Lookups with DNSDB semantics (docs/lookup.md).
--
-- Two layers:
--  * access paths: SQL functions, one per index, that the planner inlines
--    into the calling query, so EXPLAIN shows their index range scans and
--    they compose with the rest of a query.  Their bodies are SQL-standard
--    (BEGIN ATOMIC): parsed once here, so they work whatever the caller's
--    search_path, and still inlined.  The address path is the exception,
--    C that does its two index scans itself (see rrsets_by_address);
--  * lookup_rrset(), lookup_rdata_name(), lookup_rdata_ip(),
--    lookup_rdata_raw() and their *_summary forms: DNSDB's query language
--    (wildcards, ANY/ANY-DNSSEC, fences given as absolute or relative times)
--    on top of those paths.
--
-- Every path returns at most max_results rows in a stable order, with
-- `truncated` telling whether more matched, and a `cursor` per row to pass
-- as after_cursor for the rows that follow it (keyset pagination: rows
-- that existed when the paging started are returned once each, whatever is
-- ingested meanwhile).

CREATE TYPE lookup_row AS (
	rrname dnsname,
	rrtype rrtype,
	bailiwick dnsname,
	rdata text[],
	time_first timestamptz,
	time_last timestamptz,
	count bigint,
	lossy boolean,
	truncated boolean,
	cursor text
);
COMMENT ON TYPE lookup_row IS 'one result of a lookup: an RRset, when and how often it was seen';

-- Cursors: the sort key of a row, opaque to callers.
CREATE FUNCTION _cursor(VARIADIC fields text[]) RETURNS text
	AS 'MODULE_PATHNAME', 'pdns_cursor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION _cursor_field(cursor text, n integer) RETURNS text
	AS 'MODULE_PATHNAME', 'pdns_cursor_field' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The four time fences of DNSDB; NULL means no fence.
CREATE FUNCTION _fenced(first timestamptz, last timestamptz,
	first_before timestamptz, first_after timestamptz,
	last_before timestamptz, last_after timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT (first_before IS NULL OR first <= first_before)
	   AND (first_after IS NULL OR first >= first_after)
	   AND (last_before IS NULL OR last <= last_before)
	   AND (last_after IS NULL OR last >= last_after)
$$;

-- Access path: RRsets of one owner name, or of every name strictly below it
-- (below = true, DNSDB's "*.example.com"), by index rrsets_name.
CREATE FUNCTION rrsets_by_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(rrname::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key
		FROM pdns.rrsets r
		WHERE (CASE WHEN below THEN r.rrname << name ELSE r.rrname = name END)
		  -- the next page starts at the cursor's name: an index bound even
		  -- in a plan made for any parameters (greatest ignores NULL)
		  AND r.rrname >= greatest(name, pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (rrsets_by_name.bailiwick IS NULL OR r.bailiwick = rrsets_by_name.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (r.rrname, r.rrtype, r.key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY r.rrname, r.rrtype, r.key
		LIMIT max_results + 1
	) s
	ORDER BY rrname, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose owner starts with the given labels (DNSDB's
-- right wildcard "www.example.*": any name of more labels that begins with
-- them), by index rrsets_forward_name.
CREATE FUNCTION rrsets_by_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL, bailiwick dnsname DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(r.rrname) AS fkey
		FROM pdns.rrsets r
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(r.rrname) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                             decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(r.rrname) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND (rrsets_by_name_prefix.bailiwick IS NULL OR r.bailiwick = rrsets_by_name_prefix.bailiwick)
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(r.rrname), r.key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(r.rrname), r.key
		LIMIT max_results + 1
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name (or, below = true, a name
-- strictly below it), by index rdata_names.
CREATE FUNCTION rrsets_by_rdata_name(name dnsname, below boolean DEFAULT false,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(matched::text, rrtype::integer::text, key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, n.name AS matched
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		WHERE (CASE WHEN below THEN n.name << rrsets_by_rdata_name.name
		            ELSE n.name = rrsets_by_rdata_name.name END)
		  -- the next page starts at the cursor's name (greatest ignores NULL)
		  AND n.name >= greatest(rrsets_by_rdata_name.name,
		                         pdns._cursor_field(after_cursor, 1)::pdns.dnsname)
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (n.name, n.rrtype, n.rrset_key) >
		       (pdns._cursor_field(after_cursor, 1)::pdns.dnsname,
		        pdns._cursor_field(after_cursor, 2)::integer::pdns.rrtype,
		        pdns._cursor_field(after_cursor, 3)::uuid))
		ORDER BY n.name, n.rrtype, n.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY matched, rrtype, key
	LIMIT max_results;
END;

-- Access path: RRsets whose rdata holds a name starting with the given
-- labels (right wildcard), by index rdata_names_forward.
CREATE FUNCTION rrsets_by_rdata_name_prefix(prefix dnsname,
	types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(encode(fkey, 'hex'), key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key, pdns.forward_key(n.name) AS fkey
		FROM pdns.rdata_names n
		JOIN pdns.rrsets r ON r.key = n.rrset_key
		-- the next page starts at the cursor's key (greatest ignores NULL)
		WHERE pdns.forward_key(n.name) >= greatest(pdns.forward_key(prefix) || '\x00'::bytea,
		                                           decode(pdns._cursor_field(after_cursor, 1), 'hex'))
		  AND pdns.forward_key(n.name) < pdns.forward_key(prefix) || '\x01'::bytea
		  AND (types IS NULL OR n.rrtype = ANY (types))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR (pdns.forward_key(n.name), n.rrset_key) >
		       (decode(pdns._cursor_field(after_cursor, 1), 'hex'),
		        pdns._cursor_field(after_cursor, 2)::uuid))
		ORDER BY pdns.forward_key(n.name), n.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY fkey, key
	LIMIT max_results;
END;

-- Access path: A and AAAA RRsets holding an address in [low, high], by
-- index rdata_addresses_pkey, each RRset by rrsets_pkey.  A CIDR block is
-- its first and last address.  In C (src/pg/lookup_address.c): the two
-- index scans are all it does, and the executor and PL/pgSQL around them
-- cost several times the rows of a small range.
CREATE FUNCTION rrsets_by_address(low inet, high inet,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_rrsets_by_address' LANGUAGE C STABLE PARALLEL SAFE;

-- Access path: RRsets with an rdata element equal to these wire octets,
-- by index rdata_elements (a hash, then checked against the octets).
CREATE FUNCTION rrsets_by_rdata_octets(octets bytea, types rrtype[] DEFAULT NULL,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT rrname, rrtype, bailiwick, rdata, time_first, time_last, count, lossy,
	       coalesce(count(*) OVER () > max_results, false),
	       pdns._cursor(key::text)
	FROM (
		SELECT r.rrname, r.rrtype, r.bailiwick, pdns.rdata(r.rdata) AS rdata,
		       r.time_first, r.time_last, r.count, r.lossy, r.key
		FROM pdns.rdata_elements e
		JOIN pdns.rrsets r ON r.key = e.rrset_key
		WHERE e.hash = pdns.element_hash(octets)
		  AND pdns.contains_element(r.rdata, octets)
		  AND (types IS NULL OR r.rrtype = ANY (types))
		  AND pdns._fenced(r.time_first, r.time_last, first_before, first_after, last_before, last_after)
		  AND (after_cursor IS NULL OR e.rrset_key > pdns._cursor_field(after_cursor, 1)::uuid)
		ORDER BY e.rrset_key
		LIMIT max_results + 1
	) s
	ORDER BY key
	LIMIT max_results;
END;

-- ---------------------------------------------------------------------
-- DNSDB's query language on top of the access paths.

-- A fence: a timestamp, Unix epoch seconds, or a time relative to now: a
-- negative number of seconds (DNSDB's convention) or an interval ("-7
-- days", "7 days ago", "-P7D").  NULL or '' is no fence.
CREATE FUNCTION fence(value text) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'pdns_fence' LANGUAGE C STABLE PARALLEL SAFE;

-- DNSDB rrtype filters: a type, ANY (no filter) or ANY-DNSSEC.
CREATE FUNCTION rrtype_filter(rrtype text) RETURNS rrtype[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN rrtype IS NULL OR upper(rrtype) = 'ANY' THEN NULL
		WHEN upper(rrtype) = 'ANY-DNSSEC' THEN
			'{DS,RRSIG,NSEC,DNSKEY,NSEC3,NSEC3PARAM,DLV,CDS,CDNSKEY,TA}'::pdns.rrtype[]
		ELSE ARRAY[rrtype::pdns.rrtype]
	END
$$;

-- The time window of a lookup as fences: loose (the record's life overlaps
-- the window) or strict (it lies within it).
CREATE FUNCTION _window_fences(time_first_before text, time_first_after text,
	time_last_before text, time_last_after text, window_after text, window_before text,
	strict boolean,
	OUT first_before timestamptz, OUT first_after timestamptz,
	OUT last_before timestamptz, OUT last_after timestamptz)
	AS 'MODULE_PATHNAME', 'pdns_window_fences' LANGUAGE C STABLE PARALLEL SAFE;

-- DNSDB's wildcards: "*.name" (the names below name), "name.*" (the names
-- of more labels that begin with name's labels), or none.
CREATE FUNCTION _wildcard(pattern text, OUT kind text, OUT name dnsname)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
	IF pattern LIKE '*.%' AND pattern NOT LIKE '%.*' THEN
		kind := 'below';
		name := coalesce(nullif(substr(pattern, 3), ''), '.')::pdns.dnsname;
	ELSIF pattern LIKE '%.*' AND pattern NOT LIKE '*.%' THEN
		kind := 'prefix';
		name := left(pattern, -2)::pdns.dnsname;
	ELSIF pattern LIKE '%*%' THEN
		RAISE EXCEPTION 'unsupported wildcard in "%"', pattern
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'Wildcards are "*.name" (names below) or "name.*" (names starting with).';
	ELSE
		kind := 'exact';
		name := pattern::pdns.dnsname;
	END IF;
END
$$;

CREATE FUNCTION lookup_rrset(owner text, rrtype text DEFAULT 'ANY', bailiwick text DEFAULT NULL,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	bw pdns.dnsname := nullif(bailiwick, '')::pdns.dnsname;
	w record := pdns._wildcard(owner);
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, true, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name_prefix(w.name, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_name(w.name, false, types, bw,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rrset IS
	'DNSDB rrset lookup: name (with *.x or x.* wildcards), rrtype, bailiwick, time fences';

CREATE FUNCTION lookup_rdata_name(value text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- Each branch names its access path with a constant "below", and the
-- paths' index bounds are comparisons with the parameters (the subdomain
-- operators' support function makes a range of a parameter too), so one
-- plan per branch serves every call of a session: planning the inlined
-- path on each call cost more than the lookup.  That plan cannot know how
-- many rows a range holds; without bitmap scans it reads the index in
-- the order of the results and stops after a page, however big the range.
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	w record := pdns._wildcard(value);
BEGIN
	IF w.kind = 'below' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, true, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSIF w.kind = 'prefix' THEN
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name_prefix(w.name, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	ELSE
		RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_name(w.name, false, types,
			f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
	END IF;
END
$$;
COMMENT ON FUNCTION lookup_rdata_name IS
	'DNSDB rdata name lookup: RRsets whose rdata holds a name (with *.x or x.* wildcards)';

-- An address, a CIDR block ("192.0.2.0/24"), or a range ("192.0.2.10-192.0.2.99").
CREATE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_lookup_rdata_ip' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION lookup_rdata_ip IS
	'DNSDB rdata IP lookup: an address, a CIDR block or an address range';

-- Raw rdata as hex (the wire octets of one rdata element).
CREATE FUNCTION lookup_rdata_raw(hex text, rrtype text DEFAULT 'ANY',
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
LANGUAGE plpgsql STABLE
-- every call is planned with its own values, so the access path's
-- conditions fold into index quals
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
	f record := pdns._window_fences(time_first_before, time_first_after, time_last_before,
	                                time_last_after, window_after, window_before, strict);
BEGIN
	RETURN QUERY SELECT * FROM pdns.rrsets_by_rdata_octets(decode(hex, 'hex'), pdns.rrtype_filter(rrtype),
		f.first_before, f.first_after, f.last_before, f.last_after, max_results, after_cursor);
END
$$;
COMMENT ON FUNCTION lookup_rdata_raw IS 'DNSDB rdata raw lookup: one rdata element as hex wire octets';

-- DNSDB's summarize: total observations, distinct results, first and last
-- seen, over what a lookup matches (max_results caps the results counted).
CREATE TYPE lookup_summary AS (
	count bigint,
	num_results bigint,
	time_first timestamptz,
	time_last timestamptz,
	truncated boolean
);

CREATE FUNCTION summarize(rows lookup_row[]) RETURNS lookup_summary
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(sum(r.count), 0)::bigint, count(*), min(r.time_first), max(r.time_last),
	       coalesce(bool_or(r.truncated), false)
	FROM unnest(rows) r
$$;
COMMENT ON FUNCTION summarize(lookup_row[]) IS
	'DNSDB summarize over a lookup: SELECT (pdns.summarize(array(SELECT pdns.lookup_rrset(...)))).*';

-- ---------------------------------------------------------------------
-- COF (draft-dulaunoy-dnsop-passive-dns-cof) export: one JSON object per
-- result, typed as DNSDB prints it -- numbers as numbers, rdata as an
-- array, names fully qualified with their trailing dot.  NDJSON is one per
-- line:  psql -At -c "SELECT pdns.to_cof(l) FROM pdns.lookup_rrset('...') l"

CREATE FUNCTION fqdn(dnsname) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE WHEN $1 = '.'::dnsname THEN '.' ELSE $1::text || '.' END;
END;
COMMENT ON FUNCTION fqdn(dnsname) IS 'the name with its trailing dot, as DNS tools print it';

CREATE FUNCTION to_cof(result lookup_row) RETURNS json
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT json_strip_nulls(json_build_object(
		'count', result.count,
		'time_first', floor(extract(epoch FROM result.time_first))::bigint,
		'time_last', floor(extract(epoch FROM result.time_last))::bigint,
		'rrname', pdns.fqdn(result.rrname),
		'rrtype', result.rrtype::text,
		'bailiwick', pdns.fqdn(result.bailiwick),
		'rdata', to_json(result.rdata)));
END;
COMMENT ON FUNCTION to_cof(lookup_row) IS 'a lookup result as a COF (Passive DNS Common Output Format) object';

-- src/sql/54_views.sql
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

-- src/sql/56_roles.sql
-- Roles with least privilege (docs/ingest.md, "Roles"):
--   pdns_ingest   may load the ingestion targets, nothing else;
--   pdns_analyst  may read the store and run lookups, not client activity;
--   pdns_admin    both, plus settings, maintenance, rejects and client
--                 activity (pseudonymized).
-- Roles are cluster-wide: they are made if missing and outlive the extension.
-- The pseudonymization key is a superuser-only setting that none of them
-- can read.

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['pdns_ingest', 'pdns_analyst', 'pdns_admin'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$$;
GRANT pdns_ingest, pdns_analyst TO pdns_admin;

GRANT USAGE ON SCHEMA pdns TO pdns_ingest, pdns_analyst;

-- The internal functions that act with the extension owner's rights are
-- for the ingestion path only.
REVOKE EXECUTE ON FUNCTION _merge_batch(), _sensor_id(text), _partitions(regclass, timestamptz[]),
	_merge_tier(regclass, timestamptz[], text[], text, text[]),
	_partman_register(regclass), _run_maintenance(), run_maintenance(),
	configure(interval, integer, interval, boolean, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _merge_batch(), _sensor_id(text), _partitions(regclass, timestamptz[])
	TO pdns_ingest;
GRANT EXECUTE ON FUNCTION _run_maintenance(), run_maintenance(),
	configure(interval, integer, interval, boolean, boolean, integer) TO pdns_admin;

GRANT INSERT ON ingest_text, ingest_csv TO pdns_ingest;

GRANT SELECT ON settings TO pdns_ingest;
GRANT SELECT ON settings, sensors, rrsets, rdata_addresses, rdata_names, rdata_elements,
	observations, negative_observations, rrset_history, ip_history, nameserver_history,
	name_volume, negative_volume TO pdns_analyst;
GRANT SELECT, DELETE ON rejects TO pdns_admin;
GRANT SELECT ON client_observations TO pdns_admin;


-- src/sql/57_sensor_targets.sql
-- Ingestion targets for sensor logs (docs/sensors.md; the C side is
-- src/pg/ingest_{passivedns,zeek,suricata,cof}.c over the core parsers in
-- src/core/log_*.c).  Like the native targets they stay empty: each raw
-- line is parsed by the row trigger into this session's batch, rejected
-- lines go to pdns.rejects with the reason.  Load raw lines with
--
--   COPY pdns.zeek_in FROM STDIN
--       WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
--
-- so that COPY neither splits, unescapes nor re-encodes them.

CREATE TABLE passivedns_in (line text);
COMMENT ON TABLE passivedns_in IS
	'COPY target: gamelinux passivedns log lines, text (pdns.passivedns_fields) or JSON';
SELECT _make_target('passivedns_in', 'passivedns');

CREATE TABLE zeek_in (line text);
COMMENT ON TABLE zeek_in IS
	'COPY target: Zeek dns.log, TSV with its header lines, or JSON lines';
SELECT _make_target('zeek_in', 'zeek');

CREATE TABLE suricata_in (line text);
COMMENT ON TABLE suricata_in IS
	'COPY target: Suricata eve.json lines (DNS events; others are ignored)';
SELECT _make_target('suricata_in', 'suricata');

CREATE TABLE cof_in (line text);
COMMENT ON TABLE cof_in IS
	'COPY target: Passive DNS Common Output Format (COF) NDJSON';
SELECT _make_target('cof_in', 'cof');

GRANT INSERT ON passivedns_in, zeek_in, suricata_in, cof_in TO pdns_ingest;

-- src/sql/58_wire_targets.sql
-- Whole DNS messages (docs/sensors.md, "Packet captures and dnstap"):
-- pdns-capture, or any program that sees messages, COPYs them here.

CREATE FUNCTION _ingest_typed_row() RETURNS trigger
	AS 'MODULE_PATHNAME', 'pdns_ingest_typed_row' LANGUAGE C;

CREATE TABLE wire_in (
	time timestamptz,
	sensor text,
	client inet,
	client_port integer,
	server inet,
	server_port integer,
	transport text,
	message bytea
);
COMMENT ON TABLE wire_in IS
	'COPY target: one DNS message per row (a response''s answer and authority RRsets are observed)';
CREATE TRIGGER ingest BEFORE INSERT ON wire_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('wire');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

CREATE TABLE wire_rejects_in (
	time timestamptz,
	sensor text,
	source text,
	reason text,
	raw bytea
);
COMMENT ON TABLE wire_rejects_in IS
	'COPY target: traffic a capture program could not frame (kept in pdns.rejects)';
CREATE TRIGGER ingest BEFORE INSERT ON wire_rejects_in FOR EACH ROW
	EXECUTE FUNCTION _ingest_typed_row('capture-reject');
CREATE TRIGGER ingest_merge AFTER INSERT ON wire_rejects_in FOR EACH STATEMENT
	EXECUTE FUNCTION _ingest_flush();

GRANT INSERT ON wire_in, wire_rejects_in TO pdns_ingest;

-- src/sql/60_privacy.sql
-- Pseudonymization of client addresses: keyed, prefix-preserving
-- (Crypto-PAn with AES-128).  The key is the superuser-only setting
-- pdns.pseudonymization_key; see docs/privacy.md.

-- STABLE, not IMMUTABLE: the result depends on the key setting.
CREATE FUNCTION pseudonymize(inet) RETURNS inet
	AS 'MODULE_PATHNAME', 'inet_pseudonymize' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pseudonymize(inet) IS
	'keyed prefix-preserving pseudonym of an address (Crypto-PAn); a network maps to the network of its hosts'' pseudonyms';

CREATE FUNCTION pseudonymization_key_fingerprint() RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pseudonymization_key_fingerprint() IS
	'first 16 hex digits of SHA-256 over the pseudonymization key, NULL when none is set; safe to show';

-- Anyone may call it: it reads no secret, and a random key is only a secret
-- once a superuser puts it into pdns.pseudonymization_key.
CREATE FUNCTION generate_pseudonymization_key() RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION generate_pseudonymization_key() IS
	'64 random hex digits (OpenSSL RAND_bytes) to use as pdns.pseudonymization_key';

-- pseudonymize() in the hands of a role that can read client activity would
-- let it test guesses against the pseudonyms (and, for IPv4, invert them
-- by brute force): only pdns_admin may call it.  Ingestion uses the C entry
-- point and needs no grant.
REVOKE EXECUTE ON FUNCTION pseudonymize(inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pseudonymize(inet) TO pdns_admin;

-- src/sql/70_enrichment.sql
-- Enrichment: MaxMind databases read through libmaxminddb (src/pg/mmdb.c),
-- and temporal enrichment tables that remember what each database version
-- said about the addresses seen while it was valid (docs/enrichment.md).

-- MaxMind databases.  SQL names a database; the superuser setting
-- pdns.mmdb_databases maps names to files.  STABLE: the file may change
-- between statements, never within one.

CREATE FUNCTION mmdb_lookup(db text, ip inet) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mmdb_lookup' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_lookup(text, inet) IS
	'the record of a MaxMind database for an address, as jsonb; NULL if none';

CREATE FUNCTION mmdb_lookup(db text, ip inet, VARIADIC path text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mmdb_lookup_path' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_lookup(text, inet, text[]) IS
	'the value at a path (map keys, array indexes) in the record for an address; NULL if absent';

CREATE FUNCTION mmdb_network(db text, ip inet) RETURNS cidr
	AS 'MODULE_PATHNAME', 'mmdb_network' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_network(text, inet) IS
	'the network the record for an address covers; NULL if none';

CREATE FUNCTION ip_asn(ip inet) RETURNS bigint
	AS 'MODULE_PATHNAME', 'mmdb_ip_asn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_asn(inet) IS
	'autonomous system number from the mmdb database "asn" (else "isp")';

CREATE FUNCTION ip_as_org(ip inet) RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_as_org' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_as_org(inet) IS
	'autonomous system organization from the mmdb database "asn" (else "isp")';

CREATE FUNCTION ip_country(ip inet) RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_country' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_country(inet) IS
	'ISO 3166-1 country code from the mmdb database "country" (else "city")';

CREATE FUNCTION ip_city(ip inet, language text DEFAULT 'en') RETURNS text
	AS 'MODULE_PATHNAME', 'mmdb_ip_city' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ip_city(inet, text) IS
	'city name in a language from the mmdb database "city"';

CREATE FUNCTION mmdb_metadata(db text,
	OUT database_type text, OUT build_epoch timestamptz, OUT ip_version integer,
	OUT record_size integer, OUT node_count bigint, OUT binary_format text,
	OUT languages text[], OUT description jsonb, OUT path text, OUT file_size bigint)
	AS 'MODULE_PATHNAME', 'mmdb_metadata' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mmdb_metadata(text) IS
	'what a MaxMind database says about itself, and the file it was read from';

CREATE FUNCTION mmdb_databases(OUT name text, OUT path text) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'mmdb_databases' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION mmdb_databases() IS
	'the databases named in pdns.mmdb_databases (not opened)';

-- Temporal enrichment.  Every version of an enrichment source (a build of
-- an mmdb database, a WHOIS snapshot, a threat-intel feed) is valid from
-- its start until the next version of the same source starts; what a
-- version said is kept, so an observation is joined to the version valid
-- when it was seen.  Range lookups use GiST; exclusion constraints keep the
-- answer for any (source, address, time) unique.

CREATE SEQUENCE enrichment_source_id_seq AS integer;
CREATE TABLE enrichment_source (
	id integer PRIMARY KEY DEFAULT nextval('enrichment_source_id_seq'),
	kind text NOT NULL CHECK (kind IN ('mmdb', 'whois', 'threat')),
	name text NOT NULL,
	version text NOT NULL,
	valid tstzrange NOT NULL
		CHECK (lower(valid) IS NOT NULL AND lower_inc(valid) AND NOT upper_inc(valid)),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	snapshot_through timestamptz,
	details jsonb NOT NULL DEFAULT '{}',
	UNIQUE (kind, name, version),
	EXCLUDE USING gist (kind WITH =, name WITH =, valid WITH &&)
);
ALTER SEQUENCE enrichment_source_id_seq OWNED BY enrichment_source.id;
COMMENT ON TABLE enrichment_source IS
	'versions of enrichment sources: kind, source name, version, and when it was valid';
COMMENT ON COLUMN enrichment_source.name IS
	'the source: for mmdb, the database name in pdns.mmdb_databases';
COMMENT ON COLUMN enrichment_source.valid IS
	'from the version''s start (for mmdb, its build epoch) to the next version''s start';
COMMENT ON COLUMN enrichment_source.snapshot_through IS
	'enrichment_snapshot() has recorded this version for the addresses seen up to here';

CREATE TABLE ip_enrichment (
	source_id integer NOT NULL REFERENCES enrichment_source ON DELETE CASCADE,
	network cidr NOT NULL,
	valid tstzrange NOT NULL,
	asn bigint,
	as_org text,
	country text,
	city text,
	record jsonb NOT NULL,
	UNIQUE (source_id, network),
	EXCLUDE USING gist (network inet_ops WITH &&, valid WITH &&, source_id WITH =)
);
COMMENT ON TABLE ip_enrichment IS
	'what each source version said about a network; valid is its version''s (kept in step by a trigger)';

-- The exclusion constraint's index, led by (network, valid), is also the
-- index of "which record covered this address at that time".

CREATE FUNCTION enrichment_source_valid_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
BEGIN
	UPDATE ip_enrichment SET valid = NEW.valid WHERE source_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER valid_sync AFTER UPDATE OF valid ON enrichment_source
	FOR EACH ROW WHEN (OLD.valid IS DISTINCT FROM NEW.valid)
	EXECUTE FUNCTION enrichment_source_valid_sync();

CREATE TABLE name_tag (
	name dnsname NOT NULL,
	tag text NOT NULL,
	source text NOT NULL,
	valid tstzrange NOT NULL CHECK (lower(valid) IS NOT NULL AND NOT isempty(valid)),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	details jsonb NOT NULL DEFAULT '{}',
	EXCLUDE USING gist ((name::text) WITH =, tag WITH =, source WITH =, valid WITH &&)
);
CREATE INDEX name_tag_name ON name_tag (name);
COMMENT ON TABLE name_tag IS
	'tags on a name and everything below it (threat intel, registration data), with their source and validity';

-- Addresses seen outside the store (flow logs, another sensor system) that
-- enrichment should also snapshot; the store's own come from its rdata
-- index (view enrichment_ips_seen).
CREATE TABLE ips_seen_elsewhere (
	ip inet NOT NULL,
	first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL,
	CHECK (first_seen <= last_seen)
);
CREATE VIEW enrichment_ips_seen AS
	SELECT a.address AS ip, min(r.time_first) AS first_seen, max(r.time_last) AS last_seen
	FROM pdns.rdata_addresses a JOIN pdns.rrsets r ON r.key = a.rrset_key
	GROUP BY a.address
	UNION ALL
	SELECT ip, first_seen, last_seen FROM ips_seen_elsewhere;
COMMENT ON VIEW enrichment_ips_seen IS
	'addresses seen (in A/AAAA answers, and elsewhere), with when: the input of enrichment_snapshot()';

SELECT pg_catalog.pg_extension_config_dump('enrichment_source', '');
SELECT pg_catalog.pg_extension_config_dump('enrichment_source_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('ip_enrichment', '');
SELECT pg_catalog.pg_extension_config_dump('name_tag', '');
SELECT pg_catalog.pg_extension_config_dump('ips_seen_elsewhere', '');

-- Register a version of a source, valid from valid_from until the next
-- version's start; the version it falls into now ends at valid_from.
-- Registering a known (kind, name, version) again returns its id and
-- changes nothing.
CREATE FUNCTION enrichment_version(kind text, name text, version text,
	valid_from timestamptz, details jsonb DEFAULT '{}') RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
DECLARE
	known integer;
	next_start timestamptz;
	new_id integer;
BEGIN
	IF kind IS NULL OR name IS NULL OR version IS NULL OR valid_from IS NULL THEN
		RAISE EXCEPTION 'kind, name, version and valid_from must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- One registration at a time: the ranges below are read, then written.
	LOCK TABLE enrichment_source IN SHARE ROW EXCLUSIVE MODE;
	SELECT s.id INTO known FROM enrichment_source s
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND s.version = enrichment_version.version;
	IF known IS NOT NULL THEN
		RETURN known;
	END IF;
	IF EXISTS (SELECT FROM enrichment_source s
			   WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
				 AND lower(s.valid) = valid_from) THEN
		RAISE EXCEPTION 'a version of % source "%" already starts at %', kind, name, valid_from
			USING ERRCODE = 'exclusion_violation',
				  HINT = 'Each version of a source needs its own start time.';
	END IF;
	SELECT min(lower(s.valid)) INTO next_start FROM enrichment_source s
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND lower(s.valid) > valid_from;
	UPDATE enrichment_source s SET valid = tstzrange(lower(s.valid), valid_from)
	WHERE s.kind = enrichment_version.kind AND s.name = enrichment_version.name
	  AND s.valid @> valid_from;
	INSERT INTO enrichment_source (kind, name, version, valid, details)
	VALUES (kind, name, version, tstzrange(valid_from, next_start), details)
	RETURNING id INTO new_id;
	RETURN new_id;
END $$;
COMMENT ON FUNCTION enrichment_version(text, text, text, timestamptz, jsonb) IS
	'register a version of an enrichment source, valid from valid_from to the next version';

-- For every database in pdns.mmdb_databases: register its current build as
-- a version (valid from its build epoch, or from valid_from when the build
-- is new), and record what it says about every address seen while it was
-- valid, with last_seen since the version's last snapshot run (or since
-- "since" when given; never before the version's start).  Returns one row
-- per database.  Run it regularly, and before replacing a database file:
-- only the current file can be read.
CREATE FUNCTION enrichment_snapshot(since timestamptz DEFAULT NULL,
	valid_from timestamptz DEFAULT NULL)
RETURNS TABLE (source text, version text, source_id integer, addresses bigint, networks_added bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pdns AS $$
DECLARE
	db record;
	run_started timestamptz := clock_timestamp();
	from_time timestamptz;
	version_valid tstzrange;
BEGIN
	FOR db IN SELECT d.name, m.* FROM mmdb_databases() d, mmdb_metadata(d.name) m ORDER BY d.name
	LOOP
		source := db.name;
		version := format('%s %s', db.database_type,
						  to_char(db.build_epoch AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
		source_id := enrichment_version('mmdb', db.name, version,
			coalesce(valid_from, db.build_epoch),
			jsonb_build_object('database_type', db.database_type, 'build_epoch', db.build_epoch,
							   'ip_version', db.ip_version, 'node_count', db.node_count,
							   'languages', db.languages, 'description', db.description,
							   'path', db.path, 'file_size', db.file_size));
		SELECT greatest(coalesce(since, s.snapshot_through), lower(s.valid)), s.valid
		INTO from_time, version_valid
		FROM enrichment_source s WHERE s.id = enrichment_snapshot.source_id;

		-- Addresses seen while the version was valid, since from_time.
		WITH seen AS (
			SELECT DISTINCT i.ip FROM enrichment_ips_seen i
			WHERE i.last_seen >= from_time
			  AND tstzrange(i.first_seen, i.last_seen, '[]') && version_valid
		), found AS (
			SELECT DISTINCT ON (net) net, rec
			FROM seen, LATERAL (SELECT mmdb_network(db.name, seen.ip) AS net,
									   mmdb_lookup(db.name, seen.ip) AS rec) l
			WHERE rec IS NOT NULL
		), added AS (
			INSERT INTO ip_enrichment (source_id, network, valid, asn, as_org, country, city, record)
			SELECT enrichment_snapshot.source_id, f.net, s.valid,
				   (f.rec->>'autonomous_system_number')::bigint,
				   f.rec->>'autonomous_system_organization',
				   f.rec->'country'->>'iso_code',
				   f.rec->'city'->'names'->>'en',
				   f.rec
			FROM found f, enrichment_source s WHERE s.id = enrichment_snapshot.source_id
			ON CONFLICT ON CONSTRAINT ip_enrichment_source_id_network_key DO NOTHING
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM seen), (SELECT count(*) FROM added)
		INTO addresses, networks_added;

		UPDATE enrichment_source s SET snapshot_through = run_started
		WHERE s.id = enrichment_snapshot.source_id;
		RETURN NEXT;
	END LOOP;
END $$;
COMMENT ON FUNCTION enrichment_snapshot(timestamptz, timestamptz) IS
	'record the current mmdb versions'' answers for the addresses seen since the last run';

-- What every source version valid at a time said about an address: one row
-- per source.  Inlined into the caller's query, so a join to observations
-- probes the GiST index once per row.
CREATE FUNCTION enrich_at(ip inet, at timestamptz)
RETURNS TABLE (kind text, source text, version text, network cidr, valid tstzrange,
			   asn bigint, as_org text, country text, city text, record jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT s.kind, s.name, s.version, e.network, e.valid, e.asn, e.as_org, e.country, e.city, e.record
	FROM pdns.ip_enrichment e JOIN pdns.enrichment_source s ON s.id = e.source_id
	WHERE e.network >>= ip AND e.valid @> at
$$;
COMMENT ON FUNCTION enrich_at(inet, timestamptz) IS
	'the enrichment of an address by every source version valid at a time';

-- The same over a period: every version valid during any part of it, with
-- the part (the intersection) it covers.
CREATE FUNCTION enrich_during(ip inet, seen tstzrange)
RETURNS TABLE (kind text, source text, version text, network cidr, valid tstzrange,
			   during tstzrange, asn bigint, as_org text, country text, city text, record jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT s.kind, s.name, s.version, e.network, e.valid, e.valid * seen,
		   e.asn, e.as_org, e.country, e.city, e.record
	FROM pdns.ip_enrichment e JOIN pdns.enrichment_source s ON s.id = e.source_id
	WHERE e.network >>= ip AND e.valid && seen
$$;
COMMENT ON FUNCTION enrich_during(inet, tstzrange) IS
	'the enrichment of an address by every source version valid during part of a period';

-- Tags valid at a time on a name or any name above it: a tag on
-- example.com applies to www.example.com.  The subdomain operator becomes
-- an index probe on name_tag (name) for the name's ancestors.
CREATE FUNCTION name_tags_at(name dnsname, at timestamptz)
RETURNS TABLE (tagged dnsname, tag text, source text, valid tstzrange, details jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT t.name, t.tag, t.source, t.valid, t.details
	FROM pdns.name_tag t
	WHERE t.name OPERATOR(pdns.>>=) name_tags_at.name AND t.valid @> at
$$;
COMMENT ON FUNCTION name_tags_at(dnsname, timestamptz) IS
	'tags valid at a time on a name or on any name above it';

-- Each address seen, joined to every source version valid while it was
-- seen (first_seen to last_seen, inclusive).
CREATE VIEW enrichment_ips_seen_history AS
	SELECT i.ip, i.first_seen, i.last_seen, e.kind, e.source, e.version, e.network, e.during,
		   e.asn, e.as_org, e.country, e.city, e.record
	FROM enrichment_ips_seen i,
		 LATERAL enrich_during(i.ip, tstzrange(i.first_seen, i.last_seen, '[]')) e;
COMMENT ON VIEW enrichment_ips_seen_history IS
	'each address seen, with what every source version valid at the time said about it';

-- src/sql/75_enrichment_views.sql
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
  ON t.name OPERATOR(pdns.>>=) h.rrname
 AND t.valid && tstzrange(h.time_first, h.time_last, '[]');
COMMENT ON VIEW rrset_history_tagged IS
	'RRsets with the tags (threat intel, registration) valid on their name or a parent while seen';

GRANT SELECT ON ip_history_enriched, rrset_history_tagged, ip_enrichment, enrichment_source, name_tag
	TO pdns_analyst;
