"""`lw-ingest publish --dry-run` prints what would be created or written and writes nothing:
no write request, no rule stored, no publish logged."""
from publish_env import PublishEnv

env = PublishEnv("publish_dry_run")
env.reset_stats()
rc, out, err = env.publish_out("chill", "--dry-run")
env.eq(rc, 0, "dry run exit code (%s)" % err.strip())
env.check('would create the private playlist "chill · more like this"' in out, "plan says create: %r" % out[:300])
answer = env.answer("chill", 30)
listed = [line.split()[1] for line in out.splitlines() if line.strip()[:1].isdigit()]
env.eq(listed, answer, "the plan lists the URIs in rank order")
env.eq(env.writes(), {}, "write requests of a dry run")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.publish_rules"), 0, "no rule stored by a dry run")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.publish_runs"), 0, "no run logged by a dry run")
env.eq(env.owned_named("chill · more like this"), [], "no playlist")

rc, _, _ = env.publish("chill")
env.eq(rc, 0, "real publish")
target = env.rule("chill")[0]
rules_before = env.q("SELECT r::text FROM listen_wiseer.publish_rules r")
env.reset_stats()
rc, out, err = env.publish_out("chill", "--dry-run")
env.check("is up to date: nothing would be written" in out, "plan after a publish: %r" % out[:300])
rc, out, err = env.publish_out("chill", "--dry-run", "--n", "40")
env.eq(rc, 0, "dry run with --n 40")
env.check("would replace the items of playlist %s (10 new, 0 dropped)" % target in out,
          "plan says replace: %r" % out[:300])
env.eq(env.writes(), {}, "write requests of the dry runs")
env.eq(env.q("SELECT r::text FROM listen_wiseer.publish_rules r"), rules_before, "the rule is unchanged")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.publish_runs"), 1, "only the real publish is logged")
env.eq(env.items(target), answer, "the playlist is as the real publish left it")
env.finish()
