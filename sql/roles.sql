SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- The two roles: listen_wiseer.grant_reader(role) (a BI tool: read, never
-- write) and listen_wiseer.grant_ingest(role) (lw-ingest: write the library
-- tables it loads, nothing else).  Roles are cluster-wide: unique names,
-- dropped at the end.
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['lw_regress_reader', 'lw_regress_ingest', 'lw_regress_nobody'] LOOP
		IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('DROP OWNED BY %I CASCADE', r);
			EXECUTE format('DROP ROLE %I', r);
		END IF;
	END LOOP;
END $$;
CREATE ROLE lw_regress_reader NOLOGIN;
CREATE ROLE lw_regress_ingest NOLOGIN;
CREATE ROLE lw_regress_nobody NOLOGIN;

-- a small library, loaded as the superuser
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('calm', 'Calm', '{chillhop}'), ('jazzy', 'Jazzy', '{jazz}'), ('iron', 'Iron', '{heavy metal}');
INSERT INTO listen_wiseer.tracks (track_id, name)
SELECT 't' || lpad(i::text, 2, '0'), 'Track ' || i FROM generate_series(1, 24) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 't' || lpad(i::text, 2, '0'), 0, (ARRAY['calm', 'jazzy', 'iron'])[1 + i % 3] FROM generate_series(1, 24) i;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 't' || lpad(i::text, 2, '0'), 0.3 + 0.01 * (i % 7), CASE WHEN i % 3 = 2 THEN 0.9 ELSE 0.2 END, 0,
       CASE WHEN i % 3 = 2 THEN -4 ELSE -15 END + 0.1 * (i % 5), 1, 0.05, 0.5, 0.5 + 0.01 * (i % 4),
       0.1, 0.3 + 0.01 * (i % 6), 100 + i % 5, 'demo'
  FROM generate_series(1, 24) i;
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('pl_calm', 'Calm'), ('pl_all', 'All');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'pl_calm', 't' || lpad(i::text, 2, '0'), i FROM generate_series(1, 24) i WHERE i % 3 <> 2 AND i <= 18
UNION ALL SELECT 'pl_all', 't' || lpad(i::text, 2, '0'), i FROM generate_series(1, 24) i;

-- Tries a statement as the current role: 'ok' or the error's SQLSTATE and message.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ' ' || replace(SQLERRM, current_database(), '<db>');
END $$;

-- Not public: the grant functions and the ones that write derived data.
SET ROLE lw_regress_nobody;
SELECT pg_temp.try('SELECT listen_wiseer.grant_reader(''lw_regress_nobody'')') AS grant_reader;
SELECT pg_temp.try('SELECT listen_wiseer.grant_ingest(''lw_regress_nobody'')') AS grant_ingest;
SELECT pg_temp.try('SELECT listen_wiseer.refresh_vectors()') AS refresh_vectors;
SELECT pg_temp.try('SELECT listen_wiseer.refresh_recommend_pool()') AS refresh_recommend_pool;
RESET ROLE;

SELECT listen_wiseer.grant_reader('lw_regress_reader');
SELECT listen_wiseer.grant_ingest('lw_regress_ingest');
-- idempotent
SELECT listen_wiseer.grant_reader('lw_regress_reader'), listen_wiseer.grant_ingest('lw_regress_ingest');
SELECT listen_wiseer.grant_reader(NULL);

-- ---------------------------------------------------------------------------
-- The reader
-- ---------------------------------------------------------------------------
-- SELECT on every table and view of listen_wiseer, no other table privilege
SELECT c.relname, c.relkind
  FROM pg_class c
 WHERE c.relnamespace = 'listen_wiseer'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
   AND (NOT has_table_privilege('lw_regress_reader', c.oid, 'SELECT')
        OR has_table_privilege('lw_regress_reader', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))
 ORDER BY 1;
-- EXECUTE on every function of the extension but the writing ones and the trigger functions
SELECT p.oid::regprocedure AS not_executable
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'listen_wiseer')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
   AND p.prorettype <> 'trigger'::regtype
   AND NOT has_function_privilege('lw_regress_reader', p.oid, 'EXECUTE')
 ORDER BY p.oid::regprocedure::text COLLATE "C";
SELECT has_schema_privilege('lw_regress_reader', 'listen_wiseer', 'CREATE') AS reader_create_listen_wiseer,
       has_schema_privilege('lw_regress_reader', 'public', 'CREATE') AS reader_create_public,
       has_database_privilege('lw_regress_reader', current_database(), 'CONNECT') AS reader_connect;

