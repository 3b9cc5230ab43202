-- pdns's types live in schema pdns, their operators in schema public, on
-- every session's default search_path: a session that has not put pdns on
-- its path compares and index-searches names (docs/dnsname.md, "Schemas").
SET search_path = "$user", public;
SELECT 'WWW.Example.COM.'::pdns.dnsname = 'www.example.com' AS equal,
       'a.b.example.com'::pdns.dnsname << 'example.com' AS below,
       'example.com'::pdns.dnsname >> 'www.example.com' AS above,
       'mx'::pdns.rrtype = 'MX' AS same_type,
       pdns.rrset('A', ARRAY['192.0.2.1']) = pdns.rrset('A', ARRAY['192.0.2.1']) AS same_set;

CREATE TEMP TABLE names (n pdns.dnsname);
INSERT INTO names SELECT format('h%s.z%s.example.com', i, i % 7)::pdns.dnsname
FROM generate_series(1, 2000) i;
INSERT INTO names VALUES ('example.com'), ('example.net'), ('zexample.com');
CREATE INDEX ON names (n);
ANALYZE names;
SELECT count(*) AS seq_below FROM names WHERE n << 'z3.example.com';
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM names WHERE n << 'z3.example.com';
SELECT count(*) AS index_below FROM names WHERE n << 'z3.example.com';
EXPLAIN (COSTS OFF) SELECT * FROM names WHERE n = 'example.net';
SELECT n FROM names WHERE n = 'example.net';
RESET enable_seqscan;
RESET enable_bitmapscan;

-- The operators are the btree operator class's own (one set, not copies).
SELECT o.oprname, o.oprnamespace::regnamespace AS schema, count(*) AS in_opclass
FROM pg_operator o JOIN pg_amop a ON a.amopopr = o.oid
WHERE o.oprleft = 'pdns.dnsname'::regtype AND a.amopmethod = (SELECT oid FROM pg_am WHERE amname = 'btree')
GROUP BY 1, 2 ORDER BY 1;
