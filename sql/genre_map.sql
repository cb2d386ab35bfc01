SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
\set VERBOSITY terse

-- The curated list: real Spotify genres with the family and group a person
-- would give them (test/genres/curated.csv).  Only mismatches are printed.
CREATE TEMP TABLE curated (genre text PRIMARY KEY, family text NOT NULL, genre_group text NOT NULL);
\copy curated FROM 'test/genres/curated.csv' CSV HEADER
SELECT count(*) >= 150 AS enough_genres, count(DISTINCT family) AS families,
       count(DISTINCT genre_group) AS groups
FROM curated;
-- every family and group in the list exists in the taxonomy
SELECT DISTINCT c.family FROM curated c
WHERE NOT EXISTS (SELECT FROM listen_wiseer.genre_families f WHERE f.family = c.family);

SELECT c.genre, c.family AS expected_family, c.genre_group AS expected_group, m.family, m.genre_group
FROM curated c, genre_map(c.genre) m
WHERE (m.family, m.genre_group) IS DISTINCT FROM (c.family, c.genre_group)
ORDER BY c.genre;
SELECT count(*) AS checked,
       count(*) FILTER (WHERE (m.family, m.genre_group) = (c.family, c.genre_group)) AS matched
FROM curated c, genre_map(c.genre) m;

-- the scalar forms agree with genre_map
SELECT count(*) AS scalar_mismatches FROM curated c
WHERE genre_family(c.genre) IS DISTINCT FROM c.family
   OR genre_group(c.genre) IS DISTINCT FROM c.genre_group;

-- the rules generalise: most genres are decided by a word or compound
-- that is not the whole genre name
SELECT count(*) FILTER (WHERE e.family_rule <> e.normalized) > count(*) / 2 AS mostly_by_parts
FROM curated c, genre_map_explain(c.genre) e;

-- hybrids and compounds, with the rule that decided the family
SELECT g AS genre, e.family, e.genre_group, e.family_rule, e.group_rule
FROM unnest(ARRAY['soul jazz', 'jazz rap', 'folk punk', 'ambient folk', 'ambient idm', 'ambient',
                  'trip hop', 'drum and bass', 'electro swing', 'lo-fi beats', 'bossa nova',
                  'new wave', 'post-rock', 'k-pop', 'french hip hop', 'turkish rock', 'dance pop',
                  'instrumental hip hop', 'indie rock', 'indie folk', 'deathcore', 'nightcore'])
     WITH ORDINALITY AS t(g, n), genre_map_explain(g) e
ORDER BY n;

-- case, whitespace, punctuation, accents and spellings do not matter
CREATE TEMP TABLE variants (canonical text, variant text);
INSERT INTO variants VALUES
	('hip hop', 'Hip-Hop'), ('hip hop', 'HIP HOP'), ('hip hop', '  hip   hop  '), ('hip hop', 'hip_hop'),
	('hip hop', 'hiphop'), ('hip hop', 'hip/hop'),
	('r&b', 'R&B'), ('r&b', 'r & b'), ('r&b', 'rnb'), ('r&b', 'R''n''B'), ('r&b', 'r n b'),
	('lo-fi beats', 'lofi beats'), ('lo-fi beats', 'Lo-Fi Beats'), ('lo-fi beats', 'lo fi beats'),
	('rap francais', 'rap français'), ('rap francais', 'RAP FRANÇAIS'), ('rap francais', 'Rap Français!'),
	('drum and bass', 'drum & bass'), ('drum and bass', 'drum ''n'' bass'), ('drum and bass', 'drum n bass'),
	('drum and bass', 'dnb'), ('drum and bass', 'Drum’n’Bass'),
	('k-pop', 'kpop'), ('k-pop', 'K–Pop'), ('k-pop', 'k pop'),
	('post-rock', 'postrock'), ('post-rock', 'post rock'), ('post-rock', 'Post—Rock'),
	('forro', 'forró'), ('musica popular brasileira', 'Música Popular Brasileira'),
	('rock-and-roll', 'rock ’n’ roll'), ('rock-and-roll', 'Rock & Roll'),
	('sertanejo universitario', 'sertanejo universitário'), ('electropop', 'electro-pop'),
	('synthpop', 'synth-pop'), ('neue deutsche welle', 'Neue Deutsche Welle'),
	('u.k. garage', 'uk garage'), ('pov: indie', 'pov indie');
SELECT v.variant, genre_normalize(v.variant) AS normalized, m.family, m.genre_group
FROM variants v, genre_map(v.variant) m
ORDER BY v.canonical, v.variant;
-- each variant normalises and maps exactly like its canonical spelling
SELECT v.canonical, v.variant FROM variants v
WHERE genre_normalize(v.variant) IS DISTINCT FROM genre_normalize(v.canonical)
   OR (SELECT m FROM genre_map(v.variant) m) IS DISTINCT FROM (SELECT m FROM genre_map(v.canonical) m);

-- unknown genres give NULLs, never an error
SELECT quote_literal(g) AS genre, m.family IS NULL AS no_family, m.genre_group IS NULL AS no_group
FROM unnest(ARRAY['seen live', 'female vocalists', '80s', 'xyzzy', '', '   ', '---', '&', 'ヒップホップ',
                  'русский рок']) WITH ORDINALITY AS t(g, n),
     genre_map(g) m
ORDER BY n;
SELECT * FROM genre_map(NULL);
SELECT genre_family(NULL) IS NULL AS null_family, genre_normalize('  Ünïcödé -- Ça  ') AS folded;
-- very long input: the first words still count
SELECT m.family, length(genre_normalize(repeat('post-rock ', 5000))) > 0 AS ok
FROM genre_map(repeat('post-rock ', 5000)) m;

-- the taxonomy: families and their default groups
SELECT family, genre_group, priority FROM listen_wiseer.genre_families ORDER BY family;

-- a group without a family; user patterns with prefix and infix wildcards
SELECT * FROM genre_map('solo piano');
BEGIN;
INSERT INTO listen_wiseer.genre_rules (pattern, family, priority) VALUES ('polk*', 'folk', 50), ('*gaz*', 'country', 60);
SELECT g AS genre, e.family, e.family_rule
FROM unnest(ARRAY['polkadot', 'apolka', 'gazebo', 'shoegazer', 'blackgaze']) WITH ORDINALITY AS t(g, n),
     genre_map_explain(g) e
ORDER BY n;
ROLLBACK;
