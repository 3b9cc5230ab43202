/*
 * test_rdata.c
 *		Unit tests of rdata text/wire conversion: ldns round trips, RFC 4034
 *		§6.2 case folding by type, generic form, validation, name layouts,
 *		and message-name decompression rules.
 */
#include "rdata.h"
#include "unit.h"

#include <ldns/ldns.h>
#include <stdlib.h>

static uint8_t wire[RDATA_MAX];
static size_t wlen;

/* Text in, text out ("ERR: reason" on failure). */
static const char *
rt(uint16_t type, const char *in)
{
	static char out[4 * RDATA_MAX + 64];
	rdata_error err;

	if (!rdata_from_text(type, in, strlen(in), NULL, wire, &wlen, &err))
	{
		snprintf(out, sizeof(out), "ERR: %s", err.reason);
		return out;
	}
	rdata_to_text(type, wire, wlen, out, sizeof(out));
	return out;
}

static void
test_round_trips(void)
{
	CHECK_STR(rt(1, "10.0.0.1"), "10.0.0.1");
	CHECK_STR(rt(1, "  10.0.0.1 ; comment"), "10.0.0.1");
	CHECK_STR(rt(28, "2001:DB8::1"), "2001:db8::1");
	CHECK_STR(rt(15, "10 Mail.Example."), "10 mail.example.");
	CHECK_STR(rt(15, "10 mail"), "10 mail.");
	CHECK_STR(rt(6, "NS1.example. Host.example. 1 2 3 4 5"),
			  "ns1.example. host.example. 1 2 3 4 5");
	CHECK_STR(rt(16, "\"foo\" bar"), "\"foo\" \"bar\"");
	CHECK_STR(rt(16, "\"a,b{c}\\\"q\\\"\\\\\""), "\"a,b{c}\\\"q\\\"\\\\\"");
	CHECK_STR(rt(16, "\"tab\there\""), "\"tab\\009here\"");
	CHECK_STR(rt(16, "\"\xc3\xa9\""), "\"\\195\\169\"");
	/* names as U-labels become A-labels, as owner names do; text stays */
	CHECK_STR(rt(5, "www.b\xc3\xbc" "cher.de."), "www.xn--bcher-kva.de.");
	CHECK_STR(rt(15, "10 MAIL.B\xc3\xbc" "CHER.de."), "10 mail.xn--bcher-kva.de.");
	CHECK_STR(rt(5, "www.xn--bcher-kva.de."), "www.xn--bcher-kva.de.");
	CHECK_STR(rt(35, "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:caf\xc3\xa9" "@b\xc3\xbc" "cher.de!\" _sip._udp.b\xc3\xbc" "cher.de."),
			  "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:caf\\195\\169@b\\195\\188cher.de!\" _sip._udp.xn--bcher-kva.de.");
	CHECK_STR(rt(16, "\"b\xc3\xbc" "cher\""), "\"b\\195\\188cher\"");
	CHECK_STR(rt(13, "\"Generic PC\" \"NetBSD\""), "\"Generic PC\" \"NetBSD\"");
	CHECK_STR(rt(64, "16 Foo.Example.org. alpn=h2,h3 port=443"),
			  "16 Foo.Example.org. alpn=h2,h3 port=443");
	CHECK_STR(rt(47, "A.Example. A MX"), "A.Example. A MX");
	CHECK_STR(rt(23, "Foo.Bar"), "Foo.Bar.");
	CHECK_STR(rt(42, ""), "");
	CHECK_STR(rt(2, "a\\000b.c"), "a\\000b.c.");
}

