"""Runs started right after each other (`lw-ingest sync && lw-ingest enrich` from cron): a run
releases the ingest lock before it exits, so the next one never finds it taken. Before that, the
lock went only when the server's backend had exited, after the client, and a run started at once
could exit 1 ("another lw-ingest run is writing"; seen in e2e catalog_formats in CI). 30 imports
back to back, each must exit 0, and each says (-v) that it released the lock."""
import os
import subprocess
import sys

from e2e import Env

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_gen.py")
env = Env("back_to_back", mode="extended")
path = os.path.join(env.tmp, "mine.csv")
subprocess.run([sys.executable, GEN, "--format", "lw", "--rows", "50", "--seed", "5", "--out", path],
               check=True)

codes = []
released = 0
for i in range(30):
    rc, err, _ = env.run("-v", "import-catalog", path)
    codes.append(rc)
    released += "ingest lock released" in err
    if rc != 0:
        print("  run %d: exit %d: %s" % (i, rc, err.strip()[-300:]))
env.eq(codes, [0] * 30, "30 imports back to back: every one exits 0")
env.eq(released, 30, "every run released the ingest lock before exiting")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE command = 'import-catalog'"
              " AND status = 'ok'"), 30, "30 runs recorded ok")
env.finish()
