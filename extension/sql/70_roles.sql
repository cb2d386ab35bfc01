-- ---------------------------------------------------------------------------
-- Roles.  Roles are cluster-wide, so the extension creates none; these two
-- functions give an existing role what one of the two documented jobs needs
-- in this database (extension/roles.sql creates lw_reader and lw_ingest and
-- calls them; docs/design/security.md).  Run them as a superuser,
-- or as whoever owns the extension's objects.  Both are idempotent.
--   grant_reader(role): a BI tool.  CONNECT, USAGE on both schemas, SELECT on
--     every table and view of listen_wiseer, EXECUTE on the extension's
--     functions except the maintenance ones (they write).
--   grant_ingest(role): lw-ingest.  CONNECT and TEMPORARY (its staging
--     tables), SELECT/INSERT/UPDATE on the library tables it writes, DELETE
--     on track_artists only (credits are replaced), the run id sequence, and
--     EXECUTE on refresh_vectors().  Nothing on the genre rules, the weights
--     or the derived tables: those are written by SECURITY DEFINER functions
--     of the extension (refresh_vectors, the recommend_pool triggers).
-- ---------------------------------------------------------------------------

-- The functions that write: kept from the reader, and not public.
CREATE FUNCTION listen_wiseer.maintenance_functions() RETURNS regprocedure[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT f::regprocedure FROM pg_catalog.unnest(ARRAY[
		'listen_wiseer.refresh_vectors()',
		'listen_wiseer.recommend_pool_sync(text[])',
		'listen_wiseer.refresh_recommend_pool()',
		'listen_wiseer.grant_reader(regrole)',
		'listen_wiseer.grant_ingest(regrole)',
		'listen_wiseer.create_reader_login(text,text)']) AS u(f)
		WHERE pg_catalog.to_regprocedure(f) IS NOT NULL);

CREATE FUNCTION listen_wiseer.grant_reader(role regrole) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ext  oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'listen_wiseer');
	f    regprocedure;
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %s', pg_catalog.current_database(), role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA listen_wiseer, %s TO %s',
		(SELECT e.extnamespace::regnamespace FROM pg_catalog.pg_extension e WHERE e.oid = ext), role);
	EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA listen_wiseer TO %s', role);
	-- every function of the extension but the writing ones and the trigger functions
	-- (EXECUTE is public by default, but not where default privileges took it away)
	FOR f IN
		SELECT p.oid::regprocedure
		  FROM pg_catalog.pg_depend d
		  JOIN pg_catalog.pg_proc p ON p.oid = d.objid
		 WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_extension'::regclass
		   AND d.refobjid = ext AND d.deptype = 'e'
		   AND p.prorettype <> 'pg_catalog.trigger'::regtype
		   AND p.oid <> ALL (listen_wiseer.maintenance_functions()::oid[])
		 ORDER BY 1
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO %s',
			CASE WHEN (SELECT p.prokind FROM pg_catalog.pg_proc p WHERE p.oid = f) = 'p'
			     THEN 'PROCEDURE' ELSE 'FUNCTION' END, f, role);
	END LOOP;
END;
$$;
COMMENT ON FUNCTION listen_wiseer.grant_reader(regrole) IS
	'grant a role read access to the library and the analysis functions (a BI tool)';

CREATE FUNCTION listen_wiseer.grant_ingest(role regrole) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE pg_catalog.format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %s',
		pg_catalog.current_database(), role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA listen_wiseer TO %s', role);
	-- what ingestor/store.c writes (INSERT ... ON CONFLICT DO UPDATE needs SELECT and UPDATE)
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.users, listen_wiseer.artists,'
		' listen_wiseer.tracks, listen_wiseer.playlists, listen_wiseer.playlist_tracks,'
		' listen_wiseer.liked_tracks, listen_wiseer.audio_features, listen_wiseer.capabilities,'
		' listen_wiseer.ingest_runs TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON listen_wiseer.track_artists TO %s', role);
	-- enrichment (ingestor/enrich_store.c): its answer cache, and the user's source choices
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.enrichment_cache TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT ON listen_wiseer.enrichment_sources TO %s', role);
	-- publish (ingestor/publish_store.c): its rules and its log (recommend() itself needs the
	-- reader's rights: grant_reader)
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.publish_rules,'
		' listen_wiseer.publish_runs TO %s', role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE listen_wiseer.publish_runs_publish_id_seq TO %s', role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE listen_wiseer.ingest_runs_run_id_seq TO %s', role);
	EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION listen_wiseer.refresh_vectors() TO %s', role);
END;
$$;
COMMENT ON FUNCTION listen_wiseer.grant_ingest(regrole) IS
	'grant a role what lw-ingest needs: write the library tables it loads, nothing else';

REVOKE EXECUTE ON FUNCTION listen_wiseer.grant_reader(regrole) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION listen_wiseer.grant_ingest(regrole) FROM PUBLIC;
