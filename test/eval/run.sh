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
# Two modes, each printed, then compared in one table:
#   full   every track's features and every artist's genres, as Spotify gave them before 2024
#   2026   what a 2026 app has after lw-ingest's enrichment: features only for the tracks the
#          mocked ReccoBeats knows, genres only from the mocked MusicBrainz / Last.fm
#          (tools/mock/enrich_truth.py, the ground truth the mocks answer from; the e2e test
#          test_enrich_basic checks that lw-ingest stores exactly that)
# Hidden members are drawn, in each mode, from the members that have features.
#
#   EVAL_MODES="full 2026"  the modes to run (default both)
#   EVAL_DB=name   database to (re)create (default eval; eval_2026 for the second mode)
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
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS ${DB}_2026" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

echo "eval: demo library seed $SEED, $TRACKS tracks"
"$PY" "$ROOT/tools/mock/generate_library.py" --seed "$SEED" --tracks "$TRACKS" \
	--out "$WORK/lib.json" --emit-sql "$WORK/lib.sql"

run_mode() {	# run_mode MODE DB
	local MODE=$1 DB=$2
	echo
	echo "eval: mode $MODE"
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
	if [ "$MODE" = 2026 ]; then
		restrict_2026 "$DB"
	fi
	psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$HERE/eval.sql"
	psql -X -q -d "$DB" -tA -F $'\t' -c "SELECT method, avg(recall) FROM eval.per_playlist GROUP BY method" \
		>"$WORK/recall-$MODE.tsv"
	# and with a catalog in the candidate pool (hidden members moved to a catalog)
	if [ "$MODE" = full ]; then
		psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -f "$HERE/eval_catalog.sql"
	fi
}

# 2026: keep the features ReccoBeats knows (source 'reccobeats'), replace every artist's genres
# by what MusicBrainz / Last.fm give (NULL where neither knows any).
restrict_2026() {
	local DB=$1
	"$PY" - "$WORK/lib.json" "$ROOT/tools/mock" >"$WORK/enriched.tsv" <<'PYEOF'
import json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from enrich_truth import Truth, enriched_genres
lib = json.load(open(sys.argv[1]))
t = Truth(lib)
for tr in lib["tracks"]:
    if t.rb_known(tr["id"]):
        print("feature\t%s\t\\N\t\\N" % tr["id"])
for a in lib["artists"]:
    e = enriched_genres(t, a["id"])
    if e:
        arr = "{" + ",".join('"%s"' % g.replace("\\", "\\\\").replace('"', '\\"') for g in e[1]) + "}"
        print("genres\t%s\t%s\t%s" % (a["id"], e[0], arr.replace("\\", "\\\\")))
PYEOF
	psql -X -q -d "$DB" -v ON_ERROR_STOP=1 \
		-c "CREATE TEMP TABLE e (kind text, id text, source text, genres text[])" \
		-c "\\copy e FROM '$WORK/enriched.tsv'" \
		-c "DELETE FROM listen_wiseer.audio_features f WHERE NOT EXISTS (SELECT FROM e WHERE e.kind = 'feature' AND e.id = f.track_id)" \
		-c "UPDATE listen_wiseer.audio_features SET source = 'reccobeats', source_detail = 'eval'" \
		-c "UPDATE listen_wiseer.artists SET genres = NULL, genres_source = NULL" \
		-c "UPDATE listen_wiseer.artists a SET genres = e.genres, genres_source = e.source FROM e WHERE e.kind = 'genres' AND e.id = a.artist_id" \
		-c "SELECT listen_wiseer.refresh_vectors()" >/dev/null
	psql -X -q -d "$DB" -tA -c "SELECT 'eval 2026: ' || (SELECT count(*) FROM listen_wiseer.audio_features) || ' of '
		|| (SELECT count(*) FROM listen_wiseer.tracks) || ' tracks with features, '
		|| (SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL) || ' of '
		|| (SELECT count(*) FROM listen_wiseer.artists) || ' artists with genres'"
}

MODES=${EVAL_MODES:-full 2026}
for m in $MODES; do
	case $m in
	full) run_mode full "$DB" ;;
	2026) run_mode 2026 "${DB}_2026" ;;
	*) echo "eval: unknown mode $m (full, 2026)" >&2; exit 2 ;;
	esac
done

if [ -s "$WORK/recall-full.tsv" ] && [ -s "$WORK/recall-2026.tsv" ]; then
	echo
	echo "eval: recall@20, full data vs 2026 (features and genres only where the mocked services know them)"
	"$PY" - "$WORK/recall-full.tsv" "$WORK/recall-2026.tsv" <<'PYEOF'
import sys
def load(p):
    return dict((l.split("\t")[0], float(l.split("\t")[1])) for l in open(p) if l.strip())
full, y26 = load(sys.argv[1]), load(sys.argv[2])
w = max(len(m) for m in full)
print("%-*s | %9s | %9s | %s" % (w, "method", "full", "2026", "2026/full"))
print("-" * w + "-+-----------+-----------+----------")
for m in sorted(full, key=lambda m: (m.startswith("  "), m.startswith("("), -full[m])):
    r = y26.get(m)
    print("%-*s | %9.4f | %9s | %s" % (w, m, full[m], "%.4f" % r if r is not None else "-",
                                      "%.2f" % (r / full[m]) if r is not None and full[m] else "-"))
f, r = full.get("recommend()"), y26.get("recommend()")
ok = f is not None and r is not None and r >= 0.9 * f
print("target (2026 recall@20 of recommend() >= 0.9x full data): %s (%.2f)" % ("PASS" if ok else "FAIL", r / f if f else 0))
PYEOF
fi
