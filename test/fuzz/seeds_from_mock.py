#!/usr/bin/env python3
"""Regenerate the Spotify-response seeds of test/fuzz/corpus/spotify/ from the mock.

    test/fuzz/seeds_from_mock.py [--port 54641]

Starts tools/mock/spotify_mock.py on the given loopback port (the harness's API_URL uses
54641, so the "next" links in the seeds are followed), logs in with the mock's auto-consent
authorize + token exchange, fetches real-shaped responses and writes them, trimmed to a few
items each, as seeds. Multi-page walks are stored as a JSON array of responses (see
fuzz_spotify.c). Standard library only; run by hand, not by the tests.
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "..", "..", "tools", "mock", "spotify_mock.py")
CLIENT, SECRET = "lw-test-client", "lw-test-secret"
SCOPES = "playlist-read-private playlist-read-collaborative user-library-read user-top-read"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=54641)
    ap.add_argument("--out", default=os.path.join(HERE, "corpus", "spotify"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lw-fuzz-seeds-")
    pf = os.path.join(tmp, "port")
    p = subprocess.Popen([sys.executable, MOCK, "--generate-seed", "7", "--generate-tracks", "400",
                          "--port", str(a.port), "--port-file", pf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if os.path.exists(pf):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("mock did not start")
        run(a.port, a.out)
    finally:
        p.terminate()
        p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def req(port, method, path, body=None, headers=None):
    if path.startswith("http://"):
        u = urlsplit(path)
        path = u.path + ("?" + u.query if u.query else "")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), data


def run(port, out):
    redirect = "http://127.0.0.1:8765/callback"
    q = urlencode({"client_id": CLIENT, "response_type": "code", "redirect_uri": redirect,
                   "scope": SCOPES, "state": "s"})
    st, h, _ = req(port, "GET", "/authorize?" + q)
    loc = {k.lower(): v for k, v in h.items()}["location"]
    code = parse_qs(urlsplit(loc).query)["code"][0]
    basic = base64.b64encode(("%s:%s" % (CLIENT, SECRET)).encode()).decode()
    st, _, body = req(port, "POST", "/api/token",
                      urlencode({"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": redirect}),
                      {"Content-Type": "application/x-www-form-urlencoded",
                       "Authorization": "Basic " + basic})
    tok = json.loads(body)["access_token"]
    auth = {"Authorization": "Bearer " + tok}

    def get(path):
        st, _, body = req(port, "GET", path, headers=auth)
        return st, json.loads(body) if body else None

    os.makedirs(out, exist_ok=True)

    def save(name, doc):
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(doc, f, separators=(",", ":"))

    def pages(path, n):
        docs = []
        while path and len(docs) < n:
            st, d = get(path)
            docs.append(d)
            path = d.get("next")
        return docs

    save("me", get("/v1/me")[1])
    save("playlists_2pages", pages("/v1/me/playlists?limit=3", 2))
    _, pl = get("/v1/me/playlists?limit=50")
    # the playlist with the most unusual items (local files, episodes, unavailable entries)
    best, score = None, -1
    for p in pl["items"]:
        _, d = get("/v1/playlists/%s/items?limit=50&additional_types=track,episode" % p["id"])
        s = sum(1 for it in d["items"] if it.get("is_local") or it.get("item") is None
                or (it.get("item") or {}).get("type") == "episode")
        if s > score:
            best, score, doc = p["id"], s, d
    odd = [it for it in doc["items"] if it.get("is_local") or it.get("item") is None
           or (it.get("item") or {}).get("type") == "episode"]
    doc["items"] = odd[:4] + [it for it in doc["items"] if it not in odd][:2]
    save("playlist_items_odd", doc)
    save("playlist_items_2pages",
         pages("/v1/playlists/%s/items?limit=2&additional_types=track,episode" % best, 2))
    liked = pages("/v1/me/tracks?limit=2", 2)
    save("liked_2pages", liked)
    ids = [it["track"]["id"] for it in liked[0]["items"]]
    artist_ids = []
    for it in liked[0]["items"]:
        artist_ids += [x["id"] for x in it["track"]["artists"]]
    save("artists", get("/v1/artists?ids=" + ",".join(artist_ids[:3] + ["0" * 22]))[1])
    save("artist_each", [get("/v1/artists/" + artist_ids[0])[1], {"_status": 404},
                         get("/v1/artists/" + artist_ids[-1])[1]])
    save("audio_features", get("/v1/audio-features?ids=" + ",".join(ids + ["0" * 22]))[1])
    save("error_404", get("/v1/playlists/" + "0" * 22)[1])
    # the dev-2026 shapes: items/item only
    req(port, "POST", "/_mock/config", json.dumps({"names": "2026"}),
        {"Content-Type": "application/json"})
    d = get("/v1/me/playlists?limit=2")[1]
    save("playlists_2026", d)
    d = get("/v1/playlists/%s/items?limit=2" % best)[1]
    save("playlist_items_2026", d)
    print("seeds written to", out)


if __name__ == "__main__":
    main()
