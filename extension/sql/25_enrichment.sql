-- ---------------------------------------------------------------------------
-- Enrichment (lw-ingest enrich): audio features from ReccoBeats, genres from MusicBrainz and
-- Last.fm for what Spotify no longer gives a 2026 app. docs/design/enrichment.md explains it.
-- ---------------------------------------------------------------------------

-- Every answer a service gave, "not found" included, so a later run asks only for what is new
-- or expired. source + kind + key name the question:
--   reccobeats  track-features  Spotify track id   (detail: ReccoBeats id)
--   musicbrainz artist-url      Spotify artist id  (detail: MBID, or the candidates if ambiguous)
--   musicbrainz artist-genres   Spotify artist id  (detail: the MBID answered; payload: genres)
--   lastfm      artist-tags     Spotify artist id  (detail: Last.fm's corrected name; payload: tags)
-- outcome: hit (data found), miss (the service answered: nothing), ambiguous (several
-- candidates, nothing used). Rows past expires_at are asked again.
CREATE TABLE listen_wiseer.enrichment_cache (
	source      text NOT NULL CHECK (source IN ('reccobeats', 'musicbrainz', 'lastfm')),
	kind        text NOT NULL CHECK (kind <> ''),
	key         text NOT NULL CHECK (key <> ''),
	outcome     text NOT NULL CHECK (outcome IN ('hit', 'miss', 'ambiguous')),
	http_status integer,
	detail      text,
	payload     jsonb,
	fetched_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expires_at  timestamptz NOT NULL,
	PRIMARY KEY (source, kind, key),
	CHECK (expires_at >= fetched_at)
);

-- The user's choice per source: enabled = false switches a source off; for genres the
-- enabled sources are asked in ascending priority (default: musicbrainz 1, lastfm 2), so the
-- first one with genres for an artist wins. No row = enabled with the default priority.
CREATE TABLE listen_wiseer.enrichment_sources (
	source   text PRIMARY KEY CHECK (source IN ('reccobeats', 'musicbrainz', 'lastfm')),
	enabled  boolean NOT NULL DEFAULT true,
	priority smallint NOT NULL DEFAULT 0
);

SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.enrichment_cache', '');
SELECT pg_catalog.pg_extension_config_dump('listen_wiseer.enrichment_sources', '');
