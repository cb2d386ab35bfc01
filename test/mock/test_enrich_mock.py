"""Contract tests for tools/mock/enrich_mock.py (ReccoBeats, MusicBrainz, Last.fm), every case of
enrichment-sources.md §5.5, with values checked against the generator's ground truth.

    python3 -m unittest discover -s test/mock -p 'test_*.py'
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from urllib.parse import quote, urlencode

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mock")
sys.path.insert(0, HERE)
import generate_library  # noqa: E402
from enrich_truth import RB_FEATURES  # noqa: E402

UA = "lw-test/1.0 ( tests@example.org )"
KEY = "lw-test-lastfm-key"
TMP = LIB = PROC = PORT = None


def setUpModule():
    global TMP, LIB, PROC, PORT
    TMP = tempfile.mkdtemp(prefix="lw-enrich-mock-test-")
    path = os.path.join(TMP, "lib.json")
    generate_library.main(["--seed", "42", "--tracks", "1200", "--playlists", "20", "--out", path])
    with open(path, encoding="utf-8") as f:
        LIB = json.load(f)
    port_file = os.path.join(TMP, "port")
    PROC = subprocess.Popen([sys.executable, os.path.join(HERE, "enrich_mock.py"), "--library", path,
                             "--port", "0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while not os.path.exists(port_file):
        if PROC.poll() is not None or time.time() > deadline:
            raise RuntimeError("enrich mock did not start: %s" % PROC.stderr.read().decode())
        time.sleep(0.05)
    with open(port_file) as f:
        PORT = int(f.read())


def tearDownModule():
    PROC.send_signal(signal.SIGTERM)
    try:
        rc = PROC.wait(10)
    finally:
        if PROC.poll() is None:
            PROC.kill()
        PROC.stderr.close()
        shutil.rmtree(TMP, ignore_errors=True)
    if rc != 0:
        raise AssertionError("enrich mock exited with %r on SIGTERM" % rc)


class Resp:
    def __init__(self, r, body):
        self.status = r.status
        self.headers = dict(r.getheaders())
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


def get(path, ua=UA, method="GET", body=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    headers = {"User-Agent": ua} if ua is not None else {"User-Agent": ""}
    if body is not None:
        headers["Content-Type"] = "application/json"
    c.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    r = c.getresponse()
    out = Resp(r, r.read())
    c.close()
    return out


def ctl(cmd, doc=None):
    return get("/_mock/" + cmd, method="POST" if doc is not None else "GET", body=doc).json


MB_INTERVAL = 0.05      # the mock's MusicBrainz limit in these tests (1 s by default)


def mb(path):
    """A MusicBrainz request that respects the mock's rate rule."""
    time.sleep(MB_INTERVAL * 1.2)
    return get(path)


class Base(unittest.TestCase):
    def setUp(self):
        ctl("reset", {})
        self.tracks = {t["id"]: t for t in LIB["tracks"]}
        self.artists = {a["id"]: a for a in LIB["artists"]}


