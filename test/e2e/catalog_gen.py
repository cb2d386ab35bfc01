#!/usr/bin/env python3
"""Deterministic generator of public-catalog CSV files for `lw-ingest import-catalog` tests and
the catalog benchmark (Python standard library only).

Writes one of the four formats README "Import a catalog" lists, with the quirks of the real
files (docs/design/catalog.md): Python list reprs ("['A', 'B']", double quotes around names
with an apostrophe, the CSV layer quoting fields with commas), ';'-joined artists, quotes and
commas inside names, missing values (popularity, release date, whole feature sets, tempo 0,
time_signature 0), year-only dates, "4.0" time signatures, True/False and 0/1 booleans,
duplicate tracks (the ~114k set repeats a track once per genre), and, with --bad, one bad row
of every kind the importer counts. A JSON manifest says what a correct import must find.

  catalog_gen.py --format spotify600k --rows 1000 --seed 7 --out tracks.csv \
      --artists-out artists.csv --manifest m.json [--bad] [--variant 2] [--library-ids ids.txt]

--variant 2 writes a "newer" file of the same catalog: every 10th track gets another popularity
and every 7th another energy. --library-ids puts those track ids into the catalog too (tracks
the user's library already holds).
"""
import argparse
import csv
import io
import json
import random
import sys

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
FEATURES = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo"]
HEADERS = {
    "spotify600k": "id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,"
                   "danceability,energy,key,loudness,mode,speechiness,acousticness,"
                   "instrumentalness,liveness,valence,tempo,time_signature",
    "tracks114k": ",track_id,artists,album_name,track_name,popularity,duration_ms,explicit,"
                  "danceability,energy,key,loudness,mode,speechiness,acousticness,"
                  "instrumentalness,liveness,valence,tempo,time_signature,track_genre",
    "tracks1200k": "id,name,album,album_id,artists,artist_ids,track_number,disc_number,explicit,"
                   "danceability,energy,key,loudness,mode,speechiness,acousticness,"
                   "instrumentalness,liveness,valence,tempo,duration_ms,time_signature,year,"
                   "release_date",
    "lw": "track_id,name,artists,artist_ids,album,release_date,duration_ms,explicit,popularity,"
          "genres,danceability,energy,key,loudness,mode,speechiness,acousticness,"
          "instrumentalness,liveness,valence,tempo,time_signature",
}
GENRES = ["indie pop", "deep house", "k-pop", "bossa nova", "drum and bass", "chamber pop",
          "trip hop", "classic rock", "soul jazz", "reggaeton", "acoustic", "ambient",
          "hip hop", "folk", "techno"]
# names with the characters that break naive parsers: commas, both quote kinds, semicolons are
# left out of the formats that join artists with ';'
ODD_NAMES = ["Guns N' Roses", 'The "Band"', "Crosby, Stills & Nash", "Sigur Rós", "Beyoncé",
             "Earth, Wind & Fire", "Rock'n\"Roll\" Inc", "  Spaced  Out  ", "Motörhead",
             "Back\\slash"]
BAD_KINDS = ["short_row", "bad_track_id", "no_name", "bad_artists", "bad_artist_ids",
             "bad_value", "out_of_range", "bad_encoding", "malformed"]


def spotify_id(rng):
    return "".join(rng.choice(B62) for _ in range(22))


