"""Access token expiring mid-run: the API answers 401, lw-ingest refreshes once and retries;
the run completes with the full library."""
import time

from e2e import Env, expected_library, load_library

env = Env("token_expiry")
lib = load_library()
X = expected_library(lib)
p = env.start("sync", extra_env={"LW_PACE_MS": "40"})
# let it get going, then kill every access token (twice, some time apart)
for _ in range(2):
    time.sleep(0.8)
    env.http("POST", "/_mock/expire")
_, err = p.communicate(timeout=120)
env.eq(p.returncode, 0, "sync exit code")
run = env.last_run()
env.eq(run["status"], "ok", "run status")
st = env.stats()
env.check(st["by_status"].get("401", 0) >= 2, "the API answered 401 mid-run (%r)" % st["by_status"])
env.check(st["refreshes"] >= 2, "refreshed after each expiry (%d)" % st["refreshes"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), len(X["seen_tracks"]), "all tracks loaded")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "all features loaded")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks"),
       sum(len(v) for v in X["members"].values()), "all memberships loaded")
env.finish()