class ReccoBeats(Base):
    def features(self, ids):
        return get("/v1/audio-features?ids=" + ",".join(ids))

    def test_coverage_about_80_percent_with_ground_truth_values(self):
        with_f = [t["id"] for t in LIB["tracks"] if t["features"] is not None]
        known = {}
        for i in range(0, len(with_f), 40):
            r = self.features(with_f[i:i + 40])
            self.assertEqual(r.status, 200)
            sent = set(with_f[i:i + 40])
            for e in r.json["content"]:
                tid = e["href"].rsplit("/", 1)[1]
                if tid in sent:
                    known[tid] = e
        share = len(known) / len(with_f)
        self.assertTrue(0.74 < share < 0.86, share)
        for tid, e in known.items():
            self.assertNotEqual(e["id"], tid, "id is ReccoBeats' UUID, not the Spotify id")
            self.assertEqual(len(e["id"]), 36)
            for k in RB_FEATURES:
                self.assertEqual(e[k], self.tracks[tid]["features"][k], (tid, k))
            self.assertNotIn("time_signature", e)
            self.assertNotIn("duration_ms", e)
        # tracks without features in the ground truth are never known
        none = [t["id"] for t in LIB["tracks"] if t["features"] is None][:40]
        self.assertEqual(self.features(none).json, {"content": []})

    def test_unknown_ids_omitted_all_unknown_empty(self):
        r = self.features(["0000000000000000000000", "1111111111111111111111"])
        self.assertEqual((r.status, r.json), (200, {"content": []}))

    def test_partial_batch_shuffled_duplicates_and_strays(self):
        ids = [t["id"] for t in LIB["tracks"]]
        shuffled = dup = stray = 0
        for i in range(0, 400, 40):
            batch = ids[i:i + 40]
            content = self.features(batch).json["content"]
            tails = [e["href"].rsplit("/", 1)[1] for e in content]
            asked = [t for t in tails if t in batch]
            if asked != [t for t in batch if t in asked]:
                shuffled += 1
            dup += len(asked) - len(set(asked))
            stray += sum(1 for t in tails if t not in batch)
            self.assertLess(len(set(asked)), len(batch), "partial: some ids are unknown")
        self.assertGreater(shuffled, 0)
        self.assertGreater(dup, 0, "some element answered twice")
        self.assertGreater(stray, 0, "some element nobody asked for")

    def test_over_40_ids_is_400(self):
        ids = [t["id"] for t in LIB["tracks"][:41]]
        r = self.features(ids)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"], 4004)
        self.assertEqual(self.features(ids[:40]).status, 200)
        self.assertEqual(get("/v1/audio-features?" + "&".join("ids=" + i for i in ids)).status, 400,
                         "repeated form counts too")

    def test_throttle_429_retry_after_then_normal(self):
        ctl("config", {"reccobeats": {"throttle": {"count": 2, "retry_after": 2}}})
        tid = LIB["tracks"][0]["id"]
        for _ in range(2):
            r = self.features([tid])
            self.assertEqual(r.status, 429)
            self.assertEqual(r.headers.get("Retry-After"), "2")
        self.assertEqual(self.features([tid]).status, 200)

    def test_server_error_then_success(self):
        ctl("config", {"reccobeats": {"fail": {"count": 1, "status": 500}}})
        tid = LIB["tracks"][0]["id"]
        self.assertEqual(self.features([tid]).status, 500)
        self.assertEqual(self.features([tid]).status, 200)

    def test_isrc_lookup_and_twin_record(self):
        isrcs = [t["isrc"] for t in LIB["tracks"] if t["features"] and t.get("isrc")]
        twins = 0
        for i in range(0, 400, 40):
            batch = isrcs[i:i + 40]
            for e in self.features(batch).json["content"]:
                self.assertIn(e["isrc"], batch)
            hrefs = {}
            for e in self.features(batch).json["content"]:
                hrefs.setdefault(e["isrc"], set()).add(e["href"])
            twins += sum(1 for v in hrefs.values() if len(v) > 1)
        self.assertGreater(twins, 0, "some ISRC answers two records with different hrefs")

    def test_track_endpoints(self):
        known = [t for t in LIB["tracks"] if t["features"]][:40]
        r = get("/v1/track?ids=" + ",".join(t["id"] for t in known))
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["content"])
        e = r.json["content"][0]
        self.assertTrue(e["href"].startswith("https://open.spotify.com/track/"))
        f = get("/v1/track/%s/audio-features" % e["id"])
        self.assertEqual(f.status, 200)
        self.assertEqual(f.json["id"], e["id"])
        self.assertEqual(get("/v1/track/%s/audio-features" % known[0]["id"]).status, 404,
                         "a Spotify id is not a ReccoBeats id")
        ctl("config", {"reccobeats": {"bare_array": True}})
        self.assertIsInstance(get("/v1/track?ids=" + known[0]["id"]).json, list)


