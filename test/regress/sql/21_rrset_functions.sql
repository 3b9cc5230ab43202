-- rrset functions: rrtype, rdata_count, rdata, addresses, names, contains_rdata.
SET search_path = pdns, public;

CREATE TEMP TABLE sets (label text, r rrset);
INSERT INTO sets VALUES
	('A',      'A {192.0.2.2,192.0.2.1,192.0.2.1}'),
	('AAAA',   'AAAA {2001:db8::1,::1}'),
	('NS',     'NS {ns2.example.com,NS1.Example.COM}'),
	('CNAME',  'CNAME {target.example.net.}'),
	('DNAME',  'DNAME {new.example.}'),
	('PTR',    'PTR {host.example.}'),
	('MX',     'MX {"20 mx2.example.","10 mx1.example.","0 ."}'),
	('SRV',    'SRV {"0 5 5060 sip.example.com.","1 5 5060 sip2.example.com."}'),
	('SVCB',   'SVCB {"16 svc.example.org. port=53","0 alias.example.org."}'),
	('HTTPS',  'HTTPS {"1 . alpn=h2","2 cdn.example.net. alpn=h3"}'),
	('SOA',    'SOA {"ns1.example. hostmaster.example. 1 7200 3600 1209600 300"}'),
	('NAPTR',  'NAPTR {"100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com."}'),
	('RP',     'RP {"mbox.example. txt.example."}'),
	('AFSDB',  'AFSDB {"1 afs.example."}'),
	('KX',     'KX {"10 kx.example."}'),
	('RT',     'RT {"10 rt.example."}'),
	('PX',     'PX {"10 map822.example. mapx400.example."}'),
	('MINFO',  'MINFO {"rmail.example. email.example."}'),
	('NSEC',   'NSEC {"next.example. A RRSIG NSEC"}'),
	('RRSIG',  'RRSIG {"A 8 2 300 20250101000000 20240101000000 1 signer.example. AAAA"}'),
	('IPSECKEY', 'IPSECKEY {"10 3 2 gw.example. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="}'),
	('HIP',    'HIP {"2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs1.example. rvs2.example."}'),
	('LP',     'LP {"10 l64.example."}'),
	('NSAP-PTR', 'NSAP-PTR {nsap.example.}'),
	('AMTRELAY', 'AMTRELAY {"\\# 12 0a0303616d74047465737400"}'),
	('TXT',    'TXT {"\"a\"","\"b\" \"c\""}'),
	('TYPE999', 'TYPE999 {"\\# 2 0102"}');

SELECT label, rrtype(r), rdata_count(r), names(r), addresses(r) FROM sets ORDER BY label;
SELECT label, rdata(r) FROM sets WHERE label IN ('A', 'MX', 'TXT', 'TYPE999', 'AMTRELAY') ORDER BY label;

-- rdata() round-trips: the set rebuilt from its own text is the same set.
SELECT count(*) AS sets, bool_and(rrset(rrtype(r), rdata(r)) = r) AS round_trip FROM sets;

-- contains_rdata parses its argument as rdata of the set's type and
-- compares canonically (case of MX exchange names, address spellings).
SELECT contains_rdata('MX {"10 mx1.example."}', '10 MX1.EXAMPLE') AS folded,
       contains_rdata('MX {"10 mx1.example."}', '20 mx1.example.') AS other_pref,
       contains_rdata('AAAA {2001:db8::1}', '2001:0DB8:0:0:0:0:0:1') AS spelled_out,
       contains_rdata('A {192.0.2.1,192.0.2.2}', '\# 4 c0000202') AS generic,
       contains_rdata('TXT {"\"a\""}', 'a') AS unquoted,
       contains_rdata('TXT {"\"a\""}', '"A"') AS txt_case;
\set VERBOSITY default
SELECT contains_rdata('MX {"10 mx1.example."}', 'mx1.example.');
\set VERBOSITY terse

-- rrtype() of a literal needs the cast: rrtype('...') alone reads as an rrtype.
SELECT rrtype('A {10.0.0.1}'::rrset), rdata_count('A {10.0.0.1,10.0.0.1}'::rrset);
