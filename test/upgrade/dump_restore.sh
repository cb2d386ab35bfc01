#!/bin/bash
# Backup and restore: a library loaded through the real lw-ingest (plus a user's feature weight,
# which changes every vector) is dumped with pg_dump -Fc and restored with pg_restore into a new
# database; the restored database must hold every row of every table of the extension (the
# user's data from the dump, the derived tables rebuilt by the extension's triggers as the
# data comes in), the same objects, and give the same answers (recommend() for every playlist,
# genre_map, outliers, vectors: test/upgrade/outputs.sql).  Nothing needs running after
# pg_restore.
#
#   test/upgrade/dump_restore.sh     (needs PGHOST/PGPORT/PGUSER of a cluster with the current
#                                     extension installed, superuser; ingestor/lw-ingest built)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export E2E_LIB_ARGS=${E2E_LIB_ARGS:---seed 11 --tracks 300 --playlists 8}
export PYTHONDONTWRITEBYTECODE=1
SRC=lw_dump_src_$$
DST=lw_dump_dst_$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-dump.XXXXXX")
export E2E_CACHE=$WORK
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "dump_restore: FAIL: $*" >&2; exit 1; }
source "$HERE/compare.sh"

createdb "$SRC"
psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "CREATE EXTENSION listen_wiseer"
python3 "$HERE/sync_with.py" "$ROOT" "$SRC" || fail "lw-ingest sync failed"
psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c "INSERT INTO listen_wiseer.feature_weights VALUES ('tempo', 0.5)"

pg_dump -Fc -f "$WORK/library.dump" "$SRC"
createdb "$DST"
pg_restore -d "$DST" "$WORK/library.dump" || fail "pg_restore reported errors"

describe "$SRC" "$WORK/original"
describe "$DST" "$WORK/restored"
status=0
same_db "pg_dump/pg_restore" "$WORK/original" "$WORK/restored" || status=1
# the comparison covered a real library and real answers
for t in tracks track_vectors recommend_pool feature_weights; do
	grep -q "^listen_wiseer.$t|" "$WORK/original.rows" || fail "no row of listen_wiseer.$t was compared"
done
grep -q '^recommend|' "$WORK/original.outputs" || fail "no recommend() answer was compared"
[ $status -eq 0 ] && echo "dump_restore: ok"
exit $status
