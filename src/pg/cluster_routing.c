/*
 * cluster_routing.c
 *		The slot of a name in a pdns_cluster (docs/scale-out.md): its
 *		registered domain, hashed to one of 1024 slots, so that every name
 *		under one registered domain lives on one shard.
 *
 * It takes the name as text and never raises: ingestion routes a line
 * whose owner is not a name (NULL) to a shard that rejects it with its
 * reason, as one server would.
 */
#include "pdns.h"

#include "public_suffix.h"

PG_FUNCTION_INFO_V1(pdns_cluster_slot);

#define CLUSTER_SLOTS 1024

/* FNV-1a over octets: the same slot on every server and architecture. */
static uint32
fnv1a(const uint8_t *octets, size_t len)
{
	uint32		hash = 2166136261u;

	for (size_t i = 0; i < len; i++)
	{
		hash ^= octets[i];
		hash *= 16777619u;
	}
	return hash;
}

Datum
pdns_cluster_slot(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	dn_key		key;
	dn_error	err;
	size_t		routed;

	if (!dn_from_text(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &key, &err))
		PG_RETURN_NULL();
	/* the registered domain; a name without one routes by itself */
	routed = registered_domain_keylen(key.bytes, key.len);
	if (routed == 0)
		routed = key.len;
	PG_RETURN_INT32((int32) (fnv1a(key.bytes, routed) % CLUSTER_SLOTS));
}
