SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- A hostile search_path changes nothing the extension computes.  An
-- unprivileged role that can CREATE in public (the extension's schema, as
-- before PostgreSQL 15) and owns a schema of its own plants tables named like
-- ours, functions and operators that shadow pg_catalog's and ours, and a
-- collation named "C"; a superuser session then puts that schema first:
-- every result equals the one under a clean search_path, and no planted
-- function runs (each one would raise a warning and set lw_regress.hijacked).

-- a small library: two moods, three genres, two playlists
INSERT INTO listen_wiseer.artists (artist_id, name, genres) VALUES
	('calm', 'Calm', '{chillhop,lo-fi beats}'), ('drift', 'Drift', '{chillhop}'),
	('jazzy', 'Jazzy', '{jazz}'), ('iron', 'Iron', '{heavy metal}'),
	('steel', 'Steel', '{heavy metal,thrash metal}');
-- results are kept in a schema of their own: the hostile part runs in a new session
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS lw_regress_cmp CASCADE;
RESET client_min_messages;
CREATE SCHEMA lw_regress_cmp;
CREATE TABLE lw_regress_cmp.lib AS
SELECT 't' || pg_catalog.lpad(i::text, 2, '0') AS track_id,
       (ARRAY['calm', 'drift', 'jazzy', 'iron', 'steel'])[1 + i % 5] AS artist_id,
       i % 5 >= 3 AS loud, i
  FROM pg_catalog.generate_series(1, 40) i;
INSERT INTO listen_wiseer.tracks (track_id, name) SELECT track_id, 'Track ' || track_id FROM lw_regress_cmp.lib;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id) SELECT track_id, 0, artist_id FROM lw_regress_cmp.lib;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT track_id, 0.3 + 0.01 * (i % 7), CASE WHEN loud THEN 0.9 ELSE 0.2 END + 0.005 * (i % 5), 0,
       CASE WHEN loud THEN -4 ELSE -15 END + 0.1 * (i % 9), 1, 0.05, CASE WHEN loud THEN 0.02 ELSE 0.8 END,
       0.5 + 0.01 * (i % 11), 0.1, 0.3 + 0.01 * (i % 13), CASE WHEN loud THEN 160 ELSE 80 END + i % 6, 'demo'
  FROM lw_regress_cmp.lib;
INSERT INTO listen_wiseer.playlists (playlist_id, name) VALUES ('pl_chill', 'Chill'), ('pl_loud', 'Loud');
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT CASE WHEN loud THEN 'pl_loud' ELSE 'pl_chill' END, track_id, i FROM lw_regress_cmp.lib WHERE i <= 30
UNION ALL VALUES ('pl_chill', 't04', 99);   -- a loud misfit in the chill playlist
-- two user rules that collide after normalisation: the first in byte order wins
INSERT INTO listen_wiseer.genre_rules (pattern, family) VALUES ('Zeuhl Test', 'jazz'), ('zeuhl test', 'metal');
CREATE TABLE lw_regress_cmp.genres (g text);
INSERT INTO lw_regress_cmp.genres VALUES ('chillhop'), ('lo-fi beats'), ('jazz'), ('heavy metal'), ('thrash metal'),
	('uk garage'), ('zeuhl test'), ('Zeuhl-Test'), ('not a genre at all');

-- ---------------------------------------------------------------------------
-- The attacker.
-- ---------------------------------------------------------------------------
DO $$ BEGIN
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'lw_regress_hostile') THEN
		EXECUTE 'DROP OWNED BY lw_regress_hostile CASCADE';
		EXECUTE 'DROP ROLE lw_regress_hostile';
	END IF;
END $$;
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS lw_regress_evil CASCADE;
RESET client_min_messages;
CREATE ROLE lw_regress_hostile NOLOGIN;
GRANT CREATE ON SCHEMA public TO lw_regress_hostile;
CREATE SCHEMA lw_regress_evil AUTHORIZATION lw_regress_hostile;
GRANT USAGE ON SCHEMA lw_regress_evil TO PUBLIC;
SET ROLE lw_regress_hostile;