static void
test_generic(void)
{
	CHECK_STR(rt(999, "\\# 8 0a0000010A000001"), "\\# 8 0a0000010a000001");
	CHECK_STR(rt(999, "\\# 0"), "\\# 0");
	CHECK_STR(rt(999, "\\# 4 ( 0a00 ; comment\n 0001 )"), "\\# 4 0a000001");
	CHECK_STR(rt(1, "\\# 4 7f000002"), "127.0.0.2");
	CHECK_STR(rt(15, "\\# 7 000a0141014200"), "10 a.b.");	/* folded */
	CHECK_STR(rt(999, "\\# 1"), "ERR: the generic rdata has 0 octets, but its length says 1");
	CHECK_STR(rt(999, "\\# 1 0102"), "ERR: the generic rdata has more than the 1 octets its length says");
	CHECK_STR(rt(999, "\\#1 00"), "ERR: \"\\#\" must be followed by a blank and the rdata length");
	CHECK_STR(rt(999, "\\# 65536 00"), "ERR: the generic rdata length is more than 65535");
	CHECK_STR(rt(999, "\\# 1 0g"), "ERR: \"0g\" is not a pair of hex digits (offset 5)");
	CHECK_STR(rt(999, "foo"),
			  "ERR: ldns 1.8.3 does not know the rdata format of this type: write it in RFC 3597 generic form, \\# length hex");
	/* CERT type 0: ldns prints it, then refuses to read it back */
	CHECK_STR(rt(37, "\\# 6 000000010500"), "\\# 6 000000010500");
	CHECK_STR(rt(37, "\\# 6 000100010500"), "PKIX 1 5 AA==");
	/* LOC version 1 is valid wire that ldns prints otherwise: generic */
	CHECK_STR(rt(29, "\\# 16 0123252390000000800000008000000a"),
			  "\\# 16 0123252390000000800000008000000a");
}

static void
test_invalid(void)
{
	CHECK_STR(rt(1, "\\# 5 7f00000200"), "ERR: A rdata is 5 octets, not 4");
	CHECK_STR(rt(28, "1.2.3.4"), "ERR: Syntax error, could not parse the RR's rdata");
	CHECK_STR(rt(15, "10"), "ERR: Syntax error, value expected");
	CHECK_STR(rt(6, "\\# 3 000001"), "ERR: the rdata ends inside a 4-octet field at offset 2");
	CHECK_STR(rt(2, "\\# 4 01610000"), "ERR: 1 octets follow the last field of the rdata");
	CHECK_STR(rt(2, "\\# 4 0161c000"),
			  "ERR: a name holds a compression pointer, which this type's rdata may not");
	CHECK_STR(rt(2, "\\# 3 41610"), "ERR: \"0\" is not a pair of hex digits (offset 9)");
	CHECK_STR(rt(2, "\\# 3 416100"), "ERR: a name has a label of unknown type 0x40");
	CHECK_STR(rt(16, "\\# 0"), "ERR: the 0 octets do not read as this type's fields");
	CHECK_STR(rt(16, "\\# 2 0561"), "ERR: the 2 octets do not read as this type's fields");
}

/* Fold exactly the RFC 4034 §6.2 types, less NSEC (RFC 6840 §5.1). */
static void
test_folding(void)
{
	static const uint16_t folded[] = {2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 17, 18, 21, 24, 26, 30, 33, 35, 36, 38, 39, 46};
	static const uint16_t kept[] = {23, 45, 47, 55, 58, 64, 65, 66, 107, 249, 250, 260};

	for (size_t i = 0; i < sizeof(folded) / sizeof(folded[0]); i++)
		CHECK(rdata_layout_of(folded[i]) && rdata_layout_of(folded[i])->fold);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		CHECK(rdata_layout_of(kept[i]) && !rdata_layout_of(kept[i])->fold);
	CHECK(rdata_layout_of(13) == NULL);	/* HINFO: listed, but holds no name */
	CHECK_STR(rt(5, "WWW.Example.COM."), "www.example.com.");
	CHECK_STR(rt(39, "Target.Example."), "target.example.");
	CHECK_STR(rt(46, "A 5 2 3600 20200101000000 20190101000000 12345 Example.COM. AAAA"),
			  "A 5 2 3600 20200101000000 20190101000000 12345 example.com. AAAA");
	CHECK_STR(rt(35, "1 2 \"S\" \"SIP+D2U\" \"\" _SIP._udp.Example."),
			  "1 2 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.");
	CHECK_STR(rt(65, "1 Svc.Example."), "1 Svc.Example.");
}

/* Every type whose ldns layout holds a name has a pdns layout. */
static void
test_layouts_cover_ldns(void)
{
	int			missing = 0;

	for (uint32_t t = 0; t <= 65535; t++)
	{
		const ldns_rr_descriptor *d;
		bool		names = false;

		if (!rdata_type_known((uint16_t) t))
			continue;
		d = ldns_rr_descript((uint16_t) t);
		for (size_t i = 0; d->_wireformat && i < d->_maximum; i++)
			if (d->_wireformat[i] == LDNS_RDF_TYPE_DNAME ||
				d->_wireformat[i] == LDNS_RDF_TYPE_IPSECKEY ||
				d->_wireformat[i] == LDNS_RDF_TYPE_HIP)
				names = true;
		if (d->_variable == LDNS_RDF_TYPE_DNAME)
			names = true;
		if (names && rdata_layout_of((uint16_t) t) == NULL)
		{
			fprintf(stderr, "type %u has names in ldns but no pdns layout\n", t);
			missing++;
		}
	}
	CHECK(missing == 0);
	CHECK(rdata_type_known(1) && rdata_type_known(65) && rdata_type_known(32769));
	CHECK(!rdata_type_known(54) && !rdata_type_known(66) && !rdata_type_known(261) &&
		  !rdata_type_known(999) && !rdata_type_known(0));
}

