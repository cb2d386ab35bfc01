-- ---------------------------------------------------------------------------
-- recommend(playlist): tracks of the library that fit a playlist.
-- docs/design/recommend.md describes the method and every decision below.
-- ---------------------------------------------------------------------------

-- Scoring helpers in C (extension/recommend.c); internal, so in listen_wiseer.
CREATE FUNCTION listen_wiseer.recommend_in_set(item text, set text[])
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'recommend_in_set' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_in_set(text, text[]) IS
	'item = ANY (set), the set kept sorted from row to row (byte equality)';

CREATE FUNCTION listen_wiseer.recommend_overlaps(items text[], set text[])
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'recommend_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_overlaps(text[], text[]) IS
	'items && set, the set kept sorted from row to row (byte equality)';

CREATE FUNCTION listen_wiseer.recommend_base_score(v @extschema@.feature_vector,
		genres text[], families text[], groups text[], artist_ids text[],
		profile @extschema@.feature_vector,
		genre_keys text[], genre_shares double precision[],
		family_keys text[], family_shares double precision[],
		group_keys text[], group_shares double precision[],
		artist_keys text[], artist_shares double precision[],
		weights double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'recommend_base_score' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_base_score(@extschema@.feature_vector, text[], text[], text[], text[],
		@extschema@.feature_vector, text[], double precision[], text[], double precision[], text[],
		double precision[], text[], double precision[], double precision[]) IS
	'recommend() score without its nearest-members part: weights {cosine, genre, family, group, artist}';

CREATE FUNCTION listen_wiseer.recommend_nearest_member(v @extschema@.feature_vector,
		members @extschema@.feature_vector[], ids text[])
	RETURNS integer
	AS 'MODULE_PATHNAME', 'recommend_nearest_member' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_nearest_member(@extschema@.feature_vector, @extschema@.feature_vector[], text[]) IS
	'position of the member nearest v by <=>, ties to the smallest id';

CREATE FUNCTION listen_wiseer.recommend_neighbour_similarity(v @extschema@.feature_vector,
		members @extschema@.feature_vector[], k integer)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'recommend_neighbour_similarity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_neighbour_similarity(@extschema@.feature_vector, @extschema@.feature_vector[], integer) IS
	'mean cosine similarity of v to its k most similar members';

-- ---------------------------------------------------------------------------
-- The candidate pool: one row per track with a standardized vector, with the
-- track's genres (union over its artists, primary artist first), their
-- families and groups (genre_map), and a copy of the vector, so that a
-- recommendation reads one table and narrows by genre through its indexes.
-- Derived data, kept current by the statement triggers below (and rebuilt by
-- refresh_recommend_pool()).
-- ---------------------------------------------------------------------------
-- COLLATE "C": only equality is ever asked of these columns, and byte order
-- makes building and searching the indexes several times cheaper.
CREATE TABLE listen_wiseer.recommend_pool (
	track_id    text COLLATE "C" PRIMARY KEY,
	artist_ids  text[] COLLATE "C" NOT NULL,   -- credit order; [1] = primary artist
	genres      text[] COLLATE "C",            -- NULL = no artist's genres are known
	families    text[] COLLATE "C" NOT NULL,
	groups      text[] COLLATE "C" NOT NULL,
	v           @extschema@.feature_vector NOT NULL,
	in_library  boolean NOT NULL DEFAULT true      -- 1.1: tracks.in_library (false: a catalog track only)
);
CREATE INDEX recommend_pool_genres_idx ON listen_wiseer.recommend_pool USING gin (genres);
CREATE INDEX recommend_pool_signature_idx ON listen_wiseer.recommend_pool (genres);
-- 1.1: the library's tracks of a signature, for source => 'library' next to a
-- large catalog (without it a round read every catalog track of the signature)
CREATE INDEX recommend_pool_library_signature_idx ON listen_wiseer.recommend_pool (genres) WHERE in_library;
-- the tracks of the playlist's own artists, read in every round of recommend()
CREATE INDEX recommend_pool_artists_idx ON listen_wiseer.recommend_pool USING gin (artist_ids);

-- The distinct genre combinations ("signatures") of the pool with their track
-- counts: the genre part of a candidate's score depends on its signature
-- only, so recommend() bounds whole signatures first and reads only the
-- tracks of those that can still reach the top (docs/design/recommend.md).
CREATE TABLE listen_wiseer.recommend_signatures (
	genres   text[] COLLATE "C" PRIMARY KEY CHECK (genres <> '{}'),
	families text[] COLLATE "C" NOT NULL,
	groups   text[] COLLATE "C" NOT NULL,
	tracks   bigint NOT NULL CHECK (tracks > 0),
	-- 1.1: of those, the library's (the playlist's evidence counts these only)
	library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0)
);
CREATE INDEX recommend_signatures_genres_idx ON listen_wiseer.recommend_signatures USING gin (genres);

