#!/bin/bash
# make bench: set up like make test, start a cluster of our own, run every
# test/bench/*.sh (each compares against a baseline in the same run and prints
# the ratio), stop the cluster.  BENCH=name runs one.
set -uo pipefail
source "$(dirname "$0")/../../tools/lib.sh"
cd "$ROOT"

lw_setup_cluster "$ROOT/.pgdata-bench" "${LW_BENCH_PGPORT:-54617}"

status=0
for b in test/bench/*.sh; do
	name=$(basename "$b" .sh)
	[ "$name" = run ] && continue
	# enrich_cost measures minutes of real-rate traffic against the mocks: only when asked for
	[ "$name" = enrich_cost ] && [ "${BENCH:-}" != enrich_cost ] && continue
	[ -n "${BENCH:-}" ] && [ "$BENCH" != "$name" ] && continue
	echo "=== bench: $name"
	if ! "$b"; then
		echo "=== bench: $name FAILED"
		status=1
	fi
	echo
done
exit $status