static int	name_count;
static char names_seen[512];

static void
see_name(const uint8_t *w, size_t len, void *arg)
{
	name_count++;
	strcat(names_seen, unit_hex(w, len));
	strcat(names_seen, " ");
}

static int
names_of(uint16_t type, const char *text)
{
	rdata_error err;

	name_count = 0;
	names_seen[0] = '\0';
	if (!rdata_from_text(type, text, strlen(text), NULL, wire, &wlen, &err))
		return -1;
	return rdata_names(type, wire, wlen, see_name, NULL);
}

static void
test_names(void)
{
	CHECK(names_of(6, "a. b. 1 2 3 4 5") == 2 && name_count == 2);
	CHECK_STR(names_seen, "016100 016200 ");
	CHECK(names_of(35, "1 2 \"S\" \"x\" \"\" srv.x.") == 1);
	CHECK(names_of(17, "mbox. txt.") == 2);
	CHECK(names_of(55, "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example.com. rvs2.example.com.") == 2);
	CHECK(names_of(45, "10 3 2 gw.example. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==") == 1);
	CHECK(names_of(45, "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==") == 0);
	CHECK(names_of(64, "1 . alpn=h2") == 1);
	CHECK(names_of(1, "1.2.3.4") == 0);
	CHECK(names_of(260, "\\# 13 0a0303616d7404746573740000") == -1);	/* trailing octet */
	CHECK(names_of(260, "\\# 12 0a0303616d74047465737400") == 1);
}

/* Decompress a name at pos of msg, or "ERR: ...". */
static const char *
msgname(const uint8_t *msg, size_t len, size_t pos)
{
	static char out[600];
	uint8_t		name[256];
	size_t		nlen;
	rdata_error err;

	if (!rdata_read_message_name(msg, len, &pos, len, name, &nlen, &err))
	{
		snprintf(out, sizeof(out), "ERR: %s", err.reason);
		return out;
	}
	snprintf(out, sizeof(out), "%s @%zu", unit_hex(name, nlen), pos);
	return out;
}

static void
test_message_names(void)
{
	/* "a" at 0; "b" + pointer to 0 at 3 */
	static const uint8_t ok[] = {1, 'a', 0, 1, 'b', 0xC0, 0};
	static const uint8_t fwd[] = {0xC0, 2, 1, 'a', 0};
	static const uint8_t self[] = {0, 0xC0, 1};
	static const uint8_t loop2[] = {1, 'a', 0xC0, 4, 1, 'b', 0xC0, 0};
	static const uint8_t ext[] = {0x41, 'a', 0};
	static const uint8_t cut[] = {3, 'a', 'b'};
	uint8_t		chain[2 + 2 * 80];
	uint8_t		longname[320];

	CHECK_STR(msgname(ok, sizeof(ok), 0), "016100 @3");
	CHECK_STR(msgname(ok, sizeof(ok), 3), "0162016100 @7");
	CHECK_STR(msgname(fwd, sizeof(fwd), 0),
			  "ERR: the name at offset 0 has a compression pointer at offset 0 to offset 2, which is not before the name");
	CHECK_STR(msgname(self, sizeof(self), 1),
			  "ERR: the name at offset 1 has a compression pointer at offset 1 to offset 1, which is not before the name");
	/* b -> a -> b: the second pointer is not before the first target */
	CHECK_STR(msgname(loop2, sizeof(loop2), 4),
			  "ERR: the name at offset 4 has a compression pointer at offset 2 to offset 4, which is not before the name");
	CHECK_STR(msgname(ext, sizeof(ext), 0),
			  "ERR: the name at offset 0 has a label of unknown type 0x40 at offset 0");
	CHECK_STR(msgname(cut, sizeof(cut), 0), "ERR: the name at offset 0 runs past the end of its field");

	/* a chain of 80 pointers, each to the one before: more than 64 hops */
	chain[0] = 0;
	chain[1] = 0;
	for (int i = 0; i < 80; i++)
	{
		chain[2 + 2 * i] = 0xC0;
		chain[3 + 2 * i] = (uint8_t) (i == 0 ? 0 : 2 * i);
	}
	CHECK_STR(msgname(chain, sizeof(chain), 2 + 2 * 79),
			  "ERR: the name at offset 160 follows more than 64 compression pointers");
	CHECK_STR(msgname(chain, sizeof(chain), 2 + 2 * 10), "00 @24");

	/* five 63-octet labels: 320 octets */
	for (int i = 0; i < 5; i++)
	{
		longname[64 * i] = 63;
		memset(longname + 64 * i + 1, 'x', 63);
	}
	longname[320 - 1] = 0;
	CHECK_STR(msgname(longname, 300, 0), "ERR: the name at offset 0 is longer than 255 octets");
}

