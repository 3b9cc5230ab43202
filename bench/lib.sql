-- lib.sql: SQL helpers of bench/dnsname.sql and bench/store.sql (\ir).

-- Stop the benchmark when two methods that must agree do not.
CREATE FUNCTION pg_temp.check(ok boolean, message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT ok THEN
		RAISE EXCEPTION '%', message;
	END IF;
END $$;

-- Best wall-clock seconds over `runs` rounds of each statement of `timed`,
-- each run after its untimed `setup` statement ('' for none).  Rounds
-- interleave the statements, so that a drifting load on the machine hits
-- them alike.  `result` is the first column the statement returned (in
-- its last run), as text.
CREATE FUNCTION pg_temp.best_times(setup text[], timed text[], runs integer)
RETURNS TABLE (n integer, seconds float8, result text)
LANGUAGE plpgsql AS $$
DECLARE
	best float8[] := array_fill(NULL::float8, ARRAY[cardinality(timed)]);
	res text[] := array_fill(NULL::text, ARRAY[cardinality(timed)]);
	t0 timestamptz;
	r text;
BEGIN
	FOR round IN 1 .. runs LOOP
		FOR k IN 1 .. cardinality(timed) LOOP
			IF coalesce(setup[k], '') <> '' THEN
				EXECUTE setup[k];
			END IF;
			t0 := clock_timestamp();
			IF timed[k] ~* '^\s*(SELECT|WITH|VALUES)' THEN
				EXECUTE timed[k] INTO r;
			ELSE
				EXECUTE timed[k];
			END IF;
			best[k] := least(best[k], extract(epoch FROM clock_timestamp() - t0));
			res[k] := r;
		END LOOP;
	END LOOP;
	RETURN QUERY SELECT k, best[k], res[k] FROM generate_subscripts(timed, 1) k;
END $$;

-- Make pg_temp.<name>(): for each value p (of type argtype) that the query
-- `probes` returns, evaluate the bigint expression `lookup` (which uses p);
-- return the sum.  The lookup is static SQL in the function, so it runs a
-- cached plan, as an application's prepared statement would.
CREATE FUNCTION pg_temp.make_loop(name text, probes text, argtype text, lookup text) RETURNS void
LANGUAGE plpgsql AS $f$
BEGIN
	EXECUTE format($b$CREATE FUNCTION pg_temp.%I() RETURNS bigint LANGUAGE plpgsql AS $l$
DECLARE
	p %s;
	c bigint := 0;
BEGIN
	FOR p IN %s LOOP
		c := c + (%s);
	END LOOP;
	RETURN c;
END $l$$b$, name, argtype, probes, lookup);
END $f$;
