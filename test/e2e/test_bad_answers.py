"""Answers that go wrong on the wire (mock fault kinds, tools/mock/README.md section 4): a
connection dropped mid-body is retried; a truncated or garbage body ends the run cleanly (exit 1,
nothing half-written, the next run completes); a server that hangs trips the request timeout
(LW_REQUEST_TIMEOUT) and is retried, or ends the run when it keeps hanging; 429 on every request
for longer than the run's budget (LW_BUDGET) ends it as partial (exit 4)."""
from e2e import Env, expected_library, load_library

env = Env("bad_answers")
lib = load_library()
X = expected_library(lib)
members = sum(len(v) for v in X["members"].values())


def complete(tag):
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NULL"), members,
           tag + ": memberships")
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL"), len(X["liked"]),
           tag + ": liked songs")
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres_fetched_at IS NULL"), 0,
           tag + ": artists fetched")
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
           tag + ": features")


def consistent(tag):
    """Every playlist with a snapshot holds exactly the membership the mock served for it."""
    bad = []
    for pid, n in env.q("SELECT p.playlist_id, (SELECT count(*) FROM listen_wiseer.playlist_tracks t"
                        " WHERE t.playlist_id = p.playlist_id AND t.removed_at IS NULL)"
                        " FROM listen_wiseer.playlists p WHERE p.snapshot_id IS NOT NULL AND p.items_available"):
        if int(n) != len(X["members"][pid]):
            bad.append(pid)
    env.eq(bad, [], tag + ": playlists with a snapshot have their whole membership")


def forget_features():
    env.q("DELETE FROM listen_wiseer.audio_features; UPDATE listen_wiseer.tracks SET features_checked_at = NULL")


def fault(doc):
    env.reset_stats()
    base = {"count": 0, "status": 503, "path": None, "body": "json", "skip": 0, "kind": "status", "hang": 30}
    base.update(doc)
    env.config({"fail": base})


# 1. a connection dropped mid-body (curl: partial file) is retried like any transport error
fault({"count": 2, "kind": "drop", "path": "/v1/playlists/*/items", "skip": 3})
rc, err, dt = env.sync()
env.eq(rc, 0, "drop: sync exit code")
env.eq(env.stats()["faults_served"], 2, "drop: both dropped answers served")
complete("drop")

# 2. a truncated JSON body (complete HTTP answer): the run ends cleanly, the next one completes
env.q("DELETE FROM listen_wiseer.liked_tracks")
fault({"count": 1, "kind": "truncate", "path": "/v1/me/tracks"})
rc, err, dt = env.sync()
env.eq(rc, 1, "truncate: exit code LW_EXIT_FAILURE")
run = env.last_run()
env.eq(run["status"], "failed", "truncate: run recorded as failed")
env.check(run["error"] and "not valid JSON" in run["error"], "truncate: error says why: %r" % run["error"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks"), 0, "truncate: nothing stored from the bad page")
consistent("truncate")
rc, err, dt = env.sync()
env.eq(rc, 0, "truncate: next run")
complete("after truncate")

# 3. garbage (an HTML page with 200) instead of the artists
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_fetched_at = NULL")
fault({"count": 1, "kind": "garbage", "path": "/v1/artists"})
rc, err, dt = env.sync()
env.eq(rc, 1, "garbage: exit code")
env.eq(env.last_run()["status"], "failed", "garbage: status")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL"), 0,
       "garbage: nothing stored from the bad answer")
consistent("garbage")
rc, err, dt = env.sync()
env.eq(rc, 0, "garbage: next run")
complete("after garbage")

# 4. a hang: the request timeout fires and the retry gets the answer
forget_features()
fault({"count": 1, "kind": "hang", "hang": 8, "path": "/v1/audio-features"})
rc, err, dt = env.sync(extra_env={"LW_REQUEST_TIMEOUT": "1", "LW_MAX_ATTEMPTS": "3"})
env.eq(rc, 0, "hang once: exit code")
env.check(1.0 <= dt < 7.5, "hang once: the 1 s timeout fired, then the retry ran (%.1fs)" % dt)
env.eq(env.stats()["faults_served"], 1, "hang once: one hang served")
complete("hang once")

# 5. a server that keeps hanging: every attempt times out, the run ends in bounded time
forget_features()
fault({"count": 10, "kind": "hang", "hang": 5, "path": "/v1/audio-features"})
rc, err, dt = env.sync(extra_env={"LW_REQUEST_TIMEOUT": "1", "LW_MAX_ATTEMPTS": "2"})
env.eq(rc, 1, "hang always: exit code")
env.check(dt < 8, "hang always: ends in bounded time (%.1fs)" % dt)
run = env.last_run()
env.eq(run["status"], "failed", "hang always: status")
env.check(run["error"] and "timeout" in run["error"].lower(), "hang always: error says timeout: %r" % run["error"])
fault({"count": 0})

# 6. 429 on every request for longer than the run's budget: partial, exit 4, about budget seconds
# (each 429 says Retry-After: 1; a wait that would pass the 3 s budget is not started)
env.reset_stats()
env.config({"rate_limit": {"budget": 1, "window": 600, "path": "/v1/audio-features", "retry_after": 1}})
rc, err, dt = env.sync(extra_env={"LW_BUDGET": "3"})
env.eq(rc, 4, "429 beyond the budget: exit code LW_EXIT_PARTIAL")
env.check(1.5 <= dt < 10, "429 beyond the budget: waited about the budget (%.1fs)" % dt)
run = env.last_run()
env.eq(run["status"], "partial", "429 beyond the budget: status")
env.check(env.stats()["rate_limited"] >= 2, "429 beyond the budget: several 429s were waited out")
env.config({"rate_limit": {"budget": 0}})
rc, err, dt = env.sync()
env.eq(rc, 0, "after the faults: next run")
complete("after every fault")
consistent("after every fault")
env.finish()
