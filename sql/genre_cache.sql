SET client_min_messages = warning;
DROP EXTENSION IF EXISTS listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
\set VERBOSITY terse

-- genre_map caches the compiled rules per backend; every change to a rule
-- table must be seen at once, in this session and in the others.

-- Same session: each statement sees the previous one's change
SELECT * FROM genre_map('krautrock');
UPDATE listen_wiseer.genre_rules SET family = 'electronic' WHERE pattern = '*rock';
SELECT * FROM genre_map('krautrock');
INSERT INTO listen_wiseer.genre_overrides VALUES ('krautrock', 'indie', NULL);
SELECT * FROM genre_map('krautrock');
TRUNCATE listen_wiseer.genre_overrides;
SELECT * FROM genre_map('krautrock');
UPDATE listen_wiseer.genre_families SET genre_group = 'dance' WHERE family = 'electronic';
SELECT * FROM genre_map('krautrock');
INSERT INTO listen_wiseer.genre_aliases (alias, canonical) VALUES ('kraut', 'techno');
SELECT * FROM genre_map('kraut');

-- Inside a transaction, and rolled back
BEGIN;
INSERT INTO listen_wiseer.genre_overrides VALUES ('jazz', 'metal', NULL);
SELECT * FROM genre_map('jazz');
ROLLBACK;
SELECT * FROM genre_map('jazz');
BEGIN;
SELECT * FROM genre_map('polka');
SAVEPOINT s;
DELETE FROM listen_wiseer.genre_rules WHERE pattern = 'polka';
SELECT * FROM genre_map('polka');
ROLLBACK TO SAVEPOINT s;
SELECT * FROM genre_map('polka');
COMMIT;

-- A PL/pgSQL loop: the same cached expression before and after a change
DO $$
DECLARE
	before text;
	after text;
BEGIN
	before := genre_family('tango');
	UPDATE listen_wiseer.genre_rules SET family = 'folk' WHERE pattern = 'tango';
	after := genre_family('tango');
	RAISE NOTICE 'tango: % then %', before, after;
	UPDATE listen_wiseer.genre_rules SET family = 'latin' WHERE pattern = 'tango';
END $$;

-- Another session: it caches the rules, we change them, it sees the change
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(),
	current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT * FROM dblink('other', $$SELECT family, genre_group FROM genre_map('bebop')$$) AS t(family text, genre_group text);
UPDATE listen_wiseer.genre_rules SET genre_group = 'acoustic' WHERE pattern = '*bop';
SELECT * FROM dblink('other', $$SELECT family, genre_group FROM genre_map('bebop')$$) AS t(family text, genre_group text);
-- ... and its uncommitted change is invisible here until it commits
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', $$INSERT INTO listen_wiseer.genre_overrides VALUES ('bebop', 'blues', NULL)$$);
SELECT * FROM genre_map('bebop');
SELECT * FROM dblink('other', $$SELECT family, genre_group FROM genre_map('bebop')$$) AS t(family text, genre_group text);
SELECT dblink_exec('other', 'COMMIT');
SELECT * FROM genre_map('bebop');
-- the other session changes a family; the votes here follow
SELECT * FROM genre_vote(ARRAY['bebop', 'blues']);
SELECT dblink_exec('other', $$UPDATE listen_wiseer.genre_families SET priority = 10 WHERE family = 'blues'$$);
SELECT dblink_exec('other', $$DELETE FROM listen_wiseer.genre_overrides$$);
SELECT * FROM genre_vote(ARRAY['bebop', 'blues']);
SELECT dblink_disconnect('other');

-- The extension dropped and created again in this session: fresh tables, fresh rules
SELECT * FROM genre_map('krautrock');
SET client_min_messages = warning;
DROP EXTENSION listen_wiseer CASCADE;
CREATE EXTENSION listen_wiseer;
RESET client_min_messages;
SELECT * FROM genre_map('krautrock');
DROP EXTENSION dblink;
