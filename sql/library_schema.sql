SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- the tables the ingestor fills, and that pg_dump keeps (extension config tables)
SELECT t.name, ('listen_wiseer.' || t.name)::regclass = ANY (e.extconfig) AS dumped
FROM pg_extension e,
     unnest('{users,artists,tracks,track_artists,playlists,playlist_tracks,liked_tracks,audio_features,
              capabilities,ingest_runs,ingest_runs_run_id_seq,feature_weights}'::text[]) AS t(name)
WHERE e.extname = 'listen_wiseer' ORDER BY 1;

INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('a1', 'Known genres', '{dream pop,indietronica}'),
	('a2', 'No genres', '{}'),
	('a3', 'Unknown genres', NULL);
SELECT artist_id, genres, genres IS NULL AS unknown, cardinality(genres) = 0 AS none
FROM listen_wiseer.artists ORDER BY 1;
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES ('a4', 'bad', '{rock,NULL}');
INSERT INTO listen_wiseer.artists (artist_id, name, popularity) VALUES ('a5', 'bad', 101);
INSERT INTO listen_wiseer.artists (artist_id, name) VALUES ('', 'empty id');

INSERT INTO listen_wiseer.tracks (track_id, name, release_date, release_date_precision, duration_ms, explicit, popularity, isrc)
VALUES ('t1', 'One', '2019-05', 'month', 214093, false, 47, 'SEXYZ1900001'),
       ('t2', 'Two', '1999', 'year', NULL, NULL, NULL, NULL);
INSERT INTO listen_wiseer.tracks (track_id, name, release_date) VALUES ('t3', 'bad date', '19-05-2019');
INSERT INTO listen_wiseer.track_artists VALUES ('t1', 0, 'a1'), ('t1', 1, 'a2'), ('t2', 0, 'a3');
INSERT INTO listen_wiseer.track_artists VALUES ('t1', 2, 'nobody');
INSERT INTO listen_wiseer.track_artists VALUES ('nothing', 0, 'a1');

-- audio feature ranges
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, duration_ms, time_signature, source)
VALUES ('t1', 0.648, 0.771, 7, -6.402, 1, 0.0389, 0.0312, 0.00215, 0.118, 0.412, 121.987, 214093, 4, 'spotify_api');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t2', 1.2, 0.5, 0, -5, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 100, 'csv');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t2', 0.5, 0.5, 12, -5, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 100, 'csv');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t2', 0.5, 0.5, -1, -5, 2, 0.1, 0.1, 0.1, 0.1, 0.1, 100, 'csv');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t2', 0.5, 0.5, -1, -5, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 100, 'guess');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t2', 0.5, 0.5, -1, -5, 0, 0.1, 0.1, 0.1, 0.1, 0.1, 100, 'csv');
SELECT track_id, key, mode, source FROM listen_wiseer.audio_features ORDER BY 1;

-- playlists: duplicates are occurrences; removed members stay with a removal time
INSERT INTO listen_wiseer.playlists (playlist_id, name, owner_id, snapshot_id) VALUES ('p1', 'chill', 'me', 's1');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, occurrence, position, added_at)
VALUES ('p1', 't1', 1, 0, '2024-03-09T21:14:05Z'), ('p1', 't1', 2, 1, NULL), ('p1', 't2', 1, 2, NULL);
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, occurrence, position) VALUES ('p1', 't1', 1, 5);
UPDATE listen_wiseer.playlist_tracks SET removed_at = now() WHERE track_id = 't2';
SELECT playlist_id, track_id, occurrence, removed_at IS NOT NULL AS removed
FROM listen_wiseer.playlist_tracks ORDER BY 1, 2, 3;
INSERT INTO listen_wiseer.liked_tracks VALUES ('t2', now(), NULL);

-- ingest runs
INSERT INTO listen_wiseer.ingest_runs (command, status) VALUES ('sync', 'done');
INSERT INTO listen_wiseer.ingest_runs (command, started_at, finished_at) VALUES ('sync', now(), now() - interval '1 hour');
INSERT INTO listen_wiseer.ingest_runs (command, status, counts, warnings)
VALUES ('sync', 'partial', '{"tracks": 2}', '{"audio features unavailable (403)"}')
RETURNING run_id, status, counts, warnings;

-- deleting a track removes what hangs off it, never the artists
DELETE FROM listen_wiseer.tracks WHERE track_id = 't1';
SELECT (SELECT count(*) FROM listen_wiseer.track_artists) AS track_artists,
       (SELECT count(*) FROM listen_wiseer.playlist_tracks) AS playlist_tracks,
       (SELECT count(*) FROM listen_wiseer.audio_features) AS audio_features,
       (SELECT count(*) FROM listen_wiseer.artists) AS artists;