class MusicBrainz(Base):
    def setUp(self):
        super().setUp()
        ctl("config", {"musicbrainz": {"min_interval": MB_INTERVAL}})

    def url_query(self, aids, inc="artist-rels"):
        q = "&".join("resource=" + quote("https://open.spotify.com/artist/" + a, safe="") for a in aids)
        return "/ws/2/url?%s&inc=%s&fmt=json" % (q, inc)

    def test_user_agent_required(self):
        q = self.url_query([LIB["artists"][0]["id"]])
        for ua in (None, "", "Python-urllib/3.11", "Java/17", "lw-ingest/1.0", "MyApp/1.0"):
            time.sleep(MB_INTERVAL * 1.2)
            self.assertEqual(get(q, ua=ua).status, 403, ua)
        self.assertEqual(mb(q).status, 200)

    def test_faster_than_one_per_second_is_503(self):
        ctl("config", {"musicbrainz": {"min_interval": 1.0}})   # the real service's limit
        q = self.url_query([LIB["artists"][0]["id"]])
        time.sleep(1.0)
        get(q)
        r = get(q)
        self.assertEqual(r.status, 503)
        self.assertIn("exceeding the allowable rate limit", r.json["error"])
        self.assertEqual(r.headers.get("Retry-After"), "1")
        time.sleep(1.0)
        self.assertNotEqual(get(q).status, 503)

    def test_url_lookups_coverage_order_truncation(self):
        ids = [a["id"] for a in LIB["artists"]]
        r = mb(self.url_query(ids[:100]))
        self.assertEqual(r.status, 200)
        found = [u["resource"].rsplit("/", 1)[1] for u in r.json["urls"]]
        self.assertTrue(0.6 < len(found) / 100 < 0.9, len(found))
        self.assertNotEqual(found, [i for i in ids[:100] if i in found], "not in request order")
        self.assertEqual(r.json["url-count"], len(found))
        r = mb(self.url_query(ids[:101] + ids[200:220]))
        tail = set(u["resource"].rsplit("/", 1)[1] for u in r.json["urls"])
        self.assertFalse(tail & set(ids[200:220]), "resources past 100 are ignored")
        none = mb(self.url_query(["0000000000000000000000", "1111111111111111111111"]))
        self.assertEqual(none.json, {"url-count": 0, "url-offset": 0, "urls": []})

    def test_single_resource_found_and_404(self):
        ids = [a["id"] for a in LIB["artists"]]
        r = mb(self.url_query(ids[:100]))
        known = r.json["urls"][0]["resource"].rsplit("/", 1)[1]
        unknown = next(i for i in ids[:100] if i not in
                       {u["resource"].rsplit("/", 1)[1] for u in r.json["urls"]})
        one = mb(self.url_query([known]))
        self.assertEqual(one.status, 200)
        self.assertEqual(one.json["relations"][0]["target-type"], "artist")
        nf = mb(self.url_query([unknown]))
        self.assertEqual(nf.status, 404)
        self.assertEqual(nf.json["error"], "Not Found")
        self.assertIn("help", nf.json)

    def test_inc_rules(self):
        aid = LIB["artists"][0]["id"]
        self.assertEqual(mb(self.url_query([aid], inc="genres")).status, 400)
        r = mb(self.url_query([aid]) + "&inc=tags")
        self.assertEqual(r.status, 400)
        self.assertIn("combined", r.json["error"])

    def all_urls(self):
        out = {}
        ids = [a["id"] for a in LIB["artists"]]
        for i in range(0, len(ids), 100):
            for u in mb(self.url_query(ids[i:i + 100])).json["urls"]:
                out[u["resource"].rsplit("/", 1)[1]] = u["relations"]
        return out

    def test_artist_genres_ambiguous_and_merged(self):
        urls = self.all_urls()
        self.assertTrue(0.65 < len(urls) / len(LIB["artists"]) < 0.85)
        amb = [a for a, rels in urls.items() if len(rels) > 1]
        self.assertTrue(amb, "some URL links two artists")
        single = [(a, rels[0]["artist"]["id"]) for a, rels in urls.items() if len(rels) == 1]
        merged = with_genres = empty = 0
        for aid, mbid in single[:120]:
            r = mb("/ws/2/artist/%s?inc=genres+tags&fmt=json" % mbid)
            if r.status == 301:
                merged += 1
                self.assertNotEqual(r.json["id"], mbid, "the body carries the new MBID")
                self.assertIn(r.json["id"], r.headers["Location"])
            else:
                self.assertEqual(r.status, 200)
            names = [g["name"] for g in r.json["genres"]]
            self.assertEqual(names, sorted(names), "sorted by name")
            self.assertTrue(all(g["count"] > 0 for g in r.json["genres"]))
            self.assertTrue(set(names) <= set(self.artists[aid]["genres"]), "ground truth genres")
            if names:
                with_genres += 1
                self.assertTrue(set(names) <= {t["name"] for t in r.json["tags"]})
            else:
                empty += 1
        self.assertGreater(with_genres, 80)
        self.assertGreater(empty, 0, "some artists have []")
        self.assertGreater(merged, 0, "some MBIDs were merged")

    def test_artist_404_400(self):
        self.assertEqual(mb("/ws/2/artist/00000000-0000-4000-8000-000000000000?inc=genres&fmt=json").status, 404)
        self.assertEqual(mb("/ws/2/artist/not-an-mbid?inc=genres&fmt=json").status, 400)

    def test_isrc(self):
        t = LIB["tracks"][0]
        r = mb("/ws/2/isrc/%s?inc=artist-credits&fmt=json" % t["isrc"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["recordings"][0]["title"], t["name"])
        self.assertEqual(mb("/ws/2/isrc/ZZ0000000000?fmt=json").status, 404)
        self.assertEqual(mb("/ws/2/isrc/bad?fmt=json").status, 400)
        self.assertEqual(mb("/ws/2/isrc/%s?inc=genres&fmt=json" % t["isrc"]).status, 400)

    def test_overload_html(self):
        ctl("config", {"musicbrainz": {"fail": {"count": 1}}})
        r = mb(self.url_query([LIB["artists"][0]["id"]]))
        self.assertEqual(r.status, 503)
        self.assertIsNone(r.json)
        self.assertIn(b"<html>", r.raw)


class LastFm(Base):
    def tags(self, name, key=KEY, method="artist.getTopTags", **extra):
        q = {"method": method, "artist": name, "autocorrect": "1", "format": "json"}
        if key is not None:
            q["api_key"] = key
        q.update(extra)
        return get("/2.0/?" + urlencode(q))

    def test_known_artists_and_tags(self):
        known = one = strs = 0
        for a in LIB["artists"]:
            r = self.tags(a["name"].upper())
            self.assertEqual(r.status, 200)
            if "error" in r.json:
                self.assertEqual(r.json["error"], 6)
                continue
            known += 1
            tt = r.json["toptags"]
            self.assertEqual(tt["@attr"]["artist"], a["name"], "autocorrected name")
            tags = tt["tag"]
            if isinstance(tags, dict):
                one += 1
                tags = [tags]
            counts = [int(t["count"]) for t in tags]
            strs += any(isinstance(t["count"], str) for t in tags)
            self.assertEqual(counts, sorted(counts, reverse=True))
            self.assertEqual(counts[0], 100)
            kept = {t["name"].lower() for t in tags if int(t["count"]) >= 5} - {"seen live"}
            if len(tags) > 1:
                self.assertTrue(set(a["genres"]) <= kept, a["name"])
        self.assertGreater(known / len(LIB["artists"]), 0.85)
        self.assertGreater(one, 0, "one tag served as an object")
        self.assertGreater(strs, 0, "counts as strings")

    def test_errors_inside_200(self):
        name = LIB["artists"][0]["name"]
        r = self.tags(name, key="wrong")
        self.assertEqual((r.status, r.json["error"]), (200, 10))
        self.assertEqual(self.tags(name, key=None).json["error"], 10)
        r = self.tags("No Such Artist At All")
        self.assertEqual((r.status, r.json["error"]), (200, 6))
        ctl("config", {"lastfm": {"suspended": True}})
        self.assertEqual(self.tags(name).json["error"], 26)

    def test_rate_limit_and_temporary(self):
        name = LIB["artists"][0]["name"]
        ctl("config", {"lastfm": {"rate_limit": {"count": 1}, "temporary": {"count": 1}}})
        r = self.tags(name)
        self.assertEqual((r.status, r.json["error"]), (429, 29))
        r = self.tags(name)
        self.assertEqual((r.status, r.json["error"]), (200, 16))
        self.assertIn("toptags", self.tags(name).json)

    def test_track_tags(self):
        t = LIB["tracks"][0]
        a = self.artists[t["artist_ids"][0]]
        r = self.tags(a["name"], method="track.getTopTags", track="No Such Title")
        if "error" not in r.json:
            self.assertEqual(r.json["toptags"]["tag"], [])

    def test_non_json_error_page(self):
        ctl("config", {"lastfm": {"fail": {"count": 1, "status": 502, "body": "html"}}})
        r = self.tags(LIB["artists"][0]["name"])
        self.assertEqual(r.status, 502)
        self.assertIsNone(r.json)


class Recording(Base):
    def test_requests_are_recorded_with_user_agent(self):
        get("/v1/audio-features?ids=" + LIB["tracks"][0]["id"], ua="a/1 ( x@y )")
        log = ctl("requests")
        self.assertEqual(len(log), 1)
        self.assertEqual(log[0]["user_agent"], "a/1 ( x@y )")
        self.assertEqual(log[0]["service"], "reccobeats")
        self.assertIn("ids=", log[0]["query"])
        self.assertEqual(ctl("stats")["by_service"], {"reccobeats": 1})


if __name__ == "__main__":
    unittest.main()
