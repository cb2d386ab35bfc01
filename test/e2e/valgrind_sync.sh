#!/bin/bash
# One full sync (then a no-change sync and a CSV import) of the demo library under valgrind:
# exits non-zero on any memory error or definite/possible leak in lw-ingest.
#
# Needs PGHOST/PGPORT/PGUSER of a running cluster with the extension installed. LW_INGEST
# selects the binary (default ingestor/lw-ingest, which carries debug info: -g).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
command -v valgrind >/dev/null || { echo "valgrind_sync: valgrind is not installed" >&2; exit 2; }
db="lw_valgrind_$$"
createdb "$db" || exit 2
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION listen_wiseer' >/dev/null || exit 2
if [ -z "${E2E_CACHE:-}" ]; then
	E2E_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/lw-e2e-cache.XXXXXX")
	trap 'dropdb --if-exists "$db" >/dev/null 2>&1; rm -rf "$E2E_CACHE"' EXIT
fi
export E2E_CACHE
log=$(mktemp "${TMPDIR:-/tmp}/lw-valgrind.XXXXXX")
export LW_INGEST_WRAPPER="valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,possible --log-file=$log.%p"
export PYTHONDONTWRITEBYTECODE=1
cd "$ROOT/test/e2e" && LW_E2E_DB=$db python3 - "$log" <<'PY'
import os, sys
from e2e import Env, expected_library, load_library
env = Env("valgrind_sync")
X = expected_library(load_library())
rc, err, dt = env.sync()
env.eq(rc, 0, "sync under valgrind (exit 1 = valgrind found errors)")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "memberships loaded")
rc, err, dt = env.sync()
env.eq(rc, 0, "no-change sync under valgrind")
csv = os.path.join(env.tmp, "f.csv")
with open(csv, "w") as f:
    f.write('"Track URI","Danceability","Energy","Key","Loudness","Mode","Speechiness","Acousticness",'
            '"Instrumentalness","Liveness","Valence","Tempo"\n')
    for t in sorted(X["with_features"])[:20]:
        f.write('"spotify:track:%s",0.5,0.5,1,-5,1,0.1,0.1,0.1,0.1,0.5,120\n' % t)
    f.write('"bad row,1\n')
rc, err, dt = env.run("import-features", csv, extra_env={"LW_OVERWRITE": "1"})
env.eq(rc, 0, "import-features under valgrind")
env.finish()
PY
rc=$?
for f in "$log".*; do
	[ -s "$f" ] && { echo "--- valgrind report $f"; cat "$f"; }
done
rm -f "$log" "$log".*
[ $rc -eq 0 ] && echo "valgrind_sync: clean" || echo "valgrind_sync: FAILED"
exit $rc
