#!/bin/bash
# make eval: set up like make test, start a cluster of our own, run the
# recommendation evaluation (test/eval/run.sh), stop the cluster.
set -uo pipefail
source "$(dirname "$0")/../../tools/lib.sh"
cd "$ROOT"

lw_setup_cluster "$ROOT/.pgdata-eval" "${LW_EVAL_PGPORT:-54618}"

./test/eval/run.sh