SET ROLE lw_regress_reader;
SELECT rank, track_id, artists, genre_group FROM recommend('Calm', 3);
SELECT track_id, round(isolation_forest_score(v) OVER ()::numeric, 4) AS score
  FROM listen_wiseer.track_vectors ORDER BY score DESC, track_id LIMIT 3;
SELECT isolation_forest_score(m, v) > 0 AS scored
  FROM (SELECT isolation_forest(v) AS m FROM listen_wiseer.track_vectors) f,
       listen_wiseer.track_vectors WHERE track_id = 't01';
SELECT * FROM genre_map('uk garage');
SELECT playlist_id, genre_group, tracks FROM listen_wiseer.playlist_genre_mix ORDER BY 1, 2;
SELECT count(*) AS outliers FROM listen_wiseer.playlist_outliers;
SELECT count(*) AS runs FROM listen_wiseer.ingest_runs;
-- no writes, no DDL, no maintenance
SELECT s AS statement, pg_temp.try(s) AS result FROM (VALUES
	('INSERT INTO listen_wiseer.tracks (track_id, name) VALUES (''x'', ''x'')'),
	('UPDATE listen_wiseer.tracks SET name = ''x'''),
	('DELETE FROM listen_wiseer.playlist_tracks'),
	('TRUNCATE listen_wiseer.audio_features'),
	('INSERT INTO listen_wiseer.genre_rules (pattern, family) VALUES (''x'', ''jazz'')'),
	('INSERT INTO listen_wiseer.feature_weights VALUES (''tempo'', 2)'),
	('DELETE FROM listen_wiseer.track_vectors'),
	('CREATE TABLE listen_wiseer.x (a int)'),
	('CREATE TABLE public.x (a int)'),
	('CREATE VIEW listen_wiseer.v AS SELECT 1'),
	('DROP TABLE listen_wiseer.tracks'),
	('ALTER TABLE listen_wiseer.tracks ADD COLUMN x int'),
	('SELECT listen_wiseer.refresh_vectors()'),
	('SELECT listen_wiseer.refresh_recommend_pool()'),
	('SELECT listen_wiseer.recommend_pool_sync(NULL)'),
	('SELECT listen_wiseer.grant_reader(''lw_regress_reader'')')) t(s);
RESET ROLE;

-- ---------------------------------------------------------------------------
-- The ingest role
-- ---------------------------------------------------------------------------
-- exactly these write privileges, and no others anywhere in listen_wiseer
SELECT c.relname,
       array_to_string(ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                                        'REFERENCES', 'TRIGGER']) p
                             WHERE has_table_privilege('lw_regress_ingest', c.oid, p)), ',') AS privileges
  FROM pg_class c
 WHERE c.relnamespace = 'listen_wiseer'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
   AND has_table_privilege('lw_regress_ingest', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
 ORDER BY 1;
SELECT has_sequence_privilege('lw_regress_ingest', 'listen_wiseer.ingest_runs_run_id_seq', 'USAGE') AS run_id_seq,
       has_function_privilege('lw_regress_ingest', 'listen_wiseer.refresh_vectors()', 'EXECUTE') AS refresh_vectors,
       has_function_privilege('lw_regress_ingest', 'listen_wiseer.refresh_recommend_pool()', 'EXECUTE') AS refresh_pool,
       has_database_privilege('lw_regress_ingest', current_database(), 'CONNECT, TEMPORARY') AS connect_temp,
       has_database_privilege('lw_regress_ingest', current_database(), 'CREATE') AS create_schema,
       has_schema_privilege('lw_regress_ingest', 'listen_wiseer', 'CREATE') AS create_listen_wiseer,
       has_schema_privilege('lw_regress_ingest', 'public', 'CREATE') AS create_public;

-- what a sync does, as the ingest role, with the deferred vector refresh
-- (lw-ingest defers it and calls refresh_vectors() itself; both work)
SET ROLE lw_regress_ingest;
BEGIN;
INSERT INTO listen_wiseer.ingest_runs (command) VALUES ('sync');
CREATE TEMP TABLE stage (track_id text, name text);
INSERT INTO stage VALUES ('n1', 'New one'), ('n2', 'New two');
INSERT INTO listen_wiseer.users (user_id, display_name) VALUES ('me', 'Me')
	ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name;
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES ('new', 'New', '{jazz}')
	ON CONFLICT (artist_id) DO UPDATE SET name = EXCLUDED.name;
UPDATE listen_wiseer.artists SET genres = '{chillhop,jazz}' WHERE artist_id = 'jazzy';
INSERT INTO listen_wiseer.tracks (track_id, name) SELECT track_id, name FROM stage
	ON CONFLICT (track_id) DO UPDATE SET name = EXCLUDED.name;
UPDATE listen_wiseer.tracks SET features_checked_at = now() WHERE track_id = 'n1';
DELETE FROM listen_wiseer.track_artists WHERE track_id = 't01';
INSERT INTO listen_wiseer.track_artists VALUES ('t01', 0, 'new'), ('n1', 0, 'new'), ('n2', 0, 'calm');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('n1', 0.3, 0.2, 0, -15, 1, 0.05, 0.5, 0.5, 0.1, 0.3, 100, 'spotify_api')
	ON CONFLICT (track_id) DO UPDATE SET energy = EXCLUDED.energy;
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('pl_new', 'New')
	ON CONFLICT (playlist_id) DO UPDATE SET name = EXCLUDED.name;
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position) VALUES ('pl_new', 'n1', 0), ('pl_new', 'n2', 1);
UPDATE listen_wiseer.playlist_tracks SET removed_at = now() WHERE playlist_id = 'pl_all' AND track_id = 't24';
INSERT INTO listen_wiseer.liked_tracks (track_id, added_at) VALUES ('n1', now());
UPDATE listen_wiseer.liked_tracks SET removed_at = now() WHERE track_id = 'n1';
INSERT INTO listen_wiseer.capabilities (capability, available) VALUES ('audio_features', true)
	ON CONFLICT (capability) DO UPDATE SET available = EXCLUDED.available;
