#!/bin/bash
# What a first enrichment costs: requests per service and time, for a generated library of
# TRACKS tracks, against the mocks with the real services' limits (MusicBrainz 1 request/s,
# enforced by the mock) and lw-ingest's default rates (ReccoBeats 2/s, MusicBrainz 1/s,
# Last.fm 4/s). (That a second run costs nothing is tested by test/e2e/test_enrich_basic.py.)
#
#   test/bench/enrich_cost.sh [TRACKS]     (default 1200; PG* environment names a cluster with
#                                           the extension installed; a database is created)
# Not part of make bench (it takes minutes: it waits like a real first run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TRACKS=${1:-1200}
DB=lw_enrich_cost_$$
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
psql -X -q -d postgres -c "CREATE DATABASE $DB"
PGDATABASE=$DB psql -X -q -c "CREATE EXTENSION listen_wiseer"
PGDATABASE=$DB psql -X -q -f "$ROOT/extension/roles.sql" >/dev/null
export PGDATABASE=$DB DEMO_TRACKS=$TRACKS DEMO_REAL_RATES=1 LW_DEMO_MODE=2026 LW_ENRICH_TIME=0
"$ROOT/tools/demo-ingest.sh" "$RUN" 2>&1 | grep -E "sync ok|enrich (reccobeats|musicbrainz|lastfm)"
psql -X -q -P pager=off -c "SELECT (SELECT count(*) FROM listen_wiseer.tracks) AS tracks,
	(SELECT count(*) FROM listen_wiseer.artists) AS artists,
	counts->>'requests_reccobeats' AS reccobeats, counts->>'requests_musicbrainz' AS musicbrainz,
	counts->>'requests_lastfm' AS lastfm, finished_at - started_at AS took
	FROM listen_wiseer.ingest_runs WHERE command = 'enrich' ORDER BY run_id"