-- every planted function reports that it ran
CREATE FUNCTION lw_regress_evil.pwned(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_catalog.set_config('lw_regress.hijacked', what, false);
	RAISE WARNING 'hijacked: %', what;
END $$;

-- tables named like ours, in public and in the schema put first
CREATE TABLE public.tracks (track_id text, name text);
CREATE TABLE public.audio_features (track_id text);
INSERT INTO public.tracks VALUES ('t01', 'FAKE');
CREATE TABLE lw_regress_evil.tracks (track_id text, name text);
CREATE TABLE lw_regress_evil.playlists (playlist_id text, name text);
CREATE TABLE lw_regress_evil.playlist_tracks (playlist_id text, track_id text, removed_at timestamptz);
CREATE TABLE lw_regress_evil.track_vectors (track_id text, v public.feature_vector);
CREATE TABLE lw_regress_evil.recommend_pool (track_id text);
CREATE TABLE lw_regress_evil.genre_rules (pattern text, family text);
INSERT INTO lw_regress_evil.tracks VALUES ('t01', 'FAKE');
INSERT INTO lw_regress_evil.playlists VALUES ('pl_chill', 'Chill');
GRANT SELECT ON ALL TABLES IN SCHEMA lw_regress_evil TO PUBLIC;
GRANT SELECT ON public.tracks, public.audio_features TO PUBLIC;

-- pg_catalog functions and aggregates, shadowed
CREATE FUNCTION lw_regress_evil.lower(text) RETURNS text LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('lower'); RETURN 'x'; END $$;
CREATE FUNCTION lw_regress_evil.upper(text) RETURNS text LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('upper'); RETURN 'x'; END $$;
CREATE FUNCTION lw_regress_evil.format(text, text) RETURNS text LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('format'); RETURN 'x'; END $$;
CREATE FUNCTION lw_regress_evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('unnest'); END $$;
CREATE FUNCTION lw_regress_evil.cardinality(anyarray) RETURNS integer LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('cardinality'); RETURN 0; END $$;
CREATE FUNCTION lw_regress_evil.array_length(anyarray, integer) RETURNS integer LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('array_length'); RETURN 0; END $$;
CREATE FUNCTION lw_regress_evil.current_setting(text, boolean) RETURNS text LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('current_setting'); RETURN 'on'; END $$;
CREATE FUNCTION lw_regress_evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('now'); RETURN 'epoch'; END $$;
CREATE FUNCTION lw_regress_evil.generate_series(integer, integer) RETURNS SETOF integer LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('generate_series'); END $$;
CREATE FUNCTION lw_regress_evil.evil_sfunc(bigint) RETURNS bigint LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('count'); RETURN 42; END $$;
CREATE AGGREGATE lw_regress_evil.count(*) (SFUNC = lw_regress_evil.evil_sfunc, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION lw_regress_evil.evil_asfunc(anycompatiblearray, anycompatible) RETURNS anycompatiblearray
	LANGUAGE plpgsql AS $$ BEGIN PERFORM lw_regress_evil.pwned('array_agg'); RETURN $1; END $$;
CREATE AGGREGATE lw_regress_evil.array_agg(anycompatible) (SFUNC = lw_regress_evil.evil_asfunc,
	STYPE = anycompatiblearray, INITCOND = '{}');
CREATE FUNCTION lw_regress_evil.evil_avg(double precision[], real) RETURNS double precision[]
	LANGUAGE plpgsql AS $$ BEGIN PERFORM lw_regress_evil.pwned('avg'); RETURN $1; END $$;
CREATE AGGREGATE lw_regress_evil.avg(real) (SFUNC = lw_regress_evil.evil_avg, STYPE = double precision[],
	INITCOND = '{}');
CREATE AGGREGATE lw_regress_evil.stddev_pop(real) (SFUNC = lw_regress_evil.evil_avg,
	STYPE = double precision[], INITCOND = '{}');

-- operators: text equality, array overlap and concatenation, and our <=> on feature_vector
CREATE FUNCTION lw_regress_evil.text_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('='); RETURN true; END $$;
CREATE OPERATOR lw_regress_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = lw_regress_evil.text_eq);
CREATE FUNCTION lw_regress_evil.overlap(anyarray, anyarray) RETURNS boolean LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('&&'); RETURN true; END $$;
CREATE OPERATOR lw_regress_evil.&& (LEFTARG = anyarray, RIGHTARG = anyarray, FUNCTION = lw_regress_evil.overlap);
CREATE FUNCTION lw_regress_evil.concat(text, text) RETURNS text LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('||'); RETURN 'x'; END $$;
CREATE OPERATOR lw_regress_evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = lw_regress_evil.concat);
CREATE FUNCTION lw_regress_evil.fake_distance(public.feature_vector, public.feature_vector)
	RETURNS double precision LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('<=>'); RETURN 0; END $$;
CREATE OPERATOR lw_regress_evil.<=> (LEFTARG = public.feature_vector, RIGHTARG = public.feature_vector,
	FUNCTION = lw_regress_evil.fake_distance);
