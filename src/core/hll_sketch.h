/*
 * hll_sketch.h
 *		Distinct-count sketches in the storage format of PostgreSQL's hll
 *		extension (Aggregate Knowledge's HyperLogLog, storage schema version
 *		1), built without it: the ingestion batch folds each client into
 *		the sketch of the name it asked for, so no per-client row is ever
 *		written.  Pure C core.
 *
 * Fixed parameters, those pdns stores with: 2^11 registers of 5 bits,
 * explicit mode off (a sketch never holds the hashed values themselves),
 * sparse mode on.  Values are hashed as the extension's hll_hash_bytea()
 * does (MurmurHash3 x64 128, seed 0, its first 64 bits), so a sketch made
 * here and one made by hll_add_agg(hll_hash_bytea(v), 11, 5, 0, 1) over the
 * same values have the same registers, and hll_union() of the two is
 * exact.
 */
#ifndef PDNS_HLL_SKETCH_H
#define PDNS_HLL_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#define HLL_LOG2M 11
#define HLL_REGWIDTH 5
#define HLL_NREGS (1 << HLL_LOG2M)
/* Registers kept as (index, value) pairs up to this many, then all of them. */
#define HLL_SPARSE_MAX 64
/* The largest serialized sketch: header and 2^11 registers of 5 bits. */
#define HLL_MAX_BYTES (3 + (HLL_NREGS * HLL_REGWIDTH + 7) / 8)

/*
 * A sketch being filled.  Zeroed, it is empty; it is small (20 octets), so
 * that a table of many can be grown and scanned cheaply.  Its registers
 * are (index, value) pairs in an array that doubles from 4 up to
 * HLL_SPARSE_MAX, then all HLL_NREGS of them.  The caller supplies the
 * memory through the allocator given to hll_sketch_add() (arrays that are
 * outgrown are not freed: the caller's memory is expected to go all at
 * once, as a batch's does).
 */
typedef struct hll_sketch
{
	uint16_t	npairs;
	uint16_t	cap;
	uint16_t   *pairs;			/* index << 5 | value, in no order */
	uint8_t    *full;			/* HLL_NREGS registers, or NULL */
} hll_sketch;

/* The hash of a value, as hll_hash_bytea(value) computes it. */
extern uint64_t hll_hash_bytes(const void *data, size_t len);

/*
 * Fold a hash into the sketch.  alloc(size) must return zeroed memory (or
 * NULL: the function then returns -1 and the sketch is unchanged).
 * Returns 0.
 */
extern int	hll_sketch_add(hll_sketch *s, uint64_t hash, void *(*alloc) (size_t size, void *arg),
						   void *arg);

/* Fold one sketch into another (registers: the larger value wins). */
extern int	hll_sketch_union(hll_sketch *into, const hll_sketch *from,
							 void *(*alloc) (size_t size, void *arg), void *arg);

/*
 * The sketch in the hll type's storage format: EMPTY, SPARSE (when
 * smaller) or FULL.  out needs HLL_MAX_BYTES; returns the length.
 */
extern size_t hll_sketch_serialize(const hll_sketch *s, uint8_t *out);

#endif							/* PDNS_HLL_SKETCH_H */