-- Each artist's tracks in the pool, for the artist-affinity term (members
-- credited to the artist / the artist's tracks): counting them at query time
-- was most of a call's time on a large library.  Kept with the pool; an artist
-- whose last track went keeps a row of 0, which reads the same as no row.
CREATE TABLE listen_wiseer.recommend_artist_tracks (
	artist_id text COLLATE "C" PRIMARY KEY,
	tracks    bigint NOT NULL CHECK (tracks >= 0),
	library_tracks bigint NOT NULL DEFAULT 0 CHECK (library_tracks >= 0)   -- 1.1: of those, the library's
);

-- Recompute the pool rows of the given tracks (NULL = every track).
-- Set-based and sort-free for the common case (a track credited to one
-- artist: the artist's genres as they are); tracks with several credits take
-- the ordered union of their artists' genres.
CREATE FUNCTION listen_wiseer.recommend_pool_sync(ids text[]) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET jit = off   -- compiling the rebuild's plan cost a second and gained nothing
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
		-- (the key too: built once after the load, not row by row in the
		-- pool's order, which is by signature)
		ALTER TABLE listen_wiseer.recommend_pool DROP CONSTRAINT recommend_pool_pkey;
		-- a bulk load may have just written the credits: plan with their real
		-- shape (without statistics the planner guessed 200 tracks and sorted
		-- and merged 1.2M rows several times over; see docs/design/catalog.md)
		ANALYZE listen_wiseer.track_artists;
		ANALYZE listen_wiseer.artists;
		-- every track: credits aggregated once per track, each artist's
		-- genres mapped once, ordered unions only for several credits
		INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v, in_library)
		WITH gm AS MATERIALIZED (
			SELECT d.genre, m.family, m.genre_group
			  FROM (SELECT DISTINCT g.genre FROM listen_wiseer.artists a, pg_catalog.unnest(a.genres) AS g(genre)) d
			  CROSS JOIN LATERAL @extschema@.genre_map(d.genre) m
		), ra AS MATERIALIZED (
			SELECT a.artist_id, a.genres, COALESCE(f.families, '{}') AS families, COALESCE(f.groups, '{}') AS groups
			  FROM listen_wiseer.artists a
			  LEFT JOIN (SELECT a.artist_id,
			                    pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL) AS families,
			                    pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL) AS groups
			               FROM listen_wiseer.artists a, pg_catalog.unnest(a.genres) AS g(genre), gm
			              WHERE gm.genre = g.genre
			              GROUP BY a.artist_id) f ON f.artist_id = a.artist_id
			 WHERE a.genres IS NOT NULL
		), cred AS MATERIALIZED (
			SELECT x.track_id, pg_catalog.array_agg(x.artist_id ORDER BY x.position) AS artist_ids
			  FROM listen_wiseer.track_artists x GROUP BY x.track_id
		), several AS MATERIALIZED (
			SELECT c.track_id, k.position, ra.genres
			  FROM cred c, pg_catalog.unnest(c.artist_ids) WITH ORDINALITY AS k(artist_id, position), ra
			 WHERE pg_catalog.cardinality(c.artist_ids) > 1 AND ra.artist_id = k.artist_id
		), several_genres AS (
			SELECT u.track_id, COALESCE(pg_catalog.array_agg(u.genre ORDER BY u.ord) FILTER (WHERE u.genre IS NOT NULL), '{}') AS genres,
			       COALESCE(pg_catalog.array_agg(DISTINCT gm.family COLLATE "C") FILTER (WHERE gm.family IS NOT NULL), '{}') AS families,
			       COALESCE(pg_catalog.array_agg(DISTINCT gm.genre_group COLLATE "C") FILTER (WHERE gm.genre_group IS NOT NULL), '{}') AS groups
			  FROM (SELECT m.track_id, g.genre, pg_catalog.min(m.position * 10000 + g.ord) AS ord
			          FROM several m LEFT JOIN LATERAL pg_catalog.unnest(m.genres) WITH ORDINALITY AS g(genre, ord) ON true
			         GROUP BY m.track_id, g.genre) u
			  LEFT JOIN gm ON gm.genre = u.genre
			 GROUP BY u.track_id
		)
		SELECT tv.track_id, COALESCE(c.artist_ids, '{}'),
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN sg.genres ELSE r1.genres END,
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN COALESCE(sg.families, '{}') ELSE COALESCE(r1.families, '{}') END,
		       CASE WHEN pg_catalog.cardinality(c.artist_ids) > 1 THEN COALESCE(sg.groups, '{}') ELSE COALESCE(r1.groups, '{}') END,
		       tv.v, t.in_library
		  FROM listen_wiseer.track_vectors tv
		  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
		  LEFT JOIN cred c ON c.track_id = tv.track_id
		  LEFT JOIN ra r1 ON r1.artist_id = c.artist_ids[1] AND pg_catalog.cardinality(c.artist_ids) = 1
		  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
		-- (laid out by signature: a round of recommend() reads a signature's
		-- tracks from a few pages instead of one page each)
		 ORDER BY 3;
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

		INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v, in_library)
		WITH credits AS MATERIALIZED (
			SELECT x.track_id, x.position, x.artist_id
			  FROM listen_wiseer.track_artists x
			 WHERE x.track_id = ANY (ids)
		), credit_count AS MATERIALIZED (
			SELECT c.track_id, pg_catalog.count(*) AS n FROM credits c GROUP BY c.track_id
		), a AS MATERIALIZED (
			-- the artists involved, with their genres mapped to families and groups
			SELECT a.artist_id, a.genres
			  FROM listen_wiseer.artists a
			 WHERE a.artist_id IN (SELECT c.artist_id FROM credits c)
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
		 WHERE tv.track_id = ANY (ids)
		   AND (cc.n IS NULL OR cc.n = 1)
		UNION ALL
		SELECT tv.track_id, sa.artist_ids,
		       CASE WHEN sa.genres_known THEN COALESCE(sg.genres, '{}') END,
		       COALESCE(sg.families, '{}'), COALESCE(sg.groups, '{}'), tv.v, t.in_library
		  FROM listen_wiseer.track_vectors tv
		  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
		  JOIN several_artists sa ON sa.track_id = tv.track_id
		  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
		 WHERE tv.track_id = ANY (ids);
	END IF;
	GET DIAGNOSTICS written = ROW_COUNT;
	IF ids IS NULL THEN
		ALTER TABLE listen_wiseer.recommend_pool ADD CONSTRAINT recommend_pool_pkey PRIMARY KEY (track_id);
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
		-- (an artist credited twice on a track counts it once: later credits of
		-- the same artist are skipped, without a DISTINCT per track)
		INSERT INTO listen_wiseer.recommend_artist_tracks (artist_id, tracks, library_tracks)
		SELECT x.id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE p.in_library)
		  FROM listen_wiseer.recommend_pool p,
		       pg_catalog.unnest(p.artist_ids) WITH ORDINALITY AS x(id, i)
		 WHERE x.i = 1 OR x.id <> ALL (p.artist_ids[1:x.i - 1])
		 GROUP BY x.id;
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

