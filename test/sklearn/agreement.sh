#!/bin/bash
# Isolation forest vs scikit-learn (run by `make test` with a cluster running
# and PGHOST/PGPORT/PGUSER set).  Debian's python has sklearn; pyenv's does not.
set -euo pipefail
PY=/usr/bin/python3
if ! "$PY" -c 'import sklearn, numpy, scipy' 2>/dev/null; then
	echo "agreement.sh: $PY lacks scikit-learn/numpy/scipy (apt-get install python3-sklearn)" >&2
	exit 1
fi
exec "$PY" "$(dirname "$0")/agreement.py"
