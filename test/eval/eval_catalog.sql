-- Recall with and without a catalog in the candidate pool (run by
-- test/eval/run.sh after eval.sql, on the same database: hidden members are
-- hidden already).
--
-- The catalog: the hidden members that are in no other current playlist
-- leave the library and are found only in a catalog (in_library = false,
-- catalog 'eval-catalog.csv': a track the user never had but the catalog
-- holds), among 20,000 distractors, each a library track's sound with
-- deterministic noise (md5), credited to an existing artist.  Then every
-- playlist gets 20 picks from each source; recall@20 counts hidden members
-- among them, whichever source they came from.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off

CREATE TABLE eval.to_catalog AS
SELECT DISTINCT h.track_id FROM eval.hidden h
 WHERE NOT EXISTS (SELECT FROM listen_wiseer.playlist_tracks pt WHERE pt.track_id = h.track_id AND pt.removed_at IS NULL);
UPDATE listen_wiseer.tracks t SET in_library = false, catalog = 'eval-catalog.csv'
  FROM eval.to_catalog c WHERE c.track_id = t.track_id;
DELETE FROM listen_wiseer.liked_tracks l USING eval.to_catalog c WHERE c.track_id = l.track_id;

-- deterministic noise in [-0.5, 0.5) from md5
CREATE FUNCTION eval.noise(k text) RETURNS float8 LANGUAGE sql IMMUTABLE
	AS $$ SELECT ('x' || substr(md5(k), 1, 8))::bit(32)::bigint / 4294967296.0 - 0.5 $$;
CREATE TABLE eval.numbered_features AS
SELECT row_number() OVER (ORDER BY f.track_id) AS k, f.track_id FROM listen_wiseer.audio_features f;
CREATE TABLE eval.numbered_artists AS
SELECT row_number() OVER (ORDER BY a.artist_id) AS k, a.artist_id FROM listen_wiseer.artists a;
CREATE TABLE eval.distractors AS
SELECT 'evcat' || i AS track_id, b.track_id AS base, a.artist_id
  FROM generate_series(1, 20000) i
  JOIN eval.numbered_features b
    ON b.k = 1 + (('x' || substr(md5('base:' || i), 1, 8))::bit(32)::bigint % (SELECT count(*) FROM eval.numbered_features))
  JOIN eval.numbered_artists a
    ON a.k = 1 + (('x' || substr(md5('artist:' || i), 1, 8))::bit(32)::bigint % (SELECT count(*) FROM eval.numbered_artists));
INSERT INTO listen_wiseer.tracks (track_id, name, in_library, catalog)
SELECT d.track_id, 'Catalog ' || d.track_id, false, 'eval-catalog.csv' FROM eval.distractors d;
INSERT INTO listen_wiseer.track_artists (track_id, position, artist_id)
SELECT d.track_id, 0, d.artist_id FROM eval.distractors d;
INSERT INTO listen_wiseer.audio_features (track_id, danceability, energy, key, loudness, mode,
	speechiness, acousticness, instrumentalness, liveness, valence, tempo, source, source_detail)
SELECT d.track_id,
       least(1, greatest(0, f.danceability + 0.2 * eval.noise('d' || d.track_id))),
       least(1, greatest(0, f.energy + 0.2 * eval.noise('e' || d.track_id))),
       f.key, least(10, greatest(-60, f.loudness + 4 * eval.noise('l' || d.track_id))), f.mode,
       least(1, greatest(0, f.speechiness + 0.1 * eval.noise('s' || d.track_id))),
       least(1, greatest(0, f.acousticness + 0.2 * eval.noise('a' || d.track_id))),
       least(1, greatest(0, f.instrumentalness + 0.2 * eval.noise('i' || d.track_id))),
       least(1, greatest(0, f.liveness + 0.1 * eval.noise('v' || d.track_id))),
       least(1, greatest(0, f.valence + 0.2 * eval.noise('n' || d.track_id))),
       least(300, greatest(0, f.tempo + 20 * eval.noise('t' || d.track_id))),
       'catalog', 'eval-catalog.csv'
  FROM eval.distractors d JOIN listen_wiseer.audio_features f ON f.track_id = d.base;
SELECT listen_wiseer.refresh_vectors() \g /dev/null
ANALYZE;

DELETE FROM eval.recs; DELETE FROM eval.timing;
DO $$ BEGIN
	PERFORM eval.run('source => library (no catalog)', 'recommend(%L, 20, source => ''library'')');
	PERFORM eval.run('source => all (library and catalog)', 'recommend(%L, 20, source => ''all'')');
	PERFORM eval.run('source => catalog', 'recommend(%L, 20, source => ''catalog'')');
END $$;

\echo
\echo 'With a catalog: hidden members moved to the catalog, and 20,000 catalog distractors'
SELECT (SELECT count(*) FROM eval.hidden) AS hidden_members,
       (SELECT count(*) FROM eval.hidden h JOIN eval.to_catalog c USING (track_id)) AS hidden_in_catalog_only,
       (SELECT count(*) FROM listen_wiseer.tracks WHERE NOT in_library) AS catalog_tracks;
SELECT s.method AS "candidate pool",
       round(avg(s.recall)::numeric, 4) AS "recall@20",
       round(avg(s.ndcg)::numeric, 4) AS "NDCG@20",
       round((SELECT avg((NOT t.in_library)::int) FROM eval.recs r JOIN listen_wiseer.tracks t USING (track_id)
               WHERE r.method = s.method)::numeric, 3) AS "share of picks from the catalog",
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms)::numeric, 1)
          FROM eval.timing t WHERE t.method = s.method) AS "ms p50"
  FROM eval.per_playlist s GROUP BY s.method ORDER BY 2 DESC;
