SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- recommend(playlist): a small library whose right answers are obvious by
-- construction.  Two moods: "chill" (quiet, acoustic, slow) and "metal" (loud,
-- energetic, fast).  Artists carry Spotify genres: chillhop / lo-fi beats map to
-- family hip hop, group instrumental; jazz to family jazz, group instrumental;
-- heavy / thrash metal to family metal, group acoustic.

INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('calm',  'Calm Collective', '{chillhop,lo-fi beats}'),
	('drift', 'Drift Tapes',     '{chillhop}'),
	('haze',  'Haze Loops',      '{lo-fi beats}'),
	('jazzy', 'Blue Room',       '{jazz}'),
	('anon',  'Anonymous Hum',   NULL),
	('iron',  'Iron Gate',       '{heavy metal}'),
	('steel', 'Steel Choir',     '{heavy metal,thrash metal}');

-- features: chill(i) and metal(i) are small, regular variations around two centres
CREATE FUNCTION pg_temp.chill(i int) RETURNS real[] LANGUAGE sql AS $$
	SELECT ARRAY[0.50 + 0.01 * (i - 5), 0.20 + 0.01 * (i - 5), -15 + 0.2 * (i - 5), 0.05,
	             0.80 - 0.01 * (i - 5), 0.80, 0.10, 0.30 + 0.01 * (i - 5), 80 + (i - 5)]::real[] $$;
CREATE FUNCTION pg_temp.metal(i int) RETURNS real[] LANGUAGE sql AS $$
	SELECT ARRAY[0.30 + 0.01 * (i - 5), 0.95 - 0.005 * (i - 5), -4 + 0.1 * (i - 5), 0.08,
	             0.02, 0.10 + 0.01 * (i - 5), 0.20, 0.40 + 0.01 * (i - 5), 160 + (i - 5)]::real[] $$;

CREATE TEMP TABLE lib (track_id text, artist_id text, f real[]);
INSERT INTO lib
SELECT 'c0' || i, 'calm', pg_temp.chill(i) FROM generate_series(1, 9) i      -- chill members
UNION ALL SELECT 'c10', 'calm', pg_temp.metal(5)                             -- misfit in chill
UNION ALL SELECT 'm0' || i, 'iron', pg_temp.metal(i) FROM generate_series(1, 8) i  -- metal members
UNION ALL SELECT 'm09', 'iron', pg_temp.chill(5)                             -- misfit in metal
UNION ALL VALUES
	('k_drift1', 'drift', pg_temp.chill(5)),   -- the chill centre, chill genre
	('k_drift2', 'drift', pg_temp.chill(8)),   -- a bit off the centre
	('k_drift3', 'drift', pg_temp.chill(1)),   -- further off; third by drift
	('k_jazz', 'jazzy', pg_temp.chill(5)),     -- chill sound, other family, same group
	('k_anon', 'anon', pg_temp.chill(5)),      -- chill sound, genres unknown
	('k_steel_chill', 'steel', pg_temp.chill(5)),  -- chill sound, metal genres
	('k_steel1', 'steel', pg_temp.metal(5)),   -- the metal centre, metal genre
	('k_haze_loud', 'haze', pg_temp.metal(5)), -- chill genre, metal sound
	('k_nofeat', 'drift', NULL),               -- no audio features
	('s_only', 'anon', NULL);                  -- no audio features

INSERT INTO listen_wiseer.tracks (track_id, name, popularity)
SELECT track_id, 'Track ' || track_id, 50 FROM lib;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT track_id, 0, artist_id FROM lib;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
VALUES ('k_jazz', 1, 'anon');  -- a featured artist
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT track_id, f[1], f[2], 0, f[3], 1, f[4], f[5], f[6], f[7], f[8], f[9], 'demo'
  FROM lib WHERE f IS NOT NULL;

INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES
	('pl_chill', 'Chill'), ('pl_metal', 'Metal'), ('pl_mix_a', 'Mix'), ('pl_mix_b', 'mix'),
	('pl_silent', 'Silent'), ('pl_solo', 'Solo'), ('pl_all', 'Everything'), ('pl_empty', 'Empty');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'pl_chill', track_id, row_number() OVER (ORDER BY track_id) FROM lib WHERE track_id ~ '^c'