/* Decompression inside rdata: MX is compressible, SVCB is not. */
static void
test_rdata_from_message(void)
{
	/* name "Ex" at 0 (4 octets); MX rdata at 4: 0x000a, pointer to 0 */
	static const uint8_t msg[] = {2, 'E', 'x', 0, 0, 10, 0xC0, 0};
	static const uint8_t svcb[] = {2, 'E', 'x', 0, 0, 1, 0xC0, 0};
	uint8_t		out[RDATA_MAX];
	size_t		olen;
	rdata_error err;

	CHECK(rdata_from_message(15, msg, sizeof(msg), 4, 4, out, sizeof(out), &olen, &err));
	CHECK_STR(unit_hex(out, olen), "000a02657800");
	CHECK(!rdata_from_message(64, svcb, sizeof(svcb), 4, 4, out, sizeof(out), &olen, &err));
	CHECK_STR(err.reason, "a name holds a compression pointer, which this type's rdata may not");
	CHECK(!rdata_from_message(15, msg, sizeof(msg), 4, 5, out, sizeof(out), &olen, &err));
	/* the room given is respected: 6 octets do not fit in 5 */
	CHECK(!rdata_from_message(15, msg, sizeof(msg), 4, 4, out, 5, &olen, &err));
	CHECK_STR(err.reason, "the decompressed rdata is longer than 5 octets");
	CHECK(RDATA_DECOMPRESSED_MAX(4) == 513 && RDATA_DECOMPRESSED_MAX(600) == RDATA_MAX);
}

/* Every octet value survives TXT text round trips. */
static void
test_txt_every_octet(void)
{
	uint8_t		in[4 * 64];
	char		text[4 * RDATA_MAX];
	uint8_t		back[RDATA_MAX];
	size_t		blen;
	rdata_error err;

	for (int s = 0; s < 4; s++)
	{
		in[64 * s] = 63;
		for (int i = 0; i < 63; i++)
			in[64 * s + 1 + i] = (uint8_t) (s * 64 + i);
	}
	/* one string holding 252..255 too */
	in[0] = 63;
	CHECK(rdata_canonicalize(16, in, sizeof(in), &err));
	rdata_to_text(16, in, sizeof(in), text, sizeof(text));
	CHECK(text[0] == '"');
	CHECK(rdata_from_text(16, text, strlen(text), NULL, back, &blen, &err));
	CHECK(blen == sizeof(in) && memcmp(back, in, blen) == 0);
	for (int c = 0; c < 256; c++)
	{
		uint8_t		one[2] = {1, (uint8_t) c};

		rdata_to_text(16, one, 2, text, sizeof(text));
		CHECK(rdata_from_text(16, text, strlen(text), NULL, back, &blen, &err) &&
			  blen == 2 && back[1] == c);
		for (const char *p = text; *p; p++)
			CHECK((unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f);
	}
}

/* Wire rdata from text, as hex, or "ERR: reason". */
static const char *
wire_hex(uint16_t type, const char *in)
{
	static char out[2 * 2048 + 64];
	rdata_error err;

	if (!rdata_from_text(type, in, strlen(in), NULL, wire, &wlen, &err))
		snprintf(out, sizeof(out), "ERR: %s", err.reason);
	else
		snprintf(out, sizeof(out), "%s", unit_hex(wire, wlen));
	return out;
}

/* ldns' own reading of WKS text. */
static bool
ldns_wks(const char *in, uint8_t *out, size_t *len)
{
	char		line[512];
	ldns_rr    *rr = NULL;
	ldns_buffer *buf = ldns_buffer_new(1024);
	bool		ok;

	snprintf(line, sizeof(line), ". 0 IN TYPE11 %s", in);
	ok = ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) == LDNS_STATUS_OK &&
		ldns_rr_rdata2buffer_wire(buf, rr) == LDNS_STATUS_OK;
	if (ok)
	{
		*len = ldns_buffer_position(buf);
		memcpy(out, ldns_buffer_begin(buf), *len);
	}
	ldns_rr_free(rr);
	ldns_buffer_free(buf);
	return ok;
}

