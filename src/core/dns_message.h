/*
 * dns_message.h
 *		A bounds-checked parser of DNS messages (RFC 1035 §4, EDNS RFC 6891,
 *		client subnet RFC 7871) that yields the header, the first question,
 *		EDNS values, and the RRs of the answer, authority and additional
 *		sections grouped into RRsets.  Pure C core; no ldns on wire input
 *		except the per-type field check of vetted rdata (see rdata.h).
 *
 * Input is one message: a UDP payload, or a TCP message without its
 * two-octet length.  Damage never fails the parse: the result keeps what
 * came before it, sets `partial` and says what was wrong in `problem`:
 *	- fewer than 12 octets: no header (header_ok false);
 *	- a name with a forward or looping compression pointer, more than
 *	  RDATA_MAX_HOPS pointers, a label of unknown type (0x40, 0x80), or
 *	  more than 255 octets; a truncated question or RR: parsing stops there;
 *	- rdata that is not valid for its type (see rdata.h): that RR is
 *	  skipped, and parsing goes on with the next one;
 *	- octets after the last RR the header counts.
 * Compression pointers must point strictly backwards, before the name that
 * holds them (and each before the previous target), so no input loops.
 *
 * OPT RRs are not returned; the first one gives the EDNS values.  Owner
 * names are dnsname keys (dnsname_codec.h), rdata is canonical (rdata.h),
 * and each RRset's TTL is the lowest of its RRs' (RFC 2181 §5.2).
 */
#ifndef PDNS_DNS_MESSAGE_H
#define PDNS_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrset_codec.h"

#define DNS_HEADER_LEN		12
#define DNS_PROBLEM_MAX		320

/* Header flag bits, as they sit in the header's third and fourth octets. */
#define DNS_FLAG_QR			0x8000
#define DNS_FLAG_AA			0x0400
#define DNS_FLAG_TC			0x0200
#define DNS_FLAG_RD			0x0100
#define DNS_FLAG_RA			0x0080
#define DNS_FLAG_Z			0x0040
#define DNS_FLAG_AD			0x0020
#define DNS_FLAG_CD			0x0010

typedef enum dns_section
{
	DNS_SECTION_ANSWER = 1,
	DNS_SECTION_AUTHORITY = 2,
	DNS_SECTION_ADDITIONAL = 3
} dns_section;

typedef struct dns_edns
{
	bool		present;		/* an OPT RR was seen */
	uint16_t	udp_size;		/* the OPT class */
	uint8_t		version;
	bool		do_bit;			/* DNSSEC OK */
	bool		has_ecs;		/* a well-formed client subnet option */
	uint8_t		ecs_family;		/* 1 IPv4, 2 IPv6 */
	uint8_t		ecs_source;		/* source prefix length */
	uint8_t		ecs_scope;		/* scope prefix length */
	uint8_t		ecs_addr[16];	/* address, zero-filled past the prefix octets */
} dns_edns;

/* One RR; owner and rdata are offsets into the message's arena. */
typedef struct dns_rr
{
	uint8_t		section;
	uint16_t	type;
	uint16_t	rclass;
	uint32_t	ttl;
	uint32_t	owner_off;
	uint16_t	owner_len;
	uint32_t	rdata_off;
	uint16_t	rdata_len;
} dns_rr;

/* One RRset: the RRs of one (section, owner, type, class), by first appearance. */
typedef struct dns_rrset
{
	uint8_t		section;
	uint16_t	type;
	uint16_t	rclass;
	uint32_t	ttl;			/* lowest of its RRs */
	uint32_t	owner_off;
	uint16_t	owner_len;
	uint32_t	first;			/* members[first .. first+count) index rrs[] */
	uint32_t	count;
} dns_rrset;

typedef struct dns_message
{
	bool		header_ok;
	uint16_t	id;
	uint8_t		opcode;
	uint16_t	rcode;			/* with the EDNS extended rcode in bits 4-11 */
	uint16_t	flags;			/* DNS_FLAG_* bits */
	uint16_t	qdcount,
				ancount,
				nscount,
				arcount;

	bool		has_question;	/* the first question, when it could be read */
	uint32_t	qname_off;
	uint16_t	qname_len;
	uint16_t	qtype;
	uint16_t	qclass;

	dns_edns	edns;

	bool		partial;
	bool		out_of_memory;
	char		problem[DNS_PROBLEM_MAX];	/* the first problem, "" if none */

	dns_rr	   *rrs;			/* OPT excluded, message order */
	size_t		n_rrs;
	dns_rrset  *sets;
	size_t		n_sets;
	uint32_t   *members;		/* rr indices grouped by set */

	pdns_allocator mem;
	uint8_t    *arena;			/* owner keys and canonical rdata */
	size_t		arena_len;
	size_t		arena_cap;
	size_t		rrs_cap;
} dns_message;

/*
 * Parse msg[0..len).  Returns false only when memory ran out (the message
 * is then partial, and still must be freed); every kind of damage is
 * reported through partial/problem instead.
 */
extern bool dns_message_parse(const uint8_t *msg, size_t len,
							  const pdns_allocator *mem, dns_message *out);
extern void dns_message_free(dns_message *m);

static inline const uint8_t *
dns_message_bytes(const dns_message *m, uint32_t off)
{
	return m->arena + off;
}

/*
 * The canonical rrset payload of set i (see rrset_codec.h), from the
 * message's allocator, `prefix` octets in; NULL when memory ran out.
 */
extern uint8_t *dns_message_rrset_payload(const dns_message *m, size_t i,
										  size_t prefix, size_t *len);

/* Mnemonics: "QUERY", "NXDOMAIN", "IN", "answer" ..., or OPCODEn/RCODEn/CLASSn. */
#define DNS_MNEMONIC_MAX 16
extern const char *dns_opcode_text(uint8_t opcode, char *buf);
extern const char *dns_rcode_text(uint16_t rcode, char *buf);
extern const char *dns_class_text(uint16_t rclass, char *buf);
extern const char *dns_section_text(uint8_t section);

#endif							/* PDNS_DNS_MESSAGE_H */
