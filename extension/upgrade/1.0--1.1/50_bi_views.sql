-- 1.1: plain columns for BI tools and a read-only login (extension/sql/75_bi.sql; the genre-mix
-- views of extension/sql/50_genre_map.sql label a missing group 'unknown'; create_reader_login
-- joins the maintenance functions of extension/sql/70_roles.sql).

-- Share of each group among a playlist's current members (each occurrence
-- counts; genre_group 'unknown' = tracks whose genres are unknown or map to
-- no group: a label a chart can show, where NULL would be a blank slice).
CREATE OR REPLACE VIEW listen_wiseer.playlist_genre_mix AS
	SELECT pt.playlist_id, COALESCE(tg.genre_group, 'unknown') AS genre_group, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.genre_group, 'unknown');

-- The same by family ('unknown' likewise).
CREATE OR REPLACE VIEW listen_wiseer.playlist_family_mix AS
	SELECT pt.playlist_id, COALESCE(tg.family, 'unknown') AS family, pg_catalog.count(*) AS tracks,
	       pg_catalog.count(*)::double precision
	         / pg_catalog.sum(pg_catalog.count(*)) OVER (PARTITION BY pt.playlist_id) AS share
	FROM listen_wiseer.playlist_tracks pt
	JOIN listen_wiseer.track_genre tg ON tg.track_id = pt.track_id
	WHERE pt.removed_at IS NULL
	GROUP BY pt.playlist_id, COALESCE(tg.family, 'unknown');

-- The functions that write: kept from the reader, and not public.
CREATE OR REPLACE FUNCTION listen_wiseer.maintenance_functions() RETURNS regprocedure[]
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT f::regprocedure FROM pg_catalog.unnest(ARRAY[
		'listen_wiseer.refresh_vectors()',
		'listen_wiseer.recommend_pool_sync(text[])',
		'listen_wiseer.refresh_recommend_pool()',
		'listen_wiseer.grant_reader(regrole)',
		'listen_wiseer.grant_ingest(regrole)',
		'listen_wiseer.create_reader_login(text,text)']) AS u(f)
		WHERE pg_catalog.to_regprocedure(f) IS NOT NULL);

-- ---------------------------------------------------------------------------
-- BI tools: views with plain columns only (text, numbers, booleans, dates,
-- timestamps: no feature_vector, jsonb or arrays, which JDBC, ODBC and
-- pandas read as strings or objects), and a read-only login for them.
-- docs/design/bi.md explains the choices; README "BI tools" the recipe.
-- ---------------------------------------------------------------------------

-- The standardized features of each library track, one double precision
-- column each: the values recommend() and the outlier forest compare
-- (weight * (x - mean) / stddev over the library; listen_wiseer.feature_scaling
-- holds mean, stddev and weight).  Tracks without audio features have no row.
-- The vector stores float4: each value is its shortest decimal form read as
-- float8, so a tool shows 1.3688806 and not 1.3688806295394897.
CREATE VIEW listen_wiseer.track_features_standardized AS
	SELECT tv.track_id, x.a[1]::text::double precision AS danceability,
	       x.a[2]::text::double precision AS energy, x.a[3]::text::double precision AS loudness,
	       x.a[4]::text::double precision AS speechiness, x.a[5]::text::double precision AS acousticness,
	       x.a[6]::text::double precision AS instrumentalness, x.a[7]::text::double precision AS liveness,
	       x.a[8]::text::double precision AS valence, x.a[9]::text::double precision AS tempo
	  FROM listen_wiseer.track_vectors tv
	  JOIN listen_wiseer.tracks t ON t.track_id = tv.track_id
	 CROSS JOIN LATERAL (SELECT tv.v::real[] AS a) x
	 WHERE t.in_library;
COMMENT ON VIEW listen_wiseer.track_features_standardized IS
	'standardized audio features of the library''s tracks, one float8 column each';

-- A release date as Spotify gives it ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD') as
-- the first day it can mean; NULL when it is no such date (year 0, month 13,
-- February 30).
CREATE FUNCTION listen_wiseer.release_date_value(release_date text) RETURNS date
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE
		WHEN release_date OPERATOR(pg_catalog.!~) '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'
		  OR pg_catalog.left(release_date, 4)::integer < 1 THEN NULL
		WHEN pg_catalog.length(release_date) = 4 THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer, 1, 1)
		WHEN pg_catalog.substr(release_date, 6, 2)::integer NOT BETWEEN 1 AND 12 THEN NULL
		WHEN pg_catalog.length(release_date) = 7 THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
			                     pg_catalog.substr(release_date, 6, 2)::integer, 1)
		-- the day must exist in that month: the month's first day plus day - 1 stays in it
		WHEN pg_catalog.substr(release_date, 9, 2)::integer BETWEEN 1 AND 31
		 AND pg_catalog.date_part('month',
		         pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
		                              pg_catalog.substr(release_date, 6, 2)::integer, 1)
		         OPERATOR(pg_catalog.+) (pg_catalog.substr(release_date, 9, 2)::integer - 1))
		     = pg_catalog.substr(release_date, 6, 2)::integer THEN
			pg_catalog.make_date(pg_catalog.left(release_date, 4)::integer,
			                     pg_catalog.substr(release_date, 6, 2)::integer,
			                     pg_catalog.substr(release_date, 9, 2)::integer)
	END;
