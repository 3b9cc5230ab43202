/*
 * packets.h
 *		From captured frames to rows: the pure core's packet decoder,
 *		fragment reassembly and TCP reassembly, wired to the sink.  Knows
 *		nothing of libpcap: pcap_input.c hands it frames.
 *
 * A UDP datagram or TCP segment is DNS when either port is a DNS port
 * (53 unless --port says otherwise).  Port 853 (DNS over TLS or QUIC) is
 * counted but cannot be read.  Each message's client and server follow
 * its QR bit: a query goes from client to server, a response from server
 * to client.
 */
#ifndef PDNS_CAPTURE_PACKETS_H
#define PDNS_CAPTURE_PACKETS_H

#include "packet_decode.h"

#include <stdbool.h>
#include <stdint.h>

/* dns_ports: a 65536-bit map of the ports that carry DNS. */
extern bool packets_init(const uint8_t *dns_ports);

/* Name a source (file or interface) of the frames that follow. */
extern int	packets_source(const char *name);

/* One frame: packet number "number" (1-based) of source "source". */
extern void packets_frame(pd_link link, const uint8_t *frame, size_t caplen,
						  size_t wirelen, int64_t ts_us, int source, uint64_t number);

/* Time passes without frames (live capture): close idle reassemblies. */
extern void packets_idle(int64_t now_us);

/* End of input: what the reassemblers hold is delivered or rejected. */
extern void packets_finish(void);

#endif							/* PDNS_CAPTURE_PACKETS_H */
