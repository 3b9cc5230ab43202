/*
 * rrset_codec.c
 *		Building canonical RRset payloads: elements collected in an arena,
 *		sorted per RFC 4034 §6.3, deduplicated, serialized.
 */
#include "rrset_codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
std_alloc(void *ctx, size_t size)
{
	return malloc(size);
}

static void *
std_realloc(void *ctx, void *ptr, size_t size)
{
	return realloc(ptr, size);
}

static void
std_free(void *ctx, void *ptr)
{
	free(ptr);
}

const pdns_allocator pdns_malloc = {std_alloc, std_realloc, std_free, NULL};

static bool
set_error(rrset_error *err, int element, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static bool
set_error(rrset_error *err, int element, const char *fmt,...)
{
	va_list		ap;

	err->element = element;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return false;
}

int
rrset_elem_cmp(const rrset_elem *a, const rrset_elem *b)
{
	int			c = memcmp(a->data, b->data, a->len < b->len ? a->len : b->len);

	if (c != 0)
		return c;
	return (int) a->len - (int) b->len;
}

static int
qsort_cmp(const void *a, const void *b)
{
	return rrset_elem_cmp(a, b);
}

size_t
rrset_sort_unique(rrset_elem *elems, size_t n)
{
	size_t		out = 0;

	if (n < 2)
		return n;
	qsort(elems, n, sizeof(rrset_elem), qsort_cmp);
	for (size_t i = 1; i < n; i++)
		if (rrset_elem_cmp(&elems[out], &elems[i]) != 0)
			elems[++out] = elems[i];
	return out + 1;
}

size_t
rrset_payload_size(const rrset_elem *elems, size_t n)
{
	size_t		size = RRSET_HEADER;

	for (size_t i = 0; i < n; i++)
		size += 2 + (size_t) elems[i].len;
	return size;
}

void
rrset_write(uint16_t type, const rrset_elem *elems, size_t n, uint8_t *out)
{
	out[0] = (uint8_t) (type >> 8);
	out[1] = (uint8_t) type;
	out[2] = (uint8_t) (n >> 8);
	out[3] = (uint8_t) n;
	out += RRSET_HEADER;
	for (size_t i = 0; i < n; i++)
	{
		out[0] = (uint8_t) (elems[i].len >> 8);
		out[1] = (uint8_t) elems[i].len;
		memcpy(out + 2, elems[i].data, elems[i].len);
		out += 2 + (size_t) elems[i].len;
	}
}

void
rrset_builder_init(rrset_builder *b, uint16_t type, const uint8_t *origin,
				   const pdns_allocator *mem)
{
	memset(b, 0, sizeof(*b));
	b->type = type;
	b->origin = origin;
	b->mem = *mem;
}

void
rrset_builder_free(rrset_builder *b)
{
	if (b->arena)
		b->mem.free(b->mem.ctx, b->arena);
	if (b->offsets)
		b->mem.free(b->mem.ctx, b->offsets);
	if (b->lengths)
		b->mem.free(b->mem.ctx, b->lengths);
	if (b->scratch)
		b->mem.free(b->mem.ctx, b->scratch);
	b->arena = b->scratch = NULL;
	b->offsets = NULL;
	b->lengths = NULL;
}

/* Grow a buffer to hold `need` items of `size` octets, doubling. */
static bool
grow(rrset_builder *b, void **ptr, size_t *cap, size_t need, size_t size)
{
	size_t		newcap = *cap ? *cap : 8;
	void	   *p;

	if (need <= *cap)
		return true;
	while (newcap < need)
		newcap *= 2;
	p = *ptr ? b->mem.realloc(b->mem.ctx, *ptr, newcap * size)
		: b->mem.alloc(b->mem.ctx, newcap * size);
	if (p == NULL)
		return false;
	*ptr = p;
	*cap = newcap;
	return true;
}

bool
rrset_builder_add_canonical(rrset_builder *b, const uint8_t *rdata, size_t len)
{
	size_t		cap = b->cap;

	if (b->n >= RRSET_MAX_ELEMENTS)
		return set_error(&b->error, (int) b->n + 1,
						 "an RRset holds at most %d rdata", RRSET_MAX_ELEMENTS);
	if (len > RDATA_MAX)
		return set_error(&b->error, (int) b->n + 1, "the rdata is longer than 65535 octets");
	if (b->arena_len + len > UINT32_MAX)
		return set_error(&b->error, (int) b->n + 1, "the RRset is larger than 4 GB");
	if (!grow(b, (void **) &b->arena, &b->arena_cap, b->arena_len + len + 1, 1) ||
		!grow(b, (void **) &b->offsets, &cap, b->n + 1, sizeof(uint32_t)) ||
		!grow(b, (void **) &b->lengths, &b->cap, b->n + 1, sizeof(uint16_t)))
		return set_error(&b->error, (int) b->n + 1, "out of memory");
	memcpy(b->arena + b->arena_len, rdata, len);
	b->offsets[b->n] = (uint32_t) b->arena_len;
	b->lengths[b->n] = (uint16_t) len;
	b->arena_len += len;
	b->n++;
	return true;
}

static bool
ensure_scratch(rrset_builder *b)
{
	if (b->scratch == NULL)
		b->scratch = b->mem.alloc(b->mem.ctx, RDATA_MAX);
	return b->scratch != NULL ||
		set_error(&b->error, (int) b->n + 1, "out of memory");
}

bool
rrset_builder_add_text(rrset_builder *b, const char *text, size_t len)
{
	size_t		rdlen;
	rdata_error err;

	if (!ensure_scratch(b))
		return false;
	if (!rdata_from_text(b->type, text, len, b->origin, b->scratch, &rdlen, &err))
		return set_error(&b->error, (int) b->n + 1, "%s", err.reason);
	return rrset_builder_add_canonical(b, b->scratch, rdlen);
}

bool
rrset_builder_add_wire(rrset_builder *b, const uint8_t *rdata, size_t len)
{
	rdata_error err;

	if (len > RDATA_MAX)
		return set_error(&b->error, (int) b->n + 1, "the rdata is longer than 65535 octets");
	if (!ensure_scratch(b))
		return false;
	memcpy(b->scratch, rdata, len);
	if (!rdata_canonicalize(b->type, b->scratch, len, &err))
		return set_error(&b->error, (int) b->n + 1, "%s", err.reason);
	return rrset_builder_add_canonical(b, b->scratch, len);
}

uint8_t *
rrset_builder_finish(rrset_builder *b, size_t prefix, size_t *len)
{
	rrset_elem *elems;
	size_t		n;
	uint8_t    *out;

	if (b->n == 0)
		return set_error(&b->error, 0, "an RRset holds at least one rdata"), NULL;
	elems = b->mem.alloc(b->mem.ctx, b->n * sizeof(rrset_elem));
	if (elems == NULL)
		return set_error(&b->error, 0, "out of memory"), NULL;
	for (size_t i = 0; i < b->n; i++)
	{
		elems[i].data = b->arena + b->offsets[i];
		elems[i].len = b->lengths[i];
	}
	n = rrset_sort_unique(elems, b->n);
	*len = rrset_payload_size(elems, n);
	out = b->mem.alloc(b->mem.ctx, prefix + *len);
	if (out != NULL)
		rrset_write(b->type, elems, n, out + prefix);
	else
		set_error(&b->error, 0, "out of memory");
	b->mem.free(b->mem.ctx, elems);
	return out;
}

uint8_t *
rrset_build(uint16_t type, const char *const *texts, const size_t *lens,
			size_t n, const uint8_t *origin, size_t *len, rrset_error *err)
{
	rrset_builder b;
	uint8_t    *out = NULL;
	bool		ok = true;

	rrset_builder_init(&b, type, origin, &pdns_malloc);
	for (size_t i = 0; ok && i < n; i++)
		ok = rrset_builder_add_text(&b, texts[i], lens[i]);
	if (ok)
		out = rrset_builder_finish(&b, 0, len);
	if (out == NULL)
		*err = b.error;
	rrset_builder_free(&b);
	return out;
}

bool
rrset_payload_check(const uint8_t *p, size_t len, uint16_t *type,
					size_t *count, rrset_error *err)
{
	size_t		off = RRSET_HEADER,
				n = 0;
	rrset_elem	e;

	if (len < RRSET_HEADER)
		return set_error(err, 0, "an RRset is at least 4 octets; got %zu", len);
	*type = rrset_payload_type(p);
	*count = rrset_payload_count(p);
	if (*count == 0)
		return set_error(err, 0, "an RRset holds at least one rdata");
	while (n < *count)
	{
		if (off + 2 > len)
			return set_error(err, 0, "the data ends before the length of element %zu", n + 1);
		rrset_payload_next(p, len, &off, &e);
		if (off > len)
			return set_error(err, 0, "element %zu is %u octets, more than the %zu that remain",
							 n + 1, e.len, len - (off - e.len));
		n++;
	}
	if (off != len)
		return set_error(err, 0, "%zu octets follow the last of the %zu elements", len - off, n);
	return true;
}

bool
rrset_payload_contains(const uint8_t *p, size_t len, const uint8_t *rdata, size_t rdlen)
{
	size_t		off = RRSET_HEADER;
	rrset_elem	e;
	rrset_elem	want = {rdata, (uint16_t) rdlen};

	if (rdlen > RDATA_MAX)
		return false;
	while (rrset_payload_next(p, len, &off, &e))
	{
		int			c = rrset_elem_cmp(&e, &want);

		if (c == 0)
			return true;
		if (c > 0)				/* sorted: it would have come by now */
			return false;
	}
	return false;
}
