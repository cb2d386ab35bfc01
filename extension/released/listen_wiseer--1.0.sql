-- listen_wiseer 1.0: built from extension/sql/NN_*.sql by the Makefile; do not edit the built file.
\echo Use "CREATE EXTENSION listen_wiseer" to load this file. \quit

-- The library tables live here; functions, types and operators in @extschema@.
CREATE SCHEMA listen_wiseer;
COMMENT ON SCHEMA listen_wiseer IS 'Listen-Wiseer library tables (filled by lw-ingest)';
GRANT USAGE ON SCHEMA listen_wiseer TO PUBLIC;
-- ---------------------------------------------------------------------------
-- feature_vector: the type, its I/O, casts, distances, operators, aggregates.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.feature_vector;

CREATE FUNCTION @extschema@.feature_vector_in(cstring, oid, integer) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_out(@extschema@.feature_vector) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_typmod_in(cstring[]) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_recv(internal, oid, integer) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_send(@extschema@.feature_vector) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STORAGE plain: these vectors are a few dozen bytes; plain storage keeps the
-- 4-byte header so reading one never needs a detoast copy.
CREATE TYPE @extschema@.feature_vector (
	INPUT     = @extschema@.feature_vector_in,
	OUTPUT    = @extschema@.feature_vector_out,
	TYPMOD_IN = @extschema@.feature_vector_typmod_in,
	RECEIVE   = @extschema@.feature_vector_recv,
	SEND      = @extschema@.feature_vector_send,
	STORAGE   = plain,
	ALIGNMENT = int4
);
COMMENT ON TYPE @extschema@.feature_vector IS 'vector of float4 features; text form [x1,x2,...]';

-- casts

