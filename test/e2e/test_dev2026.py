"""dev-2026 mode: batch /artists answers 403 -> single /artists/{id} lookups; followed playlists
(not owned, not collaborative) answer 403 on their items -> skipped (items_available = false),
not a capability loss; removed fields (popularity, followers) never wipe stored values."""
from e2e import Env, expected_library, load_library

env = Env("dev2026", mode="dev-2026")
lib = load_library()
X = expected_library(lib)
me = lib["user"]["id"]
followed = [p for p in lib["playlists"] if p["owner_id"] != me and not p["collaborative"]]
collab = [p for p in lib["playlists"] if p["owner_id"] != me and p["collaborative"]]
env.check(len(followed) > 0 and len(collab) > 0, "library has followed and collaborative playlists")

rc, err, _ = env.sync()
env.eq(rc, 0, "exit code")
run = env.last_run()
env.eq(run["status"], "ok", "status")
env.eq(run["capabilities"].get("batch_artists"), "unavailable", "batch_artists verdict")
env.eq(run["capabilities"].get("single_artists"), "available", "single lookups used")
env.eq(run["capabilities"].get("audio_features"), "unavailable", "audio_features verdict")
st = env.stats()
env.eq(st["by_endpoint"].get("GET /v1/artists"), 1, "one batch probe")
readable = set(X["liked"])
for p in lib["playlists"]:
    if p not in followed:
        readable.update(X["members"][p["id"]])
artists = set(a for t in readable for a in X["tracks"][t]["artist_ids"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists"), len(artists), "artists of readable tracks")
env.eq(st["by_endpoint"].get("GET /v1/artists/{id}"), len(artists), "one single lookup per artist")
unavail = {r[0] for r in env.q("SELECT playlist_id FROM listen_wiseer.playlists WHERE NOT items_available")}
env.eq(unavail, {p["id"] for p in followed}, "followed playlists marked items_available = false")
env.eq(run["counts"].get("playlists_items_unavailable"), len(followed), "counted")
for p in followed:
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'" % p["id"]),
           0, "no members for %s" % p["name"])
for p in collab:
    env.eq(env.qi("SELECT count(*) FROM listen_wiseer.playlist_tracks WHERE playlist_id = '%s'" % p["id"]),
           len(X["members"][p["id"]]), "collaborative %s loaded" % p["name"])
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE popularity IS NOT NULL"), 0,
       "no popularity in dev-2026 responses")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL"), 0,
       "a 2026 development-mode app gets no genres: all unknown (NULL), none invented")

# second run: nothing refetched (403 playlists are not retried while their snapshot is the same)
env.reset_stats()
rc, err, _ = env.sync()
env.eq(rc, 0, "second run")
env.eq(sum(v for k, v in env.stats()["by_endpoint"].items() if "/v1/playlists/" in k or "/v1/artists" in k),
       0, "second run: no items or artist requests")

# absent != null: values stored by an extended-mode run survive dev-2026 responses
env.config({"mode": "extended"})
# (a sample of artists, to keep the single lookups few)
SAMPLE = "artist_id IN (SELECT artist_id FROM listen_wiseer.artists ORDER BY artist_id LIMIT 25)"
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_fetched_at = NULL WHERE " + SAMPLE)
rc, err, _ = env.sync("--full")
env.eq(rc, 0, "extended --full run")
pop = env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE popularity IS NOT NULL")
env.eq(pop, env.qi("SELECT count(*) FROM listen_wiseer.tracks"), "popularity stored in extended mode")
# artists refetched (genres unknown again) from responses without genres/popularity/followers:
# genres stay NULL (unknown, not '{}'), popularity and followers keep their values
env.q("UPDATE listen_wiseer.artists SET genres = NULL, genres_fetched_at = NULL WHERE " + SAMPLE)
env.config({"mode": "dev-2026", "genres": "absent"})
before = env.q("SELECT artist_id, popularity, followers FROM listen_wiseer.artists WHERE %s ORDER BY 1"
               % SAMPLE)
env.check(all(r[1] is not None and r[2] is not None for r in before), "popularity/followers stored")
rc, err, _ = env.sync("--full")
env.eq(rc, 0, "dev-2026 --full run with genres absent")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.tracks WHERE popularity IS NOT NULL"), pop,
       "track popularity not wiped by responses without it")
after = env.q("SELECT artist_id, popularity, followers FROM listen_wiseer.artists WHERE %s ORDER BY 1"
              % SAMPLE)
env.check(before == after, "artist popularity/followers not wiped by responses without them")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres IS NOT NULL AND " + SAMPLE), 0,
       "absent genres stay unknown (NULL)")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres_fetched_at IS NULL"), 0,
       "artists were fetched again")
env.eq(env.last_run()["counts"].get("artists_without_genres_field"), len(before),
       "counted: artists without a genres field")

# genres "empty": [] is stored as '{}' (no genres), distinct from unknown
env.q("UPDATE listen_wiseer.artists SET genres_fetched_at = NULL WHERE " + SAMPLE)
env.config({"genres": "empty"})
rc, err, _ = env.sync()
env.eq(rc, 0, "run with empty genres")
env.eq(env.qi("SELECT count(*) FROM listen_wiseer.artists WHERE genres = '{}' AND " + SAMPLE), len(before),
       "empty genres stored as '{}'")
env.finish()
