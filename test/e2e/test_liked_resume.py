"""A run that died after storing only the newest pages of Liked Songs must not make the next run
stop at the first known track: after a failed (or partial) sync, the next one reads all liked
songs again and stores the missing older ones."""
from e2e import Env, expected_library, load_library

env = Env("liked_resume")
lib = load_library()
X = expected_library(lib)
liked = X["liked"]

rc, err, _ = env.sync()
env.eq(rc, 0, "first sync exit code")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL"), len(liked),
       "all liked songs stored")

# What a run killed mid-way through the liked pages leaves: the newest stored, the older not,
# and its ingest_runs row never finished.
env.q("DELETE FROM listen_wiseer.liked_tracks WHERE track_id IN (SELECT track_id FROM"
      " listen_wiseer.liked_tracks ORDER BY added_at ASC, track_id LIMIT 60);"
      " INSERT INTO listen_wiseer.ingest_runs (command, status) VALUES ('sync', 'running')")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks"), len(liked) - 60, "60 oldest gone")

rc, err, _ = env.sync()
env.eq(rc, 0, "sync after the dead run")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL"), len(liked),
       "the missing older liked songs are back")
env.eq([r[0] for r in env.q("SELECT status FROM listen_wiseer.ingest_runs ORDER BY run_id")],
       ["ok", "failed", "ok"], "the dead run was marked failed")

# and once a sync ended ok, the next one is incremental again: one page of liked songs
env.reset_stats()
rc, err, _ = env.sync()
env.eq(rc, 0, "third sync")
env.eq(env.stats()["by_endpoint"].get("GET /v1/me/tracks"), 1, "incremental again: one liked page")
env.finish()