UNION ALL SELECT 'pl_metal', track_id, row_number() OVER (ORDER BY track_id) FROM lib WHERE track_id ~ '^m'
UNION ALL VALUES ('pl_mix_a', 'c01', 0), ('pl_mix_b', 'm01', 0),
	('pl_silent', 'k_nofeat', 0), ('pl_silent', 's_only', 1),
	('pl_solo', 'c05', 0);
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'pl_all', track_id, row_number() OVER (ORDER BY track_id) FROM lib;
-- a member removed from the chill playlist is a candidate again
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position, removed_at)
VALUES ('pl_chill', 'k_drift3', 99, '2026-01-01');

-- The pool holds every track with features, with its genres, families and groups.
SELECT track_id, artist_ids, genres, families, groups
  FROM listen_wiseer.recommend_pool ORDER BY track_id;
SELECT (SELECT count(*) FROM listen_wiseer.recommend_pool) = (SELECT count(*) FROM listen_wiseer.track_vectors) AS pool_complete;

-- ---------------------------------------------------------------------------
-- Rankings
-- ---------------------------------------------------------------------------
-- Chill: the three chillhop tracks of drift first (the centre, then the off
-- ones: the genre the playlist holds most of, max_per_artist = 3), then the
-- lo-fi track with a metal sound (the playlist's genre, and it sounds like
-- the playlist's own misfit c10, so the forest isolates it no more than a
-- member: not an outlier by the candidate rule), then jazz (same group, other
-- family), then the unknown-genre track.  The metal-genre tracks are outside
-- the playlist's group mix.
SELECT rank, track_id, track_name, artists, genre_group FROM recommend('chill');
-- scores are descending, and higher is better
SELECT bool_and(score > next_score) AS strictly_descending
  FROM (SELECT score, lead(score) OVER (ORDER BY rank) AS next_score FROM recommend('chill')) s
 WHERE next_score IS NOT NULL;
SELECT rank, reason FROM recommend('chill', 2);

-- Metal: the metal-centre track, then the metal-genre track with a chill sound
-- and the unknown-genre track (they sound like the playlist's own misfit m09:
-- out of the profile, but not more isolated than every member).  The
-- chill-genre tracks are outside the playlist's group mix.
SELECT rank, track_id, genre_group FROM recommend('Metal');
SELECT rank, track_id, genre_group FROM recommend('Metal', exclude_outliers => false);

-- Switches
SELECT array_agg(track_id ORDER BY rank) AS no_artist_limit FROM recommend('chill', max_per_artist => NULL);
SELECT array_agg(track_id ORDER BY rank) AS one_per_artist FROM recommend('chill', max_per_artist => 1);
SELECT array_agg(track_id ORDER BY rank) AS outliers_kept FROM recommend('chill', exclude_outliers => false);
SELECT array_agg(track_id ORDER BY rank) AS no_genre_filter FROM recommend('chill', genre_filter => false);
SELECT array_agg(track_id ORDER BY rank) AS top3_centroid FROM recommend('chill', 3, method => 'centroid');
SELECT array_agg(track_id ORDER BY rank) AS top3_nearest FROM recommend('chill', 3, method => 'nearest');

-- exclude_outliers drops exactly the candidates the playlist's forest (fitted
-- on its members in track id order, as recommend() does) scores above every
-- member: with every playlist of 8+ members and n large enough for all, the
-- picks are the picks without the filter minus exactly those.
CREATE TEMP TABLE forest_check AS
WITH pl AS (
	SELECT pt.playlist_id, array_agg(tv.v ORDER BY tv.track_id) AS vs
	  FROM listen_wiseer.playlist_tracks pt JOIN listen_wiseer.track_vectors tv USING (track_id)
	 WHERE pt.removed_at IS NULL GROUP BY pt.playlist_id HAVING count(*) >= 8
), fit AS (
	SELECT pl.playlist_id, pl.vs, (SELECT isolation_forest(x.v ORDER BY x.i) FROM unnest(pl.vs) WITH ORDINALITY x(v, i)) AS model
	  FROM pl
)
SELECT fit.playlist_id,
       (SELECT max(isolation_forest_score(fit.model, x.v)) FROM unnest(fit.vs) x(v)) AS cut,
       fit.model
  FROM fit;
