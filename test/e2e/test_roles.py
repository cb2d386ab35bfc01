"""Roles: the real lw-ingest syncs and imports connected as a role made by
listen_wiseer.grant_ingest() (not a superuser); a role made by grant_reader() reads the result
and calls recommend(), but can neither write nor sync."""
import os
import subprocess

from e2e import Env, expected_library, load_library

FEATS = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
         "instrumentalness", "liveness", "valence", "tempo", "duration_ms", "time_signature"]

# roles are cluster-wide: names of our own, dropped at exit
INGEST = "lw_e2e_ingest_%d" % os.getpid()
READER = "lw_e2e_reader_%d" % os.getpid()

env = Env("roles", db_user=INGEST)
lib = load_library()
X = expected_library(lib)


env.drop_roles_at_exit(INGEST, READER)
env.q("CREATE ROLE %s LOGIN" % INGEST)
env.q("CREATE ROLE %s LOGIN" % READER)
env.q("SELECT listen_wiseer.grant_ingest('%s')" % INGEST)
env.q("SELECT listen_wiseer.grant_reader('%s')" % READER)
env.eq(env.q("SELECT rolsuper::text, rolcreaterole::text, rolcreatedb::text FROM pg_roles"
             " WHERE rolname = '%s'" % INGEST), [["false", "false", "false"]],
       "the ingest role is an ordinary role")


def psql_as(user, sql):
    p = subprocess.run(["psql", "-X", "-q", "-U", user, "-d", env.db, "-v", "ON_ERROR_STOP=1", "-tA",
                        "-c", sql], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout.strip(), p.stderr


# --- sync as the ingest role -----------------------------------------------------------------
rc, err, _ = env.sync()
env.eq(rc, 0, "exit code of a sync as the ingest role")
if rc != 0:
    print(err[-2000:])
run = env.last_run()
env.eq(run and run["status"], "ok", "ingest_runs.status")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), len(X["seen_tracks"]), "tracks stored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlists"), len(lib["playlists"]), "playlists stored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "audio features stored")
# refresh_vectors() ran (as the definer) and the pool triggers followed
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.track_vectors"), len(X["with_features"]),
       "a vector for every track with features")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.recommend_pool"), len(X["with_features"]),
       "the recommendation pool")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL"),
       len(X["artists"]), "artists with their genres")

# a second sync after a change at Spotify: new members, removed ones, a new name
target = [p for p in lib["playlists"] if p["owner_id"] == lib["user"]["id"]][1]
m = env.mutate({"playlist": target["id"], "add": 3, "remove": 2, "rename": "renamed by roles"})
rc, err, _ = env.sync()
env.eq(rc, 0, "exit code of a second sync as the ingest role")
env.eq(env.q("SELECT name, snapshot_id FROM listen_wiseer.playlists WHERE playlist_id = '%s'"
             % target["id"]), [["renamed by roles", m["snapshot_id"]]], "new name and snapshot_id")
cur = {r[0] for r in env.q("SELECT track_id FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                           " AND removed_at IS NULL" % target["id"])}
env.check(set(m["added"]) <= cur, "the added tracks are current members")
env.check(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NOT NULL") > 0,
          "removed members are marked")

# import-features as the ingest role (replacing API values)
csv = os.path.join(env.tmp, "features.csv")
some = sorted(X["with_features"])[:5]
with open(csv, "w") as f:
    f.write(",".join(["id"] + FEATS) + "\n")
    for t in some:
        feats = X["tracks"][t]["features"]
        f.write(",".join([t] + [repr(feats[k]) for k in FEATS]) + "\n")
rc, err, _ = env.run("import-features", csv, extra_env={"LW_OVERWRITE": "1"})
env.eq(rc, 0, "exit code of import-features as the ingest role")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE source = 'csv'"), len(some),
       "rows from the CSV")

# --- the reader ---------------------------------------------------------------------------------
rc, out, err = psql_as(READER, "SELECT count(*) FROM listen_wiseer.tracks")
env.eq((rc, out), (0, env.q1("SELECT count(*) FROM listen_wiseer.tracks")), "the reader reads the tracks")
pid = env.q1("SELECT playlist_id FROM listen_wiseer.playlist_tracks GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
rc, out, err = psql_as(READER, "SELECT count(*) FROM recommend('%s', 5)" % pid)
env.eq((rc, out), (0, "5"), "the reader gets recommendations")
rc, out, err = psql_as(READER, "SELECT count(*) FROM listen_wiseer.playlist_genre_mix")
env.check(rc == 0 and int(out) > 0, "the reader reads the genre views")
for sql in ("INSERT INTO listen_wiseer.tracks (track_id, name) VALUES ('x', 'x')",
            "UPDATE listen_wiseer.playlists SET name = 'x'",
            "DELETE FROM listen_wiseer.liked_tracks",
            "SELECT listen_wiseer.refresh_vectors()"):
    rc, out, err = psql_as(READER, sql)
    env.check(rc != 0 and "permission denied" in err, "the reader cannot: %s (%d %s)" % (sql, rc, err))

# a sync connected as the reader fails cleanly and writes nothing
runs = env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs")
before = env.snapshot_tables()
rc, err, _ = env.sync(extra_env={"PGUSER": READER})
env.check(rc not in (0, 3, 4), "a sync as the reader fails (exit %d)" % rc)
env.check("permission denied" in err, "and says why")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs"), runs, "no run recorded by the reader")
env.check(env.snapshot_tables() == before, "nothing written by the reader")

env.finish()
