-- Catalog tracks (tracks.in_library = false, imported by lw-ingest import-catalog) are not
-- the user's: the vectors' statistics are the library's, and the library views leave
-- catalog-only tracks and artists out (see extension/sql/30_scaling.sql, 50_genre_map.sql).
-- (refresh_vectors(): statistics from the library's tracks, in 60_recommend.sql)

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
