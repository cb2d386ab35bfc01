#!/bin/bash
# make test: install what is missing, build, start a fresh cluster of our own,
# run every suite, stop what we started.  Prints "N passed, N failed" (suites).
set -uo pipefail
source "$(dirname "$0")/../tools/lib.sh"
cd "$ROOT"

# A fresh cluster for the tests, separate from the demo's; it also listens on 127.0.0.1 (passwords
# only) for the BI clients suite.
export LW_LISTEN_TCP=1
lw_setup_cluster "$ROOT/.pgdata-test" "${LW_TEST_PGPORT:-54616}" fresh

passed=0
failed=0
failed_names=()

suite() {
	local name=$1
	shift
	echo "=== $name"
	local start=$SECONDS
	if "$@"; then
		passed=$((passed + 1))
		echo "=== $name: ok ($((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		echo "=== $name: FAILED ($((SECONDS - start)) s)"
	fi
}

pg_regress_suite() {
	rm -f regression.diffs output_iso/regression.diffs
	if make -s installcheck; then
		return 0
	fi
	[ -f regression.diffs ] && cat regression.diffs
	[ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
	return 1
}

# The fixed list of suites (HACKING.md, "Test catalogue"). A suite whose script is missing or has
# lost its executable bit fails: it never silently drops out.
# need FILE...: each must exist and be executable (a directory: exist).
need() {
	local f
	for f in "$@"; do
		if [ -d "$f" ]; then continue; fi
		if [ ! -f "$f" ]; then echo "run-all: $f is missing" >&2; return 1; fi
		if [ ! -x "$f" ]; then echo "run-all: $f is not executable" >&2; return 1; fi
	done
}
checked() {	# checked FILE CMD...: run CMD if FILE is present and executable
	need "$1" || return 1
	shift
	"$@"
}
python_suite() {	# python_suite DIR PATTERN: unittest discovery that must find tests
	[ -d "$1" ] || { echo "run-all: $1 is missing" >&2; return 1; }
	python3 -m unittest discover -s "$1" -p "$2"
}

suite "pg_regress (sql/*.sql)" pg_regress_suite
suite "ingestor unit tests" make -s -C ingestor check
suite "ingestor unit tests (ASan+UBSan)" make -s -C ingestor check-sanitize
suite "mock services contract" python_suite test/mock 'test_*.py'
# The sanitizer pass of the end-to-end suite runs beside the suites below, on a fresh cluster of
# its own: e2e tests spend most of their time waiting (retry back-offs, Retry-After, pacing), and
# a cluster of its own keeps test_crash's restart away from every other suite.
ASAN_E2E="end-to-end under ASan+UBSan (own cluster, beside the others)"
ASAN_LOG=$(mktemp "${TMPDIR:-/tmp}/lw-e2e-asan.XXXXXX")
# (no TCP: the e2e tests use the socket, and every port bound is one a client socket could hold)
asan_cluster() { LW_PGDATA="$ROOT/.pgdata-test-asan" LW_PGPORT=$((${LW_TEST_PGPORT:-54616} + 4)) \
	LW_LISTEN_TCP=0 "$ROOT/tools/cluster.sh" "$@"; }
asan_e2e() {
	need ingestor/build/asan/lw-ingest test/e2e/run.sh || return 1
	asan_cluster stop >/dev/null 2>&1 || true
	rm -rf "$ROOT/.pgdata-test-asan"
	asan_cluster start || return 1
	(eval "$(asan_cluster env)" && LW_INGEST="$ROOT/ingestor/build/asan/lw-ingest" test/e2e/run.sh)
}
asan_e2e >"$ASAN_LOG" 2>&1 &
ASAN_PID=$!
trap 'kill $ASAN_PID 2>/dev/null; wait $ASAN_PID 2>/dev/null; asan_cluster stop >/dev/null 2>&1;
	rm -f "$ASAN_LOG"; "$ROOT/tools/cluster.sh" stop' EXIT
ASAN_START=$SECONDS
echo "=== $ASAN_E2E: started"

suite "end-to-end (lw-ingest, mock, cluster)" checked test/e2e/run.sh test/e2e/run.sh
suite "full sync under valgrind" checked test/e2e/valgrind_sync.sh test/e2e/valgrind_sync.sh
suite "genre matcher unit tests (ASan+UBSan)" checked test/genres/unit.sh test/genres/unit.sh
suite "genre rules survive pg_dump/pg_restore" checked test/genres/dump_restore.sh test/genres/dump_restore.sh
suite "genre vocabulary page lists the shipped rules" checked test/genres/vocabulary_doc.sh test/genres/vocabulary_doc.sh --check
suite "isolation forest vs scikit-learn" checked test/sklearn/agreement.sh test/sklearn/agreement.sh
suite "fuzz targets over their corpus" checked test/fuzz/run.sh test/fuzz/run.sh corpus
suite "long queries are interruptible (timeout, cancel, memory)" checked test/interrupts/interrupts.py test/interrupts/interrupts.py
suite "documentation links resolve" checked test/docs/check_links.py test/docs/check_links.py
suite "cluster start waits for a port held for a moment" checked test/cluster/port_busy.sh test/cluster/port_busy.sh
suite "upgrade from every release keeps the library, matches a fresh install" checked test/upgrade/upgrade.sh test/upgrade/upgrade.sh
suite "library survives pg_dump/pg_restore, recommend() answers the same" checked test/upgrade/dump_restore.sh test/upgrade/dump_restore.sh
suite "BI clients (pgjdbc, psqlODBC, libpq over TCP; report in Chromium)" checked test/bi/run.sh test/bi/run.sh

# the sanitizer e2e pass started above
wait_asan_e2e() {
	wait $ASAN_PID
	local rc=$?
	cat "$ASAN_LOG"
	return $rc
}
echo "=== $ASAN_E2E"
if wait_asan_e2e; then
	passed=$((passed + 1))
	echo "=== $ASAN_E2E: ok ($((SECONDS - ASAN_START)) s)"
else
	failed=$((failed + 1))
	failed_names+=("$ASAN_E2E")
	echo "=== $ASAN_E2E: FAILED ($((SECONDS - ASAN_START)) s)"
fi

echo
if [ "$failed" -gt 0 ]; then
	echo "failed suites: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
