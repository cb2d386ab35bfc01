"""`lw-ingest publish --all` (the cron line) publishes every enabled rule of
listen_wiseer.publish_rules, each into its own playlist, with each rule's n and options; a
disabled rule is left alone; a second --all writes nothing."""
from publish_env import PublishEnv

env = PublishEnv("publish_all")
env.q("""INSERT INTO listen_wiseer.publish_rules (rule, source_playlist, target_name, n, method, max_per_artist, enabled)
         VALUES ('chill', 'chill', 'Chill radio', 30, NULL, NULL, true),
                ('jazz evenings', 'jazz', 'Jazz evenings', 120, NULL, 1, true),
                ('metal', 'metal', 'More metal', 10, NULL, NULL, false)""")
env.reset_stats()
rc, err, _ = env.publish("--all")
env.eq(rc, 0, "publish --all (%s)" % err.strip())
for rule, name, source, n, extra in [("chill", "Chill radio", "chill", 30, ""),
                                     ("jazz evenings", "Jazz evenings", "jazz", 120, ", max_per_artist => 1")]:
    mine = env.owned_named(name)
    env.eq(len(mine), 1, "one playlist for rule %s" % rule)
    if mine:
        env.eq(env.items(mine[0]["id"]), env.answer(source, n, extra), "items of rule %s" % rule)
        env.eq(env.rule(rule)[0], mine[0]["id"], "rule %s remembers its playlist" % rule)
env.eq(env.owned_named("More metal"), [], "the disabled rule published nothing")
env.eq(env.rule("metal")[0], None, "the disabled rule has no target")
env.eq(sorted(r[0] for r in env.runs()), ["chill", "jazz evenings"], "publish_runs rows")
env.eq(env.writes(), {"POST /v1/me/playlists": 2, "PUT /v1/playlists/{id}/items": 2,
                      "POST /v1/playlists/{id}/items": 1}, "write requests of the first --all")

env.reset_stats()
rc, err, _ = env.publish("--all")
env.eq(rc, 0, "second publish --all")
env.eq(env.writes(), {}, "the second --all writes nothing")
env.eq([r[1] for r in env.runs()][-2:], ["unchanged", "unchanged"], "logged as unchanged")

rc, err, _ = env.publish("--all", "chill")
env.eq(rc, 2, "a PLAYLIST and --all together is a usage error")
env.finish()
