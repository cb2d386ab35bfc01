#!/bin/bash
# recommend() on the demo library (tools/mock generator, seed 42, 5000 tracks,
# loaded with its --emit-sql script as make eval does), against, in the same
# run, brute force (ORDER BY v <=> profile LIMIT 20 over every vector) and the
# PL/pgSQL recommend() it replaced (recommend_plpgsql_reference.sql):
#   * warm: p50 and p95 over every playlist (one warm-up call each);
#   * first call in a new session (one new connection per playlist);
#   * every playlist in one LATERAL query (best of 3, in one session);
#   * exactness: both implementations return the same rows (every column)
#     for every playlist under each option.
# Timings are server-side (clock_timestamp) except the first-call one, which
# is the statement's time as psql's \timing reports it.
#
#   KEEP=1   keep the database bench_recommend_demo afterwards
set -euo pipefail
DB=bench_recommend_demo
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
cleanup() {
	rm -rf "$WORK"
	[ -n "${KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"${PYTHON:-python3}" "$ROOT/tools/mock/generate_library.py" --seed 42 --tracks 5000 \
	--out "$WORK/lib.json" --emit-sql "$WORK/lib.sql"
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" \
	-c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION listen_wiseer" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$WORK/lib.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT listen_wiseer.refresh_vectors()" -c "VACUUM ANALYZE" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/recommend_plpgsql_reference.sql" >/dev/null
psql -X -Atq -c "SELECT count(*) || ' tracks with features, ' || (SELECT count(*) FROM listen_wiseer.playlists) || ' playlists'
                   FROM listen_wiseer.track_vectors"

# First call in a new session: one new connection per playlist and function.
: >"$WORK/first.tsv"
for f in recommend recommend_plpgsql; do
	for p in $(psql -X -Atq -c "SELECT playlist_id FROM listen_wiseer.playlists ORDER BY playlist_id"); do
		psql -X -q -At -c '\timing on' -c "SELECT count(*) FROM $f('$p', 20)" 2>&1 |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sed "s/^/$f\t$p\t/" >>"$WORK/first.tsv"
	done
done

psql -X -q -v ON_ERROR_STOP=1 -v first="$WORK/first.tsv" -f "$HERE/recommend_demo.sql"
