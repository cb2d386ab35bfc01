"""A catalog and the library: catalog tracks never appear in the library's views, playlists or
liked songs; a track that is both is one row that knows both facts (the sync marks it
in_library, the catalog name stays); importing the same file again rewrites no row (xmin); a
newer file of the same catalog updates in place; Spotify's features are kept."""
import json
import os
import subprocess
import sys

from e2e import Env, expected_library, load_library

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_gen.py")
env = Env("catalog_library", mode="extended")
lib = load_library()
X = expected_library(lib)
ROWS = 300


def generate(directory, variant, ids_file):
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "tracks.csv")
    man = path + ".json"
    subprocess.run([sys.executable, GEN, "--format", "spotify600k", "--rows", str(ROWS),
                    "--seed", "21", "--variant", str(variant), "--out", path,
                    "--artists-out", os.path.join(directory, "artists.csv"), "--manifest", man,
                    "--library-ids", ids_file], check=True)
    with open(man) as f:
        return path, json.load(f)


def views():
    return {
        "track_genre": env.qi("SELECT count(*) FROM listen_wiseer.track_genre"),
        "artist_genre_catalog_only": env.qi(
            "SELECT count(*) FROM listen_wiseer.artist_genre ag WHERE NOT EXISTS"
            " (SELECT FROM listen_wiseer.track_artists ta JOIN listen_wiseer.tracks t"
            "  ON t.track_id = ta.track_id WHERE ta.artist_id = ag.artist_id AND t.in_library)"
            " AND EXISTS (SELECT FROM listen_wiseer.track_artists ta WHERE ta.artist_id = ag.artist_id)"),
        "catalog_in_playlists": env.qi(
            "SELECT count(*) FROM listen_wiseer.playlist_tracks pt JOIN listen_wiseer.tracks t"
            " ON t.track_id = pt.track_id WHERE NOT t.in_library"),
        "catalog_in_liked": env.qi(
            "SELECT count(*) FROM listen_wiseer.liked_tracks lt JOIN listen_wiseer.tracks t"
            " ON t.track_id = lt.track_id WHERE NOT t.in_library"),
        "catalog_in_track_genre": env.qi(
            "SELECT count(*) FROM listen_wiseer.track_genre tg JOIN listen_wiseer.tracks t"
            " ON t.track_id = tg.track_id WHERE NOT t.in_library"),
    }


# 30 tracks the library will hold (playlist members with features) are in the catalog too
both = sorted(t for t in X["with_features"] if t in X["seen_tracks"])[:30]
ids_file = os.path.join(env.tmp, "library_ids.txt")
with open(ids_file, "w") as f:
    f.write("\n".join(both) + "\n")
v1, m1 = generate(os.path.join(env.tmp, "v1"), 1, ids_file)

# 1. the catalog first: every track catalog-only, nothing in the library views
rc, err, _ = env.run("import-catalog", v1, "--artists", os.path.join(env.tmp, "v1", "artists.csv"))
env.eq(rc, 0, "first import")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE NOT in_library AND catalog = 'tracks.csv'"),
       ROWS, "all catalog tracks catalog-only")
env.eq(views()["track_genre"], 0, "track_genre shows no catalog track")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artist_genre"), 0, "artist_genre shows no catalog artist")

# 2. the sync: the 30 shared tracks become the library's, one row each, still in the catalog
rc, _, _ = env.sync()
env.eq(rc, 0, "sync after the import")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE track_id IN (%s) AND in_library"
              " AND catalog = 'tracks.csv'" % ",".join("'%s'" % t for t in both)), len(both),
       "shared tracks: in_library and catalog both set")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE in_library"), len(X["seen_tracks"]),
       "library tracks: exactly the synced ones")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE NOT in_library"), ROWS - len(both),
       "catalog-only tracks: the others")
names = dict(env.q("SELECT track_id, name FROM listen_wiseer.tracks WHERE track_id IN (%s)"
                   % ",".join("'%s'" % t for t in both)))
env.eq(sorted(t for t in both if names[t] != X["tracks"][t]["name"]), [],
       "shared tracks carry Spotify's names after the sync")
