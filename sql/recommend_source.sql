-- recommend() 1.1: n as bigint, the similarity column, source => and catalog
-- tracks (tracks.in_library = false, tracks.catalog = the file), and the
-- scaling statistics taken over the library only.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- A library of two moods (as in recommend.sql): chill around one centre, metal
-- around another; and a catalog holding more of both, far more than the library.
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('calm', 'Calm Collective', '{chillhop,lo-fi beats}'),
	('drift', 'Drift Tapes', '{chillhop}'),
	('iron', 'Iron Gate', '{heavy metal}'),
	('far', 'Far Away', '{chillhop}'),           -- only in the catalog
	('ore', 'Ore', '{heavy metal}');             -- only in the catalog
CREATE FUNCTION pg_temp.chill(i int) RETURNS real[] LANGUAGE sql AS $$
	SELECT ARRAY[0.50 + 0.01 * (i - 5), 0.20 + 0.01 * (i - 5), -15 + 0.2 * (i - 5), 0.05,
	             0.80 - 0.01 * (i - 5), 0.80, 0.10, 0.30 + 0.01 * (i - 5), 80 + (i - 5)]::real[] $$;
CREATE FUNCTION pg_temp.metal(i int) RETURNS real[] LANGUAGE sql AS $$
	SELECT ARRAY[0.30 + 0.01 * (i - 5), 0.95 - 0.005 * (i - 5), -4 + 0.1 * (i - 5), 0.08,
	             0.02, 0.10 + 0.01 * (i - 5), 0.20, 0.40 + 0.01 * (i - 5), 160 + (i - 5)]::real[] $$;
CREATE TEMP TABLE lib (track_id text, artist_id text, f real[], in_library boolean);
INSERT INTO lib
SELECT 'c0' || i, 'calm', pg_temp.chill(i), true FROM generate_series(1, 9) i
UNION ALL SELECT 'd0' || i, 'drift', pg_temp.chill(i + 1), true FROM generate_series(1, 4) i
UNION ALL SELECT 'm0' || i, 'iron', pg_temp.metal(i), true FROM generate_series(1, 9) i;
CREATE FUNCTION pg_temp.load(only_catalog boolean) RETURNS void LANGUAGE sql AS $$
	INSERT INTO listen_wiseer.tracks (track_id, name, popularity, in_library, catalog)
	SELECT track_id, 'Track ' || track_id, 50, in_library, CASE WHEN NOT in_library THEN 'cat.csv' END
	  FROM lib WHERE in_library <> only_catalog;
	INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
	SELECT track_id, 0, artist_id FROM lib WHERE in_library <> only_catalog;
	INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
		speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
	SELECT track_id, f[1], f[2], 0, f[3], 1, f[4], f[5], f[6], f[7], f[8], f[9],
	       CASE WHEN in_library THEN 'demo' ELSE 'catalog' END
	  FROM lib WHERE in_library <> only_catalog;
$$;
SELECT pg_temp.load(false);
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('pl_chill', 'Chill'), ('pl_metal', 'Metal');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'pl_chill', track_id, row_number() OVER (ORDER BY track_id) FROM lib WHERE track_id ~ '^c0[1-8]'
UNION ALL SELECT 'pl_metal', track_id, row_number() OVER (ORDER BY track_id) FROM lib WHERE track_id ~ '^m0[1-8]';

-- ---------------------------------------------------------------------------
-- n is bigint: a bound smallint, integer or bigint parameter resolves
-- ---------------------------------------------------------------------------
PREPARE rec_small(text, smallint) AS SELECT count(*) FROM recommend($1, n => $2);
PREPARE rec_int(text, integer) AS SELECT count(*) FROM recommend($1, $2);
PREPARE rec_big(text, bigint) AS SELECT count(*) FROM recommend($1, n => $2);
EXECUTE rec_small('pl_chill', 2);
EXECUTE rec_int('pl_chill', 3);
EXECUTE rec_big('pl_chill', 4);
-- more than there are candidates: every candidate, once
EXECUTE rec_big('pl_chill', 9223372036854775807);
SELECT count(*) AS candidates FROM listen_wiseer.recommend_pool
 WHERE track_id NOT IN (SELECT track_id FROM listen_wiseer.playlist_tracks WHERE playlist_id = 'pl_chill');

