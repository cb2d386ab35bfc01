-- recommend() 1.1 (extension/sql/30_scaling.sql, extension/sql/60_recommend.sql):
-- scaling statistics over the library, catalog vectors on their own slowly
-- following statistics; the pool knows library from catalog; recommend() takes
-- n as bigint and source, returns similarity, and is orchestrated in C.

-- Scaling: the library's statistics; the catalog's own (a 1.0 database has no
-- catalog: they start as the library's).
ALTER TABLE listen_wiseer.feature_stats
	ADD COLUMN catalog_mean double precision[],
	ADD COLUMN catalog_scale double precision[];
UPDATE listen_wiseer.feature_stats SET catalog_mean = mean, catalog_scale = scale;
CREATE OR REPLACE FUNCTION listen_wiseer.refresh_vectors() RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	names    text[] := listen_wiseer.feature_names();
	d        int := pg_catalog.array_length(names, 1);
	st       record;
	w        double precision[];
	scale    double precision[];
	written  bigint;
	more     bigint;
	old      record;
	c_mean   double precision[];
	c_scale  double precision[];
	drift    double precision;
BEGIN
	-- Serialize concurrent refreshes; readers are never blocked.
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('listen_wiseer.refresh_vectors'));

	SELECT pg_catalog.count(*) AS n,
	       ARRAY[pg_catalog.avg(danceability), pg_catalog.avg(energy), pg_catalog.avg(loudness),
	             pg_catalog.avg(speechiness), pg_catalog.avg(acousticness), pg_catalog.avg(instrumentalness),
	             pg_catalog.avg(liveness), pg_catalog.avg(valence), pg_catalog.avg(tempo)]::double precision[] AS mean,
	       ARRAY[pg_catalog.stddev_pop(danceability), pg_catalog.stddev_pop(energy), pg_catalog.stddev_pop(loudness),
	             pg_catalog.stddev_pop(speechiness), pg_catalog.stddev_pop(acousticness),
	             pg_catalog.stddev_pop(instrumentalness), pg_catalog.stddev_pop(liveness),
	             pg_catalog.stddev_pop(valence), pg_catalog.stddev_pop(tempo)]::double precision[] AS sd
	  INTO st
	  FROM listen_wiseer.audio_features f
	  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id
	 -- the library's; everyone's when the library has no features (a catalog alone)
	 WHERE t.in_library
	    OR NOT EXISTS (SELECT FROM listen_wiseer.audio_features lf
	                     JOIN listen_wiseer.tracks lt ON lt.track_id = lf.track_id AND lt.in_library);

	SELECT s.catalog_mean, s.catalog_scale INTO old FROM listen_wiseer.feature_stats s;
	DELETE FROM listen_wiseer.feature_stats;
	IF st.n = 0 THEN
		DELETE FROM listen_wiseer.track_vectors;
		RETURN 0;
	END IF;

	SELECT pg_catalog.array_agg(COALESCE(fw.weight, 1.0) ORDER BY f.position)
	  INTO w
	  FROM pg_catalog.unnest(names) WITH ORDINALITY AS f(feature, position)
	  LEFT JOIN listen_wiseer.feature_weights fw ON fw.feature = f.feature;

	SELECT pg_catalog.array_agg(CASE WHEN st.sd[i] > 1e-12 THEN w[i] / st.sd[i] ELSE 0 END ORDER BY i)
	  INTO scale
	  FROM pg_catalog.generate_series(1, d) AS i;

	-- The catalog's statistics: kept while within 0.01 standardized units of
	-- the library's (a mean's shift in stddevs, a scale's relative change,
	-- per feature), else the library's (and every catalog vector is rewritten).
	SELECT pg_catalog.max(GREATEST(pg_catalog.abs(old.catalog_mean[i] - st.mean[i]) * scale[i],
	                               CASE WHEN scale[i] = 0 AND old.catalog_scale[i] = 0 THEN 0
	                                    WHEN scale[i] = 0 THEN 1
	                                    ELSE pg_catalog.abs(old.catalog_scale[i] / scale[i] - 1) END))
	  INTO drift
	  FROM pg_catalog.generate_series(1, d) AS i;
	IF old.catalog_mean IS NOT NULL AND drift <= 0.01 THEN
		c_mean := old.catalog_mean;
		c_scale := old.catalog_scale;
	ELSE
		c_mean := st.mean;
		c_scale := scale;
	END IF;

	INSERT INTO listen_wiseer.feature_stats (n, mean, stddev, weight, scale, catalog_mean, catalog_scale)
	VALUES (st.n, st.mean, st.sd, w, scale, c_mean, c_scale);

	-- Upsert, touching only rows whose vector changed (orphans go with their
	-- features, ON DELETE CASCADE): the library's vectors ...
	INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
	SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), st.mean, scale)
	  FROM listen_wiseer.audio_features f
	  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND t.in_library
	ON CONFLICT (track_id) DO UPDATE SET v = EXCLUDED.v
	  WHERE tv.v::real[] IS DISTINCT FROM EXCLUDED.v::real[];
	GET DIAGNOSTICS written = ROW_COUNT;
	-- ... and the catalog's: all of them when their statistics changed, else
	-- only those without a vector yet, if any (track_vectors references
	-- audio_features, so equal counts mean every track has its vector: two
	-- counts cost far less than the anti-join over a large catalog)
	IF c_mean IS NOT DISTINCT FROM old.catalog_mean AND c_scale IS NOT DISTINCT FROM old.catalog_scale THEN
		IF (SELECT pg_catalog.count(*) FROM listen_wiseer.track_vectors)
		   >= (SELECT pg_catalog.count(*) FROM listen_wiseer.audio_features) THEN
			RETURN written;
		END IF;
		INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
		SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale)
		  FROM listen_wiseer.audio_features f
		  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library
		 WHERE NOT EXISTS (SELECT FROM listen_wiseer.track_vectors x WHERE x.track_id = f.track_id);
	ELSE
		INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
		SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale)
		  FROM listen_wiseer.audio_features f
		  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library
		ON CONFLICT (track_id) DO UPDATE SET v = EXCLUDED.v
		  WHERE tv.v::real[] IS DISTINCT FROM EXCLUDED.v::real[];
	END IF;
	GET DIAGNOSTICS more = ROW_COUNT;
	RETURN written + more;