-- Rebuild the whole pool (after changing genre rules, or if in doubt).
CREATE FUNCTION listen_wiseer.refresh_recommend_pool() RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, pg_temp
	RETURN listen_wiseer.recommend_pool_sync(NULL);

-- Rebuilding takes a strong lock on the pool: not for every role.
REVOKE EXECUTE ON FUNCTION listen_wiseer.recommend_pool_sync(text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION listen_wiseer.refresh_recommend_pool() FROM PUBLIC;

-- Statement triggers with transition tables: one pass per statement, so a bulk
-- load or refresh_vectors() costs one set-based update, not one per row.
CREATE FUNCTION listen_wiseer.recommend_pool_vectors_changed() RETURNS trigger
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

CREATE TRIGGER recommend_pool_ins AFTER INSERT ON listen_wiseer.track_vectors
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_vectors_changed();
CREATE TRIGGER recommend_pool_upd AFTER UPDATE ON listen_wiseer.track_vectors
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_vectors_changed();
CREATE TRIGGER recommend_pool_del AFTER DELETE ON listen_wiseer.track_vectors
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_vectors_changed();

CREATE FUNCTION listen_wiseer.recommend_pool_credits_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids text[];
BEGIN
	-- Only tracks with a vector have pool rows: the credits of the others
	-- (an import's or a sync's new tracks, whose vectors refresh_vectors()
	-- adds later, with their pool rows) change nothing here, and touching
	-- nothing leaves the pool's generation, so every session's copy of the
	-- pool stays valid (sql/62_recommend_pool_generation.sql).
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT n.track_id FROM new_rows n
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = n.track_id));
	ELSIF TG_OP = 'DELETE' THEN
		ids := ARRAY(SELECT DISTINCT o.track_id FROM old_rows o
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = o.track_id));
	ELSE
		ids := ARRAY(SELECT u.track_id FROM (SELECT n.track_id FROM new_rows n UNION SELECT o.track_id FROM old_rows o) u
		              WHERE EXISTS (SELECT FROM listen_wiseer.track_vectors tv WHERE tv.track_id = u.track_id));
	END IF;
	IF pg_catalog.cardinality(ids) > 0 THEN
		PERFORM listen_wiseer.recommend_pool_sync(ids);
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_ins AFTER INSERT ON listen_wiseer.track_artists
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_credits_changed();
CREATE TRIGGER recommend_pool_upd AFTER UPDATE ON listen_wiseer.track_artists
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_credits_changed();
CREATE TRIGGER recommend_pool_del AFTER DELETE ON listen_wiseer.track_artists
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_credits_changed();

