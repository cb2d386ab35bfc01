-- recommend()'s copy of the pool in backend memory (listen_wiseer.recommend_cache_size):
-- the same answers as reading the pool by SQL, on a library large enough for
-- several signature rounds, for every playlist, option and source; rebuilt
-- after any write to the pool; never built from this transaction's own writes.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- A deterministic library: 2,400 tracks by 240 artists, each artist with one
-- to three of 24 genres of six themes (a theme is a centre in feature space),
-- some artists without genres, some tracks with two credits; 1,600 more are a
-- catalog's; 12 playlists of 8 to 160 members drawn mostly from one theme.
CREATE FUNCTION pg_temp.u(k text) RETURNS double precision LANGUAGE sql IMMUTABLE AS
	$$ SELECT (('x' || substr(md5(k), 1, 8))::bit(32)::bigint % 1000000) / 1000000.0 $$;
CREATE TEMP TABLE genre_pool (i int, theme int, genre text);
INSERT INTO genre_pool VALUES
	(0, 0, 'chillhop'), (1, 0, 'lo-fi beats'), (2, 0, 'jazz rap'), (3, 0, 'downtempo'),
	(4, 1, 'heavy metal'), (5, 1, 'thrash metal'), (6, 1, 'power metal'), (7, 1, 'hard rock'),
	(8, 2, 'deep house'), (9, 2, 'tech house'), (10, 2, 'techno'), (11, 2, 'minimal techno'),
	(12, 3, 'indie folk'), (13, 3, 'chamber folk'), (14, 3, 'singer-songwriter'), (15, 3, 'folk'),
	(16, 4, 'classical'), (17, 4, 'baroque'), (18, 4, 'early music'), (19, 4, 'orchestral'),
	(20, 5, 'latin pop'), (21, 5, 'reggaeton'), (22, 5, 'dance pop'), (23, 5, 'pop');
INSERT INTO listen_wiseer.artists (artist_id, name, genres)
SELECT 'a' || lpad(a::text, 3, '0'), 'Artist ' || a,
       CASE WHEN a % 17 = 0 THEN NULL
            WHEN a % 23 = 0 THEN '{}'::text[]
            -- a non-empty subset of its theme's genres, and for some one of the next theme's
            ELSE (SELECT array_agg(g.genre ORDER BY g.i) FROM genre_pool g
                   WHERE (g.theme = a % 6 AND ((a * 7 % 15 + 1) >> (g.i % 4)) & 1 = 1)
                      OR (a % 7 = 0 AND g.theme = (a + 1) % 6 AND g.i % 4 = a % 4))
       END
  FROM generate_series(0, 239) a;
CREATE TEMP TABLE lib AS
SELECT 't' || lpad(t::text, 4, '0') AS track_id, a AS artist, (a + 7 * (t % 3)) % 240 AS second,
       a % 6 AS theme, t < 2400 AS in_library, t
  FROM generate_series(0, 3999) t, LATERAL (SELECT (t * 37 + (t / 240)) % 240 AS a) x;
INSERT INTO listen_wiseer.tracks (track_id, name, popularity, in_library, catalog)
SELECT track_id, 'Track ' || t, 50, in_library, CASE WHEN NOT in_library THEN 'cat.csv' END FROM lib;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT track_id, 0, 'a' || lpad(artist::text, 3, '0') FROM lib
UNION ALL
SELECT track_id, 1, 'a' || lpad(second::text, 3, '0') FROM lib WHERE t % 9 = 0 AND second <> artist;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT track_id,
       0.15 * theme / 5.0 + 0.6 * pg_temp.u(track_id || 'd'), 0.2 + 0.1 * theme + 0.3 * pg_temp.u(track_id || 'e'),
       (t % 12), -20 + 2 * theme + 6 * pg_temp.u(track_id || 'l'), t % 2,
       0.03 + 0.1 * pg_temp.u(track_id || 's'), 0.9 - 0.15 * theme + 0.1 * pg_temp.u(track_id || 'a'),
       CASE WHEN theme = 4 THEN 0.8 ELSE 0.05 END + 0.15 * pg_temp.u(track_id || 'i'),
       0.1 + 0.2 * pg_temp.u(track_id || 'v'), 0.1 + 0.1 * theme + 0.35 * pg_temp.u(track_id || 'w'),
       70 + 15 * theme + 30 * pg_temp.u(track_id || 't'),
       CASE WHEN in_library THEN 'demo' ELSE 'catalog' END
  FROM lib;