SELECT f.playlist_id,
       (SELECT array_agg(r.track_id ORDER BY r.track_id) FROM recommend(f.playlist_id, 1000, max_per_artist => NULL,
                                                                exclude_outliers => false) r
         WHERE isolation_forest_score(f.model, (SELECT v FROM listen_wiseer.track_vectors tv WHERE tv.track_id = r.track_id)) <= f.cut)
       IS NOT DISTINCT FROM
       (SELECT array_agg(r.track_id ORDER BY r.track_id) FROM recommend(f.playlist_id, 1000, max_per_artist => NULL) r)
       AS filter_is_the_rule,
       (SELECT count(*) FROM recommend(f.playlist_id, 1000, max_per_artist => NULL, exclude_outliers => false) r
         WHERE isolation_forest_score(f.model, (SELECT v FROM listen_wiseer.track_vectors tv WHERE tv.track_id = r.track_id)) > f.cut)
       AS dropped
  FROM forest_check f ORDER BY 1;

-- The pruned search (genre signatures, lazy nearest-members term) returns
-- exactly what scoring every candidate returns, for every playlist and switch.
SET client_min_messages = warning;
CREATE TEMP TABLE pruned AS
SELECT p.playlist_id, o.opt, r.rank, r.track_id, round(r.score::numeric, 9) AS score
  FROM listen_wiseer.playlists p,
       (VALUES ('default'), ('no filter'), ('one per artist'), ('centroid'), ('nearest')) o(opt),
       LATERAL (SELECT * FROM recommend(p.playlist_id, 3,
                    method => CASE o.opt WHEN 'centroid' THEN 'centroid' WHEN 'nearest' THEN 'nearest' ELSE 'cosine' END,
                    genre_filter => o.opt <> 'no filter',
                    max_per_artist => CASE o.opt WHEN 'one per artist' THEN 1 ELSE 2 END)) r;
SET listen_wiseer.recommend_exhaustive = on;
CREATE TEMP TABLE exhaustive AS
SELECT p.playlist_id, o.opt, r.rank, r.track_id, round(r.score::numeric, 9) AS score
  FROM listen_wiseer.playlists p,
       (VALUES ('default'), ('no filter'), ('one per artist'), ('centroid'), ('nearest')) o(opt),
       LATERAL (SELECT * FROM recommend(p.playlist_id, 3,
                    method => CASE o.opt WHEN 'centroid' THEN 'centroid' WHEN 'nearest' THEN 'nearest' ELSE 'cosine' END,
                    genre_filter => o.opt <> 'no filter',
                    max_per_artist => CASE o.opt WHEN 'one per artist' THEN 1 ELSE 2 END)) r;
RESET listen_wiseer.recommend_exhaustive;
RESET client_min_messages;
SELECT (SELECT count(*) FROM pruned) AS rows_compared,
       (SELECT count(*) FROM ((TABLE pruned EXCEPT TABLE exhaustive) UNION ALL (TABLE exhaustive EXCEPT TABLE pruned)) d)
         AS differences;

-- The playlist by id, by name in any case: the same answer.
SELECT (SELECT array_agg(track_id ORDER BY rank) FROM recommend('pl_chill'))
     = (SELECT array_agg(track_id ORDER BY rank) FROM recommend('CHILL')) AS id_and_name_agree;

-- ---------------------------------------------------------------------------
-- Edge cases
-- ---------------------------------------------------------------------------
-- tracks without audio features are never recommended
SELECT count(*) AS featureless_recommended
  FROM recommend('chill', 1000, genre_filter => false, exclude_outliers => false, max_per_artist => NULL)
 WHERE track_id IN ('k_nofeat', 's_only');
-- n larger than the library: every track with features that is not a current member
SELECT count(*) = (SELECT count(*) FROM listen_wiseer.track_vectors) - 10 AS all_candidates
  FROM recommend('chill', 1000000, genre_filter => false, exclude_outliers => false, max_per_artist => NULL);
SELECT count(*) = (SELECT count(*) FROM listen_wiseer.track_vectors) - 10 AS all_candidates_max_n
  FROM recommend('chill', 2147483647, genre_filter => false, exclude_outliers => false, max_per_artist => NULL);
