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
