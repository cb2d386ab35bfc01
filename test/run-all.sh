#!/bin/bash
# make test: install what is missing, build, start a fresh cluster of our own,
# run every suite, stop what we started.  Prints "N passed, N failed" (suites).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# A fresh cluster for the tests, separate from the demo's.
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
	rm -f regression.diffs
	if make -s installcheck; then
		return 0
	fi
	[ -f regression.diffs ] && cat regression.diffs
	return 1
}

suite "pg_regress (sql/*.sql)" pg_regress_suite
[ -f ingestor/Makefile ] && suite "ingestor unit tests" make -s -C ingestor check
[ -f ingestor/Makefile ] && suite "ingestor unit tests (ASan+UBSan)" make -s -C ingestor check-sanitize
[ -f test/mock/test_mock.py ] && suite "mock Spotify contract" python3 -m unittest discover -s test/mock -p 'test_*.py'
if [ -x test/e2e/run.sh ]; then
	suite "end-to-end (lw-ingest, mock, cluster)" test/e2e/run.sh
	[ -x ingestor/build/asan/lw-ingest ] &&
		suite "end-to-end under ASan+UBSan" env LW_INGEST="$ROOT/ingestor/build/asan/lw-ingest" test/e2e/run.sh
fi
[ -x test/e2e/valgrind_sync.sh ] && suite "full sync under valgrind" test/e2e/valgrind_sync.sh
[ -x test/genres/unit.sh ] && suite "genre matcher unit tests (ASan+UBSan)" test/genres/unit.sh
[ -x test/genres/dump_restore.sh ] && suite "genre rules survive pg_dump/pg_restore" test/genres/dump_restore.sh
[ -x test/sklearn/agreement.sh ] && suite "isolation forest vs scikit-learn" test/sklearn/agreement.sh
[ -x test/fuzz/run.sh ] && suite "fuzz targets over their corpus" test/fuzz/run.sh corpus
[ -x test/interrupts/interrupts.py ] && suite "long queries are interruptible (timeout, cancel, memory)" test/interrupts/interrupts.py

echo
if [ "$failed" -gt 0 ]; then
	echo "failed suites: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