CREATE OPERATOR lw_regress_evil.<-> (LEFTARG = public.feature_vector, RIGHTARG = public.feature_vector,
	FUNCTION = lw_regress_evil.fake_distance);

-- our own functions, overloaded in public with near-miss signatures
CREATE FUNCTION public.genre_map(genre varchar, OUT family text, OUT genre_group text) LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('genre_map'); family := 'pwned'; END $$;
CREATE FUNCTION public.isolation_forest_score(v public.feature_vector, n_trees integer, sample_size integer,
		seed integer) RETURNS double precision LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('isolation_forest_score'); RETURN 1; END $$;
CREATE FUNCTION public.standardize(raw double precision[], center double precision[], scale real[])
	RETURNS public.feature_vector LANGUAGE plpgsql AS
	$$ BEGIN PERFORM lw_regress_evil.pwned('standardize'); RETURN NULL; END $$;
-- (n is bigint since 1.1, so the near-miss differs in the playlist's type only: a
-- recommend(varchar, integer) would match an integer literal exactly and win, as
-- any function its owner may create in the extension's schema can; PostgreSQL 15
-- gives no one CREATE on public by default)
CREATE FUNCTION public.recommend(playlist varchar, n bigint) RETURNS TABLE (rank integer, track_id text)
	LANGUAGE plpgsql AS $$ BEGIN PERFORM lw_regress_evil.pwned('recommend'); END $$;

-- a collation named "C" that sorts lower case first (as ICU does)
CREATE COLLATION lw_regress_evil."C" FROM pg_catalog."und-x-icu";
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Clean search_path: the reference results.
-- ---------------------------------------------------------------------------
CREATE TABLE lw_regress_cmp.c_rec AS SELECT * FROM public.recommend('pl_chill', 5);
CREATE TABLE lw_regress_cmp.c_rec_loud AS SELECT * FROM public.recommend('LOUD', 5, method => 'nearest');
CREATE TABLE lw_regress_cmp.c_gm AS SELECT g, (public.genre_map(g)).* FROM lw_regress_cmp.genres;
CREATE TABLE lw_regress_cmp.c_gx AS SELECT g, (public.genre_map_explain(g)).* FROM lw_regress_cmp.genres;
CREATE TABLE lw_regress_cmp.c_if AS
	SELECT track_id, public.isolation_forest_score(v) OVER () AS score FROM listen_wiseer.track_vectors;
CREATE TABLE lw_regress_cmp.c_out AS SELECT * FROM public.isolation_forest_outliers(0.1);
CREATE TABLE lw_regress_cmp.c_views AS
	SELECT 'playlist_outliers' AS v, pg_catalog.to_jsonb(x)::text AS r FROM listen_wiseer.playlist_outliers x
	UNION ALL SELECT 'track_genre', pg_catalog.to_jsonb(x)::text FROM listen_wiseer.track_genre x
	UNION ALL SELECT 'artist_genre', pg_catalog.to_jsonb(x)::text FROM listen_wiseer.artist_genre x
	UNION ALL SELECT 'playlist_genre_mix', pg_catalog.to_jsonb(x)::text FROM listen_wiseer.playlist_genre_mix x
	UNION ALL SELECT 'playlist_family_mix', pg_catalog.to_jsonb(x)::text FROM listen_wiseer.playlist_family_mix x
	UNION ALL SELECT 'feature_scaling', (pg_catalog.to_jsonb(x) - 'computed_at')::text FROM listen_wiseer.feature_scaling x;
CREATE TABLE lw_regress_cmp.c_tv AS SELECT track_id, v::real[] AS v FROM listen_wiseer.track_vectors;
CREATE TABLE lw_regress_cmp.c_tv1 AS SELECT track_id, public.track_vector(track_id)::real[] AS v FROM lw_regress_cmp.lib;
CREATE TABLE lw_regress_cmp.c_stats AS SELECT n, mean, stddev, weight, scale FROM listen_wiseer.feature_stats;
CREATE TABLE lw_regress_cmp.c_pool AS
	SELECT track_id, artist_ids, genres, families, groups, v::real[] AS v FROM listen_wiseer.recommend_pool;
SELECT (SELECT count(*) FROM lw_regress_cmp.c_rec) AS recommended, (SELECT count(*) FROM lw_regress_cmp.c_rec_loud) AS recommended_loud,
       (SELECT count(*) FROM lw_regress_cmp.c_out) AS outliers, (SELECT count(*) FROM lw_regress_cmp.c_views) AS view_rows,
       (SELECT count(*) FROM lw_regress_cmp.c_pool) AS pool;
