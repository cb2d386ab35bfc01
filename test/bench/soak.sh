#!/bin/bash
# Load soak: 8 concurrent clients (pgbench, custom script) calling recommend() and
# isolation_forest_score() on a 100,000-track library for SOAK_SECONDS, while `lw-ingest sync`
# runs in a loop against the mock Spotify into the same database (each round the mock's
# playlists change and part of the audio features are forgotten, so every sync writes:
# memberships, tracks, features, and through the extension's triggers the vectors and the
# recommendation pool). Baseline in the same run: the same pgbench without the syncs.
#
# Asserts: no failed pgbench transaction and no aborted client, every sync exits 0, no deadlock
# (pg_stat_database.deadlocks of the database, and 'deadlock detected' in the server log when it
# can be found). Prints throughput (tps), p50/p95/p99 latency from pgbench's per-transaction log,
# per-statement averages, and the ratios with/without the sync loop.
#
#   SOAK_SECONDS=n   seconds per pgbench phase (default 60)
#   SOAK_CLIENTS=n   pgbench clients (default 8)
#   SOAK_ROWS=n      library size (default 100000)
# Needs PGHOST/PGPORT/PGUSER of a running cluster with the extension installed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/bench
SECS=${SOAK_SECONDS:-60}
CLIENTS=${SOAK_CLIENTS:-8}
ROWS=${SOAK_ROWS:-100000}
DB=bench_soak
PY=${PYTHON:-python3}
PGBENCH=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
[ -x /usr/lib/postgresql/15/bin/pgbench ] && PGBENCH=/usr/lib/postgresql/15/bin/pgbench
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
[ -x "$PGBENCH" ] || { echo "soak: pgbench not found (postgresql-15)" >&2; exit 2; }
[ -x "$LW_INGEST" ] || { echo "soak: build lw-ingest first (make -C ingestor)" >&2; exit 2; }
psql -X -d postgres -tAc 'SELECT 1' >/dev/null || { echo "soak: no database server" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-bench-soak.XXXXXX")
MOCK_PID=
LOOP_PID=
cleanup() {
	[ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null && wait "$LOOP_PID" 2>/dev/null
	[ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "soak: FAILED: $*"; exit 1; }

# ---- the library: the mock's 5,000-track demo library by lw-ingest sync (so the sync loop below
# is incremental), then 100,000 themed tracks in SQL (test/bench/recommend_library.sql)
psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null || exit 1
psql -X -q -d $DB -c "CREATE EXTENSION listen_wiseer" || exit 1

"$PY" "$ROOT/tools/mock/generate_library.py" --seed 11 --tracks 5000 --out "$WORK/lib.json" || exit 1
"$PY" "$ROOT/tools/mock/spotify_mock.py" --library "$WORK/lib.json" --port 0 --port-file "$WORK/port" \
	>"$WORK/mock.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || fail "the mock did not start"
PORT=$(cat "$WORK/port")
http() {	# http METHOD PATH [JSON]
	curl -s -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://127.0.0.1:$PORT$2"
}
now=$(date +%s)
http POST /_mock/token '{"pkce": true}' | "$PY" -c "import json,sys; t=json.load(sys.stdin); json.dump({'access_token': t['access_token'], 'refresh_token': t['refresh_token'], 'expires_at': $now + 86400, 'scope': t['scope'], 'auth_mode': 'pkce', 'authorized_at': $now}, open('$WORK/token.json', 'w'))"
chmod 600 "$WORK/token.json"
export SPOTIFY_CLIENT_ID=lw-test-client SPOTIFY_API_URL=http://127.0.0.1:$PORT/v1 \
	SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$PORT LW_TOKEN_FILE=$WORK/token.json LW_PACE_MS=0 LW_WAIT_LOCK=1 \
	LW_ENRICH=0	# the soak measures the Spotify sync; no enrichment services here
unset SPOTIFY_REFRESH_TOKEN SPOTIFY_CLIENT_SECRET
start=$SECONDS
"$LW_INGEST" sync --dbname $DB 2>"$WORK/sync0.log" || { tail -5 "$WORK/sync0.log"; fail "first sync"; }
echo "library: the mock's 5,000-track demo library by lw-ingest sync in $((SECONDS - start)) s"
start=$SECONDS
# (the extension exists already: the script's CREATE EXTENSION line is left out)
grep -v '^CREATE EXTENSION' "$HERE/recommend_library.sql" |
	psql -X -q -d $DB -v ON_ERROR_STOP=1 -v rows="$ROWS" -f - || exit 1
echo "library: + $ROWS tracks generated in SQL in $((SECONDS - start)) s;" \
	"$(psql -X -tA -d $DB -c 'SELECT count(*) FROM listen_wiseer.tracks') tracks," \
	"$(psql -X -tA -d $DB -c 'SELECT count(*) FROM listen_wiseer.track_vectors') with vectors"

# ---- the client script: one random benchmark playlist per transaction
cat >"$WORK/soak.pgbench" <<'SQL'
\set p random(0, 39)
SELECT count(*) FROM recommend('bp' || :p, 20);
SELECT sum(s) FROM (SELECT isolation_forest_score(v.v) OVER () AS s FROM listen_wiseer.playlist_tracks pt JOIN listen_wiseer.track_vectors v ON v.track_id = pt.track_id WHERE pt.playlist_id = 'bp' || :p AND pt.removed_at IS NULL) x;
SQL

deadlocks() { psql -X -tA -d postgres -c "SELECT deadlocks FROM pg_stat_database WHERE datname = '$DB'"; }
SERVER_LOG=
[ -n "${LW_PGDATA:-}" ] && [ -f "$(dirname "$LW_PGDATA")/.pglog-${LW_PGPORT:-}.log" ] &&
	SERVER_LOG=$(dirname "$LW_PGDATA")/.pglog-${LW_PGPORT:-}.log
log_lines() { [ -n "$SERVER_LOG" ] && wc -l <"$SERVER_LOG" || echo 0; }

# run_phase NAME: pgbench for SECS; prints one result line, sets TPS_<NAME>, P95_<NAME>
run_phase() {
	local name=$1 dl0 ll0 rc
	dl0=$(deadlocks)
	ll0=$(log_lines)
	mkdir -p "$WORK/$name"
	(cd "$WORK/$name" && "$PGBENCH" -n -c "$CLIENTS" -j 2 -T "$SECS" -M prepared -r -l \
		--log-prefix=tx -f "$WORK/soak.pgbench" $DB) >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
	grep -q "number of transactions actually processed" "$WORK/$name.out" || { cat "$WORK/$name.err"; fail "$name: pgbench did not report"; }
	[ $rc -eq 0 ] || { tail -5 "$WORK/$name.err"; fail "$name: pgbench exit code $rc (a client aborted)"; }
	local failed tps dl
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/$name.out")
	[ "${failed:-0}" -eq 0 ] || fail "$name: $failed failed transactions"
	grep -qi "error" "$WORK/$name.err" && { grep -i error "$WORK/$name.err" | head -3; fail "$name: errors from pgbench"; }
	dl=$(( $(deadlocks) - dl0 ))
	[ "$dl" -eq 0 ] || fail "$name: $dl deadlocks (pg_stat_database)"
	if [ -n "$SERVER_LOG" ] && tail -n +"$((ll0 + 1))" "$SERVER_LOG" | grep -q "deadlock detected"; then
		fail "$name: 'deadlock detected' in the server log"
	fi
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$WORK/$name.out" | head -1)
	# per-transaction latencies (microseconds, 3rd field of pgbench's log)
	cat "$WORK/$name"/tx.* | awk '{ print $3 / 1000 }' | sort -n >"$WORK/$name.lat"
	read -r n p50 p95 p99 < <(awk '{ a[NR] = $1 } END {
		printf "%d %.1f %.1f %.1f\n", NR, a[int((NR - 1) * 0.50) + 1], a[int((NR - 1) * 0.95) + 1], a[int((NR - 1) * 0.99) + 1] }' "$WORK/$name.lat")
	printf "%-22s %7d tx %8.2f tps   latency ms: p50 %7.1f  p95 %7.1f  p99 %7.1f   deadlocks %d  failed %d\n" \
		"$name" "$n" "$tps" "$p50" "$p95" "$p99" "$dl" "${failed:-0}"
	awk '/statement latencies in milliseconds/ { on = 1; next } on && NF >= 3 && $1 ~ /^[0-9.]+$/ && $3 !~ /^\\/ {
		lat = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); printf "    %9.1f ms avg  %.90s\n", lat, $0 }' "$WORK/$name.out"
	eval "TPS_$name=$tps P95_$name=$p95 N_$name=$n"
}

echo
echo "pgbench: $CLIENTS clients, $SECS s per phase, recommend('bp<random>', 20) + isolation_forest_score over that playlist"
run_phase baseline

# ---- the sync loop: change 3 playlists, forget 1/20 of the features, sync; until told to stop
sync_loop() {
	local i=0 rc
	while [ ! -e "$WORK/stop" ]; do
		i=$((i + 1))
		for k in 0 1 2; do
			pl=$("$PY" -c "import json; L=json.load(open('$WORK/lib.json')); print(L['playlists'][($i * 3 + $k) % len(L['playlists'])]['id'])")
			http POST /_mock/mutate "{\"playlist\": \"$pl\", \"add\": 10, \"remove\": 10}" >/dev/null
		done
		psql -X -q -d $DB -c "DELETE FROM listen_wiseer.audio_features f USING listen_wiseer.tracks t
			WHERE t.track_id = f.track_id AND f.source = 'spotify_api' AND hashtext(f.track_id || '$i') % 20 = 0;
			UPDATE listen_wiseer.tracks t SET features_checked_at = NULL WHERE t.features_checked_at IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM listen_wiseer.audio_features f WHERE f.track_id = t.track_id)" >/dev/null
		t0=$(date +%s.%N)
		"$LW_INGEST" sync --dbname $DB >>"$WORK/sync.log" 2>&1
		rc=$?
		echo "$rc $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { print a - b }')" >>"$WORK/syncs"
	done
}
: >"$WORK/syncs"
sync_loop &
LOOP_PID=$!
run_phase with_sync
touch "$WORK/stop"
wait "$LOOP_PID"
LOOP_PID=

nsync=$(wc -l <"$WORK/syncs")
bad=$(awk '$1 != 0' "$WORK/syncs" | wc -l)
awk '{ s += $2; if ($2 > m) m = $2 } END { if (NR) printf "sync loop: %d syncs during the run, %.2f s mean, %.2f s longest\n", NR, s / NR, m }' "$WORK/syncs"
[ "$nsync" -gt 0 ] || fail "no sync ran during the soak"
[ "$bad" -eq 0 ] || { grep -i "error" "$WORK/sync.log" | tail -5; fail "$bad of $nsync syncs failed (exit codes: $(awk '$1 != 0 { print $1 }' "$WORK/syncs" | sort | uniq -c | tr '\n' ' '))"; }
if [ -z "$SERVER_LOG" ]; then
	echo "(server log not found: deadlocks checked through pg_stat_database only)"
fi

awk -v tb="$TPS_baseline" -v ts="$TPS_with_sync" -v pb="$P95_baseline" -v ps="$P95_with_sync" 'BEGIN {
	printf "with the sync loop / baseline: throughput %.2fx, p95 latency %.2fx\n", ts / tb, ps / pb }'
echo "soak: ok (no failed transaction, no aborted client, no deadlock, every sync exited 0)"
