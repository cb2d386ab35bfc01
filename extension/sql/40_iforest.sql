-- ---------------------------------------------------------------------------
-- Isolation Forest (Liu, Ting & Zhou 2008, as scikit-learn implements it).
-- Scores are in (0, 1]; higher = more anomalous.  docs/design/isolation-forest.md has the details.
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
