"""lw-ingest checks the listen_wiseer version right after connecting: a database without the
extension, or with the released 1.0 (installed as released: extension/released/), is refused
with exit 2 and a message saying what to run, before anything is written or fetched; after
ALTER EXTENSION listen_wiseer UPDATE the same sync succeeds. The version lw-ingest asks for is
the control file's default_version."""
import os
import re

from publish_env import SCOPE as PUBLISH_SCOPE  # noqa: E402
from e2e import ROOT, Env

env = Env("version_check", scope=PUBLISH_SCOPE)  # publish too reaches its version check
with open(os.path.join(ROOT, "listen_wiseer.control")) as f:
    current = re.search(r"^default_version\s*=\s*'([^']+)'", f.read(), re.M).group(1)
csv = os.path.join(env.tmp, "features.csv")
with open(csv, "w") as f:
    f.write("Track URI,Danceability\n")


def refused(what, expect):
    """Every command that opens the database exits 2 with the message; sync and
    import-features touch nothing and send nothing."""
    env.reset_stats()
    rc, err, _ = env.sync()
    env.eq(rc, 2, "%s: sync's exit code" % what)
    env.check(expect in err, "%s: sync says %r (got %r)" % (what, expect, err.strip()[-300:]))
    rc, err, _ = env.run("import-features", csv)
    env.eq(rc, 2, "%s: import-features' exit code" % what)
    env.check(expect in err, "%s: import-features says %r (got %r)" % (what, expect, err.strip()[-300:]))
    env.eq(env.stats()["requests_total"], 0, "%s: no request reached Spotify" % what)
    # every other command that opens the database checks first too (publish after its /me)
    for cmd in (["enrich"], ["import-catalog", csv], ["report", "--out", os.path.join(env.tmp, "report")], ["publish", "chill"]):
        rc, err, _ = env.run(*cmd)
        env.eq(rc, 2, "%s: %s's exit code" % (what, cmd[0]))
        env.check(expect in err, "%s: %s says %r (got %r)" % (what, cmd[0], expect, err.strip()[-300:]))


# 1. no extension at all
env.q("DROP EXTENSION listen_wiseer CASCADE")
refused("no extension", "the database has no listen_wiseer extension; this lw-ingest needs "
        "listen_wiseer %s: run CREATE EXTENSION listen_wiseer" % current)
env.eq(env.q("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'listen_wiseer'"), [["0"]],
       "no extension: nothing was created")

# 2. the released 1.0, as released
env.q("CREATE EXTENSION listen_wiseer VERSION '1.0'")
refused("listen_wiseer 1.0", "the database has listen_wiseer 1.0; this lw-ingest needs %s: "
        "run ALTER EXTENSION listen_wiseer UPDATE" % current)
env.eq(env.q("SELECT count(*) FROM listen_wiseer.ingest_runs"), [["0"]], "1.0: no run was recorded")

# 3. after the update the same command works
env.q("ALTER EXTENSION listen_wiseer UPDATE")
env.eq(env.q("SELECT extversion FROM pg_extension WHERE extname = 'listen_wiseer'"), [[current]],
       "ALTER EXTENSION UPDATE reached the control file's version")
rc, err, _ = env.sync()
env.eq(rc, 0, "after the update: sync's exit code (%s)" % err.strip()[-300:])
env.check(env.q("SELECT count(*) FROM listen_wiseer.tracks")[0][0] != "0", "after the update: tracks stored")
env.finish()
