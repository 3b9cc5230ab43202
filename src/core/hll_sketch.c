/*
 * hll_sketch.c
 *		HyperLogLog sketches in the hll extension's storage format
 *		(hll_sketch.h).
 */
#include "hll_sketch.h"

#include <stdlib.h>
#include <string.h>

/* ---- MurmurHash3, x64, 128 bits (Austin Appleby's public-domain design) ---- */

static inline uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/* little-endian 64-bit load, whatever the host's order */
static inline uint64_t
load64(const uint8_t *p)
{
	uint64_t	v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t
hll_hash_bytes(const void *data, size_t len)
{
	const uint8_t *p = data;
	const size_t nblocks = len / 16;
	const uint64_t c1 = UINT64_C(0x87c37b91114253d5);
	const uint64_t c2 = UINT64_C(0x4cf5ad432745937f);
	uint64_t	h1 = 0,			/* seed 0, as hll_hash_bytea() */
				h2 = 0;
	uint64_t	k1 = 0,
				k2 = 0;
	const uint8_t *tail = p + nblocks * 16;

	for (size_t i = 0; i < nblocks; i++)
	{
		k1 = load64(p + i * 16);
		k2 = load64(p + i * 16 + 8);
		k1 *= c1;
		k1 = rotl64(k1, 31);
		k1 *= c2;
		h1 ^= k1;
		h1 = rotl64(h1, 27);
		h1 += h2;
		h1 = h1 * 5 + 0x52dce729;
		k2 *= c2;
		k2 = rotl64(k2, 33);
		k2 *= c1;
		h2 ^= k2;
		h2 = rotl64(h2, 31);
		h2 += h1;
		h2 = h2 * 5 + 0x38495ab5;
	}
	k1 = k2 = 0;
	switch (len & 15)
	{
		case 15:
			k2 ^= (uint64_t) tail[14] << 48;
			/* FALLTHROUGH */
		case 14:
			k2 ^= (uint64_t) tail[13] << 40;
			/* FALLTHROUGH */
		case 13:
			k2 ^= (uint64_t) tail[12] << 32;
			/* FALLTHROUGH */
		case 12:
			k2 ^= (uint64_t) tail[11] << 24;
			/* FALLTHROUGH */
		case 11:
			k2 ^= (uint64_t) tail[10] << 16;
			/* FALLTHROUGH */
		case 10:
			k2 ^= (uint64_t) tail[9] << 8;
			/* FALLTHROUGH */
		case 9:
			k2 ^= (uint64_t) tail[8];
			k2 *= c2;
			k2 = rotl64(k2, 33);
			k2 *= c1;
			h2 ^= k2;
			/* FALLTHROUGH */
		case 8:
			k1 ^= (uint64_t) tail[7] << 56;
			/* FALLTHROUGH */
		case 7:
			k1 ^= (uint64_t) tail[6] << 48;
			/* FALLTHROUGH */
		case 6:
			k1 ^= (uint64_t) tail[5] << 40;
			/* FALLTHROUGH */
		case 5:
			k1 ^= (uint64_t) tail[4] << 32;
			/* FALLTHROUGH */
		case 4:
			k1 ^= (uint64_t) tail[3] << 24;
			/* FALLTHROUGH */
		case 3:
			k1 ^= (uint64_t) tail[2] << 16;
			/* FALLTHROUGH */
		case 2:
			k1 ^= (uint64_t) tail[1] << 8;
			/* FALLTHROUGH */
		case 1:
			k1 ^= (uint64_t) tail[0];
			k1 *= c1;
			k1 = rotl64(k1, 31);
			k1 *= c2;
			h1 ^= k1;
	}
	h1 ^= (uint64_t) len;
	h2 ^= (uint64_t) len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	return h1;					/* (h2 += h1 would be the second half) */
}

/* ---- registers ---- */

#define PAIR_INDEX(p) ((p) >> HLL_REGWIDTH)
#define PAIR_VALUE(p) ((p) & ((1 << HLL_REGWIDTH) - 1))

/*
 * The register a hash sets and its value: the low log2m bits pick the
 * register, the value is one more than the number of trailing zeros of
 * the rest (0 when the rest is 0), at most 2^regwidth - 1.
 */
static inline void
hash_register(uint64_t hash, unsigned *index, unsigned *value)
{
	uint64_t	rest = hash >> HLL_LOG2M;
	unsigned	v = rest == 0 ? 0 : (unsigned) __builtin_ctzll(rest) + 1;
	unsigned	max = (1u << HLL_REGWIDTH) - 1;

	*index = (unsigned) (hash & (HLL_NREGS - 1));
	*value = v > max ? max : v;
}

static int
set_register(hll_sketch *s, unsigned index, unsigned value,
			 void *(*alloc) (size_t size, void *arg), void *arg)
{
	if (value == 0)
		return 0;
	if (s->full != NULL)
	{
		if (s->full[index] < value)
			s->full[index] = (uint8_t) value;
		return 0;
	}
	for (unsigned i = 0; i < s->npairs; i++)
		if (PAIR_INDEX(s->pairs[i]) == index)
		{
			if (PAIR_VALUE(s->pairs[i]) < value)
				s->pairs[i] = (uint16_t) (index << HLL_REGWIDTH | value);
			return 0;
		}
	if (s->npairs == s->cap && s->cap < HLL_SPARSE_MAX)
	{
		uint16_t	cap = s->cap == 0 ? 4 : s->cap * 2;
		uint16_t   *pairs = alloc(cap * sizeof(uint16_t), arg);

		if (pairs == NULL)
			return -1;
		if (s->npairs > 0)
			memcpy(pairs, s->pairs, s->npairs * sizeof(uint16_t));
		s->pairs = pairs;
		s->cap = cap;
	}
	if (s->npairs < s->cap)
	{
		s->pairs[s->npairs++] = (uint16_t) (index << HLL_REGWIDTH | value);
		return 0;
	}
	/* more registers than pairs: all of them */
	s->full = alloc(HLL_NREGS, arg);
	if (s->full == NULL)
		return -1;
	for (unsigned i = 0; i < s->npairs; i++)
		s->full[PAIR_INDEX(s->pairs[i])] = (uint8_t) PAIR_VALUE(s->pairs[i]);
	s->npairs = 0;
	if (s->full[index] < value)
		s->full[index] = (uint8_t) value;
	return 0;
}

int
hll_sketch_add(hll_sketch *s, uint64_t hash, void *(*alloc) (size_t size, void *arg), void *arg)
{
	unsigned	index,
				value;

	hash_register(hash, &index, &value);
	return set_register(s, index, value, alloc, arg);
}

int
hll_sketch_union(hll_sketch *into, const hll_sketch *from,
				 void *(*alloc) (size_t size, void *arg), void *arg)
{
	if (from->full != NULL)
	{
		for (unsigned i = 0; i < HLL_NREGS; i++)
			if (from->full[i] != 0 && set_register(into, i, from->full[i], alloc, arg) != 0)
				return -1;
		return 0;
	}
	for (unsigned i = 0; i < from->npairs; i++)
		if (set_register(into, PAIR_INDEX(from->pairs[i]), PAIR_VALUE(from->pairs[i]),
						 alloc, arg) != 0)
			return -1;
	return 0;
}

/* ---- storage format, schema version 1 ---- */

/* MSB-first bit writer */
typedef struct bit_writer
{
	uint8_t    *out;
	size_t		bits;
} bit_writer;

static void
put_bits(bit_writer *w, unsigned value, unsigned nbits)
{
	for (int b = (int) nbits - 1; b >= 0; b--)
	{
		if ((value >> b) & 1)
			w->out[w->bits / 8] |= (uint8_t) (0x80 >> (w->bits % 8));
		w->bits++;
	}
}

static int
pair_cmp(const void *a, const void *b)
{
	uint16_t	x = *(const uint16_t *) a,
				y = *(const uint16_t *) b;

	return (x > y) - (x < y);
}

size_t
hll_sketch_serialize(const hll_sketch *s, uint8_t *out)
{
	enum
	{
		EMPTY = 1, SPARSE = 3, FULL = 4
	};
	uint16_t	pairs[HLL_NREGS];
	unsigned	n = 0;
	size_t		sparse_bytes,
				full_bytes = (HLL_NREGS * HLL_REGWIDTH + 7) / 8;
	bit_writer	w;

	/* the set registers, by index */
	if (s->full != NULL)
	{
		for (unsigned i = 0; i < HLL_NREGS; i++)
			if (s->full[i] != 0)
				pairs[n++] = (uint16_t) (i << HLL_REGWIDTH | s->full[i]);
	}
	else
	{
		n = s->npairs;
		if (n > 0)
		{
			memcpy(pairs, s->pairs, n * sizeof(uint16_t));
			qsort(pairs, n, sizeof(uint16_t), pair_cmp);
		}
	}

	out[1] = (uint8_t) ((HLL_REGWIDTH - 1) << 5 | HLL_LOG2M);
	out[2] = 0x40;				/* sparse on, explicit cutoff 0: never explicit */
	if (n == 0)
	{
		out[0] = 1 << 4 | EMPTY;
		return 3;
	}
	sparse_bytes = ((size_t) n * (HLL_LOG2M + HLL_REGWIDTH) + 7) / 8;
	memset(out + 3, 0, full_bytes);
	w.out = out + 3;
	w.bits = 0;
	if (sparse_bytes < full_bytes)
	{
		out[0] = 1 << 4 | SPARSE;
		for (unsigned i = 0; i < n; i++)
			put_bits(&w, pairs[i], HLL_LOG2M + HLL_REGWIDTH);
		return 3 + sparse_bytes;
	}
	out[0] = 1 << 4 | FULL;
	for (unsigned i = 0, j = 0; i < HLL_NREGS; i++)
	{
		unsigned	v = 0;

		if (j < n && PAIR_INDEX(pairs[j]) == i)
			v = PAIR_VALUE(pairs[j++]);
		put_bits(&w, v, HLL_REGWIDTH);
	}
	return 3 + full_bytes;
}
