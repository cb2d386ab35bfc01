"""Interrupted publishes never duplicate a playlist:
1. killed after the create and before the items: the next run fills the recorded playlist;
2. the create was done but answered 500: the run finds its playlist (marker) and uses it;
3. an append was done but answered 500: the whole list is written again, no item twice."""
import os
import signal
import time

from publish_env import PublishEnv

env = PublishEnv("publish_crash")

# 1. kill -9 while the first PUT hangs (the playlist id is committed before it is sent)
env.config({"fail": {"count": 1, "kind": "hang", "hang": 30, "path": "/v1/playlists/*/items"}})
p = env.start("publish", "chill")
deadline = time.time() + 30
while time.time() < deadline and env.q1("SELECT target_playlist_id FROM listen_wiseer.publish_rules") is None:
    time.sleep(0.05)
target = env.q1("SELECT target_playlist_id FROM listen_wiseer.publish_rules")
env.check(target is not None, "the created playlist's id is committed before the items are written")
os.kill(p.pid, signal.SIGKILL)
p.wait()
env.config({"fail": {"count": 0}})
mine = env.owned_named("chill · more like this")
env.eq([m["id"] for m in mine], [target], "after the crash: one playlist, the recorded one")
env.eq(env.items(target) if target else None, [], "after the crash: no items yet")
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "the next run (%s)" % err.strip())
env.eq([m["id"] for m in env.owned_named("chill · more like this")], [target], "still one playlist")
env.eq(env.items(target), env.answer("chill", 30), "the next run wrote the items")
env.eq(env.writes(), {"PUT /v1/playlists/{id}/items": 1}, "the next run created nothing")
env.eq([(r[1], r[7]) for r in env.runs("chill")], [("failed", "t"), ("replaced", "f")],
       "publish_runs: the killed run (marked failed, it created the playlist), then the repair")

# 2. POST /me/playlists acts, then answers 500: found again by its marker, not created twice
env.config({"write_fail": {"count": 1, "status": 500, "method": "POST", "path": "/v1/me/playlists",
                           "after": True}})
env.reset_stats()
rc, err, _ = env.publish("jazz")
env.eq(rc, 0, "publish whose create answered 500 (%s)" % err.strip())
env.check("earlier run" in err or "no clear answer" in err, "the run says what it did: %r" % err)
mine = env.owned_named("jazz · more like this")
env.eq(len(mine), 1, "one 'jazz' playlist")
env.eq(env.writes().get("POST /v1/me/playlists"), 1, "the create was not sent twice")
if mine:
    env.eq(env.rule("jazz")[0], mine[0]["id"], "the rule remembers it")
    env.eq(env.items(mine[0]["id"]), env.answer("jazz", 30), "its items")

# 3. an append acts, then answers 500: the replacement restarts from its PUT
env.config({"write_fail": {"count": 1, "status": 500, "method": "POST", "path": "/v1/playlists/*/items",
                           "after": True}})
env.reset_stats()
rc, err, _ = env.publish("indie", "--n", "150")
env.eq(rc, 0, "publish whose append answered 500 (%s)" % err.strip())
mine = env.owned_named("indie · more like this")
env.eq(len(mine), 1, "one 'indie' playlist")
if mine:
    got = env.items(mine[0]["id"])
    env.eq(len(got), 150, "150 items, none twice")
    env.eq(got, env.answer("indie", 150), "the items in rank order")
env.eq(env.writes(), {"POST /v1/me/playlists": 1, "PUT /v1/playlists/{id}/items": 2,
                      "POST /v1/playlists/{id}/items": 2}, "writes: create, PUT+POST, PUT+POST again")
env.finish()
