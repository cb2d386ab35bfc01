"""import-catalog reads the three public catalog formats and the project's own, with their
quirks (Python list reprs, ';'-joined artists, quotes and commas in names, missing values,
year-only dates, duplicates) and one bad row of every kind, each counted with its reason.
The files come from test/e2e/catalog_gen.py; its manifest says what a correct import finds."""
import json
import os
import re
import subprocess
import sys

from e2e import Env

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_gen.py")
env = Env("catalog_formats", mode="dev-2024")
ROWS = 400


def generate(fmt, name, seed, extra=()):
    path = os.path.join(env.tmp, name)
    man = path + ".json"
    subprocess.run([sys.executable, GEN, "--format", fmt, "--rows", str(ROWS), "--seed", str(seed),
                    "--out", path, "--manifest", man, "--bad"] + list(extra), check=True)
    with open(man) as f:
        return path, json.load(f)


def lines_for(err):
    out = {}
    for line in err.splitlines():
        m = re.search(r"info: skipped, (.*): (\d+) rows", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


REASON = {"short_row": "fewer cells than the header", "bad_track_id": "bad track id",
          "no_name": "empty track name", "bad_artists": "artists not a list, empty or too many",
          "bad_artist_ids": "artist ids not one valid id per artist",
          "bad_value": "a number, boolean or date that is not one",
          "out_of_range": "audio feature out of range", "bad_encoding": "text that is not UTF-8",
          "malformed": "malformed CSV record"}


def check_import(fmt, path, man, extra=()):
    catalog = os.path.basename(path)
    rc, err, _ = env.run("import-catalog", path, *extra)
    env.eq(rc, 0, "%s: exit code" % fmt)
    run = env.last_run()
    env.eq(run["command"], "import-catalog", "%s: ingest_runs.command" % fmt)
    env.eq(run["status"], "ok", "%s: ingest_runs.status" % fmt)
    c = run["counts"]
    env.eq(c.get("format"), fmt, "%s: format recognised from the header" % fmt)
    env.eq(c.get("rows"), man["rows"], "%s: data rows read" % fmt)
    env.eq(c.get("tracks"), man["tracks"], "%s: distinct tracks" % fmt)
    env.eq(c.get("duplicates"), man["duplicates"], "%s: duplicates" % fmt)
    env.eq(c.get("without_features"), man["without_features"], "%s: tracks without features" % fmt)
    env.eq(c.get("bad_rows"), sum(man["bad"].values()), "%s: bad rows" % fmt)
    skipped = lines_for(err)
    for kind, n in man["bad"].items():
        key = "malformed" if kind == "malformed" else kind
        env.eq(c.get(key), n, "%s: count of %s in ingest_runs" % (fmt, kind))
        env.eq(skipped.get(REASON[kind]), n, "%s: report line for %s" % (fmt, kind))
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE catalog = '%s'" % catalog),
           man["tracks"], "%s: tracks with catalog = file name" % fmt)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE catalog = '%s' AND in_library" % catalog),
           0, "%s: catalog tracks are not the library's" % fmt)
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE source = 'catalog'"
                  " AND source_detail = '%s'" % catalog),
           man["tracks"] - man["without_features"], "%s: features with source catalog" % fmt)
    return c


def check_tracks(fmt, man, with_ids):
    rows = env.q("SELECT t.track_id, t.name, t.release_date, t.popularity,"
                 " f.energy IS NOT NULL, f.energy, f.time_signature,"
                 " (SELECT string_agg(a.name, '\x1d' ORDER BY ta.position) FROM listen_wiseer.track_artists ta"
                 "   JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id WHERE ta.track_id = t.track_id),"
                 " (SELECT string_agg(ta.artist_id, '\x1d' ORDER BY ta.position) FROM listen_wiseer.track_artists ta"
                 "   WHERE ta.track_id = t.track_id)"
                 " FROM listen_wiseer.tracks t LEFT JOIN listen_wiseer.audio_features f"
                 " ON f.track_id = t.track_id")
    got = {r[0]: r for r in rows}
    wrong = []
    for tid, e in man["expect"].items():
        r = got.get(tid)
        if r is None:
            wrong.append((tid, "missing"))
            continue
        _, name, date, pop, has_f, energy, ts, names, ids = r
        if name != e["name"]:
            wrong.append((tid, "name", name, e["name"]))
        if (names or "").split("\x1d") != e["artists"]:
            wrong.append((tid, "artists", names, e["artists"]))
        if with_ids and (ids or "").split("\x1d") != e["artist_ids"]:
            wrong.append((tid, "artist ids", ids, e["artist_ids"]))
        if date != e["release_date"]:
            wrong.append((tid, "release_date", date, e["release_date"]))
        if (None if pop is None else int(pop)) != e["popularity"]:
            wrong.append((tid, "popularity", pop, e["popularity"]))
        if (has_f == "t") != e["has_features"]:
            wrong.append((tid, "has features", has_f))
        elif e["has_features"] and abs(float(energy) - e["energy"]) > 1e-6:
            wrong.append((tid, "energy", energy, e["energy"]))
        if e["has_features"] and (None if ts is None else int(ts)) != e["time_signature"]:
            wrong.append((tid, "time_signature", ts, e["time_signature"]))
    env.eq(wrong[:5], [], "%s: every track's name, artists in credit order, date, popularity,"
                          " features as written" % fmt)


