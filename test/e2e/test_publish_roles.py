"""publish as an ordinary role, with the grants README "Publish" documents: the ingest role
(grant_ingest) plus read access to the library (grant_reader) and the publish tables. Without
the publish grants it fails cleanly (exit 1) and writes nothing to Spotify."""
import atexit
import os

from publish_env import PublishEnv

ROLE = "lw_e2e_publish_%d" % os.getpid()
env = PublishEnv("publish_roles", db_user=ROLE, sync=False)


def drop_role():
    try:
        env.q("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN"
              " DROP OWNED BY %s CASCADE; DROP ROLE %s; END IF; END $$" % (ROLE, ROLE, ROLE))
    except RuntimeError as e:
        print("  warning: could not drop role %s: %s" % (ROLE, e))


atexit.register(drop_role)
env.q("CREATE ROLE %s LOGIN" % ROLE)
env.q("SELECT listen_wiseer.grant_ingest('%s'), listen_wiseer.grant_reader('%s')" % (ROLE, ROLE))
rc, err, _ = env.sync()
env.eq(rc, 0, "sync as the role")

# without the publish grants: a clean failure before any write
env.reset_stats()
rc, err, _ = env.publish("chill")
env.eq(rc, 1, "publish without rights on the publish tables")
env.check("permission denied" in err, "says why: %r" % err)
env.eq(env.writes(), {}, "no write request")

env.q("GRANT SELECT, INSERT, UPDATE ON listen_wiseer.publish_rules, listen_wiseer.publish_runs TO %s;"
      " GRANT USAGE ON SEQUENCE listen_wiseer.publish_runs_publish_id_seq TO %s" % (ROLE, ROLE))
rc, err, _ = env.publish("chill")
env.eq(rc, 0, "publish with the documented grants (%s)" % err.strip())
mine = env.owned_named("chill · more like this")
env.eq(len(mine), 1, "one playlist")
if mine:
    env.eq(env.items(mine[0]["id"]), env.answer("chill", 30), "its items")
env.eq([r[1] for r in env.runs()], ["created"], "logged")
env.finish()
