/*
 * packet_decode.h
 *		Captured frames down to a UDP datagram, a TCP segment or an IP
 *		fragment: the link layer (Ethernet, FDDI, Linux cooked v1/v2, raw IP,
 *		BSD loopback), 802.1Q/QinQ tags, MPLS, PPPoE, IPv4 with options, IPv6
 *		with extension headers, and the tunnels a mirrored DNS packet
 *		commonly arrives in (IP-in-IP, GRE, VXLAN, Geneve).
 *
 * Pure C core: no libpcap types (the caller maps its link type to pd_link),
 * no allocation, nothing copied but the addresses; the result points into
 * the frame.  Never reads past the captured length, so it can be fed any
 * bytes (test/fuzz/fuzz_packet.c does).
 */
#ifndef PDNS_PACKET_DECODE_H
#define PDNS_PACKET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The link layers a frame can start with. */
typedef enum pd_link
{
	PD_LINK_ETHERNET = 0,		/* Ethernet II or 802.3 with LLC/SNAP */
	PD_LINK_FDDI,				/* FDDI with LLC/SNAP */
	PD_LINK_SLL,				/* Linux cooked capture v1 */
	PD_LINK_SLL2,				/* Linux cooked capture v2 */
	PD_LINK_RAW,				/* bare IPv4 or IPv6, told apart by version */
	PD_LINK_IPV4,				/* bare IPv4 */
	PD_LINK_IPV6,				/* bare IPv6 */
	PD_LINK_NULL,				/* BSD loopback, family in host order */
	PD_LINK_LOOP				/* OpenBSD loopback, family in network order */
} pd_link;

/* What a frame turned out to be. */
typedef enum pd_status
{
	PD_TRANSPORT = 0,			/* a UDP datagram or TCP segment */
	PD_FRAGMENT,				/* an IPv4 or IPv6 fragment */
	PD_NOT_IP,					/* no IP inside (ARP, LLDP, ...) */
	PD_OTHER_PROTOCOL,			/* IP carrying neither UDP nor TCP */
	PD_BAD						/* malformed or cut short: see reject_* */
} pd_status;

#define PD_PROTO_TCP	6
#define PD_PROTO_UDP	17

#define PD_TCP_FIN		0x01
#define PD_TCP_SYN		0x02
#define PD_TCP_RST		0x04
#define PD_TCP_ACK		0x10

#define PD_MAX_DEPTH	4		/* nested tunnels followed */
#define PD_VXLAN_PORT	4789
#define PD_GENEVE_PORT	6081

/*
 * A decoded frame.  The addresses are those of the innermost IP header;
 * IPv4 addresses occupy the first 4 bytes.  For PD_TRANSPORT, payload and
 * payload_len are the captured transport payload and payload_wire_len its
 * length as the headers announce it: payload_len < payload_wire_len means
 * the capture cut the packet short (snapshot length).  For PD_FRAGMENT,
 * the frag_* fields describe the fragment and payload points at its data.
 */
typedef struct pd_packet
{
	uint8_t		ip_version;		/* 4 or 6 */
	uint8_t		protocol;		/* PD_PROTO_UDP or PD_PROTO_TCP (of the fragment: the upper protocol) */
	uint8_t		src[16];
	uint8_t		dst[16];
	uint16_t	vlan_tags;		/* 802.1Q tags crossed */
	uint16_t	tunnels;		/* tunnel headers crossed */

	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;			/* TCP only */
	uint32_t	ack;
	uint8_t		tcp_flags;

	const uint8_t *payload;
	size_t		payload_len;
	size_t		payload_wire_len;

	uint32_t	frag_id;		/* 16 bits for IPv4 */
	uint32_t	frag_offset;	/* in bytes */
	bool		frag_more;

	/* PD_BAD: a short code for statistics and a sentence for people. */
	const char *reject_code;
	const char *reject_detail;
	bool		cut;			/* the frame was captured short of its length */
} pd_packet;

/*
 * Decode one captured frame: caplen bytes were captured of a frame of
 * wirelen bytes.  Fills *pkt and says what the frame is.
 */
extern pd_status pd_decode(pd_link link, const uint8_t *frame, size_t caplen,
						   size_t wirelen, pd_packet *pkt);

/*
 * Decode the transport header of a reassembled IP datagram: data holds the
 * whole upper-layer datagram (len bytes).  The caller has set ip_version,
 * src and dst in *pkt; the transport fields are filled.  Tunnels inside are
 * followed like in pd_decode.
 */
extern pd_status pd_decode_transport(uint8_t protocol, const uint8_t *data,
									 size_t len, pd_packet *pkt);

#endif							/* PDNS_PACKET_DECODE_H */
