-- pdns 0.3 -> 0.4 (ALTER EXTENSION pdns UPDATE).  An installed 0.3 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.4: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.4'" to load this file. \quit

-- Time fences are read in C: as PL/pgSQL the six of a lookup cost more
-- than its rows.
CREATE OR REPLACE FUNCTION fence(value text) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'pdns_fence' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION _window_fences(time_first_before text, time_first_after text,
	time_last_before text, time_last_after text, window_after text, window_before text,
	strict boolean,
	OUT first_before timestamptz, OUT first_after timestamptz,
	OUT last_before timestamptz, OUT last_after timestamptz)
	AS 'MODULE_PATHNAME', 'pdns_window_fences' LANGUAGE C STABLE PARALLEL SAFE;

-- The rdata lookup by address is C that reads the two indexes itself
-- (src/pg/lookup_address.c): the executor and PL/pgSQL around the SQL it
-- replaces cost several times the rows of a small range.
CREATE OR REPLACE FUNCTION rrsets_by_address(low inet, high inet,
	first_before timestamptz DEFAULT NULL, first_after timestamptz DEFAULT NULL,
	last_before timestamptz DEFAULT NULL, last_after timestamptz DEFAULT NULL,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_rrsets_by_address' LANGUAGE C STABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION lookup_rdata_ip(value text,
	time_first_before text DEFAULT NULL, time_first_after text DEFAULT NULL,
	time_last_before text DEFAULT NULL, time_last_after text DEFAULT NULL,
	window_after text DEFAULT NULL, window_before text DEFAULT NULL, strict boolean DEFAULT false,
	max_results bigint DEFAULT 10000, after_cursor text DEFAULT NULL)
RETURNS SETOF lookup_row
	AS 'MODULE_PATHNAME', 'pdns_lookup_rdata_ip' LANGUAGE C STABLE PARALLEL SAFE;
ALTER FUNCTION lookup_rdata_ip RESET ALL;