SELECT g, family, genre_group FROM lw_regress_cmp.c_gm ORDER BY g COLLATE "C";

-- ---------------------------------------------------------------------------
-- Hostile search_path, pg_catalog after the attacker's schema.  Only
-- qualified names below: this session's own statements are not the point.
-- ---------------------------------------------------------------------------
-- (a new session: genre_map's rule cache loads under the hostile search_path)
\c -
SET search_path = lw_regress_evil, pg_catalog, public;
-- the planted objects are live for unqualified names
SELECT lower('A') AS planted_lower;
RESET lw_regress.hijacked;
SET client_min_messages = warning;

CREATE TABLE lw_regress_cmp.h_gm AS SELECT g, (public.genre_map(g)).* FROM lw_regress_cmp.genres;
CREATE TABLE lw_regress_cmp.h_gx AS SELECT g, (public.genre_map_explain(g)).* FROM lw_regress_cmp.genres;
CREATE TABLE lw_regress_cmp.h_rec AS SELECT * FROM public.recommend('pl_chill', 5);
CREATE TABLE lw_regress_cmp.h_rec_loud AS SELECT * FROM public.recommend('LOUD', 5, method => 'nearest');
-- (the one unqualified call: the near-miss recommend(varchar, bigint) planted in public loses)
CREATE TABLE lw_regress_cmp.h_rec_unqualified AS SELECT * FROM recommend('pl_chill', 5);
CREATE TABLE lw_regress_cmp.h_if AS
	SELECT track_id, public.isolation_forest_score(v) OVER () AS score FROM listen_wiseer.track_vectors;
CREATE TABLE lw_regress_cmp.h_out AS SELECT * FROM public.isolation_forest_outliers(0.1);
CREATE TABLE lw_regress_cmp.h_views AS
	SELECT 'playlist_outliers' AS v, pg_catalog.to_jsonb(x)::pg_catalog.text AS r FROM listen_wiseer.playlist_outliers x
	UNION ALL SELECT 'track_genre', pg_catalog.to_jsonb(x)::pg_catalog.text FROM listen_wiseer.track_genre x
	UNION ALL SELECT 'artist_genre', pg_catalog.to_jsonb(x)::pg_catalog.text FROM listen_wiseer.artist_genre x
	UNION ALL SELECT 'playlist_genre_mix', pg_catalog.to_jsonb(x)::pg_catalog.text FROM listen_wiseer.playlist_genre_mix x
	UNION ALL SELECT 'playlist_family_mix', pg_catalog.to_jsonb(x)::pg_catalog.text FROM listen_wiseer.playlist_family_mix x
	UNION ALL SELECT 'feature_scaling', (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-) 'computed_at')::pg_catalog.text
	            FROM listen_wiseer.feature_scaling x;
CREATE TABLE lw_regress_cmp.h_tv1 AS SELECT track_id, public.track_vector(track_id)::pg_catalog.float4[] AS v FROM lw_regress_cmp.lib;
-- the refresh functions and the triggers: rebuild everything from scratch
UPDATE listen_wiseer.genre_rules SET note = 'touched' WHERE pattern OPERATOR(pg_catalog.=) 'jazz';
DELETE FROM listen_wiseer.feature_stats;
DELETE FROM listen_wiseer.track_vectors;
SELECT listen_wiseer.refresh_vectors() AS vectors_written;
SELECT listen_wiseer.refresh_recommend_pool() AS pool_rebuilt;
-- a weight changed and changed back: the deferred trigger refreshes at each commit
INSERT INTO listen_wiseer.feature_weights VALUES ('tempo', 2);
DELETE FROM listen_wiseer.feature_weights;
-- the ingestor's path: new credits and genres (statement triggers keep the pool)
UPDATE listen_wiseer.artists SET genres = '{jazz}' WHERE artist_id OPERATOR(pg_catalog.=) 'drift';
UPDATE listen_wiseer.artists SET genres = '{chillhop}' WHERE artist_id OPERATOR(pg_catalog.=) 'drift';
DELETE FROM listen_wiseer.track_artists WHERE track_id OPERATOR(pg_catalog.=) 't02';
INSERT INTO listen_wiseer.track_artists
	SELECT track_id, 0, artist_id FROM lw_regress_cmp.lib WHERE track_id OPERATOR(pg_catalog.=) 't02';
