"""Helpers for the lw-ingest publish end-to-end tests (test_publish_*.py)."""
import json
import urllib.request

from e2e import Env

READ = "playlist-read-private playlist-read-collaborative user-library-read user-top-read"
SCOPE = READ + " playlist-modify-private"
WRITES = ("POST /v1/me/playlists", "PUT /v1/playlists/{id}/items", "POST /v1/playlists/{id}/items")


class PublishEnv(Env):
    """An Env whose login allows publishing, with a synced library."""

    def __init__(self, name, scope=SCOPE, sync=True, **kw):
        super().__init__(name, scope=scope, **kw)
        if sync:
            rc, err, _ = self.sync()
            if rc != 0:
                raise SystemExit("sync failed: %s" % err)

    def publish(self, *args, **kw):
        return self.run("publish", *args, **kw)

    def publish_out(self, *args, **kw):
        """Run publish and also return stdout: (rc, stdout, stderr)."""
        import subprocess
        from e2e import LW_INGEST, WRAPPER
        p = subprocess.run(WRAPPER + [LW_INGEST, "publish"] + list(args) + ["--dbname", self.db],
                           env=self.env(kw.get("extra_env")), capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    # ---- the mock's read API, as the user (what Spotify would show)
    def api(self, method, path):
        tok = self.http("POST", "/_mock/token", {"pkce": True, "scope": SCOPE})["access_token"]
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": "Bearer " + tok})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def my_playlists(self):
        out, path = [], "/v1/me/playlists?limit=50"
        while path:
            page = self.api("GET", path)
            out += page["items"]
            path = page["next"][len(self.base):] if page["next"] else None
        return out

    def owned_named(self, name):
        me = self.api("GET", "/v1/me")["id"]
        return [p for p in self.my_playlists() if p["name"] == name and p["owner"]["id"] == me]

    def items(self, pid):
        out, path = [], "/v1/playlists/%s/items?limit=50" % pid
        while path:
            page = self.api("GET", path)
            out += [it["item"]["uri"] for it in page["items"]]
            path = page["next"][len(self.base):] if page["next"] else None
        return out

    def writes(self):
        """Write requests the mock received since the last reset_stats()."""
        by = self.stats()["by_endpoint"]
        return {k: by[k] for k in WRITES if by.get(k)}

    # ---- the database
    def answer(self, playlist, n, extra=""):
        """The URIs recommend() answers, in rank order (what publish must write)."""
        rows = self.q("SELECT track_id FROM recommend(%s, n => %d%s) ORDER BY rank"
                      % (self.lit(playlist), n, extra))
        return ["spotify:track:" + r[0] for r in rows]

    def rule(self, name):
        r = self.q("SELECT target_playlist_id, published_snapshot, pg_catalog.cardinality(published_uris)"
                   " FROM listen_wiseer.publish_rules WHERE rule = %s" % self.lit(name))
        return r[0] if r else None

    def runs(self, name=None):
        where = "" if name is None else " WHERE rule = %s" % self.lit(name)
        return self.q("SELECT rule, outcome, target_playlist_id, snapshot_id, track_count, skipped_count,"
                      " write_requests, created_target, error FROM listen_wiseer.publish_runs%s"
                      " ORDER BY publish_id" % where)

    @staticmethod
    def lit(s):
        return "'" + s.replace("'", "''") + "'"