/*
 * WKS text in numbers reads as ldns reads it (atoi, protocol cast to an
 * octet, repeated ports, any blanks), including what ldns refuses.
 */
static void
test_wks_numbers(void)
{
	uint64_t	rng = 2463534242ull;
	rdata_error err;
	char		in[256];
	static uint8_t want[RDATA_MAX];
	size_t		wantlen;
	bool		ok;
	int			same = 0;

	CHECK_STR(wire_hex(11, "10.0.0.1 6 25 80"), "0a000001060000004000000000000080");
	CHECK_STR(wire_hex(11, "10.0.0.1 6 0"), "0a0000010680");
	CHECK_STR(wire_hex(11, "10.0.0.1\t6\t25\t25"), "0a0000010600000040");
	CHECK_STR(wire_hex(11, "10.0.0.1 300 1"), "0a0000012c40");
	CHECK_STR(wire_hex(11, "10.0.0.1 006 00025"), "0a0000010600000040");
	CHECK_STR(wire_hex(11, "10.0.0.1 6  7   9"), "0a000001060140");
	CHECK_STR(wire_hex(11, "10.0.0.1 6 000000000000000000001"), "0a0000010640");
	CHECK_STR(wire_hex(11, "10.0.0.1 6 23333333333333333333333"),
			  "ERR: Syntax error, could not parse the RR's rdata");
	CHECK_STR(wire_hex(11, "10.0.0.1 6 65536"), "ERR: Syntax error, could not parse the RR's rdata");
	CHECK_STR(wire_hex(11, "10.0.0.1 6"), "ERR: Syntax error, could not parse the RR's rdata");
	CHECK_STR(wire_hex(11, "10.0.0.01 6 1"), "ERR: Syntax error, could not parse the RR's rdata");
	CHECK(rdata_from_text(11, "10.0.0.1 17 65535", 17, NULL, wire, &wlen, &err) &&
		  wlen == 4 + 1 + 8192 && wire[4] == 17 && wire[wlen - 1] == 0x01);

	for (int iter = 0; iter < 300; iter++)
	{
		size_t		n;
		int			ports;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		n = (size_t) snprintf(in, sizeof(in), "192.0.2.%u%s%0*u", (unsigned) (rng % 256),
							  rng & 256 ? "\t" : " ", (int) ((rng >> 9) % 4), (unsigned) ((rng >> 12) % 400));
		ports = (int) ((rng >> 24) % 6);
		for (int p = 0; p < ports; p++)
		{
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			n += (size_t) snprintf(in + n, sizeof(in) - n, "%s%0*u", rng & 1 ? "  " : " ",
								   (int) ((rng >> 1) % 7), (unsigned) ((rng >> 8) % (rng & 2 ? 70000 : 200)));
		}
		ok = ldns_wks(in, want, &wantlen);
		if (ok == rdata_from_text(11, in, n, NULL, wire, &wlen, &err) &&
			(!ok || (wlen == wantlen && memcmp(wire, want, wlen) == 0)))
			same++;
		else
			fprintf(stderr, "WKS \"%s\" reads otherwise than ldns reads it\n", in);
	}
	CHECK(same == 300);
}

static void
test_text_buffer_contract(void)
{
	char		small[8];
	uint8_t		rd[4] = {0x0a, 0, 0, 1};
	size_t		n = rdata_to_text(999, rd, 4, small, sizeof(small));

	CHECK(n == strlen("\\# 4 0a000001"));
	CHECK(strlen(small) < sizeof(small));
	CHECK(rdata_to_text(1, rd, 4, small, 4) == 8);
}

int
main(void)
{
	test_round_trips();
	test_generic();
	test_invalid();
	test_folding();
	test_layouts_cover_ldns();
	test_names();
	test_message_names();
	test_rdata_from_message();
	test_txt_every_octet();
	test_text_buffer_contract();
	test_wks_numbers();
	UNIT_DONE("rdata");
}