-- n = 0: nothing
SELECT count(*) AS n_zero FROM recommend('chill', 0);
-- a playlist of one track
SELECT rank, track_id FROM recommend('Solo', 3);
-- a playlist whose tracks have no audio features: a notice and no rows
SELECT count(*) AS silent FROM recommend('silent');
-- a playlist with no current members at all
SELECT count(*) AS empty FROM recommend('Empty');
-- everything is already in the playlist
SELECT count(*) AS everything FROM recommend('everything', 50, genre_filter => false, max_per_artist => NULL);

-- errors
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT * FROM recommend('mix');
SELECT * FROM recommend('no such list');
SELECT * FROM recommend(NULL);
SELECT * FROM recommend('chill', -1);
SELECT * FROM recommend('chill', NULL);
SELECT * FROM recommend('chill', max_per_artist => 0);
SELECT * FROM recommend('chill', method => 'magic');
\set VERBOSITY terse
\set SHOW_CONTEXT errors
-- the SQLSTATEs
CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
SELECT q, pg_temp.sqlstate_of(q) FROM (VALUES
	('SELECT * FROM recommend(''mix'')'),
	('SELECT * FROM recommend(''no such list'')'),
	('SELECT * FROM recommend(NULL)'),
	('SELECT * FROM recommend(''chill'', -1)'),
	('SELECT * FROM recommend(''chill'', max_per_artist => 0)'),
	('SELECT * FROM recommend(''chill'', method => ''magic'')'),
	('SELECT * FROM recommend(''chill'')')) v(q);
-- an ambiguous name still works by id
SELECT count(*) > 0 AS by_id FROM recommend('pl_mix_a');

-- ---------------------------------------------------------------------------
-- Declared properties: STABLE, fixed search_path
-- ---------------------------------------------------------------------------
SELECT p.provolatile, p.proconfig
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proname = 'recommend' AND n.nspname = 'public';

-- ---------------------------------------------------------------------------
-- search_path safety: a hostile schema first in the path, with a fake <=>,
-- fake tables and a fake lower(), changes nothing.
-- ---------------------------------------------------------------------------
SELECT array_agg(track_id ORDER BY rank) AS expected FROM recommend('chill', 5, max_per_artist => NULL) \gset
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.fake_distance(feature_vector, feature_vector) RETURNS double precision
	LANGUAGE sql AS 'SELECT 0.0::float8';
CREATE OPERATOR hostile.<=> (LEFTARG = feature_vector, RIGHTARG = feature_vector,
	FUNCTION = hostile.fake_distance);
CREATE FUNCTION hostile.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''metal''::text';
CREATE FUNCTION hostile.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.text_eq);
CREATE TABLE hostile.playlists (playlist_id text, name text);
INSERT INTO hostile.playlists VALUES ('pl_metal', 'chill');
CREATE TABLE hostile.recommend_pool (LIKE listen_wiseer.recommend_pool);
CREATE TABLE hostile.track_vectors (track_id text, v feature_vector);
SET search_path = hostile, public, pg_catalog;
SELECT array_agg(track_id ORDER BY rank) AS got FROM public.recommend('chill', 5, max_per_artist => NULL) \gset
RESET search_path;
SELECT :'got' = :'expected' AS hostile_path_same, :'got' AS got;
DROP SCHEMA hostile CASCADE;

-- ---------------------------------------------------------------------------
-- A read-only BI role: SELECT on the tables, USAGE and EXECUTE only, and a
-- read-only transaction.
-- ---------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS lw_recommend_reader;
RESET client_min_messages;
CREATE ROLE lw_recommend_reader NOLOGIN;
GRANT USAGE ON SCHEMA listen_wiseer TO lw_recommend_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA listen_wiseer TO lw_recommend_reader;
SET ROLE lw_recommend_reader;
BEGIN READ ONLY;
SELECT array_agg(track_id ORDER BY rank)::text = :'expected' AS reader_same
  FROM recommend('chill', 5, max_per_artist => NULL);
COMMIT;
-- rebuilding the pool is not for every role
SELECT listen_wiseer.refresh_recommend_pool();
RESET ROLE;
DROP OWNED BY lw_recommend_reader;
DROP ROLE lw_recommend_reader;

