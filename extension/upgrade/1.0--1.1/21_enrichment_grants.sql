-- lw_ingest also writes the enrichment cache, reads the source choices and writes the publish
-- rules and log
-- (same definition as extension/sql/70_roles.sql).
CREATE OR REPLACE FUNCTION listen_wiseer.grant_ingest(role regrole) RETURNS void
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
