/*
 * packet_decode.c
 *		Captured frames down to UDP, TCP or an IP fragment (see packet_decode.h).
 *
 * Each layer is one function taking the bytes captured at that layer; the
 * IP layers also pass down the length their header announces, so that
 * link-layer padding is trimmed and a capture cut short shows as a payload
 * shorter than announced.  Nothing here checks checksums: captures taken on
 * the sending host routinely carry offloaded, not-yet-computed ones.
 */
#include "packet_decode.h"

#include <string.h>

#define MAX_VLAN_TAGS	8		/* 802.1Q/QinQ tags followed */
#define MAX_MPLS_LABELS 16
#define MAX_IPV6_EXT	16		/* IPv6 extension headers followed */

/* Decoding state shared by the layers of one frame. */
typedef struct pd_ctx
{
	pd_packet  *pkt;
	int			depth;			/* tunnels entered */
	bool		cut;			/* captured short of the frame's length */
} pd_ctx;

static pd_status decode_ethertype(pd_ctx *c, uint16_t type, const uint8_t *p, size_t len);
static pd_status decode_ipv4(pd_ctx *c, const uint8_t *p, size_t len);
static pd_status decode_ipv6(pd_ctx *c, const uint8_t *p, size_t len);
static pd_status decode_protocol(pd_ctx *c, uint8_t proto, const uint8_t *p,
								 size_t len, size_t wire);

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

/* A malformed header. */
static pd_status
bad(pd_ctx *c, const char *code, const char *detail)
{
	c->pkt->reject_code = code;
	c->pkt->reject_detail = detail;
	return PD_BAD;
}

/*
 * The captured bytes end inside a header: "truncated" when the capture's
 * snapshot length is to blame, the header's own code when the frame itself
 * is short.
 */
static pd_status
ends_inside(pd_ctx *c, const char *code, const char *detail)
{
	return bad(c, c->cut ? "truncated" : code, detail);
}

/* Enter a tunnel, refusing nests deeper than PD_MAX_DEPTH. */
static bool
enter_tunnel(pd_ctx *c)
{
	if (c->depth >= PD_MAX_DEPTH)
		return false;
	c->depth++;
	c->pkt->tunnels++;
	return true;
}

/* An IP header told apart by its version nibble (raw IP, MPLS payloads). */
static pd_status
decode_ip_version(pd_ctx *c, const uint8_t *p, size_t len)
{
	if (len < 1)
		return ends_inside(c, "link-header", "the captured bytes end before the IP header");
	switch (p[0] >> 4)
	{
		case 4:
			return decode_ipv4(c, p, len);
		case 6:
			return decode_ipv6(c, p, len);
		default:
			return PD_NOT_IP;
	}
}

/* Ethernet II / 802.3 header, then whatever its type field names. */
static pd_status
decode_ethernet(pd_ctx *c, const uint8_t *p, size_t len)
{
	if (len < 14)
		return ends_inside(c, "link-header", "the captured bytes end inside the Ethernet header");
	return decode_ethertype(c, rd16(p + 12), p + 14, len - 14);
}

/*
 * The payload of an Ethernet-like header whose type field is "type": IP,
 * or VLAN tags, MPLS labels, PPPoE or LLC/SNAP in front of IP.
 */
