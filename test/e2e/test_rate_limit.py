"""429 with each Retry-After variant (seconds, missing, 0, lower-case header name, empty body):
lw-ingest waits and carries on; the run is ok and complete."""
from e2e import Env, expected_library, load_library

env = Env("rate_limit")
lib = load_library()
X = expected_library(lib)

# load everything once without limits, then replay only the audio-features step per variant
rc, _, _ = env.sync()
env.eq(rc, 0, "initial sync")
variants = [("normal", "json"), ("missing", "json"), ("zero", "json"), ("lowercase", "json"),
            (1, "empty")]
for ra, body in variants:
    env.q("DELETE FROM listen_wiseer.audio_features; UPDATE listen_wiseer.tracks SET features_checked_at = NULL")
    env.reset_stats()
    env.config({"rate_limit": {"budget": 6, "window": 1, "path": "/v1/audio-features",
                               "retry_after": ra, "body": body}})
    rc, err, dt = env.sync()
    st = env.stats()
    env.config({"rate_limit": {"budget": 0}})
    tag = "Retry-After %s / %s body" % (ra, body)
    env.eq(rc, 0, "%s: exit code" % tag)
    env.eq(env.last_run()["status"], "ok", "%s: run status" % tag)
    env.check(st["rate_limited"] >= 1, "%s: the mock served 429s (%d)" % (tag, st["rate_limited"]))
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
           "%s: all features loaded" % tag)
    env.check(dt < 30, "%s: finished in %.1fs" % (tag, dt))
env.finish()
