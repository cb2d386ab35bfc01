"""A playlist mutated between runs: new membership and snapshot_id, removed rows kept with
removed_at, re-added rows revived; only that playlist's items are fetched again. A renamed
playlist gets its new name; an unfollowed one gets unfollowed_at (and loses it when listed again)."""
import collections

from e2e import Env, load_library

env = Env("playlist_mutation")
lib = load_library()
owned = [p for p in lib["playlists"] if p["owner_id"] == lib["user"]["id"]]
target, renamed, gone = owned[1], owned[2], owned[3]

rc, _, _ = env.sync()
env.eq(rc, 0, "first sync")
old_rows = env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                  % target["id"])

snaps_before = dict(env.q("SELECT playlist_id, snapshot_id FROM listen_wiseer.playlists"))
m = env.mutate({"playlist": target["id"], "add": 3, "remove": 2})
env.mutate({"playlist": renamed["id"], "rename": "renamed list"})
env.mutate({"playlist": gone["id"], "unfollow": True})
env.reset_stats()
rc, _, _ = env.sync()
env.eq(rc, 0, "second sync")

env.eq(env.q1("SELECT snapshot_id FROM listen_wiseer.playlists WHERE playlist_id = '%s'" % target["id"]),
       m["snapshot_id"], "new snapshot_id stored")
cur = [r[0] for r in env.q("SELECT track_id FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                           " AND removed_at IS NULL ORDER BY position" % target["id"])]
env.eq(len(cur), m["total"] - sum(1 for it in target["items"] if "track" not in it),
       "current members = the mock's total minus skipped items")
for t in m["added"]:
    env.check(t in cur, "added track %s is a current member" % t)
removed = env.q("SELECT track_id FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                " AND removed_at IS NOT NULL" % target["id"])
rem_ids = sorted(r[0] for r in removed)
# a removed id that is still in the list through a duplicate keeps one current row
exp_removed = sorted(t for t in m["removed"]
                     if collections.Counter(cur)[t] < collections.Counter(
                         [it["track"] for it in target["items"] if "track" in it])[t])
env.eq(rem_ids, exp_removed, "removed rows kept with removed_at")
env.check(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                 % target["id"]) >= old_rows, "old rows are never deleted")

st = env.stats()
items = {k.split("/")[3] for k in st["by_path_status"] if "/items" in k}
snaps_after = dict(env.q("SELECT playlist_id, snapshot_id FROM listen_wiseer.playlists"))
changed = {p for p in snaps_after if snaps_after[p] != snaps_before.get(p)}
env.check(target["id"] in items, "the mutated playlist's items were fetched")
env.eq(items, changed, "items fetched exactly for the playlists whose snapshot_id changed")
env.check(gone["id"] not in items, "the unfollowed playlist's items were not fetched")
env.eq(env.q1("SELECT name FROM listen_wiseer.playlists WHERE playlist_id = '%s'" % renamed["id"]),
       "renamed list", "renamed playlist")
env.check(env.q1("SELECT unfollowed_at IS NOT NULL FROM listen_wiseer.playlists WHERE playlist_id = '%s'"
                 % gone["id"]) == "t", "unfollowed playlist has unfollowed_at")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlists WHERE unfollowed_at IS NOT NULL"), 1,
       "exactly one playlist unfollowed")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
              " AND removed_at IS NULL" % gone["id"]),
       sum(1 for it in gone["items"] if "track" in it), "an unfollowed playlist keeps its members")
run = env.last_run()
env.eq(run["counts"].get("playlists_changed"), len(changed), "counts.playlists_changed")
env.eq(run["counts"].get("playlists_unfollowed"), 1, "counts.playlists_unfollowed")

# put the removed tracks back: the same rows come back to life (removed_at NULL)
env.http("POST", "/_mock/reset", {"tokens": False, "library": True})
rc, _, _ = env.sync()
env.eq(rc, 0, "third sync (library back to the start)")
env.eq(env.q1("SELECT snapshot_id FROM listen_wiseer.playlists WHERE playlist_id = '%s'" % target["id"]),
       target["snapshot_id"], "original snapshot back")
back = [r[0] for r in env.q("SELECT track_id FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
                            " AND removed_at IS NULL ORDER BY position" % target["id"])]
env.eq(back, [it["track"] for it in target["items"] if "track" in it], "original membership restored")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'"
              " AND removed_at IS NOT NULL" % target["id"]), len(set(m["added"]) - set(back)),
       "only the added-then-removed tracks are marked removed")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlists WHERE unfollowed_at IS NOT NULL"), 0,
       "listed again: unfollowed_at cleared")
env.finish()
