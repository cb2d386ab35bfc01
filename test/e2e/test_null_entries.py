"""Odd but normal input: null audio-feature entries (no row, never zeros, counted), null items,
local files, episodes, and both field-naming generations of the API (2026 "items"/"item" only,
legacy "tracks"/"track" only) give the same library."""
from e2e import Env, expected_library, load_library

lib = load_library()
X = expected_library(lib)
extra_null = sorted(X["with_features"])[:7]
env = Env("null_entries", config={"null_audio_features": extra_null, "names": "2026"})
rc, err, _ = env.sync()
env.eq(rc, 0, "sync with 2026 names")
run = env.last_run()
nulls = len(X["seen_tracks"]) - len(X["with_features"]) + len(extra_null)
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features"), len(X["with_features"]) - len(extra_null),
       "feature rows only for non-null entries")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE track_id IN (%s)"
              % ",".join("'%s'" % t for t in extra_null)), 0, "null entries have no row")
env.eq(run["counts"].get("features_null"), nulls, "counts.features_null")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.audio_features WHERE danceability = 0 AND energy = 0"
              " AND tempo = 0"), 0, "no zero rows")
env.eq(run["counts"].get("skipped_null_items", 0), X["skipped"]["unavailable"], "null items counted")
env.eq(run["counts"].get("skipped_local", 0), X["skipped"]["local"], "local files counted")
env.eq(run["counts"].get("skipped_episodes", 0), X["skipped"]["episode"], "episodes counted")
members_2026 = env.q("SELECT playlist_id, track_id, occurrence, position FROM listen_wiseer.playlist_tracks"
                     " ORDER BY 1, 2, 3")
env.eq(len(members_2026), sum(len(v) for v in X["members"].values()), "memberships with 2026 names")
total_2026 = env.q("SELECT playlist_id, total_items FROM listen_wiseer.playlists ORDER BY 1")

# null entries are not asked again by the next run
env.reset_stats()
rc, err, _ = env.sync()
env.eq(env.stats()["by_endpoint"].get("GET /v1/audio-features", 0), 0, "null entries not asked again")

# legacy names: same memberships and totals from "tracks"/"track"
env.config({"names": "legacy"})
env.q("DELETE FROM listen_wiseer.playlist_tracks; UPDATE listen_wiseer.playlists SET snapshot_id = NULL,"
      " total_items = NULL")
rc, err, _ = env.sync()
env.eq(rc, 0, "sync with legacy names")
env.eq(env.q("SELECT playlist_id, track_id, occurrence, position FROM listen_wiseer.playlist_tracks"
             " ORDER BY 1, 2, 3"), members_2026, "legacy names give the same memberships")
env.eq(env.q("SELECT playlist_id, total_items FROM listen_wiseer.playlists ORDER BY 1"), total_2026,
       "legacy names give the same totals")
env.finish()
