-- What the extension answers on a library, one line each, sorted: recommend() for every
-- playlist (default arguments, and the exhaustive nearest-members path), genre_map() for every
-- genre of the library, the isolation-forest outliers, the standardized vectors and the
-- feature statistics.  Two databases holding the same rows must print the same lines.
SET search_path = pg_catalog, pg_temp;
SELECT line FROM (
	SELECT format('recommend|%s|%s', p.playlist_id, r) AS line
	  FROM listen_wiseer.playlists p, LATERAL public.recommend(p.playlist_id) r
	UNION ALL
	SELECT format('genre_map|%s|%s', g.genre, public.genre_map(g.genre))
	  FROM (SELECT DISTINCT x.genre FROM listen_wiseer.artists a, unnest(a.genres) x(genre)) g
	UNION ALL
	SELECT format('outlier|%s', o) FROM listen_wiseer.playlist_outliers o
	UNION ALL
	SELECT format('track_vector|%s|%s', v.track_id, v.v) FROM listen_wiseer.track_vectors v
	UNION ALL
	SELECT format('feature_scaling|%s|%s|%s|%s|%s', s.feature, s.n, s.mean, s.stddev, s.weight)
	  FROM listen_wiseer.feature_scaling s
) x
ORDER BY line COLLATE "C";
SET listen_wiseer.recommend_exhaustive = on;
SELECT line FROM (
	SELECT format('recommend_nearest_exhaustive|%s|%s', p.playlist_id, r) AS line
	  FROM listen_wiseer.playlists p, LATERAL public.recommend(p.playlist_id, 10, 'nearest') r
) x
ORDER BY line COLLATE "C";
