-- Recommendation quality on a loaded library (run by test/eval/run.sh).
-- Hides 20% of every playlist's members, lets every method pick 20 tracks per
-- playlist, and scores the picks against the hidden members.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off

CREATE SCHEMA eval;

-- Members that can be hidden: distinct current members with audio features
-- (a track without features can be recommended by no feature-based method).
CREATE TABLE eval.members AS
SELECT DISTINCT pt.playlist_id, pt.track_id
  FROM listen_wiseer.playlist_tracks pt
  JOIN listen_wiseer.audio_features f ON f.track_id = pt.track_id
 WHERE pt.removed_at IS NULL;

-- 20% of each playlist (rounded, at least one), chosen by md5: deterministic.
CREATE TABLE eval.hidden AS
SELECT x.playlist_id, x.track_id
  FROM (SELECT m.*,
               row_number() OVER (PARTITION BY m.playlist_id ORDER BY md5(m.playlist_id || ':' || m.track_id)) AS rn,
               count(*) OVER (PARTITION BY m.playlist_id) AS cnt
          FROM eval.members m) x
 WHERE x.rn <= greatest(1, round(0.2 * x.cnt));

-- Playlists evaluated: every playlist with at least 5 such members.
CREATE TABLE eval.playlists AS
SELECT m.playlist_id FROM eval.members m GROUP BY m.playlist_id HAVING count(*) >= 5;
DELETE FROM eval.hidden h WHERE h.playlist_id NOT IN (SELECT playlist_id FROM eval.playlists);

-- Hide: the tracks stay in the library (and in other playlists), only this
-- membership is marked removed.
UPDATE listen_wiseer.playlist_tracks pt SET removed_at = '2026-01-01'
  FROM eval.hidden h
 WHERE pt.playlist_id = h.playlist_id AND pt.track_id = h.track_id AND pt.removed_at IS NULL;

-- Candidates for the baselines: tracks with audio features.
CREATE TABLE eval.current AS
SELECT DISTINCT pt.playlist_id, pt.track_id FROM listen_wiseer.playlist_tracks pt WHERE pt.removed_at IS NULL;
CREATE INDEX ON eval.current (playlist_id, track_id);
ANALYZE eval.current;

CREATE TABLE eval.recs (method text, playlist_id text, rank int, track_id text, ms double precision);
CREATE TABLE eval.timing (method text, playlist_id text, ms double precision);

-- ---- baseline: random (deterministic) ----
INSERT INTO eval.recs (method, playlist_id, rank, track_id)
SELECT 'random', p.playlist_id, r.rank, r.track_id
  FROM eval.playlists p
  CROSS JOIN LATERAL (
	SELECT f.track_id, row_number() OVER (ORDER BY md5('random:' || p.playlist_id || ':' || f.track_id)) AS rank
	  FROM listen_wiseer.audio_features f
	 WHERE NOT EXISTS (SELECT FROM eval.current c WHERE c.playlist_id = p.playlist_id AND c.track_id = f.track_id)
	 ORDER BY md5('random:' || p.playlist_id || ':' || f.track_id) LIMIT 20) r;

-- ---- baseline: most popular ----
INSERT INTO eval.recs (method, playlist_id, rank, track_id)
SELECT 'most popular', p.playlist_id, r.rank, r.track_id
  FROM eval.playlists p
  CROSS JOIN LATERAL (
	SELECT t.track_id, row_number() OVER (ORDER BY t.popularity DESC NULLS LAST, t.track_id) AS rank
	  FROM listen_wiseer.tracks t
	  JOIN listen_wiseer.audio_features f ON f.track_id = t.track_id
	 WHERE NOT EXISTS (SELECT FROM eval.current c WHERE c.playlist_id = p.playlist_id AND c.track_id = t.track_id)
	 ORDER BY t.popularity DESC NULLS LAST, t.track_id LIMIT 20) r;

