"""A killed import-catalog leaves the library as it was: lw-ingest is killed (SIGKILL) during the
COPY into the stage, during the merge transaction, and inside the merge's bulk write (150,000
new tracks: track_artists' keys and indexes set aside), each moment seen in pg_stat_activity
before the kill; no catalog row is left, the keys and indexes are as they were, the dead runs
are marked failed by the next run, and the next import loads everything."""
import os
import signal
import subprocess
import sys
import time

from e2e import Env

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_gen.py")
env = Env("catalog_killed", mode="dev-2024")
ROWS = 150000
path = os.path.join(env.tmp, "tracks_features.csv")
subprocess.run([sys.executable, GEN, "--format", "tracks1200k", "--rows", str(ROWS), "--seed", "31",
                "--out", path], check=True)

DEFINITIONS = ("SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
               " WHERE conrelid = 'listen_wiseer.track_artists'::regclass"
               " UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index"
               " WHERE indrelid = 'listen_wiseer.track_artists'::regclass ORDER BY 1")
definitions = env.q(DEFINITIONS)


def kill_when(sql_fragment, what):
    """Start the import, wait until one of its statements contains sql_fragment, SIGKILL it."""
    p = env.start("import-catalog", path)
    seen = False
    deadline = time.time() + 300
    while p.poll() is None and time.time() < deadline:
        n = env.qi("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-ingest'"
                   " AND state = 'active' AND position('%s' in query) > 0" % sql_fragment)
        if n:
            p.send_signal(signal.SIGKILL)
            seen = True
            break
        time.sleep(0.02)
    p.wait()
    env.check(seen, "%s: the import was seen in that step and killed" % what)
    # the server ends the session of the dead client; wait for it
    for _ in range(500):
        if not env.qi("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-ingest'"):
            break
        time.sleep(0.05)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), 0, "%s: no track written" % what)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists"), 0, "%s: no artist written" % what)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), 0, "%s: no feature written" % what)
    env.eq(env.q(DEFINITIONS), definitions, "%s: keys and indexes as they were" % what)


kill_when("COPY pg_temp.lw_cat_rows", "killed during the COPY")
kill_when("lw_cat_c", "killed during the merge")
kill_when("listen_wiseer.track_artists", "killed inside the bulk write")

rc, err, _ = env.run("import-catalog", path, extra_env={"LW_WAIT_LOCK": "1"}, timeout=900)
env.eq(rc, 0, "the next import")
env.check("one bulk write" in err, "the next import is a bulk write")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE catalog = 'tracks_features.csv'"), ROWS,
       "the next import loads every track")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE command = 'import-catalog'"
              " AND status = 'failed'"), 3, "the three dead runs are marked failed")
env.finish()
