"""A second sync with no change on Spotify's side changes nothing but adds an ingest_runs row,
and makes only the minimal requests: /me, the playlist listing, one page of liked songs."""
from e2e import Env, load_library

env = Env("second_run")
lib = load_library()

rc, err, _ = env.sync()
env.eq(rc, 0, "first sync exit code")
before = env.snapshot_tables(versions=True)
env.reset_stats()

rc, err, _ = env.sync()
env.eq(rc, 0, "second sync exit code")
after = env.snapshot_tables(versions=True)
for t in before:
    env.check(before[t] == after[t], "table %s: no row written by the second sync" % t)
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs"), 2, "ingest_runs rows")
run = env.last_run()
env.eq(run["status"], "ok", "second run status")
env.eq(run["counts"].get("playlists_changed", 0), 0, "second run: playlists changed")
env.eq(run["counts"].get("playlists_unchanged"), len(lib["playlists"]), "second run: unchanged")
env.eq(run["counts"].get("liked_new", 0), 0, "second run: liked new")

st = env.stats()
api = {k: v for k, v in st["by_endpoint"].items() if "/v1/" in k}
env.eq(api, {"GET /v1/me": 1, "GET /v1/me/playlists": -(-len(lib["playlists"]) // 50),
             "GET /v1/me/tracks": 1}, "requests of the no-change run")
env.check(st["by_endpoint"].get("POST /api/token", 0) <= 1, "at most one token request")

# a third run after the access token expired: one refresh, then the same minimal set
env.http("POST", "/_mock/expire")
env.reset_stats()
rc, err, _ = env.sync()
env.eq(rc, 0, "third sync exit code")
st = env.stats()
api = {k: v for k, v in st["by_endpoint"].items() if "/v1/" in k}
env.eq(api.get("GET /v1/me/tracks"), 1, "third run: one liked page")
env.eq(sum(v for k, v in st["by_endpoint"].items() if "/v1/playlists/" in k), 0,
       "third run: no playlist items requested")
env.check(env.snapshot_tables(versions=True) == before, "tables unchanged after the third sync")
env.finish()
