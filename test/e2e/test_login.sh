#!/bin/bash
# test/e2e/test_login.sh - lw-ingest login (PKCE through the loopback listener) and token refresh
# against the mock Spotify. Needs no database. Runs the binary in $LW_INGEST (default
# ingestor/lw-ingest; the ASan build works too). Prints "ok"/"not ok" lines and
# "login e2e: N passed, N failed"; exits non-zero on failure.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LW=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
PY=${PYTHON:-python3}
WORK=$(mktemp -d /tmp/lw-login-e2e.XXXXXX)
MOCK_PID=""
passed=0
failed=0

cleanup() {
	if [ -n "$MOCK_PID" ]; then
		kill "$MOCK_PID" 2>/dev/null
		wait "$MOCK_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

[ -x "$LW" ] || { echo "lw-ingest not built: $LW" >&2; exit 1; }

# --- the mock -------------------------------------------------------------------------------
"$PY" "$ROOT/tools/mock/spotify_mock.py" --generate-seed 42 --generate-tracks 5000 --port 0 \
	--port-file "$WORK/port" 2>"$WORK/mock.err" &
MOCK_PID=$!
for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || { echo "mock did not start:" >&2; cat "$WORK/mock.err" >&2; exit 1; }
PORT=$(cat "$WORK/port")
BASE="http://127.0.0.1:$PORT"

ctl() { curl -sf -X POST -H 'Content-Type: application/json' -d "${2:-{\}}" "$BASE/_mock/$1"; }
stat_get() { # stat_get PY_EXPR_ON_d
	curl -sf "$BASE/_mock/stats" | "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
json_field() { # json_field FILE KEY
	"$PY" -c "import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print('' if v is None else v)" "$1" "$2"
}
free_port() {
	"$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}

# Every token we learn about goes here; at the end none may appear in any output.
remember_tokens() { # remember_tokens TOKENFILE
	[ -f "$1" ] || return 0
	json_field "$1" access_token >>"$WORK/secrets"
	json_field "$1" refresh_token >>"$WORK/secrets"
}

# run NAME ARGS...: run lw-ingest, output in $WORK/NAME.out / .err, exit status in RC
n_runs=0
run() {
	local name=$1
	shift
	n_runs=$((n_runs + 1))
	"$LW" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	RC=$?
}

export SPOTIFY_CLIENT_ID=lw-test-client
export SPOTIFY_API_URL="$BASE/v1" SPOTIFY_ACCOUNTS_URL="$BASE"
export SPOTIFY_REDIRECT_URI="http://127.0.0.1:$(free_port)/callback"
export XDG_CONFIG_HOME="$WORK/xdg"
export LW_BACKOFF_MS=10 LW_PACE_MS=0
unset SPOTIFY_CLIENT_SECRET SPOTIFY_REFRESH_TOKEN LW_TOKEN_FILE
TOK="$XDG_CONFIG_HOME/listen-wiseer/token.json"

# --- 0. command line ---------------------------------------------------------------------------
run cli_help --help
check "--help exits 0 and documents the exit codes" [ "$RC" -eq 0 ] && grep -q "^Exit status:" "$WORK/cli_help.out"
for c in login sync import-features status whoami logout; do
	run "cli_help_$c" "$c" --help
	check "$c --help exits 0" [ "$RC" -eq 0 ] && grep -q "^Usage: lw-ingest $c" "$WORK/cli_help_$c.out"
done
run cli_unknown frobnicate
check "unknown command: exit 2, one line" [ "$RC" -eq 2 -a "$(wc -l <"$WORK/cli_unknown.err")" -eq 1 ]
run cli_badopt sync --frobnicate
check "unknown option: exit 2" [ "$RC" -eq 2 ] && grep -q "frobnicate" "$WORK/cli_badopt.err"
run cli_wrongcmd sync --timeout 5
check "option of another command: exit 2" [ "$RC" -eq 2 ] && grep -q "does not apply to sync" "$WORK/cli_wrongcmd.err"
run cli_nofile import-features
check "import-features without a file: exit 2" [ "$RC" -eq 2 ]
run cli_budget sync --budget soon
check "bad --budget value: exit 2" [ "$RC" -eq 2 ]
SPOTIFY_CLIENT_ID= run cli_noclient whoami
check "no SPOTIFY_CLIENT_ID: exit 2 naming it" [ "$RC" -eq 2 ] && grep -q SPOTIFY_CLIENT_ID "$WORK/cli_noclient.err"
run cli_status0 status
check "status before any login: exit 3" [ "$RC" -eq 3 ]

# --- 1. PKCE login ----------------------------------------------------------------------------
run login1 login --auto-follow --timeout 20 --verbose
check "login exits 0" [ "$RC" -eq 0 ]
check "login prints the authorize URL with an S256 challenge" \
	grep -q "^$BASE/authorize?client_id=lw-test-client&response_type=code.*code_challenge_method=S256&code_challenge=" "$WORK/login1.out"
check "token file is at the XDG default" [ -f "$TOK" ]
check "token file mode is 0600" [ "$(stat -c %a "$TOK")" = 600 ]
check "token directory mode is 0700" [ "$(stat -c %a "$(dirname "$TOK")")" = 700 ]
check "token file has a refresh token and pkce mode" \
	[ -n "$(json_field "$TOK" refresh_token)" -a "$(json_field "$TOK" auth_mode)" = pkce ]
check "granted scope saved" \
	[ "$(json_field "$TOK" scope)" = "playlist-read-private playlist-read-collaborative user-library-read playlist-modify-private" ]
remember_tokens "$TOK"
RT1=$(json_field "$TOK" refresh_token)
AT1=$(json_field "$TOK" access_token)

run whoami1 whoami
check "whoami after login prints the demo user" grep -q "^anademo	Ana Demo$" "$WORK/whoami1.out"
check "no refresh needed yet" [ "$(stat_get 'd["refreshes"]')" = 0 ]

run status1 status
check "status exits 0 and reports the refresh token" \
	[ "$RC" -eq 0 ] && grep -q "refresh token: present" "$WORK/status1.out"

# --open with a stand-in xdg-open that plays the browser with curl: the listener serves a real
# outside client, and lw-ingest must not block on xdg-open while it waits for the callback.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/xdg-open" <<'SH'
#!/bin/sh
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$1")
sleep 1
curl -s -o "$XDG_OPEN_PAGE" "$loc"
SH
chmod +x "$WORK/bin/xdg-open"
XDG_OPEN_PAGE="$WORK/browser.html" PATH="$WORK/bin:$PATH" run login_open login --open --timeout 20 \
	--token-file "$WORK/open/token.json"
check "login --open through an outside browser (curl)" [ "$RC" -eq 0 -a -s "$WORK/open/token.json" ]
check "the browser got the 'login received' page" grep -q "login received" "$WORK/browser.html"
remember_tokens "$WORK/open/token.json"

# IPv6 loopback listener, when the machine has ::1
if "$PY" -c "import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1',0))" 2>/dev/null; then
	V6PORT=$("$PY" -c "import socket; s=socket.socket(socket.AF_INET6); s.bind(('::1',0)); print(s.getsockname()[1])")
	run login_v6 login --auto-follow --timeout 20 --redirect-uri "http://[::1]:$V6PORT/callback" \
		--token-file "$WORK/v6/token.json"
	check "login through an [::1] listener" [ "$RC" -eq 0 -a -s "$WORK/v6/token.json" ]
	remember_tokens "$WORK/v6/token.json"
else
	echo "ok - login through an [::1] listener # SKIP no IPv6 loopback"
fi

# --- 2. expired access token: 401, refresh once, retry ------------------------------------------
ctl expire >/dev/null
run whoami2 whoami --verbose
check "whoami with an expired access token succeeds" [ "$RC" -eq 0 ]
check "exactly one refresh" [ "$(stat_get 'd["refreshes"]')" = 1 ]
check "the 401 was seen and retried" grep -q "401" "$WORK/whoami2.err"
remember_tokens "$TOK"
check "new access token saved" [ "$(json_field "$TOK" access_token)" != "$AT1" ]
check "non-rotating refresh keeps the old refresh token" [ "$(json_field "$TOK" refresh_token)" = "$RT1" ]
check "mode still 0600 after the rewrite" [ "$(stat -c %a "$TOK")" = 600 ]

# --- 3. rotating refresh tokens, two processes at once -----------------------------------------
ctl config '{"rotate_refresh": true}' >/dev/null
ctl expire >/dev/null
before=$(stat_get 'd["refreshes"]')
"$LW" whoami >"$WORK/par1.out" 2>"$WORK/par1.err" &
p1=$!
"$LW" whoami >"$WORK/par2.out" 2>"$WORK/par2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "two concurrent runs after expiry both succeed (rotation under the lock)" [ $r1 -eq 0 -a $r2 -eq 0 ]
check "and only one of them refreshed" [ "$(stat_get "d['refreshes'] - $before")" = 1 ]
remember_tokens "$TOK"
RT2=$(json_field "$TOK" refresh_token)
check "the rotated refresh token was saved" [ -n "$RT2" -a "$RT2" != "$RT1" ]
code=$(curl -s -o "$WORK/old_rt.json" -w '%{http_code}' -d "grant_type=refresh_token&refresh_token=$RT1&client_id=lw-test-client" "$BASE/api/token")
check "the rotated-away refresh token is dead at the mock" grep -q invalid_grant "$WORK/old_rt.json"

# --- 4. proactive refresh: fewer than 60 s left -> refresh before the request ------------------
ctl config '{"rotate_refresh": false}' >/dev/null
# Pretend the stored token expires in 30 s (the mock still accepts it): lw-ingest must refresh
# first instead of sending it and waiting for a 401.
"$PY" - "$TOK" <<'PYEOF'
import json, sys, time
p = sys.argv[1]
d = json.load(open(p))
d["expires_at"] = int(time.time()) + 30
d["obtained_at"] = int(time.time()) - 3570
open(p, "w").write(json.dumps(d))
PYEOF
unauth_before=$(stat_get 'd["by_status"].get("401", 0)')
ref_before=$(stat_get 'd["refreshes"]')
run whoami4 whoami
check "proactive refresh run succeeds" [ "$RC" -eq 0 ]
check "proactive refresh: refreshed once, without a 401" \
	[ "$(stat_get 'd["refreshes"]')" = $((ref_before + 1)) -a "$(stat_get 'd["by_status"].get("401", 0)')" = "$unauth_before" ]
remember_tokens "$TOK"

# --- 5. revoked refresh token -> exit 3 with a clear message -----------------------------------
ctl revoke '{"access": true}' >/dev/null
run whoami5 whoami
check "revoked refresh token exits 3 (needs login)" [ "$RC" -eq 3 ]
check "and says to run lw-ingest login" grep -q "lw-ingest login" "$WORK/whoami5.err"

# --- 6. no token at all -> exit 3 -----------------------------------------------------------------
run whoami6 whoami --token-file "$WORK/none/token.json"
check "no token file exits 3" [ "$RC" -eq 3 ]

# --- 7. SPOTIFY_REFRESH_TOKEN from the environment --------------------------------------------------
ctl token '{"scope": "playlist-read-private playlist-read-collaborative user-library-read", "pkce": true}' >"$WORK/minted.json"
ENV_RT=$(json_field "$WORK/minted.json" refresh_token)
json_field "$WORK/minted.json" access_token >>"$WORK/secrets"
echo "$ENV_RT" >>"$WORK/secrets"
SPOTIFY_REFRESH_TOKEN="$ENV_RT" run whoami7 whoami --token-file "$WORK/envonly/token.json"
check "SPOTIFY_REFRESH_TOKEN works without a token file" [ "$RC" -eq 0 ] && grep -q anademo "$WORK/whoami7.out"
check "and writes no token file when not rotated" [ ! -e "$WORK/envonly/token.json" ]

# --- 8. login failures ---------------------------------------------------------------------------
tok_before=$(stat_get 'd["by_endpoint"].get("POST /api/token", 0)')
ctl config '{"authorize": {"state": "alter"}}' >/dev/null
run login_state login --auto-follow --timeout 20 --token-file "$WORK/l2/token.json"
check "altered state: login fails" [ "$RC" -ne 0 ]
check "altered state: message names the state" grep -q "state" "$WORK/login_state.err"
check "altered state: no code exchange" [ "$(stat_get 'd["by_endpoint"].get("POST /api/token", 0)')" = "$tok_before" ]
check "altered state: no token file" [ ! -e "$WORK/l2/token.json" ]
ctl config '{"authorize": {"state": "echo", "deny": true}}' >/dev/null
run login_deny login --auto-follow --timeout 20 --token-file "$WORK/l3/token.json"
check "access_denied: login exits 1 and says denied" [ "$RC" -eq 1 ] && grep -q "denied" "$WORK/login_deny.err"
check "access_denied: no token file" [ ! -e "$WORK/l3/token.json" ]
ctl config '{"authorize": {"deny": false}}' >/dev/null

run login_localhost login --auto-follow --redirect-uri http://localhost:8888/callback
check "localhost redirect URI refused with exit 2" [ "$RC" -eq 2 ]
check "and the message points to 127.0.0.1" grep -q "127.0.0.1" "$WORK/login_localhost.err"
SPOTIFY_CLIENT_ID=unknown-client run login_badclient login --auto-follow --timeout 20 --token-file "$WORK/l4/token.json"
check "unknown client id: exit 2" [ "$RC" -eq 2 ]

# --- 9. confidential client (secret, Basic auth) ---------------------------------------------------
SPOTIFY_CLIENT_SECRET=lw-test-secret run login_secret login --auto-follow --timeout 20 --token-file "$WORK/l5/token.json"
check "login with a client secret" [ "$RC" -eq 0 ]
remember_tokens "$WORK/l5/token.json"
ctl expire >/dev/null
SPOTIFY_CLIENT_SECRET=lw-test-secret run whoami_secret whoami --token-file "$WORK/l5/token.json"
check "refresh with a client secret" [ "$RC" -eq 0 ]
remember_tokens "$WORK/l5/token.json"
ctl expire >/dev/null
SPOTIFY_CLIENT_SECRET=wrong-secret run whoami_badsecret whoami --token-file "$WORK/l5/token.json"
check "wrong client secret: exit 2 (invalid_client)" [ "$RC" -eq 2 ] && grep -q invalid_client "$WORK/whoami_badsecret.err"

# --- 10. nothing secret in any output ------------------------------------------------------------
echo "lw-test-secret" >>"$WORK/secrets"
echo "wrong-secret" >>"$WORK/secrets"
leaks=0
while IFS= read -r s; do
	[ -n "$s" ] || continue
	if grep -rqF -- "$s" "$WORK"/*.out "$WORK"/*.err; then
		leaks=$((leaks + 1))
		echo "# leaked: ${s:0:6}... in $(grep -rlF -- "$s" "$WORK"/*.out "$WORK"/*.err | tr '\n' ' ')"
	fi
done <"$WORK/secrets"
check "no token or secret in the output of $n_runs runs ($(grep -c . "$WORK/secrets") secrets checked)" [ "$leaks" -eq 0 ]

echo "login e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
