#!/bin/bash
# The demo's last step: publish recommend('chill') to a private playlist in the (mock) Spotify
# account with the real lw-ingest, then list that playlist through the mock's read API, as
# the Spotify app would show it.
# Usage: tools/demo-publish.sh RUNDIR   (PG* environment points at the demo database)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUN=$1
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}

# The same deterministic library as the ingest step, in a fresh mock.
MOCK_PID=
trap '[ -n "$MOCK_PID" ] && { kill $MOCK_PID 2>/dev/null; wait $MOCK_PID 2>/dev/null; } || true' EXIT
lw_mock_start "$RUN" publish-mock
PORT=$MOCK_PORT
REDIRECT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

export SPOTIFY_CLIENT_ID=lw-test-client
export SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$PORT
export SPOTIFY_API_URL=http://127.0.0.1:$PORT/v1
export LW_TOKEN_FILE=$RUN/publish-token.json	# never the user's own ~/.config
export LW_PACE_MS=0

echo "== lw-ingest login (this login also allows writing private playlists)"
"$LW_INGEST" login --auto-follow --redirect-uri "http://127.0.0.1:$REDIRECT_PORT/callback" >/dev/null
echo
echo "== lw-ingest publish chill --dry-run"
"$LW_INGEST" publish chill --dry-run >"$RUN/publish-plan.txt"
head -8 "$RUN/publish-plan.txt"
echo "  ..."
echo
echo "== lw-ingest publish chill"
"$LW_INGEST" publish chill
echo
echo "== the new playlist, read back through the (mock) Spotify Web API"
TARGET=$(psql -X -Atc "SELECT target_playlist_id FROM listen_wiseer.publish_rules WHERE rule = 'chill'")
python3 - "$SPOTIFY_API_URL" "$LW_TOKEN_FILE" "$TARGET" <<'PY'
import json, sys, urllib.request
api, token_file, pid = sys.argv[1:]
token = json.load(open(token_file))["access_token"]
def get(url):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(req, timeout=30))
pl = get("%s/playlists/%s" % (api, pid))
print('"%s" (%s, owner %s, snapshot %s)' % (pl["name"], "public" if pl["public"] else "private",
                                            pl["owner"]["id"], pl["snapshot_id"]))
print(pl["description"])
url, n = "%s/playlists/%s/items?limit=50" % (api, pid), 0
while url:
    page = get(url)
    for it in page["items"]:
        n += 1
        t = it["item"]
        print("%3d  %-40s %s" % (n, t["name"][:40], ", ".join(a["name"] for a in t["artists"])))
    url = page["next"]
PY
echo
psql -X -q -P pager=off -c "SELECT rule, outcome, target_playlist_id, track_count, skipped_count, write_requests
                              FROM listen_wiseer.publish_runs ORDER BY publish_id"
