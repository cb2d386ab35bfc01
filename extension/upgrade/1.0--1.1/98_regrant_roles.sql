
-- Roles given rights by 1.0's grant_reader() or grant_ingest() get them again, so they also
-- reach what 1.1 adds (new views, enrichment and publish tables): both functions are
-- idempotent. Only roles named in the objects' own ACLs are re-granted: not the members who
-- inherit through them, nor predefined roles such as pg_read_all_data. Must run after every
-- piece that creates objects.
DO $$
DECLARE
	r text;
BEGIN
	-- grant_ingest: INSERT on the tracks
	FOR r IN
		SELECT a.grantee::pg_catalog.regrole::text
		  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
		 WHERE c.oid = 'listen_wiseer.tracks'::pg_catalog.regclass
		   AND a.privilege_type = 'INSERT' AND a.grantee NOT IN (0, c.relowner)
	LOOP
		PERFORM listen_wiseer.grant_ingest(r::pg_catalog.regrole);
	END LOOP;
	-- grant_reader: SELECT on every relation of the schema, views included
	FOR r IN
		SELECT a.grantee::pg_catalog.regrole::text
		  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
		 WHERE c.oid = 'listen_wiseer.playlist_outliers'::pg_catalog.regclass
		   AND a.privilege_type = 'SELECT' AND a.grantee NOT IN (0, c.relowner)
	LOOP
		PERFORM listen_wiseer.grant_reader(r::pg_catalog.regrole);
	END LOOP;
END;
$$;
