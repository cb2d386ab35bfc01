SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- the enrichment tables are user data: pg_dump keeps them
SELECT t.name, ('listen_wiseer.' || t.name)::regclass = ANY (e.extconfig) AS dumped
FROM pg_extension e, unnest('{enrichment_cache,enrichment_sources}'::text[]) AS t(name)
WHERE e.extname = 'listen_wiseer' ORDER BY 1;

-- one row per question; "not found" is an answer too
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, http_status, detail, expires_at)
VALUES ('reccobeats', 'track-features', 't1', 'hit', 200, '8212bab8-5911-48a0-b177-24923ef2329a', now() + interval '180 days'),
       ('reccobeats', 'track-features', 't2', 'miss', 200, NULL, now() + interval '30 days'),
       ('musicbrainz', 'artist-url', 'a1', 'ambiguous', 200, 'm1,m2', now() + interval '30 days');
SELECT source, kind, key, outcome, expires_at > fetched_at AS fresh
FROM listen_wiseer.enrichment_cache ORDER BY 1, 2, 3;
-- the same question twice is one row
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, expires_at)
VALUES ('reccobeats', 'track-features', 't1', 'miss', now() + interval '1 day');
-- unknown sources and outcomes, empty keys, expiry before the answer: refused
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, expires_at)
VALUES ('spotify', 'track-features', 't3', 'hit', now() + interval '1 day');
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, expires_at)
VALUES ('lastfm', 'artist-tags', 'a2', 'error', now() + interval '1 day');
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, expires_at)
VALUES ('lastfm', 'artist-tags', '', 'miss', now() + interval '1 day');
INSERT INTO listen_wiseer.enrichment_cache (source, kind, key, outcome, fetched_at, expires_at)
VALUES ('lastfm', 'artist-tags', 'a2', 'miss', now(), now() - interval '1 day');

-- preferences: switch a source off, order the genre sources
INSERT INTO listen_wiseer.enrichment_sources (source, enabled, priority)
VALUES ('reccobeats', false, 0), ('lastfm', true, 1), ('musicbrainz', true, 2);
SELECT source, enabled, priority FROM listen_wiseer.enrichment_sources ORDER BY priority, source;
INSERT INTO listen_wiseer.enrichment_sources (source) VALUES ('discogs');

-- genres with their provenance and time; a source outside the list is refused
INSERT INTO listen_wiseer.artists (artist_id, name, genres, genres_source, genres_updated_at)
VALUES ('a1', 'One', '{shoegaze}', 'musicbrainz', now()), ('a2', 'Two', '{jazz}', 'lastfm', now());
SELECT artist_id, genres, genres_source, genres_updated_at IS NOT NULL AS dated
FROM listen_wiseer.artists ORDER BY 1;
UPDATE listen_wiseer.artists SET genres_source = 'reccobeats' WHERE artist_id = 'a1';

-- features from ReccoBeats carry their source
INSERT INTO listen_wiseer.tracks (track_id, name) VALUES ('t1', 'One');
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source, source_detail)
VALUES ('t1', 0.5, 0.5, -1, -7, 1, 0.05, 0.2, 0.0, 0.1, 0.4, 118, 'reccobeats', 'https://api.reccobeats.com/v1');
SELECT track_id, source, key FROM listen_wiseer.audio_features;
