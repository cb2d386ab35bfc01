#!/bin/bash
# BI clients end to end (README "BI tools"): the cluster serves TCP with passwords only, the socket
# only its own OS user; a login made by listen_wiseer.create_reader_login() connects with pgjdbc
# (test/bi/BiJdbc.java), psqlODBC (test/bi/bi_odbc.py) and libpq over TCP, reads every view with
# plain column types, runs recommend() with bound integer parameters, and cannot write; the
# `lw-ingest report` page it writes is checked in headless Chromium against SQL
# (test/bi/check_report.py).
#
#   test/bi/run.sh
#
# Needs a running cluster started with LW_LISTEN_TCP=1 and its PG* environment (a superuser over
# the socket: eval "$(tools/cluster.sh env)"); make test starts one so. Each run uses its own
# database and login, dropped at the end.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
JDBC_JAR=${JDBC_JAR:-/usr/share/java/postgresql.jar}
# Debian's python3 has python3-pyodbc (a python3 earlier in PATH may not)
ODBC_PY=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
# the views docs/reference.md documents for BI tools
VIEWS="playlist_genre_mix playlist_family_mix track_genre artist_genre playlist_outliers feature_scaling
track_features_standardized track_release_dates sync_health"

failed=0
pass() { echo "ok $*"; }
fail() { echo "FAIL $*"; failed=1; }

for tool in java javac chromium psql "$LW_INGEST"; do
	command -v "$tool" >/dev/null || { echo "bi: $tool is missing (run tools/install-deps.sh; make)" >&2; exit 1; }
done
[ -f "$JDBC_JAR" ] || { echo "bi: $JDBC_JAR is missing (libpostgresql-jdbc-java)" >&2; exit 1; }
"$ODBC_PY" -c 'import pyodbc' 2>/dev/null || { echo "bi: pyodbc is missing (python3-pyodbc)" >&2; exit 1; }
listen=$(psql -X -Atc 'SHOW listen_addresses' -d postgres 2>/dev/null) || {
	echo "bi: no database server (eval \"\$(tools/cluster.sh env)\")" >&2; exit 1; }
