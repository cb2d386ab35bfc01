"""import-features: Spotify-style and Exportify-style CSVs (RFC 4180 quoting, ids, URIs, URLs);
bad rows are skipped and reported by reason; rows from the API are kept unless overwrite."""
import os
import re

from e2e import Env, expected_library, load_library

FEATS = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
         "instrumentalness", "liveness", "valence", "tempo", "duration_ms", "time_signature"]
EXPORTIFY = ["Danceability", "Energy", "Key", "Loudness", "Mode", "Speechiness", "Acousticness",
             "Instrumentalness", "Liveness", "Valence", "Tempo", "Duration (ms)", "Time Signature"]

env = Env("csv_import", mode="dev-2024")
lib = load_library()
X = expected_library(lib)
rc, _, _ = env.sync()
env.eq(rc, 0, "sync (dev-2024: no features from the API)")
have = sorted(t for t in X["with_features"])
A, B = have[:40], have[40:80]


def vals(tid):
    f = X["tracks"][tid]["features"]
    return [repr(f[k]) for k in FEATS]


def lines_for(err):
    out = {}
    for line in err.splitlines():
        m = re.search(r"info: (.*): (\d+) rows", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


# 1. Spotify field names, bare ids, an extra column, CRLF line ends
p1 = os.path.join(env.tmp, "spotify_style.csv")
with open(p1, "w", newline="") as f:
    f.write(",".join(["id"] + FEATS + ["type"]) + "\r\n")
    for t in A:
        f.write(",".join([t] + vals(t) + ["audio_features"]) + "\r\n")
rc, err, _ = env.run("import-features", p1)
env.eq(rc, 0, "spotify-style import exit code")
env.eq(lines_for(err).get("loaded"), len(A), "spotify-style: loaded line")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE source = 'csv'"
              " AND source_detail = 'spotify_style.csv'"), len(A), "rows with source csv + file name")
t0 = A[0]
env.check(abs(float(env.q1("SELECT tempo FROM listen_wiseer.audio_features WHERE track_id = '%s'" % t0))
              - X["tracks"][t0]["features"]["tempo"]) < 1e-3, "tempo value stored")
run = env.last_run()
env.eq(run["command"], "import-features", "ingest_runs.command")
env.eq(run["status"], "ok", "ingest_runs.status")
env.eq(run["counts"].get("features_loaded"), len(A), "ingest_runs counts")

# 2. Exportify headers, quoted fields with commas/quotes/newlines, URIs and URLs, bad rows
p2 = os.path.join(env.tmp, "exportify.csv")
unknown = "0000000000000000000000"
with open(p2, "w", newline="") as f:
    f.write('"Track URI","Track Name","Artist Name(s)",' + ",".join('"%s"' % h for h in EXPORTIFY)
            + ',"Genres"\n')
    for i, t in enumerate(B):
        uri = "spotify:track:" + t if i % 2 == 0 else "https://open.spotify.com/track/%s?si=abc" % t
        name = '"Song, with ""quotes""\nand a line break"' if i == 0 else '"Plain %d"' % i
        f.write(",".join(['"%s"' % uri, name, '"A, B"'] + vals(t) + ['"pop,rock"']) + "\n")
    bad = vals(B[0])
    f.write(",".join(['"spotify:track:' + unknown + '"', '"x"', '"y"'] + bad + ['""']) + "\n")  # unknown
    f.write(",".join(['"spotify:track:bad!id"', '"x"', '"y"'] + bad + ['""']) + "\n")          # bad id
    r = vals(B[1]); r[0] = "1.5"
    f.write(",".join(['"%s"' % ("spotify:track:" + B[1]), '"x"', '"y"'] + r + ['""']) + "\n")  # range (dup id too)
    r = vals(B[2]); r[10] = ""
    f.write(",".join(['"%s"' % ("spotify:track:" + B[2]), '"x"', '"y"'] + r + ['""']) + "\n")  # missing tempo
    f.write(",".join(['"%s"' % ("spotify:track:" + B[3]), '"x"', '"y"'] + vals(B[3]) + ['""']) + "\n")  # duplicate
    f.write('"spotify:track:%s","unterminated' % B[4])
rc, err, _ = env.run("import-features", p2)
env.eq(rc, 0, "exportify import exit code")
L = lines_for(err)
env.eq(L.get("loaded"), len(B), "exportify: loaded")
env.eq(L.get("skipped, unknown track (not in the library)"), 1, "exportify: unknown track line")
env.eq(L.get("skipped, bad track id"), 1, "exportify: bad id line")
env.eq(L.get("skipped, out-of-range value"), 1, "exportify: out-of-range line")
env.eq(L.get("skipped, missing or non-numeric value"), 1, "exportify: missing value line")
env.eq(L.get("skipped, duplicate track id (first row kept)"), 1, "exportify: duplicate line")
env.eq(L.get("skipped, malformed CSV record"), 1, "exportify: malformed line")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE source_detail = 'exportify.csv'"),
       len(B), "exportify rows stored")
env.check(abs(float(env.q1("SELECT danceability FROM listen_wiseer.audio_features WHERE track_id = '%s'"
                           % B[1])) - X["tracks"][B[1]]["features"]["danceability"]) < 1e-5,
          "the out-of-range duplicate did not replace the good row")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE track_id = '%s'" % unknown), 0,
       "no track row created for an unknown track")

# 3. the same file again: nothing changes
before = env.q("SELECT track_id, loaded_at::text FROM listen_wiseer.audio_features ORDER BY 1")
rc, err, _ = env.run("import-features", p2)
env.eq(lines_for(err).get("loaded"), 0, "re-import: nothing loaded")
env.eq(lines_for(err).get("unchanged (identical row already stored)"), len(B), "re-import: unchanged")
env.eq(env.q("SELECT track_id, loaded_at::text FROM listen_wiseer.audio_features ORDER BY 1"), before,
       "re-import leaves rows untouched")

# 4. rows from the API are kept unless overwrite
env.q("UPDATE listen_wiseer.audio_features SET source = 'spotify_api', source_detail = NULL,"
      " danceability = 0.5 WHERE track_id = '%s'" % A[0])
rc, err, _ = env.run("import-features", p1)
env.eq(lines_for(err).get("skipped, features from the Spotify API kept (LW_OVERWRITE=1 replaces them)"), 1,
       "spotify_api row kept")
env.eq(env.q1("SELECT source FROM listen_wiseer.audio_features WHERE track_id = '%s'" % A[0]),
       "spotify_api", "source still spotify_api")
rc, err, _ = env.run("import-features", p1, extra_env={"LW_OVERWRITE": "1"})
env.eq(env.q1("SELECT source FROM listen_wiseer.audio_features WHERE track_id = '%s'" % A[0]), "csv",
       "overwritten with LW_OVERWRITE=1")

# 5. a file without the needed columns: usage error, nothing loaded, failed run row
p3 = os.path.join(env.tmp, "nofeatures.csv")
with open(p3, "w") as f:
    f.write("id,name\n%s,x\n" % A[0])
rc, err, _ = env.run("import-features", p3)
env.eq(rc, 2, "missing columns: exit code 2")
env.check("danceability" in err, "message names the missing column: %r" % err.strip()[-200:])
env.eq(env.last_run()["status"], "failed", "failed run row")
rc, err, _ = env.run("import-features", os.path.join(env.tmp, "missing.csv"))
env.eq(rc, 2, "missing file: exit code 2")
env.finish()