END;
$$;

CREATE OR REPLACE FUNCTION @extschema@.track_vector(track_id text) RETURNS @extschema@.feature_vector
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT @extschema@.standardize(listen_wiseer.raw_features(f),
	                                       CASE WHEN t.in_library THEN s.mean ELSE s.catalog_mean END,
	                                       CASE WHEN t.in_library THEN s.scale ELSE s.catalog_scale END)
	        FROM listen_wiseer.audio_features f
	        JOIN listen_wiseer.tracks t ON t.track_id = f.track_id,
	             listen_wiseer.feature_stats s
	        WHERE f.track_id = track_vector.track_id);

-- Nothing called them.
DROP FUNCTION listen_wiseer.recommend_best_share(text[], text[], double precision[]);
DROP FUNCTION listen_wiseer.recommend_mean_share(text[], text[], double precision[]);

-- The pool knows library tracks from catalog ones; every 1.0 track is the library's.
ALTER TABLE listen_wiseer.recommend_pool
	ADD COLUMN in_library boolean NOT NULL DEFAULT true;
ALTER TABLE listen_wiseer.recommend_signatures
	ADD COLUMN library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0);
UPDATE listen_wiseer.recommend_signatures SET library_tracks = tracks;
ALTER TABLE listen_wiseer.recommend_artist_tracks
	ADD COLUMN library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0);
UPDATE listen_wiseer.recommend_artist_tracks SET library_tracks = tracks;
CREATE INDEX recommend_pool_library_signature_idx ON listen_wiseer.recommend_pool (genres) WHERE in_library;

