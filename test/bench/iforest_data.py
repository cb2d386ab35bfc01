#!/usr/bin/python3
"""Benchmark data for test/bench/iforest.sh (numpy only, fixed seed).

Writes into DIR:
  groups.copy / groups.npz  1,000,000 rows in 1,000 groups of 1,000 (12 dims)
  big.copy    / big.npz     one group of 100,000 rows
The .copy files are PostgreSQL binary COPY streams of (g int4, i int4, a float4[]),
the .npz files hold the same float32 values for scikit-learn.
"""
import os
import sys

import numpy as np

DIM = 12


def make(rng, n_groups, rows):
    X = np.empty((n_groups * rows, DIM), dtype=np.float32)
    for g in range(n_groups):
        center = rng.normal(0, 3, size=DIM)
        scale = rng.uniform(0.3, 2.0, size=DIM)
        block = rng.normal(center, scale, size=(rows, DIM))
        k = max(1, rows // 50)  # 2% planted outliers, well outside the cloud
        block[:k] = center + rng.uniform(-8, 8, size=(k, DIM)) * scale
        X[g * rows:(g + 1) * rows] = block
    g = np.repeat(np.arange(n_groups, dtype=np.int32), rows)
    i = np.tile(np.arange(rows, dtype=np.int32), n_groups)
    return g, i, X


def binary_copy(path, g, i, X):
    """PostgreSQL binary COPY of (int4, int4, float4[]), built with numpy."""
    n = len(g)
    row = np.dtype([("nf", ">i2"), ("lg", ">i4"), ("g", ">i4"), ("li", ">i4"), ("i", ">i4"),
                    ("la", ">i4"), ("ndim", ">i4"), ("hasnull", ">i4"), ("elem", ">i4"),
                    ("dim", ">i4"), ("lb", ">i4"),
                    ("x", [("len", ">i4"), ("v", ">f4")], (DIM,))])
    rec = np.zeros(n, dtype=row)
    rec["nf"] = 3
    rec["lg"] = 4
    rec["g"] = g
    rec["li"] = 4
    rec["i"] = i
    rec["la"] = 20 + 8 * DIM
    rec["ndim"] = 1
    rec["elem"] = 700  # float4
    rec["dim"] = DIM
    rec["lb"] = 1
    rec["x"]["len"] = 4
    rec["x"]["v"] = X
    with open(path, "wb") as f:
        f.write(b"PGCOPY\n\xff\r\n\0" + np.array([0, 0], dtype=">i4").tobytes())
        f.write(rec.tobytes())
        f.write(np.array([-1], dtype=">i2").tobytes())


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    g, i, X = make(rng, 1000, 1000)
    binary_copy(os.path.join(out, "groups.copy"), g, i, X)
    np.savez(os.path.join(out, "groups.npz"), g=g, X=X)
    g, i, X = make(rng, 1, 100000)
    binary_copy(os.path.join(out, "big.copy"), g, i, X)
    np.savez(os.path.join(out, "big.npz"), g=g, X=X)


if __name__ == "__main__":
    main()