static pd_status
decode_ethertype(pd_ctx *c, uint16_t type, const uint8_t *p, size_t len)
{
	int			labels = 0;

	for (;;)
	{
		switch (type)
		{
			case 0x0800:
				return decode_ipv4(c, p, len);
			case 0x86DD:
				return decode_ipv6(c, p, len);
			case 0x8100:		/* 802.1Q */
			case 0x88A8:		/* 802.1ad service tag */
			case 0x9100:		/* pre-standard QinQ */
				if (len < 4)
					return ends_inside(c, "link-header", "the captured bytes end inside an 802.1Q tag");
				if (++c->pkt->vlan_tags > MAX_VLAN_TAGS)
					return bad(c, "link-header", "more than 8 stacked 802.1Q tags");
				type = rd16(p + 2);
				p += 4;
				len -= 4;
				continue;
			case 0x8847:		/* MPLS unicast */
			case 0x8848:		/* MPLS multicast */
				for (;;)
				{
					bool		bottom;

					if (len < 4)
						return ends_inside(c, "link-header", "the captured bytes end inside an MPLS label stack");
					if (++labels > MAX_MPLS_LABELS)
						return bad(c, "link-header", "more than 16 MPLS labels");
					bottom = (p[2] & 0x01) != 0;
					p += 4;
					len -= 4;
					if (bottom)
						break;
				}
				return decode_ip_version(c, p, len);
			case 0x8864:		/* PPPoE session: 6-byte header, PPP protocol */
				if (len < 8)
					return ends_inside(c, "link-header", "the captured bytes end inside the PPPoE header");
				type = rd16(p + 6);
				p += 8;
				len -= 8;
				if (type == 0x0021)
					return decode_ipv4(c, p, len);
				if (type == 0x0057)
					return decode_ipv6(c, p, len);
				return PD_NOT_IP;
			default:
				break;
		}

		/*
		 * Below 0x0600 the field is an 802.3 length (or, in Linux cooked
		 * captures, 0x0004 for 802.2 frames): only LLC/SNAP carries an
		 * Ethernet type we can follow.
		 */
		if (type < 0x0600 && len >= 8 && p[0] == 0xAA && p[1] == 0xAA && p[2] == 0x03 &&
			rd16(p + 6) >= 0x0600)
		{
			type = rd16(p + 6);
			p += 8;
			len -= 8;
			continue;
		}
		return PD_NOT_IP;
	}
}

/* FDDI: frame control, two addresses, then LLC/SNAP for IP. */
static pd_status
decode_fddi(pd_ctx *c, const uint8_t *p, size_t len)
{
	if (len < 13)
		return ends_inside(c, "link-header", "the captured bytes end inside the FDDI header");
	if ((p[0] & 0xF8) != 0x50)	/* not an asynchronous LLC frame */
		return PD_NOT_IP;
	return decode_ethertype(c, 0x0000, p + 13, len - 13);
}

/*
 * BSD loopback: a 4-byte address family, in the writer's byte order for
 * DLT_NULL and in network order for DLT_LOOP; AF_INET6 differs between the
 * BSDs (24, 28, 30).  Either order is accepted.
 */
