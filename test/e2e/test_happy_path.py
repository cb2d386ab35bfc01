"""Happy path: one full sync of the demo library; every table matches the generator's truth."""
import collections

from e2e import Env, expected_library, load_library

env = Env("happy_path")
lib = load_library()
X = expected_library(lib)

rc, err, dt = env.sync()
env.eq(rc, 0, "exit code of the first sync")

run = env.last_run()
env.eq(run["status"], "ok", "ingest_runs.status")
env.eq(run["command"], "sync", "ingest_runs.command")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.ingest_runs WHERE finished_at IS NULL"), 0,
       "runs without finished_at")
c = run["counts"]

# user
u = env.q("SELECT user_id, account_id, display_name FROM listen_wiseer.users")
env.eq(u, [[lib["user"]["id"], lib["user"]["account_id"], lib["user"]["display_name"]]], "users row")

# playlists: all listed, metadata as in the library
pls = {r[0]: r for r in env.q("SELECT playlist_id, name, owner_id, snapshot_id, public::text,"
                               " collaborative::text, items_available::text, unfollowed_at"
                               " FROM listen_wiseer.playlists")}
env.eq(len(pls), len(lib["playlists"]), "playlists stored")
bad_meta = [p["name"] for p in lib["playlists"]
            if p["id"] not in pls or pls[p["id"]][1] != p["name"] or pls[p["id"]][2] != p["owner_id"]
            or pls[p["id"]][3] != p["snapshot_id"] or pls[p["id"]][6] != "true"
            or pls[p["id"]][7] is not None]
env.eq(bad_meta, [], "playlists with wrong metadata / snapshot / availability")

# membership: per playlist, the exact multiset of tracks in position order
rows = env.q("SELECT playlist_id, track_id, occurrence, position FROM listen_wiseer.playlist_tracks"
             " WHERE removed_at IS NULL ORDER BY playlist_id, position")
got = collections.defaultdict(list)
for pid, tid, occ, pos in rows:
    got[pid].append(tid)
wrong = [p["name"] for p in lib["playlists"] if got.get(p["id"], []) != X["members"][p["id"]]]
env.eq(wrong, [], "playlists whose members (in order) differ from the mock's")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NOT NULL"), 0,
       "removed rows after a first sync")
# duplicates get occurrence 2
dups = sum(1 for ids in X["members"].values() for t, n in collections.Counter(ids).items() if n > 1)
env.check(dups > 0, "the library has duplicate tracks in a playlist")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE occurrence = 2"), dups,
       "rows with occurrence 2")
# positions are the item offsets in the playlist (skipped items leave gaps)
pos_ok = True
for p in lib["playlists"]:
    want = [i for i, it in enumerate(p["items"]) if "track" in it]
    have = [int(r[3]) for r in rows if r[0] == p["id"]]
    pos_ok = pos_ok and want == have
env.check(pos_ok, "positions equal the item offsets")
# added_at / added_by kept
one = lib["playlists"][0]["items"][0]
env.eq(env.q("SELECT to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), added_by"
              " FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s' AND position = 0"
              % lib["playlists"][0]["id"]), [[one["added_at"], one["added_by"]]], "added_at/added_by")

# skipped items counted
env.eq(c.get("skipped_local", 0), X["skipped"]["local"], "counts.skipped_local")
env.eq(c.get("skipped_episodes", 0), X["skipped"]["episode"], "counts.skipped_episodes")
env.eq(c.get("skipped_null_items", 0), X["skipped"]["unavailable"], "counts.skipped_null_items")
env.eq(c.get("playlists_seen"), len(lib["playlists"]), "counts.playlists_seen")
env.eq(c.get("playlists_changed"), len(lib["playlists"]), "counts.playlists_changed")

# tracks: exactly the ones in playlists or liked, with their fields and artists in order
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks"), len(X["seen_tracks"]), "tracks stored")
trows = env.q("SELECT track_id, name, album_id, duration_ms, explicit::text, popularity, isrc,"
              " (SELECT string_agg(artist_id, ',' ORDER BY position) FROM listen_wiseer.track_artists a"
              "  WHERE a.track_id = t.track_id) FROM listen_wiseer.tracks t")