v = views()
env.eq(v["track_genre"], len(X["seen_tracks"]), "track_genre: one row per library track")
for k in ("artist_genre_catalog_only", "catalog_in_playlists", "catalog_in_liked", "catalog_in_track_genre"):
    env.eq(v[k], 0, "views: %s" % k)

# 3. importing the same file again: nothing rewritten (xmin of every row unchanged)
before = env.snapshot_tables(versions=True)
vec_before = env.q("SELECT xmin::text, track_id FROM listen_wiseer.track_vectors ORDER BY track_id")
stats_before = env.q("SELECT xmin::text FROM listen_wiseer.feature_stats")
rc, err, _ = env.run("import-catalog", v1, "--artists", os.path.join(env.tmp, "v1", "artists.csv"))
env.eq(rc, 0, "re-import")
c = env.last_run()["counts"]
for k in ("tracks_new", "tracks_updated", "tracks_library_marked", "artists_new", "artists_genres",
          "credits_written", "features_new", "features_updated"):
    env.eq(c.get(k), 0, "re-import: %s" % k)
env.eq(c.get("tracks_in_library"), len(both), "re-import: shared tracks counted")
after = env.snapshot_tables(versions=True)
env.eq([t for t in before if before[t] != after[t]], [], "re-import: no row of any library table rewritten")
env.eq(env.q("SELECT xmin::text, track_id FROM listen_wiseer.track_vectors ORDER BY track_id"), vec_before,
       "re-import: vectors untouched")
env.eq(env.q("SELECT xmin::text FROM listen_wiseer.feature_stats"), stats_before, "re-import: statistics untouched")

# 4. features: Spotify's stay for the shared tracks
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE track_id IN (%s)"
              " AND source = 'spotify_api'" % ",".join("'%s'" % t for t in both)), len(both),
       "shared tracks keep the features from Spotify")
env.eq(c.get("features_kept"), len([t for t in both if m1["expect"][t]["has_features"]]),
       "features kept from another source, counted")

# 5. a newer file of the same catalog (same name, another folder): updated in place
v2, m2 = generate(os.path.join(env.tmp, "v2"), 2, ids_file)
changed_pop = [t for t, e in m2["expect"].items() if t not in both and e["popularity"] != m1["expect"][t]["popularity"]]
changed_energy = [t for t, e in m2["expect"].items() if t not in both and e["has_features"]
                  and e["energy"] != m1["expect"][t]["energy"]]
env.check(len(changed_pop) > 10 and len(changed_energy) > 10, "the newer file changes values")
shared_before = env.q("SELECT track_id, xmin::text, name, popularity FROM listen_wiseer.tracks"
                      " WHERE in_library ORDER BY track_id")
rc, err, _ = env.run("import-catalog", v2, "--artists", os.path.join(env.tmp, "v2", "artists.csv"))
env.eq(rc, 0, "newer file")
c = env.last_run()["counts"]
env.eq(c.get("tracks_new"), 0, "newer file: no new track")
env.eq(c.get("tracks_updated"), len(changed_pop), "newer file: tracks updated = popularity changes")
env.eq(c.get("features_updated"), len(changed_energy), "newer file: features updated = energy changes")
got = dict(env.q("SELECT track_id, popularity FROM listen_wiseer.tracks WHERE track_id IN (%s)"
                 % ",".join("'%s'" % t for t in changed_pop)))
env.eq(sorted(t for t in changed_pop if int(got[t]) != m2["expect"][t]["popularity"]), [],
       "newer file: popularity as in the new file")
got = dict(env.q("SELECT track_id, energy FROM listen_wiseer.audio_features WHERE track_id IN (%s)"
                 % ",".join("'%s'" % t for t in changed_energy)))
env.eq(sorted(t for t in changed_energy if abs(float(got[t]) - m2["expect"][t]["energy"]) > 1e-6), [],
       "newer file: energy as in the new file")
env.eq(env.q("SELECT track_id, xmin::text, name, popularity FROM listen_wiseer.tracks"
             " WHERE in_library ORDER BY track_id"), shared_before,
       "newer file: library tracks untouched")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), len(X["seen_tracks"]) + ROWS - len(both),
       "newer file: no track added or lost")

env.finish()
