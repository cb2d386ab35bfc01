#!/bin/bash
# Isolation forest benchmark: isolation_forest_score(v) OVER (PARTITION BY g)
# against scikit-learn IsolationForest(random_state=0).fit(X).score_samples(X)
# on the same float32 data in the same run:
#   1. 1,000,000 rows in 1,000 groups of 1,000 (sklearn: one fit per group)
#   2. one group of 100,000 rows (one partition: OVER ())
# Needs a running cluster (PGHOST/PGPORT/PGUSER) with the extension installed.
# sklearn takes ~0.2 s per group, so by default it is timed on the first
# LW_BENCH_SKLEARN_GROUPS=100 groups and scaled to 1,000 (printed as such);
# set LW_BENCH_SKLEARN_GROUPS=1000 to time them all (~4 minutes more).
# PostgreSQL: best of three runs of the query (psql \timing); sklearn: one
# pass over the groups, best of three for the single group.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
DB=bench_iforest
SK_GROUPS=${LW_BENCH_SKLEARN_GROUPS:-100}
TMP=$(mktemp -d /tmp/lw-bench-iforest.XXXXXX)
cleanup() {
	rm -rf "$TMP"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "generating data (numpy, seed 7) ..."
"$PY" "$HERE/iforest_data.py" "$TMP"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
q -c "CREATE EXTENSION listen_wiseer" \
  -c "CREATE TABLE raw (g int, i int, a real[])" \
  -c "CREATE TABLE groups (g int, i int, v feature_vector)" \
  -c "CREATE TABLE big (g int, i int, v feature_vector)"
q -c "COPY raw FROM STDIN (FORMAT binary)" < "$TMP/groups.copy"
q -c "INSERT INTO groups SELECT g, i, a::feature_vector FROM raw" -c "TRUNCATE raw"
q -c "COPY raw FROM STDIN (FORMAT binary)" < "$TMP/big.copy"
q -c "INSERT INTO big SELECT g, i, a::feature_vector FROM raw" -c "DROP TABLE raw" \
  -c "VACUUM ANALYZE groups" -c "VACUUM ANALYZE big"

# Milliseconds of one query as psql's \timing reports it (best of three runs:
# the machine is shared, and the best run is the least disturbed one).
pg_ms() {
	q -c '\timing on' -c "$1" -c "$1" -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | head -1
}
score_sql() {
	echo "SELECT count(s), round(sum(s)::numeric, 1) FROM (SELECT isolation_forest_score(v) OVER ($2) AS s FROM $1) x"
}

# sklearn must not inherit OpenBLAS tuning meant for other programs
sk() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$HERE/iforest_sklearn.py" "$TMP" "$@"; }

report() {
	# name, pg ms, sklearn seconds (measured), groups timed, groups total
	awk -v name="$1" -v pg="$2" -v sk="$3" -v done="$4" -v total="$5" 'BEGIN {
		sk_total = sk * total / done
		note = (done < total) ? sprintf(" (%d of %d groups timed: %.2f s, scaled)", done, total, sk) : ""
		printf "%s\n  PostgreSQL window function: %8.2f s\n  scikit-learn fit+score:     %8.2f s%s\n  ratio: %.1fx faster\n",
			name, pg / 1000, sk_total, note, sk_total / (pg / 1000)
	}'
}

echo "scoring ..."
pg1=$(pg_ms "$(score_sql groups "PARTITION BY g")")
read -r done1 total1 sk1 _ < <(sk groups "$SK_GROUPS")
pg2=$(pg_ms "$(score_sql big "")")
read -r done2 total2 sk2 _ < <(sk big)

report "1,000,000 rows in 1,000 groups (12 dims):" "$pg1" "$sk1" "$done1" "$total1"
report "one group of 100,000 rows (12 dims):" "$pg2" "$sk2" "$done2" "$total2"