static pd_status
decode_loopback(pd_ctx *c, const uint8_t *p, size_t len)
{
	uint32_t	be,
				le;

	if (len < 4)
		return ends_inside(c, "link-header", "the captured bytes end inside the loopback header");
	be = rd32(p);
	le = (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
	if (be == 2 || le == 2)
		return decode_ipv4(c, p + 4, len - 4);
	if (be == 24 || be == 28 || be == 30 || le == 24 || le == 28 || le == 30)
		return decode_ipv6(c, p + 4, len - 4);
	return PD_NOT_IP;
}

/*
 * IPv4: header with options, then the protocol; fragments stop here.  The
 * payload is trimmed to the total length (link-layer padding).
 */
static pd_status
decode_ipv4(pd_ctx *c, const uint8_t *p, size_t len)
{
	pd_packet  *pkt = c->pkt;
	size_t		ihl,
				total,
				avail;
	uint16_t	frag;
	uint8_t		proto;

	if (len < 20)
		return ends_inside(c, "ipv4-header", "the captured bytes end inside the IPv4 header");
	if ((p[0] >> 4) != 4)
		return bad(c, "ipv4-header", "the IPv4 header's version field is not 4");
	ihl = (size_t) (p[0] & 0x0F) * 4;
	if (ihl < 20)
		return bad(c, "ipv4-header", "the IPv4 header length is below 20 bytes");
	if (len < ihl)
		return ends_inside(c, "ipv4-header", "the captured bytes end inside the IPv4 options");
	total = rd16(p + 2);
	if (total < ihl)
		return bad(c, "ipv4-header", "the IPv4 total length is smaller than its header");

	avail = total < len ? total : len;
	pkt->ip_version = 4;
	memset(pkt->src, 0, sizeof(pkt->src));
	memset(pkt->dst, 0, sizeof(pkt->dst));
	memcpy(pkt->src, p + 12, 4);
	memcpy(pkt->dst, p + 16, 4);
	proto = p[9];

	frag = rd16(p + 6);
	if ((frag & 0x3FFF) != 0)	/* more fragments, or a non-zero offset */
	{
		if (proto != PD_PROTO_UDP && proto != PD_PROTO_TCP && proto != 4 && proto != 41 && proto != 47)
			return PD_OTHER_PROTOCOL;
		pkt->protocol = proto;
		pkt->frag_id = rd16(p + 4);
		pkt->frag_offset = (uint32_t) (frag & 0x1FFF) * 8;
		pkt->frag_more = (frag & 0x2000) != 0;
		pkt->payload = p + ihl;
		pkt->payload_len = avail - ihl;
		pkt->payload_wire_len = total - ihl;
		return PD_FRAGMENT;
	}
	return decode_protocol(c, proto, p + ihl, avail - ihl, total - ihl);
}

/*
 * An IPv6 extension header chain starting with next header "nh" at p (len
 * captured bytes, wire announced): skip options and routing headers, stop
 * at a fragment header or at the upper-layer protocol.
 */
static pd_status
decode_ipv6_chain(pd_ctx *c, uint8_t nh, const uint8_t *p, size_t len, size_t wire)
{
	pd_packet  *pkt = c->pkt;
	int			n;

	for (n = 0; n < MAX_IPV6_EXT; n++)
	{
		size_t		hl;
		uint16_t	off;

		switch (nh)
		{
			case 0:				/* hop-by-hop options */
			case 43:			/* routing */
			case 60:			/* destination options */
			case 135:			/* mobility */
			case 139:			/* HIP */
			case 140:			/* shim6 */
			case 51:			/* authentication header */
				if (len < 2)
					return ends_inside(c, "ipv6-header", "the captured bytes end inside an IPv6 extension header");
				hl = nh == 51 ? ((size_t) p[1] + 2) * 4 : ((size_t) p[1] + 1) * 8;
				if (wire < hl)
					return bad(c, "ipv6-header", "an IPv6 extension header runs past the payload length");
				if (len < hl)
					return ends_inside(c, "ipv6-header", "the captured bytes end inside an IPv6 extension header");
				nh = p[0];
				p += hl;
				len -= hl;
				wire -= hl;
				continue;
			case 44:			/* fragment */
				if (wire < 8)
					return bad(c, "ipv6-header", "the IPv6 fragment header runs past the payload length");
				if (len < 8)
					return ends_inside(c, "ipv6-header", "the captured bytes end inside the IPv6 fragment header");
				nh = p[0];
				off = rd16(p + 2);
				pkt->frag_id = rd32(p + 4);
				p += 8;
				len -= 8;
				wire -= 8;
				if ((off & 0xFFF9) == 0)	/* atomic fragment (RFC 6946) */
					continue;
				/* UDP, TCP, a tunnel, or extension headers before them */
				if (nh != PD_PROTO_UDP && nh != PD_PROTO_TCP && nh != 4 && nh != 41 && nh != 47 &&
					nh != 43 && nh != 60 && nh != 51 && nh != 135 && nh != 139 && nh != 140)
					return PD_OTHER_PROTOCOL;
				pkt->protocol = nh;
				pkt->frag_offset = off & 0xFFF8;
				pkt->frag_more = (off & 0x0001) != 0;
				pkt->payload = p;
				pkt->payload_len = len;
				pkt->payload_wire_len = wire;
				return PD_FRAGMENT;
			case 59:			/* no next header */
				return PD_OTHER_PROTOCOL;
			default:
				return decode_protocol(c, nh, p, len, wire);
		}
	}
	return bad(c, "ipv6-header", "more than 16 IPv6 extension headers");
}

/* IPv6: fixed header, then the extension header chain. */
static pd_status
decode_ipv6(pd_ctx *c, const uint8_t *p, size_t len)
{
	pd_packet  *pkt = c->pkt;
	size_t		plen,
				avail;

	if (len < 40)
		return ends_inside(c, "ipv6-header", "the captured bytes end inside the IPv6 header");
	if ((p[0] >> 4) != 6)
		return bad(c, "ipv6-header", "the IPv6 header's version field is not 6");
	plen = rd16(p + 4);
	if (plen == 0 && p[6] == 0)
		return bad(c, "ipv6-header", "IPv6 jumbograms are not supported");
	pkt->ip_version = 6;
	memcpy(pkt->src, p + 8, 16);
	memcpy(pkt->dst, p + 24, 16);
	avail = len - 40;
	if (avail > plen)
		avail = plen;
	return decode_ipv6_chain(c, p[6], p + 40, avail, plen);
}

/*
 * VXLAN and Geneve carry Ethernet frames (Geneve also bare IP); anything
 * that does not look like their header is left as the UDP datagram it is.
 */
static pd_status
decode_udp_tunnel(pd_ctx *c, uint16_t port, const uint8_t *p, size_t len)
{
	size_t		hl;
	uint16_t	type;

	if (len < 8)
		return PD_TRANSPORT;
	if (port == PD_VXLAN_PORT)
	{
		if ((p[0] & 0x08) == 0)	/* the VNI-valid flag */
			return PD_TRANSPORT;
		if (!enter_tunnel(c))
			return bad(c, "tunnel-header", "tunnels nested deeper than 4 levels");
		return decode_ethernet(c, p + 8, len - 8);
	}
	if ((p[0] >> 6) != 0)		/* Geneve version 0 only */
		return PD_TRANSPORT;
	hl = 8 + (size_t) (p[0] & 0x3F) * 4;
	type = rd16(p + 2);
	if (len < hl)
		return ends_inside(c, "tunnel-header", "the captured bytes end inside the Geneve options");
	if (!enter_tunnel(c))
		return bad(c, "tunnel-header", "tunnels nested deeper than 4 levels");
	if (type == 0x6558)
		return decode_ethernet(c, p + hl, len - hl);
	return decode_ethertype(c, type, p + hl, len - hl);
}

/* UDP: ports and the payload its length field announces. */
static pd_status
decode_udp(pd_ctx *c, const uint8_t *p, size_t len, size_t wire)
{
	pd_packet  *pkt = c->pkt;
	size_t		ulen;

	if (wire < 8)
		return bad(c, "udp-header", "the IP payload is shorter than a UDP header");
	if (len < 8)
		return ends_inside(c, "udp-header", "the captured bytes end inside the UDP header");
	ulen = rd16(p + 4);
	if (ulen < 8)
		return bad(c, "udp-header", "the UDP length is below 8");
	if (ulen > wire)
		return bad(c, "udp-header", "the UDP length exceeds the IP payload length");
	pkt->protocol = PD_PROTO_UDP;
	pkt->sport = rd16(p);
	pkt->dport = rd16(p + 2);
	pkt->payload = p + 8;
	pkt->payload_wire_len = ulen - 8;
	pkt->payload_len = len - 8 < ulen - 8 ? len - 8 : ulen - 8;
	if (pkt->dport == PD_VXLAN_PORT || pkt->dport == PD_GENEVE_PORT)
		return decode_udp_tunnel(c, pkt->dport, pkt->payload, pkt->payload_len);
	return PD_TRANSPORT;
}

/* TCP: ports, sequence numbers, flags and the payload after the options. */
static pd_status
decode_tcp(pd_ctx *c, const uint8_t *p, size_t len, size_t wire)
{
	pd_packet  *pkt = c->pkt;
	size_t		doff;

	if (wire < 20)
		return bad(c, "tcp-header", "the IP payload is shorter than a TCP header");
	if (len < 20)
		return ends_inside(c, "tcp-header", "the captured bytes end inside the TCP header");
	doff = (size_t) (p[12] >> 4) * 4;
	if (doff < 20)
		return bad(c, "tcp-header", "the TCP data offset is below 20 bytes");
	if (wire < doff)
		return bad(c, "tcp-header", "the TCP data offset runs past the IP payload");
	if (len < doff)
		return ends_inside(c, "tcp-header", "the captured bytes end inside the TCP options");
	pkt->protocol = PD_PROTO_TCP;
	pkt->sport = rd16(p);
	pkt->dport = rd16(p + 2);
	pkt->seq = rd32(p + 4);
	pkt->ack = rd32(p + 8);
	pkt->tcp_flags = p[13];
	pkt->payload = p + doff;
	pkt->payload_len = len - doff;
	pkt->payload_wire_len = wire - doff;
	return PD_TRANSPORT;
}

/* GRE version 0: optional checksum, key and sequence, then an Ethernet type. */
static pd_status
decode_gre(pd_ctx *c, const uint8_t *p, size_t len)
{
	uint16_t	flags,
				type;
	size_t		hl = 4;

	if (len < 4)
		return ends_inside(c, "tunnel-header", "the captured bytes end inside the GRE header");
	flags = rd16(p);
	type = rd16(p + 2);
	if ((flags & 0x0007) != 0)	/* version 1 is PPTP's, not a packet tunnel */
		return PD_OTHER_PROTOCOL;
	if (flags & 0x8000)
		hl += 4;
	if (flags & 0x2000)
		hl += 4;
	if (flags & 0x1000)
		hl += 4;
	if (len < hl)
		return ends_inside(c, "tunnel-header", "the captured bytes end inside the GRE header");
	if (type == 0x6558)
		return decode_ethernet(c, p + hl, len - hl);
	return decode_ethertype(c, type, p + hl, len - hl);
}

/* The upper-layer protocol of an IP packet. */
static pd_status
decode_protocol(pd_ctx *c, uint8_t proto, const uint8_t *p, size_t len, size_t wire)
{
	switch (proto)
	{
		case PD_PROTO_UDP:
			return decode_udp(c, p, len, wire);
		case PD_PROTO_TCP:
			return decode_tcp(c, p, len, wire);
		case 4:				/* IPv4 in IP */
		case 41:			/* IPv6 in IP */
		case 47:			/* GRE */
			if (!enter_tunnel(c))
				return bad(c, "tunnel-header", "tunnels nested deeper than 4 levels");
			if (proto == 4)
				return decode_ipv4(c, p, len);
			if (proto == 41)
				return decode_ipv6(c, p, len);
			return decode_gre(c, p, len);
		default:
			return PD_OTHER_PROTOCOL;
	}
}

/* Entry point: one captured frame. */
pd_status
pd_decode(pd_link link, const uint8_t *frame, size_t caplen, size_t wirelen,
		  pd_packet *pkt)
{
	pd_ctx		c;

	memset(pkt, 0, sizeof(*pkt));
	pkt->cut = caplen < wirelen;
	c.pkt = pkt;
	c.depth = 0;
	c.cut = pkt->cut;

	switch (link)
	{
		case PD_LINK_ETHERNET:
			return decode_ethernet(&c, frame, caplen);
		case PD_LINK_FDDI:
			return decode_fddi(&c, frame, caplen);
		case PD_LINK_SLL:
			if (caplen < 16)
				return ends_inside(&c, "link-header", "the captured bytes end inside the Linux cooked header");
			return decode_ethertype(&c, rd16(frame + 14), frame + 16, caplen - 16);
		case PD_LINK_SLL2:
			if (caplen < 20)
				return ends_inside(&c, "link-header", "the captured bytes end inside the Linux cooked v2 header");
			return decode_ethertype(&c, rd16(frame), frame + 20, caplen - 20);
		case PD_LINK_RAW:
			return decode_ip_version(&c, frame, caplen);
		case PD_LINK_IPV4:
			return decode_ipv4(&c, frame, caplen);
		case PD_LINK_IPV6:
			return decode_ipv6(&c, frame, caplen);
		case PD_LINK_NULL:
		case PD_LINK_LOOP:
			return decode_loopback(&c, frame, caplen);
	}
	return bad(&c, "link-header", "unsupported link type");
}

/* Entry point: a reassembled datagram's upper layer. */
pd_status
pd_decode_transport(uint8_t protocol, const uint8_t *data, size_t len, pd_packet *pkt)
{
	pd_ctx		c;

	pkt->reject_code = NULL;
	pkt->reject_detail = NULL;
	pkt->cut = false;
	c.pkt = pkt;
	c.depth = pkt->tunnels;
	c.cut = false;
	if (pkt->ip_version == 6)
		return decode_ipv6_chain(&c, protocol, data, len, len);
	return decode_protocol(&c, protocol, data, len, len);
}
