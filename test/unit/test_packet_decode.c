/*
 * test_packet_decode.c
 *		Unit tests of the frame decoder: link types, VLAN tags, IPv4 options,
 *		IPv6 extension headers, fragments, tunnels, truncation, malformed
 *		headers.
 */
#include "packet_decode.h"
#include "unit.h"

static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
1, 'a', 0, 0, 1, 0, 1};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t) (v >> 8);
	p[1] = (uint8_t) v;
}

/* UDP header + the DNS message; returns the length. */
static size_t
udp(uint8_t *p, unsigned sport, unsigned dport)
{
	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, 8 + sizeof(dns));
	put16(p + 6, 0);
	memcpy(p + 8, dns, sizeof(dns));
	return 8 + sizeof(dns);
}

/* IPv4 header (with optlen bytes of options) in front of len payload bytes. */
static size_t
ipv4(uint8_t *p, uint8_t proto, size_t len, unsigned frag, size_t optlen)
{
	size_t		hl = 20 + optlen;

	memset(p, 0, hl);
	p[0] = (uint8_t) (0x40 | (hl / 4));
	put16(p + 2, (unsigned) (hl + len));
	put16(p + 4, 0xBEEF);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	p[12] = 192, p[13] = 0, p[14] = 2, p[15] = 1;
	p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 53;
	if (optlen)
		p[20] = 1;				/* NOPs */
	return hl;
}

static size_t
ipv6(uint8_t *p, uint8_t nh, size_t len)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (unsigned) len);
	p[6] = nh;
	p[7] = 64;
	p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
	p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 0x53;
	return 40;
}

/* An IPv4/UDP DNS packet at p; returns its length. */
static size_t
ipv4_udp(uint8_t *p)
{
	size_t		h = ipv4(p, 17, 8 + sizeof(dns), 0, 0);

	return h + udp(p + h, 5353, 53);
}

static bool
is_dns(const pd_packet *pkt)
{
	return pkt->protocol == PD_PROTO_UDP && pkt->dport == 53 &&
		pkt->payload_len == sizeof(dns) && pkt->payload_wire_len == sizeof(dns) &&
		memcmp(pkt->payload, dns, sizeof(dns)) == 0;
}

static void
test_ethernet(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		n;

	put16(f + 12, 0x0800);
	n = 14 + ipv4_udp(f + 14);
	/* padded to 60 bytes: the padding is not payload */
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n + 20, n + 20, &pkt) == PD_TRANSPORT);
	CHECK(is_dns(&pkt) && pkt.ip_version == 4 && pkt.src[0] == 192 && pkt.dst[3] == 53);
	CHECK(pkt.sport == 5353 && !pkt.cut);

	/* QinQ: an 802.1ad tag, then an 802.1Q tag */
	put16(f + 12, 0x88A8);
	put16(f + 16, 0x8100);
	put16(f + 20, 0x0800);
	n = 22 + ipv4_udp(f + 22);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_TRANSPORT);
	CHECK(is_dns(&pkt) && pkt.vlan_tags == 2);

	/* 802.3 length field with LLC/SNAP */
	put16(f + 12, 100);
	memcpy(f + 14, "\xAA\xAA\x03\x00\x00\x00\x08\x00", 8);
	n = 22 + ipv4_udp(f + 22);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));

	/* ARP is not IP; ICMP is another protocol */
	put16(f + 12, 0x0806);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, 60, 60, &pkt) == PD_NOT_IP);
	put16(f + 12, 0x0800);
	n = 14 + ipv4(f + 14, 1, 8, 0, 0) + 8;
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_OTHER_PROTOCOL);
}

