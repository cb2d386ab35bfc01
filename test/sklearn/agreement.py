#!/usr/bin/python3
"""Isolation forest: our SQL window function against scikit-learn.

Runs under Debian's /usr/bin/python3 (python3-sklearn, numpy, scipy).  Needs a
running cluster with the extension installed (PGHOST/PGPORT/PGUSER set); it
creates and drops its own database.

Data: groups of 12-dimensional points in several cluster shapes, with planted
outliers, fixed seed.  Every group is scored in PostgreSQL (window form,
PARTITION BY group) and by sklearn IsolationForest(random_state=0) fitted on
that group alone.  Two correct implementations with 100 trees each agree only
at Spearman ~0.85-0.95 (sklearn against itself with another seed is in that
range), so the rank check uses enough trees on our side to remove our noise.
Asserts, per group:
  * rho:     Spearman(ours with 1000 trees, -score_samples of
             IsolationForest(random_state=0)) >= 0.9;
  * rho1000: Spearman(ours, sklearn), 1000 trees on both sides, >= 0.97;
  * rho100:  Spearman(ours, sklearn), 100 trees on both sides, at least
             sklearn-seed-1 vs sklearn-seed-0 (sk0~sk1) - 0.05;
  * our ROC-AUC on the planted outliers (default 100 trees) >= sklearn's - 0.02.
Also compiles the standalone driver (pure iforest.c, no PostgreSQL) and checks
that it gives the SQL function's scores.
Exit status 0 = all checks passed.
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DB = "lw_sklearn_agreement_%d" % os.getpid()
DIM = 12


def make_groups(rng):
    """(name, X, y) with y = 1 for planted outliers."""
    groups = []

    def plant(X, k, lo, hi):
        out = rng.uniform(lo, hi, size=(k, DIM))
        return np.vstack([X, out]), np.r_[np.zeros(len(X)), np.ones(k)]

    # one round blob
    X = rng.normal(0, 1, size=(300, DIM))
    groups.append(("blob",) + plant(X, 10, -6, 6))
    # two blobs of different spread
    X = np.vstack([rng.normal(-2, 0.5, size=(180, DIM)), rng.normal(3, 1.0, size=(120, DIM))])
    groups.append(("two_blobs",) + plant(X, 10, -6, 8))
    # an elongated, correlated cloud (a line in 12-D plus noise)
    t = rng.normal(0, 3, size=(280, 1))
    X = t * rng.normal(0, 1, size=(1, DIM)) + rng.normal(0, 0.3, size=(280, DIM))
    out = rng.normal(0, 3, size=(8, DIM))  # off the line, inside its range
    groups.append(("line", np.vstack([X, out]), np.r_[np.zeros(280), np.ones(8)]))
    # features on wildly different scales (ms next to [0,1]), one constant column
    X = rng.normal(0, 1, size=(250, DIM)) * np.array([1e5] + [1.0] * (DIM - 2) + [0.0]) + np.r_[2e5, np.zeros(DIM - 2), 7.0]
    out = rng.normal(0, 1, size=(8, DIM)) * np.array([1e5] + [1.0] * (DIM - 2) + [0.0]) * 5 + np.r_[2e5, np.zeros(DIM - 2), 7.0]
    groups.append(("scales", np.vstack([X, out]), np.r_[np.zeros(250), np.ones(8)]))
    # a small playlist-sized group
    X = rng.normal(0, 1, size=(40, DIM))
    groups.append(("small",) + plant(X, 2, 4, 6))
    # sklearn works in float32; give both sides the same float32 values
    return [(n, X.astype(np.float32).astype(np.float64), y) for n, X, y in groups]


def psql(sql, db=DB):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", ",", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("psql failed")
    return r.stdout


def vec(row):
    return "[" + ",".join(repr(float(v)) for v in row) + "]"


def score_in_postgres(groups, n_trees):
    lines = [f"{g}\t{i}\t{vec(x)}" for g, (_, X, _) in enumerate(groups) for i, x in enumerate(X)]
    out = psql("CREATE TEMP TABLE pts (g int, i int, v feature_vector);\n"
               "COPY pts FROM STDIN;\n" + "\n".join(lines) + "\n\\.\n"
               f"SELECT g, i, isolation_forest_score(v, {n_trees}) OVER (PARTITION BY g) FROM pts;\n")
    scores = [np.full(len(X), np.nan) for _, X, _ in groups]
    for line in out.split():
        g, i, s = line.split(",")
        scores[int(g)][int(i)] = float(s)
    return scores


def driver_scores(X):
    exe = os.path.join(tempfile.mkdtemp(prefix="lw_ifdrv_"), "iforest_driver")
    subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "extension"),
                    "-o", exe, os.path.join(HERE, "iforest_driver.c"),
                    os.path.join(ROOT, "extension", "iforest.c"), "-lm"], check=True)
    csv = "\n".join(",".join(repr(float(v)) for v in row) for row in X) + "\n"
    out = subprocess.run([exe], input=csv, capture_output=True, text=True, check=True).stdout
    os.remove(exe)
    os.rmdir(os.path.dirname(exe))
    return np.array([float(v) for v in out.split()])


def main():
    rng = np.random.default_rng(20240611)
    groups = make_groups(rng)
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"CREATE DATABASE {DB}"], check=True)
    try:
        psql("CREATE EXTENSION listen_wiseer;")
        t0 = time.time()
        ours100 = score_in_postgres(groups, 100)
        ours1000 = score_in_postgres(groups, 1000)
        t_ours = time.time() - t0
    finally:
        subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}"])

    ok = True
    t0 = time.time()
    print(f"{'group':10} {'n':>4} {'out':>3}  {'rho':>6} {'rho1000':>7} {'rho100':>6} {'sk0~sk1':>7}"
          f"  {'auc ours':>8} {'auc sk':>7}")
    for (name, X, y), o100, o1000 in zip(groups, ours100, ours1000):
        sk = -IsolationForest(random_state=0).fit(X).score_samples(X)
        sk_other = -IsolationForest(random_state=1).fit(X).score_samples(X)
        sk1000 = -IsolationForest(n_estimators=1000, random_state=0).fit(X).score_samples(X)
        rho = spearmanr(o1000, sk).correlation          # the asserted number
        rho1000 = spearmanr(o1000, sk1000).correlation  # both sides with little noise
        rho100 = spearmanr(o100, sk).correlation        # both at the default 100 trees
        self_rho = spearmanr(sk_other, sk).correlation  # sklearn against itself, other seed
        auc_o, auc_s = roc_auc_score(y, o100), roc_auc_score(y, sk)
        good = (not np.isnan(o100).any() and rho >= 0.9 and rho1000 >= 0.97
                and rho100 >= self_rho - 0.05 and auc_o >= auc_s - 0.02)
        ok &= good
        print(f"{name:10} {len(X):4d} {int(y.sum()):3d}  {rho:6.3f} {rho1000:7.3f} {rho100:6.3f} {self_rho:7.3f}"
              f"  {auc_o:8.4f} {auc_s:7.4f}  {'ok' if good else 'FAIL'}")
    t_sk = time.time() - t0

    # the pure forest without PostgreSQL gives the same numbers
    diff = np.max(np.abs(driver_scores(groups[0][1]) - ours100[0]))
    print(f"standalone driver vs SQL window function, group {groups[0][0]}: max |diff| = {diff:.3g}")
    if diff > 1e-12:
        ok = False
        print("FAIL: driver and SQL disagree")
    print(f"time: PostgreSQL {t_ours:.2f} s (100 + 1000 trees), sklearn {t_sk:.2f} s")
    print("agreement with scikit-learn:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