CREATE OR REPLACE FUNCTION listen_wiseer.recommend_pool_sync(ids text[]) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	written bigint;
BEGIN
	IF ids IS NULL THEN
		-- a rebuild: load without the genre indexes, then build them in one pass
		TRUNCATE listen_wiseer.recommend_pool, listen_wiseer.recommend_signatures,
		         listen_wiseer.recommend_artist_tracks;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_genres_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_signature_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_library_signature_idx;
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_artists_idx;
	ELSE
		WITH gone AS (
			DELETE FROM listen_wiseer.recommend_pool p WHERE p.track_id = ANY (ids)
			RETURNING p.genres, p.artist_ids, p.in_library
		), counted AS (
			SELECT g.genres, pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE g.in_library) AS nl FROM gone g
			 WHERE g.genres IS NOT NULL AND g.genres <> '{}' GROUP BY g.genres
		), credited AS (
			SELECT a.artist_id, pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE g.in_library) AS nl
			  FROM gone g, LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(g.artist_ids) x(id)) a
			 GROUP BY a.artist_id
		), uncounted AS (
			UPDATE listen_wiseer.recommend_artist_tracks t SET tracks = GREATEST(t.tracks - c.n, 0),
			                                                  library_tracks = GREATEST(t.library_tracks - c.nl, 0)
			  FROM credited c WHERE t.artist_id = c.artist_id
		), emptied AS (
			-- signatures whose last track went (the UPDATE below skips them);
			-- only those: probing every signature cost seconds per statement
			-- on a large library
			DELETE FROM listen_wiseer.recommend_signatures s
			 USING counted c WHERE s.genres = c.genres AND s.tracks <= c.n
		)
		UPDATE listen_wiseer.recommend_signatures s SET tracks = s.tracks - c.n,
		                                                library_tracks = GREATEST(s.library_tracks - c.nl, 0)
		  FROM counted c WHERE s.genres = c.genres AND s.tracks > c.n;
	END IF;

	INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v, in_library)
	WITH credits AS MATERIALIZED (
		SELECT x.track_id, x.position, x.artist_id
		  FROM listen_wiseer.track_artists x
		 WHERE ids IS NULL OR x.track_id = ANY (ids)
	), credit_count AS MATERIALIZED (
		SELECT c.track_id, pg_catalog.count(*) AS n FROM credits c GROUP BY c.track_id
	), a AS MATERIALIZED (
		-- the artists involved, with their genres mapped to families and groups
		SELECT a.artist_id, a.genres
		  FROM listen_wiseer.artists a
		 WHERE ids IS NULL OR a.artist_id IN (SELECT c.artist_id FROM credits c)
	), gm AS MATERIALIZED (
		SELECT d.genre, m.family, m.genre_group
		  FROM (SELECT DISTINCT g.genre FROM a, pg_catalog.unnest(a.genres) AS g(genre)) d
		  CROSS JOIN LATERAL @extschema@.genre_map(d.genre) m
	), ra AS MATERIALIZED (
		SELECT a.artist_id, a.genres, COALESCE(f.families, '{}') AS families, COALESCE(f.groups, '{}') AS groups
		  FROM a
		  LEFT JOIN (SELECT a.artist_id,
		                    pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
		                    pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
		               FROM a, pg_catalog.unnest(a.genres) AS g(genre), gm
		              WHERE gm.genre = g.genre
		              GROUP BY a.artist_id) f ON f.artist_id = a.artist_id
	), several AS MATERIALIZED (
		-- tracks with several credits take ordered unions over the credits
		SELECT c.track_id, c.position, c.artist_id, ra.genres
		  FROM credits c
		  LEFT JOIN ra ON ra.artist_id = c.artist_id
		 WHERE c.track_id IN (SELECT cc.track_id FROM credit_count cc WHERE cc.n > 1)
	), several_artists AS (
		SELECT m.track_id, pg_catalog.array_agg(m.artist_id ORDER BY m.position) AS artist_ids,
		       pg_catalog.bool_or(m.genres IS NOT NULL) AS genres_known
		  FROM several m GROUP BY m.track_id
	), several_genres AS (
		SELECT u.track_id, pg_catalog.array_agg(u.genre ORDER BY u.ord) AS genres,
		       pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
		       pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
		  FROM (SELECT m.track_id, g.genre, pg_catalog.min(m.position::bigint * 10000 + g.ord) AS ord
		          FROM several m, pg_catalog.unnest(m.genres) WITH ORDINALITY AS g(genre, ord)
		         GROUP BY m.track_id, g.genre) u
		  LEFT JOIN gm ON gm.genre = u.genre
		 GROUP BY u.track_id
	)
	-- tracks with one credit (the common case: no sort) or none
	SELECT tv.track_id,
	       CASE WHEN c.artist_id IS NULL THEN '{}' ELSE ARRAY[c.artist_id] END,
	       ra.genres, COALESCE(ra.families, '{}'), COALESCE(ra.groups, '{}'), tv.v, t.in_library
	  FROM listen_wiseer.track_vectors tv
	  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
	  LEFT JOIN credit_count cc ON cc.track_id = tv.track_id
	  LEFT JOIN credits c ON c.track_id = tv.track_id AND cc.n = 1
	  LEFT JOIN ra ON ra.artist_id = c.artist_id
	 WHERE (ids IS NULL OR tv.track_id = ANY (ids))
	   AND (cc.n IS NULL OR cc.n = 1)
	UNION ALL
	SELECT tv.track_id, sa.artist_ids,
	       CASE WHEN sa.genres_known THEN COALESCE(sg.genres, '{}') END,
	       COALESCE(sg.families, '{}'), COALESCE(sg.groups, '{}'), tv.v, t.in_library
	  FROM listen_wiseer.track_vectors tv
	  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
	  JOIN several_artists sa ON sa.track_id = tv.track_id
	  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
	 WHERE ids IS NULL OR tv.track_id = ANY (ids)
	-- (a rebuild lays the pool out by signature: a round of recommend() reads
	-- a signature's tracks from a few pages instead of one page each)
	ORDER BY 3;
	GET DIAGNOSTICS written = ROW_COUNT;
	IF ids IS NULL THEN
		CREATE INDEX recommend_pool_genres_idx ON listen_wiseer.recommend_pool USING gin (genres);
		CREATE INDEX recommend_pool_signature_idx ON listen_wiseer.recommend_pool (genres);
		CREATE INDEX recommend_pool_library_signature_idx ON listen_wiseer.recommend_pool (genres) WHERE in_library;
		CREATE INDEX recommend_pool_artists_idx ON listen_wiseer.recommend_pool USING gin (artist_ids);
		INSERT INTO listen_wiseer.recommend_signatures (genres, families, groups, tracks, library_tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*),
		       pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres;
		INSERT INTO listen_wiseer.recommend_artist_tracks (artist_id, tracks, library_tracks)
		SELECT a.artist_id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p,
		       LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(p.artist_ids) x(id)) a
		 GROUP BY a.artist_id;
		ANALYZE listen_wiseer.recommend_pool;
		ANALYZE listen_wiseer.recommend_signatures;
		ANALYZE listen_wiseer.recommend_artist_tracks;
	ELSE
		INSERT INTO listen_wiseer.recommend_signatures AS s (genres, families, groups, tracks, library_tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*),
		       pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.track_id = ANY (ids) AND p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres
		ON CONFLICT (genres) DO UPDATE SET tracks = s.tracks + EXCLUDED.tracks,
		                                   library_tracks = s.library_tracks + EXCLUDED.library_tracks,
		                                   families = EXCLUDED.families, groups = EXCLUDED.groups;
		INSERT INTO listen_wiseer.recommend_artist_tracks AS t (artist_id, tracks, library_tracks)
		SELECT a.artist_id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p,
		       LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(p.artist_ids) x(id)) a
		 WHERE p.track_id = ANY (ids)
		 GROUP BY a.artist_id
		ON CONFLICT (artist_id) DO UPDATE SET tracks = t.tracks + EXCLUDED.tracks,
		                                      library_tracks = t.library_tracks + EXCLUDED.library_tracks;
	END IF;
	RETURN written;
