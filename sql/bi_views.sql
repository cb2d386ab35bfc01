SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- Plain columns for BI tools (extension/sql/75_bi.sql) and the read-only login.

-- release_date_value: the first day a release date can mean; NULL for no such date
SELECT d, listen_wiseer.release_date_value(d)
  FROM unnest(ARRAY['2019', '2019-07', '2019-07-14', '2020-02-29', '2019-02-29', '2019-04-31',
                    '2019-12-31', '2019-13', '2019-00', '2019-05-00', '0000', '0001', '19', 'x',
                    NULL]) AS d;

-- a small library: dates of every precision, one catalog-only track
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('calm', 'Calm', '{chillhop}'), ('nobody', 'Nobody', NULL);
INSERT INTO listen_wiseer.tracks (track_id, name, release_date, release_date_precision, in_library, catalog) VALUES
	('y', 'Year', '1977', 'year', true, NULL), ('m', 'Month', '1986-03', 'month', true, NULL),
	('d', 'Day', '2019-07-14', 'day', true, NULL), ('n', 'No date', NULL, NULL, true, NULL),
	('c', 'Catalog only', '2001-01-01', 'day', false, 'cat.csv');
INSERT INTO listen_wiseer.track_artists VALUES ('y', 0, 'calm'), ('m', 0, 'calm'), ('d', 0, 'nobody'),
	('n', 0, 'nobody'), ('c', 0, 'calm');
SELECT * FROM listen_wiseer.track_release_dates ORDER BY track_id;

-- genre mixes: tracks whose genres are unknown count as 'unknown', never NULL
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('p', 'P');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position) VALUES
	('p', 'y', 0), ('p', 'm', 1), ('p', 'd', 2), ('p', 'n', 3);
SELECT * FROM listen_wiseer.playlist_genre_mix ORDER BY genre_group;
SELECT * FROM listen_wiseer.playlist_family_mix ORDER BY family;

-- standardized features: one float8 per feature, the vector's values, library tracks only
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('y', 0.2, 0.1, 0, -20, 1, 0.05, 0.9, 0.8, 0.1, 0.3, 80, 'demo'),
       ('m', 0.6, 0.5, 0, -10, 1, 0.05, 0.5, 0.4, 0.1, 0.5, 120, 'demo'),
       ('d', 0.7, 0.9, 0, -5, 1, 0.05, 0.1, 0.0, 0.1, 0.7, 100, 'demo'),
       ('c', 0.5, 0.5, 0, -10, 1, 0.05, 0.5, 0.4, 0.1, 0.5, 100, 'demo');
SELECT * FROM listen_wiseer.track_features_standardized ORDER BY track_id;
-- the same numbers as the vectors recommend() compares, in vector order
SELECT s.track_id,
       ARRAY[s.danceability, s.energy, s.loudness, s.speechiness, s.acousticness, s.instrumentalness,
             s.liveness, s.valence, s.tempo]::real[] = tv.v::real[] AS same_as_vector
  FROM listen_wiseer.track_features_standardized s
  JOIN listen_wiseer.track_vectors tv USING (track_id) ORDER BY 1;

-- run_count: 0 when absent, NULL when not a whole number
SELECT listen_wiseer.run_count('{"a": 3}', 'a') AS three, listen_wiseer.run_count('{}', 'a') AS absent,
       listen_wiseer.run_count('{"a": "3"}', 'a') AS text_value, listen_wiseer.run_count('{"a": 1.5}', 'a') AS fraction,
       listen_wiseer.run_count('{"a": 1e30}', 'a') AS too_big;

-- sync health: one row per run, the counters of ingest_runs.counts as columns
INSERT INTO listen_wiseer.ingest_runs (command, started_at, finished_at, status, counts, warnings) VALUES
	('sync', '2026-01-01 10:00:00+00', '2026-01-01 10:00:42.5+00', 'ok',
	 '{"requests": 165, "tracks_new": 3449, "tracks_upserted": 3500, "features_loaded": 3387,
	   "artists_loaded": 1151, "artists_without_genres_field": 11}', '{}'),
	('sync', '2026-01-02 10:00:00+00', '2026-01-02 10:01:00+00', 'partial',
	 '{"requests": 40, "tracks_upserted": 12}', '{"rate limited", "budget used up"}'),
	('import-features', '2026-01-03 10:00:00+00', '2026-01-03 10:00:01+00', 'ok',
	 '{"rows": 10, "features_loaded": 9}', '{}'),
	('sync', '2026-01-04 10:00:00+00', NULL, 'running', '{}', '{}');
SELECT run_id, command, status, duration_s, requests, tracks_new, tracks_changed, features_filled,
       genres_filled, warnings, error
  FROM listen_wiseer.sync_health ORDER BY run_id;

-- every view of the schema has plain columns only (no feature_vector, jsonb, arrays)
SELECT c.table_name, c.column_name, c.data_type
  FROM information_schema.columns c
  JOIN information_schema.views v USING (table_schema, table_name)
 WHERE c.table_schema = 'listen_wiseer'
   AND c.udt_name NOT IN ('text', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool',
                          'date', 'timestamptz', 'timestamp');
-- and the views docs/reference.md lists for BI tools exist
SELECT v AS missing_view
  FROM unnest(ARRAY['playlist_genre_mix', 'playlist_family_mix', 'track_genre', 'artist_genre',
                    'playlist_outliers', 'feature_scaling', 'track_features_standardized',
                    'track_release_dates', 'sync_health']) AS v
 WHERE to_regclass('listen_wiseer.' || v) IS NULL;

