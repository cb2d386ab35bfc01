"""Helpers for the enrichment e2e tests: an Env (e2e.py) whose Spotify mock runs in 2026
development mode, plus the ReccoBeats/MusicBrainz/Last.fm mock (tools/mock/enrich_mock.py) on
the same generated library, and lw-ingest configured for both. Ground truth comes from the
library JSON through tools/mock/enrich_truth.py, the same module the mock answers from.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

from e2e import ROOT, Env, load_library

sys.path.insert(0, os.path.join(ROOT, "tools", "mock"))
from enrich_truth import RB_FEATURES, Truth  # noqa: E402

ENRICH_MOCK = os.path.join(ROOT, "tools", "mock", "enrich_mock.py")
LASTFM_KEY = "lw-test-lastfm-key"
MB_INTERVAL = 0.02      # the mock's MusicBrainz limit in tests; lw-ingest paces at 1/0.025 s


class EnrichEnv(Env):
    def __init__(self, name, mode="dev-2026", enrich_config=None, **kw):
        super().__init__(name, mode=mode, **kw)
        self.start_enrich_mock(enrich_config)
        self.lib = load_library()
        self.truth = Truth(self.lib)

    def start_enrich_mock(self, config=None):
        port_file = os.path.join(self.tmp, "enrich-port")
        cfg = {"musicbrainz": {"min_interval": MB_INTERVAL}}
        for k, v in (config or {}).items():
            cfg.setdefault(k, {}).update(v)
        self.enrich_log = open(os.path.join(self.tmp, "enrich-mock.log"), "ab")
        self.emock = subprocess.Popen([sys.executable, ENRICH_MOCK, "--library", self.library_file,
                                       "--port", "0", "--port-file", port_file,
                                       "--config", json.dumps(cfg)],
                                      stdout=self.enrich_log, stderr=self.enrich_log)
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if self.emock.poll() is not None or time.time() > deadline:
                raise SystemExit("enrich mock did not start (see %s)" % self.tmp)
            time.sleep(0.05)
        with open(port_file) as f:
            self.eport = int(f.read())
        self.ebase = "http://127.0.0.1:%d" % self.eport

    def stop_mock(self):
        super().stop_mock()
        if getattr(self, "emock", None) is not None and self.emock.poll() is None:
            self.emock.terminate()
            self.emock.wait(10)
        self.emock = None

    def ehttp(self, method, path, doc=None):
        data = None if doc is None else json.dumps(doc).encode()
        req = urllib.request.Request(self.ebase + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def econfig(self, doc):
        return self.ehttp("POST", "/_mock/config", doc)

    def estats(self):
        return self.ehttp("GET", "/_mock/stats")

    def erequests(self, service=None):
        return self.ehttp("GET", "/_mock/requests" + ("?service=" + service if service else ""))

    def eclear(self):
        self.ehttp("POST", "/_mock/clear-stats", {})

    def env(self, extra=None):
        e = super().env(None)
        e.update({
            "LW_ENRICH": "1",
            "RECCOBEATS_URL": self.ebase + "/v1",
            "MUSICBRAINZ_URL": self.ebase + "/ws/2",
            "LASTFM_URL": self.ebase + "/2.0",
            "LASTFM_API_KEY": LASTFM_KEY,
            "LW_CONTACT": "e2e@example.org",
            "MUSICBRAINZ_RATE": "40",
            "RECCOBEATS_RATE": "100",
            "LASTFM_RATE": "100",
        })
        if extra:
            e.update(extra)
        return e

    # ---- ground truth ----
    def expected_features(self, track_ids):
        """Tracks ReccoBeats knows among track_ids, with the values it must give."""
        return {t: self.truth.tracks[t]["features"] for t in track_ids if self.truth.rb_known(t)}

    def mb_expected(self, artist_ids):
        """Artists whose genres MusicBrainz gives (one current link, genres not empty):
        {artist id: genres by count desc}."""
        out = {}
        by_artist = {}
        for url, rels in self.truth.mb_url.items():
            by_artist[url.rsplit("/", 1)[1]] = rels
        for a in artist_ids:
            rels = by_artist.get(a)
            if not rels:
                continue
            current = [m for m, ended in rels if not ended]
            if len(rels) > 1 and len(current) != 1:
                continue            # ambiguous: not used
            g = self.truth.mb_genres(a)
            if g:
                out[a] = [n for n, c in sorted(g, key=lambda p: -p[1])]
        return out

    def db_features(self):
        cols = ", ".join(RB_FEATURES)
        rows = self.q("SELECT track_id, source, %s FROM listen_wiseer.audio_features" % cols)
        return {r[0]: (r[1], dict(zip(RB_FEATURES, (float(x) for x in r[2:])))) for r in rows}

    def db_genres(self):
        rows = self.q("SELECT artist_id, genres_source, array_to_json(genres)::text FROM listen_wiseer.artists"
                      " WHERE genres IS NOT NULL")
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}

    def db_artists(self):
        return {r[0]: r[1] for r in self.q("SELECT artist_id, name FROM listen_wiseer.artists")}

    def db_tracks(self):
        return {r[0] for r in self.q("SELECT track_id FROM listen_wiseer.tracks WHERE in_library")}
