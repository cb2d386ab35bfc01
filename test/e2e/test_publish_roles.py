"""publish as an ordinary role, with the grants README "Publish" documents: grant_ingest (which
covers the publish rules and log) plus read access to the library for recommend()
(grant_reader). With grant_ingest alone it fails cleanly (exit 1) and writes nothing to
Spotify."""
import os

from publish_env import PublishEnv

ROLE = "lw_e2e_publish_%d" % os.getpid()
env = PublishEnv("publish_roles", db_user=ROLE, sync=False)


env.drop_roles_at_exit(ROLE)
env.q("CREATE ROLE %s LOGIN" % ROLE)
env.q("SELECT listen_wiseer.grant_ingest('%s')" % ROLE)
rc, err, _ = env.sync()
env.eq(rc, 0, "sync as the role")

# the ingest role alone may write the publish tables but not read what recommend() reads:
# a clean failure before any write
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 1, "publish without the reader's rights")
env.check("permission denied" in err, "says why: %r" % err)
env.eq(env.writes(), {}, "no write request")

env.q("SELECT listen_wiseer.grant_reader('%s')" % ROLE)
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "publish with grant_ingest and grant_reader (%s)" % err.strip())
mine = env.owned_named("chill · more like this")
env.eq(len(mine), 1, "one playlist")
if mine:
    env.eq(env.items(mine[0]["id"]), env.answer("chill", 30), "its items")
env.eq([r[1] for r in env.runs()], ["failed", "created"], "both logged: the refused try, then the publish")
env.finish()