-- create_reader_login: a member of lw_reader, read-only by default on the login itself
DO $$
BEGIN
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'lw_regress_bi') THEN
		EXECUTE 'DROP OWNED BY lw_regress_bi CASCADE';
		EXECUTE 'DROP ROLE lw_regress_bi';
	END IF;
END $$;
SELECT listen_wiseer.create_reader_login('lw_regress_bi', 'secret-1');
SELECT r.rolcanlogin, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolinherit,
       pg_has_role('lw_regress_bi', 'lw_reader', 'MEMBER') AS in_lw_reader,
       (SELECT s.setconfig FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0) AS login_settings,
       (SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'lw_regress_bi') AS scram
  FROM pg_roles r WHERE r.rolname = 'lw_regress_bi';
-- lw_reader itself carries no setting (it would reach no member)
SELECT count(*) AS lw_reader_settings FROM pg_db_role_setting s
  JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'lw_reader';
SELECT listen_wiseer.create_reader_login('lw_regress_bi', 'again');
SELECT listen_wiseer.create_reader_login('', 'x');
SELECT listen_wiseer.create_reader_login(NULL, 'x');
-- not for readers (a maintenance function), not public
SELECT has_function_privilege('lw_reader', 'listen_wiseer.create_reader_login(text, text)', 'EXECUTE') AS reader_may,
       has_function_privilege('public', 'listen_wiseer.create_reader_login(text, text)', 'EXECUTE') AS public_may;

-- privileges first: with the read-only default switched off, every write is still refused
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
SET ROLE lw_regress_bi;
SET default_transaction_read_only = off;
SELECT t.table_name,
       pg_temp.try(format('INSERT INTO listen_wiseer.%I DEFAULT VALUES', t.table_name)) AS ins,
       pg_temp.try(format('UPDATE listen_wiseer.%I SET %I = %I', t.table_name, c.column_name, c.column_name)) AS upd,
       pg_temp.try(format('DELETE FROM listen_wiseer.%I', t.table_name)) AS del,
       pg_temp.try(format('TRUNCATE listen_wiseer.%I', t.table_name)) AS trunc
  FROM information_schema.tables t
  JOIN LATERAL (SELECT column_name FROM information_schema.columns c
                 WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                 ORDER BY ordinal_position LIMIT 1) c ON true
 WHERE t.table_schema = 'listen_wiseer' AND t.table_type = 'BASE TABLE'
 ORDER BY 1;
SELECT pg_temp.try('CREATE TABLE listen_wiseer.x (a int)') AS create_in_schema,
       pg_temp.try('CREATE TABLE public.x (a int)') AS create_in_public,
       pg_temp.try('SELECT nextval(''listen_wiseer.ingest_runs_run_id_seq'')') AS nextval,
       pg_temp.try('SELECT listen_wiseer.refresh_vectors()') AS refresh_vectors,
       pg_temp.try('SELECT listen_wiseer.refresh_recommend_pool()') AS refresh_pool,
       pg_temp.try('SELECT listen_wiseer.grant_reader(''lw_regress_bi'')') AS grant_reader,
       pg_temp.try('SELECT listen_wiseer.create_reader_login(''lw_regress_bi2'', NULL)') AS create_login;
-- and it reads what a BI tool charts
SELECT count(*) AS runs FROM listen_wiseer.sync_health;
SELECT count(*) AS dates FROM listen_wiseer.track_release_dates;
RESET default_transaction_read_only;
RESET ROLE;

DROP OWNED BY lw_regress_bi CASCADE;
DROP ROLE lw_regress_bi;

-- 1.0 -> 1.1: a role that reads the 1.0 library reads the new views and tables too, and the
-- ingest role writes what enrichment writes (both granted again by the update)
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer VERSION '1.0';
RESET client_min_messages;
CREATE ROLE lw_regress_bi10 NOLOGIN;
CREATE ROLE lw_regress_ingest10 NOLOGIN;
SELECT listen_wiseer.grant_reader('lw_regress_bi10');
SELECT listen_wiseer.grant_ingest('lw_regress_ingest10');
ALTER EXTENSION listen_wiseer UPDATE TO '1.1';
SELECT v, has_table_privilege('lw_regress_bi10', 'listen_wiseer.' || v, 'SELECT') AS can_read,
       has_table_privilege('public', 'listen_wiseer.' || v, 'SELECT') AS public_can_read
  FROM unnest(ARRAY['track_features_standardized', 'track_release_dates', 'sync_health',
                    'playlist_genre_mix', 'publish_runs', 'enrichment_sources']) AS v;
SELECT has_table_privilege('lw_regress_ingest10', 'listen_wiseer.enrichment_cache', 'INSERT')
         AS ingest_writes_cache,
       has_table_privilege('lw_regress_ingest10', 'listen_wiseer.enrichment_sources', 'SELECT')
         AS ingest_reads_sources,
       has_table_privilege('lw_regress_ingest10', 'listen_wiseer.track_features_standardized',
                           'SELECT') AS ingest_got_reader_rights;
DROP OWNED BY lw_regress_bi10 CASCADE;
DROP ROLE lw_regress_bi10;
DROP OWNED BY lw_regress_ingest10 CASCADE;
DROP ROLE lw_regress_ingest10;
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
