-- Timings for test/bench/recommend_catalog.sh (library and catalog loaded).
SET client_min_messages = warning;
\pset footer off

SELECT (SELECT count(*) FROM listen_wiseer.recommend_pool WHERE in_library) AS library_vectors,
       (SELECT count(*) FROM listen_wiseer.recommend_pool WHERE NOT in_library) AS catalog_vectors,
       (SELECT count(*) FROM listen_wiseer.recommend_signatures) AS signatures,
       (SELECT count(*) FROM listen_wiseer.playlists) AS playlists;

-- This session's first call reads the pool by SQL, its second reads it into
-- memory (recommend_pool_cache.c): timed here, once; the warm timings below
-- find it there.
-- (DEBUG2 says how much memory the copy holds and how long reading it took)
\timing on
SELECT count(*) AS first_call FROM recommend((SELECT min(playlist_id) FROM listen_wiseer.playlists), 20);
SET client_min_messages = debug2;
SELECT count(*) AS second_call_reads_the_pool FROM recommend((SELECT min(playlist_id) FROM listen_wiseer.playlists), 20);
SET client_min_messages = warning;
\timing off

CREATE TEMP TABLE timing (label text, playlist text, members int, ms double precision, tracks text[]);
CREATE FUNCTION pg_temp.ms_since(t0 timestamptz) RETURNS double precision
	LANGUAGE sql AS 'SELECT extract(epoch FROM clock_timestamp() - t0) * 1000';

DO $$
DECLARE
	p    record;
	t0   timestamptz;
	res  text[];
	prof feature_vector;
	k    int := 0;
	src  text;
BEGIN
	FOR p IN SELECT pl.playlist_id, count(*)::int AS members
	           FROM listen_wiseer.playlists pl
	           JOIN listen_wiseer.playlist_tracks pt ON pt.playlist_id = pl.playlist_id AND pt.removed_at IS NULL
	          GROUP BY pl.playlist_id ORDER BY pl.playlist_id LOOP
		k := k + 1;
		FOREACH src IN ARRAY ARRAY['all', 'library', 'catalog'] LOOP
			PERFORM count(*) FROM recommend(p.playlist_id, 20, source => src);
			t0 := clock_timestamp();
			SELECT array_agg(r.track_id ORDER BY r.rank) INTO res FROM recommend(p.playlist_id, 20, source => src) r;
			INSERT INTO timing VALUES ('recommend(playlist, 20, source => ''' || src || '''), warm',
			                           p.playlist_id, p.members, pg_temp.ms_since(t0), res);
		END LOOP;

		-- brute force over every vector (every 4th playlist: a full scan of the catalog each)
		IF k % 4 = 1 THEN
			t0 := clock_timestamp();
			SELECT avg(tv.v) INTO prof
			  FROM listen_wiseer.track_vectors tv
			  JOIN listen_wiseer.playlist_tracks pt ON pt.track_id = tv.track_id
			 WHERE pt.playlist_id = p.playlist_id AND pt.removed_at IS NULL;
			SELECT array_agg(x.track_id) INTO res
			  FROM (SELECT tv.track_id FROM listen_wiseer.track_vectors tv
			         WHERE NOT EXISTS (SELECT FROM listen_wiseer.playlist_tracks pt
			                            WHERE pt.playlist_id = p.playlist_id AND pt.track_id = tv.track_id)
			         ORDER BY tv.v <=> prof LIMIT 20) x;
			INSERT INTO timing VALUES ('brute force ORDER BY v <=> profile LIMIT 20 (every 4th playlist)',
			                           p.playlist_id, p.members, pg_temp.ms_since(t0), res);
		END IF;

		-- every 8th playlist: the same score over the whole pool, no pruning
		IF k % 8 = 1 THEN
			PERFORM set_config('listen_wiseer.recommend_exhaustive', 'on', true);
			t0 := clock_timestamp();
			SELECT array_agg(r.track_id ORDER BY r.rank) INTO res FROM recommend(p.playlist_id, 20) r;
			INSERT INTO timing VALUES ('recommend(), pruning off (every 8th playlist)', p.playlist_id, p.members,
			                           pg_temp.ms_since(t0), res);
			PERFORM set_config('listen_wiseer.recommend_exhaustive', 'off', true);
		END IF;
	END LOOP;
END $$;

\echo
\echo 'Latency over the playlists (server-side, ms):'
SELECT label, count(*) AS playlists,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p95,
       round(max(ms)::numeric, 1) AS max
  FROM timing GROUP BY label ORDER BY p50;

SELECT round((b.p50 / r.p50)::numeric, 1) AS "brute force p50 / recommend() p50",
       CASE WHEN r.p50 <= 10 THEN 'yes' ELSE 'no' END AS "p50 <= 10 ms",
       CASE WHEN r.p95 <= 30 THEN 'yes' ELSE 'no' END AS "p95 <= 30 ms"
  FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95 FROM timing
         WHERE label = 'recommend(playlist, 20, source => ''all''), warm') r,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing
         WHERE label LIKE 'brute force%') b;

\echo 'Exactness: the pruned ranking equals the exhaustive one on every compared playlist:'
SELECT count(*) AS compared,
       count(*) FILTER (WHERE a.tracks IS DISTINCT FROM x.tracks) AS different
  FROM timing a JOIN timing x ON x.playlist = a.playlist AND x.label LIKE 'recommend(), pruning off%'
 WHERE a.label = 'recommend(playlist, 20, source => ''all''), warm';

\echo 'Where the picks come from (source => all, every playlist):'
SELECT sum(cardinality(ARRAY(SELECT u FROM unnest(t.tracks) u WHERE u IN (SELECT track_id FROM listen_wiseer.tracks WHERE in_library)))) AS library_picks,
       sum(cardinality(t.tracks)) AS picks
  FROM timing t WHERE t.label = 'recommend(playlist, 20, source => ''all''), warm';

\echo 'A library sync with the catalog in place: 50 new library tracks (features like the library''s own), committed.'
\echo 'The refresh rewrites the library''s vectors; the catalog''s only if its statistics drift by more than 0.01:'
CREATE TEMP TABLE stats_before AS SELECT catalog_mean, catalog_scale FROM listen_wiseer.feature_stats;
\timing on
BEGIN;
INSERT INTO listen_wiseer.tracks (track_id, name, in_library)
SELECT 'new' || i, 'New ' || i, true FROM generate_series(1, 50) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 'new' || i, 0, 'ba' || i FROM generate_series(1, 50) i;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 'new' || i, f.danceability, f.energy, f.key, f.loudness, f.mode, f.speechiness, f.acousticness,
       f.instrumentalness, f.liveness, f.valence, f.tempo, 'demo'
  FROM generate_series(1, 50) i JOIN listen_wiseer.audio_features f ON f.track_id = 'bt' || (i * 97);
COMMIT;
\timing off
SELECT s.catalog_mean IS NOT DISTINCT FROM b.catalog_mean AND s.catalog_scale IS NOT DISTINCT FROM b.catalog_scale
         AS catalog_vectors_kept,
       (SELECT count(*) FROM listen_wiseer.track_vectors WHERE track_id LIKE 'new%') AS new_vectors
  FROM listen_wiseer.feature_stats s, stats_before b;
