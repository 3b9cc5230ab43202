/*
 * rrset_codec.h
 *		The canonical form of an RRset's rdata, and the C API that builds it
 *		from presentation text or wire rdata.  Pure C core: the COPY ingestion
 *		path and the wire parser call it without PostgreSQL.
 *
 * Payload layout (the data of the rrset varlena; other code relies on it):
 *
 *	 offset 0	uint16 rrtype, big-endian
 *	 offset 2	uint16 element count n, big-endian, 1 <= n <= 65535
 *	 offset 4	n elements, each: uint16 length L (big-endian), then L octets
 *				of canonical uncompressed wire rdata (see rdata.h)
 *
 * Elements are in RFC 4034 §6.3 canonical order: compared octet-wise as
 * left-justified unsigned strings, a shorter one that is a prefix of a
 * longer one first; duplicates are removed.  So equal sets are equal
 * payloads: equality is byte equality, a hash is a hash of the payload,
 * and ordering is memcmp of the payloads, then their lengths.
 */
#ifndef PDNS_RRSET_CODEC_H
#define PDNS_RRSET_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rdata.h"

#define RRSET_HEADER		4
#define RRSET_MAX_ELEMENTS	65535

/*
 * Where the codec gets memory: malloc by default (pdns_malloc); the
 * PostgreSQL glue passes palloc so that an error never leaks.  alloc and
 * realloc return NULL on failure (palloc raises instead: also fine).
 */
typedef struct pdns_allocator
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *(*realloc) (void *ctx, void *ptr, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} pdns_allocator;

extern const pdns_allocator pdns_malloc;

/* Why a set was refused; element is 1-based, 0 when no one element is at fault. */
typedef struct rrset_error
{
	int			element;
	char		reason[RDATA_REASON_MAX + 64];
} rrset_error;

/* One element: canonical rdata. */
typedef struct rrset_elem
{
	const uint8_t *data;
	uint16_t	len;
} rrset_elem;

/* §6.3 order of two elements (memcmp, then shorter first). */
extern int	rrset_elem_cmp(const rrset_elem *a, const rrset_elem *b);

/* Sort into §6.3 order and drop duplicates in place; returns the new count. */
extern size_t rrset_sort_unique(rrset_elem *elems, size_t n);

/* Bytes of the payload of these elements. */
extern size_t rrset_payload_size(const rrset_elem *elems, size_t n);

/* Write the payload of sorted, unique elements to out (rrset_payload_size octets). */
extern void rrset_write(uint16_t type, const rrset_elem *elems, size_t n, uint8_t *out);

/*
 * Building a set element by element.  Usage:
 *
 *	rrset_builder b;
 *	rrset_builder_init(&b, type, NULL, &pdns_malloc);
 *	for each rdata: if (!rrset_builder_add_text(&b, s, len)) -> b.error
 *	payload = rrset_builder_finish(&b, 0, &len);   (NULL -> b.error)
 *	rrset_builder_free(&b);
 *
 * add_text parses presentation format (relative names end in origin, an
 * uncompressed wire name, or the root when NULL); add_wire validates and
 * canonicalizes wire rdata (22P03-style input); add_canonical trusts its
 * caller (the wire parser, which canonicalized already).  finish sorts,
 * drops duplicates and returns prefix + payload octets from the allocator,
 * the payload starting at offset `prefix` (room for a varlena header), and
 * its length (without the prefix) in *len.  A set must have an element.
 */
typedef struct rrset_builder
{
	uint16_t	type;
	const uint8_t *origin;
	pdns_allocator mem;
	uint8_t    *arena;			/* element octets, back to back */
	size_t		arena_len;
	size_t		arena_cap;
	uint32_t   *offsets;		/* element i is arena[offsets[i] ..] */
	uint16_t   *lengths;
	size_t		n;
	size_t		cap;
	uint8_t    *scratch;		/* RDATA_MAX octets for parsing */
	rrset_error error;
} rrset_builder;

extern void rrset_builder_init(rrset_builder *b, uint16_t type,
							   const uint8_t *origin, const pdns_allocator *mem);
extern bool rrset_builder_add_text(rrset_builder *b, const char *text, size_t len);
extern bool rrset_builder_add_wire(rrset_builder *b, const uint8_t *rdata, size_t len);
extern bool rrset_builder_add_canonical(rrset_builder *b, const uint8_t *rdata, size_t len);
extern uint8_t *rrset_builder_finish(rrset_builder *b, size_t prefix, size_t *len);
extern void rrset_builder_free(rrset_builder *b);

/*
 * The one-call API: a set from n presentation-format rdata (texts[i] of
 * lens[i] octets).  Returns the payload from malloc (free() it) and its
 * length, or NULL with *err filled.  A and AAAA rdata that inet_pton reads
 * skip ldns.
 */
extern uint8_t *rrset_build(uint16_t type, const char *const *texts,
							const size_t *lens, size_t n, const uint8_t *origin,
							size_t *len, rrset_error *err);

/*
 * Check a payload's framing (header, element lengths, nothing left over);
 * not the rdata inside.  Fills *type and *count.
 */
extern bool rrset_payload_check(const uint8_t *p, size_t len, uint16_t *type,
								size_t *count, rrset_error *err);

/* Reading a well-formed payload. */
static inline uint16_t
rrset_payload_type(const uint8_t *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

static inline uint16_t
rrset_payload_count(const uint8_t *p)
{
	return (uint16_t) (p[2] << 8 | p[3]);
}

/* Iterate: start at *off = RRSET_HEADER; false when past the end. */
static inline bool
rrset_payload_next(const uint8_t *p, size_t len, size_t *off, rrset_elem *e)
{
	if (*off + 2 > len)
		return false;
	e->len = (uint16_t) (p[*off] << 8 | p[*off + 1]);
	e->data = p + *off + 2;
	*off += 2 + (size_t) e->len;
	return true;
}

/* A cursor over a well-formed payload: its type, count, and elements. */
typedef struct rrset_reader
{
	const uint8_t *p;
	size_t		len;
	size_t		off;
	uint16_t	type;
	uint16_t	count;
} rrset_reader;

static inline void
rrset_reader_init(rrset_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = RRSET_HEADER;
	r->type = rrset_payload_type(p);
	r->count = rrset_payload_count(p);
}

static inline bool
rrset_reader_next(rrset_reader *r, rrset_elem *e)
{
	return rrset_payload_next(r->p, r->len, &r->off, e);
}

/* Does the payload hold this canonical rdata? */
extern bool rrset_payload_contains(const uint8_t *p, size_t len,
								   const uint8_t *rdata, size_t rdlen);

#endif							/* PDNS_RRSET_CODEC_H */