SELECT listen_wiseer.refresh_vectors() > 0 AS vectors;
INSERT INTO listen_wiseer.playlists (playlist_id, name)
SELECT 'p' || lpad(p::text, 2, '0'), 'Playlist ' || p FROM generate_series(1, 12) p;
INSERT INTO listen_wiseer.playlist_tracks (playlist_id, track_id, position)
SELECT 'p' || lpad(p::text, 2, '0'), l.track_id, row_number() OVER (PARTITION BY p ORDER BY l.track_id)
  FROM generate_series(1, 12) p
  JOIN lib l ON l.in_library
 WHERE (l.theme = p % 6 AND pg_temp.u(l.track_id || p) < (8 + 13 * p) / 400.0)
    OR pg_temp.u(l.track_id || 'x' || p) < 0.004;
SELECT count(*) AS pool, count(*) FILTER (WHERE in_library) AS library,
       (SELECT count(*) FROM listen_wiseer.recommend_signatures) AS signatures,
       (SELECT min(n) >= 8 AND max(n) >= 150 FROM (SELECT count(*) AS n FROM listen_wiseer.playlist_tracks
                                                  GROUP BY playlist_id) x) AS playlist_sizes
  FROM listen_wiseer.recommend_pool;

-- Every playlist, under each option and source, with and without the copy.
CREATE FUNCTION pg_temp.answers() RETURNS TABLE (playlist_id text, opt text, rank int, track_id text,
	artists text, score double precision, similarity double precision, genre_group text, reason text)
LANGUAGE sql AS $$
	SELECT pl.playlist_id, o.opt, r.rank, r.track_id, r.artists, r.score, r.similarity, r.genre_group, r.reason
	  FROM listen_wiseer.playlists pl,
	       (VALUES ('defaults'), ('centroid'), ('nearest'), ('no filter'), ('outliers kept'), ('any artist'),
	               ('library'), ('catalog')) o(opt),
	       LATERAL recommend(pl.playlist_id, 25,
	                         method => CASE o.opt WHEN 'centroid' THEN 'centroid' WHEN 'nearest' THEN 'nearest'
	                                   ELSE 'cosine' END,
	                         genre_filter => o.opt <> 'no filter',
	                         exclude_outliers => o.opt <> 'outliers kept',
	                         max_per_artist => CASE WHEN o.opt = 'any artist' THEN NULL ELSE 2 END,
	                         source => CASE o.opt WHEN 'library' THEN 'library' WHEN 'catalog' THEN 'catalog'
	                                   ELSE 'all' END) r
$$;
CREATE FUNCTION pg_temp.differences() RETURNS TABLE (rows bigint, only_with_copy bigint, only_by_sql bigint)
LANGUAGE plpgsql AS $$
BEGIN
	SET LOCAL listen_wiseer.recommend_cache_size = 0;
	CREATE TEMP TABLE by_sql ON COMMIT DROP AS SELECT * FROM pg_temp.answers();
	SET LOCAL listen_wiseer.recommend_cache_size = '64MB';
	CREATE TEMP TABLE with_copy ON COMMIT DROP AS SELECT * FROM pg_temp.answers();
	RETURN QUERY SELECT (SELECT count(*) FROM with_copy),
	                    (SELECT count(*) FROM (SELECT * FROM with_copy EXCEPT ALL SELECT * FROM by_sql) x),
	                    (SELECT count(*) FROM (SELECT * FROM by_sql EXCEPT ALL SELECT * FROM with_copy) x);
	DROP TABLE by_sql, with_copy;
