-- Label helpers.
SET search_path = pdns, public;

SELECT n AS name, labels(n::dnsname), label_count(n::dnsname), parent(n::dnsname),
       tld(n::dnsname), reversed(n::dnsname)
FROM (VALUES ('www.example.com'), ('com'), ('.'), ('a\.b.example'), ('\000.x'), ('*.example.org')) v(n);

-- parent() walks up to the root and then gives NULL.
WITH RECURSIVE up(n, depth) AS (
	SELECT 'a.b.c.example'::dnsname, 0
	UNION ALL SELECT parent(n), depth + 1 FROM up WHERE parent(n) IS NOT NULL
)
SELECT depth, n FROM up ORDER BY depth;

-- U-label rendering for display; A-labels that are not valid Punycode, or
-- do not convert back to themselves, are shown as stored.
SELECT n AS stored, to_unicode(n::dnsname) FROM (VALUES
	('xn--bcher-kva.de'), ('www.xn--wgv71a119e.jp'), ('xn--zca.de'), ('xn--a.example'),
	('xn--.example'), ('xn--BCHER-KVA.de'), ('plain.example'), ('.'), ('xn--ls8h.la'),
	('a\.b.xn--bcher-kva.de')
) v(n);

-- Ancestors and subtree bounds.
SELECT dnsname_ancestors('www.example.com'), dnsname_ancestors('www.example.com', false),
       dnsname_ancestors('.'), dnsname_ancestors('.', false);
SELECT dnsname_subtree_end('example.com'), dnsname_subtree_end('com');

-- min() and max() follow canonical order.
SELECT min(n::dnsname), max(n::dnsname)
FROM (VALUES ('www.example.com'), ('example.com'), ('badexample.com'), ('a.example.net')) v(n);
