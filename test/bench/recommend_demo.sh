#!/bin/bash
# recommend() on the demo library (tools/mock generator, seed 42, 5000 tracks,
# loaded with its --emit-sql script as make eval does), against, in the same
# run, brute force (ORDER BY v <=> profile LIMIT 20 over every vector) and the
# PL/pgSQL recommend() it replaced (recommend_plpgsql_reference.sql):
#   * warm: p50 and p95 over every playlist (one warm-up call each);
#   * first call in a new session (one new connection per playlist);
#   * every playlist in one LATERAL query (best of 3, in one session);
#   * exactness: both implementations return the same rows (every column)
#     for every playlist under each option.
# Timings are server-side (clock_timestamp) except the first-call one, which
# is the statement's time as psql's \timing reports it.
#
#   KEEP=1   keep the database bench_recommend_demo afterwards
set -euo pipefail
DB=bench_recommend_demo
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
cleanup() {
	rm -rf "$WORK"
	[ -n "${KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"${PYTHON:-python3}" "$ROOT/tools/mock/generate_library.py" --seed 42 --tracks 5000 \
	--out "$WORK/lib.json" --emit-sql "$WORK/lib.sql"
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" \
	-c "CREATE DATABASE $DB" >/dev/null
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION listen_wiseer" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$WORK/lib.sql" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT listen_wiseer.refresh_vectors()" -c "VACUUM ANALYZE" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f "$HERE/recommend_plpgsql_reference.sql" >/dev/null
psql -X -Atq -c "SELECT count(*) || ' tracks with features, ' || (SELECT count(*) FROM listen_wiseer.playlists) || ' playlists'
                   FROM listen_wiseer.track_vectors"

# First call in a new session: one new connection per playlist and function.
: >"$WORK/first.tsv"
for f in recommend recommend_plpgsql; do
	for p in $(psql -X -Atq -c "SELECT playlist_id FROM listen_wiseer.playlists ORDER BY playlist_id"); do
		psql -X -q -At -c '\timing on' -c "SELECT count(*) FROM $f('$p', 20)" 2>&1 |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sed "s/^/$f\t$p\t/" >>"$WORK/first.tsv"
	done
done

# The second call in a new session: recommend() reads the pool into backend memory then (a
# session's first call reads it by SQL), so this is what the copy costs.
: >"$WORK/second.tsv"
for p in $(psql -X -Atq -c "SELECT playlist_id FROM listen_wiseer.playlists ORDER BY playlist_id"); do
	psql -X -q -At -c '\timing on' -c "SELECT count(*) FROM recommend('$p', 20)" -c "SELECT count(*) FROM recommend('$p', 20)" 2>&1 |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sed -n 2p | sed "s/^/recommend\t$p\t/" >>"$WORK/second.tsv"
done

psql -X -q -v ON_ERROR_STOP=1 -v first="$WORK/first.tsv" -v second="$WORK/second.tsv" -f "$HERE/recommend_demo.sql"

# CPU time of the backend (from /proc, the server is local) for the LATERAL
# query, as the machine may be shared: wall-clock times above include waiting.
cpu_ms() {
	local sql=$1 pid t0 t1 x
	coproc P { psql -X -q -At 2>&1; }
	echo "SELECT pg_backend_pid();" >&"${P[1]}"
	read -r -u "${P[0]}" pid
	echo "$sql;" >&"${P[1]}"; read -r -u "${P[0]}" x	# warm-up
	[ -r "/proc/$pid/stat" ] || { echo "\\q" >&"${P[1]}"; wait "$P_PID" 2>/dev/null; echo "n/a"; return; }
	t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	for _ in 1 2 3 4 5; do echo "$sql;" >&"${P[1]}"; read -r -u "${P[0]}" x; done
	t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	echo "\\q" >&"${P[1]}"; wait "$P_PID" 2>/dev/null || true
	echo $(( (t1 - t0) * 1000 / $(getconf CLK_TCK) / 5 ))
}
c=$(cpu_ms "SELECT count(*) FROM listen_wiseer.playlists pl CROSS JOIN LATERAL recommend(pl.playlist_id, 20) r")
p=$(cpu_ms "SELECT count(*) FROM listen_wiseer.playlists pl CROSS JOIN LATERAL recommend_plpgsql(pl.playlist_id, 20) r")
echo "every playlist in one LATERAL query, backend CPU ms (mean of 5): recommend() $c, recommend_plpgsql() $p"
[ "$c" != n/a ] && [ "$c" -gt 0 ] && echo "  ratio PL/pgSQL / C: $(awk -v p="$p" -v c="$c" 'BEGIN { printf "%.1f", p / c }')"