-- An artist's genres changed: recompute that artist's tracks.
CREATE FUNCTION listen_wiseer.recommend_pool_genres_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
		SELECT DISTINCT x.track_id
		  FROM new_rows n
		  JOIN old_rows o ON o.artist_id = n.artist_id
		  JOIN listen_wiseer.track_artists x ON x.artist_id = n.artist_id
		 WHERE n.genres IS DISTINCT FROM o.genres));
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_upd AFTER UPDATE ON listen_wiseer.artists
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_genres_changed();

-- The genre rules changed: every track's families and groups may have.
CREATE FUNCTION listen_wiseer.recommend_pool_rules_changed() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM listen_wiseer.recommend_pool_sync(NULL);
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommend_pool_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_families
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_rules_changed();
CREATE TRIGGER recommend_pool_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_aliases
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_rules_changed();
CREATE TRIGGER recommend_pool_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_rules
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_rules_changed();
CREATE TRIGGER recommend_pool_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_overrides
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.recommend_pool_rules_changed();

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

-- ---------------------------------------------------------------------------
-- recommend()
-- ---------------------------------------------------------------------------

-- The weights of the score, in one place (docs/design/recommend.md); chosen
-- by measuring with test/eval.  score = (1 - near) * cosine(track, profile)
--   + near * mean cosine to the k_near most similar members
--   + genre * mean over the track's genres of their affinity to the playlist
--     (members carrying the genre / (library tracks with features carrying it + 1),
--     relative to the playlist's most affine genre)
--   + family * mean over its families of their share of the members
--   + grp * the same over genre groups
--   + artist * largest affinity to the playlist of one of the track's artists
--     (members credited to the artist / (the artist's other library tracks + 1), at most 2)
CREATE FUNCTION listen_wiseer.recommend_weights(
		OUT genre double precision, OUT family double precision, OUT grp double precision,
		OUT artist double precision, OUT near double precision, OUT k_near integer,
		OUT contamination double precision, OUT min_forest integer)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT 3.0::float8, 0.3::float8, 0.2::float8, 2.5::float8, 0.7::float8, 3, 0.1::float8, 8;
	END;

-- Find a playlist by Spotify id, or by name (case-insensitive).
CREATE FUNCTION listen_wiseer.resolve_playlist(playlist text) RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	found   text[];
	listing text;
BEGIN
	IF playlist IS NULL THEN
		RAISE EXCEPTION 'playlist must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF EXISTS (SELECT 1 FROM listen_wiseer.playlists p WHERE p.playlist_id = playlist) THEN
		RETURN playlist;
	END IF;
	SELECT pg_catalog.array_agg(p.playlist_id ORDER BY p.playlist_id),
	       pg_catalog.string_agg(pg_catalog.format('%s (%s)', p.playlist_id, p.name), ', '
	                             ORDER BY p.playlist_id)
	  INTO found, listing
	  FROM listen_wiseer.playlists p
	 WHERE pg_catalog.lower(p.name) = pg_catalog.lower(playlist);
	IF found IS NULL THEN
		-- (at most 200 characters of it: the argument may be anything)
		RAISE EXCEPTION 'playlist "%" does not exist',
			CASE WHEN pg_catalog.length(playlist) > 200 THEN pg_catalog.left(playlist, 200) || '...' ELSE playlist END
			USING ERRCODE = 'undefined_object',
			      HINT = 'Give a playlist id or name from listen_wiseer.playlists.';
	END IF;
	IF pg_catalog.cardinality(found) > 1 THEN
		RAISE EXCEPTION 'playlist name "%" is ambiguous',
			CASE WHEN pg_catalog.length(playlist) > 200 THEN pg_catalog.left(playlist, 200) || '...' ELSE playlist END
			USING ERRCODE = 'ambiguous_alias',
			      DETAIL = pg_catalog.format('%s playlists have this name: %s.',
			                                 pg_catalog.cardinality(found), listing),
			      HINT = 'Give the playlist id instead.';
	END IF;
	RETURN found[1];
END;
$$;

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
