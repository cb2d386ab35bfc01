"""lw-ingest publish, later runs: an unchanged answer sends no write at all; a changed answer
(a new n, then a change in the library) replaces the items of the same playlist, in rank order,
without creating another."""
from publish_env import PublishEnv

env = PublishEnv("publish_unchanged")
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "first publish (%s)" % err.strip())
target = env.rule("chill")[0]

# 1. same answer: no write request at all, logged as unchanged
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "second publish exit code")
env.eq(env.writes(), {}, "write requests of an unchanged publish")
env.eq(env.runs("chill")[-1][1], "unchanged", "publish_runs outcome of the second run")
env.eq(env.runs("chill")[-1][6], "0", "publish_runs write_requests of the second run")

# 2. a new n: the items are replaced (PUT 100 + POST the rest), same playlist
env.reset_stats()
rc, err, _ = env.publish("chill", "--n", "130")
env.eq(rc, 0, "publish with --n 130 (%s)" % err.strip())
env.eq(env.writes(), {"PUT /v1/playlists/{id}/items": 1, "POST /v1/playlists/{id}/items": 1},
       "write requests: PUT of the first 100, POST of the other 30, no create")
env.eq(env.items(target), env.answer("chill", 130), "items after the change, in rank order")
env.eq(env.rule("chill")[0], target, "the same target playlist")
env.eq(env.qi("SELECT n FROM listen_wiseer.publish_rules WHERE rule = 'chill'"), 130, "the rule keeps --n")
env.eq(env.runs("chill")[-1][1], "replaced", "publish_runs outcome after the change")

# 3. the library changes under the rule: a member's features move, the answer moves with them
before = env.answer("chill", 130)
env.q("""UPDATE listen_wiseer.audio_features SET energy = 1 - energy, valence = 1 - valence,
         danceability = 1 - danceability
         WHERE track_id IN (SELECT track_id FROM recommend('chill', n => 5));
         SELECT listen_wiseer.refresh_vectors();""")
after = env.answer("chill", 130)
env.check(before != after, "the library change changes the answer (else this step proves nothing)")
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "publish after the library change")
env.eq(env.items(target), after, "items follow the new answer")
env.eq(sorted(env.writes()), ["POST /v1/playlists/{id}/items", "PUT /v1/playlists/{id}/items"],
       "replaced with PUT + POST")
env.eq(len(env.owned_named("chill · more like this")), 1, "still one playlist")

# 4. and unchanged again
env.reset_stats()
env.publish("chill")
env.eq(env.writes(), {}, "no write once the new answer is published")
env.finish()
