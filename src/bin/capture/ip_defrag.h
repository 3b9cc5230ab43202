/*
 * ip_defrag.h
 *		IPv4 and IPv6 fragment reassembly with bounded memory and timeouts.
 *
 * Fragments are grouped by (version, source, destination, protocol, id).  A
 * datagram is handed back whole as soon as its last hole is filled.  A chain
 * that cannot complete is given up, and reported through the "failed"
 * callback with every byte received, when:
 *	- it is older than the timeout (checked on every call, by packet time);
 *	- too many chains or bytes are held (the oldest chain goes first);
 *	- it has more fragments than allowed, or reaches past 65535 bytes;
 *	- fragments overlap with different contents (the first bytes received
 *	  are kept; the chain is reported, never delivered, because two readers
 *	  of the same packets could disagree on what was sent).
 * Identical overlaps (duplicated fragments) are accepted.
 *
 * Pure C core: no allocation besides malloc, no libpcap types.
 */
#ifndef PDNS_IP_DEFRAG_H
#define PDNS_IP_DEFRAG_H

#include "packet_decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ipd_limits
{
	size_t		max_chains;		/* reassemblies in progress */
	size_t		max_bytes;		/* fragment bytes held, all chains together */
	unsigned	max_fragments;	/* fragments in one chain */
	int64_t		timeout_us;		/* a chain's age limit, by packet time */
} ipd_limits;

/* One fragment, as packet_decode reports it. */
typedef struct ipd_fragment
{
	uint8_t		ip_version;		/* 4 or 6 */
	uint8_t		protocol;		/* the upper-layer protocol */
	const uint8_t *src;			/* 16 bytes; IPv4 in the first 4 */
	const uint8_t *dst;
	uint32_t	id;
	uint32_t	offset;			/* in bytes */
	bool		more;			/* more fragments follow */
	const uint8_t *data;		/* captured fragment payload */
	size_t		len;
	int64_t		ts_us;			/* capture time, microseconds since 1970 */
	uint64_t	tag;			/* the caller's packet number */
} ipd_fragment;

/*
 * A reassembled datagram, or the bytes of a chain given up (data then holds
 * the received ranges in offset order, holes left out).  Valid until the
 * next call into the table.
 */
typedef struct ipd_datagram
{
	uint8_t		ip_version;
	uint8_t		protocol;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	id;
	const uint8_t *data;
	size_t		len;
	unsigned	fragments;		/* fragments received */
	bool		has_start;		/* the offset-0 fragment is in (data starts with it) */
	int64_t		ts_us;			/* of the last fragment received */
	uint64_t	first_tag;		/* packet number of the first fragment received */
	uint64_t	last_tag;		/* and of the last */
} ipd_datagram;

/* A chain given up: code is a short identifier, detail a sentence. */
typedef void (*ipd_failed_fn) (void *arg, const ipd_datagram *partial,
							   const char *code, const char *detail);

typedef struct ipd_stats
{
	uint64_t	fragments;		/* fragments added */
	uint64_t	reassembled;	/* datagrams completed */
	uint64_t	failed;			/* chains given up */
	uint64_t	duplicates;		/* fragments whose bytes were all held already */
} ipd_stats;

typedef struct ipd_table ipd_table;

/* A table with the given limits (NULL: defaults); NULL when out of memory. */
extern ipd_table *ipd_create(const ipd_limits *limits, ipd_failed_fn failed, void *arg);
extern void ipd_destroy(ipd_table *t);

/*
 * Add a fragment.  Returns true, with *out describing the whole datagram,
 * when this fragment completed one.
 */
extern bool ipd_add(ipd_table *t, const ipd_fragment *frag, ipd_datagram *out);

/* ipd_add for the fragment packet_decode found (it returned PD_FRAGMENT). */
extern bool ipd_add_packet(ipd_table *t, const pd_packet *p, int64_t ts_us,
						   uint64_t tag, ipd_datagram *out);

/* Give up the chains older than the timeout at time now_us. */
extern void ipd_expire(ipd_table *t, int64_t now_us);

/* Give up every chain (end of input). */
extern void ipd_flush(ipd_table *t);

extern const ipd_stats *ipd_get_stats(const ipd_table *t);

#endif							/* PDNS_IP_DEFRAG_H */
