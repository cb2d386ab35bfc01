"""A target playlist the user deleted (unfollowed) in Spotify is created again, and the rule
remembers the new one; the deleted one is not written to."""
from publish_env import PublishEnv

env = PublishEnv("publish_deleted")
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "first publish")
old = env.rule("chill")[0]

env.api("DELETE", "/v1/playlists/%s/followers" % old)     # what the user does in the app
env.eq(env.owned_named("chill · more like this"), [], "the playlist is gone from the account")
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "publish after the deletion (%s)" % err.strip())
env.check("no longer exists" in err, "the run says why it creates the playlist again: %r" % err)
mine = env.owned_named("chill · more like this")
env.eq(len(mine), 1, "one playlist again")
new = mine[0]["id"] if mine else None
env.check(new is not None and new != old, "a new playlist id")
env.eq(env.rule("chill")[0], new, "publish_rules remembers the new playlist")
env.eq(env.items(new) if new else None, env.answer("chill", 30), "its items")
env.eq(env.writes(), {"POST /v1/me/playlists": 1, "PUT /v1/playlists/{id}/items": 1},
       "one create and one PUT; nothing sent to the deleted playlist")
env.eq([k for k in env.stats()["by_path_status"] if old in k and not k.startswith("/v1/playlists/%s 404" % old)],
       [], "requests to the deleted playlist other than the check")
env.eq(env.runs("chill")[-1][1], "created", "publish_runs outcome")
env.finish()
