/*
 * stats.c
 *		Counters for --stats (see stats.h).  Transports and reject codes are
 *		static strings, so a short list compared by pointer first serves as
 *		the map.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 64

typedef struct counter
{
	const char *name;
	uint64_t	value;
} counter;

typedef struct counter_set
{
	counter		items[MAX_KEYS];
	int			n;
} counter_set;

cap_stats	stats;

static counter_set transports;
static counter_set reasons;
static counter_set extras;

/* The counter of a name, added at the end if new. */
static counter *
counter_of(counter_set *set, const char *name)
{
	int			i;

	for (i = 0; i < set->n; i++)
		if (set->items[i].name == name)
			return &set->items[i];
	for (i = 0; i < set->n; i++)
		if (strcmp(set->items[i].name, name) == 0)
			return &set->items[i];
	if (set->n == MAX_KEYS)
		return &set->items[MAX_KEYS - 1];	/* cannot happen: the names are a fixed few */
	set->items[set->n].name = name;
	set->items[set->n].value = 0;
	return &set->items[set->n++];
}

void
stats_message(const char *transport)
{
	stats.messages++;
	counter_of(&transports, transport)->value++;
}

void
stats_reject(const char *code)
{
	stats.rejects++;
	counter_of(&reasons, code)->value++;
}

void
stats_extra(const char *name, uint64_t value)
{
	counter_of(&extras, name)->value += value;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const counter *) a)->name, ((const counter *) b)->name);
}

static void
print_set(FILE *f, const char *prefix, counter_set *set, int sort)
{
	int			i;

	if (sort)
		qsort(set->items, (size_t) set->n, sizeof(counter), by_name);
	for (i = 0; i < set->n; i++)
		fprintf(f, "%s%s\t%llu\n", prefix, set->items[i].name,
				(unsigned long long) set->items[i].value);
}

void
stats_print(FILE *f)
{
	fprintf(f, "packets\t%llu\n", (unsigned long long) stats.packets);
	fprintf(f, "packets.dns\t%llu\n", (unsigned long long) stats.dns_packets);
	fprintf(f, "packets.not-ip\t%llu\n", (unsigned long long) stats.not_ip);
	fprintf(f, "packets.other-protocol\t%llu\n", (unsigned long long) stats.other_protocol);
	fprintf(f, "packets.other-port\t%llu\n", (unsigned long long) stats.other_port);
	fprintf(f, "packets.encrypted\t%llu\n", (unsigned long long) stats.encrypted);
	fprintf(f, "packets.fragment\t%llu\n", (unsigned long long) stats.fragments);
	fprintf(f, "packets.rejected\t%llu\n", (unsigned long long) stats.bad_frames);
	if (stats.pcap_received || stats.pcap_dropped || stats.pcap_if_dropped)
	{
		fprintf(f, "pcap.received\t%llu\n", (unsigned long long) stats.pcap_received);
		fprintf(f, "pcap.dropped\t%llu\n", (unsigned long long) stats.pcap_dropped);
		fprintf(f, "pcap.if-dropped\t%llu\n", (unsigned long long) stats.pcap_if_dropped);
	}
	if (stats.dnstap_frames)
		fprintf(f, "dnstap.frames\t%llu\n", (unsigned long long) stats.dnstap_frames);
	print_set(f, "", &extras, 0);
	fprintf(f, "messages\t%llu\n", (unsigned long long) stats.messages);
	print_set(f, "messages.", &transports, 1);
	fprintf(f, "rejects\t%llu\n", (unsigned long long) stats.rejects);
	print_set(f, "rejects.", &reasons, 1);
}
