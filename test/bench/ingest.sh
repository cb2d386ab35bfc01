#!/bin/bash
# Benchmark of `lw-ingest sync` against the mock Spotify, on a 10,000- and a 100,000-track library:
#  - requests made (mock /_mock/stats) against the minimum possible for the library
#    (/me + playlist pages + item pages + liked pages + artist batches of 50 + feature batches of 100);
#  - wall time and rows per second into PostgreSQL, against a baseline in the same run: the same
#    library loaded by psql from the generator's SQL (COPY, one transaction: the floor for the rows);
#  - peak memory (max RSS from /usr/bin/time -v): 10k vs 100k shows it does not grow with the library;
#  - a no-change second run: its requests (minimum: /me, the playlist listing, one liked page).
#
# Needs PGHOST/PGPORT/PGUSER of a running cluster with the extension installed; creates and drops
# bench_ingest_* databases. BENCH_SIZES="10000 100000" (default) selects the libraries.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
SIZES=${BENCH_SIZES:-10000 100000}
PY=${PYTHON:-python3}
[ -x "$LW_INGEST" ] || { echo "ingest bench: build lw-ingest first (make -C ingestor)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "ingest bench: /usr/bin/time is missing" >&2; exit 2; }
psql -X -d postgres -tAc 'SELECT 1' >/dev/null || { echo "ingest bench: no database server" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-bench-ingest.XXXXXX")
MOCK_PID=
cleanup() {
	[ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null
	for n in $SIZES; do
		dropdb --if-exists "bench_ingest_$n" >/dev/null 2>&1
		dropdb --if-exists "bench_ingest_${n}_copy" >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

http() {	# http METHOD PATH [JSON]
	curl -s -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$PORT$2"
}

rows_sql="SELECT (SELECT count(*) FROM listen_wiseer.tracks) + (SELECT count(*) FROM listen_wiseer.track_artists)
 + (SELECT count(*) FROM listen_wiseer.artists) + (SELECT count(*) FROM listen_wiseer.playlists)
 + (SELECT count(*) FROM listen_wiseer.playlist_tracks) + (SELECT count(*) FROM listen_wiseer.liked_tracks)
 + (SELECT count(*) FROM listen_wiseer.audio_features) + (SELECT count(*) FROM listen_wiseer.users)"

printf '%-8s %9s %9s %7s %8s %8s %10s %10s %8s %8s %9s\n' tracks requests minimum ratio sync_s rows rows_per_s copy_rps speed rss_MB nochange
declare -A RSS
for n in $SIZES; do
	lib=$WORK/lib$n.json
	"$PY" "$ROOT/tools/mock/generate_library.py" --seed 7 --tracks "$n" --out "$lib" --emit-sql "$WORK/lib$n.sql" || exit 1
	min=$("$PY" - "$lib" <<'PY'
import json, sys
L = json.load(open(sys.argv[1]))
tr = {t["id"]: t for t in L["tracks"]}
seen = {it["track"] for p in L["playlists"] for it in p["items"] if "track" in it}
seen |= {l["track"] for l in L["liked"]}
artists = {a for t in seen for a in tr[t]["artist_ids"]}
c = lambda n, k: -(-n // k)
pages = c(len(L["playlists"]), 50) + sum(max(1, c(len(p["items"]), 50)) for p in L["playlists"])
print(1 + pages + max(1, c(len(L["liked"]), 50)) + c(len(artists), 50) + c(len(seen), 100))
PY
)
	# baseline: the same library through psql COPY
	db="bench_ingest_$n"
	dropdb --if-exists "${db}_copy" >/dev/null 2>&1
	createdb "${db}_copy" && psql -X -q -d "${db}_copy" -c 'CREATE EXTENSION listen_wiseer' || exit 1
	t0=$(date +%s.%N)
	psql -X -q -d "${db}_copy" -v ON_ERROR_STOP=1 -f "$WORK/lib$n.sql" >/dev/null || exit 1
	copy_s=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { print a - b }')
	copy_rows=$(psql -X -tA -d "${db}_copy" -c "$rows_sql")
	dropdb "${db}_copy"

	dropdb --if-exists "$db" >/dev/null 2>&1
	createdb "$db" && psql -X -q -d "$db" -c 'CREATE EXTENSION listen_wiseer' || exit 1
	rm -f "$WORK/port"
	"$PY" "$ROOT/tools/mock/spotify_mock.py" --library "$lib" --port 0 --port-file "$WORK/port" \
		>"$WORK/mock$n.log" 2>&1 &
	MOCK_PID=$!
	for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
	PORT=$(cat "$WORK/port")
	tok=$(http POST /_mock/token '{"pkce": true}')
	now=$(date +%s)
	echo "$tok" | "$PY" -c "import json,sys; t=json.load(sys.stdin); json.dump({'access_token': t['access_token'], 'refresh_token': t['refresh_token'], 'expires_at': $now + 3600, 'scope': t['scope'], 'auth_mode': 'pkce', 'authorized_at': $now}, open('$WORK/token.json', 'w'))"
	chmod 600 "$WORK/token.json"
	export SPOTIFY_CLIENT_ID=lw-test-client SPOTIFY_API_URL=http://127.0.0.1:$PORT/v1 \
		SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$PORT LW_TOKEN_FILE=$WORK/token.json LW_PACE_MS=0 \
		LW_ENRICH=0	# Spotify only: enrichment has its own measurement (test/bench/enrich_cost.sh)
	unset SPOTIFY_REFRESH_TOKEN SPOTIFY_CLIENT_SECRET
	/usr/bin/time -v -o "$WORK/time$n" "$LW_INGEST" sync --dbname "$db" 2>"$WORK/sync$n.log"
	rc=$?
	[ $rc -eq 0 ] || { echo "ingest bench: sync of $n tracks failed ($rc):" >&2; tail -5 "$WORK/sync$n.log" >&2; exit 1; }
	sync_s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time$n" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time$n")
	RSS[$n]=$rss
	reqs=$(http GET /_mock/stats | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print(sum(v for k, v in s["by_endpoint"].items() if "/v1/" in k))')
	rows=$(psql -X -tA -d "$db" -c "$rows_sql")
	http POST /_mock/reset '{"tokens": false}' >/dev/null
	"$LW_INGEST" sync --dbname "$db" 2>>"$WORK/sync$n.log" || { echo "ingest bench: no-change run failed" >&2; exit 1; }
	nochange=$(http GET /_mock/stats | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print(sum(v for k, v in s["by_endpoint"].items() if "/v1/" in k))')
	kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=
	dropdb "$db"
	awk -v n="$n" -v r="$reqs" -v m="$min" -v s="$sync_s" -v c="$copy_s" -v rows="$rows" \
		-v crows="$copy_rows" -v rss="$rss" -v nc="$nochange" 'BEGIN {
		printf "%-8s %9d %9d %7.3f %8.1f %8d %10.0f %10.0f %7.3fx %8.1f %9d\n", n, r, m, r / m, s,
			rows, rows / s, crows / c, (rows / s) / (crows / c), rss / 1024, nc }'
done
set -- $SIZES
if [ $# -ge 2 ]; then
	awk -v a="$2" -v b="$1" -v ra="${RSS[$2]}" -v rb="${RSS[$1]}" 'BEGIN {
		printf "peak memory %s tracks / %s tracks: %.2f (flat memory: about 1)\n", a, b, ra / rb }'
fi
echo "requests: made / minimum (1.000 = no wasted request); nochange: requests of a second run (minimum 3)"
echo "rows_per_s: rows stored by the sync / its wall time (all HTTP through the Python mock included);"
echo "copy_rps: baseline, the generator's SQL of the same library through psql (COPY, one transaction);"
echo "speed: rows_per_s / copy_rps"