-- ---------------------------------------------------------------------------
-- The pool follows the library.
-- ---------------------------------------------------------------------------
-- an artist's genres change
UPDATE listen_wiseer.artists SET genres = '{jazz,bebop}' WHERE artist_id = 'anon';
SELECT track_id, genres, families, groups FROM listen_wiseer.recommend_pool
 WHERE track_id IN ('k_anon', 'k_jazz') ORDER BY track_id;
-- a credit is added
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id) VALUES ('k_steel1', 1, 'iron');
SELECT artist_ids FROM listen_wiseer.recommend_pool WHERE track_id = 'k_steel1';
-- a track is deleted; another loses its features
DELETE FROM listen_wiseer.tracks WHERE track_id = 'k_drift3';
DELETE FROM listen_wiseer.audio_features WHERE track_id = 'k_jazz';
SELECT count(*) AS gone FROM listen_wiseer.recommend_pool WHERE track_id IN ('k_drift3', 'k_jazz');
-- features arrive for a track
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 'k_nofeat', f[1], f[2], 0, f[3], 1, f[4], f[5], f[6], f[7], f[8], f[9], 'demo'
  FROM (SELECT pg_temp.chill(6) AS f) x;
SELECT track_id, genres FROM listen_wiseer.recommend_pool WHERE track_id = 'k_nofeat';
-- the incrementally kept signatures equal a recount
SELECT count(*) AS signature_differences_incremental FROM (
	(SELECT genres, tracks FROM listen_wiseer.recommend_signatures
	 EXCEPT SELECT genres, count(*) FROM listen_wiseer.recommend_pool WHERE genres <> '{}' GROUP BY genres)
	UNION ALL
	(SELECT genres, count(*) FROM listen_wiseer.recommend_pool WHERE genres <> '{}' GROUP BY genres
	 EXCEPT SELECT genres, tracks FROM listen_wiseer.recommend_signatures)) d;
-- and so do the artists' track counts (a credit added, a track deleted,
-- features lost and gained above; rows of 0 read as no row)
CREATE TEMP VIEW artist_recount AS
	SELECT a.id AS artist_id, count(DISTINCT p.track_id) AS tracks
	  FROM listen_wiseer.recommend_pool p, unnest(p.artist_ids) a(id) GROUP BY a.id;
CREATE TEMP VIEW artist_count_differences AS
	SELECT count(*) AS n FROM (
	(SELECT artist_id, tracks FROM listen_wiseer.recommend_artist_tracks WHERE tracks > 0
	 EXCEPT SELECT * FROM artist_recount)
	UNION ALL
	(SELECT * FROM artist_recount
	 EXCEPT SELECT artist_id, tracks FROM listen_wiseer.recommend_artist_tracks)) d;
SELECT n AS artist_count_differences_incremental FROM artist_count_differences;
SELECT tracks FROM listen_wiseer.recommend_artist_tracks WHERE artist_id = 'iron';
-- an artist credited twice on one track counts it once
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id) VALUES ('k_steel1', 2, 'iron');
SELECT artist_ids FROM listen_wiseer.recommend_pool WHERE track_id = 'k_steel1';
SELECT tracks FROM listen_wiseer.recommend_artist_tracks WHERE artist_id = 'iron';
-- the incrementally kept pool equals a rebuild, vectors included
CREATE TEMP TABLE pool_before AS SELECT track_id, artist_ids, genres, families, groups, v::text AS v
  FROM listen_wiseer.recommend_pool;
SELECT listen_wiseer.refresh_recommend_pool() = (SELECT count(*) FROM listen_wiseer.track_vectors) AS rebuilt;
SELECT count(*) AS differences FROM (
	(SELECT * FROM pool_before EXCEPT SELECT track_id, artist_ids, genres, families, groups, v::text FROM listen_wiseer.recommend_pool)
	UNION ALL
	(SELECT track_id, artist_ids, genres, families, groups, v::text FROM listen_wiseer.recommend_pool EXCEPT SELECT * FROM pool_before)) d;
-- the genre signatures too: counts equal a recount
SELECT count(*) AS signature_differences FROM (
	(SELECT genres, families, groups, tracks FROM listen_wiseer.recommend_signatures
	 EXCEPT SELECT genres, min(families), min(groups), count(*) FROM listen_wiseer.recommend_pool
	         WHERE genres <> '{}' GROUP BY genres)
	UNION ALL
	(SELECT genres, min(families), min(groups), count(*) FROM listen_wiseer.recommend_pool
	  WHERE genres <> '{}' GROUP BY genres
	 EXCEPT SELECT genres, families, groups, tracks FROM listen_wiseer.recommend_signatures)) d;
