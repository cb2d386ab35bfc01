"""Contract tests for the mock's playlist write endpoints (tools/mock/mock_write.py).

    python3 -m unittest discover -s test/mock -p 'test_*.py'
"""
import re
import unittest

import test_mock as tm
from test_mock import ALL_SCOPES, ctl, req

MODIFY = ALL_SCOPES + " playlist-modify-private"
ID22 = re.compile(r"^[0-9A-Za-z]{22}$")


def setUpModule():
    tm.setUpModule()


def tearDownModule():
    tm.tearDownModule()


def call(method, path, tok, body=None):
    return req(method, "/v1" + path, body, {"Authorization": "Bearer " + tok})


class WriteTests(tm.Base):
    def setUp(self):
        super().setUp()
        self.t = self.tok(MODIFY)
        self.tracks = [t["id"] for t in tm.LIB["tracks"][:250]]

    def uris(self, a, b):
        return ["spotify:track:" + t for t in self.tracks[a:b]]

    def create(self, **kw):
        doc = dict({"name": "mix", "public": False, "description": "made by a test"}, **kw)
        r = call("POST", "/me/playlists", self.t, doc)
        self.assertEqual(r.status, 201, r.raw)
        return r.json

    def items(self, pid):
        items, _, _ = tm.walk("/playlists/%s/items?limit=50" % pid, self.t)
        return [it["item"]["uri"] for it in items]

    def test_create(self):
        p = self.create()
        self.assertTrue(ID22.match(p["id"]))
        self.assertEqual((p["name"], p["public"], p["collaborative"], p["description"], p["type"]),
                         ("mix", False, False, "made by a test", "playlist"))
        self.assertEqual(p["owner"]["id"], tm.LIB["user"]["id"])
        self.assertEqual(p["uri"], "spotify:playlist:" + p["id"])
        self.assertEqual((p["items"]["total"], p["items"]["items"]), (0, []))
        self.assertTrue(p["snapshot_id"])
        first = tm.api("/me/playlists?limit=1", self.t).json["items"][0]
        self.assertEqual(first["id"], p["id"], "a new playlist is listed first")
        self.assertEqual(tm.api("/playlists/" + p["id"], self.t).status, 200)
        self.assertEqual(self.create(name="mix")["id"] != p["id"], True, "same name, new playlist")
        self.assertEqual(req("GET", "/_mock/stats").json["by_endpoint_status"]["POST /v1/me/playlists 201"], 2)

    def test_create_legacy_path(self):
        me = tm.LIB["user"]["id"]
        r = call("POST", "/users/%s/playlists" % me, self.t, {"name": "old way", "public": False})
        self.assertEqual((r.status, r.json["owner"]["id"]), (201, me))
        self.assertEqual(call("POST", "/users/someoneelse/playlists", self.t, {"name": "x", "public": False}).status,
                         403)
        ctl("config", {"mode": "dev-2026"})
        r = call("POST", "/users/%s/playlists" % me, self.t, {"name": "old way", "public": False})
        self.assertEqual(r.status, 403, "removed for development mode")
        self.assertEqual(call("POST", "/me/playlists", self.t, {"name": "new way", "public": False}).status, 201)

    def test_create_rules(self):
        for doc, msg in [({}, "Missing required field: name"), ({"name": " "}, "Missing required field: name"),
                         ({"name": "x", "public": "no"}, "Invalid request"),
                         ({"name": "x", "public": True, "collaborative": True},
                          "Collaborative playlists can only be private.")]:
            r = call("POST", "/me/playlists", self.t, doc)
            self.assertEqual((r.status, r.json["error"]["message"]), (400, msg), doc)
        r = req("POST", "/v1/me/playlists", "{not json", {"Authorization": "Bearer " + self.t,
                                                           "Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        # scopes: private needs playlist-modify-private, public (the default) playlist-modify-public
        r = call("POST", "/me/playlists", self.t, {"name": "x"})
        self.assertEqual((r.status, r.json["error"]["message"]), (403, "Insufficient client scope"))
        old = self.tok(ALL_SCOPES)
        r = call("POST", "/me/playlists", old, {"name": "x", "public": False})
        self.assertEqual((r.status, r.json["error"]["message"]), (403, "Insufficient client scope"))
        pub = self.tok("playlist-modify-public")
        self.assertEqual(call("POST", "/me/playlists", pub, {"name": "x"}).status, 201)
        self.assertEqual(req("POST", "/v1/me/playlists", {"name": "x", "public": False}).status, 401)

    def test_replace_and_append(self):
        p = self.create()
        snaps = {p["snapshot_id"]}
        r = call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(0, 100)})
        self.assertEqual(r.status, 200, r.raw)
        snaps.add(r.json["snapshot_id"])
        r = call("POST", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(100, 150)})
        self.assertEqual(r.status, 201, r.raw)
        snaps.add(r.json["snapshot_id"])
        self.assertEqual(self.items(p["id"]), self.uris(0, 150))
        r = call("POST", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(200, 202), "position": 1})
        self.assertEqual(r.status, 201)
        snaps.add(r.json["snapshot_id"])
        self.assertEqual(self.items(p["id"])[:4], self.uris(0, 1) + self.uris(200, 202) + self.uris(1, 2))
        r = call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(5, 7)})
        snaps.add(r.json["snapshot_id"])
        self.assertEqual(self.items(p["id"]), self.uris(5, 7), "PUT replaces everything")
        r = call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(5, 7)})
        snaps.add(r.json["snapshot_id"])
        self.assertEqual(len(snaps), 6, "every write changes snapshot_id, even an identical one")
        r = req("PUT", "/v1/playlists/%s/items?uris=%s" % (p["id"], ",".join(self.uris(9, 11))), None,
                {"Authorization": "Bearer " + self.t})
        self.assertEqual(r.status, 200, "uris in the query")
        self.assertEqual(self.items(p["id"]), self.uris(9, 11))
        self.assertEqual(tm.api("/playlists/" + p["id"], self.t).json["snapshot_id"], r.json["snapshot_id"])

    def test_item_rules(self):
        p = self.create()
        path = "/playlists/%s/items" % p["id"]
        for method in ("PUT", "POST"):
            for uris, msg in [(self.uris(0, 101), "You can add a maximum of 100 tracks per request."),
                              (["spotify:track:short"], "Invalid base62 id"),
                              (["spotify:local:a:b:c:100"], "Unsupported URL / URI."),
                              (["https://open.spotify.com/track/x"], "Unsupported URL / URI."),
                              (["spotify:track:" + "Z" * 22], "Payload contains a non-existing ID")]:
                r = call(method, path, self.t, {"uris": uris})
                self.assertEqual((r.status, r.json["error"]["message"]), (400, msg), (method, uris[:1]))
            self.assertEqual(call(method, path, self.t, {}).status, 400, "no uris")
        self.assertEqual(self.items(p["id"]), [], "refused writes change nothing")
        self.assertEqual(call("PUT", "/playlists/%s/items" % ("Q" * 22), self.t, {"uris": []}).status, 404)
        self.assertEqual(call("PUT", "/playlists/bad!/items", self.t, {"uris": []}).status, 400)
        self.assertEqual(call("PUT", path, self.tok(ALL_SCOPES), {"uris": []}).status, 403)
        self.assertEqual(call("DELETE", path, self.t, {"uris": []}).status, 405, "not implemented")

    def test_not_owned_and_deleted(self):
        me = tm.LIB["user"]["id"]
        other = next(p for p in tm.LIB["playlists"] if p["owner_id"] != me and not p["collaborative"])
        collab = next(p for p in tm.LIB["playlists"] if p["owner_id"] != me and p["collaborative"])
        scope = MODIFY + " playlist-modify-public"
        t = self.tok(scope)
        r = call("PUT", "/playlists/%s/items" % other["id"], t, {"uris": self.uris(0, 1)})
        self.assertEqual((r.status, r.json["error"]["message"]),
                         (403, "You cannot add tracks to a playlist you don't own."))
        self.assertEqual(call("POST", "/playlists/%s/items" % collab["id"], t, {"uris": self.uris(0, 1)}).status,
                         201, "a collaborator may add")
        p = self.create()
        self.assertEqual(call("DELETE", "/playlists/%s/followers" % p["id"], self.t).status, 200)
        self.assertEqual(tm.api("/playlists/" + p["id"], self.t).status, 404)
        self.assertEqual(call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": []}).status, 404)
        self.assertNotIn(p["id"], [x["id"] for x in tm.walk("/me/playlists?limit=50", self.t)[0]])

    def test_faults_and_limits(self):
        ctl("config", {"write_fail": {"count": 1, "status": 500, "method": "POST", "path": "/v1/me/playlists",
                                      "after": True}})
        r = call("POST", "/me/playlists", self.t, {"name": "ghost", "public": False})
        self.assertEqual(r.status, 500)
        names = [x["name"] for x in tm.walk("/me/playlists?limit=50", self.t)[0]]
        self.assertEqual(names.count("ghost"), 1, "after: the write was done before the 500")
        ctl("config", {"write_fail": {"count": 1, "status": 503, "method": "POST", "path": "/v1/me/playlists",
                                      "after": False}})
        self.assertEqual(call("POST", "/me/playlists", self.t, {"name": "ghost2", "public": False}).status, 503)
        names = [x["name"] for x in tm.walk("/me/playlists?limit=50", self.t)[0]]
        self.assertNotIn("ghost2", names, "before (default): nothing was done")
        p = self.create()
        ctl("config", {"write_fail": {"count": 1, "status": 500, "method": "PUT", "path": "/v1/playlists/*/items"}})
        self.assertEqual(call("POST", "/playlists/%s/items" % p["id"], self.t, {"uris": self.uris(0, 1)}).status,
                         201, "the method filter lets POST through")
        self.assertEqual(call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": []}).status, 500)
        self.assertEqual(ctl("config")["write_fail"]["count"], 0)
        # the read switches apply to writes too: fail, rate limit
        ctl("config", {"fail": {"count": 1, "status": 502, "path": "/v1/playlists/"}})
        self.assertEqual(call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": []}).status, 502)
        ctl("config", {"fail": {"count": 0}, "rate_limit": {"budget": 1, "window": 30, "path": "/v1/playlists/"}})
        self.assertEqual(call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": []}).status, 200)
        r = call("PUT", "/playlists/%s/items" % p["id"], self.t, {"uris": []})
        self.assertEqual(r.status, 429)
        self.assertTrue(r.header("Retry-After"))

    def test_reset_forgets_created(self):
        p = self.create()
        ctl("reset")
        self.assertEqual(tm.api("/playlists/" + p["id"], self.t).status, 404)
        self.assertNotEqual(self.create()["id"], p["id"], "ids are not reused after a reset")


if __name__ == "__main__":
    unittest.main()
