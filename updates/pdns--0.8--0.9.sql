-- pdns 0.8 -> 0.9: name randomness (docs/signals.md).
\echo Use "ALTER EXTENSION pdns UPDATE" to load this file. \quit

-- How random the labels of a name look, left of its public suffix: for
-- ranking DGA-like names among NXDOMAINs and new names.
CREATE FUNCTION randomness(dnsname) RETURNS double precision
	AS 'MODULE_PATHNAME', 'dnsname_randomness' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION randomness(dnsname) IS
	'0 (word-like) to 1 (random-looking): the score of the most random label left of the public suffix; NULL if none is scored';

CREATE FUNCTION randomness_labels(name dnsname, OUT "position" integer, OUT label text,
	OUT score double precision, OUT surprise double precision, OUT entropy double precision,
	OUT digit_share double precision, OUT consonant_run integer, OUT length integer)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'dnsname_randomness_labels' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION randomness_labels(dnsname) IS
	'each label left of the public suffix, leftmost first: its randomness score, bigram surprise (bits), entropy, digit share, longest consonant run';
