-- ---------------------------------------------------------------------------
-- Comparable scales: every distance in the product compares standardized
-- vectors.  v[i] = weight[i] * (x[i] - mean[i]) / stddev[i] over the library
-- (z-score; a feature constant across the library contributes 0).
-- 1.1: "the library" is tracks.in_library (all tracks with features when the
-- library has none): an imported catalog neither moves the statistics nor,
-- through them, the library's vectors.  Catalog tracks are standardized with
-- the statistics in catalog_mean/catalog_scale, which follow the library's
-- only when those drift by more than 0.01 of a standardized unit: a sync
-- rewrites the library's vectors, not the catalog's million
-- (docs/design/recommend-speed.md).
-- The features, in vector order, are the ones listed in feature_order().
-- ---------------------------------------------------------------------------

-- The features in vector order (1-based position = vector dimension).
CREATE FUNCTION listen_wiseer.feature_names() RETURNS text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ARRAY['danceability', 'energy', 'loudness', 'speechiness', 'acousticness',
	             'instrumentalness', 'liveness', 'valence', 'tempo']::text[];

-- A track's raw features in vector order.
CREATE FUNCTION listen_wiseer.raw_features(f listen_wiseer.audio_features) RETURNS double precision[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ARRAY[f.danceability, f.energy, f.loudness, f.speechiness, f.acousticness,
	             f.instrumentalness, f.liveness, f.valence, f.tempo]::double precision[];

CREATE FUNCTION @extschema@.standardize(raw double precision[], center double precision[], scale double precision[])
	RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'feature_vector_standardize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Per-feature weights a user changes.  Holds only the user's choices: a
-- feature without a row has weight 1 (so pg_dump keeps exactly what the user set).
-- Weight 0 switches a feature off.
CREATE TABLE listen_wiseer.feature_weights (
	feature text PRIMARY KEY
	        CHECK (feature = ANY (ARRAY['danceability', 'energy', 'loudness', 'speechiness', 'acousticness',
	                                    'instrumentalness', 'liveness', 'valence', 'tempo'])),
	weight  double precision NOT NULL CHECK (weight >= 0 AND weight <= 1000)
);
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.feature_weights', '');

-- The statistics the current vectors were computed with (one row, derived).
CREATE TABLE listen_wiseer.feature_stats (
	singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	n           bigint NOT NULL,
	mean        double precision[] NOT NULL,
	stddev      double precision[] NOT NULL,
	weight      double precision[] NOT NULL,
	scale       double precision[] NOT NULL,   -- weight / stddev (0 for a constant feature)
	computed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	-- 1.1: the statistics the catalog's vectors (tracks not in the library)
	-- were computed with (see above)
	catalog_mean  double precision[],
	catalog_scale double precision[]
);

-- Per feature, for people: position, mean, stddev, weight.
CREATE VIEW listen_wiseer.feature_scaling AS
	SELECT f.position, f.feature, s.n, s.mean[f.position] AS mean,
	       s.stddev[f.position] AS stddev, s.weight[f.position] AS weight, s.computed_at
	FROM pg_catalog.unnest(listen_wiseer.feature_names()) WITH ORDINALITY AS f(feature, position)
	LEFT JOIN listen_wiseer.feature_stats s ON true;

-- Standardized vectors, one per track with audio features (derived data:
-- rebuilt by refresh_vectors, not dumped).  1.1: no foreign key to
-- audio_features.  Only refresh_vectors() writes here, from a join with
-- audio_features in the same statement, so a key check per row proved
-- nothing and cost 9 s of a 1.2M-track catalog import; a vector goes with
-- its features by the triggers track_vectors_features_gone below.
CREATE TABLE listen_wiseer.track_vectors (
	track_id text PRIMARY KEY,
	v        @extschema@.feature_vector(9) NOT NULL
);

-- Recompute the statistics and every vector.  Called at commit of any
-- transaction that changed audio_features or feature_weights (see the
-- triggers below), and by lw-ingest after a bulk load.  Returns the number of
-- vectors written.  SECURITY DEFINER: the derived tables (feature_stats,
-- track_vectors) are written only by this function, so the ingest role needs
-- no write privilege on them; EXECUTE is not public (listen_wiseer.grant_ingest).
CREATE FUNCTION listen_wiseer.refresh_vectors() RETURNS bigint
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
	-- features, by the triggers track_vectors_features_gone): the library's vectors ...
	INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
	SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), st.mean, scale)
	  FROM listen_wiseer.audio_features f
	  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND t.in_library
	ON CONFLICT (track_id) DO UPDATE SET v = EXCLUDED.v
	  WHERE tv.v::real[] IS DISTINCT FROM EXCLUDED.v::real[];
	GET DIAGNOSTICS written = ROW_COUNT;
	-- ... and the catalog's: all of them when their statistics changed, else
	-- only those without a vector yet, if any (a vector goes with its
	-- features, so equal counts mean every track has its vector: two
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
		-- 1.1: the changed vectors updated and the missing inserted, not one
		-- INSERT ... ON CONFLICT, whose speculative insertion cost a 1.2M-track
		-- catalog import seconds
		UPDATE listen_wiseer.track_vectors tv SET v = n.v
		  FROM (SELECT f.track_id,
		               @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale) AS v
		          FROM listen_wiseer.audio_features f
		          JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library) n
		 WHERE tv.track_id = n.track_id AND tv.v::real[] IS DISTINCT FROM n.v::real[];
		GET DIAGNOSTICS more = ROW_COUNT;
		written := written + more;
		INSERT INTO listen_wiseer.track_vectors (track_id, v)
		SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), c_mean, c_scale)
		  FROM listen_wiseer.audio_features f
		  JOIN listen_wiseer.tracks t ON t.track_id = f.track_id AND NOT t.in_library
		 WHERE NOT EXISTS (SELECT FROM listen_wiseer.track_vectors x WHERE x.track_id = f.track_id);
	END IF;
	GET DIAGNOSTICS more = ROW_COUNT;
	RETURN written + more;
