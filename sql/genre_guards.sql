-- The guard protocol of the three default-row tables (genre_families,
-- genre_aliases, genre_rules), one trigger function for all three: a change
-- clears is_default, an INSERT of a shipped key replaces the shipped row, a
-- shipped key cannot change, deleting a shipped row disables it (families:
-- refused).  Messages, hints and error codes are checked verbatim.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
SET search_path = public, pg_temp;
\set VERBOSITY default
\set SHOW_CONTEXT never

BEGIN;
-- a no-op update keeps a row default; a real change clears is_default
UPDATE listen_wiseer.genre_rules SET priority = priority WHERE pattern = 'disco';
UPDATE listen_wiseer.genre_aliases SET enabled = enabled WHERE alias = 'kpop';
UPDATE listen_wiseer.genre_families SET priority = priority WHERE family = 'jazz';
SELECT 'rule' AS t, builtin, is_default FROM listen_wiseer.genre_rules WHERE pattern = 'disco'
UNION ALL SELECT 'alias', builtin, is_default FROM listen_wiseer.genre_aliases WHERE alias = 'kpop'
UNION ALL SELECT 'family', builtin, is_default FROM listen_wiseer.genre_families WHERE family = 'jazz';
UPDATE listen_wiseer.genre_rules SET note = 'mine' WHERE pattern = 'disco';
UPDATE listen_wiseer.genre_aliases SET canonical = 'korean pop' WHERE alias = 'kpop';
UPDATE listen_wiseer.genre_families SET description = 'mine' WHERE family = 'jazz';
-- builtin cannot be switched off by an update either
UPDATE listen_wiseer.genre_rules SET builtin = false WHERE pattern = 'disco';
SELECT 'rule' AS t, builtin, is_default FROM listen_wiseer.genre_rules WHERE pattern = 'disco'
UNION ALL SELECT 'alias', builtin, is_default FROM listen_wiseer.genre_aliases WHERE alias = 'kpop'
UNION ALL SELECT 'family', builtin, is_default FROM listen_wiseer.genre_families WHERE family = 'jazz';
ROLLBACK;

BEGIN;
-- an INSERT (as a restore does) of a shipped key replaces the shipped row
INSERT INTO listen_wiseer.genre_rules (pattern, family, genre_group, priority, enabled, note)
	VALUES ('disco', 'electronic', 'dance', 77, false, 'restored');
INSERT INTO listen_wiseer.genre_aliases (alias, canonical, enabled) VALUES ('kpop', 'korean pop', false);
INSERT INTO listen_wiseer.genre_families (family, genre_group, priority, description)
	VALUES ('jazz', 'acoustic', 3, 'restored');
SELECT pattern, family, genre_group, priority, enabled, note, builtin, is_default
FROM listen_wiseer.genre_rules WHERE pattern = 'disco';
SELECT alias, canonical, enabled, builtin, is_default FROM listen_wiseer.genre_aliases WHERE alias = 'kpop';
SELECT family, genre_group, priority, description, builtin, is_default
FROM listen_wiseer.genre_families WHERE family = 'jazz';
-- a new key is simply inserted, and can be renamed and deleted like any row
INSERT INTO listen_wiseer.genre_aliases (alias, canonical) VALUES ('hyperpopp', 'hyperpop');
UPDATE listen_wiseer.genre_aliases SET alias = 'hyperpoppp' WHERE alias = 'hyperpopp';
SELECT alias, canonical, builtin, is_default FROM listen_wiseer.genre_aliases WHERE alias LIKE 'hyperpop%';
DELETE FROM listen_wiseer.genre_aliases WHERE alias = 'hyperpoppp';
SELECT count(*) FROM listen_wiseer.genre_aliases WHERE alias LIKE 'hyperpop%';
ROLLBACK;

-- a shipped key cannot change (feature_not_supported: 0A000)
UPDATE listen_wiseer.genre_rules SET pattern = 'discos' WHERE pattern = 'disco';
\echo :LAST_ERROR_SQLSTATE
UPDATE listen_wiseer.genre_aliases SET alias = 'kpopp' WHERE alias = 'kpop';
\echo :LAST_ERROR_SQLSTATE
UPDATE listen_wiseer.genre_families SET family = 'jazzz' WHERE family = 'jazz';
\echo :LAST_ERROR_SQLSTATE

-- deleting a shipped rule or alias disables it; a shipped family is refused
BEGIN;
DELETE FROM listen_wiseer.genre_rules WHERE pattern = 'disco';
DELETE FROM listen_wiseer.genre_aliases WHERE alias = 'kpop';
SELECT 'rule' AS t, enabled, builtin, is_default FROM listen_wiseer.genre_rules WHERE pattern = 'disco'
UNION ALL SELECT 'alias', enabled, builtin, is_default FROM listen_wiseer.genre_aliases WHERE alias = 'kpop';
ROLLBACK;
DELETE FROM listen_wiseer.genre_families WHERE family = 'jazz';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS jazz_rows FROM listen_wiseer.genre_families WHERE family = 'jazz';
