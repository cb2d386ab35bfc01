SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- What the rules say before any override
SELECT g AS genre, m.family, m.genre_group
FROM unnest(ARRAY['bossa nova', 'soul jazz', 'ambient folk', 'escape room', 'lo-fi beats', 'k-pop'])
     WITH ORDINALITY AS t(g, n), genre_map(g) m
ORDER BY n;

-- A user's hand-made map, loaded from CSV (genre,family,genre_group; empty = NULL)
\copy listen_wiseer.genre_overrides (genre, family, genre_group) FROM 'test/genres/overrides_example.csv' CSV HEADER
SELECT genre, family, genre_group FROM listen_wiseer.genre_overrides ORDER BY genre;

-- Overrides win over the rules, matched after normalisation (case, hyphens):
-- both given: as given; family only: that family's group; group only: the
-- rules' family with that group; neither: unknown.
SELECT g AS genre, e.family, e.genre_group, e.source
FROM unnest(ARRAY['bossa nova', 'Bossa-Nova', 'soul jazz', 'ambient folk', 'escape room', 'lofi beats',
                  'K-Pop', 'kpop', 'k-pop girl group'])
     WITH ORDINALITY AS t(g, n), genre_map_explain(g) e
ORDER BY n;

-- Bad overrides are refused
INSERT INTO listen_wiseer.genre_overrides VALUES ('yacht rock', 'yacht', 'acoustic');
INSERT INTO listen_wiseer.genre_overrides VALUES ('yacht rock', 'rock', 'chill');
INSERT INTO listen_wiseer.genre_overrides VALUES ('', 'rock', 'acoustic');

-- Round trip: export to CSV, empty the table, import the file again
CREATE TEMP TABLE before_export AS
	SELECT o.genre, o.family, o.genre_group, m.family AS mapped_family, m.genre_group AS mapped_group
	FROM listen_wiseer.genre_overrides o, genre_map(o.genre) m;
\copy (SELECT genre, family, genre_group FROM listen_wiseer.genre_overrides ORDER BY genre) TO 'results/genre_overrides_export.csv' CSV HEADER
DELETE FROM listen_wiseer.genre_overrides;
SELECT (SELECT count(*) FROM listen_wiseer.genre_overrides) AS overrides_left,
       (genre_map('bossa nova')).genre_group AS bossa_nova_group;
\copy listen_wiseer.genre_overrides (genre, family, genre_group) FROM 'results/genre_overrides_export.csv' CSV HEADER
SELECT count(*) AS differences FROM (
	(SELECT o.genre, o.family, o.genre_group, m.family, m.genre_group
	 FROM listen_wiseer.genre_overrides o, genre_map(o.genre) m
	 EXCEPT SELECT * FROM before_export)
	UNION ALL
	(SELECT * FROM before_export
	 EXCEPT SELECT o.genre, o.family, o.genre_group, m.family, m.genre_group
	 FROM listen_wiseer.genre_overrides o, genre_map(o.genre) m)) d;
SELECT count(*) AS rows_back FROM listen_wiseer.genre_overrides;

-- ---------------------------------------------------------------------------
-- User changes to the default rules survive pg_dump / restore.
-- pg_dump writes the rows WHERE NOT is_default of each rule table (the
-- filter registered with pg_extension_config_dump); a restore runs CREATE
-- EXTENSION (defaults back) and then COPYs those rows in.  We do exactly that.
-- ---------------------------------------------------------------------------
SELECT t.tbl, c.condition
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS c(oid, condition),
     LATERAL (SELECT c.oid::regclass::text AS tbl) t
WHERE e.extname = 'listen_wiseer' AND t.tbl LIKE 'listen_wiseer.genre%'
ORDER BY 1;
SELECT (SELECT count(*) FROM listen_wiseer.genre_rules WHERE NOT is_default) AS changed_rules,
       (SELECT count(*) FROM listen_wiseer.genre_families WHERE NOT is_default) AS changed_families,
       (SELECT count(*) FROM listen_wiseer.genre_aliases WHERE NOT is_default) AS changed_aliases;

-- the user's changes: a changed default rule, a deleted default rule, a new
-- rule, a changed family, a new family, a new alias, a disabled alias
UPDATE listen_wiseer.genre_rules SET family = 'r&b', genre_group = 'dance' WHERE pattern = 'disco';
DELETE FROM listen_wiseer.genre_rules WHERE pattern = '*core';
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority) VALUES ('christian', 'acoustic', 55);
INSERT INTO listen_wiseer.genre_rules (pattern, family, genre_group, priority) VALUES ('jesus', 'christian', NULL, 60);
UPDATE listen_wiseer.genre_families SET genre_group = 'dance' WHERE family = 'pop';
INSERT INTO listen_wiseer.genre_aliases (alias, canonical) VALUES ('dubstepp', 'dubstep');
DELETE FROM listen_wiseer.genre_aliases WHERE alias = 'kpop';
-- the deleted default rule is kept, disabled, so that its deletion is dumped
SELECT pattern, enabled, builtin, is_default FROM listen_wiseer.genre_rules
WHERE pattern IN ('*core', 'disco', 'jesus') ORDER BY pattern;
-- a default row's pattern cannot be renamed (a restore would bring the old one back)
UPDATE listen_wiseer.genre_rules SET pattern = 'discos' WHERE pattern = 'disco';
DELETE FROM listen_wiseer.genre_families WHERE family = 'jazz';

