#!/usr/bin/python3
"""scikit-learn side of test/bench/iforest.sh: fit + score_samples per group.

  iforest_sklearn.py DIR NAME [GROUPS]
Loads DIR/NAME.npz (from iforest_data.py) and times
IsolationForest(random_state=0).fit(Xg).score_samples(Xg) for every group, or
for the first GROUPS groups (a single group: best of three runs).
Prints "<groups timed> <total groups> <seconds> <checksum>".
"""
import os
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest


def main():
    d, name = sys.argv[1], sys.argv[2]
    data = np.load(os.path.join(d, name + ".npz"))
    g, X = data["g"], data["X"]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else len(starts)
    limit = min(limit, len(starts))
    # best of three runs when there is one group, like the PostgreSQL side
    best = None
    for _ in range(3 if limit == 1 else 1):
        checksum = 0.0
        t = time.perf_counter()
        for s, e in zip(starts[:limit], ends[:limit]):
            Xg = X[s:e]
            checksum += float(IsolationForest(random_state=0).fit(Xg).score_samples(Xg).sum())
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(limit, len(starts), f"{best:.3f}", f"{-checksum:.1f}")


if __name__ == "__main__":
    main()
