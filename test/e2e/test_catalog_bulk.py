"""import-catalog's bulk write (ingestor/bulk_write.c): with LW_CATALOG_BULK new tracks or more,
the credits and features go in with the foreign keys and secondary indexes of track_artists and
audio_features set aside and re-created in the same transaction.

 1. The same library and catalog imported row by row (LW_CATALOG_BULK=0) and as a bulk write
    (LW_CATALOG_BULK=1) store exactly the same rows, derived tables included.
 2. After a bulk write the keys and indexes are back, defined exactly as before, and enforced.
 3. The same file again has no new tracks: no bulk write, nothing rewritten.
 4. While another session reads the library, the bulk write waits 5 s at most, then the import
    writes row by row and succeeds; the reader was never blocked for longer.
 5. A role that does not own the tables (grant_ingest) imports row by row."""
import os
import subprocess
import sys
import time

from e2e import Env

GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_gen.py")
ROLE = "lw_e2e_bulk_%d" % os.getpid()
env = Env("catalog_bulk", mode="extended")
ROWS = 2000

# every table the import or its triggers write, each row without its timestamps
TABLES = [("tracks", "track_id"), ("artists", "artist_id"), ("track_artists", "track_id, position"),
          ("audio_features", "track_id"), ("track_vectors", "track_id"),
          ("feature_stats", "n"), ("recommend_pool", "track_id"),
          ("recommend_signatures", "genres"), ("recommend_artist_tracks", "artist_id"),
          ("playlist_tracks", "playlist_id, track_id, occurrence"), ("liked_tracks", "track_id")]
DEFINITIONS = ("SELECT d FROM ("
               " SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint"
               "  WHERE conrelid IN ('listen_wiseer.track_artists'::regclass,"
               "                     'listen_wiseer.audio_features'::regclass)"
               " UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index"
               "  WHERE indrelid IN ('listen_wiseer.track_artists'::regclass,"
               "                     'listen_wiseer.audio_features'::regclass)) x ORDER BY 1")


env.drop_roles_at_exit(ROLE)


def generate(name, seed, ids_file=None):
    d = os.path.join(env.tmp, name)
    os.makedirs(d, exist_ok=True)
    args = [sys.executable, GEN, "--format", "spotify600k", "--rows", str(ROWS), "--seed", str(seed),
            "--out", os.path.join(d, "tracks.csv"), "--artists-out", os.path.join(d, "artists.csv")]
    if ids_file:
        args += ["--library-ids", ids_file]
    subprocess.run(args, check=True)
    return os.path.join(d, "tracks.csv"), os.path.join(d, "artists.csv")


def snapshot():
    out = {}
    for t, key in TABLES:
        out[t] = env.q("SELECT (SELECT jsonb_object_agg(e.k, e.v) FROM jsonb_each(to_jsonb(x)) e(k, v)"
                       "  WHERE e.k NOT LIKE '%%\\_at')::text FROM listen_wiseer.%s x ORDER BY %s"
                       % (t, key))
    return out


def fresh_library():
    env.q("SET client_min_messages = warning; DROP EXTENSION listen_wiseer CASCADE;"
          " CREATE EXTENSION listen_wiseer")
    rc, err, _ = env.sync()
    env.eq(rc, 0, "sync (%s)" % err.strip()[-200:])


def import_catalog(paths, bulk, extra_env=None):
    e = {"LW_CATALOG_BULK": str(bulk)}
    e.update(extra_env or {})
    rc, err, _ = env.run("import-catalog", paths[0], "--artists", paths[1], extra_env=e)
    run = env.last_run()
    return rc, err, run["counts"] if run else {}


# a catalog holding some library tracks too (one row knows both facts)
fresh_library()
ids_file = os.path.join(env.tmp, "library_ids.txt")
with open(ids_file, "w") as f:
    f.write("\n".join(r[0] for r in env.q("SELECT track_id FROM listen_wiseer.tracks ORDER BY 1 LIMIT 40")) + "\n")
cat1 = generate("cat1", 41, ids_file)
cat2 = generate("cat2", 42)
definitions = env.q(DEFINITIONS)
env.check(len(definitions) >= 5, "keys and indexes of track_artists and audio_features: %r" % definitions)

