SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- A library of three tracks and a catalog of three (lw-ingest import-catalog writes catalog
-- tracks with in_library = false and catalog = the file's name); l3 is in both.
INSERT INTO listen_wiseer.artists (artist_id, name, genres, genres_source) VALUES
	('al', 'Library Artist', '{deep house}', 'spotify'),
	('ac', 'Catalog Artist', '{bossa nova}', 'catalog'),
	('ab', 'Both Artist', '{folk}', 'catalog');
INSERT INTO listen_wiseer.tracks (track_id, name, in_library, catalog) VALUES
	('l1', 'lib 1', true, NULL), ('l2', 'lib 2', true, NULL), ('l3', 'lib and catalog', true, 'cat.csv'),
	('c1', 'cat 1', false, 'cat.csv'), ('c2', 'cat 2', false, 'cat.csv'), ('c3', 'cat 3', false, 'cat.csv');
INSERT INTO listen_wiseer.track_artists VALUES
	('l1', 0, 'al'), ('l2', 0, 'al'), ('l3', 0, 'ab'), ('c1', 0, 'ac'), ('c2', 0, 'ac'), ('c2', 1, 'ab'),
	('c3', 0, 'ac');
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('p1', 'mine');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position) VALUES
	('p1', 'l1', 0), ('p1', 'l2', 1), ('p1', 'l3', 2);
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source, source_detail)
SELECT id, d, 0.5, 1, -8, 1, 0.05, 0.2, 0.1, 0.1, 0.5, 120, s, sd
FROM (VALUES ('l1', 0.2, 'spotify_api', NULL), ('l2', 0.4, 'spotify_api', NULL),
             ('l3', 0.6, 'spotify_api', NULL), ('c1', 0.9, 'catalog', 'cat.csv'),
             ('c2', 0.95, 'catalog', 'cat.csv'), ('c3', 1.0, 'catalog', 'cat.csv')) v(id, d, s, sd);

-- catalog-only tracks have no track_genre row; catalog-only artists no artist_genre row
SELECT track_id, family FROM listen_wiseer.track_genre ORDER BY track_id;
SELECT artist_id, family FROM listen_wiseer.artist_genre ORDER BY artist_id;
SELECT playlist_id, genre_group, tracks FROM listen_wiseer.playlist_genre_mix ORDER BY 1, 2;

-- the vectors' statistics are the library's (3 tracks, mean danceability 0.4), and every
-- track, catalog ones too, gets a vector in that space
SELECT n, round(mean[1]::numeric, 3) AS mean_danceability FROM listen_wiseer.feature_stats;
SELECT count(*) AS vectors FROM listen_wiseer.track_vectors;
SELECT track_id, round((listen_wiseer.raw_features(f))[1]::numeric, 2) AS danceability,
       round(((SELECT v FROM listen_wiseer.track_vectors tv WHERE tv.track_id = f.track_id)::real[])[1]::numeric, 3) AS standardized
FROM listen_wiseer.audio_features f ORDER BY track_id;

-- a library without features: every track counts
BEGIN;
DELETE FROM listen_wiseer.audio_features WHERE track_id LIKE 'l%';
SELECT listen_wiseer.refresh_vectors() >= 0 AS refreshed;
SELECT n, round(mean[1]::numeric, 3) AS mean_danceability FROM listen_wiseer.feature_stats;
ROLLBACK;

-- a catalog track that joins the library (the sync sets in_library) appears in the views
UPDATE listen_wiseer.tracks SET in_library = true WHERE track_id = 'c1';
SELECT track_id, family FROM listen_wiseer.track_genre ORDER BY track_id;
SELECT artist_id, family FROM listen_wiseer.artist_genre ORDER BY artist_id;