mism = []
for tid, name, album, dur, expl, pop, isrc, arts in trows:
    t = X["tracks"].get(tid)
    if (t is None or name != t["name"] or album != t["album_id"] or int(dur) != t["duration_ms"]
            or expl != str(t["explicit"]).lower() or int(pop) != t["popularity"]
            or isrc != t["isrc"] or arts != ",".join(t["artist_ids"])):
        mism.append(tid)
env.eq(mism[:5], [], "tracks whose fields or artist order differ")

# artists with genres (NULL never remains after a full batch fetch)
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists"), len(X["artists"]), "artists stored")
arows = env.q("SELECT artist_id, array_to_string(genres, '|'), genres IS NULL, popularity, followers"
              " FROM listen_wiseer.artists")
amism = [a for a, g, isnull, pop, fol in arows
         if isnull == "t" or g != "|".join(X["artist_objs"][a]["genres"])
         or int(pop) != X["artist_objs"][a]["popularity"] or int(fol) != X["artist_objs"][a]["followers"]]
env.eq(amism[:5], [], "artists whose genres/popularity/followers differ")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres_fetched_at IS NULL"), 0,
       "artists never fetched")

# liked songs
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.liked_tracks WHERE removed_at IS NULL"),
       len(X["liked"]), "liked songs")
newest = lib["liked"][0]
env.eq(env.q1("SELECT to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
              " FROM listen_wiseer.liked_tracks WHERE track_id = '%s'" % newest["track"]),
       newest["added_at"], "liked added_at")

# audio features: a row exactly for tracks that have them, never zeros for the others
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]),
       "audio_features rows")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE source <> 'spotify_api'"), 0,
       "features from another source")
frows = env.q("SELECT track_id, danceability, key, tempo, time_signature FROM listen_wiseer.audio_features")
fmism = [r[0] for r in frows
         if r[0] not in X["with_features"]
         or abs(float(r[1]) - X["tracks"][r[0]]["features"]["danceability"]) > 1e-5
         or int(r[2]) != X["tracks"][r[0]]["features"]["key"]
         or abs(float(r[3]) - X["tracks"][r[0]]["features"]["tempo"]) > 1e-3
         or int(r[4]) != X["tracks"][r[0]]["features"]["time_signature"]]
env.eq(fmism[:5], [], "features that differ from the mock's")
nulls = len(X["seen_tracks"]) - len(X["with_features"])
env.check(nulls > 0, "the library has tracks without features")
env.eq(c.get("features_null", 0), nulls, "counts.features_null")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE features_checked_at IS NULL"), 0,
       "tracks never asked for features")
env.eq(env.q("SELECT capability, available::text FROM listen_wiseer.capabilities ORDER BY 1"),
       [["audio_features", "true"], ["batch_artists", "true"]], "capabilities")

# requests: exactly the minimum for this library
st = env.stats()
be = st["by_endpoint"]
n_pl = len(lib["playlists"])
item_pages = sum(max(1, -(-len(p["items"]) // 50)) for p in lib["playlists"])
env.eq(be.get("GET /v1/me/playlists"), -(-n_pl // 50), "playlist listing pages")
env.eq(be.get("GET /v1/playlists/{id}/items"), item_pages, "playlist item pages")
env.eq(be.get("GET /v1/me/tracks"), max(1, -(-len(lib["liked"]) // 50)), "liked pages")
env.eq(be.get("GET /v1/artists"), -(-len(X["artists"]) // 50), "artist batches")
env.eq(be.get("GET /v1/audio-features"), -(-len(X["seen_tracks"]) // 100), "audio-feature batches")
env.eq(be.get("GET /v1/me"), 1, "/me requests")
env.eq(st["by_status"].get("200"), st["requests_total"], "all requests answered 200")

# the vectors were refreshed (the extension's refresh_vectors, when present)
if env.q1("SELECT to_regprocedure('listen_wiseer.refresh_vectors()') IS NOT NULL") == "t":
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.track_vectors"), len(X["with_features"]),
           "track_vectors refreshed")
env.finish()
