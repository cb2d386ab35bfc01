"""Faults while publishing, handled as in sync: 429 within the budget is waited for, past it
the run ends partial (exit 4) and the next run completes; 5xx is retried, and when it persists
the run fails (exit 1) and the next one completes; an expired access token is refreshed; a 403
for a playlist the user cannot modify ends that rule (exit 1) while --all goes on; a target not
created by the rule, or the source playlist itself, is never written to."""
from publish_env import PublishEnv

env = PublishEnv("publish_faults")
ITEMS = "/v1/playlists/*/items"

# 429 within the budget: waited for
env.config({"rate_limit": {"budget": 1, "window": 1, "path": ITEMS}})
rc, err, _ = env.publish("chill", "--n", "150")
env.eq(rc, 0, "429 with a short Retry-After (%s)" % err.strip())
env.check(env.stats()["rate_limited"] >= 1, "the mock did answer 429")
env.config({"rate_limit": {"budget": 0}})
target = env.rule("chill")[0]
env.eq(env.items(target), env.answer("chill", 150), "items after waiting")

# 429 past the budget: exit 4, nothing recorded as published, the next run completes
env.config({"rate_limit": {"budget": 1, "window": 30, "path": ITEMS, "retry_after": "huge"}})
rc, err, _ = env.publish("chill", "--n", "160")
env.eq(rc, 4, "429 past the budget: partial")
env.eq(env.runs("chill")[-1][1], "rate_limited", "publish_runs outcome")
env.config({"rate_limit": {"budget": 0}})
env.eq(env.rule("chill")[2], None, "an incomplete replacement leaves no published list behind")
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "the next run")
env.eq(env.items(target), env.answer("chill", 160), "the next run completed the items")

# 5xx on the replacing PUT: retried
env.config({"fail": {"count": 2, "status": 503, "path": ITEMS}})
rc, err, _ = env.publish("chill", "--n", "20")
env.eq(rc, 0, "two 503 then success")
env.eq(env.items(target), env.answer("chill", 20), "items after the retries")
# persisting 5xx: exit 1, then the next run
env.config({"fail": {"count": 50, "status": 500, "path": ITEMS}})
rc, err, _ = env.publish("chill", "--n", "25")
env.eq(rc, 1, "persisting 500: failure")
env.eq(env.runs("chill")[-1][1], "failed", "publish_runs outcome")
env.config({"fail": {"count": 0}})
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "the run after the outage")
env.eq(env.items(target), env.answer("chill", 25), "items after the outage")

# expired access token: one refresh, then the write
env.http("POST", "/_mock/expire")
env.reset_stats()
rc, err, _ = env.publish("chill", "--n", "30")
env.eq(rc, 0, "publish with an expired access token (%s)" % err.strip())
env.eq(env.stats()["by_endpoint"].get("POST /api/token"), 1, "one token refresh")
env.eq(env.items(target), env.answer("chill", 30), "items written after the refresh")

# 403 on the write of one rule: that rule fails (forbidden), --all goes on with the next
env.q("INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name, n)"
      " VALUES ('jazz', 'jazz', 'Jazz radio', 15)")
env.q("UPDATE listen_wiseer.publish_rules SET n = 31 WHERE rule = 'chill'")
env.config({"write_fail": {"count": 1, "status": 403, "method": "PUT", "path": "/v1/playlists/%s/items" % target}})
rc, err, _ = env.publish("--all")
env.eq(rc, 1, "--all with a 403 on one rule")
env.eq(env.runs("chill")[-1][1], "forbidden", "outcome of the refused rule")
env.eq(env.runs("jazz")[-1][1], "created", "the other rule was published")
env.eq(len(env.owned_named("Jazz radio")), 1, "its playlist exists")

# targets lw-ingest did not create, and the source playlist: refused before any request
lib_pl = env.q("SELECT playlist_id, name FROM listen_wiseer.playlists WHERE owner_id <> 'anademo' LIMIT 1")[0]
src = env.q1("SELECT playlist_id FROM listen_wiseer.playlists WHERE name = 'chill'")
for bad, why in [(lib_pl[0], "no run of this rule created it"), (src, "source playlist")]:
    env.q("UPDATE listen_wiseer.publish_rules SET target_playlist_id = '%s' WHERE rule = 'chill'" % bad)
    env.reset_stats()
    rc, err, _ = env.publish("chill")
    env.eq(rc, 1, "exit code for target %s" % why)
    env.check(why in err, "message names the reason %r: %r" % (why, err))
    env.eq([k for k in env.stats()["by_path_status"] if bad in k], [], "no request to %s" % bad)
    env.eq(env.runs("chill")[-1][1], "forbidden", "outcome for a foreign target")
env.finish()
