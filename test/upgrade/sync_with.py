#!/usr/bin/env python3
"""Load a library into a database through the REAL lw-ingest of a source tree, against that
tree's own mock Spotify: test/upgrade/ uses it with a released version's tree (git archive)
and with the current checkout.

    sync_with.py TREE DBNAME        (PGHOST/PGPORT/PGUSER name the cluster; E2E_LIB_ARGS the
                                     generated library, E2E_CACHE where it is kept)

Uses TREE/test/e2e/e2e.py (its Env starts TREE's mock, logs in, runs TREE/ingestor/lw-ingest).
Exit status: lw-ingest's.
"""
import os
import sys

tree, db = os.path.abspath(sys.argv[1]), sys.argv[2]
os.environ["LW_E2E_DB"] = db
os.environ["LW_INGEST"] = os.path.join(tree, "ingestor", "lw-ingest")
sys.path.insert(0, os.path.join(tree, "test", "e2e"))
import e2e  # noqa: E402  (the tree's own helpers, found through sys.path)

env = e2e.Env("upgrade")
rc, err, dt = env.sync()
print("sync_with: %s lw-ingest sync -> exit %d in %.1f s" % (os.path.basename(tree), rc, dt))
if rc != 0:
    sys.stderr.write(err[-2000:])
env.stop_mock()
sys.exit(rc)
