#!/bin/bash
# make demo: install what is missing, build, start our own cluster and the mock
# Spotify, log in and sync through the real lw-ingest, then show the library,
# the outliers of 'chill' and SELECT * FROM recommend('chill').
# By default the Spotify of a 2026 app (development mode: no audio features, no
# genres) with the ReccoBeats/MusicBrainz/Last.fm mocks filling them during the
# sync; LW_DEMO_MODE=2024 shows the pre-2024 path (tools/demo-ingest.sh).
# Everything it starts, it stops (also on Ctrl-C); the data stays in .pgdata/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

./tools/install-deps.sh
echo "demo: building and installing"
lw_build_and_install

RUN=$(mktemp -d "${TMPDIR:-/tmp}/lw-demo.XXXXXX")
cleanup() {
	./tools/cluster.sh stop || true
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

./tools/cluster.sh start
eval "$(./tools/cluster.sh env)"
export PGDATABASE=listen_wiseer_demo
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE" 2>/dev/null
psql -X -q -c "CREATE EXTENSION listen_wiseer"
# the reader and ingest roles (docs/reference.md, "Roles"); the sync below runs as lw_ingest
psql -X -q -f extension/roles.sql

psql() { command psql -X -q -P pager=off "$@"; }

# The real ingestor against the mock Spotify (login with auto-consent, then sync).
./tools/demo-ingest.sh "$RUN"

echo
echo "== feature_vector: distances"
psql <<'SQL'
SELECT '[3,4]'::feature_vector <-> '[0,0]' AS euclidean_3_4_0_0,
       '[1,0]'::feature_vector <=> '[0,1]' AS cosine_orthogonal,
       '[1,1]'::feature_vector <=> '[2,2]' AS cosine_parallel;
SQL

if [ "$(psql -Atc 'SELECT count(*) FROM listen_wiseer.playlists')" -gt 0 ]; then
	echo
	./tools/demo-report.sh
fi

# Close the loop: publish recommend('chill') to a playlist in the (mock) Spotify account.
echo
./tools/demo-publish.sh "$RUN"

# The report for people without a BI tool, written as a read-only login (README "BI tools").
psql -X -q -c "SELECT listen_wiseer.create_reader_login('lw_demo_report')
	WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'lw_demo_report')" >/dev/null
REPORT=$(PGUSER=lw_demo_report ./ingestor/lw-ingest report --out "$ROOT/.run/report")

echo
echo "demo: the report (open it in a browser): file://$REPORT"
echo "demo: done. Explore the same data with:  tools/cluster.sh start && tools/cluster.sh psql -d $PGDATABASE"
