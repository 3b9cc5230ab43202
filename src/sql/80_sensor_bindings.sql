-- Sensor names bound to roles (docs/ingest.md, "Sensors and roles"): a
-- name with bindings is accepted only from members of one of its roles;
-- with settings.bound_sensors_only, a name without bindings is refused too.
CREATE TABLE sensor_roles (
	sensor text NOT NULL,
	role_name name NOT NULL,
	PRIMARY KEY (sensor, role_name)
);
COMMENT ON TABLE sensor_roles IS 'which roles may send lines for a sensor name (pdns.bind_sensor())';
SELECT pg_catalog.pg_extension_config_dump('sensor_roles', '');

CREATE FUNCTION bind_sensor(sensor text, role regrole) RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO pdns.sensor_roles (sensor, role_name)
	SELECT sensor, r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = role
	ON CONFLICT DO NOTHING
$$;
COMMENT ON FUNCTION bind_sensor(text, regrole) IS 'let members of role send lines for this sensor name';

CREATE FUNCTION unbind_sensor(sensor text, role regrole) RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	DELETE FROM pdns.sensor_roles b
	WHERE b.sensor = unbind_sensor.sensor
	  AND b.role_name = (SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = role)
$$;
COMMENT ON FUNCTION unbind_sensor(text, regrole) IS 'undo bind_sensor()';

-- May the current user send lines for this sensor?  The sensor's number
-- when it exists (> 0), 0 when it does not yet; -1 when the name is bound
-- to roles the user is not a member of, -2 when it is bound to none and
-- the store takes bound sensors only.  Called by the ingestion triggers.
CREATE FUNCTION _sensor_admission(sensor_name text, sender name) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bound boolean;
	allowed boolean;
	result integer;
BEGIN
	SELECT count(*) > 0, coalesce(bool_or(pg_catalog.pg_has_role(sender, b.role_name, 'MEMBER')), false)
	INTO bound, allowed
	FROM pdns.sensor_roles b JOIN pg_catalog.pg_roles r ON r.rolname = b.role_name
	WHERE b.sensor = sensor_name;
	IF bound AND NOT allowed THEN
		RETURN -1;
	ELSIF NOT bound AND (SELECT s.bound_sensors_only FROM pdns.settings s) THEN
		RETURN -2;
	END IF;
	SELECT s.id INTO result FROM pdns.sensors s WHERE s.name = sensor_name;
	RETURN coalesce(result, 0);
END
$$;

REVOKE EXECUTE ON FUNCTION bind_sensor(text, regrole), unbind_sensor(text, regrole) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bind_sensor(text, regrole), unbind_sensor(text, regrole) TO pdns_admin;
GRANT SELECT ON sensor_roles TO pdns_admin;
