#!/bin/bash
# make eval: recommendation quality on the demo library.
#
# Generates the demo library (seed 42, 5000 tracks), loads it into a database
# "eval" of the running cluster (PGHOST/PGPORT/PGUSER), hides 20% of every
# playlist's members (deterministic: by md5 of playlist and track id; hidden
# tracks stay in the library as candidates), asks each method for 20 tracks per
# playlist, and prints recall@20 and NDCG@20 averaged over the playlists.
# Then (eval_catalog.sql) moves the hidden members found in no other playlist
# to a catalog among 20,000 distractors and compares recall with the catalog
# in the candidate pool (source => 'all') and without (source => 'library').
#
#   EVAL_DB=name   database to (re)create (default eval)
#   EVAL_KEEP=1    keep the database afterwards (default: dropped)
#   EVAL_SETUP_SQL=file  extra SQL run right after CREATE EXTENSION (experiments)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DB=${EVAL_DB:-eval}
SEED=${EVAL_SEED:-42}
TRACKS=${EVAL_TRACKS:-5000}
PY=${PYTHON:-python3}

WORK=$(mktemp -d)
cleanup() {
	rm -rf "$WORK"
	if [ -z "${EVAL_KEEP:-}" ]; then
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

echo "eval: demo library seed $SEED, $TRACKS tracks"
"$PY" "$ROOT/tools/mock/generate_library.py" --seed "$SEED" --tracks "$TRACKS" \
	--out "$WORK/lib.json" --emit-sql "$WORK/lib.sql"

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" \
	-c "CREATE DATABASE $DB" >/dev/null
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
	-c "CREATE EXTENSION listen_wiseer" >/dev/null
if [ -n "${EVAL_SETUP_SQL:-}" ]; then
	psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$EVAL_SETUP_SQL" >/dev/null
fi
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$WORK/lib.sql" >/dev/null
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "SELECT listen_wiseer.refresh_vectors()" >/dev/null
# Ground truth the library does not hold: each track's theme and each
# playlist's theme (for the theme-precision diagnostic), and each track's
# probability of having been put in its theme's playlist (the generator's
# artist affinity; for the oracle ceiling). The affinities are not in the JSON:
# the generator is rerun in-process (deterministic) and checked to match.
"$PY" - "$WORK/lib.json" "$ROOT/tools/mock" "$SEED" "$TRACKS" >"$WORK/truth.tsv" <<'PYEOF'
import json, sys
sys.dont_write_bytecode = True
lib = json.load(open(sys.argv[1]))
sys.path.insert(0, sys.argv[2])
import generate_library
g = generate_library.Gen(int(sys.argv[3]), int(sys.argv[4]))
g.build()
assert [t["id"] for t in g.tracks] == [t["id"] for t in lib["tracks"]], "generator rerun differs"
for t in lib["tracks"]:
    print("track\t%s\t%s\t%.6f" % (t["id"], t["theme"], g.p_member[t["id"]]))
for p in lib["playlists"]:
    print("playlist\t%s\t%s\t\\N" % (p["id"], p["theme"]))
PYEOF
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 \
	-c "CREATE TABLE public.eval_truth (kind text, id text, theme text, p float8)" \
	-c "\\copy public.eval_truth FROM '$WORK/truth.tsv'" >/dev/null
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$HERE/eval.sql"
# and with a catalog in the candidate pool (hidden members moved to a catalog)
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$HERE/eval_catalog.sql"
