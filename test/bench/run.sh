#!/bin/bash
# make bench: set up like make test, start a cluster of our own, run every
# test/bench/*.sh (each compares against a baseline in the same run and prints
# the ratio), stop the cluster.  BENCH=name runs one.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

./test/install-deps.sh || exit 1
lw_build_and_install || exit 1

export LW_PGDATA="$ROOT/.pgdata-bench" LW_PGPORT="${LW_BENCH_PGPORT:-54617}"
./test/cluster.sh start || exit 1
trap './test/cluster.sh stop' EXIT
trap 'exit 130' INT TERM
eval "$(./test/cluster.sh env)"

status=0
for b in test/bench/*.sh; do
	name=$(basename "$b" .sh)
	[ "$name" = run ] && continue
	[ -n "${BENCH:-}" ] && [ "$BENCH" != "$name" ] && continue
	echo "=== bench: $name"
	if ! "$b"; then
		echo "=== bench: $name FAILED"
		status=1
	fi
	echo
done
exit $status
