-- Timings for test/bench/recommend_demo.sh (the demo library is loaded, with
-- public.recommend_plpgsql; :first names a file of "function<TAB>playlist<TAB>ms"
-- first-call timings).
SET client_min_messages = warning;
\pset footer off

CREATE TEMP TABLE timing (label text, playlist text, ms double precision);
CREATE FUNCTION pg_temp.ms_since(t0 timestamptz) RETURNS double precision
	LANGUAGE sql AS 'SELECT extract(epoch FROM clock_timestamp() - t0) * 1000';

CREATE TEMP TABLE first_call (fn text, playlist text, ms double precision);
\set q '\\copy first_call FROM ' :'first'
:q
INSERT INTO timing SELECT fn || '(), first call in a new session', playlist, ms FROM first_call;
TRUNCATE first_call;
\set q '\\copy first_call FROM ' :'second'
:q
INSERT INTO timing SELECT fn || '(), second call in a new session (reads the pool into memory)', playlist, ms
  FROM first_call;

-- This session's first two calls: the second reads the pool into memory, so
-- the warm timings below are of calls that find it there.
SELECT count(*) > 0 AS warmed FROM listen_wiseer.playlists pl,
       LATERAL (SELECT * FROM recommend(pl.playlist_id, 20) LIMIT 1) r
 WHERE pl.playlist_id IN (SELECT playlist_id FROM listen_wiseer.playlists ORDER BY playlist_id LIMIT 2);

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
		INSERT INTO timing VALUES ('recommend(), warm', p.playlist_id, pg_temp.ms_since(t0));

		PERFORM count(*) FROM recommend_plpgsql(p.playlist_id, 20);
		t0 := clock_timestamp();
		PERFORM count(*) FROM recommend_plpgsql(p.playlist_id, 20);
		INSERT INTO timing VALUES ('recommend_plpgsql(), warm', p.playlist_id, pg_temp.ms_since(t0));

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
		INSERT INTO timing VALUES ('recommend(), every playlist in one LATERAL query', NULL, pg_temp.ms_since(t0));
		t0 := clock_timestamp();
		PERFORM count(*) FROM listen_wiseer.playlists pl CROSS JOIN LATERAL recommend_plpgsql(pl.playlist_id, 20) r;
		INSERT INTO timing VALUES ('recommend_plpgsql(), every playlist in one LATERAL query', NULL, pg_temp.ms_since(t0));
	END LOOP;
END $$;

\echo 'recommend() on the demo library (server-side ms; first call: psql \\timing):'
SELECT label, count(*) AS n,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS p95,
       round(min(ms)::numeric, 1) AS min, round(max(ms)::numeric, 1) AS max
  FROM timing GROUP BY label ORDER BY label;

CREATE FUNCTION pg_temp.p50(l text) RETURNS double precision LANGUAGE sql
	AS 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM timing WHERE label = l';
CREATE FUNCTION pg_temp.best(l text) RETURNS double precision LANGUAGE sql
	AS 'SELECT min(ms) FROM timing WHERE label = l';
SELECT round((pg_temp.p50('recommend_plpgsql(), warm') / pg_temp.p50('recommend(), warm'))::numeric, 1)
         AS "warm p50: PL/pgSQL / C",
       round((pg_temp.p50('brute force ORDER BY v <=> profile LIMIT 20') / pg_temp.p50('recommend(), warm'))::numeric, 2)
         AS "warm p50: brute force / C",
       round((pg_temp.p50('recommend_plpgsql(), first call in a new session')
              / pg_temp.p50('recommend(), first call in a new session'))::numeric, 1) AS "first call p50: PL/pgSQL / C",
       round((pg_temp.best('recommend_plpgsql(), every playlist in one LATERAL query')
              / pg_temp.best('recommend(), every playlist in one LATERAL query'))::numeric, 1) AS "LATERAL: PL/pgSQL / C";
SELECT CASE WHEN pg_temp.p50('recommend(), warm') <= 3 THEN 'yes' ELSE 'no' END AS "warm p50 <= 3 ms",
       CASE WHEN pg_temp.p50('recommend(), first call in a new session') <= 15 THEN 'yes' ELSE 'no' END
         AS "first call p50 <= 15 ms",
       CASE WHEN pg_temp.best('recommend_plpgsql(), every playlist in one LATERAL query')
                 >= 5 * pg_temp.best('recommend(), every playlist in one LATERAL query') THEN 'yes' ELSE 'no' END
         AS "LATERAL >= 5x faster";

\echo 'Exactness: rows (every column) where C and PL/pgSQL differ, every playlist, n = 30, under each option:'
CREATE TEMP TABLE opts (opt text, method text, genre_filter boolean, exclude_outliers boolean, max_per_artist int) ;
INSERT INTO opts VALUES ('defaults', 'cosine', true, true, 3), ('max_per_artist => null', 'cosine', true, true, NULL),
	('method => nearest', 'nearest', true, true, 3), ('method => centroid', 'centroid', true, true, 3),
	('genre_filter => false', 'cosine', false, true, 3), ('exclude_outliers => false', 'cosine', true, false, 3);
SELECT o.opt, count(*) AS rows,
       count(*) FILTER (WHERE x.c::text IS DISTINCT FROM x.r::text) AS different
  FROM opts o CROSS JOIN listen_wiseer.playlists pl
  CROSS JOIN LATERAL (
	SELECT c, r FROM recommend(pl.playlist_id, 30, o.method, o.genre_filter, o.exclude_outliers, o.max_per_artist) c
	FULL JOIN recommend_plpgsql(pl.playlist_id, 30, o.method, o.genre_filter, o.exclude_outliers, o.max_per_artist) r
	  ON r.rank = c.rank) x
 GROUP BY o.opt ORDER BY o.opt;
