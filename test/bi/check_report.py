#!/usr/bin/env python3
"""Checks the page of `lw-ingest report` as Chromium renders it, against SQL.

    check_report.py REPORT.HTML WORKDIR

The PG* environment reaches the same database as a superuser (psql) for the reference numbers.
1. The page loads nothing: no src/href/url()/@import, a Content-Security-Policy of default-src
   'none', and Chromium (network blocked) requests no URL while rendering it; a control page with
   one <img> shows the same check does see a request.
2. Chromium's DOM (--dump-dom) holds every chart's data points; each is compared with SQL computed
   here independently of report.c (histograms binned in Python from the raw feature values).
3. A screenshot (--screenshot) is a real rendering: the genre groups' colours cover many pixels.
Prints "ok ..." per check; exits 1 at the first failure.
"""
import collections
import html.parser
import json
import math
import os
import struct
import subprocess
import sys
import zlib

import checks
from checks import check

REPORT, WORK = sys.argv[1], sys.argv[2]
FEATURES = ["danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness",
            "valence"]




def sql(query):
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def chromium(url, *extra):
    args = ["chromium", "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions",
            # no network: every name fails to resolve, every proxy connection is refused
            "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + os.path.join(WORK, "chromium-profile")]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return subprocess.run(args + list(extra) + [url], capture_output=True, timeout=180)


def requested_urls(netlog):
    with open(netlog) as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = set()
    for e in log["events"]:
        p = e.get("params", {})
        # the browser's own requests (updates, clock, sign-in) have no origin; the page's do
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p and p.get("initiator") != "not an origin":
            urls.add(p["url"])
    return urls


# --- 1. nothing external
with open(REPORT, encoding="utf-8") as f:
    page = f.read()
for needle in (" src=", " href=", "url(", "@import", "<script", "<link", "<iframe"):
    check(needle not in page, "the page has no %r" % needle)
check("default-src 'none'" in page, "the page forbids loading anything (Content-Security-Policy)")

control = os.path.join(WORK, "control.html")
with open(control, "w") as f:
    f.write('<html><body><img src="http://lw-report-control.invalid/x.png"></body></html>')
chromium("file://" + control, "--log-net-log=" + os.path.join(WORK, "control-netlog.json"), "--dump-dom")
check(any("lw-report-control.invalid" in u for u in requested_urls(os.path.join(WORK, "control-netlog.json"))),
      "control: the net log shows a page's request")

netlog = os.path.join(WORK, "report-netlog.json")
r = chromium("file://" + os.path.abspath(REPORT), "--log-net-log=" + netlog, "--dump-dom")
check(r.returncode == 0 and b"</html>" in r.stdout, "Chromium renders the page")
urls = requested_urls(netlog)
check(not urls, "rendering the report requests no URL (%s)" % sorted(urls)[:3])


# --- 2. the DOM's data points against SQL
class Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_class = collections.defaultdict(list)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for c in (a.get("class") or "").split():
            self.by_class[c].append(a)


dom = Collect()
dom.feed(r.stdout.decode("utf-8"))
check({"summary", "genre-mix", "sync-health", "runs"} <= dom.ids, "every section is in the DOM")

summary = sql("SELECT (SELECT count(*) FROM listen_wiseer.playlists WHERE unfollowed_at IS NULL),"
              " (SELECT count(*) FROM listen_wiseer.tracks WHERE in_library),"
              " (SELECT count(*) FROM listen_wiseer.artists),"
              " (SELECT count(*) FROM listen_wiseer.audio_features JOIN listen_wiseer.tracks USING (track_id)"
              "  WHERE in_library),"
              " (SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL)")[0]
cards = {c["data-metric"]: c["data-value"] for c in dom.by_class["card"]}
check(cards == dict(zip(["playlists", "tracks", "artists", "with_features", "liked"], summary)),
      "library summary %s" % cards)

charted = "(SELECT DISTINCT p.playlist_id FROM listen_wiseer.playlists p JOIN listen_wiseer.playlist_tracks pt" \
          " USING (playlist_id) WHERE pt.removed_at IS NULL AND p.unfollowed_at IS NULL)"
mix = {(p, g): (int(t), float(s)) for p, g, t, s in
       sql("SELECT playlist_id, genre_group, tracks, share FROM listen_wiseer.playlist_genre_mix"
           " WHERE playlist_id IN " + charted)}
shown = {(a["data-playlist"], a["data-group"]): (int(a["data-tracks"]), float(a["data-share"]))
         for a in dom.by_class["mix"]}
check(len(dom.by_class["mix"]) == len(shown) == len(mix) > 0, "one stacked-bar segment per playlist and group (%d)" % len(mix))
check(shown.keys() == mix.keys() and all(shown[k][0] == mix[k][0] and abs(shown[k][1] - mix[k][1]) < 1e-12
                                         for k in mix), "genre-group mix matches playlist_genre_mix")
check(all(a["data-group"] != "" for a in dom.by_class["mix"]) and any(g == "unknown" for _, g in shown),
      "a missing group is labelled 'unknown'")

# histograms, binned here from the raw values: bin = floor(10 v) + 1, at most 10
rows = sql("SELECT DISTINCT pt.playlist_id, pt.track_id, " +
           ", ".join("a.%s::float8" % f for f in FEATURES) +
           " FROM listen_wiseer.playlist_tracks pt JOIN listen_wiseer.audio_features a USING (track_id)"
           " WHERE pt.removed_at IS NULL AND pt.playlist_id IN " + charted)
expect = collections.Counter()
for row in rows:
    for i, f in enumerate(FEATURES):
        expect[(row[0], f, min(math.floor(float(row[2 + i]) * 10) + 1, 10))] += 1
bins = {(a["data-playlist"], a["data-feature"], int(a["data-bin"])): int(a["data-count"])
        for a in dom.by_class["bin"]}
check({k: v for k, v in bins.items() if v} == dict(expect),
      "feature histograms match the members' features (%d bins, %d filled)" % (len(bins), len(expect)))

outl = {(p, t) for p, t in sql("SELECT playlist_id, track_id FROM listen_wiseer.playlist_outliers"
                               " WHERE playlist_id IN " + charted)}
ticks = dom.by_class["outlier"]
check({(a["data-playlist"], a["data-track"]) for a in ticks} == outl and len(ticks) == 7 * len(outl) > 0,
      "every outlier of playlist_outliers is marked on each feature (%d outliers)" % len(outl))
values = {(p, t): dict(zip(FEATURES, map(float, v))) for p, t, *v in
          sql("SELECT o.playlist_id, o.track_id, " + ", ".join("a.%s::float8" % f for f in FEATURES) +
              " FROM listen_wiseer.playlist_outliers o JOIN listen_wiseer.audio_features a USING (track_id)")}
check(all(abs(float(a["data-value"]) - values[(a["data-playlist"], a["data-track"])][a["data-feature"]]) < 1e-6
          for a in ticks), "each outlier tick sits at the track's feature value")

recs = sql("WITH pl AS (SELECT p.playlist_id, count(*) AS members FROM listen_wiseer.playlists p"
           " JOIN listen_wiseer.playlist_tracks pt USING (playlist_id) WHERE pt.removed_at IS NULL"
           " AND p.unfollowed_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3)"
           " SELECT pl.playlist_id, r.rank, round(r.score::numeric, 3) FROM pl, recommend(pl.playlist_id, 10) r"
           " ORDER BY pl.members DESC, 1, 2")
shown = [[a["data-playlist"], a["data-rank"], a["data-score"]] for a in dom.by_class["rec"]]
check(shown == recs and len(recs) == 30, "top recommendations match recommend() for the 3 largest playlists")

runs = sql("SELECT run_id, status, round(duration_s::numeric, 3), requests, tracks_new"
           " FROM listen_wiseer.sync_health ORDER BY started_at, run_id")
shown = [[a["data-run-id"], a["data-status"], a["data-duration-s"], a["data-requests"], a["data-tracks-new"]]
         for a in dom.by_class["run"]]
check(shown == runs and len(runs) >= 2, "sync-health bars match sync_health (%d runs)" % len(runs))


# --- 3. the screenshot is a rendering with the charts in it
def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6)
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


shot = os.path.join(WORK, "report.png")
chromium("file://" + os.path.abspath(REPORT), "--window-size=1220,1400", "--screenshot=" + shot)
check(os.path.exists(shot), "Chromium wrote a screenshot")
w, h, bpp, px = png_pixels(shot)
check((w, h) == (1220, 1400), "screenshot is 1220x1400")
colours = {"dance": (0xc8, 0x41, 0x7b), "electronic": (0x3a, 0x7d, 0xc9), "acoustic": (0xd0, 0x8c, 0x2d)}
counts = collections.Counter()
for line in px:
    for x in range(0, w * bpp, bpp):
        rgb = tuple(line[x:x + 3])
        for name, c in colours.items():
            if rgb == c:
                counts[name] += 1
check(all(counts[n] > 2000 for n in colours), "the genre-mix bars are drawn (pixels per colour: %s)" % dict(counts))
print("report: %d checks passed" % checks.passed)
