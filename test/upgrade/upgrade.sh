#!/bin/bash
# Upgrade test: a library loaded into each released version, exactly as released, survives
# ALTER EXTENSION listen_wiseer UPDATE, and the upgraded database matches a fresh install of
# the current version object by object and answer by answer.
#
#   test/upgrade/upgrade.sh        (PG_CONFIG or pg_config on PATH; LW_UPGRADE_PGPORT, default
#                                   LW_TEST_PGPORT + 3 = 54619, is the private cluster's port)
#
# For each release in extension/released/RELEASES ("VERSION COMMIT"; the tag vVERSION if present):
#  1. a private copy of the PostgreSQL tree in a temp dir (Debian's PostgreSQL is relocatable),
#     so the installed extension is never touched;
#  2. the release built from `git archive` and installed there; a private cluster started;
#  3. a library loaded through the release's own lw-ingest against its own mock Spotify;
#  4. the current build installed over it, the cluster restarted, ALTER EXTENSION ... UPDATE;
#  5. every row of every configuration table compared with before the update;
#  6. a fresh install of the current version in another database, given the same rows
#     (pg_dump --data-only of the upgraded one), compared with the upgraded one: every object
#     (describe_schema.sql), every row of every table incl. derived ones (snapshot_rows.sql),
#     and the answers (outputs.sql: recommend, genre_map, outliers, vectors);
#  7. a backup (pg_dump -Fc) taken on the release, restored on the current server into a database
#     created at the release's version, then updated: equal to the database updated in place.
# Any difference fails and is printed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# the Makefile's default: Debian's pg_config, else the one on PATH
PG_CONFIG=${PG_CONFIG:-$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || command -v pg_config || true)}
[ -x "$PG_CONFIG" ] || { echo "upgrade: pg_config not found (set PG_CONFIG)" >&2; exit 2; }
PORT=${LW_UPGRADE_PGPORT:-$((${LW_TEST_PGPORT:-54616} + 3))}
export E2E_LIB_ARGS=${E2E_LIB_ARGS:---seed 7 --tracks 300 --playlists 8}
export PYTHONDONTWRITEBYTECODE=1
CURRENT=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ROOT/listen_wiseer.control")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-upgrade.XXXXXX")
chmod 755 "$WORK"   # the server (user postgres when we are root) reads the tree and data here
export E2E_CACHE=$WORK
cluster() { PGBIN=$TREE_BIN LW_PGDATA=$WORK/pgdata LW_PGPORT=$PORT "$ROOT/tools/cluster.sh" "$@"; }
cleanup() {
	[ -n "${TREE_BIN:-}" ] && cluster stop >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "upgrade: FAIL: $*" >&2; exit 1; }
step() { echo "upgrade: $*"; }
source "$HERE/compare.sh"

# ---- 1. the private PostgreSQL tree: usr/lib/postgresql/N, usr/share/postgresql/N, usr/include/postgresql
BIN=$("$PG_CONFIG" --bindir)
MAJOR=$(basename "$(dirname "$BIN")")
PREFIX=${BIN%/usr/lib/postgresql/$MAJOR/bin}
[ "$PREFIX/usr/lib/postgresql/$MAJOR/bin" = "$BIN" ] ||
	fail "$BIN is not laid out as PREFIX/usr/lib/postgresql/N/bin (Debian's packages are)"
TREE=$WORK/tree
mkdir -p "$TREE/usr/lib/postgresql" "$TREE/usr/share/postgresql" "$TREE/usr/include"
cp -a "$PREFIX/usr/lib/postgresql/$MAJOR" "$TREE/usr/lib/postgresql/"
cp -a "$PREFIX/usr/share/postgresql/$MAJOR" "$TREE/usr/share/postgresql/"
cp -a "$PREFIX/usr/include/postgresql" "$TREE/usr/include/"
TREE_BIN=$TREE/usr/lib/postgresql/$MAJOR/bin
TREE_PGCONFIG=$TREE_BIN/pg_config
# whatever listen_wiseer the source tree had installed is not ours to test
rm -rf "$TREE/usr/share/postgresql/$MAJOR/extension/listen_wiseer"* \
	"$TREE/usr/lib/postgresql/$MAJOR/lib/listen_wiseer.so" "$TREE/usr/lib/postgresql/$MAJOR/lib/bitcode/listen_wiseer"*
[ "$("$TREE_PGCONFIG" --sharedir)" = "$TREE/usr/share/postgresql/$MAJOR" ] ||
	fail "the copied pg_config does not point into the copy ($("$TREE_PGCONFIG" --sharedir))"
export PATH=$TREE_BIN:$PATH
step "private PostgreSQL tree in $TREE ($(du -sm "$TREE" | cut -f1) MB)"

# the current build, installed into the private tree later (extension only)
make -s -C "$ROOT" -j2 PG_CONFIG="$TREE_PGCONFIG" SKIP_INGESTOR=1 >/dev/null

