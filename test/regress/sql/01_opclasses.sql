-- Every operator class the extension ships passes its access method's validator.
SET search_path = pdns, public;

SELECT opc.opcname, am.amname, amvalidate(opc.oid) AS valid
FROM pg_opclass opc
JOIN pg_am am ON am.oid = opc.opcmethod
JOIN pg_namespace n ON n.oid = opc.opcnamespace
WHERE n.nspname = 'pdns'
ORDER BY 1, 2;

-- The types are not collatable: order never depends on a locale.
SELECT typname, typcollation = 0 AS not_collatable
FROM pg_type WHERE typnamespace = 'pdns'::regnamespace AND typname IN ('dnsname', 'rrset', 'rrtype')
ORDER BY 1;

-- Every C function is declared with an honest volatility and parallel safety.
SELECT proname, provolatile, proparallel, proisstrict
FROM pg_proc WHERE pronamespace = 'pdns'::regnamespace AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
  AND (provolatile <> 'i' OR proparallel <> 's' OR NOT proisstrict)
ORDER BY 1;
