#!/bin/bash
# tools/cluster.sh start while 127.0.0.1:PORT is briefly held by another socket (the project's
# ports lie in Linux's ephemeral range, so any client socket may hold one for a moment): the
# start is tried again and succeeds once the port is free, and says so on stderr. Without the
# retry the start fails at once (a CI run lost its sanitizer cluster that way).
#
#   test/cluster/port_busy.sh      (LW_CLUSTER_TEST_PGPORT, default LW_TEST_PGPORT + 5 = 54621)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${LW_CLUSTER_TEST_PGPORT:-$((${LW_TEST_PGPORT:-54616} + 5))}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-cluster-test.XXXXXX")
chmod 755 "$WORK"
cluster() { LW_PGDATA="$WORK/data" LW_PGPORT=$PORT LW_LISTEN_TCP=1 "$ROOT/tools/cluster.sh" "$@"; }
HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
	cluster stop >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
failed=0
pass() { echo "ok $*"; }
fail() { echo "FAIL $*"; failed=1; }

# a socket listening on 127.0.0.1:PORT for 3 s (it tells when it holds the port)
python3 -c "
import socket, sys, time
s = socket.socket()
s.bind(('127.0.0.1', $PORT))
s.listen(1)
print('held', flush=True)
time.sleep(3)
" >"$WORK/holder.out" 2>&1 &
HOLDER=$!
for _ in $(seq 100); do grep -q held "$WORK/holder.out" 2>/dev/null && break; sleep 0.05; done
grep -q held "$WORK/holder.out" || { echo "FAIL the holder could not bind 127.0.0.1:$PORT: $(cat "$WORK/holder.out")"; exit 1; }

start=$SECONDS
if cluster start 2>"$WORK/start.err"; then
	pass "start succeeded once the port was free ($((SECONDS - start)) s)"
else
	fail "start failed: $(tail -3 "$WORK/start.err")"
fi
grep -q "in use for now" "$WORK/start.err" && pass "it waited for the port and said so" \
	|| fail "no retry reported: $(tail -3 "$WORK/start.err")"
listen=$(psql -X -Atc 'SHOW listen_addresses' -h "$WORK/.pgsock-$PORT" -p "$PORT" -U postgres -d postgres 2>&1)
[ "$listen" = 127.0.0.1 ] && pass "the server listens on 127.0.0.1:$PORT" || fail "listen_addresses: $listen"
exit $failed