-- and the artists' track counts equal a recount (the twice-credited artist once)
SELECT n AS artist_count_differences_rebuilt FROM artist_count_differences;
SELECT genres, tracks FROM listen_wiseer.recommend_signatures ORDER BY genres;
SELECT count(*) AS artist_count_differences FROM (
	(SELECT artist_id, tracks FROM listen_wiseer.recommend_artist_tracks
	 EXCEPT SELECT * FROM artist_recount)
	UNION ALL
	(SELECT * FROM artist_recount
	 EXCEPT SELECT artist_id, tracks FROM listen_wiseer.recommend_artist_tracks)) d;
-- a genre rule change reaches the pool
INSERT INTO listen_wiseer.genre_overrides (genre, family, genre_group) VALUES ('chillhop', 'jazz', NULL);
SELECT families, groups FROM listen_wiseer.recommend_pool WHERE track_id = 'k_drift1';
DELETE FROM listen_wiseer.genre_overrides WHERE genre = 'chillhop';
SELECT families, groups FROM listen_wiseer.recommend_pool WHERE track_id = 'k_drift1';

-- ---------------------------------------------------------------------------
-- The candidate outlier cut, where it bites: six alike tracks and two misfits,
-- one talking, one live; a candidate that is both is more isolated than
-- either (the forest's splits on speechiness send it with one, those on
-- liveness with the other), so it is dropped; with outliers kept it is in.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE odd AS
SELECT t.track_id, f[1:3] || ARRAY[t.talk] || f[5:6] || ARRAY[t.live] || f[8:9] AS f
  FROM (VALUES ('x_talk', 0.95::real, 0.10::real), ('x_live', 0.05, 0.95), ('x_both', 0.95, 0.95),
               ('x_1', 0.05, 0.10), ('x_2', 0.05, 0.10), ('x_3', 0.05, 0.10),
               ('x_4', 0.05, 0.10), ('x_5', 0.05, 0.10), ('x_6', 0.05, 0.10)) t(track_id, talk, live),
       pg_temp.chill(5) f;
INSERT INTO listen_wiseer.tracks (track_id, name, popularity) SELECT track_id, 'Track ' || track_id, 50 FROM odd;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id) SELECT track_id, 0, 'calm' FROM odd;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT track_id, f[1], f[2], 0, f[3], 1, f[4], f[5], f[6], f[7], f[8], f[9], 'demo' FROM odd;
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('pl_odd', 'Odd');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'pl_odd', t, o FROM unnest('{x_1,x_2,x_3,x_4,x_5,x_6,x_talk,x_live}'::text[]) WITH ORDINALITY u(t, o);
SELECT 'x_both' = ANY (array_agg(track_id)) AS kept_by_default
  FROM recommend('Odd', 1000, max_per_artist => NULL);
SELECT 'x_both' = ANY (array_agg(track_id)) AS kept_with_outliers
  FROM recommend('Odd', 1000, max_per_artist => NULL, exclude_outliers => false);
-- and the filter is exactly the rule, here too (x_both scores above the cut)
DROP TABLE forest_check;
CREATE TEMP TABLE forest_check AS
SELECT 'pl_odd'::text AS playlist_id,
       (SELECT max(isolation_forest_score(m.model, x.v)) FROM unnest(m.vs) x(v)) AS cut, m.model
  FROM (SELECT vs, (SELECT isolation_forest(x.v ORDER BY x.i) FROM unnest(vs) WITH ORDINALITY x(v, i)) AS model
          FROM (SELECT array_agg(tv.v ORDER BY tv.track_id) AS vs
                  FROM listen_wiseer.playlist_tracks pt JOIN listen_wiseer.track_vectors tv USING (track_id)
                 WHERE pt.playlist_id = 'pl_odd') a) m;
