"""A 403 on /me (dev-mode app owner without Premium) needs a human: the run fails at once with
Spotify's message (exit 1, failed row), nothing is loaded, no other endpoint is tried."""
from e2e import Env

env = Env("premium", config={"premium_required": True})
rc, err, dt = env.sync()
env.eq(rc, 1, "exit code")
run = env.last_run()
env.eq(run["status"], "failed", "ingest_runs.status")
env.check(run["error"] and "premium" in run["error"].lower(), "error quotes Spotify: %r" % run["error"])
env.check("premium" in err.lower(), "stderr says why")
st = env.stats()
env.eq(sum(v for k, v in st["by_endpoint"].items() if "/v1/" in k), 1, "only /me was asked")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlists"), 0, "nothing loaded")
env.finish()
