"""Two syncs at once never interleave: the second exits at once with a clear message (exit 1)
while the first holds the ingest lock; with LW_WAIT_LOCK=1 it waits and then runs."""
import time

from e2e import Env

env = Env("concurrent")
first = env.start("sync", extra_env={"LW_PACE_MS": "30"})
time.sleep(1.0)
rc, err, dt = env.sync()
env.eq(rc, 1, "second sync exit code")
env.check("another lw-ingest run" in err, "clear message: %r" % err.strip()[-200:])
env.check(dt < 5, "second sync exits at once (%.1fs)" % dt)
env.check(first.poll() is None, "the first sync was still running")

waiter = env.start("sync", extra_env={"LW_WAIT_LOCK": "1"})
_, err1 = first.communicate(timeout=120)
env.eq(first.returncode, 0, "first sync exit code")
_, err2 = waiter.communicate(timeout=120)
env.eq(waiter.returncode, 0, "waiting sync exit code")
runs = env.q("SELECT status, started_at < (SELECT max(finished_at) FROM listen_wiseer.ingest_runs r2"
             " WHERE r2.run_id < r.run_id) FROM listen_wiseer.ingest_runs r ORDER BY run_id")
env.eq([r[0] for r in runs], ["ok", "ok"], "two ok runs (the refused one wrote no row)")
env.eq(runs[1][1], "f", "the waiting run started after the first finished")
env.eq(env.last_run()["counts"].get("playlists_changed", 0), 0, "the waiting run found nothing to do")
env.finish()