SELECT (SELECT array_agg(r.track_id ORDER BY r.track_id) FROM recommend('pl_odd', 1000, max_per_artist => NULL,
                                                                exclude_outliers => false) r
         WHERE isolation_forest_score(f.model, (SELECT v FROM listen_wiseer.track_vectors tv WHERE tv.track_id = r.track_id)) <= f.cut)
       IS NOT DISTINCT FROM
       (SELECT array_agg(r.track_id ORDER BY r.track_id) FROM recommend('pl_odd', 1000, max_per_artist => NULL) r)
       AS filter_is_the_rule,
       isolation_forest_score(f.model, (SELECT v FROM listen_wiseer.track_vectors WHERE track_id = 'x_both')) > f.cut
       AS x_both_above_cut
  FROM forest_check f;

-- ---------------------------------------------------------------------------
-- The helpers
-- ---------------------------------------------------------------------------
-- the cached set tests: byte equality, NULL elements of either side ignored
SELECT listen_wiseer.recommend_in_set('b', '{c,a,b}') AS in_set,
       listen_wiseer.recommend_in_set('B', '{c,a,b}') AS other_case,
       listen_wiseer.recommend_in_set('a', '{}') AS empty_set,
       listen_wiseer.recommend_in_set('a', '{NULL,a}') AS null_in_set,
       listen_wiseer.recommend_overlaps('{x,b}', '{c,a,b}') AS overlaps,
       listen_wiseer.recommend_overlaps('{x,NULL}', '{c,a,b}') AS no_overlap,
       listen_wiseer.recommend_overlaps('{}', '{a}') AS empty_items;
-- and the same answers as = ANY and && row by row, with the set built once
SELECT bool_and(listen_wiseer.recommend_in_set(x, s) = (x = ANY (s))) AS in_set_agrees,
       bool_and(listen_wiseer.recommend_overlaps(ARRAY[x, 'zz'], s) = (ARRAY[x, 'zz'] && s)) AS overlaps_agrees
  FROM (SELECT 'k' || i AS x, (SELECT array_agg('k' || j) FROM generate_series(1, 50, 3) j) AS s
          FROM generate_series(1, 60) i) t;
SELECT round(listen_wiseer.recommend_neighbour_similarity('[1,0]', ARRAY['[1,0]', '[0,1]', '[-1,0]']::feature_vector[], 1)::numeric, 6) AS k1,
       round(listen_wiseer.recommend_neighbour_similarity('[1,0]', ARRAY['[1,0]', '[0,1]', '[-1,0]']::feature_vector[], 2)::numeric, 6) AS k2,
       round(listen_wiseer.recommend_neighbour_similarity('[1,0]', ARRAY['[1,0]', '[0,1]', '[-1,0]']::feature_vector[], 5)::numeric, 6) AS k_all,
       listen_wiseer.recommend_neighbour_similarity('[0,0]', ARRAY['[1,0]']::feature_vector[], 1) AS zero_vector;
SELECT listen_wiseer.recommend_neighbour_similarity('[1,0]', ARRAY['[1,0,0]']::feature_vector[], 1);
SELECT listen_wiseer.recommend_neighbour_similarity('[1,0]', ARRAY['[1,0]']::feature_vector[], 0);
-- the nearest member, exactly as ORDER BY v <=> m, id LIMIT 1 picks it: ties
-- (equal vectors, and [2,0] is [1,0] scaled) go to the smallest id in the
-- call's collation, whatever the order of the arrays
SELECT listen_wiseer.recommend_nearest_member('[1,0.1]', ARRAY['[0,1]', '[2,0]', '[1,0]', '[1,0]']::feature_vector[],
                                              '{p,z,b,y}') AS nearest,
       (SELECT x.id FROM unnest('{p,z,b,y}'::text[], ARRAY['[0,1]', '[2,0]', '[1,0]', '[1,0]']::feature_vector[]) x(id, v)
         ORDER BY '[1,0.1]'::feature_vector <=> x.v, x.id LIMIT 1) AS by_order_by,
       listen_wiseer.recommend_nearest_member('[1,0.1]', ARRAY['[1,0]', '[1,0]']::feature_vector[], '{b,B}' COLLATE "C") AS c_collation,
       listen_wiseer.recommend_nearest_member('[1,0]', '{}', '{}') AS no_members;
SELECT listen_wiseer.recommend_nearest_member('[1,0]', ARRAY['[1,0]']::feature_vector[], '{a,b}');
