#!/bin/bash
# What make demo prints once the library is loaded (PG* environment set).
set -euo pipefail
psql() { command psql -X -q -P pager=off "$@"; }

psql <<'SQL'
\echo == the library
SELECT (SELECT count(*) FROM listen_wiseer.playlists) AS playlists,
       (SELECT count(*) FROM listen_wiseer.tracks) AS tracks,
       (SELECT count(*) FROM listen_wiseer.artists) AS artists,
       (SELECT count(*) FROM listen_wiseer.audio_features) AS with_features,
       (SELECT count(*) FROM listen_wiseer.liked_tracks) AS liked;
SELECT run_id, command, status, finished_at - started_at AS took, counts->>'requests' AS requests
FROM listen_wiseer.ingest_runs ORDER BY run_id;

\echo '== where features and genres came from (provenance)'
SELECT 'audio_features' AS what, source, count(*) FROM listen_wiseer.audio_features GROUP BY 2
UNION ALL
SELECT 'artist genres', coalesce(genres_source, '(none)'), count(*) FROM listen_wiseer.artists GROUP BY 2
ORDER BY 1, 3 DESC;

\echo '== genre mix of ''chill'''
SELECT m.genre_group, round(m.share::numeric, 2) AS share
FROM listen_wiseer.playlist_genre_mix m JOIN listen_wiseer.playlists p USING (playlist_id)
WHERE p.name = 'chill' ORDER BY m.share DESC NULLS LAST;

\echo '== the tracks that do not fit ''chill'' (isolation forest, contamination 0.05)'
SELECT o.track_id, t.name AS track, round(o.score::numeric, 3) AS score, round(o.threshold::numeric, 3) AS threshold
FROM isolation_forest_outliers() o
JOIN listen_wiseer.playlists p USING (playlist_id)
JOIN listen_wiseer.tracks t USING (track_id)
WHERE p.name = 'chill' ORDER BY o.score DESC;

\echo '== SELECT * FROM recommend(''chill'');'
SELECT * FROM recommend('chill');
SQL
