"""sync --full rewrites what differs from Spotify and nothing else: damaged track fields,
credits (wrong artist, extra and missing positions), artist names and memberships are repaired;
untouched rows keep their updated_at."""
from e2e import Env, expected_library, load_library

env = Env("full_repair")
lib = load_library()
X = expected_library(lib)
rc, _, _ = env.sync()
env.eq(rc, 0, "first sync")
tracks = sorted(X["seen_tracks"])
t1, t2, t3, t4 = tracks[:4]
other = sorted(X["artists"])[-1]
pl = lib["playlists"][0]
good = env.snapshot_tables()
PL = ("SELECT playlist_id, name, owner_id, snapshot_id, total_items, items_available, unfollowed_at"
      " FROM listen_wiseer.playlists ORDER BY 1")
good_pl = env.q(PL)
stamp = env.q("SELECT track_id, updated_at::text FROM listen_wiseer.tracks WHERE track_id NOT IN"
              " ('%s', '%s') ORDER BY 1" % (t1, t2))

env.q("UPDATE listen_wiseer.tracks SET name = 'wrong', popularity = 1 WHERE track_id = '%s'" % t1)
env.q("UPDATE listen_wiseer.tracks SET isrc = NULL, explicit = NOT explicit WHERE track_id = '%s'" % t2)
env.q("UPDATE listen_wiseer.track_artists SET artist_id = '%s' WHERE track_id = '%s' AND position = 0"
      % (other, t3))
env.q("INSERT INTO listen_wiseer.track_artists VALUES ('%s', 9, '%s')" % (t4, other))
env.q("DELETE FROM listen_wiseer.track_artists WHERE track_id = '%s'" % t1)
a = X["tracks"][t2]["artist_ids"][0]
env.q("UPDATE listen_wiseer.artists SET name = 'wrong' WHERE artist_id = '%s'" % a)
env.q("DELETE FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s' AND position = 0" % pl["id"])
env.q("UPDATE listen_wiseer.playlist_tracks SET added_by = 'someone' WHERE playlist_id = '%s'"
      " AND position = 1" % pl["id"])

rc, _, _ = env.sync("--full")
env.eq(rc, 0, "--full sync")
now = env.snapshot_tables()
env.eq(env.q(PL), good_pl, "playlists unchanged (but last_synced_at)")
for t in ("track_artists", "playlist_tracks", "liked_tracks", "audio_features", "users"):
    env.check(now[t] == good[t], "table %s repaired to the first sync's content" % t)
env.eq(env.q1("SELECT name FROM listen_wiseer.tracks WHERE track_id = '%s'" % t1), X["tracks"][t1]["name"],
       "track name repaired")
env.eq(env.qi("SELECT popularity FROM listen_wiseer.tracks WHERE track_id = '%s'" % t1),
       X["tracks"][t1]["popularity"], "popularity repaired")
env.eq(env.q1("SELECT isrc FROM listen_wiseer.tracks WHERE track_id = '%s'" % t2), X["tracks"][t2]["isrc"],
       "isrc repaired")
for t in (t1, t3, t4):
    env.eq(env.q1("SELECT string_agg(artist_id, ',' ORDER BY position) FROM listen_wiseer.track_artists"
                  " WHERE track_id = '%s'" % t), ",".join(X["tracks"][t]["artist_ids"]), "credits of %s" % t)
env.eq(env.q1("SELECT name FROM listen_wiseer.artists WHERE artist_id = '%s'" % a),
       X["artist_objs"][a]["name"], "artist name repaired")
env.eq(env.q("SELECT track_id, updated_at::text FROM listen_wiseer.tracks WHERE track_id NOT IN"
             " ('%s', '%s') ORDER BY 1" % (t1, t2)), stamp, "untouched tracks keep updated_at")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE removed_at IS NOT NULL"), 0,
       "nothing marked removed")
env.finish()
