"""A revoked refresh token (invalid_grant): exit code 3, a needs_login ingest_runs row, no retry."""
from e2e import Env

env = Env("invalid_grant")
env.http("POST", "/_mock/revoke", {"access": True})
rc, err, dt = env.sync()
env.eq(rc, 3, "exit code LW_EXIT_NEEDS_LOGIN")
env.check("login" in err, "stderr tells to log in again: %r" % err[-300:])
run = env.last_run()
env.eq(run and run["status"], "needs_login", "ingest_runs.status")
env.check(run and run["error"] and "refresh" in run["error"].lower(), "error names the refresh token: %r"
          % (run and run["error"]))
env.check(env.tokens["refresh_token"] not in (run["error"] or ""), "no token in the error text")
st = env.stats()
env.eq(st["by_endpoint"].get("POST /api/token"), 1, "exactly one refresh attempt")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), 0, "nothing loaded")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE finished_at IS NULL"), 0,
       "the run row is finished")
env.check(dt < 10, "quick exit (%.1fs)" % dt)
env.finish()
