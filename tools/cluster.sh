#!/bin/bash
# The project's own PostgreSQL 15 cluster: data directory and unix socket inside
# the checkout (git-ignored), a port away from the system cluster's 5432.
#
#   tools/cluster.sh start | stop | status | env | psql [args]
#   tools/cluster.sh restart-immediate   crash-restart a running cluster (pg_ctl restart -m immediate:
#                                       no shutdown checkpoint, crash recovery at start; e2e tests)
#
# LW_PGDATA / LW_PGPORT override the defaults (private clusters for parallel work).
# LW_LISTEN_TCP=1 (at start) also listens on 127.0.0.1:PORT for BI tools (JDBC, ODBC); every TCP
# connection needs a password (scram-sha-256), trust never applies to TCP (pg_hba.conf is
# rewritten at every start). The unix socket's directory is mode 0700, owned by the server's OS
# user: only that user (and root) can reach it, so its 'trust' line serves nobody else.
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

case "${LW_LISTEN_TCP:-0}" in
1) LISTEN=127.0.0.1 ;;
0 | '') LISTEN= ;;
*) echo "cluster: LW_LISTEN_TCP must be 1 or 0, not '$LW_LISTEN_TCP'" >&2; exit 2 ;;
esac
# Settings given at every start, so they hold for clusters created by older versions too.
server_opts() {
	echo "-p $PORT -k $SOCK -c listen_addresses='$LISTEN' -c unix_socket_permissions=0700 -c password_encryption=scram-sha-256"
}

# pg_hba.conf, rewritten at every start: the socket (reachable only by the server's OS user,
# see above) trusts; TCP, when on, checks a scram-sha-256 password for every role and database.
write_hba() {
	run tee "$DATA/pg_hba.conf" >/dev/null <<'HBA'
# written by tools/cluster.sh at every start (edits here are lost)
# TYPE  DATABASE     USER  ADDRESS       METHOD
local   all          all                 trust
local   replication  all                 trust
host    all          all   127.0.0.1/32  scram-sha-256
host    all          all   ::1/128       scram-sha-256
HBA
}

# The address the running server listens on ('' = socket only), from postmaster.pid line 6.
running_listen() {
	sed -n 6p "$DATA/postmaster.pid" 2>/dev/null | tr -d ' '
}

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
	fi
	chmod 700 "$SOCK"
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
		# only a switch given explicitly must match: plain 'start' keeps a running cluster as it is
		if [ -n "${LW_LISTEN_TCP:-}" ] && [ "$(running_listen)" != "$LISTEN" ]; then
			echo "cluster: already running with listen_addresses='$(running_listen)';" \
				"run '$0 stop' first to start it with LW_LISTEN_TCP=${LW_LISTEN_TCP:-0}" >&2
			exit 1
		fi
		return 0
	fi
	write_hba
	# A stale pid file from an interrupted run must not block the start.
	if [ -f "$DATA/postmaster.pid" ]; then
		rm -f "$DATA/postmaster.pid"
	fi
	# The project's ports lie in Linux's ephemeral range (32768-60999): another process's client
	# socket can hold 127.0.0.1:PORT for a moment, and the server cannot listen there (a CI run
	# lost its sanitizer cluster so). Such a start is tried again for up to 30 s.
	local tries=0
	until run "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "$(server_opts)" start >/dev/null; do
		tries=$((tries + 1))
		if [ "$tries" -ge 30 ] || ! tail -n 5 "$LOG" | grep -q "could not create any TCP/IP sockets"; then
			return 1
		fi
		echo "cluster: 127.0.0.1:$PORT is in use for now; starting again in 1 s" >&2
		sleep 1
	done
}

stop() {
	if [ -s "$DATA/PG_VERSION" ] && is_running; then
		run "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
	fi
}

restart_immediate() {
	is_running || { echo "cluster: not running" >&2; exit 1; }
	# without an explicit switch, come back listening where it listened
	[ -n "${LW_LISTEN_TCP:-}" ] || LISTEN=$(running_listen)
	run "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -m immediate -w -t 60 -o "$(server_opts)" restart >/dev/null
}

case "${1:-}" in
start) start ;;
restart-immediate) restart_immediate ;;
stop) stop ;;
status) if is_running; then
		echo "running on port $PORT (socket $SOCK, data $DATA)"
		[ -n "$(running_listen)" ] && echo "TCP: $(running_listen):$PORT, scram-sha-256 passwords"
		true
	else echo "stopped"; exit 3; fi ;;
env) print_env ;;
psql) shift; eval "$(print_env)"; exec psql "$@" ;;
*) echo "usage: $0 start|stop|status|env|psql|restart-immediate" >&2; exit 2 ;;
esac