END $$;

-- A session's first call reads by SQL; the copy is read at its second call
-- (DEBUG1 says so), then reused.
SET client_min_messages = debug1;
SELECT count(*) FROM recommend('p01', 10);
SELECT count(*) FROM recommend('p02', 10);
SELECT count(*) FROM recommend('p03', 10);
RESET client_min_messages;
SELECT * FROM pg_temp.differences();

-- A write to the pool (an artist's genres change, so do its tracks' pool
-- rows and signatures): the next call reads the pool again, and still agrees.
UPDATE listen_wiseer.artists SET genres = '{techno,chillhop}' WHERE artist_id = 'a006';
SET client_min_messages = debug1;
SELECT count(*) FROM recommend('p01', 10);
RESET client_min_messages;
SELECT * FROM pg_temp.differences();

-- Within a transaction that wrote the pool: read by SQL (no copy is read or
-- kept, the answer sees the write); after the rollback the earlier copy
-- serves again, unchanged.
CREATE TEMP TABLE before_write AS SELECT * FROM recommend('p03', 10);
BEGIN;
UPDATE listen_wiseer.artists SET genres = '{classical}' WHERE artist_id IN (SELECT 'a' || lpad(a::text, 3, '0')
                                                                           FROM generate_series(3, 239, 6) a);
SET LOCAL client_min_messages = debug1;
SELECT count(*) AS differ_from_before_write
  FROM (SELECT track_id, score FROM recommend('p03', 10) EXCEPT SELECT track_id, score FROM before_write) x;
ROLLBACK;
SET client_min_messages = debug1;
SELECT count(*) AS differ_from_before_write
  FROM (SELECT track_id, score FROM recommend('p03', 10) EXCEPT SELECT track_id, score FROM before_write) x;
RESET client_min_messages;

-- New tracks, and a track leaving the library: read again, still the same answers.
INSERT INTO listen_wiseer.tracks (track_id, name, popularity, in_library)
SELECT 'n' || i, 'New ' || i, 50, true FROM generate_series(1, 5) i;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT 'n' || i, 0, 'a006' FROM generate_series(1, 5) i;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source)
SELECT 'n' || i, 0.5, 0.5, 1, -8, 1, 0.05, 0.5, 0.1, 0.2, 0.5, 120, 'demo' FROM generate_series(1, 5) i;
SELECT listen_wiseer.refresh_vectors() IS NOT NULL AS refreshed,
       (SELECT count(*) FROM listen_wiseer.recommend_pool WHERE track_id LIKE 'n%') AS new_in_pool;
UPDATE listen_wiseer.tracks SET in_library = false, catalog = 'cat.csv' WHERE track_id = 't0007';
SELECT * FROM pg_temp.differences();

-- Too little memory allowed: not kept (DEBUG1 says so), the same answers by SQL.
SET listen_wiseer.recommend_cache_size = '64kB';
SET client_min_messages = debug1;
SELECT count(*) FROM recommend('p01', 10);
RESET client_min_messages;
RESET listen_wiseer.recommend_cache_size;
SHOW listen_wiseer.recommend_cache_size;
SET listen_wiseer.recommend_cache_size = -1;

-- The copy is this session's, read by its owner above. A role that may read the
-- pool but not its generation (grants made by hand) is answered by SQL, the same
-- rows; one that may not read the pool gets SQL's error, not the session's copy.
CREATE ROLE lw_cache_partial;
GRANT USAGE ON SCHEMA listen_wiseer TO lw_cache_partial;
GRANT SELECT ON ALL TABLES IN SCHEMA listen_wiseer TO lw_cache_partial;
REVOKE SELECT ON listen_wiseer.recommend_pool_generation FROM lw_cache_partial;
CREATE TEMP TABLE as_owner AS SELECT * FROM recommend('p04', 10);
GRANT SELECT ON as_owner TO lw_cache_partial;
SET ROLE lw_cache_partial;
SET client_min_messages = debug1;
SELECT count(*) FROM recommend('p04', 10);
SELECT count(*) AS differ FROM (SELECT track_id, score, reason FROM recommend('p04', 10)
                                EXCEPT SELECT track_id, score, reason FROM as_owner) x;