class Gen:
    def __init__(self, fmt, rows, seed, variant, library_ids, bad):
        self.fmt = fmt
        self.rng = random.Random(seed)
        self.variant = variant
        self.bad = bad
        n_artists = max(8, rows // 3)
        self.artists = []
        for i in range(n_artists):
            name = ODD_NAMES[i] if i < len(ODD_NAMES) else "Artist %d %s" % (i, self.word())
            if fmt == "tracks114k":
                name = name.replace(";", ",")
            self.artists.append({"id": spotify_id(self.rng), "name": name,
                                 "genres": self.rng.sample(GENRES, self.rng.randint(0, 3))})
        self.rows = rows
        self.library_ids = list(library_ids)

    def tracks(self):
        """The tracks, made one at a time (a 1.2M-row file needs no list of them)."""
        for i in range(self.rows):
            tid = self.library_ids[i] if i < len(self.library_ids) else spotify_id(self.rng)
            yield i, self.track(i, tid)

    def word(self):
        return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))

    def track(self, i, tid):
        rng = self.rng
        credits = rng.sample(range(len(self.artists)), 1 if rng.random() < 0.7 else rng.randint(2, 3))
        if i < len(ODD_NAMES):
            credits = [i] + [c for c in credits if c != i][:1]
        name = ["Song %d" % i, "Hello, World %d" % i, 'Say "Hi" %d' % i, "It's %d" % i,
                "Ünïcödé %d" % i][i % 5]
        year = 1950 + i % 70
        date = ["%d-%02d-%02d" % (year, 1 + i % 12, 1 + i % 28), "%d" % year][1 if i % 9 == 0 else 0]
        f = {"danceability": round(rng.random(), 3), "energy": round(rng.random(), 3),
             "key": rng.randint(0, 11), "loudness": round(rng.uniform(-40, 0), 3),
             "mode": rng.randint(0, 1), "speechiness": round(rng.random(), 4),
             "acousticness": round(rng.random(), 4), "instrumentalness": round(rng.random() ** 4, 6),
             "liveness": round(rng.random(), 3), "valence": round(rng.random(), 3),
             "tempo": round(rng.uniform(60, 200), 3)}
        t = {"id": tid, "name": name, "credits": credits, "date": date, "year": year,
             "duration_ms": rng.randint(60000, 400000), "explicit": rng.random() < 0.1,
             "popularity": rng.randint(0, 100), "features": f, "time_signature": rng.choice([3, 4, 4, 4, 5]),
             "album": "Album %d, vol. %d" % (i // 10, i % 3), "genre": rng.choice(GENRES)}
        # missing values
        if i % 13 == 5:
            t["popularity"] = None
        if i % 17 == 6:
            t["date"] = None
        if i % 19 == 7:
            t["features"] = None            # no features at all
        elif i % 23 == 8:
            t["features"]["tempo"] = 0      # Spotify's "unknown": no features
        if i % 29 == 9:
            t["time_signature"] = 0         # unknown
        if self.variant == 2:
            if i % 10 == 0 and t["popularity"] is not None:
                t["popularity"] = (t["popularity"] + 1) % 101
            if i % 7 == 0 and t["features"] and t["features"]["tempo"]:
                t["features"]["energy"] = round(1 - t["features"]["energy"], 3)
        return t

    # ---- cells ----
    def names(self, t):
        return [self.artists[c]["name"] for c in t["credits"]]

    def ids(self, t):
        return [self.artists[c]["id"] for c in t["credits"]]

    def feats(self, t):
        if t["features"] is None:
            return [""] * 11
        return [repr(t["features"][k]) for k in FEATURES]

    def boolean(self, v):
        return ("1" if v else "0") if self.fmt == "spotify600k" else ("True" if v else "False")

    def row(self, t, index):
        pop = "" if t["popularity"] is None else str(t["popularity"])
        date = t["date"] or ""
        ts = str(t["time_signature"])
        if self.fmt == "spotify600k":
            return [t["id"], t["name"], pop, str(t["duration_ms"]), self.boolean(t["explicit"]),
                    repr(self.names(t)), repr(self.ids(t)), date] + self.feats(t) + [ts]
        if self.fmt == "tracks114k":
            return [str(index), t["id"], ";".join(self.names(t)), t["album"], t["name"], pop,
                    str(t["duration_ms"]), self.boolean(t["explicit"])] + self.feats(t) + \
                   [ts, t["genre"]]
        if self.fmt == "tracks1200k":
            return [t["id"], t["name"], t["album"], spotify_id(self.rng), repr(self.names(t)),
                    repr(self.ids(t)), "1", "1", self.boolean(t["explicit"])] + self.feats(t) + \
                   [str(t["duration_ms"]), ts + ".0", "" if t["date"] is None else str(t["year"]), date]
        return [t["id"], t["name"], ";".join(n.replace(";", ",") for n in self.names(t)), ";".join(self.ids(t)),
                t["album"], date, str(t["duration_ms"]), self.boolean(t["explicit"]), pop,
                t["genre"]] + self.feats(t) + [ts]

    def bad_row(self, kind, n):
        """A row the importer must refuse for `kind` (bytes, one line)."""
        t = self.track(100000 + n, spotify_id(self.rng))
        t["name"] = "Plain %d" % n          # found verbatim in the line (bad_encoding edits it)
        t["features"] = t["features"] or self.track(0, "x")["features"]
        t["features"]["tempo"] = 120.0      # features present, so each check can see them
        r = self.row(t, 900000 + n)
        h = HEADERS[self.fmt].split(",")
        col = {name: i for i, name in enumerate(h)}
        idc = col.get("id", col.get("track_id"))
        namec = col.get("track_name", col.get("name"))
        artc = col["artists"]
        if kind == "short_row":
            r = r[:5]
        elif kind == "bad_track_id":
            r[idc] = "not-an-id!"
        elif kind == "no_name":
            r[namec] = "   "
        elif kind == "bad_artists":
            r[artc] = "['unterminated" if self.fmt in ("spotify600k", "tracks1200k") else ""
        elif kind == "bad_artist_ids":
            c = col.get("id_artists", col.get("artist_ids"))
            r[c] = repr(["0" * 22] * 5) if self.fmt != "lw" else "x!;y!"
        elif kind == "bad_value":
            r[col["danceability"]] = "abc"
        elif kind == "out_of_range":
            r[col["energy"]] = "1.5"
        line = csv_line(r)
        if kind == "bad_encoding":
            line = line.replace(t["name"].encode(), b"Caf\xe9 " + t["name"].encode(), 1)
        if kind == "malformed":
            line = b'"' + t["id"].encode() + b'"x,' + line.split(b",", 1)[1]
        return line


def csv_line(cells):
    s = io.StringIO()
    csv.writer(s, lineterminator="\n").writerow(cells)
    return s.getvalue().encode("utf-8")


def applicable(fmt, kind):
    return not (kind == "bad_artist_ids" and fmt == "tracks114k")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--format", required=True, choices=sorted(HEADERS))
    ap.add_argument("--rows", type=int, default=1000, help="distinct tracks")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--artists-out", help="spotify600k: write its artists.csv here")
    ap.add_argument("--manifest", help="write what a correct import finds (JSON)")
    ap.add_argument("--bad", action="store_true", help="add one bad row of each kind")
    ap.add_argument("--variant", type=int, default=1)
    ap.add_argument("--library-ids", help="file of track ids (one a line) to include")
    a = ap.parse_args()
    lib = []
    if a.library_ids:
        with open(a.library_ids) as f:
            lib = [x.strip() for x in f if x.strip()]
    g = Gen(a.format, a.rows, a.seed, a.variant, lib, a.bad)
    man = {"format": a.format, "rows": 0, "bad": {}, "tracks": a.rows, "duplicates": 0,
           "without_features": 0, "expect": {}}
    sample = []                             # what to check: every track when small
    dup_every = 50
    with open(a.out, "wb") as out:
        out.write(HEADERS[a.format].encode() + b"\n")
        index = 0
        for i, t in g.tracks():
            if a.rows <= 5000 or i < 2000:
                sample.append(t)
            out.write(csv_line(g.row(t, index)))
            index += 1
            man["rows"] += 1
            if i % dup_every == 3:
                # a duplicate: the ~114k set lists the track again under another genre
                d = dict(t)
                if a.format == "tracks114k":
                    d["genre"] = GENRES[(GENRES.index(t["genre"]) + 1) % len(GENRES)]
                    t["genre2"] = d["genre"]
                out.write(csv_line(g.row(d, index)))
                index += 1
                man["rows"] += 1
                man["duplicates"] += 1
            if a.bad and i == a.rows // 2:
                out.write(b"\n")            # a blank line is not a row
                for n, kind in enumerate(BAD_KINDS):
                    if applicable(a.format, kind):
                        out.write(g.bad_row(kind, n))
                        man["rows"] += 1
                        man["bad"][kind] = man["bad"].get(kind, 0) + 1
            f = t["features"]
            if f is None or f["tempo"] == 0:
                man["without_features"] += 1
    if a.artists_out:
        with open(a.artists_out, "wb") as out:
            out.write(b"id,followers,genres,name,popularity\n")
            for i, ar in enumerate(g.artists):
                out.write(csv_line([ar["id"], "%d.0" % (i * 7), repr(ar["genres"]), ar["name"],
                                    str(i % 100)]))
            out.write(csv_line(["bad id!", "1.0", "[]", "x", "1"]))
            out.write(csv_line([spotify_id(g.rng), "2.0", "['never", "Uncredited", "2"]))
    for t in sample:
        e = {"name": t["name"].strip(), "artists": [n.strip() for n in g.names(t)],
             "popularity": t["popularity"] if a.format != "tracks1200k" else None,
             "has_features": bool(t["features"] and t["features"]["tempo"]),
             "energy": t["features"]["energy"] if t["features"] else None,
             "time_signature": t["time_signature"] or None}
        if a.format != "tracks114k":
            e["artist_ids"] = g.ids(t)
        if t["date"] is None or a.format == "tracks114k":
            e["release_date"] = None
        elif a.format == "tracks1200k" or len(t["date"]) == 4:
            e["release_date"] = t["date"]
        else:
            e["release_date"] = t["date"]
        if a.format in ("tracks114k", "lw"):
            e["genres"] = [t["genre"]] + ([t["genre2"]] if "genre2" in t else [])
        man["expect"][t["id"]] = e
    if a.format == "spotify600k":
        man["artist_genres"] = {ar["id"]: ar["genres"] for ar in g.artists}
    if a.manifest:
        with open(a.manifest, "w") as f:
            json.dump(man, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
