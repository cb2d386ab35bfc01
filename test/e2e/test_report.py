"""lw-ingest report (the real binary, also under ASan+UBSan): after a sync, a login made by
listen_wiseer.create_reader_login() writes the page; every playlist's name is in it as text (escaped,
whatever it holds); a login without the reader's rights gets exit 1 and no page; no --out is exit 2."""
import atexit
import html.parser
import os

from e2e import Env, load_library

READER = "lw_e2e_report_%d" % os.getpid()
NOBODY = "lw_e2e_report_nobody_%d" % os.getpid()
env = Env("report")
lib = load_library()


def drop_roles():
    for r in (READER, NOBODY):
        try:
            env.q("DROP ROLE IF EXISTS %s" % r)
        except RuntimeError as e:
            print("  warning: could not drop role %s: %s" % (r, e))


atexit.register(drop_roles)
rc, err, _ = env.sync()
env.eq(rc, 0, "exit code of the sync")
env.q("SELECT listen_wiseer.create_reader_login('%s')" % READER)
env.q("CREATE ROLE %s LOGIN" % NOBODY)

out = os.path.join(env.tmp, "report", "deeper")
rc, err, _ = env.run("report", "--out", out, extra_env={"PGUSER": READER})
env.eq(rc, 0, "exit code of the report as the reader login (%s)" % err.strip()[-300:])
page = os.path.join(out, "report.html")
env.check(os.path.exists(page), "report.html written (parents created)")


class Texts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts = set()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.texts.add(data.strip())


if os.path.exists(page):
    t = Texts()
    with open(page, encoding="utf-8") as f:
        t.feed(f.read())
    names = [r[0] for r in env.q("SELECT DISTINCT p.name FROM listen_wiseer.playlists p"
                                 " JOIN listen_wiseer.playlist_tracks pt USING (playlist_id)"
                                 " WHERE pt.removed_at IS NULL")]
    env.check(names and all(n.strip() in t.texts for n in names),
              "every playlist with members is named in the page's text")
    env.check(not ({"script", "img", "iframe", "link", "object"} & t.tags),
              "no script or embedded resource in the page (%s)" % sorted(t.tags))
    env.check(len(os.listdir(out)) == 1, "only report.html in the directory (no temporary file left)")

out2 = os.path.join(env.tmp, "nobody")
rc, err, _ = env.run("report", "--out", out2, extra_env={"PGUSER": NOBODY})
env.eq(rc, 1, "a login without the reader's rights: exit 1")
env.check("permission denied" in err, "and says why (%s)" % err.strip()[-200:])
env.check(not os.path.exists(os.path.join(out2, "report.html")), "and writes no page")

rc, err, _ = env.run("report")
env.eq(rc, 2, "no --out: exit 2")
env.finish()
