#!/bin/bash
# make eval: set up like make test, start a cluster of our own, run the
# recommendation evaluation (test/eval/run.sh), stop the cluster.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

./test/install-deps.sh || exit 1
lw_build_and_install || exit 1

export LW_PGDATA="$ROOT/.pgdata-eval" LW_PGPORT="${LW_EVAL_PGPORT:-54618}"
./test/cluster.sh start || exit 1
trap './test/cluster.sh stop' EXIT
trap 'exit 130' INT TERM
eval "$(./test/cluster.sh env)"

./test/eval/run.sh