END;
$$;

CREATE OR REPLACE FUNCTION listen_wiseer.recommend_pool_vectors_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- A statement touching a large part of the library (a bulk load, or
	-- refresh_vectors() after the statistics moved): one rebuild is cheaper.
	IF TG_OP <> 'DELETE' THEN
		-- (the pool's size as last analyzed: counting it cost more than the
		-- statement beside a large catalog)
		IF (SELECT pg_catalog.count(*) FROM new_rows) >
		   GREATEST(10000, (SELECT c.reltuples FROM pg_catalog.pg_class c
		                     WHERE c.oid = 'listen_wiseer.recommend_pool'::pg_catalog.regclass) / 4) THEN
			PERFORM listen_wiseer.recommend_pool_sync(NULL);
			RETURN NULL;
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- refresh_vectors() rewrites vectors: copy them, the genres did not change.
		UPDATE listen_wiseer.recommend_pool p SET v = n.v
		  FROM new_rows n WHERE p.track_id = n.track_id;
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
			SELECT n.track_id FROM new_rows n
			 WHERE NOT EXISTS (SELECT FROM listen_wiseer.recommend_pool p WHERE p.track_id = n.track_id)));
	ELSIF TG_OP = 'INSERT' THEN
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT n.track_id FROM new_rows n));
	ELSE
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT o.track_id FROM old_rows o));
	END IF;
	RETURN NULL;
