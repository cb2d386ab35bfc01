-- ---------------------------------------------------------------------------
-- Publishing recommend() answers to Spotify playlists (lw-ingest publish).
-- The user owns the rules; lw-ingest fills in the target playlist it created
-- and what it last wrote there, and logs every publish in publish_runs.
-- ---------------------------------------------------------------------------

-- One row per playlist to keep refreshed: `lw-ingest publish --all` publishes
-- every enabled rule.  The recommend() options are NULL when the rule leaves
-- them to recommend()'s own defaults.
CREATE TABLE listen_wiseer.publish_rules (
	rule               text PRIMARY KEY CHECK (rule <> '' AND pg_catalog.length(rule) <= 100),
	source_playlist    text NOT NULL CHECK (source_playlist <> ''),   -- id or name, as recommend() takes it
	target_name        text NOT NULL CHECK (target_name <> '' AND pg_catalog.length(target_name) <= 100),
	n                  integer NOT NULL DEFAULT 30 CHECK (n BETWEEN 1 AND 10000),
	method             text,
	genre_filter       boolean,
	exclude_outliers   boolean,
	max_per_artist     integer CHECK (max_per_artist >= 1),
	enabled            boolean NOT NULL DEFAULT true,
	-- written by lw-ingest: the playlist it created (committed before any item is
	-- written, so an interrupted run is completed by the next one, never duplicated)
	target_playlist_id text CHECK (target_playlist_id ~ '^[0-9A-Za-z]{1,64}$'),
	published_uris     text[],           -- the track URIs last written, in order; NULL = none yet
	published_snapshot text,             -- Spotify's snapshot_id after that write
	published_at       timestamptz,
	created_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE listen_wiseer.publish_rules IS
	'playlists lw-ingest publish keeps refreshed from recommend(); target_playlist_id and published_* are written by lw-ingest';

-- One row per publish of a rule (BI: what was published when, and how it went).
CREATE TABLE listen_wiseer.publish_runs (
	publish_id         bigserial PRIMARY KEY,
	rule               text NOT NULL,    -- no foreign key: the log outlives a dropped rule
	started_at         timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	finished_at        timestamptz,
	outcome            text NOT NULL DEFAULT 'running'
	                   CHECK (outcome IN ('running', 'created', 'replaced', 'unchanged', 'failed',
	                                      'needs_login', 'rate_limited', 'forbidden')),
	target_playlist_id text,
	snapshot_id        text,
	track_count        integer CHECK (track_count >= 0),    -- tracks in the published answer
	skipped_count      integer CHECK (skipped_count >= 0),  -- recommended tracks without a Spotify id
	write_requests     integer CHECK (write_requests >= 0), -- POST/PUT requests sent
	created_target     boolean NOT NULL DEFAULT false,      -- this run created target_playlist_id
	error              text,
	CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX publish_runs_rule_idx ON listen_wiseer.publish_runs (rule, started_at DESC);

SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_rules', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_runs', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.publish_runs_publish_id_seq', '');
