#!/bin/bash
# The demo's ingest step: start the mock Spotify on loopback, log in through the
# real lw-ingest (PKCE; the mock auto-consents), sync, stop the mock.
# Usage: tools/demo-ingest.sh RUNDIR   (PG* environment points at the demo database)
#
# LW_DEMO_MODE=2026 (default): the Spotify of an app registered today (development mode: no
# audio features, no genres), plus mocks of ReccoBeats, MusicBrainz and Last.fm
# (tools/mock/enrich_mock.py) that fill them during the sync. LW_DEMO_MODE=2024: the pre-2024
# Spotify (extended quota: features and genres from Spotify itself), no enrichment.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$1
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}

# wait_port NAME PID WHAT: until the mock started as PID writes $RUN/NAME.port (30 s at most)
wait_port() {
	for _ in $(seq 1 300); do
		[ -s "$RUN/$1.port" ] && return 0
		kill -0 "$2" 2>/dev/null || { cat "$RUN/$1.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "demo: $3 did not start" >&2
	exit 1
}

MODE=${LW_DEMO_MODE:-2026}
case "$MODE" in
2026) SPOTIFY_MODE=dev-2026 ;;
2024) SPOTIFY_MODE=extended ;;
*) echo "demo: LW_DEMO_MODE must be 2026 or 2024, got $MODE" >&2; exit 2 ;;
esac
TRACKS=${DEMO_TRACKS:-5000}
python3 "$ROOT/tools/mock/spotify_mock.py" --generate-seed 42 --generate-tracks "$TRACKS" \
	--mode "$SPOTIFY_MODE" --port 0 --port-file "$RUN/mock.port" 2>"$RUN/mock.log" &
MOCK_PID=$!
ENRICH_PID=
trap 'kill $MOCK_PID $ENRICH_PID 2>/dev/null; wait $MOCK_PID $ENRICH_PID 2>/dev/null || true' EXIT
wait_port mock "$MOCK_PID" "the mock Spotify"
PORT=$(cat "$RUN/mock.port")

# A free loopback port for the login's redirect listener.
REDIRECT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

export SPOTIFY_CLIENT_ID=lw-test-client
export SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$PORT
export SPOTIFY_API_URL=http://127.0.0.1:$PORT/v1
export LW_TOKEN_FILE=$RUN/token.json	# never the user's own ~/.config
export LW_PACE_MS=0			# the mock needs no pacing

if [ "$MODE" = 2026 ]; then
	# the open services, on the same generated library; their MusicBrainz allows 100 requests/s
	# (like a local mirror) so the demo takes seconds, not the real service's 20 minutes
	# DEMO_REAL_RATES=1 (test/bench/enrich_cost.sh): the real services' limits and lw-ingest's
	# default rates instead, to measure what a first run costs
	MB_INTERVAL=0.01
	[ -n "${DEMO_REAL_RATES:-}" ] && MB_INTERVAL=1.0
	python3 "$ROOT/tools/mock/enrich_mock.py" --generate-seed 42 --generate-tracks "$TRACKS" \
		--config "{\"musicbrainz\": {\"min_interval\": $MB_INTERVAL}}" \
		--port 0 --port-file "$RUN/enrich.port" 2>"$RUN/enrich.log" &
	ENRICH_PID=$!
	wait_port enrich "$ENRICH_PID" "the enrichment mock"
	EPORT=$(cat "$RUN/enrich.port")
	export RECCOBEATS_URL=http://127.0.0.1:$EPORT/v1
	export MUSICBRAINZ_URL=http://127.0.0.1:$EPORT/ws/2
	export LASTFM_URL=http://127.0.0.1:$EPORT/2.0 LASTFM_API_KEY=lw-test-lastfm-key
	if [ -z "${DEMO_REAL_RATES:-}" ]; then
		export RECCOBEATS_RATE=200 MUSICBRAINZ_RATE=50 LASTFM_RATE=200
	fi
	export LW_CONTACT=demo@listen-wiseer.invalid
	echo "== the 2026 situation: Spotify in development mode (no audio features, no genres);"
	echo "   ReccoBeats, MusicBrainz and Last.fm mocks on 127.0.0.1:$EPORT fill them (LW_DEMO_MODE=2024: the old way)"
else
	export LW_ENRICH=0
	echo "== LW_DEMO_MODE=2024: Spotify as for an app registered before 2024 (features and genres from Spotify)"
fi

echo "== lw-ingest login (PKCE against the mock Spotify on 127.0.0.1:$PORT, auto-consent)"
"$LW_INGEST" login --auto-follow --redirect-uri "http://127.0.0.1:$REDIRECT_PORT/callback"
echo
echo "== lw-ingest sync (as the ingest role lw_ingest, not a superuser)$([ "$MODE" = 2026 ] && echo ', then enrichment')"
PGUSER=lw_ingest "$LW_INGEST" sync
