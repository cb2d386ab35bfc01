"""Bursts of 5xx (with JSON and with empty bodies) are retried with backoff; the run is ok."""
from e2e import Env, expected_library, load_library

env = Env("server_errors")
lib = load_library()
X = expected_library(lib)
env.config({"fail": {"count": 3, "status": 503, "path": "/v1/playlists/*", "skip": 2}})
rc, err, dt = env.sync()
env.eq(rc, 0, "sync through a 503 burst")
st = env.stats()
env.eq(st["faults_served"], 3, "503s served")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "memberships complete")

env.q("DELETE FROM listen_wiseer.audio_features; UPDATE listen_wiseer.tracks SET features_checked_at = NULL")
env.config({"fail": {"count": 2, "status": 502, "path": "/v1/audio-features", "body": "empty"}})
rc, err, dt = env.sync()
env.eq(rc, 0, "sync through 502s with empty bodies")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "features complete")

# more failures than attempts: the run fails cleanly, keeps what it has, next run completes
env.q("DELETE FROM listen_wiseer.audio_features; UPDATE listen_wiseer.tracks SET features_checked_at = NULL")
env.config({"fail": {"count": 8, "status": 500, "path": "/v1/audio-features"}})
rc, err, dt = env.sync()
env.eq(rc, 1, "persistent 500: exit code LW_EXIT_FAILURE")
env.eq(env.last_run()["status"], "failed", "persistent 500: status failed")
env.config({"fail": {"count": 0}})
rc, err, dt = env.sync()
env.eq(rc, 0, "next run")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "features complete after the failed run")
env.finish()
