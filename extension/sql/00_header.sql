-- listen_wiseer: the current version's install script, built from extension/sql/NN_*.sql by the Makefile; do not edit the built file.
\echo Use "CREATE EXTENSION listen_wiseer" to load this file. \quit

-- The library tables live here; functions, types and operators in @extschema@.
CREATE SCHEMA listen_wiseer;
COMMENT ON SCHEMA listen_wiseer IS 'Listen-Wiseer library tables (filled by lw-ingest)';
GRANT USAGE ON SCHEMA listen_wiseer TO PUBLIC;
