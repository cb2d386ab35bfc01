
-- Provenance and catalog membership (see extension/sql/20_library_schema.sql).
ALTER TABLE listen_wiseer.artists
	ADD COLUMN genres_source text
	CHECK (genres_source IN ('spotify', 'musicbrainz', 'lastfm', 'catalog', 'csv'));
-- every genre list a 1.0 database holds came from Spotify
UPDATE listen_wiseer.artists SET genres_source = 'spotify' WHERE genres IS NOT NULL;

ALTER TABLE listen_wiseer.tracks
	ADD COLUMN in_library boolean NOT NULL DEFAULT true,
	ADD COLUMN catalog text;

ALTER TABLE listen_wiseer.audio_features
	DROP CONSTRAINT audio_features_source_check,
	ADD CONSTRAINT audio_features_source_check
		CHECK (source IN ('spotify_api', 'csv', 'demo', 'reccobeats', 'catalog'));
