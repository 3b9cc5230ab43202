/*
 * json_lite.h
 *		A small, strict JSON (RFC 8259) parser into a compact DOM, for the
 *		sensor log adapters (Zeek, Suricata, passivedns, COF).  Pure C core.
 *
 * Strict: one value with optional blanks around it, no trailing commas, no
 * leading zeros, no control characters or invalid UTF-8 in strings, \u
 * escapes with surrogate pairs combined (a lone surrogate is an error).
 * Bounded: nesting deeper than JSON_MAX_DEPTH is an error, and the parser
 * never recurses.  Errors carry a reason and the byte offset.
 *
 * Strings are decoded into the document's arena (never longer than the
 * input), NUL-terminated, and may contain NUL (use the lengths).  Numbers
 * keep their source text.  A document is reused across lines: parsing
 * again reuses its memory.
 */
#ifndef PDNS_JSON_LITE_H
#define PDNS_JSON_LITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64
#define JSON_REASON_MAX 96

typedef enum json_type
{
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
} json_type;

/*
 * A value.  Containers link their members through `next` (0 ends the
 * list; node 0 is always the root, so it is never a member).  Members of
 * an object carry their key.
 */
typedef struct json_node
{
	json_type	type;
	uint32_t	next;			/* next member of the parent, or 0 */
	uint32_t	child;			/* first member of an array/object, or 0 */
	uint32_t	count;			/* members of an array/object */
	const char *str;			/* string (decoded) or number (source text) */
	size_t		len;
	const char *key;			/* key, when a member of an object */
	size_t		keylen;
} json_node;

typedef struct json_doc
{
	json_node  *nodes;
	uint32_t	n;
	uint32_t	cap;
	char	   *arena;			/* decoded strings */
	size_t		arena_cap;
	char		reason[JSON_REASON_MAX];
	size_t		offset;			/* byte offset of the error */
} json_doc;

/* An empty document (no memory yet); json_free releases it. */
extern void json_init(json_doc *doc);
extern void json_free(json_doc *doc);

/*
 * Parse text into doc.  Returns false with doc->reason and doc->offset
 * set on malformed input or when memory runs out.
 */
extern bool json_parse(json_doc *doc, const char *text, size_t len);

/* The root value (after a successful parse). */
static inline const json_node *
json_root(const json_doc *doc)
{
	return &doc->nodes[0];
}

/* First member of a container, next member, or NULL. */
extern const json_node *json_first(const json_doc *doc, const json_node *c);
extern const json_node *json_next(const json_doc *doc, const json_node *m);

/* The member of an object with this key (the first, if repeated), or NULL. */
extern const json_node *json_get(const json_doc *doc, const json_node *obj,
								 const char *key);

/* Element i of an array, or NULL. */
extern const json_node *json_at(const json_doc *doc, const json_node *arr,
								uint32_t i);

/*
 * A JSON number that is a whole number 0..max (no fraction or exponent),
 * into *out.  False otherwise.
 */
extern bool json_uint(const json_node *v, uint64_t max, uint64_t *out);

#endif							/* PDNS_JSON_LITE_H */