RESET client_min_messages;
RESET ROLE;
GRANT SELECT ON listen_wiseer.recommend_pool_generation TO lw_cache_partial;
REVOKE SELECT ON listen_wiseer.recommend_pool FROM lw_cache_partial;
SET ROLE lw_cache_partial;
SELECT count(*) FROM recommend('p04', 10);
RESET ROLE;
DROP TABLE as_owner;
REVOKE ALL ON ALL TABLES IN SCHEMA listen_wiseer FROM lw_cache_partial;
REVOKE USAGE ON SCHEMA listen_wiseer FROM lw_cache_partial;
DROP ROLE lw_cache_partial;

-- Row-level security on the pool applies to a role it restricts: that role's
-- calls read by SQL, which applies the policy (here: no catalog tracks); the
-- owner, whom it does not restrict, keeps its copy and the catalog picks.
CREATE ROLE lw_cache_rls LOGIN;
GRANT USAGE ON SCHEMA listen_wiseer TO lw_cache_rls;
GRANT SELECT ON ALL TABLES IN SCHEMA listen_wiseer TO lw_cache_rls;
ALTER TABLE listen_wiseer.recommend_pool ENABLE ROW LEVEL SECURITY;
CREATE POLICY library_only ON listen_wiseer.recommend_pool FOR SELECT TO lw_cache_rls USING (in_library);
CREATE TEMP TABLE owner_picks AS SELECT * FROM recommend('p04', 25, source => 'all');
SELECT count(*) FILTER (WHERE reason LIKE 'from catalog%') > 0 AS owner_gets_catalog_picks FROM owner_picks;
SET ROLE lw_cache_rls;
SELECT count(*) AS picks, count(*) FILTER (WHERE reason LIKE 'from catalog%') AS catalog_picks
  FROM recommend('p04', 25, source => 'all');
RESET ROLE;
DROP POLICY library_only ON listen_wiseer.recommend_pool;
ALTER TABLE listen_wiseer.recommend_pool DISABLE ROW LEVEL SECURITY;

-- The same for the genre rules, read in a new session of that role (the
-- rules are compiled once per session): a policy hiding the rule that maps
-- 'chillhop' leaves it unmapped for that role only.
SELECT family IS NOT NULL AS chillhop_mapped FROM genre_map('chillhop');
ALTER TABLE listen_wiseer.genre_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE listen_wiseer.genre_aliases ENABLE ROW LEVEL SECURITY;
ALTER TABLE listen_wiseer.genre_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY no_hop ON listen_wiseer.genre_rules FOR SELECT TO lw_cache_rls USING (pattern !~ 'hop');
CREATE POLICY every_alias ON listen_wiseer.genre_aliases FOR SELECT TO lw_cache_rls USING (true);
CREATE POLICY every_override ON listen_wiseer.genre_overrides FOR SELECT TO lw_cache_rls USING (true);
\c - lw_cache_rls
SELECT family IS NOT NULL AS chillhop_mapped, (SELECT family IS NOT NULL FROM genre_map('techno')) AS techno_mapped
  FROM genre_map('chillhop');
\c - postgres
DROP POLICY no_hop ON listen_wiseer.genre_rules;
DROP POLICY every_alias ON listen_wiseer.genre_aliases;
DROP POLICY every_override ON listen_wiseer.genre_overrides;
ALTER TABLE listen_wiseer.genre_rules DISABLE ROW LEVEL SECURITY;
ALTER TABLE listen_wiseer.genre_aliases DISABLE ROW LEVEL SECURITY;
ALTER TABLE listen_wiseer.genre_overrides DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON ALL TABLES IN SCHEMA listen_wiseer FROM lw_cache_rls;
REVOKE USAGE ON SCHEMA listen_wiseer FROM lw_cache_rls;
DROP ROLE lw_cache_rls;
