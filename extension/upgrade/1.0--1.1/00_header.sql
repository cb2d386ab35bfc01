-- listen_wiseer 1.0 -> 1.1: built from extension/upgrade/1.0--1.1/NN_*.sql by the Makefile.
-- Each piece changes a 1.0 database into what extension/sql/ creates for 1.1.
\echo Use "ALTER EXTENSION listen_wiseer UPDATE TO '1.1'" to load this file. \quit
