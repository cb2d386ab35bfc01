"""A run from cron must not hang behind someone's long transaction: with a table of the library
locked by another session, sync gives up after LW_LOCK_TIMEOUT seconds (exit 1, the run row says
why), and once the lock is gone the next sync completes."""
import os
import subprocess
import time

from e2e import Env, expected_library, load_library

env = Env("lock_timeout")
X = expected_library(load_library())

holder_env = dict(os.environ, PGAPPNAME="lw-lock-holder")
holder = subprocess.Popen(["psql", "-X", "-q", "-d", env.db, "-c",
                           "BEGIN; LOCK TABLE listen_wiseer.playlists IN ACCESS EXCLUSIVE MODE;"
                           " SELECT pg_sleep(120);"],
                          env=holder_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(100):
    if env.qi("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
              " WHERE a.application_name = 'lw-lock-holder' AND l.mode = 'AccessExclusiveLock'"
              " AND l.relation = 'listen_wiseer.playlists'::regclass AND l.granted") == 1:
        break
    time.sleep(0.1)
else:
    env.check(False, "the lock holder got its lock")

rc, err, dt = env.sync(extra_env={"LW_LOCK_TIMEOUT": "2"})
env.eq(rc, 1, "exit code behind a held lock")
env.check(dt < 30, "gave up after the lock timeout, not the holder's 120 s (%.1fs)" % dt)
env.check("lock timeout" in err, "the message says why: %r" % err.strip()[-200:])
run = env.last_run()
env.eq(run["status"], "failed", "the run row is marked failed")
env.check("lock timeout" in (run["error"] or ""), "the run row says why: %r" % run["error"])

env.q("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lw-lock-holder'")
holder.wait(timeout=30)

rc, err, _ = env.sync()
env.eq(rc, 0, "the next sync completes: " + err.strip()[-200:])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "every membership stored")
env.finish()
