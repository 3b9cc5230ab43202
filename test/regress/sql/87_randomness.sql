-- randomness() and randomness_labels() (docs/signals.md): how random the
-- labels left of a name's public suffix look.
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set psl_list :corpora '/publicsuffix/public_suffix_list.dat'
\set top_list :corpora '/top-domains/opendns-top-domains.txt'
\set random_list :corpora '/top-domains/opendns-random-domains.txt'
SET pdns.public_suffix_list = :'psl_list';

-- Which labels are scored: those left of the public suffix, leftmost
-- first; A-labels and '_' labels are listed unscored.
SELECT "position", label, round(score::numeric, 3) AS score, round(surprise::numeric, 2) AS surprise,
       round(entropy::numeric, 2) AS entropy, digit_share, consonant_run, length
FROM randomness_labels('a8fj3kq0xz._tcp.xn--80ak6aa92e.mail.example.co.uk');
SELECT n, round(randomness(n::dnsname)::numeric, 3) AS randomness
FROM unnest(ARRAY['www.google.com', 'kq3jx9z7pw.com', 'x7k2.net', 'WWW.KQ3JX9Z7PW.COM',
                  '_dmarc.example.com', 'xn--80ak6aa92e.com', 'com', 'co.uk', '.', 'a',
                  'brbgpwqlxhcr.info']) n;
-- the most random label counts, wherever it is
SELECT randomness('a8fj3kq0xz.example.com') = randomness('a8fj3kq0xz.com') AS leftmost_counts,
       randomness('www.a8fj3kq0xz.com') = randomness('a8fj3kq0xz.com') AS registered_label_counts;
-- octets outside letters, digits and '-' are one symbol; escapes are decoded
SELECT round(randomness(E'a\\000b\\255c.example'::dnsname)::numeric, 3) AS escaped,
       round(randomness('a b c.example'::dnsname)::numeric, 3) AS spaces;

-- The false-positive rate documented in docs/signals.md: the share of
-- real registered domains that score above 0.5 (and 0.9).  The model was
-- trained on the labels of the top list; the random list is held out.
CREATE TEMP TABLE real_names (list text, name dnsname);
COPY real_names (name) FROM :'top_list';
UPDATE real_names SET list = 'top-10k (training)' WHERE list IS NULL;
COPY real_names (name) FROM :'random_list';
UPDATE real_names SET list = 'random-10k (held out)' WHERE list IS NULL;
SELECT list, count(*) AS domains, count(r) AS scored,
       round(avg((r > 0.5)::int)::numeric, 4) AS above_half,
       round(avg((r > 0.9)::int)::numeric, 4) AS above_0_9
FROM (SELECT list, randomness(registered_domain(name)) AS r FROM real_names) x
GROUP BY list ORDER BY list;

-- What it finds: labels of 8 to 20 characters drawn uniformly from
-- letters and digits, from letters only, and from hex digits (the
-- draws made from sha256, so deterministic).
CREATE TEMP TABLE made AS
SELECT kind, i, label || '.com' AS name
FROM generate_series(1, 2000) i,
     LATERAL (SELECT sha256(int4send(i)) || sha256(int4send(-i)) AS draws,
                     8 + (hashint4(i) & 2147483647) % 13 AS len) d,
     LATERAL (VALUES ('letters and digits', 'abcdefghijklmnopqrstuvwxyz0123456789'),
                     ('letters', 'abcdefghijklmnopqrstuvwxyz'),
                     ('hex digits', '0123456789abcdef')) a(kind, alphabet),
     LATERAL (SELECT string_agg(substr(alphabet, 1 + get_byte(draws, k) % length(alphabet), 1), '' ORDER BY k)
              FROM generate_series(0, len - 1) k) l(label);
SELECT kind, count(*) AS names, round(avg((randomness(name::dnsname) > 0.5)::int)::numeric, 3) AS above_half,
       round(avg((randomness(name::dnsname) > 0.9)::int)::numeric, 3) AS above_0_9
FROM made GROUP BY kind ORDER BY kind;

-- Bad input: a NULL name is NULL (strict), randomness_labels of the root is empty.
SELECT randomness(NULL) IS NULL AS null_in_null_out, count(*) AS root_labels FROM randomness_labels('.');
RESET pdns.public_suffix_list;