release_commit() {	# release_commit VERSION: the tag's commit, else the one RELEASES records
	local c
	if c=$(git -C "$ROOT" rev-parse -q --verify "refs/tags/v$1^{commit}" 2>/dev/null); then
		echo "$c"; return
	fi
	c=$(awk -v v="$1" '$1 == v { print $2 }' "$ROOT/extension/released/RELEASES")
	git -C "$ROOT" cat-file -e "$c^{commit}" 2>/dev/null ||
		fail "release $1: neither tag v$1 nor commit ${c:-?} is in this clone (fetch the full history)"
	echo "$c"
}

snapshot_config() {	# snapshot_config DB KEEP: the configuration tables' rows (KEEP: their columns)
	psql -X -q -At -v ON_ERROR_STOP=1 -v cols=config -v keep="$2" -d "$1" -f "$HERE/snapshot_rows.sql"
}

while read -r VERSION _; do
	case "$VERSION" in ''|'#'*) continue ;; esac
	COMMIT=$(release_commit "$VERSION")
	step "release $VERSION = commit $COMMIT -> $CURRENT"
	cluster stop >/dev/null 2>&1 || true
	rm -rf "$WORK/pgdata" "$WORK/v$VERSION"
	# the released extension (as released) and its ingestor
	mkdir -p "$WORK/v$VERSION"
	git -C "$ROOT" archive "$COMMIT" | tar -x -C "$WORK/v$VERSION"
	make -s -C "$WORK/v$VERSION" -j2 PG_CONFIG="$TREE_PGCONFIG" SKIP_INGESTOR=1 install >/dev/null
	make -s -C "$WORK/v$VERSION/ingestor" >/dev/null
	cluster start
	eval "$(cluster env)"
	old=lw_upgrade_old fresh=lw_upgrade_fresh
	createdb "$old"
	psql -X -q -v ON_ERROR_STOP=1 -d "$old" -c "CREATE EXTENSION listen_wiseer VERSION '$VERSION'"
	python3 "$HERE/sync_with.py" "$WORK/v$VERSION" "$old" || fail "release $VERSION: lw-ingest sync failed"
	keep=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$old" -f "$HERE/columns.sql")
	snapshot_config "$old" "$keep" > "$WORK/rows-$VERSION"
	step "$VERSION library: $(grep -c '^listen_wiseer.tracks|' "$WORK/rows-$VERSION") tracks," \
		"$(grep -c '^listen_wiseer.playlist_tracks|' "$WORK/rows-$VERSION") playlist entries"

	pg_dump -Fc -f "$WORK/dump-$VERSION" "$old"   # a backup taken on the release (step 7)

	# the current version over it, and the update
	make -s -C "$ROOT" PG_CONFIG="$TREE_PGCONFIG" SKIP_INGESTOR=1 install >/dev/null
	cluster stop && cluster start
	psql -X -q -v ON_ERROR_STOP=1 -d "$old" -c "ALTER EXTENSION listen_wiseer UPDATE"
	got=$(psql -X -q -At -d "$old" -c "SELECT extversion FROM pg_extension WHERE extname = 'listen_wiseer'")
	[ "$got" = "$CURRENT" ] || fail "after ALTER EXTENSION UPDATE the version is $got, not $CURRENT"
	snapshot_config "$old" "$keep" > "$WORK/rows-upgraded"
	same "release $VERSION: library rows before and after the update" "$WORK/rows-$VERSION" "$WORK/rows-upgraded" ||
		fail "release $VERSION: the update changed the library"

	# a fresh install given the same rows (what pg_dump keeps of the upgraded one)
	createdb "$fresh"
	psql -X -q -v ON_ERROR_STOP=1 -d "$fresh" -c "CREATE EXTENSION listen_wiseer"
	pg_dump --data-only -f "$WORK/data.sql" "$old"
	psql -X -q -v ON_ERROR_STOP=1 -d "$fresh" -f "$WORK/data.sql" >/dev/null
	describe "$old" "$WORK/upgraded"
	describe "$fresh" "$WORK/fresh"
	same_db "release $VERSION: updated vs fresh $CURRENT" "$WORK/upgraded" "$WORK/fresh" ||
		fail "release $VERSION: the updated database differs from a fresh $CURRENT"
	grep -q '^recommend|' "$WORK/upgraded.outputs" || fail "no recommend() answer was compared"
	grep -q '^outlier|' "$WORK/upgraded.outputs" || fail "no outlier was compared"

	# 7. the release's backup restored on the current version's server: create the extension at
	#    the dump's version first (pg_restore's CREATE EXTENSION IF NOT EXISTS then keeps it),
	#    restore, update; the result must equal the database updated in place
	restored=lw_upgrade_restored
	createdb "$restored"
	psql -X -q -v ON_ERROR_STOP=1 -d "$restored" -c "CREATE EXTENSION listen_wiseer VERSION '$VERSION'"
	pg_restore -d "$restored" "$WORK/dump-$VERSION" || fail "pg_restore of the $VERSION backup reported errors"
	psql -X -q -v ON_ERROR_STOP=1 -d "$restored" -c "ALTER EXTENSION listen_wiseer UPDATE"
	describe "$restored" "$WORK/restored"
	same_db "release $VERSION: updated in place vs backup restored then updated" "$WORK/upgraded" "$WORK/restored" ||
		fail "release $VERSION: its backup, restored and updated, differs from the database updated in place"
	cluster stop
done < "$ROOT/extension/released/RELEASES"
echo "upgrade: ok"