UPDATE listen_wiseer.ingest_runs SET status = 'ok', finished_at = now() WHERE status = 'running';
SELECT pg_advisory_lock(4242, 1);   -- (lw-ingest's run lock)
COMMIT;
SELECT listen_wiseer.refresh_vectors() AS vectors_written;
RESET ROLE;
-- the derived data followed: a vector for n1; the pool has n1, t01's new credit and
-- the new genres of t04's artist
SELECT (SELECT count(*) FROM listen_wiseer.track_vectors) AS vectors,
       (SELECT artist_ids FROM listen_wiseer.recommend_pool WHERE track_id = 't01') AS t01_artists,
       (SELECT genres FROM listen_wiseer.recommend_pool WHERE track_id = 'n1') AS n1_genres,
       (SELECT genres FROM listen_wiseer.recommend_pool WHERE track_id = 't04') AS t04_genres,
       (SELECT n FROM listen_wiseer.feature_stats) AS stats_n;
SELECT pg_advisory_unlock_all();

-- and nothing it does not need
SET ROLE lw_regress_ingest;
SELECT s AS statement, pg_temp.try(s) AS result FROM (VALUES
	('DELETE FROM listen_wiseer.tracks'),
	('DELETE FROM listen_wiseer.audio_features'),
	('TRUNCATE listen_wiseer.playlist_tracks'),
	('INSERT INTO listen_wiseer.genre_rules (pattern, family) VALUES (''x'', ''jazz'')'),
	('UPDATE listen_wiseer.genre_families SET priority = 0'),
	('INSERT INTO listen_wiseer.genre_overrides (genre) VALUES (''x'')'),
	('INSERT INTO listen_wiseer.feature_weights VALUES (''tempo'', 2)'),
	('DELETE FROM listen_wiseer.track_vectors'),
	('UPDATE listen_wiseer.feature_stats SET n = 0'),
	('DELETE FROM listen_wiseer.recommend_pool'),
	('SELECT count(*) FROM listen_wiseer.recommend_pool'),
	('SELECT listen_wiseer.refresh_recommend_pool()'),
	('SELECT listen_wiseer.recommend_pool_sync(NULL)'),
	('CREATE TABLE listen_wiseer.x (a int)'),
	('CREATE TABLE public.x (a int)'),
	('CREATE FUNCTION public.f() RETURNS int LANGUAGE sql RETURN 1'),
	('CREATE SCHEMA lw_regress_x'),
	('DROP TABLE listen_wiseer.ingest_runs'),
	('ALTER TABLE listen_wiseer.tracks ADD COLUMN x int'),
	('CREATE INDEX ON listen_wiseer.tracks (name)'),
	('SELECT listen_wiseer.grant_ingest(''lw_regress_nobody'')')) t(s);
RESET ROLE;

-- clean up the cluster-wide roles
DROP OWNED BY lw_regress_reader, lw_regress_ingest, lw_regress_nobody CASCADE;
DROP ROLE lw_regress_reader, lw_regress_ingest, lw_regress_nobody;
