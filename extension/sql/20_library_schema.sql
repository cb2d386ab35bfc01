-- ---------------------------------------------------------------------------
-- The library: what the ingestor (lw-ingest) writes and the analysis reads.
-- Every table lives in the schema listen_wiseer; docs/reference.md documents each one.
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
	updated_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
	-- 1.1: where genres came from (NULL while genres is NULL)
	genres_source     text CHECK (genres_source IN ('spotify', 'musicbrainz', 'lastfm', 'catalog', 'csv')),
	-- 1.1: when genres were last written by an enrichment source (lw-ingest enrich)
	genres_updated_at timestamptz
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
	features_checked_at    timestamptz,
	-- 1.1: in_library = the user's (a playlist, liked songs or a sync put it there); catalog = the
	-- imported catalog that holds it (NULL: none). A track can be both; catalog-only tracks have
	-- in_library = false and never appear in the library's views.
	in_library             boolean NOT NULL DEFAULT true,
	catalog                text
);
CREATE INDEX tracks_isrc_idx ON listen_wiseer.tracks (isrc) WHERE isrc IS NOT NULL;
-- added for the ingestor: the library's tracks still to ask /audio-features for, in id order
-- (1.1: catalog-only tracks are never asked for)
CREATE INDEX tracks_features_unchecked_idx ON listen_wiseer.tracks (track_id)
	WHERE features_checked_at IS NULL AND in_library;

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
	source           text NOT NULL CHECK (source IN ('spotify_api', 'csv', 'demo', 'reccobeats', 'catalog')),
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
