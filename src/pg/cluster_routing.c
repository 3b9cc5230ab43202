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
PG_FUNCTION_INFO_V1(pdns_slot_of);

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

/*
 * The slot of a name's key: its registered domain (the name itself when it
 * has none) hashed.
 */
static int
slot_of_key(const uint8_t *key, size_t len)
{
	size_t		routed = registered_domain_keylen(key, len);

	if (routed == 0)
		routed = len;
	return (int) (fnv1a(key, routed) % CLUSTER_SLOTS);
}

/*
 * The slot of a name in presentation form; -1 when the text is not a
 * name.
 */
int
cluster_slot_of(const char *name, size_t len)
{
	dn_key		key;
	dn_error	err;

	if (!dn_from_text(name, len, &key, &err))
		return -1;
	return slot_of_key(key.bytes, key.len);
}

Datum
pdns_cluster_slot(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	int			slot = cluster_slot_of(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));

	if (slot < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(slot);
}

/* pdns.slot_of(dnsname): the same slot, of a stored name (a shard's rows). */
Datum
pdns_slot_of(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);

	PG_RETURN_INT32(slot_of_key(DNSNAME_KEY(v), DNSNAME_KEYLEN(v)));
}
