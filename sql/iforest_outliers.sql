SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- isolation_forest_outliers() and the view listen_wiseer.playlist_outliers:
-- current members only, one score per track, small playlists not judged,
-- threshold = (1 - contamination) quantile, flagged strictly above it.

-- our own vectors, written directly: keep the refresh trigger out of it
SET listen_wiseer.defer_refresh = on;

INSERT INTO listen_wiseer.tracks (track_id, name)
SELECT 't' || lpad(i::text, 2, '0'), 'track ' || i FROM generate_series(1, 60) i;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT track_id, 0.5, 0.5, 0, -10, 1, 0.1, 0.1, 0.1, 0.1, 0.5, 120, 'demo'
FROM listen_wiseer.tracks WHERE track_id <> 't32';	-- t32 has no features
-- a 9-dimensional cloud; t01 and t31 far outside it; t41..t50 all identical
INSERT INTO listen_wiseer.track_vectors (track_id, v)
SELECT track_id,
       CASE WHEN n BETWEEN 41 AND 50 THEN array_fill(0.25::float8, ARRAY[9])
       ELSE ARRAY(SELECT CASE WHEN n IN (1, 31, 51) THEN 8.0 ELSE 0.0 END
                         + hashint4(n * 100 + j)::float8 / 2147483648.0
                  FROM generate_series(1, 9) j ORDER BY j) END::feature_vector
FROM (SELECT track_id, substr(track_id, 2)::int AS n FROM listen_wiseer.audio_features) t;

INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES
	('big', 'Big playlist'), ('small', 'Seven tracks'), ('same', 'Ten identical'), ('empty', 'Nothing');
-- big: t01..t30 current, t02 twice, t31 removed (an outlier), t32 without a vector
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, occurrence, position, removed_at)
SELECT 'big', 't' || lpad(i::text, 2, '0'), 1, i, CASE WHEN i = 31 THEN now() END
FROM generate_series(1, 32) i;
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, occurrence, position)
VALUES ('big', 't02', 2, 40);
-- small: 7 tracks, one of them (t51) an outlier
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'small', 't' || lpad(i::text, 2, '0'), i FROM generate_series(51, 57) i;
-- same: ten tracks with the same vector: every score ties
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'same', 't' || lpad(i::text, 2, '0'), i FROM generate_series(41, 50) i;

-- big has 30 scored tracks: 0.95 * 29 = 27.55, so the threshold lies between
-- the 28th and 29th lowest scores and two tracks are above it; t01 is first
SELECT playlist_id, count(*) AS flagged, (array_agg(track_id ORDER BY score DESC))[1] AS top,
       bool_and(score > threshold) AS above, max(score) > 0.6 AS top_high
FROM isolation_forest_outliers()
GROUP BY playlist_id ORDER BY playlist_id;

-- the threshold is the interpolated quantile of the playlist's own scores
WITH s AS (
	SELECT track_id, isolation_forest_score(tv.v) OVER () AS score
	FROM (SELECT DISTINCT track_id FROM listen_wiseer.playlist_tracks
	      WHERE playlist_id = 'big' AND removed_at IS NULL) m
	JOIN listen_wiseer.track_vectors tv USING (track_id)
), r AS (SELECT array_agg(score ORDER BY score) AS a, count(*) AS n FROM s)
SELECT r.n AS scored,
       o.threshold > r.a[28] AND o.threshold < r.a[29] AS between_28th_and_29th,
       abs(o.threshold - (r.a[28] + 0.55 * (r.a[29] - r.a[28]))) < 1e-12 AS interpolated,
       array_agg(o.track_id ORDER BY o.score DESC) =
         (SELECT array_agg(track_id ORDER BY score DESC) FROM (SELECT * FROM s ORDER BY score DESC LIMIT 2) t)
         AS flagged_are_top2
FROM r, isolation_forest_outliers() o
GROUP BY r.n, r.a, o.threshold;

-- more contamination flags more: 0.9 * 29 = 26.1 -> three tracks
SELECT playlist_id, count(*) AS flagged, bool_and(score > threshold) AS all_above
FROM isolation_forest_outliers(0.1) GROUP BY playlist_id;

-- the view: names included, same rows as the function's defaults
SELECT playlist_name, count(*) AS flagged, (array_agg(track_name ORDER BY score DESC))[1] AS top,
       bool_and((playlist_id, track_id, score, threshold) IN
                (SELECT playlist_id, track_id, score, threshold FROM isolation_forest_outliers())) AS same_rows
FROM listen_wiseer.playlist_outliers GROUP BY playlist_name;

-- small playlists are judged once they have 8 scored tracks
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position) VALUES ('small', 't58', 58);
SELECT playlist_id, track_id FROM isolation_forest_outliers() WHERE playlist_id = 'small';

-- contamination must be in (0, 0.5]
\set VERBOSITY terse
SELECT * FROM isolation_forest_outliers(0);
SELECT * FROM isolation_forest_outliers(0.6);
SELECT * FROM isolation_forest_outliers(NULL);
SELECT * FROM isolation_forest_outliers(0.05, 0);
