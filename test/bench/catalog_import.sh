#!/bin/bash
# Benchmark of `lw-ingest import-catalog` on a generated catalog in the 1.2M set's format
# (test/e2e/catalog_gen.py; default 1,200,000 tracks, BENCH_CATALOG_ROWS to change):
#  - wall time and rows per second of the whole import (read, check, COPY, merge, vectors),
#    against a baseline in the same run: psql \copy of the same file into a table of text
#    columns (the floor for getting the bytes into PostgreSQL, no checks, no merge);
#  - the time of the vectors (refresh_vectors() and what it maintains), from the import's log;
#  - peak memory (max RSS from /usr/bin/time -v) of the import, against a file a tenth the size:
#    the same peak shows that memory does not grow with the file;
#  - a second import of the same file (nothing to write).
# The target (README "Import a catalog") is 2 minutes for 1.2M rows including the vectors.
#
# Needs PGHOST/PGPORT/PGUSER of a running cluster with the extension installed; creates and drops
# bench_catalog* databases.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
ROWS=${BENCH_CATALOG_ROWS:-1200000}
SMALL=$((ROWS / 10))
PY=${PYTHON:-python3}
[ -x "$LW_INGEST" ] || { echo "catalog bench: build lw-ingest first (make -C ingestor)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "catalog bench: /usr/bin/time is missing" >&2; exit 2; }
psql -X -d postgres -tAc 'SELECT 1' >/dev/null || { echo "catalog bench: no database server" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-bench-catalog.XXXXXX")
cleanup() {
	for d in bench_catalog bench_catalog_small bench_catalog_copy; do
		dropdb --if-exists "$d" >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

calc() {	# calc EXPR: floating-point arithmetic with awk
	awk "BEGIN { print $1 }"
}

fresh_db() {
	dropdb --if-exists "$1" >/dev/null 2>&1
	createdb "$1" && psql -X -q -d "$1" -c "CREATE EXTENSION listen_wiseer" >/dev/null
}

# import DB FILE LOG: runs the import under /usr/bin/time; prints "seconds max_rss_kb"
import() {
	LW_WAIT_LOCK=1 /usr/bin/time -v "$LW_INGEST" import-catalog "$2" --dbname "$1" >"$3" 2>&1 || {
		cat "$3" >&2
		return 1
	}
	awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; t = s }
	     /Maximum resident set size/ { m = $NF }
	     END { printf "%.1f %d\n", t, m }' "$3"
}

echo "generating $ROWS and $SMALL tracks (tracks1200k format) ..."
t0=$(date +%s.%N)
"$PY" "$ROOT/test/e2e/catalog_gen.py" --format tracks1200k --rows "$ROWS" --seed 1 \
	--out "$WORK/tracks_features.csv" || exit 1
"$PY" "$ROOT/test/e2e/catalog_gen.py" --format tracks1200k --rows "$SMALL" --seed 2 \
	--out "$WORK/small.csv" || exit 1
lines=$(($(wc -l <"$WORK/tracks_features.csv") - 1))
printf "generated in %.0f s: %d data rows, %d MB\n" "$(calc "$(date +%s.%N) - $t0")" "$lines" \
	$(($(stat -c %s "$WORK/tracks_features.csv") / 1048576))

# baseline: the raw file into PostgreSQL
fresh_db bench_catalog_copy || exit 1
cols=$(head -1 "$WORK/tracks_features.csv" | tr ',' '\n' | sed 's/.*/"&" text/' | paste -sd, -)
psql -X -q -d bench_catalog_copy -c "CREATE UNLOGGED TABLE raw ($cols)" || exit 1
t0=$(date +%s.%N)
psql -X -q -d bench_catalog_copy -c "\\copy raw FROM '$WORK/tracks_features.csv' CSV HEADER" || exit 1
base=$(calc "$(date +%s.%N) - $t0")
dropdb bench_catalog_copy

fresh_db bench_catalog_small || exit 1
read -r small_s small_rss < <(import bench_catalog_small "$WORK/small.csv" "$WORK/small.log") || exit 1
dropdb bench_catalog_small

fresh_db bench_catalog || exit 1
read -r big_s big_rss < <(import bench_catalog "$WORK/tracks_features.csv" "$WORK/big.log") || exit 1
vectors=$(sed -n 's/.*vectors refreshed in \([0-9.]*\) s.*/\1/p' "$WORK/big.log")
read -r again_s again_rss < <(import bench_catalog "$WORK/tracks_features.csv" "$WORK/again.log") || exit 1
tracks=$(psql -X -tAc "SELECT count(*) FROM listen_wiseer.tracks" -d bench_catalog)
vecs=$(psql -X -tAc "SELECT count(*) FROM listen_wiseer.track_vectors" -d bench_catalog)
size=$(psql -X -tAc "SELECT pg_size_pretty(pg_database_size(current_database()))" -d bench_catalog)
grep -E "info: (import-catalog|tracks|audio)" "$WORK/big.log" | sed 's/^/  /'

printf "\n%-44s %10s %12s %10s\n" "" "seconds" "rows/s" "peak RSS"
printf "%-44s %10.1f %12.0f %10s\n" "baseline: psql \\copy into text columns" "$base" "$(calc "$lines / $base")" "-"
printf "%-44s %10.1f %12.0f %8d kB\n" "import-catalog, $SMALL tracks" "$small_s" "$(calc "$SMALL / $small_s")" "$small_rss"
printf "%-44s %10.1f %12.0f %8d kB\n" "import-catalog, $lines rows (incl. vectors)" "$big_s" "$(calc "$lines / $big_s")" "$big_rss"
printf "%-44s %10s\n" "  of which vectors (refresh_vectors)" "${vectors:-?}"
printf "%-44s %10.1f %12s %8d kB\n" "same file again (nothing to write)" "$again_s" "-" "$again_rss"
printf "\nimport / baseline: %.1fx; stored: %s tracks, %s vectors (database %s); peak RSS %s vs %s kB at a tenth of the rows\n" \
	"$(calc "$big_s / $base")" "$tracks" "$vecs" "$size" "$big_rss" "$small_rss"
printf "target: %d rows in <= 120 s including vectors: %s (%.1f s)\n" "$lines" \
	"$(awk -v s="$big_s" 'BEGIN { print (s <= 120) ? "met" : "NOT met on this machine" }')" "$big_s"
