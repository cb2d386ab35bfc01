SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;

-- lw-ingest publish: the rules table and the log (extension/sql/75_publish.sql).
-- Defaults of a rule made from SQL
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name)
VALUES ('chill', 'chill', 'chill · more like this');
SELECT rule, n, method, genre_filter, exclude_outliers, max_per_artist, enabled,
       target_playlist_id, published_uris, created_at IS NOT NULL AS has_created_at
  FROM listen_wiseer.publish_rules;

-- What the checks refuse (terse: the failing rows carry timestamps)
\set VERBOSITY terse
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name) VALUES ('', 'x', 'y');
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name) VALUES ('a', '', 'y');
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name) VALUES ('a', 'x', repeat('é', 101));
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name) VALUES ('a', 'x', repeat('é', 100)) RETURNING rule;
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name, n) VALUES ('b', 'x', 'y', 0);
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name, n) VALUES ('b', 'x', 'y', 10001);
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name, max_per_artist) VALUES ('b', 'x', 'y', 0);
UPDATE listen_wiseer.publish_rules SET target_playlist_id = 'spotify:playlist:x' WHERE rule = 'chill';
UPDATE listen_wiseer.publish_rules SET target_playlist_id = '3kQmDemoPl4yl1st0000Ab' WHERE rule = 'chill' RETURNING target_playlist_id;
INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name) VALUES ('chill', 'jazz', 'y');

-- The log: outcomes, counts, times
INSERT INTO listen_wiseer.publish_runs (rule) VALUES ('chill') RETURNING publish_id, outcome, created_target;
INSERT INTO listen_wiseer.publish_runs (rule, outcome) VALUES ('chill', 'dry_run');
INSERT INTO listen_wiseer.publish_runs (rule, track_count) VALUES ('chill', -1);
INSERT INTO listen_wiseer.publish_runs (rule, skipped_count) VALUES ('chill', -1);
INSERT INTO listen_wiseer.publish_runs (rule, started_at, finished_at) VALUES ('chill', '2026-01-02', '2026-01-01');
-- no foreign key: the log outlives its rule
DELETE FROM listen_wiseer.publish_rules WHERE rule = 'chill';
SELECT rule, outcome FROM listen_wiseer.publish_runs;

-- Both tables and the log's sequence are kept by pg_dump
SELECT c::regclass
  FROM pg_extension e, unnest(e.extconfig) AS c
 WHERE e.extname = 'listen_wiseer' AND c::regclass::text LIKE 'listen_wiseer.publish%'
 ORDER BY c::regclass::text COLLATE "C";