CREATE TEMP TABLE probe (genre text);
INSERT INTO probe VALUES ('disco'), ('italo disco'), ('deathcore'), ('metalcore'), ('jesus rock'),
	('pop'), ('dubstepp'), ('kpop'), ('bossa nova'), ('soul jazz');
CREATE TEMP TABLE mapped_before AS SELECT p.genre, m.family, m.genre_group FROM probe p, genre_map(p.genre) m;
SELECT * FROM mapped_before ORDER BY genre;
CREATE TEMP TABLE rules_before AS SELECT pattern, family, genre_group, priority, enabled FROM listen_wiseer.genre_rules;
CREATE TEMP TABLE families_before AS SELECT family, genre_group, priority, description FROM listen_wiseer.genre_families;
CREATE TEMP TABLE aliases_before AS SELECT alias, canonical, enabled FROM listen_wiseer.genre_aliases;

-- "pg_dump": the rows the config filter selects, in the dump's FK order
\copy (SELECT * FROM listen_wiseer.genre_families WHERE NOT is_default) TO 'results/genre_dump_families.csv' CSV
\copy (SELECT * FROM listen_wiseer.genre_aliases WHERE NOT is_default) TO 'results/genre_dump_aliases.csv' CSV
\copy (SELECT * FROM listen_wiseer.genre_rules WHERE NOT is_default) TO 'results/genre_dump_rules.csv' CSV
\copy (SELECT * FROM listen_wiseer.genre_overrides) TO 'results/genre_dump_overrides.csv' CSV
-- "restore": a fresh extension, then the dumped rows
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
SELECT (SELECT count(*) FROM listen_wiseer.genre_rules WHERE NOT is_default) AS changed_rules,
       (SELECT count(*) FROM listen_wiseer.genre_overrides) AS overrides;
\copy listen_wiseer.genre_families FROM 'results/genre_dump_families.csv' CSV
\copy listen_wiseer.genre_aliases FROM 'results/genre_dump_aliases.csv' CSV
\copy listen_wiseer.genre_rules FROM 'results/genre_dump_rules.csv' CSV
\copy listen_wiseer.genre_overrides FROM 'results/genre_dump_overrides.csv' CSV

-- everything is as it was: tables and answers
SELECT count(*) AS rule_differences FROM (
	(SELECT pattern, family, genre_group, priority, enabled FROM listen_wiseer.genre_rules EXCEPT SELECT * FROM rules_before)
	UNION ALL
	(SELECT * FROM rules_before EXCEPT SELECT pattern, family, genre_group, priority, enabled FROM listen_wiseer.genre_rules)) d;
SELECT count(*) AS family_differences FROM (
	(SELECT family, genre_group, priority, description FROM listen_wiseer.genre_families EXCEPT SELECT * FROM families_before)
	UNION ALL
	(SELECT * FROM families_before EXCEPT SELECT family, genre_group, priority, description FROM listen_wiseer.genre_families)) d;
SELECT count(*) AS alias_differences FROM (
	(SELECT alias, canonical, enabled FROM listen_wiseer.genre_aliases EXCEPT SELECT * FROM aliases_before)
	UNION ALL
	(SELECT * FROM aliases_before EXCEPT SELECT alias, canonical, enabled FROM listen_wiseer.genre_aliases)) d;
SELECT p.genre, m.family, m.genre_group FROM probe p, genre_map(p.genre) m
EXCEPT SELECT * FROM mapped_before;
SELECT count(*) AS probes_unchanged FROM probe p, genre_map(p.genre) m
WHERE EXISTS (SELECT FROM mapped_before b
              WHERE (b.genre, b.family, b.genre_group) IS NOT DISTINCT FROM (p.genre, m.family, m.genre_group));
-- the changed rows are still marked as changed, so the next dump keeps them too
SELECT (SELECT count(*) FROM listen_wiseer.genre_rules WHERE NOT is_default) AS changed_rules,
       (SELECT count(*) FROM listen_wiseer.genre_families WHERE NOT is_default) AS changed_families,
       (SELECT count(*) FROM listen_wiseer.genre_aliases WHERE NOT is_default) AS changed_aliases;

-- Inserting a rule with a shipped pattern replaces the shipped rule
INSERT INTO listen_wiseer.genre_rules (pattern, family, priority) VALUES ('ska', 'punk', 50);
SELECT pattern, family, genre_group, builtin, is_default FROM listen_wiseer.genre_rules WHERE pattern = 'ska';
SELECT * FROM genre_map('ska');
