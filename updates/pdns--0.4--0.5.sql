-- pdns 0.4 -> 0.5 (ALTER EXTENSION pdns UPDATE).  An installed 0.4 must end
-- up with exactly what CREATE EXTENSION pdns makes at 0.5: test/t/005_update.pl
-- compares every member object of the two.
\echo Use "ALTER EXTENSION pdns UPDATE TO '0.5'" to load this file. \quit

-- Room on each page of the client and negative tiers, as observations have
-- had: a later batch's counts for a row already stored update it in place
-- (HOT) instead of adding entries to every index.  pg_partman gives new
-- partitions their template's options; the partitions made at 0.4 get the
-- same for the pages they fill from now on.
ALTER TABLE _template_negative_observations SET (fillfactor = 80);
ALTER TABLE _template_client_observations SET (fillfactor = 80);
DO $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT n.nspname, c.relname
		FROM pg_catalog.pg_inherits i
		JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE i.inhparent IN ('pdns.negative_observations'::pg_catalog.regclass,
		                      'pdns.client_observations'::pg_catalog.regclass)
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE %I.%I SET (fillfactor = 80)', p.nspname, p.relname);
	END LOOP;
END
$$;
