-- Timings for test/bench/recommend.sh (the library is loaded).
SET client_min_messages = warning;
\pset footer off

CREATE TEMP TABLE timing (label text, playlist text, members int, ms double precision, tracks text[]);
CREATE FUNCTION pg_temp.ms_since(t0 timestamptz) RETURNS double precision
	LANGUAGE sql AS 'SELECT extract(epoch FROM clock_timestamp() - t0) * 1000';

DO $$
DECLARE
	p      record;
	t0     timestamptz;
	res    text[];
	prof   feature_vector;
	k      int := 0;
BEGIN
	FOR p IN SELECT pl.playlist_id, count(*)::int AS members
	           FROM listen_wiseer.playlists pl
	           JOIN listen_wiseer.playlist_tracks pt ON pt.playlist_id = pl.playlist_id AND pt.removed_at IS NULL
	          GROUP BY pl.playlist_id ORDER BY pl.playlist_id LOOP
		k := k + 1;
		-- recommend(): one warm-up call, then the timed one
		PERFORM count(*) FROM recommend(p.playlist_id, 20);
		t0 := clock_timestamp();
		SELECT array_agg(r.track_id ORDER BY r.rank) INTO res FROM recommend(p.playlist_id, 20) r;
		INSERT INTO timing VALUES ('recommend(playlist, 20)', p.playlist_id, p.members, pg_temp.ms_since(t0), res);

		-- brute force: the profile, then every vector by distance to it
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
		INSERT INTO timing VALUES ('brute force ORDER BY v <=> profile LIMIT 20', p.playlist_id, p.members,
		                           pg_temp.ms_since(t0), res);

		-- every 4th playlist: the same score over the whole library, no pruning
		IF k % 4 = 1 THEN
			PERFORM set_config('listen_wiseer.recommend_exhaustive', 'on', true);
			t0 := clock_timestamp();
			SELECT array_agg(r.track_id ORDER BY r.rank) INTO res FROM recommend(p.playlist_id, 20) r;
			INSERT INTO timing VALUES ('recommend(), pruning off (every 4th playlist)', p.playlist_id, p.members,
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

SELECT round((b.p50 / r.p50)::numeric, 1) AS "speed-up p50 vs brute force",
       CASE WHEN r.p50 <= 50 THEN 'yes' ELSE 'no' END AS "p50 <= 50 ms"
  FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing
         WHERE label = 'recommend(playlist, 20)') r,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing
         WHERE label LIKE 'brute force%') b;

\echo 'Exactness: the pruned ranking equals the exhaustive one on every compared playlist:'
SELECT count(*) AS compared,
       count(*) FILTER (WHERE a.tracks IS DISTINCT FROM x.tracks) AS different
  FROM timing a JOIN timing x ON x.playlist = a.playlist AND x.label LIKE 'recommend(), pruning off%'
 WHERE a.label = 'recommend(playlist, 20)';

\echo 'By playlist size (recommend, ms):'
SELECT CASE WHEN members < 150 THEN '50-149' WHEN members < 300 THEN '150-299' ELSE '300-500' END AS members,
       count(*) AS playlists, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p50
  FROM timing WHERE label = 'recommend(playlist, 20)' GROUP BY 1 ORDER BY 1;

