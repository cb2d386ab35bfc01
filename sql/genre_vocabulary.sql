SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- Coverage: every one of Spotify's 6,291 genre names
-- (test/genres/spotify-genre-names.txt); at least 99% must get a family.
-- The unmatched are printed, so a rule change that loses or wins a genre
-- shows here by name.
CREATE TEMP TABLE spotify_genres (genre text PRIMARY KEY);
\copy spotify_genres FROM 'test/genres/spotify-genre-names.txt'
CREATE TEMP TABLE spotify_mapped AS
	SELECT s.genre, m.family, m.genre_group FROM spotify_genres s, genre_map(s.genre) m;
SELECT count(*) AS genres, count(family) AS with_family, count(genre_group) AS with_group,
       count(family) >= 0.99 * count(*) AS family_coverage_at_least_99pct
FROM spotify_mapped;
SELECT genre AS unmatched FROM spotify_mapped WHERE family IS NULL ORDER BY genre;
-- every family the rules give exists, and each has Spotify genres
SELECT f.family, f.genre_group, count(m.genre) > 0 AS has_spotify_genres
FROM listen_wiseer.genre_families f LEFT JOIN spotify_mapped m ON m.family = f.family
GROUP BY f.family, f.genre_group ORDER BY f.family;

-- The spot-check list: MusicBrainz genre names, Last.fm tags and Spotify
-- genres with the family and group a reviewer would give them
-- (test/genres/vocabulary.csv; empty = no family / no group, as for tags
-- that name no genre).  Only mismatches are printed.
CREATE TEMP TABLE vocabulary (genre text, source text, family text, genre_group text,
	PRIMARY KEY (genre, source));
\copy vocabulary FROM 'test/genres/vocabulary.csv' CSV HEADER
SELECT source, count(*) AS checked FROM vocabulary GROUP BY source ORDER BY source;
SELECT v.source, v.genre, v.family AS expected_family, v.genre_group AS expected_group,
       m.family, m.genre_group
FROM vocabulary v, genre_map(v.genre) m
WHERE (m.family, m.genre_group) IS DISTINCT FROM (v.family, v.genre_group)
ORDER BY v.source, v.genre;
-- the Last.fm tags that name no genre stay unmapped
SELECT v.genre, m.family, m.genre_group
FROM vocabulary v, genre_map(v.genre) m
WHERE v.source = 'lastfm' AND v.family IS NULL AND v.genre_group IS NULL ORDER BY v.genre;

-- The groups keep their meaning for the words that define them.
SELECT g AS genre, m.family, m.genre_group
FROM unnest(ARRAY['rock', 'indie', 'folk', 'soul', 'blues', 'pop', 'hip hop',
                  'electronica', 'idm', 'ambient', 'synthpop', 'electropop',
                  'house', 'techno', 'edm', 'disco', 'reggaeton', 'kizomba',
                  'classical', 'jazz', 'post-rock', 'lo-fi beats']) WITH ORDINALITY AS t(g, n),
     genre_map(g) m
ORDER BY n;

-- The rules generalise: a word decides for names it was not written for.
SELECT g AS genre, e.family, e.genre_group, e.family_rule
FROM unnest(ARRAY['peruvian traditional', 'estonian children''s music', 'welsh comedy',
                  'harsh noise', 'tibetan chant', 'finnish accordion', 'gabonese folklore',
                  'swiss melodeath', 'kansas plugg']) WITH ORDINALITY AS t(g, n),
     genre_map_explain(g) e
ORDER BY n;

-- Defaults stay overridable: an override and a changed default rule win,
-- and deleting a new default rule disables it.
BEGIN;
INSERT INTO listen_wiseer.genre_overrides (genre, family, genre_group) VALUES ('comedy', 'pop', NULL);
UPDATE listen_wiseer.genre_rules SET family = 'folk' WHERE pattern = 'bhajan';
DELETE FROM listen_wiseer.genre_rules WHERE pattern = 'asmr';
UPDATE listen_wiseer.genre_families SET genre_group = 'electronic' WHERE family = 'hip hop';
SELECT g AS genre, m.family, m.genre_group
FROM unnest(ARRAY['comedy', 'bhajan', 'asmr', 'trap']) WITH ORDINALITY AS t(g, n), genre_map(g) m
ORDER BY n;
SELECT pattern, family, enabled, builtin, is_default FROM listen_wiseer.genre_rules
WHERE pattern IN ('bhajan', 'asmr') ORDER BY pattern;
ROLLBACK;

-- An upgraded 1.0 database gets the same rule tables as a fresh 1.1, and
-- keeps what its user changed.
CREATE TEMP TABLE fresh AS
	SELECT 'family' AS kind, family AS key, row(genre_group, priority, description, builtin, is_default)::text AS val
	  FROM listen_wiseer.genre_families
	UNION ALL SELECT 'alias', alias, row(canonical, enabled, builtin, is_default)::text FROM listen_wiseer.genre_aliases
	UNION ALL SELECT 'rule', pattern, row(family, genre_group, priority, enabled, note, builtin, is_default)::text
	  FROM listen_wiseer.genre_rules;
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer VERSION '1.0';
RESET client_min_messages;
ALTER EXTENSION listen_wiseer UPDATE TO '1.1';
CREATE TEMP TABLE upgraded AS
	SELECT 'family' AS kind, family AS key, row(genre_group, priority, description, builtin, is_default)::text AS val
	  FROM listen_wiseer.genre_families
	UNION ALL SELECT 'alias', alias, row(canonical, enabled, builtin, is_default)::text FROM listen_wiseer.genre_aliases
	UNION ALL SELECT 'rule', pattern, row(family, genre_group, priority, enabled, note, builtin, is_default)::text
	  FROM listen_wiseer.genre_rules;
SELECT count(*) AS rows_compared,
       (SELECT count(*) FROM ((TABLE fresh EXCEPT TABLE upgraded) UNION ALL
                              (TABLE upgraded EXCEPT TABLE fresh)) d) AS differences
FROM fresh;
-- a 1.0 database whose user changed what 1.1 changes, and holds a key 1.1 adds
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer VERSION '1.0';
RESET client_min_messages;
UPDATE listen_wiseer.genre_families SET priority = 25 WHERE family = 'pop';
UPDATE listen_wiseer.genre_rules SET family = 'jazz' WHERE pattern = 'piano';
INSERT INTO listen_wiseer.genre_rules (pattern, family, priority) VALUES ('comedy', 'rock', 50);
ALTER EXTENSION listen_wiseer UPDATE TO '1.1';
SELECT family, genre_group, priority, is_default FROM listen_wiseer.genre_families
WHERE family IN ('pop', 'hip hop', 'children') ORDER BY family;
SELECT pattern, family, genre_group, priority, builtin, is_default FROM listen_wiseer.genre_rules
WHERE pattern IN ('piano', 'violin', 'comedy') ORDER BY pattern;
-- what differs from a fresh 1.1 is exactly what the user changed
SELECT kind, key FROM (
	SELECT 'family' AS kind, family AS key, row(genre_group, priority, description, builtin, is_default)::text AS val
	  FROM listen_wiseer.genre_families
	UNION ALL SELECT 'alias', alias, row(canonical, enabled, builtin, is_default)::text FROM listen_wiseer.genre_aliases
	UNION ALL SELECT 'rule', pattern, row(family, genre_group, priority, enabled, note, builtin, is_default)::text
	  FROM listen_wiseer.genre_rules
	EXCEPT TABLE fresh) d
ORDER BY kind, key;
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