[ "$listen" = 127.0.0.1 ] || {
	echo "bi: the cluster does not listen on 127.0.0.1 (listen_addresses='$listen'): start it with LW_LISTEN_TCP=1" >&2
	exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-bi.XXXXXX")
chmod 755 "$WORK"
DB=lw_bi_$$
LOGIN=lw_bi_login_$$
PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
cleanup() {
	dropdb --if-exists "$DB" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $LOGIN" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
export PGDATABASE=$DB
TCP="host=127.0.0.1 port=$PGPORT dbname=$DB"

# --- the cluster's doors
rules=$(psql -X -Atc "SELECT count(*) FROM pg_hba_file_rules WHERE type LIKE 'host%' AND auth_method <> 'scram-sha-256'" -d postgres)
[ "$rules" = 0 ] && pass "pg_hba.conf: every TCP line asks for a scram-sha-256 password" || fail "pg_hba.conf has $rules TCP lines without scram-sha-256"
[ "$(psql -X -Atc 'SHOW password_encryption' -d postgres)" = scram-sha-256 ] && pass "password_encryption = scram-sha-256" || fail "password_encryption"
out=$(PGPASSWORD= psql -X -w -Atc 'SELECT 1' "$TCP user=postgres" 2>&1) && fail "superuser over TCP without a password got in" \
	|| pass "superuser over TCP without a password refused (${out%%$'\n'*})"
mode=$(stat -c '%a' "$PGHOST")
sockmode=$(stat -c '%a' "$PGHOST/.s.PGSQL.$PGPORT")
owner=$(stat -c '%U' "$PGHOST/.s.PGSQL.$PGPORT")
[ "$mode" = 700 ] && [ "$sockmode" = 700 ] && [ "$(stat -c '%U' "$PGHOST")" = "$owner" ] \
	&& pass "socket directory and socket are mode 0700, owned by the server's OS user ($owner)" \
	|| fail "socket directory mode $mode, socket mode $sockmode"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	out=$(runuser -u nobody -- "$(command -v psql)" -X -w -Atc 'SELECT 1' -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres 2>&1) \
		&& fail "another OS user (nobody) connected through the socket" \
		|| pass "another OS user (nobody) is refused at the socket ($(echo "$out" | head -n 1 | sed 's/.*: //'))"
else
	echo "skip: connecting as another OS user needs root (the 0700 check above stands for it)"
fi

# --- a library (the demo's: mock Spotify, two syncs) and the BI login
createdb "$DB" && psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION listen_wiseer' \
	&& psql -X -q -v ON_ERROR_STOP=1 -f "$ROOT/extension/roles.sql" >/dev/null || { echo "bi: cannot set up $DB" >&2; exit 1; }
for i in 1 2; do
	mkdir "$WORK/sync$i"
	LW_INGEST=$LW_INGEST "$ROOT/tools/demo-ingest.sh" "$WORK/sync$i" >"$WORK/sync$i.log" 2>&1 \
		|| { cat "$WORK/sync$i.log"; echo "bi: demo sync $i failed" >&2; exit 1; }
done
psql -X -q -v ON_ERROR_STOP=1 -v login="$LOGIN" -v pw="$PASSWORD" >/dev/null \
	<<<"SELECT listen_wiseer.create_reader_login(:'login', :'pw')" || { echo "bi: create_reader_login failed" >&2; exit 1; }
PLAYLIST=$(psql -X -Atc "SELECT p.name FROM listen_wiseer.playlists p JOIN listen_wiseer.playlist_tracks pt USING (playlist_id)
	GROUP BY p.playlist_id, p.name ORDER BY count(*) DESC, p.playlist_id LIMIT 1")

# --- libpq (psql, psycopg2, pandas) over TCP
out=$(PGPASSWORD=$PASSWORD psql -X -w -Atc 'SELECT current_user, inet_server_addr()' "$TCP user=$LOGIN" 2>&1)
[ "$out" = "$LOGIN|127.0.0.1" ] && pass "libpq over TCP with the password" || fail "libpq over TCP: $out"
out=$(PGPASSWORD=not-$PASSWORD psql -X -w -Atc 'SELECT 1' "$TCP user=$LOGIN" 2>&1) && fail "libpq: a wrong password got in" \
	|| { [[ $out == *"password authentication failed"* ]] && pass "libpq: a wrong password is refused" || fail "libpq: $out"; }

# --- pgjdbc
mkdir "$WORK/classes"
if javac -d "$WORK/classes" -cp "$JDBC_JAR" "$ROOT/test/bi/BiJdbc.java"; then
	# shellcheck disable=SC2086
	java -cp "$JDBC_JAR:$WORK/classes" BiJdbc "jdbc:postgresql://127.0.0.1:$PGPORT/$DB" "$LOGIN" "$PASSWORD" \
		"$PLAYLIST" $VIEWS || fail "pgjdbc"
else
	fail "javac BiJdbc.java"
fi

# --- psqlODBC
# shellcheck disable=SC2086
"$ODBC_PY" "$ROOT/test/bi/bi_odbc.py" 127.0.0.1 "$PGPORT" "$DB" "$LOGIN" "$PASSWORD" "$PLAYLIST" $VIEWS || fail "psqlODBC"

# --- the report, written as the BI login, checked in Chromium
page=$(PGPASSWORD=$PASSWORD "$LW_INGEST" report --out "$WORK/report" --dbname "$TCP user=$LOGIN")
rc=$?
[ $rc -eq 0 ] && [ "$page" = "$WORK/report/report.html" ] && pass "lw-ingest report as the BI login wrote $page" \
	|| fail "lw-ingest report exited $rc ($page)"
[ $rc -eq 0 ] && { python3 "$ROOT/test/bi/check_report.py" "$page" "$WORK" || fail "the report's content"; }
"$LW_INGEST" report --dbname "$TCP user=$LOGIN" >/dev/null 2>&1
[ $? -eq 2 ] && pass "lw-ingest report without --out exits 2" || fail "lw-ingest report without --out"
PGPASSWORD=wrong "$LW_INGEST" report --out "$WORK/nope" --dbname "$TCP user=$LOGIN" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && [ ! -e "$WORK/nope/report.html" ] && pass "lw-ingest report with a wrong password exits 1, writes nothing" \
	|| fail "lw-ingest report with a wrong password exited $rc"

if [ $failed -eq 0 ]; then echo "bi: all passed"; else echo "bi: FAILED"; fi
exit $failed
