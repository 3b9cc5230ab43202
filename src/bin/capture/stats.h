/*
 * stats.h
 *		The counts --stats prints to standard error at the end: packets by
 *		what they turned out to be, messages by transport, rejects by reason,
 *		and the reassemblers' own counts.  One "name<TAB>value" line each,
 *		so that scripts can read them.
 */
#ifndef PDNS_CAPTURE_STATS_H
#define PDNS_CAPTURE_STATS_H

#include <stdint.h>
#include <stdio.h>

typedef struct cap_stats
{
	uint64_t	packets;		/* frames read */
	uint64_t	not_ip;			/* frames without IP */
	uint64_t	other_protocol; /* IP, neither UDP nor TCP */
	uint64_t	other_port;		/* UDP/TCP on no DNS port */
	uint64_t	encrypted;		/* UDP/TCP on port 853: DoT/DoQ, not decodable */
	uint64_t	dns_packets;	/* UDP datagrams and TCP segments on a DNS port */
	uint64_t	fragments;		/* IP fragments */
	uint64_t	bad_frames;		/* frames rejected before the transport */
	uint64_t	dnstap_frames;	/* dnstap data frames read */
	uint64_t	pcap_received;	/* live capture: libpcap's counts */
	uint64_t	pcap_dropped;
	uint64_t	pcap_if_dropped;
	uint64_t	messages;
	uint64_t	rejects;
} cap_stats;

extern cap_stats stats;

/* Count a message of a transport, a reject of a reason code. */
extern void stats_message(const char *transport);
extern void stats_reject(const char *code);

/* Extra lines from the reassemblers, printed in the order added. */
extern void stats_extra(const char *name, uint64_t value);

/* Print everything to f. */
extern void stats_print(FILE *f);

#endif							/* PDNS_CAPTURE_STATS_H */
