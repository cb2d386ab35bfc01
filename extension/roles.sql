-- The two roles (docs/reference.md, "Roles"), for the database this runs in:
--   lw_reader  read-only: the library tables and views, recommend(), genre_map(), the
--              isolation forest.  NOLOGIN: the logins of people and BI tools are its members,
--              made by  SELECT listen_wiseer.create_reader_login('metabase', 'PASSWORD');
--              which also sets default_transaction_read_only on the login itself (a role's
--              settings are not inherited by its members, so setting it on lw_reader would
--              protect nothing).
--   lw_ingest  LOGIN: what lw-ingest connects as (lw-ingest sync --dbname 'dbname=... user=lw_ingest').
--              Writes the library tables it loads; no DDL, no genre rules, no derived tables.
--              A member of lw_reader, so that publish (which runs recommend()) works from cron.
-- Run as a superuser after CREATE EXTENSION listen_wiseer:
--   psql -d DBNAME -f extension/roles.sql        (or: make roles PGDATABASE=DBNAME)
-- Safe to run again (and in every database that has the extension: roles are cluster-wide,
-- grants are per database). Give lw_ingest a password if it logs in over TCP:
--   ALTER ROLE lw_ingest PASSWORD '...';
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;

SELECT 'CREATE ROLE lw_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'lw_reader') \gexec
SELECT 'CREATE ROLE lw_ingest LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'lw_ingest') \gexec

\o /dev/null
SELECT listen_wiseer.grant_reader('lw_reader');
SELECT listen_wiseer.grant_ingest('lw_ingest');
\o
GRANT lw_reader TO lw_ingest;
-- Undo what earlier versions of this script set: on lw_reader it reached no member login.
ALTER ROLE lw_reader RESET default_transaction_read_only;

\echo lw_reader and lw_ingest are ready in this database (docs/reference.md, "Roles").
