-- Timings for test/bench/recommend_demo.sh (the demo library is loaded;
-- :first names a file of "playlist<TAB>ms" first-call timings).
SET client_min_messages = warning;
\pset footer off

CREATE TEMP TABLE timing (label text, playlist text, ms double precision);
CREATE FUNCTION pg_temp.ms_since(t0 timestamptz) RETURNS double precision
	LANGUAGE sql AS 'SELECT extract(epoch FROM clock_timestamp() - t0) * 1000';

CREATE TEMP TABLE first_call (playlist text, ms double precision);
\set q '\\copy first_call FROM ' :'first'
:q
INSERT INTO timing SELECT 'recommend(), first call in a new session', playlist, ms FROM first_call;

DO $$
DECLARE
	p    record;
	t0   timestamptz;
	prof feature_vector;
	res  text[];
BEGIN
	FOR p IN SELECT playlist_id FROM listen_wiseer.playlists ORDER BY playlist_id LOOP
		PERFORM count(*) FROM recommend(p.playlist_id, 20);
		t0 := clock_timestamp();
		PERFORM count(*) FROM recommend(p.playlist_id, 20);
		INSERT INTO timing VALUES ('recommend(playlist, 20), warm', p.playlist_id, pg_temp.ms_since(t0));

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
		INSERT INTO timing VALUES ('brute force ORDER BY v <=> profile LIMIT 20', p.playlist_id, pg_temp.ms_since(t0));
	END LOOP;
	-- every playlist in one LATERAL query, best of three
	FOR i IN 1..3 LOOP
		t0 := clock_timestamp();
		PERFORM count(*) FROM listen_wiseer.playlists pl CROSS JOIN LATERAL recommend(pl.playlist_id, 20) r;
		INSERT INTO timing VALUES ('every playlist in one LATERAL query (whole query)', NULL, pg_temp.ms_since(t0));
	END LOOP;
END $$;

\echo 'recommend() on the demo library (server-side ms; first call: psql \timing):'
SELECT label, count(*) AS n,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p95,
       round(min(ms)::numeric, 1) AS min, round(max(ms)::numeric, 1) AS max
  FROM timing GROUP BY label ORDER BY label;

SELECT round((b.p50 / r.p50)::numeric, 2) AS "brute force p50 / recommend() p50 (warm)",
       CASE WHEN r.p50 <= 3 THEN 'yes' ELSE 'no' END AS "warm p50 <= 3 ms",
       CASE WHEN f.p50 <= 15 THEN 'yes' ELSE 'no' END AS "first call p50 <= 15 ms"
  FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing WHERE label LIKE 'recommend(playlist%') r,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing WHERE label LIKE 'brute%') b,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50 FROM timing WHERE label LIKE '%first call%') f;
