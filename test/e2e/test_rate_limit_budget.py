"""A 429 whose Retry-After exceeds the run budget (or QUOTA_EXCEEDED): the run stops at once as
partial (exit 4), keeps what it loaded, and the next run completes the work."""
from e2e import Env, expected_library, load_library

env = Env("rate_limit_budget")
lib = load_library()
X = expected_library(lib)

# playlists go through, then the artists endpoint says "come back tomorrow"
env.config({"rate_limit": {"budget": 1, "window": 30, "path": "/v1/artists*", "retry_after": "huge"}})
rc, err, dt = env.sync()
env.eq(rc, 4, "exit code LW_EXIT_PARTIAL")
env.check(dt < 10, "quick exit (%.1fs)" % dt)
run = env.last_run()
env.eq(run["status"], "partial", "ingest_runs.status")
env.check(run["error"] and "rate" in run["error"].lower(), "error says rate limited: %r" % run["error"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "memberships loaded before the stop are kept")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), 0, "features not reached")

# quota variant: 429 + reason QUOTA_EXCEEDED with a short Retry-After still ends the run
env.config({"rate_limit": {"budget": 1, "window": 30, "path": "/v1/artists*", "retry_after": 1,
                           "reason": "QUOTA_EXCEEDED"}})
rc, err, dt = env.sync()
env.eq(rc, 4, "QUOTA_EXCEEDED: exit code")
env.eq(env.last_run()["status"], "partial", "QUOTA_EXCEEDED: status")

# limits lifted: the next run finishes the job
env.config({"rate_limit": {"budget": 0, "reason": None}})
env.reset_stats()
rc, err, dt = env.sync()
env.eq(rc, 0, "resumed run exit code")
env.eq(env.last_run()["status"], "ok", "resumed run status")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres_fetched_at IS NULL"), 0,
       "all artists fetched after resuming")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "all features after resuming")
env.eq(env.stats()["by_endpoint"].get("GET /v1/playlists/{id}/items", 0), 0,
       "resumed run did not refetch playlist items")
env.finish()
