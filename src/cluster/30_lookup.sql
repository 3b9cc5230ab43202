-- The lookups on the coordinator (docs/scale-out.md): the signatures and
-- answers of pdns's, over every shard.  Each asks the shards that can hold
-- its answer, through PL/Proxy, in parallel: the shard of the owner's
-- registered domain for a name or "*.domain" at or below a registered
-- domain; every shard for the rest and for lookups by rdata.  Each shard
-- answers with its first max_results rows in the lookup's order (its rows
-- after the cursor), and the coordinator keeps the first max_results of
-- them all in the same order: an RRset lives on one shard, so rows need no
-- merging, and a row's cursor pages every shard alike.
--
-- A shard that does not answer makes the lookup fail with an error that
-- names it; with pdns_cluster.partial_answers = on, the lookup answers
-- from the others instead, with a warning naming the missing shards and
-- every row marked truncated.

-- PL/Proxy's partitions for a set of shard ids.
CREATE FUNCTION _targets(shards integer[]) RETURNS SETOF integer
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT unnest(shards);
END;

CREATE FUNCTION all_shards() RETURNS integer[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN ARRAY(SELECT s.id FROM pdns_cluster.shards s ORDER BY s.id);
END
$$;
COMMENT ON FUNCTION all_shards() IS 'the ids of every shard';

-- The shards that hold a name's rows, or (below) a subtree's: the shard
-- of its registered domain for a name or a subtree at or below one, every
-- shard for a larger subtree ("co.uk", "com").
CREATE FUNCTION _subtree_shards(name pdns.dnsname, below boolean) RETURNS integer[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE WHEN NOT below OR pdns.registered_domain(name) IS NOT NULL
	            THEN ARRAY[pdns_cluster.shard_of(name::text)] ELSE pdns_cluster.all_shards() END;
END;

-- Does a shard answer?
CREATE FUNCTION _ping(shard integer) RETURNS integer
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	RUN ON shard;
	SELECT 1;
$$;

-- The partition of one shard id (a SPLIT array's element).
CREATE FUNCTION _target(shard integer) RETURNS integer
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
	SELECT shard;
END;

-- Which of the shards know a sensor (it has lines there): each shard is
-- sent its own id, and answers it if it knows the sensor.
CREATE FUNCTION _sensor_known(shards integer[], sensor text) RETURNS SETOF integer
LANGUAGE plproxy
AS $$
	CLUSTER 'pdns_cluster';
	SPLIT shards;
	RUN ON pdns_cluster._target(shards);
	SELECT s FROM unnest(shards) s WHERE EXISTS (SELECT FROM pdns.sensors x WHERE x.name = sensor);
$$;

-- The shards to ask for a lookup filtered by a sensor: those of the
-- lookup's that know the sensor (the others would answer nothing), and
-- those that did not answer whether they do (partial answers: the lookup
-- finds them missing too, and says so); an error, as on one server, when no
-- shard knows it.
CREATE FUNCTION _sensor_shards(shards integer[], sensor text) RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	asked integer[] := pdns_cluster.all_shards();
	answering integer[] := asked;
	knowing integer[];
	detail text;
	hint text;
BEGIN
	LOOP
		BEGIN
			knowing := ARRAY(SELECT pdns_cluster._sensor_known(answering, sensor));
			EXIT;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
			answering := pdns_cluster._after_failure(answering, SQLSTATE, SQLERRM, detail, hint, false);
		END;
	END LOOP;
	IF cardinality(knowing) = 0 AND cardinality(answering) = cardinality(asked) THEN
		RAISE EXCEPTION 'no sensor is named "%"', sensor
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A lookup''s sensor filter names a sensor of pdns.sensors.';
	END IF;
	RETURN ARRAY(SELECT x FROM unnest(shards) x WHERE x = ANY (knowing) OR x <> ALL (answering) ORDER BY x);
END
$$;

-- After a failed call to some shards: the error again when every shard
-- answers (it came from a shard's lookup: as one server would raise it,
-- without PL/Proxy's prefix); else an error naming the shards that do
-- not, or, when the caller allows partial answers, a warning naming them
-- and the shards left to ask.
CREATE FUNCTION _after_failure(shards integer[], state text, message text, detail text, hint text,
	warn boolean DEFAULT true)
RETURNS integer[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning	-- (PL/Proxy's notice as it reconnects to a shard that failed)
AS $$
DECLARE
	answering integer[] := '{}';
	missing text[] := '{}';
	s record;
BEGIN
	FOR s IN SELECT x.id, x.name, x.host, x.port, x.dbname
	         FROM pdns_cluster.shards x WHERE x.id = ANY (shards) ORDER BY x.id LOOP
		BEGIN
			PERFORM pdns_cluster._ping(s.id);
			answering := answering || s.id;
		EXCEPTION WHEN OTHERS THEN
			missing := missing || format('"%s" (host=%s port=%s dbname=%s)', s.name, s.host, s.port, s.dbname);
		END;
	END LOOP;
	IF cardinality(missing) = 0 THEN
		message := regexp_replace(message, '^\S+\(\d+\): \[[^]]*\] REMOTE ERROR: ', '');
		detail := regexp_replace(detail, '^Remote detail: ', '');
		hint := regexp_replace(hint, '^Remote hint: ', '');
		IF coalesce(detail, '') <> '' AND coalesce(hint, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, DETAIL = detail, HINT = hint;
		ELSIF coalesce(detail, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, DETAIL = detail;
		ELSIF coalesce(hint, '') <> '' THEN
			RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message, HINT = hint;
		END IF;
		RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message;
	END IF;
	IF NOT coalesce(current_setting('pdns_cluster.partial_answers', true), '') IN ('on', 'true', '1') THEN
		RAISE EXCEPTION 'shard % did not answer', array_to_string(missing, ', ')
			USING ERRCODE = 'connection_failure',
			      DETAIL = message,
			      HINT = 'SET pdns_cluster.partial_answers = on to answer from the other shards, flagged as partial.';
	END IF;
	IF warn THEN
		RAISE WARNING 'partial answer: shard % did not answer', array_to_string(missing, ', ')
			USING DETAIL = 'Every row of this answer is marked truncated.';
	END IF;
	RETURN answering;
END
$$;