END;
$$;

-- 1.1: a track joined or left the library (a catalog track the user saved,
-- say): recompute its pool row, which carries in_library, and the library
-- counts of its signature and artists.
CREATE FUNCTION listen_wiseer.recommend_pool_membership_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
		SELECT n.track_id
		  FROM new_rows n JOIN old_rows o ON o.track_id = n.track_id
		 WHERE n.in_library IS DISTINCT FROM o.in_library));
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_upd AFTER UPDATE ON listen_wiseer.tracks
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_membership_changed();

-- recommend(): new signature (n bigint, source), new column (similarity).
DROP FUNCTION @extschema@.recommend(text, integer, text, boolean, boolean, integer);
-- >>> 1.1 recommend() (the upgrade repeats from here)
-- recommend(): the orchestration is C (extension/recommend_run.c: resolve,
-- evidence, candidate rounds, pick, explain); its statements read the tables
-- above.  docs/design/recommend.md describes the method,
-- docs/design/recommend-speed.md the speed.
--   n        how many tracks (bigint: any bound integer type works)
--   source   'all' (default): library and catalog; 'library'; 'catalog':
--            catalog tracks not in the library
-- similarity (0 to 1) is the score's audio part alone:
--   (1 - near) * cosine(track, profile) + near * mean cosine to the k_near
--   most similar members, clamped to [0, 1] (near = 0.7 for 'cosine', 0 for
--   'centroid', 1 for 'nearest'); score adds the genre and artist terms.
CREATE FUNCTION @extschema@.recommend(
		playlist        text,
		n               bigint DEFAULT 20,
		method          text DEFAULT 'cosine',
		genre_filter    boolean DEFAULT true,
		exclude_outliers boolean DEFAULT true,
		max_per_artist  integer DEFAULT 3,
		source          text DEFAULT 'all')
	RETURNS TABLE (rank integer, track_id text, track_name text, artists text,
	               score double precision, similarity double precision, genre_group text, reason text)
	AS 'MODULE_PATHNAME', 'recommend_run'
	LANGUAGE C STABLE
	SET search_path = pg_catalog, pg_temp
	-- its statements take milliseconds: compiling them (a large catalog puts
	-- their estimated cost above jit_above_cost) took up to 100 ms a call
	SET jit = off;