COMMENT ON FUNCTION listen_wiseer.release_date_value(text) IS
	'a release date (YYYY, YYYY-MM or YYYY-MM-DD) as the first day it can mean, NULL if no such date';

-- Release dates as dates, for a time axis.  release_date_precision says what
-- the date stands for ('year': any day of that year, 'month', 'day'), from
-- the text itself.
CREATE VIEW listen_wiseer.track_release_dates AS
	SELECT t.track_id, listen_wiseer.release_date_value(t.release_date) AS release_date,
	       CASE pg_catalog.length(t.release_date)
	            WHEN 4 THEN 'year' WHEN 7 THEN 'month' WHEN 10 THEN 'day' END AS release_date_precision,
	       pg_catalog.date_part('year', listen_wiseer.release_date_value(t.release_date))::integer
	         AS release_year
	  FROM listen_wiseer.tracks t
	 WHERE t.in_library;
COMMENT ON VIEW listen_wiseer.track_release_dates IS
	'release dates of the library''s tracks as date (first day meant) and its precision';

-- One counter of ingest_runs.counts (0 when absent: the ingestor writes only
-- non-zero counters; NULL for a value that is not a whole number).
CREATE FUNCTION listen_wiseer.run_count(counts jsonb, name text) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE
		WHEN (counts OPERATOR(pg_catalog.->) name) IS NULL THEN 0
		WHEN pg_catalog.jsonb_typeof(counts OPERATOR(pg_catalog.->) name) = 'number'
		 AND (counts OPERATOR(pg_catalog.->>) name) OPERATOR(pg_catalog.~) '^-?[0-9]{1,18}$'
		THEN (counts OPERATOR(pg_catalog.->>) name)::bigint
	END;
COMMENT ON FUNCTION listen_wiseer.run_count(jsonb, text) IS
	'one counter of ingest_runs.counts as bigint (0 when absent)';

-- Sync health, one row per lw-ingest run (sync and import-features).
--   duration_s      finished_at - started_at in seconds (NULL while running)
--   requests        HTTP requests to the Web API
--   tracks_new      tracks first seen in this run; tracks_changed: known tracks written again
--   features_filled tracks whose audio features this run loaded
--   genres_filled   artists whose genre list this run wrote (fetched with a genres field, or
--                   a genres_filled counter of an enrichment step)
--   warnings        how many warnings the run recorded (ingest_runs.warnings has them)
CREATE VIEW listen_wiseer.sync_health AS
	SELECT r.run_id, r.command, r.started_at, r.finished_at, r.status,
	       pg_catalog.date_part('epoch', r.finished_at OPERATOR(pg_catalog.-) r.started_at) AS duration_s,
	       listen_wiseer.run_count(r.counts, 'requests') AS requests,
	       listen_wiseer.run_count(r.counts, 'tracks_new') AS tracks_new,
	       listen_wiseer.run_count(r.counts, 'tracks_upserted')
	         - listen_wiseer.run_count(r.counts, 'tracks_new') AS tracks_changed,
	       listen_wiseer.run_count(r.counts, 'features_loaded') AS features_filled,
	       listen_wiseer.run_count(r.counts, 'genres_filled')
	         + listen_wiseer.run_count(r.counts, 'artists_loaded')
	         - listen_wiseer.run_count(r.counts, 'artists_without_genres_field') AS genres_filled,
	       pg_catalog.cardinality(r.warnings) AS warnings,
	       r.error
	  FROM listen_wiseer.ingest_runs r;
COMMENT ON VIEW listen_wiseer.sync_health IS
	'one row per lw-ingest run: when, status, duration, requests, what it filled, warnings';

-- ---------------------------------------------------------------------------
-- A login for a BI tool or a person, read-only for real:
--   * privileges first: it is a member of lw_reader, which may only read
--     (grant_reader: SELECT and the analysis functions, no write privilege);
--   * and default_transaction_read_only = on set on the LOGIN itself (a
--     role's settings are not inherited by its members), so even what
--     privileges cannot stop (temporary tables, large objects) fails unless
--     the session turns it off on purpose.
-- Creates lw_reader when it does not exist, and (re)grants it the reader's
-- rights in this database.  password NULL: none (set one with \password).
-- Run it as a superuser or a role with CREATEROLE that may grant lw_reader.
-- ---------------------------------------------------------------------------
CREATE FUNCTION listen_wiseer.create_reader_login(name text, password text DEFAULT NULL) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF name IS NULL OR name = '' THEN
		RAISE EXCEPTION 'login name must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = name) THEN
		RAISE EXCEPTION 'role "%" already exists', name USING ERRCODE = 'duplicate_object',
			HINT = 'Choose another name, or drop the role first.';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'lw_reader') THEN
		EXECUTE 'CREATE ROLE lw_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION';
	END IF;
	PERFORM listen_wiseer.grant_reader('lw_reader');
	EXECUTE pg_catalog.format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
		' NOBYPASSRLS INHERIT IN ROLE lw_reader PASSWORD %L', name, password);
	EXECUTE pg_catalog.format('ALTER ROLE %I SET default_transaction_read_only = on', name);
END;
$$;
COMMENT ON FUNCTION listen_wiseer.create_reader_login(text, text) IS
	'create a read-only login (member of lw_reader, read-only transactions by default) for a BI tool';
REVOKE EXECUTE ON FUNCTION listen_wiseer.create_reader_login(text, text) FROM PUBLIC;

-- (Roles that read the 1.0 library get the new views through 98_regrant_roles.sql.)