# 1. row by row, then the same from scratch as a bulk write
rc, err, counts = import_catalog(cat1, 0)
env.eq(rc, 0, "row-by-row import (%s)" % err.strip()[-300:])
env.eq(counts.get("bulk_write"), "not needed", "LW_CATALOG_BULK=0: no bulk write")
row_by_row = snapshot()
env.check(len(row_by_row["track_artists"]) > ROWS and len(row_by_row["recommend_pool"]) > ROWS,
          "the catalog's credits and pool rows are there")
fresh_library()
rc, err, counts = import_catalog(cat1, 1)
env.eq(rc, 0, "bulk import (%s)" % err.strip()[-300:])
env.eq(counts.get("bulk_write"), "done", "LW_CATALOG_BULK=1: a bulk write")
env.check("one bulk write" in err, "the log says so")
bulk = snapshot()
for t, _ in TABLES:
    env.eq(len(bulk[t]), len(row_by_row[t]), "%s: as many rows as row by row" % t)
    env.check(bulk[t] == row_by_row[t], "%s: the same rows as row by row" % t)

# 2. the keys and indexes are back as they were, and enforced
env.eq(env.q(DEFINITIONS), definitions, "keys and indexes re-created exactly")
p = subprocess.run(["psql", "-X", "-q", "-d", env.db, "-c",
                    "INSERT INTO listen_wiseer.track_artists VALUES"
                    " ((SELECT min(track_id) FROM listen_wiseer.tracks), 99, 'no-such-artist')"],
                   capture_output=True, text=True)
env.check(p.returncode != 0 and "track_artists_artist_id_fkey" in p.stderr,
          "the artist key is enforced again: %r" % p.stderr.strip())

# 3. the same file again: nothing new, no bulk write, no row rewritten
before = env.snapshot_tables(versions=True)
rc, err, counts = import_catalog(cat1, 1)
env.eq(rc, 0, "the same file again")
env.eq(counts.get("bulk_write"), "not needed", "no new track: no bulk write")
env.check(env.snapshot_tables(versions=True) == before, "no row rewritten")

# 4. a reader holds the library: the bulk write gives up after 5 s, the import goes on
reader = subprocess.Popen(["psql", "-X", "-q", "-tA", "-d", env.db, "-v", "ON_ERROR_STOP=1"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
reader.stdin.write("BEGIN;\nSELECT count(*) FROM listen_wiseer.tracks;\n\\echo reading\n")
reader.stdin.flush()
env.eq(reader.stdout.readline().strip().isdigit(), True, "the reader holds its lock")
reader.stdout.readline()
t0 = time.time()
rc, err, counts = import_catalog(cat2, 1)
took = time.time() - t0
env.eq(rc, 0, "import beside a reader (%s)" % err.strip()[-300:])
env.eq(counts.get("bulk_write"), "declined", "the bulk write declined")
env.check("row by row" in err and "stayed in use" in err, "the log says why: %r" % err[-400:])
env.check(took >= 5, "it waited for the lock first (%.1f s)" % took)
env.eq(counts.get("tracks_new"), ROWS, "every new track written")
reader.stdin.write("SELECT count(*) FROM listen_wiseer.tracks;\nCOMMIT;\n")
reader.stdin.close()
out = reader.stdout.read()
env.eq(reader.wait(), 0, "the reader went on reading (%s)" % reader.stderr.read().strip())
env.check(out.strip().isdigit(), "the reader's second query answered")
env.eq(env.q(DEFINITIONS), definitions, "keys and indexes untouched")

# 5. a role that does not own the tables: row by row
fresh_library()
env.q("CREATE ROLE %s LOGIN" % ROLE)
env.q("SELECT listen_wiseer.grant_ingest('%s')" % ROLE)
rc, err, counts = import_catalog(cat1, 1, extra_env={"PGUSER": ROLE})
env.eq(rc, 0, "import as the ingest role (%s)" % err.strip()[-300:])
env.eq(counts.get("bulk_write"), "declined", "no bulk write for a role that does not own the tables")
env.check("does not own" in err, "the log says why: %r" % err[-300:])
env.eq(snapshot(), row_by_row, "the same rows as the owner's row-by-row import")
env.finish()
