-- A themed library of :rows tracks for test/bench/recommend.sh (deterministic).
SET client_min_messages = warning;
CREATE EXTENSION listen_wiseer;
-- Bulk load: the data is consistent by construction, so skip foreign-key
-- checks and triggers while loading; refresh_vectors() at the end (with
-- triggers on) computes the vectors and, through its trigger, the pool.
SET session_replication_role = replica;
SELECT setseed(0.42) \g /dev/null

CREATE TABLE bench_themes AS
SELECT t,
       b.base,
       ARRAY(SELECT p || ' ' || b.base
               FROM unnest(CASE WHEN t < 20 THEN ARRAY['deep', 'dark', 'melodic', 'modern', 'classic']
                                ELSE ARRAY['nordic', 'berlin', 'uk', 'chill', 'progressive'] END) p) AS genres,
       ARRAY[random(), random(), -20 + 17 * random(), 0.3 * random(), random(), random(),
             0.4 * random(), random(), 70 + 110 * random()]::float8[] AS centre
  FROM generate_series(0, 39) t
  JOIN (SELECT row_number() OVER () - 1 AS k, base
          FROM unnest(ARRAY['house', 'techno', 'jazz', 'metal', 'folk', 'hip hop', 'soul', 'punk',
                            'trance', 'ambient', 'reggae', 'disco', 'country', 'blues', 'indie',
                            'pop', 'rock', 'drum and bass', 'classical', 'afrobeat']) base) b
    ON b.k = t % 20;

-- artists: theme = a % 40; 1-3 genres of the theme, a fifth add one of the next theme
INSERT INTO listen_wiseer.artists (artist_id, name, genres, popularity)
SELECT 'ba' || a, 'Artist ' || a,
       (SELECT array_agg(g) FROM (SELECT g FROM unnest(th.genres) g ORDER BY random() LIMIT 1 + (a % 3)) x)
         || CASE WHEN random() < 0.2 THEN ARRAY[nx.genres[1 + (a % 5)]] ELSE '{}' END,
       (random() * 100)::int
  FROM generate_series(0, 49999) a
  JOIN bench_themes th ON th.t = a % 40
  JOIN bench_themes nx ON nx.t = (a + 1) % 40;

INSERT INTO listen_wiseer.tracks (track_id, name, popularity)
SELECT 'bt' || i, 'Track ' || i, (random() * 100)::int FROM generate_series(1, :rows) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 'bt' || i, 0, 'ba' || (i % 50000) FROM generate_series(1, :rows) i;

-- features: the theme's centre plus noise (a sum of three uniforms), clipped
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 'bt' || i,
       least(1, greatest(0, c[1] + 0.12 * (random() + random() + random() - 1.5))),
       least(1, greatest(0, c[2] + 0.12 * (random() + random() + random() - 1.5))),
       (i % 12)::smallint,
       least(0, greatest(-60, c[3] + 3 * (random() + random() + random() - 1.5))),
       (i % 2)::smallint,
       least(1, greatest(0, c[4] + 0.05 * (random() + random() + random() - 1.5))),
       least(1, greatest(0, c[5] + 0.12 * (random() + random() + random() - 1.5))),
       least(1, greatest(0, c[6] + 0.12 * (random() + random() + random() - 1.5))),
       least(1, greatest(0, c[7] + 0.08 * (random() + random() + random() - 1.5))),
       least(1, greatest(0, c[8] + 0.12 * (random() + random() + random() - 1.5))),
       least(250, greatest(40, c[9] + 15 * (random() + random() + random() - 1.5))),
       'demo'
  FROM generate_series(1, :rows) i
  JOIN bench_themes th ON th.t = (i % 50000) % 40,
       LATERAL (SELECT th.centre AS c) x;

-- 40 playlists, one per theme, 50 to 500 members drawn from the theme
INSERT INTO listen_wiseer.playlists (playlist_id, name)
SELECT 'bp' || t, 'bench ' || t || ' ' || base FROM bench_themes;
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'bp' || th.t, m.track_id, m.pos
  FROM bench_themes th
  CROSS JOIN LATERAL (
	SELECT 'bt' || i AS track_id, row_number() OVER () AS pos
	  FROM generate_series(1, :rows) i
	 WHERE (i % 50000) % 40 = th.t
	 ORDER BY random()
	 LIMIT 50 + th.t * 450 / 39) m;

RESET session_replication_role;
SELECT listen_wiseer.refresh_vectors() \g /dev/null
VACUUM ANALYZE;
