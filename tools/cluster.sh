#!/bin/bash
# The project's own PostgreSQL 15 cluster: data directory and unix socket inside
# the checkout (git-ignored), a port away from the system cluster's 5432.
#
#   tools/cluster.sh start | stop | status | env | psql [args]
#   tools/cluster.sh restart-immediate   crash-restart a running cluster (pg_ctl restart -m immediate:
#                                       no shutdown checkpoint, crash recovery at start; e2e tests)
#
# LW_PGDATA / LW_PGPORT override the defaults (private clusters for parallel work).
# initdb refuses to run as root, so as root the server runs as the 'postgres'
# user (created by the postgresql-15 package); otherwise as the calling user.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${LW_PGPORT:-54615}
DATA=${LW_PGDATA:-$ROOT/.pgdata}
BASE=$(dirname "$DATA")
SOCK=${LW_PGSOCK:-$BASE/.pgsock-$PORT}
LOG=$BASE/.pglog-$PORT.log
SUPERUSER=postgres

mkdir -p "$BASE"
if [ "$(id -u)" -eq 0 ]; then
	RUNAS=(runuser -u postgres --)
	# The server user must reach the data directory; a checkout under /root cannot be.
	if ! runuser -u postgres -- test -x "$BASE" 2>/dev/null; then
		BASE=${TMPDIR:-/tmp}/listen-wiseer-$(echo "$DATA" | md5sum | cut -c1-8)
		DATA=$BASE/pgdata
		SOCK=$BASE/sock-$PORT
		LOG=$BASE/pglog-$PORT.log
		mkdir -p "$BASE"
		chmod 755 "$BASE"
	fi
else
	RUNAS=()
fi

run() { "${RUNAS[@]}" "$@"; }

print_env() {
	echo "export PGHOST='$SOCK' PGPORT='$PORT' PGUSER='$SUPERUSER' PGDATABASE='postgres'"
}

is_running() {
	run "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
	[ -x "$PGBIN/initdb" ] || { echo "cluster: $PGBIN/initdb not found (run tools/install-deps.sh)" >&2; exit 1; }
	mkdir -p "$SOCK"
	touch "$LOG"
	if [ "${#RUNAS[@]}" -gt 0 ]; then
		chown postgres: "$SOCK" "$LOG"
		chmod 755 "$SOCK"
	fi
	if [ ! -s "$DATA/PG_VERSION" ]; then
		rm -rf "$DATA"
		mkdir -p "$DATA"
		[ "${#RUNAS[@]}" -gt 0 ] && chown postgres: "$DATA"
		run "$PGBIN/initdb" -D "$DATA" -U "$SUPERUSER" --auth=trust --encoding=UTF8 \
			--locale=C.UTF-8 >/dev/null
		cat >>"$DATA/postgresql.conf" <<CONF
# listen_wiseer test cluster
listen_addresses = ''
unix_socket_directories = '$SOCK'
port = $PORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_worker_processes = 8
max_parallel_workers_per_gather = 2
logging_collector = off
CONF
	fi
	if is_running; then
		return 0
	fi
	# A stale pid file from an interrupted run must not block the start.
	if [ -f "$DATA/postmaster.pid" ]; then
		rm -f "$DATA/postmaster.pid"
	fi
	run "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-p $PORT -k $SOCK" start >/dev/null
}

stop() {
	if [ -s "$DATA/PG_VERSION" ] && is_running; then
		run "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
	fi
}

restart_immediate() {
	is_running || { echo "cluster: not running" >&2; exit 1; }
	run "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -m immediate -w -t 60 -o "-p $PORT -k $SOCK" restart >/dev/null
}

case "${1:-}" in
start) start ;;
restart-immediate) restart_immediate ;;
stop) stop ;;
status) if is_running; then echo "running on port $PORT (socket $SOCK, data $DATA)"; else echo "stopped"; exit 3; fi ;;
env) print_env ;;
psql) shift; eval "$(print_env)"; exec psql "$@" ;;
*) echo "usage: $0 start|stop|status|env|psql|restart-immediate" >&2; exit 2 ;;
esac
