#!/bin/bash
# The demo's ingest step: start the mock Spotify on loopback, log in through the
# real lw-ingest (PKCE; the mock auto-consents), sync, stop the mock.
# Usage: tools/demo-ingest.sh RUNDIR   (PG* environment points at the demo database)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$1
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}

python3 "$ROOT/tools/mock/spotify_mock.py" --generate-seed 42 --generate-tracks 5000 \
	--port 0 --port-file "$RUN/mock.port" 2>"$RUN/mock.log" &
MOCK_PID=$!
trap 'kill $MOCK_PID 2>/dev/null; wait $MOCK_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
	[ -s "$RUN/mock.port" ] && break
	kill -0 "$MOCK_PID" 2>/dev/null || { cat "$RUN/mock.log" >&2; exit 1; }
	sleep 0.1
done
[ -s "$RUN/mock.port" ] || { echo "demo: the mock Spotify did not start" >&2; exit 1; }
PORT=$(cat "$RUN/mock.port")

# A free loopback port for the login's redirect listener.
REDIRECT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

export SPOTIFY_CLIENT_ID=lw-test-client
export SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$PORT
export SPOTIFY_API_URL=http://127.0.0.1:$PORT/v1
export LW_TOKEN_FILE=$RUN/token.json	# never the user's own ~/.config
export LW_PACE_MS=0			# the mock needs no pacing

echo "== lw-ingest login (PKCE against the mock Spotify on 127.0.0.1:$PORT, auto-consent)"
"$LW_INGEST" login --auto-follow --redirect-uri "http://127.0.0.1:$REDIRECT_PORT/callback"
echo
echo "== lw-ingest sync (as the ingest role lw_ingest, not a superuser)"
PGUSER=lw_ingest "$LW_INGEST" sync
