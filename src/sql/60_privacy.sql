-- Pseudonymization of client addresses: keyed, prefix-preserving
-- (Crypto-PAn with AES-128).  The key is the superuser-only setting
-- pdns.pseudonymization_key; see docs/privacy.md.

-- STABLE, not IMMUTABLE: the result depends on the key setting.
CREATE FUNCTION pseudonymize(inet) RETURNS inet
	AS 'MODULE_PATHNAME', 'inet_pseudonymize' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pseudonymize(inet) IS
	'keyed prefix-preserving pseudonym of an address (Crypto-PAn); a network maps to the network of its hosts'' pseudonyms';

CREATE FUNCTION pseudonymization_key_fingerprint() RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pseudonymization_key_fingerprint() IS
	'first 16 hex digits of SHA-256 over the pseudonymization key, NULL when none is set; safe to show';

-- Anyone may call it: it reads no secret, and a random key is only a secret
-- once a superuser puts it into pdns.pseudonymization_key.
CREATE FUNCTION generate_pseudonymization_key() RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION generate_pseudonymization_key() IS
	'64 random hex digits (OpenSSL RAND_bytes) to use as pdns.pseudonymization_key';

-- pseudonymize() in the hands of a role that can read client activity would
-- let it test guesses against the pseudonyms (and, for IPv4, invert them
-- by brute force): only pdns_admin may call it.  Ingestion uses the C entry
-- point and needs no grant.
REVOKE EXECUTE ON FUNCTION pseudonymize(inet) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pseudonymize(inet) TO pdns_admin;