# 1. the 600k set with its artists.csv: artists by id, genres from artists.csv
p600, m600 = generate("spotify600k", "tracks.csv", 11,
                      ["--artists-out", os.path.join(env.tmp, "artists.csv")])
c = check_import("spotify600k", p600, m600, ["--artists", os.path.join(env.tmp, "artists.csv")])
env.eq(c.get("artist_rows"), len(m600["artist_genres"]) + 2, "600k: artists.csv rows read")
env.eq(c.get("artist_rows_bad"), 2, "600k: artists.csv bad rows (bad id, broken list)")
check_tracks("spotify600k", m600, True)
credited = env.q("SELECT DISTINCT ta.artist_id, a.genres::text, a.genres_source FROM listen_wiseer.track_artists ta"
                 " JOIN listen_wiseer.tracks t ON t.track_id = ta.track_id AND t.catalog = 'tracks.csv'"
                 " JOIN listen_wiseer.artists a ON a.artist_id = ta.artist_id")
env.check(sum(1 for r in credited if r[1]) > 30, "600k: many credited artists have genres")
bad = []
for aid, genres, source in credited:
    want = m600["artist_genres"].get(aid)
    if want:
        if genres != "{" + ",".join('"%s"' % g if " " in g else g for g in want) + "}" or source != "catalog":
            bad.append((aid, genres, want, source))
    elif genres is not None:
        bad.append((aid, genres, "unknown (NULL)"))
env.eq(bad[:5], [], "600k: credited artists carry artists.csv's genres (source catalog); [] stays unknown")
env.eq(env.q1("SELECT name FROM listen_wiseer.artists WHERE name LIKE 'Guns N%'"), "Guns N' Roses",
       "600k: apostrophe name from a double-quoted list item")
env.eq(env.q1("SELECT name FROM listen_wiseer.artists WHERE name LIKE 'Back%'"), "Back\\slash",
       "600k: backslash escape in a list item")

# 2. the ~114k set: ';'-joined names, no artist ids, a track repeated once per genre
p114, m114 = generate("tracks114k", "dataset.csv", 12)
check_import("tracks114k", p114, m114)
check_tracks("tracks114k", m114, False)
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists a WHERE a.artist_id LIKE 'catalog:%'"
              " AND a.artist_id <> 'catalog:' || left(encode(sha256(convert_to(a.name, 'UTF8')), 'hex'), 24)"),
       0, "114k: artists without ids get catalog:<sha256 of the name>")
lead = {}
for tid, e in m114["expect"].items():
    lead.setdefault(e["artists"][0], set()).update(e["genres"])
rows = env.q("SELECT a.name, a.genres::text FROM listen_wiseer.artists a WHERE a.artist_id LIKE 'catalog:%'"
             " AND a.genres IS NOT NULL")
got = {n: g for n, g in rows}
env.check(len(lead) > 50 and len(got) >= len(lead), "114k: primary artists with genres")
bad = [(n, got.get(n), sorted(g)) for n, g in lead.items()
       if got.get(n) != "{" + ",".join('"%s"' % x if " " in x else x for x in sorted(g)) + "}"]
env.eq(bad[:5], [], "114k: a primary artist's genres are its tracks' genre labels, over duplicate rows")

# 3. the 1.2M set: list reprs, 4.0 time signatures, year column, no popularity
p12, m12 = generate("tracks1200k", "tracks_features.csv", 13)
check_import("tracks1200k", p12, m12)
check_tracks("tracks1200k", m12, True)

# 4. the project's own format, --format given explicitly
plw, mlw = generate("lw", "mine.csv", 14)
check_import("lw", plw, mlw, ["--format", "lw"])
check_tracks("lw", mlw, True)

# 5. usage errors: a header of no known format; --format that does not match; --artists with
# another format; a missing file. Nothing is written.
before = env.qi("SELECT count(*) FROM listen_wiseer.tracks")
odd = os.path.join(env.tmp, "odd.csv")
with open(odd, "w") as f:
    f.write("id,name,whatever\nx,y,z\n")
rc, err, _ = env.run("import-catalog", odd)
env.eq(rc, 2, "unknown header: exit 2")
env.check("header" in err, "unknown header: says so")
rc, _, _ = env.run("import-catalog", p12, "--format", "spotify600k")
env.eq(rc, 2, "--format that does not match the header: exit 2")
rc, _, _ = env.run("import-catalog", p12, "--format", "nonsense")
env.eq(rc, 2, "unknown --format: exit 2")
rc, _, _ = env.run("import-catalog", p114, "--artists", os.path.join(env.tmp, "artists.csv"))
env.eq(rc, 2, "--artists with the 114k format: exit 2")
rc, _, _ = env.run("import-catalog", os.path.join(env.tmp, "absent.csv"))
env.eq(rc, 2, "missing file: exit 2")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), before, "failed imports wrote nothing")
env.eq(env.last_run()["status"], "failed", "a failed import is recorded as failed")

env.finish()
