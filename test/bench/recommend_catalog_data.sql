-- A 5,000-track library (:library) and a catalog of :catalog tracks for
-- test/bench/recommend_catalog.sh, generated in SQL (deterministic): 40
-- themes, each with 5 Spotify-style genres and its own centre in feature
-- space; 50,000 artists (1-3 genres of their theme, a fifth with a genre of
-- the next theme); tracks 1..:library are the library's, the rest catalog
-- rows (in_library = false, catalog = 'bench.csv', features source 'catalog'),
-- written directly, not through lw-ingest import-catalog.  Playlists (library
-- tracks only): 40 of one theme, 20 to 120 members, and 8 of four
-- neighbouring themes, 250 to 500 members.
SET client_min_messages = warning;
CREATE EXTENSION listen_wiseer;
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

INSERT INTO listen_wiseer.artists (artist_id, name, genres, popularity, genres_source)
SELECT 'ba' || a, 'Artist ' || a,
       (SELECT array_agg(g) FROM (SELECT g FROM unnest(th.genres) g ORDER BY random() LIMIT 1 + (a % 3)) x)
         || CASE WHEN random() < 0.2 THEN ARRAY[nx.genres[1 + (a % 5)]] ELSE '{}' END,
       (random() * 100)::int, 'catalog'
  FROM generate_series(0, 49999) a
  JOIN bench_themes th ON th.t = a % 40
  JOIN bench_themes nx ON nx.t = (a + 1) % 40;

INSERT INTO listen_wiseer.tracks (track_id, name, popularity, in_library, catalog)
SELECT 'bt' || i, 'Track ' || i, (random() * 100)::int, i <= :library,
       CASE WHEN i > :library THEN 'bench.csv' END
  FROM generate_series(1, :library + :catalog) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 'bt' || i, 0, 'ba' || (i % 50000) FROM generate_series(1, :library + :catalog) i;

INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source, source_detail)
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
       CASE WHEN i <= :library THEN 'demo' ELSE 'catalog' END,
       CASE WHEN i > :library THEN 'bench.csv' END
  FROM generate_series(1, :library + :catalog) i
  JOIN bench_themes th ON th.t = (i % 50000) % 40,
       LATERAL (SELECT th.centre AS c) x;

INSERT INTO listen_wiseer.playlists (playlist_id, name)
SELECT 'bp' || t, 'bench ' || t || ' ' || base FROM bench_themes
UNION ALL SELECT 'bm' || k, 'bench mix ' || k FROM generate_series(0, 7) k;
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'bp' || th.t, m.track_id, m.pos
  FROM bench_themes th
  CROSS JOIN LATERAL (
	SELECT 'bt' || i AS track_id, row_number() OVER () AS pos
	  FROM generate_series(1, :library) i
	 WHERE (i % 50000) % 40 = th.t
	 ORDER BY random()
	 LIMIT 20 + th.t * 100 / 39) m
UNION ALL
SELECT 'bm' || k, m.track_id, m.pos
  FROM generate_series(0, 7) k
  CROSS JOIN LATERAL (
	SELECT 'bt' || i AS track_id, row_number() OVER () AS pos
	  FROM generate_series(1, :library) i
	 WHERE ((i % 50000) % 40) / 4 = k
	 ORDER BY random()
	 LIMIT 250 + k * 250 / 7) m;

RESET session_replication_role;
SELECT listen_wiseer.refresh_vectors() \g /dev/null
VACUUM ANALYZE;