-- ---- baseline: centroid cosine on unscaled features ----
CREATE TABLE eval.raw AS
SELECT f.track_id, listen_wiseer.raw_features(f) AS x FROM listen_wiseer.audio_features f;
CREATE TABLE eval.raw_centroid AS
SELECT c.playlist_id, array_agg(c.a ORDER BY c.i) AS x
  FROM (SELECT m.playlist_id, u.i, avg(u.x) AS a
          FROM eval.current m JOIN eval.raw r ON r.track_id = m.track_id,
               unnest(r.x) WITH ORDINALITY AS u(x, i)
         GROUP BY m.playlist_id, u.i) c
 GROUP BY c.playlist_id;
INSERT INTO eval.recs (method, playlist_id, rank, track_id)
SELECT 'centroid, unscaled', p.playlist_id, r.rank, r.track_id
  FROM eval.playlists p
  JOIN eval.raw_centroid pc ON pc.playlist_id = p.playlist_id
  CROSS JOIN LATERAL (
	SELECT x.track_id, row_number() OVER (ORDER BY cosine_distance(x.x, pc.x), x.track_id) AS rank
	  FROM eval.raw x
	 WHERE NOT EXISTS (SELECT FROM eval.current c WHERE c.playlist_id = p.playlist_id AND c.track_id = x.track_id)
	 ORDER BY cosine_distance(x.x, pc.x), x.track_id LIMIT 20) r;