-- Library only, before any catalog exists: the reference for below.
CREATE TEMP TABLE before_catalog AS
SELECT p.playlist_id, r.rank, r.track_id, r.score, r.similarity, r.reason
  FROM (VALUES ('pl_chill'), ('pl_metal')) p(playlist_id),
       LATERAL recommend(p.playlist_id, 6, max_per_artist => NULL) r;
CREATE TEMP TABLE stats_before AS SELECT n, mean, stddev, scale FROM listen_wiseer.feature_stats;

-- ---------------------------------------------------------------------------
-- similarity: the score's audio part, 0 to 1
-- ---------------------------------------------------------------------------
-- centroid: 1 - cosine distance to the profile (the members' mean vector),
-- computed here independently; nearest: the mean cosine similarity to the 3
-- most similar members; both clamped to [0, 1]
SELECT bool_and(abs(r.similarity - greatest(0, 1 - (tv.v <=> prof.v))) < 1e-6) AS centroid_similarity_is_profile_cosine,
       count(*) AS picks
  FROM recommend('pl_chill', 30, method => 'centroid', exclude_outliers => false, max_per_artist => NULL,
                 genre_filter => false) r
  JOIN listen_wiseer.track_vectors tv ON tv.track_id = r.track_id,
       (SELECT avg(tv.v) AS v FROM listen_wiseer.track_vectors tv
          JOIN listen_wiseer.playlist_tracks pt ON pt.track_id = tv.track_id AND pt.playlist_id = 'pl_chill') prof;
SELECT bool_and(abs(r.similarity - greatest(0, least(1, (
	SELECT avg(s) FROM (SELECT 1 - (tv.v <=> m.v) AS s
	                      FROM listen_wiseer.track_vectors m
	                      JOIN listen_wiseer.playlist_tracks pt ON pt.track_id = m.track_id AND pt.playlist_id = 'pl_chill'
	                     ORDER BY 1 DESC LIMIT 3) x)))) < 1e-6) AS nearest_similarity_is_top3_mean
  FROM recommend('pl_chill', 30, method => 'nearest', exclude_outliers => false, max_per_artist => NULL,
                 genre_filter => false) r
  JOIN listen_wiseer.track_vectors tv ON tv.track_id = r.track_id;
-- in [0, 1]; the chill playlist's chill candidates are near 1, metal ones at 0
SELECT r.track_id ~ '^[cd]' AS chill, round(min(r.similarity)::numeric, 2) AS min_similarity,
       round(max(r.similarity)::numeric, 2) AS max_similarity
  FROM recommend('pl_chill', 30, max_per_artist => NULL, genre_filter => false) r GROUP BY 1 ORDER BY 1;

-- ---------------------------------------------------------------------------
-- A catalog arrives: more chill (artist "far") and metal (artist "ore")
-- tracks, some exactly at a playlist's centre.
-- ---------------------------------------------------------------------------
INSERT INTO lib
SELECT 'x_chill' || i, 'far', pg_temp.chill(i), false FROM generate_series(1, 9) i
UNION ALL SELECT 'x_metal' || i, 'ore', pg_temp.metal(i), false FROM generate_series(1, 9) i
UNION ALL SELECT 'x_odd' || i, 'ore', ARRAY[0.9, 0.9, -1, 0.9, 0.9, 0.9, 0.9, 0.9, 250]::real[], false
            FROM generate_series(1, 30) i;  -- far from the library: must not move its scale
SELECT pg_temp.load(true);

-- the library's statistics and vectors did not move; catalog vectors use the
-- same scale (their statistics are the library's)
SELECT s.n = b.n AND s.mean = b.mean AND s.stddev = b.stddev AND s.scale = b.scale AS library_stats_unchanged,
       s.catalog_mean = s.mean AND s.catalog_scale = s.scale AS catalog_on_library_scale
  FROM listen_wiseer.feature_stats s, stats_before b;
SELECT bool_and(tv.v::real[] = track_vector(tv.track_id)::real[]) AS every_vector_as_track_vector_says,
       count(*) AS vectors
  FROM listen_wiseer.track_vectors tv;
SELECT in_library, count(*) FROM listen_wiseer.recommend_pool GROUP BY 1 ORDER BY 1;

-- source => 'library': exactly the answers from before the catalog (the
-- playlist's evidence counts library tracks only)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE b.track_id IS DISTINCT FROM a.track_id OR b.score IS DISTINCT FROM a.score
                           OR b.similarity IS DISTINCT FROM a.similarity OR b.reason IS DISTINCT FROM a.reason) AS different
  FROM before_catalog b
  FULL JOIN (SELECT p.playlist_id, r.*
               FROM (VALUES ('pl_chill'), ('pl_metal')) p(playlist_id),
                    LATERAL recommend(p.playlist_id, 6, max_per_artist => NULL, source => 'library') r) a
    ON a.playlist_id = b.playlist_id AND a.rank = b.rank;

-- each source picks only its own tracks; reason names the catalog of a catalog
-- pick and, when the picks mix both, says "from your library" of a library pick
SELECT s.source, r.track_id ~ '^x_' AS catalog_track, count(*) AS picks,
       bool_and(CASE WHEN r.track_id ~ '^x_' THEN r.reason LIKE 'from catalog ''cat.csv''; closest to %'
                     WHEN COALESCE(s.source, 'all') = 'all' THEN r.reason LIKE 'from your library; closest to %'
                     ELSE r.reason LIKE 'closest to %' END) AS reason_says_where
  FROM (VALUES ('all'), ('library'), ('catalog'), (NULL)) s(source),
       LATERAL recommend('pl_chill', 12, max_per_artist => NULL, source => s.source) r
 GROUP BY 1, 2 ORDER BY 1, 2;
-- (three: at most max_per_artist => 3 from one artist)
SELECT rank, track_id, round(similarity::numeric, 3) AS similarity, reason
  FROM recommend('pl_metal', 4, source => 'catalog');
-- the default is 'all': the catalog's tracks at the centre come first
SELECT rank, track_id, artists FROM recommend('pl_chill', 5);

-- exact: the pruned ranking equals the exhaustive one, for every source
CREATE TEMP TABLE pruned AS
SELECT s.source, p.playlist_id, r.rank, r.track_id, r.score
  FROM (VALUES ('all'), ('library'), ('catalog')) s(source), (VALUES ('pl_chill'), ('pl_metal')) p(playlist_id),
       LATERAL recommend(p.playlist_id, 10, source => s.source) r;
SET listen_wiseer.recommend_exhaustive = on;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE x.track_id IS DISTINCT FROM p.track_id OR x.score IS DISTINCT FROM p.score) AS different
  FROM pruned p
  FULL JOIN (SELECT s.source, q.playlist_id, r.rank, r.track_id, r.score
               FROM (VALUES ('all'), ('library'), ('catalog')) s(source), (VALUES ('pl_chill'), ('pl_metal')) q(playlist_id),
                    LATERAL recommend(q.playlist_id, 10, source => s.source) r) x
    ON x.source = p.source AND x.playlist_id = p.playlist_id AND x.rank = p.rank;
RESET listen_wiseer.recommend_exhaustive;

-- ---------------------------------------------------------------------------
-- A catalog track joins the library: the pool and its counts follow (the
-- same as a rebuild), and source => 'library' now offers it.
-- ---------------------------------------------------------------------------
UPDATE listen_wiseer.tracks SET in_library = true WHERE track_id IN ('x_chill5', 'x_metal1');
CREATE TEMP TABLE kept AS
SELECT 'pool' AS t, track_id AS k, in_library::text AS v FROM listen_wiseer.recommend_pool
UNION ALL SELECT 'sig', genres::text, tracks || '/' || library_tracks FROM listen_wiseer.recommend_signatures
UNION ALL SELECT 'artist', artist_id, tracks || '/' || library_tracks FROM listen_wiseer.recommend_artist_tracks;
SELECT listen_wiseer.refresh_recommend_pool() > 0 AS rebuilt;
SELECT count(*) AS rows, count(*) FILTER (WHERE k.v IS DISTINCT FROM r.v) AS different
  FROM kept k
  FULL JOIN (SELECT 'pool' AS t, track_id AS k, in_library::text AS v FROM listen_wiseer.recommend_pool
             UNION ALL SELECT 'sig', genres::text, tracks || '/' || library_tracks FROM listen_wiseer.recommend_signatures
             UNION ALL SELECT 'artist', artist_id, tracks || '/' || library_tracks FROM listen_wiseer.recommend_artist_tracks) r
    ON r.t = k.t AND r.k = k.k;
SELECT t, k, v FROM kept WHERE t <> 'pool' ORDER BY t, k;
SELECT track_id FROM recommend('pl_chill', 30, source => 'library', max_per_artist => NULL)
 WHERE track_id ~ '^x_' ORDER BY 1;

-- ---------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------
SELECT * FROM recommend('pl_chill', source => 'spotify');
SELECT * FROM recommend('pl_chill', source => '');
