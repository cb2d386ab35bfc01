#!/bin/bash
# recommend() with a catalog: a 5,000-track library plus CATALOG (default
# 1,200,000) catalog tracks inserted in SQL (recommend_catalog_data.sql), 48
# playlists of 20 to 500 members.  Against, in the same run, brute force
# (ORDER BY v <=> profile LIMIT 20 over every vector); checks the picks equal
# the exhaustive scan's (recommend_exhaustive) on some playlists; times a
# library sync's refresh with the catalog in place.
#
#   CATALOG=n   catalog size (default 1200000)
#   KEEP=1      keep the database bench_recommend_catalog afterwards
set -euo pipefail
CATALOG=${CATALOG:-1200000}
DB=bench_recommend_catalog
HERE=$(cd "$(dirname "$0")" && pwd)

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
[ -z "${KEEP:-}" ] && trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

start=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -v library=5000 -v catalog="$CATALOG" -f "$HERE/recommend_catalog_data.sql"
echo "library 5000 + catalog $CATALOG tracks generated, loaded, vectors and candidate pool built in $((SECONDS - start)) s"
psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/recommend_catalog_timing.sql"