CREATE TABLE lw_regress_cmp.h_tv AS SELECT track_id, v::pg_catalog.float4[] AS v FROM listen_wiseer.track_vectors;
CREATE TABLE lw_regress_cmp.h_stats AS SELECT n, mean, stddev, weight, scale FROM listen_wiseer.feature_stats;
CREATE TABLE lw_regress_cmp.h_pool AS
	SELECT track_id, artist_ids, genres, families, groups, v::pg_catalog.float4[] AS v FROM listen_wiseer.recommend_pool;
RESET client_min_messages;
RESET search_path;

-- nothing planted ran
SELECT current_setting('lw_regress.hijacked', true) AS hijacked;

-- and every result is the same
SELECT what, differences FROM (
	SELECT 'recommend' AS what, (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_rec EXCEPT ALL TABLE lw_regress_cmp.h_rec)
		UNION ALL (TABLE lw_regress_cmp.h_rec EXCEPT ALL TABLE lw_regress_cmp.c_rec)) d) AS differences
	UNION ALL SELECT 'recommend, unqualified', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_rec EXCEPT ALL TABLE lw_regress_cmp.h_rec_unqualified)
		UNION ALL (TABLE lw_regress_cmp.h_rec_unqualified EXCEPT ALL TABLE lw_regress_cmp.c_rec)) d)
	UNION ALL SELECT 'recommend nearest', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_rec_loud EXCEPT ALL TABLE lw_regress_cmp.h_rec_loud)
		UNION ALL (TABLE lw_regress_cmp.h_rec_loud EXCEPT ALL TABLE lw_regress_cmp.c_rec_loud)) d)
	UNION ALL SELECT 'genre_map', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_gm EXCEPT ALL TABLE lw_regress_cmp.h_gm)
		UNION ALL (TABLE lw_regress_cmp.h_gm EXCEPT ALL TABLE lw_regress_cmp.c_gm)) d)
	UNION ALL SELECT 'genre_map_explain', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_gx EXCEPT ALL TABLE lw_regress_cmp.h_gx)
		UNION ALL (TABLE lw_regress_cmp.h_gx EXCEPT ALL TABLE lw_regress_cmp.c_gx)) d)
	UNION ALL SELECT 'isolation_forest_score', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_if EXCEPT ALL TABLE lw_regress_cmp.h_if)
		UNION ALL (TABLE lw_regress_cmp.h_if EXCEPT ALL TABLE lw_regress_cmp.c_if)) d)
	UNION ALL SELECT 'isolation_forest_outliers', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_out EXCEPT ALL TABLE lw_regress_cmp.h_out)
		UNION ALL (TABLE lw_regress_cmp.h_out EXCEPT ALL TABLE lw_regress_cmp.c_out)) d)
	UNION ALL SELECT 'views', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_views EXCEPT ALL TABLE lw_regress_cmp.h_views)
		UNION ALL (TABLE lw_regress_cmp.h_views EXCEPT ALL TABLE lw_regress_cmp.c_views)) d)
	UNION ALL SELECT 'track_vector()', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_tv1 EXCEPT ALL TABLE lw_regress_cmp.h_tv1)
		UNION ALL (TABLE lw_regress_cmp.h_tv1 EXCEPT ALL TABLE lw_regress_cmp.c_tv1)) d)
	UNION ALL SELECT 'refresh_vectors: track_vectors', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_tv EXCEPT ALL TABLE lw_regress_cmp.h_tv)
		UNION ALL (TABLE lw_regress_cmp.h_tv EXCEPT ALL TABLE lw_regress_cmp.c_tv)) d)
	UNION ALL SELECT 'refresh_vectors: feature_stats', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_stats EXCEPT ALL TABLE lw_regress_cmp.h_stats)
		UNION ALL (TABLE lw_regress_cmp.h_stats EXCEPT ALL TABLE lw_regress_cmp.c_stats)) d)
	UNION ALL SELECT 'recommend_pool', (SELECT count(*) FROM ((TABLE lw_regress_cmp.c_pool EXCEPT ALL TABLE lw_regress_cmp.h_pool)
		UNION ALL (TABLE lw_regress_cmp.h_pool EXCEPT ALL TABLE lw_regress_cmp.c_pool)) d)
) t;
-- the colliding user rules: byte order, whatever collation is called "C"
SELECT g, family FROM lw_regress_cmp.h_gm WHERE g ~* 'zeuhl' ORDER BY g COLLATE "C";

-- clean up the cluster-wide role
SET client_min_messages = warning;
DROP SCHEMA lw_regress_cmp CASCADE;
DROP SCHEMA lw_regress_evil CASCADE;
DROP OWNED BY lw_regress_hostile CASCADE;
DROP ROLE lw_regress_hostile;
RESET client_min_messages;