CREATE FUNCTION @extschema@.feature_vector(@extschema@.feature_vector, integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'feature_vector_coerce' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(integer[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(real[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(double precision[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.array_to_feature_vector(numeric[], integer, boolean) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME', 'array_to_feature_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_to_float4(@extschema@.feature_vector, integer, boolean) RETURNS real[]
	AS 'MODULE_PATHNAME', 'feature_vector_to_float4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_to_float8(@extschema@.feature_vector, integer, boolean) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'feature_vector_to_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (@extschema@.feature_vector AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.feature_vector(@extschema@.feature_vector, integer, boolean) AS IMPLICIT;
CREATE CAST (integer[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(integer[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (real[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(real[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (double precision[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(double precision[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (numeric[] AS @extschema@.feature_vector)
	WITH FUNCTION @extschema@.array_to_feature_vector(numeric[], integer, boolean) AS ASSIGNMENT;
CREATE CAST (@extschema@.feature_vector AS real[])
	WITH FUNCTION @extschema@.feature_vector_to_float4(@extschema@.feature_vector, integer, boolean) AS IMPLICIT;
CREATE CAST (@extschema@.feature_vector AS double precision[])
	WITH FUNCTION @extschema@.feature_vector_to_float8(@extschema@.feature_vector, integer, boolean);

-- functions

CREATE FUNCTION @extschema@.cosine_distance(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.euclidean_distance(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_euclidean_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cosine_distance(double precision[], double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'float8_array_cosine_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.euclidean_distance(double precision[], double precision[]) RETURNS double precision
	AS 'MODULE_PATHNAME', 'float8_array_euclidean_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.norm(@extschema@.feature_vector) RETURNS double precision
	AS 'MODULE_PATHNAME', 'feature_vector_norm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dims(@extschema@.feature_vector) RETURNS integer
	AS 'MODULE_PATHNAME', 'feature_vector_dims' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_add(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_sub(@extschema@.feature_vector, @extschema@.feature_vector) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- operators

CREATE OPERATOR @extschema@.<=> (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.cosine_distance, COMMUTATOR = OPERATOR(@extschema@.<=>)
);
CREATE OPERATOR @extschema@.<-> (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.euclidean_distance, COMMUTATOR = OPERATOR(@extschema@.<->)
);
CREATE OPERATOR @extschema@.+ (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.feature_vector_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
CREATE OPERATOR @extschema@.- (
	LEFTARG = @extschema@.feature_vector, RIGHTARG = @extschema@.feature_vector,
	FUNCTION = @extschema@.feature_vector_sub
);

-- aggregates

CREATE FUNCTION @extschema@.feature_vector_accum(double precision[], @extschema@.feature_vector) RETURNS double precision[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_combine(double precision[], double precision[]) RETURNS double precision[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.feature_vector_avg(double precision[]) RETURNS @extschema@.feature_vector
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.avg(@extschema@.feature_vector) (
	SFUNC = @extschema@.feature_vector_accum,
	STYPE = double precision[],
	FINALFUNC = @extschema@.feature_vector_avg,
	COMBINEFUNC = @extschema@.feature_vector_combine,
	INITCOND = '{0}',
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.sum(@extschema@.feature_vector) (
	SFUNC = @extschema@.feature_vector_add,
	STYPE = @extschema@.feature_vector,
	COMBINEFUNC = @extschema@.feature_vector_add,
	PARALLEL = SAFE
);
-- ---------------------------------------------------------------------------
-- The library: what the ingestor (lw-ingest) writes and the analysis reads.
-- Every table lives in the schema listen_wiseer; the README documents each one.
-- Data tables are registered with pg_extension_config_dump so pg_dump keeps them.
-- ---------------------------------------------------------------------------

-- The Spotify user(s) whose library this is (from GET /me).
CREATE TABLE listen_wiseer.users (
	user_id       text PRIMARY KEY CHECK (user_id <> ''),
	account_id    text UNIQUE,           -- immutable key since 2026-05, when Spotify sends it
	display_name  text,
	updated_at    timestamptz NOT NULL DEFAULT pg_catalog.now()
);

CREATE TABLE listen_wiseer.artists (
	artist_id         text PRIMARY KEY CHECK (artist_id <> ''),
	name              text NOT NULL,
	-- NULL = genres unknown (not fetched, or Spotify did not send the field);
	-- '{}' = Spotify says the artist has no genres.
	genres            text[] CHECK (genres IS NULL OR pg_catalog.array_position(genres, NULL) IS NULL),
	popularity        smallint CHECK (popularity BETWEEN 0 AND 100),
	followers         bigint CHECK (followers >= 0),
	genres_fetched_at timestamptz,       -- when the full artist object was last fetched
	updated_at        timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX artists_genres_idx ON listen_wiseer.artists USING gin (genres);
-- added for the ingestor: the artists whose full object (genres) was never fetched
CREATE INDEX artists_unfetched_idx ON listen_wiseer.artists (artist_id)
	WHERE genres IS NULL AND genres_fetched_at IS NULL;

CREATE TABLE listen_wiseer.tracks (
	track_id               text PRIMARY KEY CHECK (track_id <> ''),
	name                   text NOT NULL,
	album_id               text,
	album_name             text,
	release_date           text CHECK (release_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
	release_date_precision text CHECK (release_date_precision IN ('year', 'month', 'day')),
	duration_ms            integer CHECK (duration_ms >= 0),
	explicit               boolean,
	popularity             smallint CHECK (popularity BETWEEN 0 AND 100),
	isrc                   text,
	updated_at             timestamptz NOT NULL DEFAULT pg_catalog.now(),
	-- added for the ingestor: when /audio-features was last asked for this track, so tracks
	-- Spotify has no features for (null entries) are not asked again on every sync
	features_checked_at    timestamptz
);
CREATE INDEX tracks_isrc_idx ON listen_wiseer.tracks (isrc) WHERE isrc IS NOT NULL;
-- added for the ingestor: the tracks still to ask /audio-features for, in id order
CREATE INDEX tracks_features_unchecked_idx ON listen_wiseer.tracks (track_id)
	WHERE features_checked_at IS NULL;

-- A track's artists in credit order (position 0 = primary artist).
CREATE TABLE listen_wiseer.track_artists (
	track_id  text NOT NULL REFERENCES listen_wiseer.tracks ON DELETE CASCADE,
	position  smallint NOT NULL CHECK (position >= 0),
	artist_id text NOT NULL REFERENCES listen_wiseer.artists ON DELETE CASCADE,
	PRIMARY KEY (track_id, position)
);
-- (artist_id, track_id): artist lookups, and per-artist track counts from the index alone
CREATE INDEX track_artists_artist_idx ON listen_wiseer.track_artists (artist_id, track_id);

CREATE TABLE listen_wiseer.playlists (
	playlist_id     text PRIMARY KEY CHECK (playlist_id <> ''),
	name            text NOT NULL,
	owner_id        text,
	owner_name      text,
	snapshot_id     text,                -- Spotify's version string of the membership we hold
	description     text,
	public          boolean,
	collaborative   boolean,
	total_items     integer CHECK (total_items >= 0),
	-- false when Spotify refuses the playlist's items (followed, not owned: 403)
	items_available boolean NOT NULL DEFAULT true,
	first_seen_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
	last_synced_at  timestamptz,         -- membership last written from Spotify
	unfollowed_at   timestamptz          -- no longer listed in /me/playlists
);
CREATE INDEX playlists_lower_name_idx ON listen_wiseer.playlists (pg_catalog.lower(name));

-- Membership. A track may appear several times in one playlist (occurrence 1, 2, ...).
-- Removed members are kept with removed_at set; current members have removed_at IS NULL.
CREATE TABLE listen_wiseer.playlist_tracks (
	playlist_id text NOT NULL REFERENCES listen_wiseer.playlists ON DELETE CASCADE,
	track_id    text NOT NULL REFERENCES listen_wiseer.tracks ON DELETE CASCADE,
	occurrence  integer NOT NULL DEFAULT 1 CHECK (occurrence >= 1),
	position    integer CHECK (position >= 0),
	added_at    timestamptz,
	added_by    text,
	removed_at  timestamptz,
	PRIMARY KEY (playlist_id, track_id, occurrence)
);
CREATE INDEX playlist_tracks_current_idx ON listen_wiseer.playlist_tracks (playlist_id, position)
	WHERE removed_at IS NULL;
CREATE INDEX playlist_tracks_track_idx ON listen_wiseer.playlist_tracks (track_id);

-- The user's Liked Songs (GET /me/tracks), kept as their own list.
CREATE TABLE listen_wiseer.liked_tracks (
	track_id   text PRIMARY KEY REFERENCES listen_wiseer.tracks ON DELETE CASCADE,
	added_at   timestamptz,
	removed_at timestamptz
);
CREATE INDEX liked_tracks_added_idx ON listen_wiseer.liked_tracks (added_at DESC);

-- Spotify's 13 audio features, one row per track, with where the row came from.
-- Tracks without a row have no known features (never zeros).
CREATE TABLE listen_wiseer.audio_features (
	track_id         text PRIMARY KEY REFERENCES listen_wiseer.tracks ON DELETE CASCADE,
	danceability     real NOT NULL CHECK (danceability BETWEEN 0 AND 1),
	energy           real NOT NULL CHECK (energy BETWEEN 0 AND 1),
	key              smallint NOT NULL CHECK (key BETWEEN -1 AND 11),
	loudness         real NOT NULL CHECK (loudness BETWEEN -100 AND 10),
	mode             smallint NOT NULL CHECK (mode IN (0, 1)),
	speechiness      real NOT NULL CHECK (speechiness BETWEEN 0 AND 1),
	acousticness     real NOT NULL CHECK (acousticness BETWEEN 0 AND 1),
	instrumentalness real NOT NULL CHECK (instrumentalness BETWEEN 0 AND 1),
	liveness         real NOT NULL CHECK (liveness BETWEEN 0 AND 1),
	valence          real NOT NULL CHECK (valence BETWEEN 0 AND 1),
	tempo            real NOT NULL CHECK (tempo BETWEEN 0 AND 300),
	duration_ms      integer CHECK (duration_ms >= 0),
	time_signature   smallint CHECK (time_signature BETWEEN 0 AND 7),
	source           text NOT NULL CHECK (source IN ('spotify_api', 'csv', 'demo')),
	source_detail    text,               -- e.g. the CSV file name
	loaded_at        timestamptz NOT NULL DEFAULT pg_catalog.now()
);

-- What the ingestor learned about restricted endpoints (re-probed after a while).
CREATE TABLE listen_wiseer.capabilities (
	capability text PRIMARY KEY,         -- 'audio_features', 'batch_artists', ...
	available  boolean NOT NULL,
	checked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	detail     text
);

-- One row per lw-ingest run.
CREATE TABLE listen_wiseer.ingest_runs (
	run_id       bigserial PRIMARY KEY,
	command      text NOT NULL,          -- 'sync', 'import-features', ...
	started_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
	finished_at  timestamptz,
	status       text NOT NULL DEFAULT 'running'
	             CHECK (status IN ('running', 'ok', 'partial', 'needs_login', 'failed')),
	user_id      text,
	counts       jsonb NOT NULL DEFAULT '{}',   -- playlists_seen, playlists_changed, tracks, ...
	capabilities jsonb NOT NULL DEFAULT '{}',   -- verdicts for restricted endpoints in this run
	warnings     text[] NOT NULL DEFAULT '{}',
	error        text,
	CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX ingest_runs_started_idx ON listen_wiseer.ingest_runs (started_at DESC);

SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.users', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.artists', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.tracks', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.track_artists', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.playlists', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.playlist_tracks', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.liked_tracks', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.audio_features', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.capabilities', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.ingest_runs', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.ingest_runs_run_id_seq', '');
-- ---------------------------------------------------------------------------
-- Comparable scales: every distance in the product compares standardized
-- vectors.  v[i] = weight[i] * (x[i] - mean[i]) / stddev[i] over the library
-- (z-score; a feature constant across the library contributes 0).
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
	computed_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);

-- Per feature, for people: position, mean, stddev, weight.
CREATE VIEW listen_wiseer.feature_scaling AS
	SELECT f.position, f.feature, s.n, s.mean[f.position] AS mean,
	       s.stddev[f.position] AS stddev, s.weight[f.position] AS weight, s.computed_at
	FROM pg_catalog.unnest(listen_wiseer.feature_names()) WITH ORDINALITY AS f(feature, position)
	LEFT JOIN listen_wiseer.feature_stats s ON true;

-- Standardized vectors, one per track with audio features (derived data:
-- rebuilt by refresh_vectors, not dumped).
CREATE TABLE listen_wiseer.track_vectors (
	track_id text PRIMARY KEY REFERENCES listen_wiseer.audio_features ON DELETE CASCADE,
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
	  FROM listen_wiseer.audio_features;

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
REVOKE EXECUTE ON FUNCTION listen_wiseer.refresh_vectors() FROM PUBLIC;

-- The standardized vector of one track, computed now from the current statistics
-- (NULL when the track has no audio features or no statistics exist yet).
CREATE FUNCTION @extschema@.track_vector(track_id text) RETURNS @extschema@.feature_vector
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT @extschema@.standardize(listen_wiseer.raw_features(f), s.mean, s.scale)
	        FROM listen_wiseer.audio_features f, listen_wiseer.feature_stats s
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

CREATE CONSTRAINT TRIGGER audio_features_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.audio_features
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.vectors_stale();
CREATE CONSTRAINT TRIGGER feature_weights_refresh_vectors
	AFTER INSERT OR UPDATE OR DELETE ON listen_wiseer.feature_weights
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.vectors_stale();
-- ---------------------------------------------------------------------------
-- Isolation Forest (Liu, Ting & Zhou 2008, as scikit-learn implements it).
-- Scores are in (0, 1]; higher = more anomalous.  README.md ("Isolation forest") has the details.
--   window form:  isolation_forest_score(v [, n_trees, sample_size, seed]) OVER (PARTITION BY ...)
--   model form:   isolation_forest(v [, ...]) -> isolation_forest_model;
--                 isolation_forest_score(model, v)
--   flagging:     isolation_forest_outliers(contamination), view listen_wiseer.playlist_outliers
-- Parameters: n_trees 1..10000 (default 100), sample_size >= 1 (default 256,
-- used as min(sample_size, rows)), seed any bigint (default 0).  NULL = default.
-- ---------------------------------------------------------------------------

-- Window form: trains on the whole partition (whatever the frame), scores every row.
CREATE FUNCTION @extschema@.isolation_forest_score(v @extschema@.feature_vector,
		n_trees integer DEFAULT 100, sample_size integer DEFAULT 256, seed bigint DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'iforest_window_fv' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_score(v double precision[],
		n_trees integer DEFAULT 100, sample_size integer DEFAULT 256, seed bigint DEFAULT 0)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'iforest_window_array' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

-- The model: a fitted forest.  Text form is JSON (canonical layout, exact
-- round trip); binary form is the same text.
CREATE TYPE @extschema@.isolation_forest_model;
CREATE FUNCTION @extschema@.isolation_forest_model_in(cstring) RETURNS @extschema@.isolation_forest_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_model_out(@extschema@.isolation_forest_model) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_model_recv(internal) RETURNS @extschema@.isolation_forest_model
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_model_send(@extschema@.isolation_forest_model) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.isolation_forest_model (
	INPUT = @extschema@.isolation_forest_model_in,
	OUTPUT = @extschema@.isolation_forest_model_out,
	RECEIVE = @extschema@.isolation_forest_model_recv,
	SEND = @extschema@.isolation_forest_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.isolation_forest_model IS 'a fitted isolation forest (text form: JSON)';

-- Model form: the aggregate buffers its rows and builds in the final function,
-- so the model does not depend on row order.  Parallel workers buffer their
-- share; the combine function appends them; the final function puts all rows
-- in canonical order, so a parallel plan builds the same model.
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, @extschema@.feature_vector)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_fv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, @extschema@.feature_vector, integer)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_fv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, @extschema@.feature_vector, integer, integer)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_fv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, @extschema@.feature_vector, integer, integer, bigint)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_fv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, double precision[])
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_array' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, double precision[], integer)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_array' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, double precision[], integer, integer)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_array' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_transfn(internal, double precision[], integer, integer, bigint)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_transfn_array' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_finalfn(internal)
	RETURNS @extschema@.isolation_forest_model
	AS 'MODULE_PATHNAME', 'iforest_agg_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_combinefn(internal, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_serialfn(internal)
	RETURNS bytea AS 'MODULE_PATHNAME', 'iforest_agg_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_deserialfn(bytea, internal)
	RETURNS internal AS 'MODULE_PATHNAME', 'iforest_agg_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.isolation_forest(v @extschema@.feature_vector) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v @extschema@.feature_vector, n_trees integer) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v @extschema@.feature_vector, n_trees integer,
		sample_size integer) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v @extschema@.feature_vector, n_trees integer,
		sample_size integer, seed bigint) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v double precision[]) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v double precision[], n_trees integer) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v double precision[], n_trees integer,
		sample_size integer) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.isolation_forest(v double precision[], n_trees integer,
		sample_size integer, seed bigint) (
	SFUNC = @extschema@.isolation_forest_transfn, STYPE = internal,
	FINALFUNC = @extschema@.isolation_forest_finalfn,
	COMBINEFUNC = @extschema@.isolation_forest_combinefn,
	SERIALFUNC = @extschema@.isolation_forest_serialfn,
	DESERIALFUNC = @extschema@.isolation_forest_deserialfn, PARALLEL = SAFE);

-- Score one row against a model (the same numbers the window form gives for
-- the rows the model was trained on).
CREATE FUNCTION @extschema@.isolation_forest_score(model @extschema@.isolation_forest_model,
		v @extschema@.feature_vector)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'iforest_model_score_fv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.isolation_forest_score(model @extschema@.isolation_forest_model,
		v double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'iforest_model_score_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Flagging: the current members of every playlist whose score is above the
-- playlist's own threshold, the (1 - contamination) quantile of its scores
-- with linear interpolation (numpy percentile, as scikit-learn's
-- contamination).  Strictly above, as scikit-learn's predict(): a playlist
-- whose scores all tie flags nothing.  A track that appears twice in a
-- playlist is scored once; tracks without a vector are not scored; playlists
-- with fewer than 8 scored tracks are too small to judge and flag nothing.
CREATE FUNCTION @extschema@.isolation_forest_outliers(contamination double precision DEFAULT 0.05,
		n_trees integer DEFAULT 100, sample_size integer DEFAULT 256, seed bigint DEFAULT 0)
	RETURNS TABLE (playlist_id text, track_id text, score double precision, threshold double precision)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	IF contamination IS NULL OR NOT (contamination > 0 AND contamination <= 0.5) THEN
		RAISE EXCEPTION 'contamination must be in (0, 0.5], not %', contamination
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY
	WITH members AS (
		SELECT DISTINCT pt.playlist_id, pt.track_id
		  FROM listen_wiseer.playlist_tracks pt
		 WHERE pt.removed_at IS NULL
	), scored AS (
		SELECT m.playlist_id, m.track_id,
		       @extschema@.isolation_forest_score(tv.v, $2, $3, $4) OVER w AS score,
		       pg_catalog.count(*) OVER w AS n
		  FROM members m
		  JOIN listen_wiseer.track_vectors tv ON tv.track_id = m.track_id
		WINDOW w AS (PARTITION BY m.playlist_id)
	), thresholds AS (
		SELECT s.playlist_id,
		       pg_catalog.percentile_cont(1 - $1) WITHIN GROUP (ORDER BY s.score) AS threshold
		  FROM scored s
		 WHERE s.n >= 8
		 GROUP BY s.playlist_id
	)
	SELECT s.playlist_id, s.track_id, s.score, t.threshold
	  FROM scored s
	  JOIN thresholds t ON t.playlist_id = s.playlist_id
	 WHERE s.score > t.threshold
	 ORDER BY s.playlist_id, s.score DESC, s.track_id;
END;
$$;

CREATE VIEW listen_wiseer.playlist_outliers AS
	SELECT o.playlist_id, p.name AS playlist_name, o.track_id, t.name AS track_name,
	       o.score, o.threshold
	  FROM @extschema@.isolation_forest_outliers() o
	  JOIN listen_wiseer.playlists p ON p.playlist_id = o.playlist_id
	  JOIN listen_wiseer.tracks t ON t.track_id = o.track_id;
COMMENT ON VIEW listen_wiseer.playlist_outliers IS
	'tracks that do not fit their playlist: isolation forest, contamination 0.05';
-- ---------------------------------------------------------------------------
-- Genre map: Spotify's micro-genres -> a family (about 19) and one of four
-- groups (electronic, acoustic, instrumental, dance), by rules the user owns.
-- README.md ("Genre map") explains the rules and the defaults.
--   genre_map(genre) -> (family, genre_group); genre_family(genre); genre_group(genre)
--   genre_normalize(genre); genre_map_explain(genre)
--   genre_vote(genres text[]); aggregate genre_vote_agg(genres text[], artist_position)
--   views listen_wiseer.artist_genre, track_genre, playlist_genre_mix, playlist_family_mix
-- Tables (user-owned data, kept by pg_dump):
--   listen_wiseer.genre_families, genre_aliases, genre_rules, genre_overrides
-- Default rows carry is_default = true and are not dumped (the extension
-- recreates them); a user change to a default row clears is_default so the
-- row is dumped, and on restore it replaces the recreated default (see the
-- guard triggers).  Deleting a shipped (builtin) rule or alias disables it.
-- ---------------------------------------------------------------------------

CREATE TABLE listen_wiseer.genre_families (
	family      text PRIMARY KEY CHECK (family <> ''),
	genre_group text NOT NULL CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	priority    integer NOT NULL DEFAULT 0,     -- breaks ties in votes: higher wins
	description text,
	builtin     boolean NOT NULL DEFAULT false, -- the key ships with the extension
	is_default  boolean NOT NULL DEFAULT false  -- the row is exactly as shipped (not dumped)
);

-- One-word spellings replaced before matching: 'hiphop' -> 'hip hop'.
CREATE TABLE listen_wiseer.genre_aliases (
	alias      text PRIMARY KEY CHECK (alias ~ '^[^[:space:]]+$'),
	canonical  text NOT NULL CHECK (canonical <> ''),
	enabled    boolean NOT NULL DEFAULT true,
	builtin    boolean NOT NULL DEFAULT false,
	is_default boolean NOT NULL DEFAULT false
);

-- Word patterns: 'hip hop', 'soul', '*core' (word ending in core), 'electro*'.
CREATE TABLE listen_wiseer.genre_rules (
	pattern     text PRIMARY KEY CHECK (pattern ~ '[[:alnum:]]'),
	family      text REFERENCES listen_wiseer.genre_families ON UPDATE CASCADE,
	genre_group text CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	priority    integer NOT NULL DEFAULT 50,
	enabled     boolean NOT NULL DEFAULT true,
	note        text,
	builtin     boolean NOT NULL DEFAULT false,
	is_default  boolean NOT NULL DEFAULT false,
	CHECK (family IS NOT NULL OR genre_group IS NOT NULL)
);

-- Exact genres (compared after normalisation) that win over the rules.
-- NULL family: the family still comes from the rules; NULL genre_group: the
-- group of the family; both NULL: the genre is declared unknown.
CREATE TABLE listen_wiseer.genre_overrides (
	genre       text PRIMARY KEY CHECK (genre <> ''),
	family      text REFERENCES listen_wiseer.genre_families ON UPDATE CASCADE,
	genre_group text CHECK (genre_group IN ('electronic', 'acoustic', 'instrumental', 'dance')),
	note        text
);

COMMENT ON TABLE listen_wiseer.genre_families IS 'genre families and their default group (genre_map)';
COMMENT ON TABLE listen_wiseer.genre_aliases IS 'one-word spelling variants replaced before genre matching';
COMMENT ON TABLE listen_wiseer.genre_rules IS 'word patterns mapping genres to a family and/or group';
COMMENT ON TABLE listen_wiseer.genre_overrides IS 'exact-genre mappings that win over genre_rules';

GRANT SELECT ON listen_wiseer.genre_families, listen_wiseer.genre_aliases,
	listen_wiseer.genre_rules, listen_wiseer.genre_overrides TO PUBLIC;

-- ---------------------------------------------------------------------------
-- The C functions.  STABLE: they read the rule tables (through a per-backend
-- cache that the triggers below invalidate).
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.genre_map(genre text, OUT family text, OUT genre_group text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'genre_map' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.genre_map(text) IS 'family and group of a Spotify genre (NULLs if unknown)';
CREATE FUNCTION @extschema@.genre_family(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_family' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_group(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_group' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_normalize(genre text) RETURNS text
	AS 'MODULE_PATHNAME', 'genre_normalize_sql' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_map_explain(genre text, OUT normalized text, OUT family text,
		OUT genre_group text, OUT source text, OUT family_rule text, OUT group_rule text)
	RETURNS record
	AS 'MODULE_PATHNAME', 'genre_map_explain' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.genre_vote_result AS (family text, genre_group text, top_genre text);
CREATE FUNCTION @extschema@.genre_vote(genres text[]) RETURNS @extschema@.genre_vote_result
	AS 'MODULE_PATHNAME', 'genre_vote' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_vote_agg_transfn(internal, text[], integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'genre_vote_agg_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.genre_vote_agg_finalfn(internal) RETURNS @extschema@.genre_vote_result
	AS 'MODULE_PATHNAME', 'genre_vote_agg_finalfn' LANGUAGE C STABLE PARALLEL SAFE;
-- One row per credited artist: weight 1 / (artist_position + 1).
-- SSPACE: the state is a few hundred bytes (lets the planner hash by track).
CREATE AGGREGATE @extschema@.genre_vote_agg(genres text[], artist_position integer) (
	SFUNC = @extschema@.genre_vote_agg_transfn,
	STYPE = internal,
	SSPACE = 600,
	FINALFUNC = @extschema@.genre_vote_agg_finalfn,
	PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------
-- Triggers: cache invalidation, and keeping user changes to default rows.
-- ---------------------------------------------------------------------------
CREATE FUNCTION listen_wiseer.genre_rules_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'genre_rules_changed' LANGUAGE C;

-- A changed default row stops being default (so pg_dump keeps it); an
-- INSERT whose key is a shipped row replaces that row (this is how a
-- restore brings back the user's version); deleting a shipped rule or alias
-- disables it instead (so the deletion survives a restore).
CREATE FUNCTION listen_wiseer.genre_rules_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT NEW.is_default THEN
			UPDATE listen_wiseer.genre_rules
			   SET family = NEW.family, genre_group = NEW.genre_group, priority = NEW.priority,
			       enabled = NEW.enabled, note = NEW.note
			 WHERE pattern = NEW.pattern AND builtin;
			IF FOUND THEN
				RETURN NULL;
			END IF;
		END IF;
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		IF OLD.builtin AND NEW.pattern IS DISTINCT FROM OLD.pattern THEN
			RAISE EXCEPTION 'cannot change the pattern of built-in genre rule "%"', OLD.pattern
				USING ERRCODE = 'feature_not_supported',
				      HINT = 'Insert a new rule and delete (disable) this one.';
		END IF;
		NEW.builtin := OLD.builtin;
		IF (NEW.family, NEW.genre_group, NEW.priority, NEW.enabled, NEW.note)
		   IS DISTINCT FROM (OLD.family, OLD.genre_group, OLD.priority, OLD.enabled, OLD.note) THEN
			NEW.is_default := false;
		END IF;
		RETURN NEW;
	ELSE
		IF OLD.builtin THEN
			UPDATE listen_wiseer.genre_rules SET enabled = false WHERE pattern = OLD.pattern;
			RETURN NULL;
		END IF;
		RETURN OLD;
	END IF;
END $$;

CREATE FUNCTION listen_wiseer.genre_aliases_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT NEW.is_default THEN
			UPDATE listen_wiseer.genre_aliases
			   SET canonical = NEW.canonical, enabled = NEW.enabled
			 WHERE alias = NEW.alias AND builtin;
			IF FOUND THEN
				RETURN NULL;
			END IF;
		END IF;
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		IF OLD.builtin AND NEW.alias IS DISTINCT FROM OLD.alias THEN
			RAISE EXCEPTION 'cannot rename built-in genre alias "%"', OLD.alias
				USING ERRCODE = 'feature_not_supported',
				      HINT = 'Insert a new alias and delete (disable) this one.';
		END IF;
		NEW.builtin := OLD.builtin;
		IF (NEW.canonical, NEW.enabled) IS DISTINCT FROM (OLD.canonical, OLD.enabled) THEN
			NEW.is_default := false;
		END IF;
		RETURN NEW;
	ELSE
		IF OLD.builtin THEN
			UPDATE listen_wiseer.genre_aliases SET enabled = false WHERE alias = OLD.alias;
			RETURN NULL;
		END IF;
		RETURN OLD;
	END IF;
END $$;

CREATE FUNCTION listen_wiseer.genre_families_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NOT NEW.is_default THEN
			UPDATE listen_wiseer.genre_families
			   SET genre_group = NEW.genre_group, priority = NEW.priority, description = NEW.description
			 WHERE family = NEW.family AND builtin;
			IF FOUND THEN
				RETURN NULL;
			END IF;
		END IF;
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		IF OLD.builtin AND NEW.family IS DISTINCT FROM OLD.family THEN
			RAISE EXCEPTION 'cannot rename built-in genre family "%"', OLD.family
				USING ERRCODE = 'feature_not_supported',
				      HINT = 'Add a new family and point the rules at it.';
		END IF;
		NEW.builtin := OLD.builtin;
		IF (NEW.genre_group, NEW.priority, NEW.description)
		   IS DISTINCT FROM (OLD.genre_group, OLD.priority, OLD.description) THEN
			NEW.is_default := false;
		END IF;
		RETURN NEW;
	ELSE
		IF OLD.builtin THEN
			RAISE EXCEPTION 'cannot delete built-in genre family "%"', OLD.family
				USING ERRCODE = 'feature_not_supported';
		END IF;
		RETURN OLD;
	END IF;
END $$;

-- ---------------------------------------------------------------------------
-- Default taxonomy.  Families: the group a family's genres get unless a rule
-- says otherwise, and the vote tie-break priority (more specific first).
-- ---------------------------------------------------------------------------
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority, description, builtin, is_default)
SELECT f, g, p, d, true, true FROM (VALUES
	('rock',       'acoustic',     30, 'rock and its guitar-band styles'),
	('indie',      'acoustic',     40, 'indie, alternative and lo-fi guitar pop, shoegaze'),
	('pop',        'electronic',   20, 'mainstream and regional pop (k-pop, schlager, enka ...)'),
	('hip hop',    'electronic',   60, 'hip hop, rap, trap, drill, grime'),
	('r&b',        'acoustic',     60, 'r&b, soul, gospel, doo-wop'),
	('funk',       'dance',        60, 'funk, disco, boogie'),
	('blues',      'acoustic',     60, 'blues and its regional styles'),
	('jazz',       'instrumental', 60, 'jazz, swing, bebop, fusion, lounge'),
	('folk',       'acoustic',     60, 'folk, singer-songwriter, chanson, traditional music'),
	('country',    'acoustic',     60, 'country, bluegrass, americana roots'),
	('latin',      'dance',        60, 'latin american and brazilian music: reggaeton, salsa, cumbia, mpb ...'),
	('reggae',     'acoustic',     60, 'reggae, ska, dub, dancehall, caribbean'),
	('electronic', 'electronic',   50, 'electronic music that is not house, techno or ambient'),
	('house',      'dance',        80, 'house and its offshoots'),
	('techno',     'dance',        80, 'techno and hard dance'),
	('ambient',    'electronic',   70, 'ambient, drone, new age, sleep'),
	('classical',  'instrumental', 60, 'classical, soundtrack, opera, choral'),
	('metal',      'acoustic',     70, 'heavy metal and its offshoots'),
	('punk',       'acoustic',     70, 'punk, hardcore, emo')
) AS t(f, g, p, d);

INSERT INTO listen_wiseer.genre_aliases (alias, canonical, builtin, is_default)
SELECT a, c, true, true FROM (VALUES
	('n', 'and'),                 -- drum n bass, rock 'n' roll
	('rnb', 'r and b'), ('randb', 'r and b'),
	('hiphop', 'hip hop'), ('triphop', 'trip hop'),
	('lofi', 'lo fi'),
	('dnb', 'drum and bass'), ('drumnbass', 'drum and bass'), ('drumandbass', 'drum and bass'),
	('synthpop', 'synth pop'), ('electropop', 'electro pop'),
	('numetal', 'nu metal'), ('nujazz', 'nu jazz'), ('nudisco', 'nu disco'),
	('postpunk', 'post punk'), ('postrock', 'post rock'), ('posthardcore', 'post hardcore'),
	('kpop', 'k pop'), ('jpop', 'j pop'), ('cpop', 'c pop'), ('jrock', 'j rock'), ('krock', 'k rock'),
	('rocknroll', 'rock and roll'), ('doowop', 'doo wop'), ('bossanova', 'bossa nova'),
	('neosoul', 'neo soul'), ('singersongwriter', 'singer songwriter'),
	('rhythmandblues', 'rhythm and blues'), ('newwave', 'new wave'), ('ukg', 'uk garage'),
	('hiphouse', 'hip house'), ('acidjazz', 'acid jazz')
) AS t(a, c);

-- Rules.  Priorities: 70 words that decide the group wherever they stand
-- (instrumental, acoustic, dance); 50 genre words and compounds (ties go to
-- the word furthest right, then to the longer pattern); 40 looser words and
-- '*suffix' patterns; 30 modifiers that still beat the weak heads (indie,
-- electro); 10 weak heads that yield to any other genre word (pop, rock,
-- instruments); 5 words that only count when nothing else does.
INSERT INTO listen_wiseer.genre_rules (pattern, family, genre_group, priority, builtin, is_default)
SELECT p, f, g, pr, true, true FROM (VALUES
	-- group words
	('instrumental', NULL, 'instrumental', 70), ('acoustic', NULL, 'acoustic', 70),
	('dance', NULL, 'dance', 70), ('unplugged', NULL, 'acoustic', 70),
	('synth', NULL, 'electronic', 50), ('fusion', NULL, 'instrumental', 10),
	('piano', NULL, 'instrumental', 10), ('guitar', NULL, 'instrumental', 10),
	('violin', NULL, 'instrumental', 10), ('cello', NULL, 'instrumental', 10),
	('harp', NULL, 'instrumental', 10), ('saxophone', NULL, 'instrumental', 10),
	('sax', NULL, 'instrumental', 10), ('trumpet', NULL, 'instrumental', 10),
	('flute', NULL, 'instrumental', 10), ('organ', NULL, 'instrumental', 10),
	('trio', NULL, 'instrumental', 10), ('quartet', NULL, 'instrumental', 10),
	('beats', 'hip hop', 'instrumental', 10), ('chamber', NULL, 'acoustic', 30),

	-- rock
	('rock', 'rock', NULL, 10), ('*rock', 'rock', NULL, 10), ('alternative', 'rock', NULL, 5),
	('rock and roll', 'rock', NULL, 50), ('grunge', 'rock', NULL, 50),
	('psych', 'rock', NULL, 40), ('psychedelic', 'rock', NULL, 40),
	('psychedelia', 'rock', NULL, 40), ('rockabilly', 'rock', NULL, 50),
	('new wave', 'rock', NULL, 50), ('neue deutsche welle', 'rock', NULL, 50),
	('new romantic', 'rock', NULL, 50), ('post rock', 'rock', 'instrumental', 50),
	('power pop', 'rock', NULL, 50), ('visual kei', 'rock', NULL, 50),
	('permanent wave', 'rock', NULL, 50), ('mellow gold', 'rock', NULL, 50),
	('glam', 'rock', NULL, 40), ('british invasion', 'rock', NULL, 50),
	('merseybeat', 'rock', NULL, 50), ('beat', 'rock', NULL, 5),
	('goth', 'rock', NULL, 40), ('gothic', 'rock', NULL, 40), ('jam band', 'rock', NULL, 50),

	-- indie
	('indie', 'indie', NULL, 30), ('indietronica', 'indie', 'electronic', 50),
	('shoegaze', 'indie', NULL, 50), ('*gaze', 'indie', NULL, 40), ('slowcore', 'indie', NULL, 50),
	('sadcore', 'indie', NULL, 50), ('britpop', 'indie', NULL, 50), ('twee', 'indie', NULL, 30),
	('jangle', 'indie', NULL, 30), ('bedroom', 'indie', NULL, 30), ('dream', 'indie', NULL, 30),
	('alternative dance', 'indie', 'dance', 50), ('madchester', 'indie', 'dance', 50),

	-- pop
	('pop', 'pop', NULL, 10), ('*pop', 'pop', NULL, 10), ('electro pop', 'pop', 'electronic', 50),
	('synth pop', 'pop', 'electronic', 50), ('schlager', 'pop', NULL, 50),
	('variete', 'pop', 'acoustic', 50), ('enka', 'pop', 'acoustic', 50), ('kayokyoku', 'pop', NULL, 50),
	('anime', 'pop', NULL, 40), ('vocaloid', 'pop', 'electronic', 50), ('idol', 'pop', 'dance', 40),
	('opm', 'pop', NULL, 50), ('bollywood', 'pop', NULL, 50), ('filmi', 'pop', NULL, 50),
	('metropopolis', 'pop', NULL, 50), ('neo mellow', 'pop', 'acoustic', 50),
	('alt z', 'pop', NULL, 50), ('boy band', 'pop', NULL, 50), ('girl group', 'pop', NULL, 50),
	('worship', 'pop', 'acoustic', 40), ('ccm', 'pop', 'acoustic', 50),
	('show tunes', 'pop', 'acoustic', 50), ('broadway', 'pop', 'acoustic', 50),
	('cabaret', 'pop', 'acoustic', 50), ('adult standards', 'jazz', 'acoustic', 50),
	('easy listening', 'pop', 'instrumental', 50), ('afrobeats', 'pop', 'dance', 50),
	('europop', 'pop', 'dance', 50), ('eurovision', 'pop', 'dance', 50),
	('a cappella', 'pop', 'acoustic', 50),

	-- hip hop
	('hip hop', 'hip hop', NULL, 50), ('rap', 'hip hop', NULL, 50), ('*rap', 'hip hop', NULL, 50),
	('*hop', 'hip hop', NULL, 50), ('trap', 'hip hop', NULL, 50), ('drill', 'hip hop', NULL, 50),
	('grime', 'hip hop', NULL, 50), ('crunk', 'hip hop', NULL, 50), ('hyphy', 'hip hop', NULL, 50),
	('phonk', 'hip hop', NULL, 50), ('boom bap', 'hip hop', NULL, 50), ('g funk', 'hip hop', NULL, 50),
	('horrorcore', 'hip hop', NULL, 50), ('turntablism', 'hip hop', 'instrumental', 50),
	('chillhop', 'hip hop', 'instrumental', 50), ('jazzhop', 'hip hop', 'instrumental', 50),
	('lo fi', 'hip hop', 'instrumental', 30), ('lo fi beats', 'hip hop', 'instrumental', 50),
	('escape room', 'hip hop', NULL, 50), ('miami bass', 'hip hop', NULL, 50),

	-- r&b and soul
	('r and b', 'r&b', NULL, 50), ('rhythm and blues', 'r&b', NULL, 50), ('soul', 'r&b', NULL, 50),
	('*soul', 'r&b', NULL, 50), ('gospel', 'r&b', NULL, 50), ('motown', 'r&b', NULL, 50),
	('doo wop', 'r&b', NULL, 50), ('quiet storm', 'r&b', NULL, 50),
	('new jack swing', 'r&b', 'dance', 50), ('urban contemporary', 'r&b', NULL, 50),

	-- funk and disco
	('funk', 'funk', NULL, 50), ('*funk', 'funk', NULL, 40), ('disco', 'funk', NULL, 50),
	('*disco', 'funk', NULL, 50), ('boogie', 'funk', NULL, 50), ('afrobeat', 'funk', NULL, 50),
	('go go', 'funk', NULL, 50),

	-- blues
	('blues', 'blues', NULL, 50), ('*blues', 'blues', NULL, 50),
	('boogie woogie', 'blues', NULL, 50),

	-- jazz
	('jazz', 'jazz', NULL, 50), ('*jazz', 'jazz', NULL, 50), ('bop', 'jazz', NULL, 50),
	('*bop', 'jazz', NULL, 50), ('swing', 'jazz', NULL, 50), ('big band', 'jazz', NULL, 50),
	('dixieland', 'jazz', NULL, 50), ('ragtime', 'jazz', NULL, 50), ('lounge', 'jazz', NULL, 50),
	('exotica', 'jazz', NULL, 50), ('vocal jazz', 'jazz', 'acoustic', 50),
	('jazz vocal', 'jazz', 'acoustic', 50), ('torch song', 'jazz', 'acoustic', 50),
	('brass band', 'jazz', NULL, 50),

	-- folk and traditional music
	('folk', 'folk', NULL, 50), ('*folk', 'folk', NULL, 50), ('singer songwriter', 'folk', NULL, 50),
	('songwriter', 'folk', NULL, 50), ('cantautor', 'folk', NULL, 50), ('cantautora', 'folk', NULL, 50),
	('cantautorato', 'folk', NULL, 50), ('liedermacher', 'folk', NULL, 50),
	('chanson', 'folk', NULL, 50), ('fado', 'folk', NULL, 50), ('flamenco', 'folk', NULL, 50),
	('celtic', 'folk', NULL, 50), ('americana', 'folk', NULL, 50), ('stomp and holler', 'folk', NULL, 50),
	('volksmusik', 'folk', NULL, 50), ('volkstumliche', 'folk', NULL, 50), ('qawwali', 'folk', NULL, 50),
	('ghazal', 'folk', NULL, 50), ('rebetiko', 'folk', NULL, 50), ('klezmer', 'folk', NULL, 50),
	('polka', 'folk', 'dance', 50), ('world', 'folk', NULL, 10), ('shanty', 'folk', NULL, 50),
	('shanties', 'folk', NULL, 50), ('bhangra', 'folk', 'dance', 50), ('highlife', 'folk', 'dance', 50),
	('zydeco', 'folk', 'dance', 50), ('cajun', 'folk', NULL, 50),

	-- country
	('country', 'country', NULL, 50), ('bluegrass', 'country', NULL, 50), ('*grass', 'country', NULL, 40),
	('honky tonk', 'country', NULL, 50), ('red dirt', 'country', NULL, 50),
	('western swing', 'country', NULL, 50), ('western', 'country', NULL, 40),
	('hillbilly', 'country', NULL, 50), ('nashville', 'country', NULL, 40),

	-- latin american and brazilian
	('latin', 'latin', NULL, 50), ('latino', 'latin', NULL, 30), ('latina', 'latin', NULL, 30),
	('urbano', 'latin', NULL, 50), ('musica', 'latin', NULL, 5),
	('reggaeton', 'latin', NULL, 50), ('dembow', 'latin', NULL, 50), ('salsa', 'latin', NULL, 50),
	('bachata', 'latin', NULL, 50), ('merengue', 'latin', NULL, 50), ('cumbia', 'latin', NULL, 50),
	('tango', 'latin', NULL, 50), ('rumba', 'latin', NULL, 50), ('mambo', 'latin', NULL, 50),
	('cha cha cha', 'latin', NULL, 50), ('son', 'latin', NULL, 40), ('guaracha', 'latin', NULL, 50),
	('timba', 'latin', NULL, 50), ('bolero', 'latin', 'acoustic', 50), ('ranchera', 'latin', 'acoustic', 50),
	('mariachi', 'latin', 'acoustic', 50), ('trova', 'latin', 'acoustic', 50),
	('banda', 'latin', NULL, 50), ('norteno', 'latin', NULL, 50), ('nortena', 'latin', NULL, 50),
	('corrido', 'latin', NULL, 50), ('corridos', 'latin', NULL, 50), ('tejano', 'latin', NULL, 50),
	('grupera', 'latin', NULL, 50), ('duranguense', 'latin', NULL, 50), ('sierreno', 'latin', 'acoustic', 50),
	('cuarteto', 'latin', NULL, 50), ('vallenato', 'latin', NULL, 50), ('champeta', 'latin', NULL, 50),
	('regional mexican', 'latin', NULL, 50), ('zouk', 'latin', NULL, 50), ('kizomba', 'latin', NULL, 50),
	('kompa', 'latin', NULL, 50), ('bossa nova', 'latin', 'acoustic', 50), ('mpb', 'latin', 'acoustic', 50),
	('musica popular brasileira', 'latin', 'acoustic', 50), ('samba', 'latin', NULL, 50),
	('pagode', 'latin', NULL, 50), ('axe', 'latin', NULL, 50), ('forro', 'latin', NULL, 50),
	('sertanejo', 'latin', 'acoustic', 50), ('tropicalia', 'latin', 'acoustic', 50),
	('choro', 'latin', 'instrumental', 50), ('frevo', 'latin', NULL, 50), ('brega', 'latin', NULL, 50),
	('arrocha', 'latin', NULL, 50), ('piseiro', 'latin', NULL, 50), ('carioca', 'latin', NULL, 50),
	('funk carioca', 'latin', NULL, 50), ('baile funk', 'latin', NULL, 50),
	('brazilian funk', 'latin', NULL, 50), ('cancion', 'latin', 'acoustic', 40),

	-- reggae and caribbean
	('reggae', 'reggae', NULL, 50), ('dub', 'reggae', 'electronic', 50), ('dancehall', 'reggae', 'dance', 50),
	('ragga', 'reggae', 'dance', 50), ('ska', 'reggae', 'dance', 50), ('rocksteady', 'reggae', NULL, 50),
	('lovers rock', 'reggae', NULL, 50), ('soca', 'reggae', 'dance', 50), ('calypso', 'reggae', 'dance', 50),

	-- electronic (not house, techno or ambient)
	('electronic', 'electronic', NULL, 50), ('electronica', 'electronic', NULL, 50),
	('*tronica', 'electronic', NULL, 40), ('electro', 'electronic', NULL, 30),
	('electroclash', 'electronic', 'dance', 50), ('edm', 'electronic', 'dance', 50),
	('idm', 'electronic', NULL, 50), ('glitch', 'electronic', NULL, 50), ('downtempo', 'electronic', NULL, 50),
	('chillout', 'electronic', NULL, 50), ('trip hop', 'electronic', NULL, 50),
	('big beat', 'electronic', 'dance', 50), ('breakbeat', 'electronic', 'dance', 50),
	('breaks', 'electronic', 'dance', 50), ('drum and bass', 'electronic', 'dance', 50),
	('jungle', 'electronic', 'dance', 50), ('liquid funk', 'electronic', 'dance', 50),
	('neurofunk', 'electronic', 'dance', 50), ('dubstep', 'electronic', 'dance', 50),
	('*step', 'electronic', 'dance', 40), ('riddim', 'electronic', 'dance', 50),
	('bass', 'electronic', 'dance', 40), ('uk garage', 'electronic', 'dance', 50),
	('future garage', 'electronic', NULL, 50), ('speed garage', 'electronic', 'dance', 50),
	('2 step', 'electronic', 'dance', 50), ('trance', 'electronic', 'dance', 50),
	('*trance', 'electronic', 'dance', 50), ('hardstyle', 'electronic', 'dance', 50),
	('jumpstyle', 'electronic', 'dance', 50), ('eurodance', 'electronic', 'dance', 50),
	('italo dance', 'electronic', 'dance', 50), ('big room', 'electronic', 'dance', 50),
	('complextro', 'electronic', 'dance', 50), ('moombahton', 'electronic', 'dance', 50),
	('footwork', 'electronic', 'dance', 50), ('juke', 'electronic', 'dance', 50),
	('happy hardcore', 'electronic', 'dance', 50), ('uk hardcore', 'electronic', 'dance', 50),
	('breakcore', 'electronic', NULL, 50), ('speedcore', 'electronic', 'dance', 50),
	('nightcore', 'electronic', 'dance', 50), ('glitchcore', 'electronic', NULL, 50),
	('*wave', 'electronic', NULL, 40), ('wave', 'electronic', NULL, 40), ('vapor', 'electronic', NULL, 50),
	('chiptune', 'electronic', NULL, 50), ('8 bit', 'electronic', NULL, 50),
	('industrial', 'electronic', NULL, 40), ('ebm', 'electronic', 'dance', 50),
	('electro swing', 'electronic', 'dance', 50), ('witch house', 'electronic', NULL, 50),
	('hi nrg', 'electronic', 'dance', 50), ('rave', 'electronic', 'dance', 50),
	('club', 'electronic', 'dance', 40),

	-- house
	('house', 'house', NULL, 50), ('*house', 'house', NULL, 50), ('garage house', 'house', NULL, 50),
	('amapiano', 'house', NULL, 50), ('gqom', 'house', NULL, 50), ('kwaito', 'house', NULL, 50),

	-- techno and hard dance
	('techno', 'techno', NULL, 50), ('*techno', 'techno', NULL, 50), ('gabber', 'techno', NULL, 50),
	('hard dance', 'techno', NULL, 50), ('schranz', 'techno', NULL, 50),

	-- ambient
	('ambient', 'ambient', NULL, 50), ('drone', 'ambient', NULL, 50), ('new age', 'ambient', NULL, 50),
	('meditation', 'ambient', NULL, 50), ('sleep', 'ambient', NULL, 50), ('healing', 'ambient', NULL, 40),
	('white noise', 'ambient', NULL, 50),
	('space music', 'ambient', NULL, 50),

	-- classical, soundtrack, opera
	('classical', 'classical', NULL, 50), ('*classical', 'classical', NULL, 50),
	('baroque', 'classical', NULL, 50), ('baroque pop', 'pop', 'acoustic', 50),
	('early music', 'classical', NULL, 50), ('renaissance', 'classical', NULL, 50),
	('medieval', 'classical', NULL, 40), ('orchestra', 'classical', NULL, 50),
	('orchestral', 'classical', NULL, 50), ('symphony', 'classical', NULL, 50),
	('chamber music', 'classical', NULL, 50), ('string quartet', 'classical', NULL, 50),
	('minimalism', 'classical', NULL, 50), ('opera', 'classical', 'acoustic', 50),
	('operetta', 'classical', 'acoustic', 50), ('choral', 'classical', 'acoustic', 50),
	('choir', 'classical', 'acoustic', 50), ('lieder', 'classical', 'acoustic', 50),
	('soundtrack', 'classical', NULL, 50), ('score', 'classical', NULL, 50),
	('video game music', 'classical', NULL, 50), ('carnatic', 'classical', NULL, 50),
	('hindustani', 'classical', NULL, 50), ('gamelan', 'classical', NULL, 50),
	('romantic era', 'classical', NULL, 50), ('impressionism', 'classical', NULL, 50),

	-- metal
	('metal', 'metal', NULL, 50), ('*metal', 'metal', NULL, 50), ('*core', 'metal', NULL, 40),
	('djent', 'metal', NULL, 50), ('thrash', 'metal', NULL, 50), ('doom', 'metal', NULL, 50),
	('sludge', 'metal', NULL, 50), ('nwobhm', 'metal', NULL, 50), ('blackgaze', 'metal', NULL, 50),

	-- punk
	('punk', 'punk', NULL, 50), ('*punk', 'punk', NULL, 50), ('hardcore', 'punk', NULL, 50),
	('emo', 'punk', NULL, 50), ('screamo', 'punk', NULL, 50), ('emocore', 'punk', NULL, 50),
	('oi', 'punk', NULL, 50), ('crust', 'punk', NULL, 50), ('riot grrrl', 'punk', NULL, 50),
	('psychobilly', 'punk', NULL, 50)
) AS t(p, f, g, pr);

CREATE TRIGGER genre_families_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_families
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_families_guard();
CREATE TRIGGER genre_aliases_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_aliases
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_aliases_guard();
CREATE TRIGGER genre_rules_guard BEFORE INSERT OR UPDATE OR DELETE ON listen_wiseer.genre_rules
	FOR EACH ROW EXECUTE FUNCTION listen_wiseer.genre_rules_guard();
CREATE TRIGGER genre_families_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_families
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_aliases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_aliases
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_rules
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();
CREATE TRIGGER genre_overrides_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON listen_wiseer.genre_overrides
	FOR EACH STATEMENT EXECUTE FUNCTION listen_wiseer.genre_rules_changed();

-- pg_dump keeps what the user changed or added; default rows come back with
-- CREATE EXTENSION, and the dumped rows replace them (guard triggers).
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_families', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_aliases', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_rules', 'WHERE NOT is_default');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.genre_overrides', '');

-- ---------------------------------------------------------------------------
-- Views a BI tool can chart.
-- ---------------------------------------------------------------------------

-- An artist's family and group: vote over its genres, one vote each.
CREATE VIEW listen_wiseer.artist_genre AS
	SELECT a.artist_id, v.family, v.genre_group, v.top_genre
	FROM listen_wiseer.artists a
	LEFT JOIN LATERAL @extschema@.genre_vote(a.genres) v ON true;

-- A track's family and group: vote over the genres of its credited artists,
-- the artist at position p weighing 1 / (p + 1).  Every track has a row;
-- NULLs when no artist genre maps.
CREATE VIEW listen_wiseer.track_genre AS
	SELECT t.track_id, (v.r).family AS family, (v.r).genre_group AS genre_group,
	       (v.r).top_genre AS top_genre
	FROM listen_wiseer.tracks t
	LEFT JOIN (SELECT ta.track_id, @extschema@.genre_vote_agg(a.genres, ta.position::integer) AS r
	           FROM listen_wiseer.track_artists ta
	           JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id
	           GROUP BY ta.track_id) v ON v.track_id = t.track_id;

-- Share of each group among a playlist's current members (each occurrence
-- counts; genre_group NULL = tracks whose genres are unknown).
CREATE VIEW listen_wiseer.playlist_genre_mix AS
	SELECT pt.playlist_id, tg.genre_group, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, tg.genre_group;

-- The same by family.
CREATE VIEW listen_wiseer.playlist_family_mix AS
	SELECT pt.playlist_id, tg.family, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, tg.family;
-- ---------------------------------------------------------------------------
-- recommend(playlist): tracks of the library that fit a playlist.
-- README.md ("recommend") describes the method and every decision below.
-- ---------------------------------------------------------------------------

-- Scoring helpers in C (extension/recommend.c); internal, so in listen_wiseer.
CREATE FUNCTION listen_wiseer.recommend_best_share(items text[], keys text[], shares double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'recommend_best_share' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_best_share(text[], text[], double precision[]) IS
	'largest shares[i] whose keys[i] is among items, 0 when none';

CREATE FUNCTION listen_wiseer.recommend_mean_share(items text[], keys text[], shares double precision[])
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'recommend_mean_share' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION listen_wiseer.recommend_mean_share(text[], text[], double precision[]) IS
	'mean over items of their share in keys/shares (0 for an item not among keys)';

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
	v           @extschema@.feature_vector NOT NULL
);
CREATE INDEX recommend_pool_genres_idx ON listen_wiseer.recommend_pool USING gin (genres);
CREATE INDEX recommend_pool_signature_idx ON listen_wiseer.recommend_pool (genres);
-- the tracks of the playlist's own artists, read in every round of recommend()
CREATE INDEX recommend_pool_artists_idx ON listen_wiseer.recommend_pool USING gin (artist_ids);

-- The distinct genre combinations ("signatures") of the pool with their track
-- counts: the genre part of a candidate's score depends on its signature
-- only, so recommend() bounds whole signatures first and reads only the
-- tracks of those that can still reach the top (README.md, "recommend").
CREATE TABLE listen_wiseer.recommend_signatures (
	genres   text[] COLLATE "C" PRIMARY KEY CHECK (genres <> '{}'),
	families text[] COLLATE "C" NOT NULL,
	groups   text[] COLLATE "C" NOT NULL,
	tracks   bigint NOT NULL CHECK (tracks > 0)
);
CREATE INDEX recommend_signatures_genres_idx ON listen_wiseer.recommend_signatures USING gin (genres);

-- Each artist's tracks in the pool, for the artist-affinity term (members
-- credited to the artist / the artist's tracks): counting them at query time
-- was most of a call's time on a large library.  Kept with the pool; an artist
-- whose last track went keeps a row of 0, which reads the same as no row.
CREATE TABLE listen_wiseer.recommend_artist_tracks (
	artist_id text COLLATE "C" PRIMARY KEY,
	tracks    bigint NOT NULL CHECK (tracks >= 0)
);

-- Recompute the pool rows of the given tracks (NULL = every track).
-- Set-based and sort-free for the common case (a track credited to one
-- artist: the artist's genres as they are); tracks with several credits take
-- the ordered union of their artists' genres.
CREATE FUNCTION listen_wiseer.recommend_pool_sync(ids text[]) RETURNS bigint
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
		DROP INDEX IF EXISTS listen_wiseer.recommend_pool_artists_idx;
	ELSE
		WITH gone AS (
			DELETE FROM listen_wiseer.recommend_pool p WHERE p.track_id = ANY (ids)
			RETURNING p.genres, p.artist_ids
		), counted AS (
			SELECT g.genres, pg_catalog.count(*) AS n FROM gone g
			 WHERE g.genres IS NOT NULL AND g.genres <> '{}' GROUP BY g.genres
		), credited AS (
			SELECT a.artist_id, pg_catalog.count(*) AS n
			  FROM gone g, LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(g.artist_ids) x(id)) a
			 GROUP BY a.artist_id
		), uncounted AS (
			UPDATE listen_wiseer.recommend_artist_tracks t SET tracks = GREATEST(t.tracks - c.n, 0)
			  FROM credited c WHERE t.artist_id = c.artist_id
		), emptied AS (
			-- signatures whose last track went (the UPDATE below skips them);
			-- only those: probing every signature cost seconds per statement
			-- on a large library
			DELETE FROM listen_wiseer.recommend_signatures s
			 USING counted c WHERE s.genres = c.genres AND s.tracks <= c.n
		)
		UPDATE listen_wiseer.recommend_signatures s SET tracks = s.tracks - c.n
		  FROM counted c WHERE s.genres = c.genres AND s.tracks > c.n;
	END IF;

	INSERT INTO listen_wiseer.recommend_pool (track_id, artist_ids, genres, families, groups, v)
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
	       ra.genres, COALESCE(ra.families, '{}'), COALESCE(ra.groups, '{}'), tv.v
	  FROM listen_wiseer.track_vectors tv
	  LEFT JOIN credit_count cc ON cc.track_id = tv.track_id
	  LEFT JOIN credits c ON c.track_id = tv.track_id AND cc.n = 1
	  LEFT JOIN ra ON ra.artist_id = c.artist_id
	 WHERE (ids IS NULL OR tv.track_id = ANY (ids))
	   AND (cc.n IS NULL OR cc.n = 1)
	UNION ALL
	SELECT tv.track_id, sa.artist_ids,
	       CASE WHEN sa.genres_known THEN COALESCE(sg.genres, '{}') END,
	       COALESCE(sg.families, '{}'), COALESCE(sg.groups, '{}'), tv.v
	  FROM listen_wiseer.track_vectors tv
	  JOIN several_artists sa ON sa.track_id = tv.track_id
	  LEFT JOIN several_genres sg ON sg.track_id = tv.track_id
	 WHERE ids IS NULL OR tv.track_id = ANY (ids);
	GET DIAGNOSTICS written = ROW_COUNT;
	IF ids IS NULL THEN
		CREATE INDEX recommend_pool_genres_idx ON listen_wiseer.recommend_pool USING gin (genres);
		CREATE INDEX recommend_pool_signature_idx ON listen_wiseer.recommend_pool (genres);
		CREATE INDEX recommend_pool_artists_idx ON listen_wiseer.recommend_pool USING gin (artist_ids);
		INSERT INTO listen_wiseer.recommend_signatures (genres, families, groups, tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres;
		INSERT INTO listen_wiseer.recommend_artist_tracks (artist_id, tracks)
		SELECT a.artist_id, pg_catalog.count(*)
		  FROM listen_wiseer.recommend_pool p,
		       LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(p.artist_ids) x(id)) a
		 GROUP BY a.artist_id;
		ANALYZE listen_wiseer.recommend_pool;
		ANALYZE listen_wiseer.recommend_signatures;
		ANALYZE listen_wiseer.recommend_artist_tracks;
	ELSE
		INSERT INTO listen_wiseer.recommend_signatures AS s (genres, families, groups, tracks)
		SELECT p.genres, pg_catalog.min(p.families), pg_catalog.min(p.groups), pg_catalog.count(*)
		  FROM listen_wiseer.recommend_pool p
		 WHERE p.track_id = ANY (ids) AND p.genres IS NOT NULL AND p.genres <> '{}'
		 GROUP BY p.genres
		ON CONFLICT (genres) DO UPDATE SET tracks = s.tracks + EXCLUDED.tracks,
		                                   families = EXCLUDED.families, groups = EXCLUDED.groups;
		INSERT INTO listen_wiseer.recommend_artist_tracks AS t (artist_id, tracks)
		SELECT a.artist_id, pg_catalog.count(*)
		  FROM listen_wiseer.recommend_pool p,
		       LATERAL (SELECT DISTINCT x.id AS artist_id FROM pg_catalog.unnest(p.artist_ids) x(id)) a
		 WHERE p.track_id = ANY (ids)
		 GROUP BY a.artist_id
		ON CONFLICT (artist_id) DO UPDATE SET tracks = t.tracks + EXCLUDED.tracks;
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
		IF (SELECT pg_catalog.count(*) FROM new_rows) >
		   GREATEST(10000, (SELECT pg_catalog.count(*) FROM listen_wiseer.recommend_pool) / 4) THEN
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
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT DISTINCT n.track_id FROM new_rows n));
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(SELECT DISTINCT o.track_id FROM old_rows o));
	ELSE
		PERFORM listen_wiseer.recommend_pool_sync(ARRAY(
			SELECT n.track_id FROM new_rows n UNION SELECT o.track_id FROM old_rows o));
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

-- ---------------------------------------------------------------------------
-- recommend()
-- ---------------------------------------------------------------------------

-- The weights of the score, in one place (README.md, "recommend"); chosen
-- by measuring with test/eval.  score = (1 - near) * cosine(track, profile)
--   + near * mean cosine to the k_near most similar members
--   + genre * mean over the track's genres of their affinity to the playlist
--     (members carrying the genre / (tracks with features carrying it + 1),
--     relative to the playlist's most affine genre)
--   + family * mean over its families of their share of the members
--   + grp * the same over genre groups
--   + artist * largest affinity to the playlist of one of the track's artists
--     (members credited to the artist / (the artist's other tracks + 1), at most 2)
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

CREATE FUNCTION @extschema@.recommend(
		playlist        text,
		n               integer DEFAULT 20,
		method          text DEFAULT 'cosine',
		genre_filter    boolean DEFAULT true,
		exclude_outliers boolean DEFAULT true,
		max_per_artist  integer DEFAULT 3)
	RETURNS TABLE (rank integer, track_id text, track_name text, artists text,
	               score double precision, genre_group text, reason text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	-- The statements keep their plans from call to call (the default choice
	-- between custom and generic plans; re-planning every statement of every
	-- call cost a third of a call), except the round below, which is planned
	-- for its actual genre keys and member list (GIN, hashed NOT IN).
	SET plan_cache_mode = auto
AS $$
#variable_conflict use_column
DECLARE
	wt         record;                             -- listen_wiseer.recommend_weights()
	w_near     double precision;                   -- weight of the nearest-members similarity

	pid        text;
	member_ids text[];
	mv         @extschema@.feature_vector[];       -- vectors of the profile members
	mids       text[];                             -- their track ids
	mtids      tid[];                              -- and their rows in recommend_pool
	prof       @extschema@.feature_vector;
	model      @extschema@.isolation_forest_model;
	cutoff     double precision;                   -- candidates scoring above are outliers
	g_keys text[]; g_shares double precision[];
	g_pct  double precision[];                     -- the genres' share of the members (for reasons)
	f_keys text[]; f_shares double precision[];
	q_keys text[]; q_shares double precision[];
	a_keys text[]; a_shares double precision[];   -- artists: their affinity (below)
	a_raw  double precision[];                     -- and their share of the members
	other_max  double precision;
	bound      double precision;
	exhaustive boolean;
	seqscan    text;                               -- the caller's enable_seqscan
	artist_max double precision;
	a_hi       text[];                             -- the members' artists scored apart
	a_lib      double precision[];                 -- the artists' other tracks with features (at most)
	cover      bigint;
	sig_t      double precision;
	full_next  boolean := false;
	m          bigint;
	fetched    bigint;
	min_ub     double precision;
	c_ids      text[];
	c_artists  text[];
	c_vs       @extschema@.feature_vector[];
	c_totals   double precision[];
	i          integer;
	picked     text[];
	picked_score double precision[];
	used_artists text[];
	r          record;
	n_members  integer;
BEGIN
	IF n IS NULL OR n < 0 THEN
		RAISE EXCEPTION 'n must be zero or more, not %', COALESCE(n::text, 'null')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_per_artist IS NOT NULL AND max_per_artist < 1 THEN
		RAISE EXCEPTION 'max_per_artist must be 1 or more (or null for no limit), not %', max_per_artist
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF method IS NULL THEN
		RAISE EXCEPTION 'method must not be null' USING ERRCODE = 'null_value_not_allowed',
			HINT = 'Use ''cosine'' (profile and nearest members), ''centroid'' or ''nearest''.';
	END IF;
	-- a NULL switch means its default (as a BI tool passing every parameter may send)
	genre_filter := COALESCE(genre_filter, true);
	exclude_outliers := COALESCE(exclude_outliers, true);
	SELECT * INTO wt FROM listen_wiseer.recommend_weights();
	w_near := CASE method WHEN 'cosine' THEN wt.near WHEN 'centroid' THEN 0.0 WHEN 'nearest' THEN 1.0 END;
	IF w_near IS NULL THEN
		RAISE EXCEPTION 'unknown recommendation method "%"', method
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Use ''cosine'' (profile and nearest members), ''centroid'' or ''nearest''.';
	END IF;
	pid := listen_wiseer.resolve_playlist(playlist);
	IF n = 0 THEN
		RETURN;
	END IF;

	-- Current members; those with a vector make up the profile.
	SELECT pg_catalog.array_agg(DISTINCT pt.track_id) INTO member_ids
	  FROM listen_wiseer.playlist_tracks pt
	 WHERE pt.playlist_id = pid AND pt.removed_at IS NULL;
	-- (their row addresses too: the shares below re-read the kept members by
	-- address, which costs no second index lookup; one snapshot for the whole
	-- call, as the function is STABLE, so the addresses stay valid)
	SELECT pg_catalog.array_agg(p.v ORDER BY p.track_id), pg_catalog.array_agg(p.track_id ORDER BY p.track_id),
	       pg_catalog.array_agg(p.ctid ORDER BY p.track_id)
	  INTO mv, mids, mtids
	  FROM listen_wiseer.recommend_pool p
	 WHERE p.track_id = ANY (member_ids);
	n_members := COALESCE(pg_catalog.cardinality(mids), 0);
	IF n_members = 0 THEN
		RAISE NOTICE 'playlist "%" has no tracks with audio features: nothing to recommend from', playlist;
		RETURN;
	END IF;

	-- Leave the playlist's own outliers out of the profile, and remember how
	-- isolated the most isolated member is: a candidate more isolated than
	-- every member would be the playlist's worst outlier.  (Cutting at the
	-- kept members instead dropped good candidates at the playlist's edge:
	-- recall@20 0.626 -> 0.593 in make eval.)
	IF exclude_outliers AND n_members >= wt.min_forest THEN
		SELECT @extschema@.isolation_forest(m.v) INTO model FROM pg_catalog.unnest(mv) AS m(v);
		WITH s AS (
			SELECT m.id, m.v, m.tid, @extschema@.isolation_forest_score(model, m.v) AS sc
			  FROM ROWS FROM (pg_catalog.unnest(mids), pg_catalog.unnest(mv), pg_catalog.unnest(mtids)) AS m(id, v, tid)
		), ranked AS (
			SELECT s.*, pg_catalog.row_number() OVER (ORDER BY s.sc DESC, s.id) AS rn FROM s
		)
		SELECT pg_catalog.array_agg(x.v ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.array_agg(x.id ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.array_agg(x.tid ORDER BY x.id) FILTER (WHERE x.rn > k.flagged),
		       pg_catalog.max(x.sc)
		  INTO mv, mids, mtids, cutoff
		  FROM ranked x,
		       LATERAL (SELECT pg_catalog.ceil(wt.contamination * n_members)::integer AS flagged) k;
	END IF;

	SELECT @extschema@.avg(m.v) INTO prof FROM pg_catalog.unnest(mv) AS m(v);

	-- Over the profile members:
	-- * each genre's affinity to the playlist (g_shares): the part of the
	--   library's tracks carrying the genre that are members, +1 in the
	--   denominator ("this playlist holds 40% of your lo-fi beats" says more
	--   than "lo-fi beats is 10% of this playlist": a big genre is a big share
	--   of any playlist it touches); g_pct keeps the share for the reasons;
	-- * of the members with known genres, the share carrying each family and
	--   group;
	-- * of all, the share credited to each artist (a_raw, +1 in the
	--   denominator: a playlist of one track is weak evidence of a one-artist
	--   playlist), and the artist's affinity (a_shares): the artist's members
	--   against the artist's other tracks, the odds that one of those belongs
	--   (+1: one track of one is weaker evidence than eight of ten), at most 2.
	--   A playlist holding most of an artist's tracks is the strongest sign
	--   their other tracks belong; the share of the playlist is not: 3 tracks
	--   of a 60-track list is 5% however telling.
	g_keys := '{}'; g_shares := '{}'; g_pct := '{}'; f_keys := '{}'; f_shares := '{}';
	q_keys := '{}'; q_shares := '{}'; a_keys := '{}'; a_shares := '{}'; a_lib := '{}';
	FOR r IN
		WITH g AS MATERIALIZED (
			SELECT p.genres, p.families, p.groups, p.artist_ids,
			       (p.genres IS NOT NULL AND p.genres <> '{}') AS known
			  FROM listen_wiseer.recommend_pool p
			 WHERE p.ctid = ANY (mtids)
		), tot AS (
			SELECT GREATEST(pg_catalog.count(*) FILTER (WHERE g.known), 1)::double precision AS known,
			       GREATEST(pg_catalog.count(*), 1)::double precision AS everyone
			  FROM g
		), u AS (
			SELECT 'g' AS kind, x.k FROM g, pg_catalog.unnest(g.genres) x(k) WHERE g.known
			UNION ALL SELECT 'f', x.k FROM g, pg_catalog.unnest(g.families) x(k) WHERE g.known
			UNION ALL SELECT 'q', x.k FROM g, pg_catalog.unnest(g.groups) x(k) WHERE g.known
			UNION ALL SELECT 'a', x.k FROM g, pg_catalog.unnest(g.artist_ids) x(k)
		), lib AS (
			-- the members' artists' tracks in the pool (kept counted) ...
			SELECT 'a' AS kind, x.artist_id AS k, x.tracks::double precision AS cnt
			  FROM listen_wiseer.recommend_artist_tracks x
			 WHERE x.artist_id = ANY ((SELECT pg_catalog.array_agg(DISTINCT u.k) FROM u WHERE u.kind = 'a')::text[])
			UNION ALL
			-- ... and the tracks carrying each of the members' genres (from the
			-- signatures that hold one of them)
			SELECT 'g', x.k, pg_catalog.sum(s.tracks)::double precision
			  FROM listen_wiseer.recommend_signatures s, pg_catalog.unnest(s.genres) x(k)
			 WHERE s.genres OPERATOR(pg_catalog.&&) ((SELECT pg_catalog.array_agg(DISTINCT u.k) FROM u WHERE u.kind = 'g')::text[])
			 GROUP BY x.k
		)
		SELECT c.kind,
		       pg_catalog.array_agg(c.k ORDER BY c.k) AS keys,
		       pg_catalog.array_agg(CASE c.kind
		                                 WHEN 'a' THEN LEAST(c.cnt / (GREATEST(COALESCE(lib.cnt, 0) - c.cnt, 0) + 1), 2.0)
		                                 WHEN 'g' THEN c.cnt / (COALESCE(lib.cnt, 0) + 1)
		                                 ELSE c.cnt / tot.known END
		                            ORDER BY c.k) AS shares,
		       pg_catalog.array_agg(c.cnt / tot.known ORDER BY c.k) AS pct,
		       pg_catalog.array_agg(c.cnt / (tot.everyone + 1) ORDER BY c.k) AS raw,
		       pg_catalog.array_agg(GREATEST(COALESCE(lib.cnt, 0) - c.cnt, 0) ORDER BY c.k) AS libn
		  FROM (SELECT u.kind, u.k COLLATE "C" AS k, pg_catalog.count(*)::double precision AS cnt
		          FROM u GROUP BY u.kind, u.k COLLATE "C") c
		  CROSS JOIN tot
		  LEFT JOIN lib ON lib.kind = c.kind AND lib.k = c.k
		 GROUP BY c.kind
	LOOP
		CASE r.kind
			WHEN 'g' THEN g_keys := r.keys; g_shares := r.shares; g_pct := r.pct;
			WHEN 'f' THEN f_keys := r.keys; f_shares := r.shares;
			WHEN 'q' THEN q_keys := r.keys; q_shares := r.shares;
			ELSE a_keys := r.keys; a_shares := r.shares; a_raw := r.raw; a_lib := r.libn;
		END CASE;
	END LOOP;
	-- Genre affinities relative to the playlist's most affine genre (= 1): on
	-- a large library a playlist holds a small part of any genre, and the
	-- genre term would vanish next to the others (and with it the signature
	-- bounds that keep a call from reading the whole library).
	IF g_shares <> '{}' THEN
		g_shares := ARRAY(
			SELECT x.a / NULLIF((SELECT pg_catalog.max(y) FROM pg_catalog.unnest(g_shares) y), 0)
			  FROM pg_catalog.unnest(g_shares) WITH ORDINALITY AS x(a, i) ORDER BY x.i);
	END IF;
	-- Without any known genre in the playlist there is nothing to filter on.
	IF q_keys = '{}' THEN
		genre_filter := false;
	END IF;


	-- Ranking, exactly, without scoring the whole library:
	-- * the genre part of a candidate's score depends only on its genres, so
	--   each genre combination ("signature", listen_wiseer.recommend_signatures)
	--   sharing a genre with the playlist gets an upper bound: 1 (the most the
	--   two similarity terms can add) + its genre terms + the largest artist
	--   term.  Rounds read the tracks of the signatures above a threshold (at
	--   first those holding 8m tracks, then four times as many); a round is
	--   enough when its n-th pick beats "bound", the best score any candidate
	--   left out can reach (the next signature's bound, or 1 + every non-genre
	--   term at its maximum for a candidate sharing no genre at all).  The last
	--   round reads every candidate.
	-- * within a round, the cheap part of the score (everything but the
	--   nearest-members similarity, which is at most 1) gives an upper bound;
	--   the m candidates with the highest get their exact score, and the picks
	--   are exact when the n-th pick beats the bound of every candidate left
	--   out; otherwise m grows.
	-- The picks walk the exact order: at most max_per_artist per primary
	-- artist, or as many as the artist's share of the playlist (a_raw) gives
	-- of n (rounded up) if more: the picks are no more concentrated on one artist
	-- than the playlist itself.
	-- The library tracks of the members' artists of highest affinity (a_hi,
	-- as many artists as hold at most 4 x max(16n, 256) other tracks between them)
	-- are in every round and scored exactly; every other track's artist term
	-- is at most artist_max, the largest affinity of the artists left out (0
	-- when none is), so the signature bounds and "bound", which only ever
	-- cover those others, add artist_max (with the largest affinity of all
	-- there, nearly every signature passed).  An artist with no track outside
	-- the kept members has no candidate: it neither takes room in a_hi nor
	-- raises artist_max (a one-track artist's affinity is at its cap, and
	-- counting it made small playlists read nearly every signature).
	SELECT pg_catalog.array_agg(x.k) FILTER (WHERE x.cum <= 4 * GREATEST(16::bigint * n, 256)),
	       pg_catalog.max(x.a) FILTER (WHERE x.cum > 4 * GREATEST(16::bigint * n, 256))
	  INTO a_hi, artist_max
	  FROM (SELECT u.k, u.a, pg_catalog.sum(u.l) OVER (ORDER BY u.a DESC, u.k) AS cum
	          FROM ROWS FROM (pg_catalog.unnest(a_keys), pg_catalog.unnest(a_shares), pg_catalog.unnest(a_lib)) AS u(k, a, l)
	         WHERE u.l > 0) x;
	a_hi := COALESCE(a_hi, '{}');
	artist_max := wt.artist * COALESCE(artist_max, 0);
	other_max := wt.family * COALESCE((SELECT pg_catalog.max(x) FROM pg_catalog.unnest(f_shares) x), 0)
	           + wt.grp * COALESCE((SELECT pg_catalog.max(x) FROM pg_catalog.unnest(q_shares) x), 0)
	           + artist_max;
	exhaustive := COALESCE(pg_catalog.current_setting('listen_wiseer.recommend_exhaustive', true), '') = 'on';
	cover := 8 * GREATEST(16::bigint * n, 256);
	LOOP
		sig_t := NULL;
		bound := NULL;
		IF NOT exhaustive AND NOT full_next AND g_keys <> '{}' THEN
			-- the threshold: the signatures above it hold at least `cover` tracks
			SELECT pg_catalog.min(x.b) FILTER (WHERE x.cum - x.tracks < cover),
			       pg_catalog.max(x.b) FILTER (WHERE x.cum - x.tracks >= cover)
			  INTO sig_t, bound
			  FROM (SELECT sg.b, sg.tracks,
			               pg_catalog.sum(sg.tracks) OVER (ORDER BY sg.b DESC, sg.genres) AS cum
			          FROM (SELECT s.genres, s.tracks,
			                       1.0 + artist_max + listen_wiseer.recommend_base_score(prof, s.genres, s.families, s.groups, NULL,
			                           prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                           ARRAY[0, wt.genre, wt.family, wt.grp, 0]::double precision[]) AS b
			                  FROM listen_wiseer.recommend_signatures s
			                 WHERE s.genres OPERATOR(pg_catalog.&&) g_keys
			                   AND (NOT genre_filter OR s.groups = '{}' OR s.groups OPERATOR(pg_catalog.&&) q_keys)) sg) x;
			-- every signature is in: what is left shares no genre with the playlist,
			-- and if this round is not enough the next one reads everything
			full_next := bound IS NULL;
			bound := GREATEST(COALESCE(bound, 0), 1.0 + other_max);
		END IF;
		-- (4 x max(16n, 256) at first: with fewer the check below failed on
		-- nearly every benchmark playlist, and a second pass costs more than
		-- scoring the extra candidates exactly in the first)
		m := 4 * GREATEST(16::bigint * n, 256);
		LOOP
			-- one statement, not a cursor, so the scan may run in parallel;
			-- planned for this call's values (reverted at the function's exit)
			PERFORM pg_catalog.set_config('plan_cache_mode', 'force_custom_plan', true);
			-- and with the top artists' tracks read through their GIN index: the
			-- planner prices a scan with "artist_ids && <hundreds of ids>" as if
			-- the test were free, and on a 100,000-track library chose to read
			-- it all (0.9 s instead of 2 ms).  The last round reads everyone
			-- whatever this says.
			seqscan := pg_catalog.current_setting('enable_seqscan');
			PERFORM pg_catalog.set_config('enable_seqscan', CASE WHEN sig_t IS NULL THEN seqscan ELSE 'off' END, true);
			SELECT pg_catalog.array_agg(z.track_id ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.artist_ids[1] ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.v ORDER BY z.total DESC, z.track_id),
			       pg_catalog.array_agg(z.total ORDER BY z.total DESC, z.track_id),
			       pg_catalog.min(z.cheap) + w_near, pg_catalog.count(*)
			  INTO c_ids, c_artists, c_vs, c_totals, min_ub, fetched
			  FROM (SELECT y.*, e.total
			          FROM (SELECT c.track_id, c.artist_ids, c.v, s.cheap
			                  FROM (-- a round: the tracks of the signatures above the threshold,
			                        -- one index scan each (OFFSET 0 keeps it a nested loop)
			                        SELECT p.*
			                          FROM listen_wiseer.recommend_signatures s
			                          CROSS JOIN LATERAL (
			                            SELECT p.* FROM listen_wiseer.recommend_pool p
			                             WHERE p.genres = s.genres OFFSET 0) p
			                         WHERE sig_t IS NOT NULL
			                           AND NOT listen_wiseer.recommend_overlaps(p.artist_ids, a_hi)
			                           AND s.genres OPERATOR(pg_catalog.&&) g_keys
			                           AND (NOT genre_filter OR s.groups = '{}' OR s.groups OPERATOR(pg_catalog.&&) q_keys)
			                           AND 1.0 + artist_max + listen_wiseer.recommend_base_score(prof, s.genres, s.families, s.groups, NULL,
			                                 prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                                 ARRAY[0, wt.genre, wt.family, wt.grp, 0]::double precision[]) >= sig_t
			                        UNION ALL
			                        -- and in every round, the tracks of the members' artists
			                        SELECT p.* FROM listen_wiseer.recommend_pool p
			                         WHERE sig_t IS NOT NULL
			                           AND p.artist_ids OPERATOR(pg_catalog.&&) a_hi
			                        UNION ALL
			                        -- the last round: everyone
			                        SELECT p.* FROM listen_wiseer.recommend_pool p WHERE sig_t IS NULL) c
			                  CROSS JOIN LATERAL (
			                    SELECT listen_wiseer.recommend_base_score(c.v, c.genres, c.families, c.groups, c.artist_ids,
			                               prof, g_keys, g_shares, f_keys, f_shares, q_keys, q_shares, a_keys, a_shares,
			                               ARRAY[1.0 - w_near, wt.genre, wt.family, wt.grp, wt.artist]) AS cheap
			                  ) s
			                 WHERE true
			                   AND (NOT genre_filter OR c.groups = '{}' OR c.groups OPERATOR(pg_catalog.&&) q_keys)
			                   AND NOT listen_wiseer.recommend_in_set(c.track_id, member_ids)
			                 ORDER BY s.cheap DESC, c.track_id
			                 LIMIT m) y
			          CROSS JOIN LATERAL (
			            SELECT y.cheap + CASE WHEN w_near = 0 THEN 0
			                                  ELSE w_near * COALESCE(listen_wiseer.recommend_neighbour_similarity(y.v, mv, wt.k_near), 0) END
			                   AS total) e
			        -- OFFSET 0: total is computed once per row, not once per
			        -- aggregate that orders by it (five times)
			        OFFSET 0) z;

			PERFORM pg_catalog.set_config('plan_cache_mode', 'auto', true);
			PERFORM pg_catalog.set_config('enable_seqscan', seqscan, true);
			picked := '{}'; picked_score := '{}'; used_artists := '{}';
			FOR i IN 1..COALESCE(pg_catalog.cardinality(c_ids), 0) LOOP
				-- diversity: at most max_per_artist picks per primary artist, or
				-- ceil(n x its share of the members) if more
				IF max_per_artist IS NOT NULL AND c_artists[i] IS NOT NULL AND
				   COALESCE(pg_catalog.cardinality(pg_catalog.array_positions(used_artists, c_artists[i])), 0)
				     >= GREATEST(max_per_artist,
				                 pg_catalog.ceil(n * COALESCE(a_raw[pg_catalog.array_position(a_keys, c_artists[i])], 0))::integer) THEN
					CONTINUE;
				END IF;
				-- a candidate this playlist's forest isolates more than every member
				IF cutoff IS NOT NULL AND @extschema@.isolation_forest_score(model, c_vs[i]) > cutoff THEN
					CONTINUE;
				END IF;
				picked := picked OPERATOR(pg_catalog.||) c_ids[i];
				picked_score := picked_score OPERATOR(pg_catalog.||) c_totals[i];
				IF c_artists[i] IS NOT NULL THEN
					used_artists := used_artists OPERATOR(pg_catalog.||) c_artists[i];
				END IF;
				EXIT WHEN pg_catalog.cardinality(picked) >= n;
			END LOOP;
			-- exact within the round: all of it was scored, or the n-th pick
			-- beats every candidate left out
			RAISE DEBUG 'recommend: signatures from %, m %, scored %, picks %, n-th %, ub left %, bound %',
				sig_t, m, fetched, pg_catalog.cardinality(picked), picked_score[n], min_ub, bound;
			-- (1e-9: the bounds and the scores add the same terms in another order)
			EXIT WHEN fetched < m
			       OR (pg_catalog.cardinality(picked) >= n AND picked_score[n] > min_ub + 1e-9);
			m := m * 4;
		END LOOP;
		EXIT WHEN sig_t IS NULL OR (pg_catalog.cardinality(picked) >= n AND picked_score[n] > bound + 1e-9);
		cover := cover * 4;
	END LOOP;

	RETURN QUERY
	WITH pk AS (
		SELECT u.id, u.sc, u.ord::integer AS ord
		  FROM ROWS FROM (pg_catalog.unnest(picked), pg_catalog.unnest(picked_score)) WITH ORDINALITY AS u(id, sc, ord)
	), credits AS (
		-- one aggregate over all picks: genre_vote_agg sets up its rules once
		SELECT x.track_id,
		       pg_catalog.string_agg(a.name, ', ' ORDER BY x.position) AS artists,
		       (@extschema@.genre_vote_agg(a.genres, x.position::integer)).genre_group AS genre_group
		  FROM listen_wiseer.track_artists x JOIN listen_wiseer.artists a ON a.artist_id = x.artist_id
		 WHERE x.track_id = ANY (picked)
		 GROUP BY x.track_id
	)
	SELECT pk.ord, pk.id, t.name, cr.artists, pk.sc, cr.genre_group,
	       pg_catalog.concat_ws('; ',
	           pg_catalog.format('closest to %s (similarity %s)', pg_catalog.quote_literal(mt.name),
	                             pg_catalog.round(nm.sim::numeric, 2)),
	           CASE WHEN gx.genre IS NOT NULL
	                THEN pg_catalog.format('genre %s like %s%% of the playlist', pg_catalog.quote_literal(gx.genre),
	                                       pg_catalog.round(100 * gx.share))
	                WHEN fx.family IS NOT NULL
	                THEN pg_catalog.format('genre family %s like %s%% of the playlist', pg_catalog.quote_literal(fx.family),
	                                       pg_catalog.round(100 * fx.share)) END,
	           'similar ' || fm.names)
	  FROM pk
	  LEFT JOIN credits cr ON cr.track_id = pk.id
	  JOIN listen_wiseer.recommend_pool c ON c.track_id = pk.id
	  JOIN listen_wiseer.tracks t ON t.track_id = pk.id
	  CROSS JOIN LATERAL (
		-- the nearest member (ORDER BY c.v <=> m.v, m.id LIMIT 1, in C)
		SELECT mids[q.k] AS id, 1.0 - (c.v OPERATOR(@extschema@.<=>) mv[q.k]) AS sim
		  FROM (SELECT listen_wiseer.recommend_nearest_member(c.v, mv, mids) AS k) q) nm
	  JOIN listen_wiseer.tracks mt ON mt.track_id = nm.id
	  LEFT JOIN LATERAL (
		SELECT g.genre, k.share
		  FROM pg_catalog.unnest(c.genres) AS g(genre)
		  JOIN ROWS FROM (pg_catalog.unnest(g_keys), pg_catalog.unnest(g_pct)) AS k(key, share) ON k.key = g.genre
		 ORDER BY k.share DESC, g.genre LIMIT 1) gx ON true
	  LEFT JOIN LATERAL (
		SELECT g.family, k.share
		  FROM pg_catalog.unnest(c.families) AS g(family)
		  JOIN ROWS FROM (pg_catalog.unnest(f_keys), pg_catalog.unnest(f_shares)) AS k(key, share) ON k.key = g.family
		 ORDER BY k.share DESC, g.family LIMIT 1) fx ON true
	  CROSS JOIN LATERAL (
		-- the two features where the track is nearest the playlist profile
		SELECT pg_catalog.string_agg(z.name, ' and ' ORDER BY z.gap, z.i) AS names
		  FROM (SELECT f.name, f.i, pg_catalog.round(pg_catalog.abs(cv[f.i] - pv[f.i])::numeric, 2) AS gap
		          FROM pg_catalog.unnest(listen_wiseer.feature_names()) WITH ORDINALITY AS f(name, i),
		               LATERAL (SELECT c.v::real[] AS cv, prof::real[] AS pv) q
		         WHERE pg_catalog.cardinality(cv) = pg_catalog.cardinality(listen_wiseer.feature_names())
		         ORDER BY 3, 2 LIMIT 2) z) fm
	 ORDER BY pk.ord;
END;
$$;
-- ---------------------------------------------------------------------------
-- Roles.  Roles are cluster-wide, so the extension creates none; these two
-- functions give an existing role what one of the two documented jobs needs
-- in this database (extension/roles.sql creates lw_reader and lw_ingest and
-- calls them; README "Security and reliability").  Run them as a superuser,
-- or as whoever owns the extension's objects.  Both are idempotent.
--   grant_reader(role): a BI tool.  CONNECT, USAGE on both schemas, SELECT on
--     every table and view of listen_wiseer, EXECUTE on the extension's
--     functions except the maintenance ones (they write).
--   grant_ingest(role): lw-ingest.  CONNECT and TEMPORARY (its staging
--     tables), SELECT/INSERT/UPDATE on the library tables it writes, DELETE
--     on track_artists only (credits are replaced), the run id sequence, and
--     EXECUTE on refresh_vectors().  Nothing on the genre rules, the weights
--     or the derived tables: those are written by SECURITY DEFINER functions
--     of the extension (refresh_vectors, the recommend_pool triggers).
-- ---------------------------------------------------------------------------

-- The functions that write: kept from the reader, and not public.
CREATE FUNCTION listen_wiseer.maintenance_functions() RETURNS regprocedure[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT f::regprocedure FROM pg_catalog.unnest(ARRAY[
		'listen_wiseer.refresh_vectors()',
		'listen_wiseer.recommend_pool_sync(text[])',
		'listen_wiseer.refresh_recommend_pool()',
		'listen_wiseer.grant_reader(regrole)',
		'listen_wiseer.grant_ingest(regrole)']) AS u(f)
		WHERE pg_catalog.to_regprocedure(f) IS NOT NULL);

CREATE FUNCTION listen_wiseer.grant_reader(role regrole) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ext  oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'listen_wiseer');
	f    regprocedure;
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %s', pg_catalog.current_database(), role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA listen_wiseer, %s TO %s',
		(SELECT e.extnamespace::regnamespace FROM pg_catalog.pg_extension e WHERE e.oid = ext), role);
	EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA listen_wiseer TO %s', role);
	-- every function of the extension but the writing ones and the trigger functions
	-- (EXECUTE is public by default, but not where default privileges took it away)
	FOR f IN
		SELECT p.oid::regprocedure
		  FROM pg_catalog.pg_depend d
		  JOIN pg_catalog.pg_proc p ON p.oid = d.objid
		 WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_extension'::regclass
		   AND d.refobjid = ext AND d.deptype = 'e'
		   AND p.prorettype <> 'pg_catalog.trigger'::regtype
		   AND p.oid <> ALL (listen_wiseer.maintenance_functions()::oid[])
		 ORDER BY 1
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO %s',
			CASE WHEN (SELECT p.prokind FROM pg_catalog.pg_proc p WHERE p.oid = f) = 'p'
			     THEN 'PROCEDURE' ELSE 'FUNCTION' END, f, role);
	END LOOP;
END;
$$;
COMMENT ON FUNCTION listen_wiseer.grant_reader(regrole) IS
	'grant a role read access to the library and the analysis functions (a BI tool)';

CREATE FUNCTION listen_wiseer.grant_ingest(role regrole) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF role IS NULL THEN
		RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	EXECUTE pg_catalog.format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %s',
		pg_catalog.current_database(), role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA listen_wiseer TO %s', role);
	-- what ingestor/store.c writes (INSERT ... ON CONFLICT DO UPDATE needs SELECT and UPDATE)
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON listen_wiseer.users, listen_wiseer.artists,'
		' listen_wiseer.tracks, listen_wiseer.playlists, listen_wiseer.playlist_tracks,'
		' listen_wiseer.liked_tracks, listen_wiseer.audio_features, listen_wiseer.capabilities,'
		' listen_wiseer.ingest_runs TO %s', role);
	EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON listen_wiseer.track_artists TO %s', role);
	EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE listen_wiseer.ingest_runs_run_id_seq TO %s', role);
	EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION listen_wiseer.refresh_vectors() TO %s', role);
END;
$$;
COMMENT ON FUNCTION listen_wiseer.grant_ingest(regrole) IS
	'grant a role what lw-ingest needs: write the library tables it loads, nothing else';

REVOKE EXECUTE ON FUNCTION listen_wiseer.grant_reader(regrole) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION listen_wiseer.grant_ingest(regrole) FROM PUBLIC;
