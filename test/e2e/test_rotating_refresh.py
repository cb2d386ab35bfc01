"""Rotating refresh tokens: the new refresh token is saved (the old one stops working), so the
next run still logs in; without rotation the stored refresh token is kept."""
from e2e import Env

env = Env("rotating_refresh", config={"rotate_refresh": True})
old_rt = env.tokens["refresh_token"]
env.http("POST", "/_mock/expire")
rc, err, _ = env.sync()
env.eq(rc, 0, "first sync exit code")
new_rt = env.token_doc()["refresh_token"]
env.check(new_rt != old_rt, "a new refresh token was saved")
env.check(env.stats()["refreshes"] >= 1, "a refresh happened")

env.http("POST", "/_mock/expire")
rc, err, _ = env.sync()
env.eq(rc, 0, "second sync with the rotated token")
env.eq(env.last_run()["status"], "ok", "second run status")
env.check(env.token_doc()["refresh_token"] not in (old_rt, new_rt), "rotated again and saved")

# no rotation: the answer has no refresh_token; the stored one is kept and keeps working
env.config({"rotate_refresh": False})
kept = env.token_doc()["refresh_token"]
env.http("POST", "/_mock/expire")
rc, err, _ = env.sync()
env.eq(rc, 0, "sync without rotation")
env.eq(env.token_doc()["refresh_token"], kept, "refresh token kept when none is returned")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE status = 'ok'"), 3, "three ok runs")
env.finish()
