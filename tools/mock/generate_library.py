#!/usr/bin/env python3
"""Deterministic generator of a realistic Spotify library for the mock, tests and benchmarks.

    generate_library.py --seed 42 --tracks 5000 --out lib.json [--emit-sql lib.sql]

Same arguments give byte-identical output. See tools/mock/README.md section 7 for the format.
Only the standard library; every random draw comes from random.Random instances seeded from
--seed (never from hash() of strings, which is salted per process).
"""

import argparse
import base64
import hashlib
import json
import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import themes as T  # noqa: E402

FORMAT = "listen-wiseer-demo-library/1"
NOW = datetime(2026, 9, 1, 12, 0, 0, tzinfo=timezone.utc)
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
USER_ID = "anademo"
FEATURE_KEYS = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                "instrumentalness", "liveness", "valence", "tempo", "duration_ms", "time_signature")


def b62id(rng, n=22):
    v = rng.getrandbits(132)
    out = []
    for _ in range(n):
        v, r = divmod(v, 62)
        out.append(B62[r])
    return "".join(out)


def clip(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def sig3(x):
    """Round to 3 significant digits, like Spotify's small-valued features (0.0312, 1.23e-05)."""
    if x <= 0:
        return 0.0
    return float("%.3g" % x)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def snapshot(seed, pid, version):
    h = hashlib.sha1(("%s:%s:%d" % (seed, pid, version)).encode()).digest()
    return "AAAA" + base64.b64encode(h[:18]).decode().replace("+", "x").replace("/", "z")


class Gen:
    def __init__(self, seed, ntracks, nartists=None, nplaylists=None):
        self.seed = seed
        self.ntracks = max(200, int(ntracks))
        self.nartists = int(nartists) if nartists else max(60, round(self.ntracks * 0.3))
        themes = T.THEMES
        if nplaylists:
            themes = themes[:max(6, min(len(themes), int(nplaylists)))]
        self.themes = themes
        self.tindex = {t[0]: i for i, t in enumerate(themes)}
        self.rng = random.Random("%d:main" % seed)
        self.idrng = random.Random("%d:ids" % seed)
        self.used_ids = set()

    def newid(self):
        while True:
            i = b62id(self.idrng)
            if i not in self.used_ids:
                self.used_ids.add(i)
                return i

    # ------------------------------------------------------------------ names
    def person_name(self, region, rng):
        r = T.REGION.get(region, T.REGION["en"])
        return "%s %s" % (rng.choice(r["first"]), rng.choice(r["last"]))

    def artist_name(self, region, rng):
        k = rng.random()
        if k < 0.35:
            return self.person_name(region, rng)
        if k < 0.6:
            return "The %s %s" % (rng.choice(T.ADJ), rng.choice(T.PLURAL))
        if k < 0.8:
            return "%s %s" % (rng.choice(T.ADJ), rng.choice(T.NOUN))
        if k < 0.9:
            return "%s %s" % (rng.choice(T.NOUN), rng.choice(T.NOUN))
        return "%s & the %s" % (self.person_name(region, rng).split()[0], rng.choice(T.PLURAL))

    def title(self, rng):
        k = rng.random()
        if k < 0.3:
            return "%s %s" % (rng.choice(T.ADJ), rng.choice(T.NOUN))
        if k < 0.5:
            return "%s of %s" % (rng.choice(T.NOUN), rng.choice(T.PLURAL))
        if k < 0.65:
            return "%s %s" % (rng.choice(T.VERB), rng.choice(T.PLURAL))
        if k < 0.8:
            return rng.choice(T.NOUN)
        if k < 0.9:
            return "%s %s" % (rng.choice(T.VERB), rng.choice(["Slowly", "Home", "Again", "Away",
                                                               "Tonight", "Forever", "Alone"]))
        return "%s %s (%s)" % (rng.choice(T.ADJ), rng.choice(T.NOUN),
                               rng.choice(["Live", "Remastered", "Acoustic", "Radio Edit", "Demo"]))

    # ------------------------------------------------------------------ build
    def build(self):
        rng = self.rng
        themes = self.themes
        W = sum(t[1] for t in themes)

        # Artists per theme (proportional to weight, at least 3).
        artists = []
        theme_artists = [[] for _ in themes]
        names_seen = set()
        counts = [max(3, round(self.nartists * t[1] / W)) for t in themes]
        for ti, (tname, _w, pool, neigh, _yrs, region, prof) in enumerate(themes):
            neigh_idx = [self.tindex[n] for n in neigh if n in self.tindex]
            for _ in range(counts[ti]):
                name = self.artist_name(region, rng)
                base = name
                k = 2
                while name in names_seen:
                    name = "%s %s" % (base, ["II", "III", "Trio", "Collective", "Band", "Project"][k % 6]
                                      if k < 8 else "%s %d" % (base, k))
                    k += 1
                names_seen.add(name)
                scene = None
                if rng.random() < 0.05:
                    genres = []
                else:
                    # An artist belongs to one micro-genre scene of the theme (its position in the
                    # pool; neighbouring pool entries are related styles) and carries that genre
                    # plus mostly the adjacent ones, like Spotify's genre lists for one artist.
                    n = min(rng.choice([1, 2, 2, 3, 3, 3, 4]), len(pool))
                    scene = rng.randrange(len(pool))
                    genres = [pool[scene]]
                    near = [pool[(scene + d) % len(pool)] for d in (1, -1)]
                    while len(genres) < n:
                        g = rng.choice(near) if rng.random() < 0.75 else rng.choice(pool)
                        if g not in genres:
                            genres.append(g)
                    rng.shuffle(genres)
                    if neigh_idx and rng.random() < 0.22:
                        npool = themes[rng.choice(neigh_idx)][2]
                        g = rng.choice(npool)
                        if g not in genres:
                            genres.append(g)
                pop = int(clip(rng.gauss(42, 18), 0, 100))
                a = {
                    "id": self.newid(), "name": name, "theme": tname, "genres": genres,
                    "popularity": pop,
                    "followers": int(10 ** clip(1.5 + pop / 100 * 5.3 + rng.gauss(0, 0.35), 0, 8)),
                    # per-artist offsets for audio features (not emitted)
                    "_off": [rng.gauss(0, 0.06) for _ in range(7)] + [rng.gauss(0, 4), rng.gauss(0, 1.5)],
                    "_label": rng.choice(T.LABELS),
                    "_reg": "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(3)),
                    "_zipf": rng.paretovariate(1.3),
                    "_scene": scene,
                }
                artists.append(a)
                theme_artists[ti].append(a)

        # Tracks per theme; primary artist drawn with heavy-tailed weights; albums per artist.
        lo = max(3, min(8, self.ntracks // len(themes)))
        tcounts = [max(lo, round(self.ntracks * t[1] / W)) for t in themes]
        order = sorted(range(len(themes)), key=lambda i: -themes[i][1])
        diff = self.ntracks - sum(tcounts)
        while diff != 0:
            step = 1 if diff > 0 else -1
            moved = False
            for ti in order:
                if diff == 0:
                    break
                if tcounts[ti] + step >= lo:
                    tcounts[ti] += step
                    diff -= step
                    moved = True
            if not moved:  # every theme at the minimum: accept a few extra tracks
                break
        self.theme_artists = theme_artists
        tracks = []
        albums = []
        theme_tracks = [[] for _ in themes]
        for ti, (tname, _w, _pool, _neigh, years, region, prof) in enumerate(themes):
            arts = theme_artists[ti]
            weights = [a["_zipf"] for a in arts]
            cum = []
            s = 0.0
            for w in weights:
                s += w
                cum.append(s)
            per_artist = {}
            for _ in range(tcounts[ti]):
                a = arts[_bisect(cum, rng.random() * s)]
                per_artist.setdefault(a["id"], (a, []))[1].append(None)
            for aid in [a["id"] for a in arts]:
                if aid not in per_artist:
                    continue
                a, slots = per_artist[aid]
                n = len(slots)
                made = 0
                while made < n:
                    k = rng.random()
                    if k < 0.3:
                        atype, size = "single", rng.choice([1, 1, 2, 3])
                    elif k < 0.37:
                        atype, size = "compilation", rng.randint(4, 12)
                    else:
                        atype, size = "album", rng.randint(3, 10)
                    size = min(size, n - made)
                    year = rng.randint(years[0], years[1])
                    pr = rng.random()
                    if year < 1985 and pr < 0.5:
                        rd, prec = "%04d" % year, "year"
                    elif pr < 0.06:
                        rd, prec = "%04d-%02d" % (year, rng.randint(1, 12)), "month"
                    else:
                        rd, prec = "%04d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28)), "day"
                    if year == NOW.year and rd > NOW.strftime("%Y-%m-%d")[:len(rd)]:
                        rd = NOW.strftime("%Y-%m-%d")[:len(rd)]
                    alb = {
                        "id": self.newid(), "name": self.title(rng), "artist_ids": [a["id"]],
                        "album_type": atype, "release_date": rd, "release_date_precision": prec,
                        "total_tracks": size + (rng.randint(0, 6) if atype != "single" else 0),
                        "label": a["_label"], "popularity": int(clip(a["popularity"] + rng.gauss(0, 8), 0, 100)),
                    }
                    albums.append(alb)
                    numbers = sorted(rng.sample(range(1, alb["total_tracks"] + 1), size))
                    for tn in numbers:
                        t = self.make_track(rng, a, alb, tn, ti, arts)
                        tracks.append(t)
                        theme_tracks[ti].append(t)
                    made += size
        self.artists, self.albums, self.tracks = artists, albums, tracks
        self.theme_artists, self.theme_tracks = theme_artists, theme_tracks
        self.build_playlists()
        self.build_liked_and_top()

    def make_track(self, rng, a, alb, tn, ti, arts):
        tname, _w, _pool, neigh, years, region, p = self.themes[ti]
        artist_ids = [a["id"]]
        if rng.random() < 0.14 and len(arts) > 1:
            other = rng.choice(arts)
            if rng.random() < 0.15:  # a featured artist from a neighbouring theme
                nb = [self.tindex[n] for n in neigh if n in self.tindex]
                if nb:
                    other = rng.choice(self.theme_artists[rng.choice(nb)] or arts)
            if other["id"] != a["id"]:
                artist_ids.append(other["id"])
        yy = alb["release_date"][2:4]
        isrc = "%s%s%s%05d" % (T.ISRC_COUNTRY[region], a["_reg"], yy, rng.randint(1, 99999))
        dur = int(clip(rng.gauss(p["dur"], p["dur"] * 0.2), 90, 480) * 1000) + rng.randint(0, 999)
        t = {
            "id": self.newid(), "name": self.title(rng), "album_id": alb["id"], "artist_ids": artist_ids,
            "theme": tname, "duration_ms": dur, "explicit": rng.random() < p["ex"],
            "popularity": int(clip(a["popularity"] + rng.gauss(0, 10), 0, 100)),
            "isrc": isrc, "disc_number": 1, "track_number": tn,
        }
        t["features"] = None if rng.random() < 0.02 else self.features(rng, p, a["_off"], dur)
        if t["features"] and t["name"].endswith("(Live)"):  # live recordings sound live
            f = t["features"]
            f["liveness"] = max(f["liveness"], sig3(0.62 + (dur % 300) / 1000.0))
        return t

    def features(self, rng, p, off, dur):
        instr = rng.random() < p["i"]
        live = rng.random() < p["l"]
        d = clip(rng.gauss(p["d"] + off[0], 0.09), 0.05, 0.985)
        e = clip(rng.gauss(p["e"] + off[1], 0.09), 0.0, 1.0)
        s = clip(p["s"] * math.exp(rng.gauss(0, 0.45)) + off[2] * 0.2, 0.022, 0.95)
        a = clip(rng.gauss(p["a"] + off[3], 0.12 if p["a"] > 0.1 else 0.03), 0.000005, 0.996)
        if instr:
            ins = clip(rng.gauss(0.82, 0.1), 0.3, 0.99)
        else:
            ins = 10 ** rng.uniform(-6.5, -1.5) if rng.random() < 0.7 else 0.0
        lv = clip(rng.uniform(0.45, 0.97), 0, 1) if live else clip(rng.lognormvariate(math.log(0.12), 0.45), 0.015, 0.6)
        v = clip(rng.gauss(p["v"] + off[4], 0.13), 0.02, 0.98)
        tempo = clip(rng.gauss(p["t"] + off[7], p["tsd"]), 50, 210)
        if p["tsd"] > 15 and rng.random() < 0.08:  # half/double-time readings
            tempo = clip(tempo * rng.choice([0.5, 2.0]), 50, 210)
        loud = clip(rng.gauss(p["db"] + off[8] - (1 - e) * 2.5, 1.6), -60, -0.5)
        ts = 4
        r = rng.random()
        if r < 0.07 + (0.1 if p["tsd"] > 25 else 0):
            ts = 3
        elif r < 0.09 + (0.1 if p["tsd"] > 25 else 0):
            ts = 5
        elif r < 0.095 + (0.1 if p["tsd"] > 25 else 0):
            ts = 7
        key = -1 if rng.random() < 0.01 else rng.randint(0, 11)
        return {
            "danceability": round(d, 3), "energy": round(e, 3), "key": key,
            "loudness": round(loud, 3), "mode": 1 if rng.random() < p["maj"] else 0,
            "speechiness": sig3(s), "acousticness": sig3(a), "instrumentalness": sig3(ins),
            "liveness": sig3(lv), "valence": round(v, 3), "tempo": round(tempo, 3),
            "duration_ms": dur, "time_signature": ts,
        }

    # ------------------------------------------------------------------ playlists
    def distant_themes(self, ti):
        def vec(p):
            return (p["d"], p["e"], p["a"], p["i"], p["v"], p["s"] * 2, p["t"] / 150.0)
        me = vec(self.themes[ti][6])
        ds = []
        for j, t in enumerate(self.themes):
            if j == ti or t[0] in self.themes[ti][3] or self.themes[ti][0] in t[3]:
                continue
            v = vec(t[6])
            ds.append((sum((x - y) ** 2 for x, y in zip(me, v)), j))
        ds.sort()
        return [j for _d, j in ds[-8:]]

    # A real playlist is not a random sample of a broad theme: it is built from particular
    # artists of a few micro-genres (a 'chill' list of lo-fi beats and chillhop acts), and most of
    # those artists' tracks are in it; the theme's neighbouring micro-genres and other artists
    # contribute little, and their tracks sit in liked songs or in no playlist. So: the playlist's
    # core is a few of the theme's micro-genre scenes holding ~65% of the theme's tracks;
    # each artist gets an affinity (the chance that one of their tracks is in the playlist): high
    # for core artists, low for the others, calibrated so that about two thirds of the theme's
    # tracks are placed, as before. Artists without genres are core or not by a coin flip.
    CORE_SHARE = 0.65
    PLACED_SHARE = 2.0 / 3.0
    PERIPHERAL = 0.15

    def theme_affinity(self, ti, rng):
        pool = self.themes[ti][2]
        k = len(pool)
        arts = self.theme_artists[ti]
        by_artist = {}
        for t in self.theme_tracks[ti]:
            by_artist[t["artist_ids"][0]] = by_artist.get(t["artist_ids"][0], 0) + 1
        per_scene = [0] * k
        for a in arts:
            if a["_scene"] is not None:
                per_scene[a["_scene"]] += by_artist.get(a["id"], 0)
        # scenes from a random start, each taken if it brings the core closer to CORE_SHARE
        start = rng.randrange(k)
        target = self.CORE_SHARE * sum(per_scene)
        core = set()
        covered = 0
        for d in range(k - 1):  # never the whole pool
            s = (start + d) % k
            if not core or abs(covered + per_scene[s] - target) < abs(covered - target):
                core.add(s)
                covered += per_scene[s]
        n = len(self.theme_tracks[ti])
        is_core = {a["id"]: (a["_scene"] in core) if a["_scene"] is not None else rng.random() < 0.5
                   for a in arts}
        core_tracks = sum(c for aid, c in by_artist.items() if is_core[aid])
        # other artists: a low affinity; core artists: high, set so that about PLACED_SHARE of the
        # theme's tracks are placed (a core that ended up big keeps a bit less of each artist)
        peri_tracks = n - core_tracks
        mean = clip((self.PLACED_SHARE * n - self.PERIPHERAL * peri_tracks) / core_tracks, 0.6, 0.95) \
            if core_tracks else 0.9
        aff = {}
        for a in arts:
            aff[a["id"]] = clip(rng.gauss(mean, 0.08), 0.5, 1.0) if is_core[a["id"]] \
                else clip(rng.gauss(self.PERIPHERAL, 0.07), 0.0, 0.4)
        self.artist_affinity.update(aff)
        for t in self.theme_tracks[ti]:
            self.p_member[t["id"]] = aff[t["artist_ids"][0]]

    def build_playlists(self):
        rng = random.Random("%d:playlists" % self.seed)
        scale = max(1.0, self.ntracks / 5000.0)
        placed = []     # per theme: tracks eligible for that theme's playlist
        self.unplaced = set()
        self.p_member = {}  # track id -> probability it was put in its theme's playlist (eval oracle)
        self.artist_affinity = {}
        for ti, tt in enumerate(self.theme_tracks):
            ids = list(tt)
            rng.shuffle(ids)
            self.theme_affinity(ti, rng)
            keep = []
            for t in ids:
                if rng.random() < self.p_member[t["id"]]:
                    keep.append(t)
                else:
                    self.unplaced.add(t["id"])
            placed.append(keep)
        playlists = []
        others = {}
        for ti, th in enumerate(self.themes):
            tname = th[0]
            members = list(placed[ti])
            mset = set(t["id"] for t in members)
            cap = int(300 * scale)
            if len(members) > cap:
                for t in members[cap:]:
                    self.unplaced.add(t["id"])
                members = members[:cap]
                mset = set(t["id"] for t in members)
            # cross-over: a few placed tracks from neighbouring themes
            nb = [self.tindex[n] for n in th[3] if n in self.tindex]
            ncross = max(1, round(len(members) * 0.06))
            for _ in range(ncross):
                if not nb:
                    break
                src = placed[rng.choice(nb)]
                if src:
                    c = rng.choice(src)
                    if c["id"] not in mset:
                        mset.add(c["id"])
                        members.insert(rng.randrange(len(members) + 1), c)
            # misfits: 1-3 tracks from a distant theme
            misfits = []
            far = self.distant_themes(ti)
            want = rng.randint(1, 3)
            for _ in range(50):
                if len(misfits) >= want:
                    break
                src = self.theme_tracks[rng.choice(far)]
                c = rng.choice(src)
                if c["id"] in mset or c["features"] is None:
                    continue
                mset.add(c["id"])
                members.insert(rng.randrange(len(members) + 1), c)
                misfits.append(c["id"])
                self.unplaced.discard(c["id"])
            if len(members) < 20:  # tiny themes at small --tracks: pad from the theme, then neighbours
                pad = [c for j in [ti] + nb for c in self.theme_tracks[j] if c["id"] not in mset]
                for c in pad[:20 - len(members)]:
                    mset.add(c["id"])
                    members.append(c)
                    self.unplaced.discard(c["id"])
            pid = self.newid()
            owner = T.FOLLOWED.get(tname)
            if owner:
                owner_id, owner_name, collab = owner
                others[owner_id] = owner_name
            else:
                owner_id, collab = USER_ID, False
            # added_at: increasing with position, over a span of years
            start = NOW - timedelta(days=rng.randint(400, 2400))
            span = (NOW - start).total_seconds() - 86400
            stamps = sorted(rng.random() for _ in members)
            items = []
            adders = [owner_id] if not collab else [owner_id, USER_ID]
            for t, st in zip(members, stamps):
                items.append({"track": t["id"], "added_at": iso(start + timedelta(seconds=int(st * span))),
                              "added_by": rng.choice(adders)})
            playlists.append({
                "id": pid, "name": tname, "theme": tname, "owner_id": owner_id,
                "collaborative": collab,
                "public": (owner_id != USER_ID) or rng.random() < 0.4,
                "description": T.DESCRIPTIONS.get(tname, "%s, collected over the years" % tname)
                if tname in T.DESCRIPTIONS or rng.random() < 0.6 else None,
                "snapshot_id": snapshot(self.seed, pid, 1),
                "followers": int(rng.paretovariate(1.2) * 3) if owner_id == USER_ID else rng.randint(200, 90000),
                "misfits": misfits, "items": items,
            })
        self.playlists = playlists
        self.others = [{"id": k, "display_name": v} for k, v in sorted(others.items())]
        self.add_oddities(rng)
        in_pl = set()
        for p in playlists:
            for it in p["items"]:
                if "track" in it:
                    in_pl.add(it["track"])
        self.unplaced = set(t["id"] for t in self.tracks if t["id"] not in in_pl)

    def add_oddities(self, rng):
        by = {p["name"]: p for p in self.playlists}

        def at(p, pos):
            return p["items"][min(pos, len(p["items"]) - 1)]["added_at"]

        def insert(name, item, frac):
            p = by.get(name) or self.playlists[len(self.playlists) // 2]
            pos = int(len(p["items"]) * frac)
            item.setdefault("added_at", at(p, pos))
            item.setdefault("added_by", p["owner_id"])
            p["items"].insert(pos, item)

        # local files
        for name, frac in (("chill", 0.5), ("indie", 0.8), ("road trip", 0.3)):
            insert(name, {"local": {"name": self.title(rng), "artist": self.artist_name("en", rng),
                                    "album": self.title(rng), "duration_ms": rng.randint(120000, 300000)}}, frac)
        # one podcast episode
        insert("road trip", {"episode": {"id": self.newid(), "name": "Episode 12: Open Roads",
                                         "show": {"id": self.newid(), "name": "Long Drives Podcast",
                                                  "publisher": "Mileage Media"},
                                         "duration_ms": 2712000, "release_date": "2025-06-14"}}, 0.6)
        # unavailable tracks (item: null)
        insert("sunday morning", {"unavailable": True}, 0.2)
        insert("hip hop classics", {"unavailable": True}, 0.7)
        # duplicates
        for name in ("workout", "latin party"):
            p = by.get(name)
            if p:
                tr = [it for it in p["items"] if "track" in it]
                d = tr[rng.randrange(len(tr))]
                insert(name, {"track": d["track"], "added_at": p["items"][-1]["added_at"]}, 1.0)

    def build_liked_and_top(self):
        rng = random.Random("%d:liked" % self.seed)
        nliked = round(self.ntracks * 0.12)
        in_pl = [t["id"] for t in self.tracks if t["id"] not in self.unplaced]
        out_pl = [t["id"] for t in self.tracks if t["id"] in self.unplaced]
        n_in = min(len(in_pl), round(nliked * 0.7))
        n_out = min(len(out_pl), nliked - n_in)
        # Liked songs outside playlists lean to the artists the user likes (their playlists'
        # artists): weighted sampling without replacement (key = u ** (1 / weight)).
        keyed = sorted(out_pl, key=lambda tid: -(rng.random() ** (1.0 / (0.25 + self.p_member.get(tid, 0.0)))))
        chosen = rng.sample(in_pl, n_in) + keyed[:n_out]
        start = NOW - timedelta(days=8 * 365)
        span = int((NOW - start).total_seconds()) - 3600
        stamps = sorted((rng.randrange(span) for _ in chosen), reverse=True)
        rng.shuffle(chosen)
        self.liked = [{"track": tid, "added_at": iso(start + timedelta(seconds=s))}
                      for tid, s in zip(chosen, stamps)]
        # top artists / tracks: by presence in liked + playlists, with noise per time range
        score = {}
        tscore = {}
        tby = {t["id"]: t for t in self.tracks}
        for i, l in enumerate(self.liked):
            w = 3.0 if i < len(self.liked) // 10 else 1.0
            tscore[l["track"]] = tscore.get(l["track"], 0) + w
        for p in self.playlists:
            if p["owner_id"] != USER_ID:
                continue
            for it in p["items"]:
                if "track" in it:
                    tscore[it["track"]] = tscore.get(it["track"], 0) + 0.5
        for tid, s in tscore.items():
            for aid in tby[tid]["artist_ids"]:
                score[aid] = score.get(aid, 0) + s
        top = {"artists": {}, "tracks": {}}
        for rngname, noise in (("short_term", 2.0), ("medium_term", 1.0), ("long_term", 0.4)):
            r = random.Random("%d:top:%s" % (self.seed, rngname))
            arts = sorted(score, key=lambda a: (-(score[a] * math.exp(r.gauss(0, noise * 0.5))), a))
            top["artists"][rngname] = arts[:50]
            trs = sorted(tscore, key=lambda t: (-(tscore[t] * math.exp(r.gauss(0, noise * 0.5))), t))
            top["tracks"][rngname] = trs[:50]
        self.top = top

    # ------------------------------------------------------------------ output
    def library(self):
        r = random.Random("%d:user" % self.seed)
        acct = "".join(r.choice(B62) for _ in range(10))
        themes = [{"name": t[0], "genres": list(t[2]), "neighbours": [n for n in t[3] if n in self.tindex]}
                  for t in self.themes]
        artists = [{k: a[k] for k in ("id", "name", "theme", "genres", "popularity", "followers")}
                   for a in self.artists]
        return {
            "format": FORMAT, "seed": self.seed, "now": iso(NOW),
            "user": {"id": USER_ID, "display_name": "Ana Demo", "account_id": acct, "country": "SE",
                     "email": "ana@example.org", "product": "premium", "followers": 12},
            "users": self.others,
            "themes": themes,
            "artists": artists,
            "albums": self.albums,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "liked": self.liked,
            "top": self.top,
        }


def _bisect(cum, x):
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def generate(seed=42, tracks=5000, artists=None, playlists=None):
    g = Gen(seed, tracks, artists, playlists)
    g.build()
    return g.library()


def dump_json(lib, f):
    """Compact JSON, one top-level list element per line (diffable, deterministic)."""
    f.write("{\n")
    keys = list(lib.keys())
    for ki, k in enumerate(keys):
        v = lib[k]
        f.write(json.dumps(k) + ":")
        if isinstance(v, list) and v:
            f.write("[\n")
            for i, e in enumerate(v):
                f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
                f.write(",\n" if i + 1 < len(v) else "\n")
            f.write("]")
        else:
            f.write(json.dumps(v, ensure_ascii=False, separators=(",", ":")))
        f.write(",\n" if ki + 1 < len(keys) else "\n")
    f.write("}\n")


# ---------------------------------------------------------------------- SQL
def _c(v):
    """One COPY text-format field."""
    t = type(v)
    if t is int or t is float:
        return str(v)
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _arr(xs):
    inner = ",".join('"%s"' % x.replace("\\", "\\\\").replace('"', '\\"') for x in xs)
    return "{" + inner + "}"


def dump_sql(lib, f):
    now = lib["now"]
    u = lib["user"]
    names = {x["id"]: x["display_name"] for x in lib["users"]}
    names[u["id"]] = u["display_name"]
    w = f.write
    w("-- Listen-Wiseer demo library, generate_library.py seed=%s (%d tracks)\n" % (lib["seed"], len(lib["tracks"])))
    w("\\set ON_ERROR_STOP on\nBEGIN;\n")

    def copy(table, cols, rows):
        w("COPY listen_wiseer.%s (%s) FROM stdin;\n" % (table, ", ".join(cols)))
        for r in rows:
            w("\t".join(_c(x) for x in r))
            w("\n")
        w("\\.\n")

    copy("users", ["user_id", "account_id", "display_name", "updated_at"],
         [(u["id"], u["account_id"], u["display_name"], now)])
    copy("artists", ["artist_id", "name", "genres", "popularity", "followers", "genres_fetched_at", "updated_at"],
         ((a["id"], a["name"], _arr(a["genres"]), a["popularity"], a["followers"], now, now) for a in lib["artists"]))
    albums = {a["id"]: a for a in lib["albums"]}
    copy("tracks", ["track_id", "name", "album_id", "album_name", "release_date", "release_date_precision",
                    "duration_ms", "explicit", "popularity", "isrc", "updated_at"],
         ((t["id"], t["name"], t["album_id"], albums[t["album_id"]]["name"], albums[t["album_id"]]["release_date"],
           albums[t["album_id"]]["release_date_precision"], t["duration_ms"], t["explicit"], t["popularity"],
           t["isrc"], now) for t in lib["tracks"]))
    copy("track_artists", ["track_id", "position", "artist_id"],
         ((t["id"], i, aid) for t in lib["tracks"] for i, aid in enumerate(t["artist_ids"])))
    copy("playlists", ["playlist_id", "name", "owner_id", "owner_name", "snapshot_id", "description", "public",
                       "collaborative", "total_items", "items_available", "first_seen_at", "last_synced_at"],
         ((p["id"], p["name"], p["owner_id"], names.get(p["owner_id"]), p["snapshot_id"], p["description"],
           p["public"], p["collaborative"], len(p["items"]), True, now, now) for p in lib["playlists"]))

    def members():
        for p in lib["playlists"]:
            occ = {}
            for pos, it in enumerate(p["items"]):
                tid = it.get("track")
                if not tid:
                    continue
                occ[tid] = occ.get(tid, 0) + 1
                yield (p["id"], tid, occ[tid], pos, it.get("added_at"), it.get("added_by"))
    copy("playlist_tracks", ["playlist_id", "track_id", "occurrence", "position", "added_at", "added_by"], members())
    copy("liked_tracks", ["track_id", "added_at"], ((l["track"], l["added_at"]) for l in lib["liked"]))
    detail = "generate_library.py seed=%s" % lib["seed"]
    copy("audio_features", ["track_id"] + list(FEATURE_KEYS) + ["source", "source_detail", "loaded_at"],
         ((t["id"],) + tuple(t["features"][k] for k in FEATURE_KEYS) + ("demo", detail, now)
          for t in lib["tracks"] if t["features"] is not None))
    w("COMMIT;\nANALYZE listen_wiseer.artists, listen_wiseer.tracks, listen_wiseer.track_artists, "
      "listen_wiseer.playlists, listen_wiseer.playlist_tracks, listen_wiseer.liked_tracks, "
      "listen_wiseer.audio_features;\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a deterministic demo Spotify library.")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--tracks", type=int, default=5000)
    ap.add_argument("--artists", type=int, default=None, help="default: 0.3 per track")
    ap.add_argument("--playlists", type=int, default=None, help="at most %d (one per theme)" % len(T.THEMES))
    ap.add_argument("--out", default=None, help="library JSON (default: stdout unless --emit-sql only)")
    ap.add_argument("--emit-sql", default=None, metavar="FILE", help="also write a psql script loading the library")
    args = ap.parse_args(argv)
    lib = generate(args.seed, args.tracks, args.artists, args.playlists)
    if args.out or not args.emit_sql:
        if args.out and args.out != "-":
            with open(args.out, "w", encoding="utf-8", newline="\n") as f:
                dump_json(lib, f)
        else:
            dump_json(lib, sys.stdout)
    if args.emit_sql:
        with open(args.emit_sql, "w", encoding="utf-8", newline="\n") as f:
            dump_sql(lib, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