-- ---- baseline: the original listen-wiseer method ----
-- Min-max scaled features; for every member the most cosine-similar track with
-- the same first genre (the primary artist's first genre), falling back to the
-- same top genre (genre_map family); the picks ranked by that similarity.
CREATE TABLE eval.mm AS
SELECT r.track_id,
       array_agg(CASE WHEN s.hi > s.lo THEN (u.x - s.lo) / (s.hi - s.lo) ELSE 0 END ORDER BY u.i) AS x
  FROM eval.raw r, unnest(r.x) WITH ORDINALITY AS u(x, i),
       LATERAL (SELECT min(r2.x[u.i]) AS lo, max(r2.x[u.i]) AS hi FROM eval.raw r2) s
 GROUP BY r.track_id;
CREATE TABLE eval.first_genre AS
SELECT m.track_id, a.genres[1] AS genre, (genre_map(a.genres[1])).family AS family, m.x
  FROM eval.mm m
  LEFT JOIN listen_wiseer.track_artists ta ON ta.track_id = m.track_id AND ta.position = 0
  LEFT JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id;
CREATE INDEX ON eval.first_genre (genre);
CREATE INDEX ON eval.first_genre (family);
ANALYZE eval.first_genre;
INSERT INTO eval.recs (method, playlist_id, rank, track_id)
SELECT 'original (per-member, same genre)', q.playlist_id,
       row_number() OVER (PARTITION BY q.playlist_id ORDER BY q.d, q.track_id), q.track_id
  FROM (
	SELECT DISTINCT ON (picks.playlist_id, picks.track_id) picks.playlist_id, picks.track_id, picks.d
	  FROM (
		SELECT m.playlist_id, best.track_id, best.d
		  FROM eval.current m
		  JOIN eval.playlists p ON p.playlist_id = m.playlist_id
		  JOIN eval.first_genre mg ON mg.track_id = m.track_id
		  CROSS JOIN LATERAL (
			SELECT u.track_id, u.d FROM (
				(SELECT c.track_id, cosine_distance(mg.x, c.x) AS d, 1 AS tier
				   FROM eval.first_genre c
				  WHERE c.genre = mg.genre
				    AND NOT EXISTS (SELECT FROM eval.current x WHERE x.playlist_id = m.playlist_id AND x.track_id = c.track_id)
				  ORDER BY 2, 1 LIMIT 1)
				UNION ALL
				(SELECT c.track_id, cosine_distance(mg.x, c.x) AS d, 2 AS tier
				   FROM eval.first_genre c
				  WHERE c.family = mg.family
				    AND NOT EXISTS (SELECT FROM eval.current x WHERE x.playlist_id = m.playlist_id AND x.track_id = c.track_id)
				  ORDER BY 2, 1 LIMIT 1)) u
			 ORDER BY u.tier LIMIT 1) best
	  ) picks
	 ORDER BY picks.playlist_id, picks.track_id, picks.d
  ) q;
DELETE FROM eval.recs WHERE method = 'original (per-member, same genre)' AND rank > 20;

-- ---- recommend() and variants (one call per playlist, timed) ----
CREATE FUNCTION eval.run(label text, call text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	p record;
	t0 timestamptz;
BEGIN
	FOR p IN SELECT playlist_id FROM eval.playlists ORDER BY playlist_id LOOP
		t0 := clock_timestamp();
		EXECUTE format('INSERT INTO eval.recs (method, playlist_id, rank, track_id)
		                SELECT %L, %L, r.rank, r.track_id FROM ' || call || ' r',
		               label, p.playlist_id, p.playlist_id);
		INSERT INTO eval.timing VALUES (label, p.playlist_id,
		                                extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
END $$;

DO $$ BEGIN
	PERFORM eval.run('recommend()', 'recommend(%L, 20)');
	PERFORM eval.run('  method => centroid', 'recommend(%L, 20, method => ''centroid'')');
	PERFORM eval.run('  method => nearest', 'recommend(%L, 20, method => ''nearest'')');
	PERFORM eval.run('  genre_filter => false', 'recommend(%L, 20, genre_filter => false)');
	PERFORM eval.run('  exclude_outliers => false', 'recommend(%L, 20, exclude_outliers => false)');
	PERFORM eval.run('  max_per_artist => null', 'recommend(%L, 20, max_per_artist => null)');
END $$;

-- ---- metrics ----
-- recall@20 = hidden members among the 20 picks / hidden members;
-- NDCG@20 with binary relevance, ideal DCG over min(20, hidden) hits.
CREATE VIEW eval.per_playlist AS
WITH h AS (SELECT playlist_id, count(*)::float8 AS nh FROM eval.hidden GROUP BY playlist_id),
     m AS (SELECT DISTINCT method FROM eval.recs)
SELECT m.method, h.playlist_id,
       (SELECT count(*) FROM eval.recs r JOIN eval.hidden x ON x.playlist_id = r.playlist_id AND x.track_id = r.track_id
         WHERE r.method = m.method AND r.playlist_id = h.playlist_id AND r.rank <= 20) / h.nh AS recall,
       COALESCE((SELECT sum(1 / log(2, r.rank + 1)) FROM eval.recs r
                   JOIN eval.hidden x ON x.playlist_id = r.playlist_id AND x.track_id = r.track_id
                  WHERE r.method = m.method AND r.playlist_id = h.playlist_id AND r.rank <= 20), 0)
         / (SELECT sum(1 / log(2, i + 1)) FROM generate_series(1, least(20, h.nh::int)) i) AS ndcg
  FROM m CROSS JOIN h;

\echo
SELECT (SELECT count(*) FROM eval.playlists) AS playlists,
       (SELECT count(*) FROM eval.hidden) AS hidden_members,
       (SELECT count(*) FROM listen_wiseer.audio_features) AS tracks_with_features;

-- Diagnostics from the generator's ground truth (eval_truth, loaded by run.sh):
-- theme precision = share of the picks from the playlist's own theme.
CREATE VIEW eval.theme_precision AS
SELECT r.method, avg((tt.theme = pt.theme)::int) AS prec
  FROM eval.recs r
  JOIN public.eval_truth tt ON tt.kind = 'track' AND tt.id = r.track_id
  JOIN public.eval_truth pt ON pt.kind = 'playlist' AND pt.id = r.playlist_id
 WHERE r.rank <= 20
 GROUP BY r.method;
-- A reference: the expected recall@20 of a ranker that knows every track's
-- theme and picks at random within it. Not a ceiling: the generator fills a
-- playlist mostly from some of its theme's artists and micro-genres.
CREATE VIEW eval.theme_random AS
SELECT avg(least(1.0, 20.0 / pool)) AS recall
  FROM (SELECT p.playlist_id, count(*) AS pool
          FROM eval.playlists p
          JOIN public.eval_truth pt ON pt.kind = 'playlist' AND pt.id = p.playlist_id
          JOIN public.eval_truth tt ON tt.kind = 'track' AND tt.theme = pt.theme
          JOIN listen_wiseer.audio_features f ON f.track_id = tt.id
         WHERE NOT EXISTS (SELECT FROM eval.current c WHERE c.playlist_id = p.playlist_id AND c.track_id = tt.id)
         GROUP BY p.playlist_id) x;
-- The ceiling: an oracle that knows how the generator chose the members (each
-- track's theme and its artist's affinity to the theme's playlist, i.e. its
-- probability of having been placed there) ranks the candidates of the
-- playlist's theme by that probability (ties by md5). A candidate's chance of
-- being a hidden member grows with it, so no ranker does better in expectation,
-- apart from the few cross-over tracks from neighbouring themes and misfits
-- (which the oracle never picks).
INSERT INTO eval.recs (method, playlist_id, rank, track_id)
SELECT '(ceiling: oracle, knows the generator''s odds)', p.playlist_id, r.rank, r.track_id
  FROM eval.playlists p
  JOIN public.eval_truth pt ON pt.kind = 'playlist' AND pt.id = p.playlist_id
  CROSS JOIN LATERAL (
	SELECT tt.id AS track_id,
	       row_number() OVER (ORDER BY tt.p DESC, md5('oracle:' || p.playlist_id || ':' || tt.id)) AS rank
	  FROM public.eval_truth tt
	  JOIN listen_wiseer.audio_features f ON f.track_id = tt.id
	 WHERE tt.kind = 'track' AND tt.theme = pt.theme
	   AND NOT EXISTS (SELECT FROM eval.current c WHERE c.playlist_id = p.playlist_id AND c.track_id = tt.id)
	 ORDER BY tt.p DESC, md5('oracle:' || p.playlist_id || ':' || tt.id) LIMIT 20) r;

SELECT * FROM (
WITH s AS (
	SELECT method, avg(recall) AS recall, avg(ndcg) AS ndcg FROM eval.per_playlist GROUP BY method
), o AS (SELECT recall, ndcg FROM s WHERE method = 'original (per-member, same genre)')
SELECT s.method,
       round(s.recall::numeric, 4) AS "recall@20",
       round(s.ndcg::numeric, 4) AS "NDCG@20",
       round((s.recall / NULLIF(o.recall, 0))::numeric, 2) AS "recall vs original",
       round(tp.prec::numeric, 3) AS "theme precision",
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms)::numeric, 1)
          FROM eval.timing t WHERE t.method = s.method) AS "ms p50"
  FROM s CROSS JOIN o LEFT JOIN eval.theme_precision tp ON tp.method = s.method
UNION ALL
SELECT '(theme known, random within it)', round(c.recall::numeric, 4), NULL,
       round((c.recall / NULLIF(o.recall, 0))::numeric, 2), 1.000, NULL
  FROM eval.theme_random c, (SELECT recall FROM s WHERE method = 'original (per-member, same genre)') o
 ) t
 ORDER BY t.method LIKE '  %', t.method LIKE '(%', t."recall@20" DESC;

-- The targets: full method >= 1.5x the original's recall@20 and ahead of every baseline.
WITH s AS (SELECT method, avg(recall) AS recall FROM eval.per_playlist GROUP BY method)
SELECT CASE WHEN f.recall >= 1.5 * o.recall
             AND f.recall > ALL (SELECT b.recall FROM s b WHERE b.method NOT LIKE '  %' AND b.method NOT LIKE '(%'
                                                AND b.method <> 'recommend()')
            THEN 'PASS' ELSE 'FAIL' END AS "target (>= 1.5x original recall@20, ahead of every baseline)",
       round((f.recall / NULLIF(o.recall, 0))::numeric, 2) AS "recall@20 ratio vs original"
  FROM s f, s o
 WHERE f.method = 'recommend()' AND o.method = 'original (per-member, same genre)';