END;
$$;
REVOKE EXECUTE ON FUNCTION listen_wiseer.refresh_vectors() FROM PUBLIC;

-- The standardized vector of one track, computed now from the current statistics
-- (NULL when the track has no audio features or no statistics exist yet).
CREATE FUNCTION @extschema@.track_vector(track_id text) RETURNS @extschema@.feature_vector
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT @extschema@.standardize(listen_wiseer.raw_features(f),
	                                       CASE WHEN t.in_library THEN s.mean ELSE s.catalog_mean END,
	                                       CASE WHEN t.in_library THEN s.scale ELSE s.catalog_scale END)
	        FROM listen_wiseer.audio_features f
	        JOIN listen_wiseer.tracks t ON t.track_id = f.track_id,
	             listen_wiseer.feature_stats s
	        WHERE f.track_id = track_vector.track_id);

-- Keep the vectors current: once per transaction that changed features or
-- weights, at commit (deferred), so a bulk load pays one refresh.  A session
-- that loads in many transactions (lw-ingest) may set
-- listen_wiseer.defer_refresh = on and call refresh_vectors() once at the end.
-- (SECURITY DEFINER: whoever may change audio_features or feature_weights
-- gets the refresh, without EXECUTE on refresh_vectors.)
CREATE FUNCTION listen_wiseer.vectors_stale() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.current_setting('listen_wiseer.defer_refresh', true) = 'on' THEN
		RETURN NULL;
	END IF;
	IF pg_catalog.current_setting('listen_wiseer.refreshed_in_xact', true) IS DISTINCT FROM
	   pg_catalog.txid_current()::text THEN
		PERFORM listen_wiseer.refresh_vectors();
		PERFORM pg_catalog.set_config('listen_wiseer.refreshed_in_xact', pg_catalog.txid_current()::text, true);
	END IF;
	RETURN NULL;
END;
$$;

-- 1.1: the WHEN clause is checked as each row is written, so a bulk load
-- under defer_refresh queues no event at all (1.09M events cost an import
-- 2.6 s at commit, each only to return early).
CREATE CONSTRAINT TRIGGER audio_features_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.audio_features
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (pg_catalog.current_setting('listen_wiseer.defer_refresh', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION listen_wiseer.vectors_stale();
CREATE CONSTRAINT TRIGGER feature_weights_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.feature_weights
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW
	WHEN (pg_catalog.current_setting('listen_wiseer.defer_refresh', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION listen_wiseer.vectors_stale();

-- 1.1: a track's vector goes with its features (what ON DELETE CASCADE did
-- before track_vectors lost its foreign key), one statement per statement.
CREATE FUNCTION listen_wiseer.track_vectors_features_gone() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		-- no features: no statistics and no vectors (deleted, not truncated,
		-- so the pool's triggers follow)
		PERFORM listen_wiseer.refresh_vectors();
	ELSIF TG_LEVEL = 'ROW' THEN
		-- a track's features moved to another track id
		DELETE FROM listen_wiseer.track_vectors tv WHERE tv.track_id = OLD.track_id;
	ELSE
		DELETE FROM listen_wiseer.track_vectors tv USING old_rows o WHERE tv.track_id = o.track_id;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER track_vectors_features_gone AFTER DELETE ON listen_wiseer.audio_features
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();
CREATE TRIGGER track_vectors_features_truncated AFTER TRUNCATE ON listen_wiseer.audio_features
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();
CREATE TRIGGER track_vectors_features_moved AFTER UPDATE OF track_id ON listen_wiseer.audio_features
	FOR EACH ROW WHEN (OLD.track_id IS DISTINCT FROM NEW.track_id)
	EXECUTE FUNCTION listen_wiseer.track_vectors_features_gone();