static void
test_other_links(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		n;

	/* Linux cooked v1: protocol at 14 */
	put16(f + 14, 0x0800);
	n = 16 + ipv4_udp(f + 16);
	CHECK(pd_decode(PD_LINK_SLL, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	/* v2: protocol first, 20-byte header */
	memset(f, 0, sizeof(f));
	put16(f, 0x86DD);
	n = 20 + ipv6(f + 20, 17, 8 + sizeof(dns));
	n += udp(f + n, 5353, 53);
	CHECK(pd_decode(PD_LINK_SLL2, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	CHECK(pkt.ip_version == 6 && pkt.src[15] == 1 && pkt.dst[15] == 0x53);
	/* BSD loopback, both byte orders, AF_INET and a BSD AF_INET6 */
	memset(f, 0, sizeof(f));
	f[0] = 2;
	n = 4 + ipv4_udp(f + 4);
	CHECK(pd_decode(PD_LINK_NULL, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	f[0] = 0;
	f[3] = 30;
	n = 4 + ipv6(f + 4, 17, 8 + sizeof(dns));
	n += udp(f + n, 5353, 53);
	CHECK(pd_decode(PD_LINK_LOOP, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	/* raw IP, by version */
	n = ipv4_udp(f);
	CHECK(pd_decode(PD_LINK_RAW, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	CHECK(pd_decode(PD_LINK_IPV4, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	f[0] = 0x70;
	CHECK(pd_decode(PD_LINK_RAW, f, n, n, &pkt) == PD_NOT_IP);
	/* FDDI: frame control 0x50, addresses, LLC/SNAP */
	memset(f, 0, sizeof(f));
	f[0] = 0x50;
	memcpy(f + 13, "\xAA\xAA\x03\x00\x00\x00\x08\x00", 8);
	n = 21 + ipv4_udp(f + 21);
	CHECK(pd_decode(PD_LINK_FDDI, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
}

static void
test_ip_options_and_extensions(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		n;

	/* IPv4 with 8 bytes of options */
	n = ipv4(f, 17, 8 + sizeof(dns), 0, 8);
	n += udp(f + n, 5353, 53);
	CHECK(pd_decode(PD_LINK_IPV4, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));

	/* IPv6: hop-by-hop (8 bytes), destination options (16 bytes), UDP */
	memset(f, 0, sizeof(f));
	n = ipv6(f, 0, 8 + 16 + 8 + sizeof(dns));
	f[n] = 60;
	f[n + 1] = 0;
	n += 8;
	f[n] = 17;
	f[n + 1] = 1;
	n += 16;
	n += udp(f + n, 5353, 53);
	CHECK(pd_decode(PD_LINK_IPV6, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));

	/* an extension header running past the payload length */
	f[41] = 200;
	CHECK(pd_decode(PD_LINK_IPV6, f, n, n, &pkt) == PD_BAD);
	CHECK(strcmp(pkt.reject_code, "ipv6-header") == 0);
}

static void
test_fragments(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		n;

	/* IPv4 first fragment (more fragments) and a later one */
	n = ipv4(f, 17, 16, 0x2000, 0);
	CHECK(pd_decode(PD_LINK_IPV4, f, n + 16, n + 16, &pkt) == PD_FRAGMENT);
	CHECK(pkt.frag_id == 0xBEEF && pkt.frag_offset == 0 && pkt.frag_more &&
		  pkt.payload_len == 16 && pkt.protocol == 17);
	n = ipv4(f, 17, 16, 0x0003, 0);
	CHECK(pd_decode(PD_LINK_IPV4, f, n + 16, n + 16, &pkt) == PD_FRAGMENT);
	CHECK(pkt.frag_offset == 24 && !pkt.frag_more);
	/* fragments of protocols we do not read are not worth holding */
	n = ipv4(f, 1, 16, 0x2000, 0);
	CHECK(pd_decode(PD_LINK_IPV4, f, n + 16, n + 16, &pkt) == PD_OTHER_PROTOCOL);

	/* IPv6 fragment header: offset 1448, more */
	memset(f, 0, sizeof(f));
	n = ipv6(f, 44, 8 + 16);
	f[n] = 17;
	put16(f + n + 2, 1448 | 1);
	f[n + 4] = 0xCA, f[n + 5] = 0xFE, f[n + 6] = 0xBA, f[n + 7] = 0xBE;
	CHECK(pd_decode(PD_LINK_IPV6, f, n + 24, n + 24, &pkt) == PD_FRAGMENT);
	CHECK(pkt.frag_id == 0xCAFEBABE && pkt.frag_offset == 1448 && pkt.frag_more &&
		  pkt.payload_len == 16);
	/* an atomic fragment is just the packet */
	put16(f + n + 2, 0);
	put16(f + 4, 8 + 8 + sizeof(dns));
	udp(f + n + 8, 5353, 53);
	CHECK(pd_decode(PD_LINK_IPV6, f, n + 16 + sizeof(dns), n + 16 + sizeof(dns), &pkt) == PD_TRANSPORT &&
		  is_dns(&pkt));

	/* a reassembled IPv6 datagram that starts with destination options */
	memset(f, 0, sizeof(f));
	f[0] = 17;
	f[1] = 0;
	n = 8 + udp(f + 8, 5353, 53);
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip_version = 6;
	CHECK(pd_decode_transport(60, f, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
}

static void
test_truncation_and_malformed(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		n;

	put16(f + 12, 0x0800);
	n = 14 + ipv4_udp(f + 14);
	/* the snapshot length ends in the IPv4 header, or in the payload */
	CHECK(pd_decode(PD_LINK_ETHERNET, f, 24, n, &pkt) == PD_BAD);
	CHECK(strcmp(pkt.reject_code, "truncated") == 0);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n - 5, n, &pkt) == PD_TRANSPORT);
	CHECK(pkt.cut && pkt.payload_len == sizeof(dns) - 5 && pkt.payload_wire_len == sizeof(dns));
	/* the same shortness without a snapshot length is a broken frame */
	CHECK(pd_decode(PD_LINK_ETHERNET, f, 24, 24, &pkt) == PD_BAD);
	CHECK(strcmp(pkt.reject_code, "ipv4-header") == 0);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, 10, 10, &pkt) == PD_BAD);
	CHECK(strcmp(pkt.reject_code, "link-header") == 0);
	/* a UDP length below 8, and one past the IP payload */
	put16(f + 14 + 20 + 4, 4);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_BAD &&
		  strcmp(pkt.reject_code, "udp-header") == 0);
	put16(f + 14 + 20 + 4, 200);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_BAD);
	/* a header length below 20 */
	n = 14 + ipv4_udp(f + 14);
	f[14] = 0x44;
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_BAD &&
		  strcmp(pkt.reject_code, "ipv4-header") == 0);
}

static void
test_tcp(void)
{
	uint8_t		f[256] = {0};
	pd_packet	pkt;
	size_t		h = ipv4(f, 6, 32 + 4, 0, 0);

	put16(f + h, 40000);
	put16(f + h + 2, 53);
	f[h + 4] = 0x80;			/* seq 0x80000001 */
	f[h + 7] = 1;
	f[h + 11] = 9;
	f[h + 12] = 0x80;			/* 32-byte header: 12 bytes of options */
	f[h + 13] = PD_TCP_ACK | 0x08;
	memcpy(f + h + 32, "\x00\x02\xAB\xCD", 4);
	CHECK(pd_decode(PD_LINK_IPV4, f, h + 36, h + 36, &pkt) == PD_TRANSPORT);
	CHECK(pkt.protocol == PD_PROTO_TCP && pkt.seq == 0x80000001u && pkt.ack == 9 &&
		  pkt.tcp_flags == (PD_TCP_ACK | 0x08) && pkt.payload_len == 4 &&
		  pkt.payload[2] == 0xAB);
	f[h + 12] = 0x40;			/* data offset 16 */
	CHECK(pd_decode(PD_LINK_IPV4, f, h + 36, h + 36, &pkt) == PD_BAD &&
		  strcmp(pkt.reject_code, "tcp-header") == 0);
}

static void
test_tunnels(void)
{
	uint8_t		f[512] = {0};
	pd_packet	pkt;
	size_t		n,
				inner;

	/* VXLAN: outer IPv4/UDP to 4789, VXLAN header, Ethernet, IPv4/UDP DNS */
	inner = 8 + 14 + 20 + 8 + sizeof(dns);
	n = ipv4(f, 17, 8 + inner, 0, 0);
	put16(f + n, 1234);
	put16(f + n + 2, PD_VXLAN_PORT);
	put16(f + n + 4, (unsigned) (8 + inner));
	f[n + 8] = 0x08;
	put16(f + n + 16 + 12, 0x0800);
	ipv4_udp(f + n + 16 + 14);
	f[n + 16 + 14 + 15] = 77;	/* inner source 192.0.2.77 */
	n += 8 + inner;
	CHECK(pd_decode(PD_LINK_IPV4, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	CHECK(pkt.tunnels == 1 && pkt.src[3] == 77);

	/* GRE (key present) carrying IPv4 */
	memset(f, 0, sizeof(f));
	n = ipv4(f, 47, 8 + 20 + 8 + sizeof(dns), 0, 0);
	put16(f + n, 0x2000);
	put16(f + n + 2, 0x0800);
	n += 8;
	n += ipv4_udp(f + n);
	CHECK(pd_decode(PD_LINK_IPV4, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt) && pkt.tunnels == 1);

	/* IPv6 in IPv4 */
	memset(f, 0, sizeof(f));
	n = ipv4(f, 41, 40 + 8 + sizeof(dns), 0, 0);
	n += ipv6(f + n, 17, 8 + sizeof(dns));
	n += udp(f + n, 5353, 53);
	CHECK(pd_decode(PD_LINK_IPV4, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt) && pkt.ip_version == 6);

	/* MPLS (two labels) and PPPoE in front of IPv4 */
	memset(f, 0, sizeof(f));
	put16(f + 12, 0x8847);
	f[14 + 4 + 2] = 0x01;		/* bottom of stack on the second label */
	n = 22 + ipv4_udp(f + 22);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));
	memset(f, 0, sizeof(f));
	put16(f + 12, 0x8864);
	put16(f + 14 + 6, 0x0021);
	n = 22 + ipv4_udp(f + 22);
	CHECK(pd_decode(PD_LINK_ETHERNET, f, n, n, &pkt) == PD_TRANSPORT && is_dns(&pkt));

	/* IP-in-IP nested deeper than allowed */
	memset(f, 0, sizeof(f));
	{
		size_t		off = 0;
		int			i;

		for (i = 0; i <= PD_MAX_DEPTH; i++)
			off += ipv4(f + off, 4, 200, 0, 0);
		off += ipv4_udp(f + off);
		CHECK(pd_decode(PD_LINK_IPV4, f, off, off, &pkt) == PD_BAD &&
			  strcmp(pkt.reject_code, "tunnel-header") == 0);
	}
}

int
main(void)
{
	test_ethernet();
	test_other_links();
	test_ip_options_and_extensions();
	test_fragments();
	test_truncation_and_malformed();
	test_tcp();
	test_tunnels();
	UNIT_DONE("packet_decode");
}
