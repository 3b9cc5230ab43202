-- Last, once every function exists: privileges over all of them.
--
-- Internal functions (named with a leading underscore) are the
-- extension's own: nobody else may call them.  The ingestion triggers call
-- what they need through fmgr (no grant is checked there), and the
-- SECURITY DEFINER ones run as the owner.  The lookup helpers below are
-- the exception: read-only pieces of the lookups, which run with the
-- analyst's rights and need them (and so are the signals' helpers that
-- 87_signals.sql grants).
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
	         WHERE p.pronamespace = 'pdns'::regnamespace AND p.proname LIKE '\_%'
	LOOP
		EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION _cursor(text[]), _cursor_field(text, integer),
	_fenced(timestamptz, timestamptz, timestamptz, timestamptz, timestamptz, timestamptz),
	_wildcard(text), _window_fences(text, text, text, text, text, text, boolean),
	_sensor_filter(text) TO pdns_analyst;
