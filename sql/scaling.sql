SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

SELECT listen_wiseer.feature_names();

-- a small library: energy is constant, the rest vary
INSERT INTO listen_wiseer.tracks (track_id, name) SELECT 't' || g, 'track ' || g FROM generate_series(1, 6) g;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 't' || g, g / 10.0, 0.5, g % 12, -3.0 * g, g % 2, 0.05 * g, 1 - g / 8.0, (g % 3) / 3.0, 0.1 + g / 100.0,
       g / 7.0, 80 + 15 * g, 'demo'
FROM generate_series(1, 5) g;

-- vectors were computed at commit: one per track with features, none for t6
SELECT count(*) AS vectors, count(*) FILTER (WHERE track_id = 't6') AS t6 FROM listen_wiseer.track_vectors;
SELECT n, round(mean[9]::numeric, 3) AS tempo_mean, round(stddev[9]::numeric, 3) AS tempo_sd
FROM listen_wiseer.feature_stats;

-- each component is the z-score computed independently in SQL (population stddev)
CREATE TEMP VIEW expected_z AS
SELECT f.track_id, d.i,
       CASE WHEN stddev_pop(d.x) OVER w = 0 THEN 0
            ELSE (d.x - avg(d.x) OVER w) / stddev_pop(d.x) OVER w END AS z
FROM listen_wiseer.audio_features f,
     unnest(listen_wiseer.raw_features(f)) WITH ORDINALITY AS d(x, i)
WINDOW w AS (PARTITION BY d.i);
SELECT count(*) AS components, max(abs(e.z - (tv.v::float8[])[e.i])) < 1e-5 AS matches_zscore,
       bool_and((tv.v::float8[])[2] = 0) AS constant_feature_is_zero
FROM expected_z e JOIN listen_wiseer.track_vectors tv USING (track_id);

-- track_vector() is the same function of the same statistics
SELECT bool_and(track_vector(track_id)::real[] = v::real[]) AS track_vector_agrees FROM listen_wiseer.track_vectors;
SELECT track_vector('t6') IS NULL AS no_features_no_vector;

-- weights: a user row changes the vectors at commit; weight 0 switches a feature off
INSERT INTO listen_wiseer.feature_weights VALUES ('tempo', 2.0), ('liveness', 0);
SELECT feature, weight FROM listen_wiseer.feature_scaling WHERE feature IN ('tempo', 'liveness', 'energy') ORDER BY 1;
SELECT max(abs(2 * e.z - (tv.v::float8[])[9])) < 1e-5 AS tempo_doubled,
       bool_and((tv.v::float8[])[7] = 0) AS liveness_off
FROM expected_z e JOIN listen_wiseer.track_vectors tv USING (track_id) WHERE e.i = 9;
INSERT INTO listen_wiseer.feature_weights VALUES ('key', 1);
INSERT INTO listen_wiseer.feature_weights VALUES ('tempo', -1);
DELETE FROM listen_wiseer.feature_weights;

-- kept current: a new track changes the statistics and every vector, at commit
BEGIN;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode, speechiness,
	acousticness, instrumentalness, liveness, valence, tempo, source)
VALUES ('t6', 0.9, 0.9, 1, -1, 1, 0.9, 0.1, 0.9, 0.9, 0.9, 200, 'demo');
SELECT count(*) AS before_commit FROM listen_wiseer.track_vectors;
COMMIT;
SELECT count(*) AS after_commit, (SELECT n FROM listen_wiseer.feature_stats) AS n FROM listen_wiseer.track_vectors;
SELECT count(*) AS components, max(abs(e.z - (tv.v::float8[])[e.i])) < 1e-5 AS matches_zscore
FROM expected_z e JOIN listen_wiseer.track_vectors tv USING (track_id);

-- deleting features deletes the vector
DELETE FROM listen_wiseer.audio_features WHERE track_id = 't6';
SELECT count(*) AS vectors, (SELECT n FROM listen_wiseer.feature_stats) AS n FROM listen_wiseer.track_vectors;

-- features moved to another track id take their vector along (at commit)
UPDATE listen_wiseer.audio_features SET track_id = 't6' WHERE track_id = 't5';
SELECT array_agg(track_id ORDER BY track_id) AS vectors FROM listen_wiseer.track_vectors;
UPDATE listen_wiseer.audio_features SET track_id = 't5' WHERE track_id = 't6';
-- emptied by TRUNCATE: no vectors, no statistics, nothing in the pool
BEGIN;
TRUNCATE listen_wiseer.audio_features;
SELECT (SELECT count(*) FROM listen_wiseer.track_vectors) AS vectors,
       (SELECT count(*) FROM listen_wiseer.feature_stats) AS stats,
       (SELECT count(*) FROM listen_wiseer.recommend_pool) AS pool;
ROLLBACK;

-- a bulk loader can defer the refresh and run it once
SET listen_wiseer.defer_refresh = on;
UPDATE listen_wiseer.audio_features SET tempo = tempo + 10 WHERE track_id = 't1';
SELECT (SELECT mean[9] FROM listen_wiseer.feature_stats) = (SELECT avg(tempo) FROM listen_wiseer.audio_features) AS stats_current;
SELECT listen_wiseer.refresh_vectors() AS written;
SELECT (SELECT mean[9] FROM listen_wiseer.feature_stats) = (SELECT avg(tempo) FROM listen_wiseer.audio_features) AS stats_current;
RESET listen_wiseer.defer_refresh;
-- a row written under defer_refresh queues no refresh, even if the setting is
-- switched off again before the commit
BEGIN;
SET LOCAL listen_wiseer.defer_refresh = on;
UPDATE listen_wiseer.audio_features SET tempo = tempo + 10 WHERE track_id = 't2';
SET LOCAL listen_wiseer.defer_refresh = off;
COMMIT;
SELECT (SELECT mean[9] FROM listen_wiseer.feature_stats) = (SELECT avg(tempo) FROM listen_wiseer.audio_features) AS stats_current;
SELECT listen_wiseer.refresh_vectors() > 0 AS refreshed;
-- a refresh with nothing changed writes nothing
SELECT listen_wiseer.refresh_vectors() AS written;

-- an empty library has no statistics and no vectors
DELETE FROM listen_wiseer.audio_features;
SELECT (SELECT count(*) FROM listen_wiseer.track_vectors) AS vectors, (SELECT count(*) FROM listen_wiseer.feature_stats) AS stats;

-- standardize() validates its arguments
SELECT standardize(ARRAY[1,2]::float8[], ARRAY[0,0]::float8[], ARRAY[1,1]::float8[]);
SELECT standardize(ARRAY[1,2]::float8[], ARRAY[0]::float8[], ARRAY[1,1]::float8[]);
SELECT standardize(ARRAY[1,NULL]::float8[], ARRAY[0,0]::float8[], ARRAY[1,1]::float8[]);
SELECT standardize(ARRAY[1e300]::float8[], ARRAY[0]::float8[], ARRAY[1e300]::float8[]);
