"""The database connection or the network going away mid-run: nothing committed is lost, the
run ends with a clear error (exit 1), and the next run completes the work."""
import os
import subprocess
import sys
import time

from e2e import MOCK, Env, expected_library, load_library

env = Env("faults")
lib = load_library()
X = expected_library(lib)
members = sum(len(v) for v in X["members"].values())


def complete(tag):
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"), members, tag + ": memberships")
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
           tag + ": features")
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NULL"), 0, tag + ": genres")


# 1. the database session is killed mid-run
p = env.start("sync", extra_env={"LW_PACE_MS": "30"})
time.sleep(1.2)
killed = env.qi("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'lw-ingest' AND datname = current_database()")
_, err = p.communicate(timeout=60)
env.eq(killed, 1, "killed the lw-ingest session")
env.eq(p.returncode, 1, "exit code after losing the database")
env.check("database" in err.lower() or "connection" in err.lower() or "server" in err.lower(),
          "message about the database: %r" % err.strip()[-200:])
# every playlist either has its full membership with its snapshot, or no snapshot yet
half = env.q("SELECT p.name FROM listen_wiseer.playlists p WHERE p.snapshot_id IS NOT NULL AND"
             " (SELECT count(*) FROM listen_wiseer.playlist_tracks t WHERE t.playlist_id = p.playlist_id)"
             " = 0 AND p.items_available")
env.eq(half, [], "no playlist has a snapshot without its membership")
synced = {r[0] for r in env.q("SELECT playlist_id FROM listen_wiseer.playlists WHERE snapshot_id IS NOT NULL")}
for pid in synced:
    n = env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'" % pid)
    env.check(n == len(X["members"][pid]), "playlist %s with snapshot has its full membership" % pid)
env.eq(env.q1("SELECT status FROM listen_wiseer.ingest_runs ORDER BY run_id DESC LIMIT 1"), "running",
       "the killed run's row could not be finished")
rc, err, _ = env.sync()
env.eq(rc, 0, "next run after the database came back")
complete("after database loss")
env.eq([r[0] for r in env.q("SELECT status FROM listen_wiseer.ingest_runs ORDER BY run_id")],
       ["failed", "ok"], "the dead run was marked failed by the next one")

# 2. the network (the mock) goes away mid-run, then comes back on the same port
env.q("DELETE FROM listen_wiseer.audio_features; UPDATE listen_wiseer.tracks SET features_checked_at = NULL;"
      " UPDATE listen_wiseer.artists SET genres = NULL, genres_fetched_at = NULL")
p = env.start("sync", extra_env={"LW_PACE_MS": "250", "LW_MAX_ATTEMPTS": "2", "LW_CONNECT_TIMEOUT": "2"})
time.sleep(0.8)
port = env.port
env.stop_mock()
_, err = p.communicate(timeout=60)
env.eq(p.returncode, 1, "exit code after losing the network")
run = env.last_run()
env.eq(run["status"], "failed", "run recorded as failed")
env.check(run["error"] is not None, "error recorded: %r" % run["error"])
# restart the mock on the same port and finish
pf = os.path.join(env.tmp, "port2")
env.mock = subprocess.Popen([sys.executable, MOCK, "--library", env.library_file, "--port", str(port),
                             "--port-file", pf], stdout=env.mock_log, stderr=env.mock_log)
deadline = time.time() + 30
while not os.path.exists(pf) and time.time() < deadline:
    time.sleep(0.05)
env.login()
rc, err, _ = env.sync()
env.eq(rc, 0, "next run after the network came back")
complete("after network loss")
env.finish()
