#!/bin/bash
# End-to-end tests of lw-ingest: the real binary against the mock Spotify and a real cluster.
#
#   test/e2e/run.sh [NAME ...]      run test/e2e/test_*.py and test_*.sh (or only those named)
#
# Needs a running cluster with the extension installed: PGHOST/PGPORT/PGUSER (e.g.
# eval "$(tools/cluster.sh env)"). Each test gets a fresh database with CREATE EXTENSION
# listen_wiseer, passed as LW_E2E_DB. LW_INGEST selects the binary (default ingestor/lw-ingest;
# the ASan/UBSan build is ingestor/build/asan/lw-ingest).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LW_INGEST=${LW_INGEST:-$ROOT/ingestor/lw-ingest}
PY=${PYTHON:-python3}
export PYTHONDONTWRITEBYTECODE=1

if [ ! -x "$LW_INGEST" ]; then
	echo "e2e: $LW_INGEST is not built (make -C ingestor)" >&2
	exit 2
fi
if ! psql -X -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
	echo "e2e: no database server (set PGHOST/PGPORT/PGUSER, e.g. eval \"\$(tools/cluster.sh env)\")" >&2
	exit 2
fi

E2E_CACHE=$(mktemp -d "${TMPDIR:-/tmp}/lw-e2e-cache.XXXXXX")
export E2E_CACHE
trap 'rm -rf "$E2E_CACHE"' EXIT

tests=()
if [ $# -gt 0 ]; then
	for n in "$@"; do
		n=${n#test_}
		for f in "$ROOT"/test/e2e/test_"$n".py "$ROOT"/test/e2e/test_"$n".sh "$ROOT"/test/e2e/test_"$n"; do
			[ -f "$f" ] && tests+=("$f") && break
		done
	done
else
	for f in "$ROOT"/test/e2e/test_*.py "$ROOT"/test/e2e/test_*.sh; do
		[ -f "$f" ] && tests+=("$f")
	done
fi

pass=0
fail=0
failed=()
start=$(date +%s)
for t in "${tests[@]}"; do
	name=$(basename "$t")
	name=${name%.*}
	db="lw_e2e_${name#test_}_$$"
	dropdb --if-exists "$db" >/dev/null 2>&1
	if ! createdb "$db" || ! psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION listen_wiseer' >/dev/null; then
		echo "$name: could not create database $db"
		fail=$((fail + 1)); failed+=("$name")
		continue
	fi
	t0=$(date +%s)
	case "$t" in
	*.py) LW_E2E_DB=$db timeout 300 "$PY" "$t" ;;
	*) LW_E2E_DB=$db timeout 300 bash "$t" ;;
	esac
	rc=$?
	echo "  ($name: $(( $(date +%s) - t0 ))s)"
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("$name")
	fi
	dropdb --if-exists "$db" >/dev/null 2>&1
done
echo "e2e: $pass passed, $fail failed ($(( $(date +%s) - start ))s)${failed[*]:+; failed: ${failed[*]}}"
[ $fail -eq 0 ]
