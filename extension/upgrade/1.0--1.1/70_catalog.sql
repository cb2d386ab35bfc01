-- Catalog tracks (tracks.in_library = false, imported by lw-ingest import-catalog) are not
-- the user's: the vectors' statistics are the library's, and the library views leave
-- catalog-only tracks and artists out (see extension/sql/30_scaling.sql, 50_genre_map.sql).
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
	lib_only boolean;
BEGIN
	-- Serialize concurrent refreshes; readers are never blocked.
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('listen_wiseer.refresh_vectors'));

	-- The statistics are the library's: importing a catalog must not move the user's
	-- space (catalog tracks are standardized with the library's means and deviations).
	-- While the library has no features at all, every track counts.
	lib_only := EXISTS (SELECT FROM listen_wiseer.audio_features f
	                    JOIN listen_wiseer.tracks t ON t.track_id = f.track_id WHERE t.in_library);

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
	 WHERE NOT lib_only
	    OR EXISTS (SELECT FROM listen_wiseer.tracks t WHERE t.track_id = f.track_id AND t.in_library);

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

	INSERT INTO listen_wiseer.feature_stats (n, mean, stddev, weight, scale)
	VALUES (st.n, st.mean, st.sd, w, scale);

	-- Upsert, touching only rows whose vector changed; drop orphans.
	INSERT INTO listen_wiseer.track_vectors AS tv (track_id, v)
	SELECT f.track_id, @extschema@.standardize(listen_wiseer.raw_features(f), st.mean, scale)
	  FROM listen_wiseer.audio_features f
	ON CONFLICT (track_id) DO UPDATE SET v = EXCLUDED.v
	  WHERE tv.v::real[] IS DISTINCT FROM EXCLUDED.v::real[];
	GET DIAGNOSTICS written = ROW_COUNT;
	RETURN written;
END;
$$;

CREATE OR REPLACE VIEW listen_wiseer.artist_genre AS
	SELECT a.artist_id, v.family, v.genre_group, v.top_genre
	FROM listen_wiseer.artists a
	LEFT JOIN LATERAL @extschema@.genre_vote(a.genres) v ON true
	WHERE EXISTS (SELECT FROM listen_wiseer.track_artists ta
	              JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	              WHERE ta.artist_id = a.artist_id AND t.in_library)
	   OR NOT EXISTS (SELECT FROM listen_wiseer.track_artists ta
	                  JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id
	                  WHERE ta.artist_id = a.artist_id AND NOT t.in_library);

CREATE OR REPLACE VIEW listen_wiseer.track_genre AS
	SELECT t.track_id, (v.r).family AS family, (v.r).genre_group AS genre_group,
	       (v.r).top_genre AS top_genre
	FROM listen_wiseer.tracks t
	LEFT JOIN (SELECT ta.track_id, @extschema@.genre_vote_agg(a.genres, ta.position::integer) AS r
	           FROM listen_wiseer.track_artists ta
	           JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id
	           GROUP BY ta.track_id) v ON v.track_id = t.track_id
	WHERE t.in_library;

-- the library's tracks still to ask /audio-features for (catalog-only tracks are never asked)
DROP INDEX listen_wiseer.tracks_features_unchecked_idx;
CREATE INDEX tracks_features_unchecked_idx ON listen_wiseer.tracks (track_id)
	WHERE features_checked_at IS NULL AND in_library;
